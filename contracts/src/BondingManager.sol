// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./Manager.sol";

/// @title BondingManager (lpops test double)
/// @notice Bonding, the active transcoder set and reward calling, following livepeer/protocol
///         BondingManager.sol (branch delta) plus the LIP-118 reward caller. Function and event
///         signatures, the getTranscoder/getDelegator tuples, the activation rules
///         (a registered transcoder joins the pool and becomes active from the next round;
///         resigning deactivates it from the next round) and the reward revert strings are the
///         real ones.
///
///         Simplified:
///         - Earnings: reward and fees accrue to the transcoder alone (its cumulativeRewards /
///           cumulativeFees); delegators other than the transcoder earn nothing. There are no
///           LIP-36 cumulative factors; the per-round earnings pool keeps only the total stake.
///         - The transcoder pool is a sorted list scanned linearly; position hints are ignored.
///         - No treasury cut, no BondingVotes checkpoints, no L2Migrator, no bondFor/transferBond/rebond.
///
///         TEST-ONLY (not in the real contract): setLIP118Enabled(false) makes the four LIP-118
///         functions revert with no data, like calling a pre-LIP-118 deployment that lacks them.
contract BondingManager is Manager {
    uint256 constant MAX_FUTURE_ROUND = 2**256 - 1;

    // Time between unbonding and possible withdrawl in rounds
    uint64 public unbondingPeriod;

    // Represents a transcoder's current state
    struct Transcoder {
        uint256 lastRewardRound; // Last round that the transcoder called reward
        uint256 rewardCut; // % of reward paid to transcoder by a delegator
        uint256 feeShare; // % of fees paid to delegators by transcoder
        mapping(uint256 => uint256) stakeForRound; // Simplified earnings pool: round => total stake
        uint256 lastActiveStakeUpdateRound; // Round for which the stake was last updated while the transcoder is active
        uint256 activationRound; // Round in which the transcoder became active - if inactive will be 0 or <=deactivationRound
        uint256 deactivationRound; // Round in which the transcoder will become inactive
        uint256 activeCumulativeRewards; // The transcoder's cumulative rewards that are active in the current round
        uint256 cumulativeRewards; // The transcoder's cumulative rewards
        uint256 cumulativeFees; // The transcoder's cumulative fees
        uint256 lastFeeRound; // Latest round in which the transcoder received fees
    }

    // The various states a transcoder can be in
    enum TranscoderStatus {
        NotRegistered,
        Registered
    }

    // Represents a delegator's current state
    struct Delegator {
        uint256 bondedAmount; // The amount of bonded tokens
        uint256 fees; // The amount of fees collected
        address delegateAddress; // The address delegated to
        uint256 delegatedAmount; // The amount of tokens delegated to the delegator
        uint256 startRound; // The round the delegator transitions to bonded phase and is delegated to someone
        uint256 lastClaimRound; // The last round during which the delegator claimed its earnings
        uint256 nextUnbondingLockId; // ID for the next unbonding lock created
        mapping(uint256 => UnbondingLock) unbondingLocks; // Mapping of unbonding lock ID => unbonding lock
    }

    // The various states a delegator can be in
    enum DelegatorStatus {
        Pending,
        Bonded,
        Unbonded
    }

    // Represents an amount of tokens that are being unbonded
    struct UnbondingLock {
        uint256 amount; // Amount of tokens being unbonded
        uint256 withdrawRound; // Round at which unbonding period is over and tokens can be withdrawn
    }

    // A node of the transcoder pool, kept in descending stake order
    struct PoolNode {
        uint256 key;
        address nextId;
        address prevId;
        bool exists;
    }

    // Keep track of the known transcoders and delegators
    mapping(address => Delegator) private delegators;
    mapping(address => Transcoder) private transcoders;

    // The total active stake (sum of the stake of active set members) for the current round
    uint256 public currentRoundTotalActiveStake;
    // The total active stake (sum of the stake of active set members) for the next round
    uint256 public nextRoundTotalActiveStake;

    // The transcoder pool: the pending active set for the next round
    mapping(address => PoolNode) private poolNodes;
    address private poolHead;
    address private poolTail;
    uint256 private poolSize;
    uint256 private poolMaxSize;

    // LIP-118: transcoder => the one address allowed to call reward on its behalf
    mapping(address => address) private rewardCallers;

    // TEST-ONLY: whether the LIP-118 functions exist on this "deployment"
    bool public lip118Enabled = true;

    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    event TranscoderSlashed(address indexed transcoder, address finder, uint256 penalty, uint256 finderReward);
    event Reward(address indexed transcoder, uint256 amount);
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    event Unbond(
        address indexed delegate,
        address indexed delegator,
        uint256 unbondingLockId,
        uint256 amount,
        uint256 withdrawRound
    );
    event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
    event WithdrawFees(address indexed delegator, address recipient, uint256 amount);
    event EarningsClaimed(
        address indexed delegate,
        address indexed delegator,
        uint256 rewards,
        uint256 fees,
        uint256 startRound,
        uint256 endRound
    );
    event RewardCallerSet(address indexed transcoder, address indexed rewardCaller);

    // Check if sender is TicketBroker
    modifier onlyTicketBroker() {
        require(msg.sender == controller.getContract(keccak256("TicketBroker")), "caller must be TicketBroker");
        _;
    }

    // Check if sender is RoundsManager
    modifier onlyRoundsManager() {
        require(msg.sender == controller.getContract(keccak256("RoundsManager")), "caller must be RoundsManager");
        _;
    }

    // Check if sender is Verifier
    modifier onlyVerifier() {
        require(msg.sender == controller.getContract(keccak256("Verifier")), "caller must be Verifier");
        _;
    }

    // Check if current round is initialized
    modifier currentRoundInitialized() {
        require(roundsManager().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    // Automatically claim earnings from lastClaimRound through the current round
    modifier autoClaimEarnings(address _delegator) {
        _autoClaimEarnings(_delegator);
        _;
    }

    // TEST-ONLY: emulate a deployment without the LIP-118 functions (no selector -> empty revert)
    modifier whenLIP118() {
        if (!lip118Enabled) {
            revert();
        }
        _;
    }

    constructor(address _controller) Manager(_controller) {}

    /**
     * @notice Set unbonding period. Only callable by Controller owner
     */
    function setUnbondingPeriod(uint64 _unbondingPeriod) external onlyControllerOwner {
        unbondingPeriod = _unbondingPeriod;

        emit ParameterUpdate("unbondingPeriod");
    }

    /**
     * @notice Set maximum number of active transcoders. Only callable by Controller owner.
     *         As in the real SortedDoublyLL, the size can only grow.
     */
    function setNumActiveTranscoders(uint256 _numActiveTranscoders) external onlyControllerOwner {
        require(_numActiveTranscoders > poolMaxSize, "new max size must be greater than old max size");
        poolMaxSize = _numActiveTranscoders;

        emit ParameterUpdate("numActiveTranscoders");
    }

    /// @notice TEST-ONLY: turn the LIP-118 functions on or off.
    function setLIP118Enabled(bool _enabled) external onlyControllerOwner {
        lip118Enabled = _enabled;

        emit ParameterUpdate("lip118Enabled");
    }

    /**
     * @notice Sets commission rates as a transcoder and if the caller is not in the transcoder pool tries to add it
     */
    function transcoder(uint256 _rewardCut, uint256 _feeShare) external {
        transcoderWithHint(_rewardCut, _feeShare, address(0), address(0));
    }

    /**
     * @notice Delegate stake towards a specific address
     */
    function bond(uint256 _amount, address _to) external {
        bondWithHint(_amount, _to, address(0), address(0), address(0), address(0));
    }

    /**
     * @notice Unbond an amount of the delegator's bonded stake
     */
    function unbond(uint256 _amount) external {
        unbondWithHint(_amount, address(0), address(0));
    }

    /**
     * @notice Withdraws tokens for an unbonding lock that has existed through an unbonding period
     */
    function withdrawStake(uint256 _unbondingLockId) external whenSystemNotPaused currentRoundInitialized {
        Delegator storage del = delegators[msg.sender];
        UnbondingLock storage lock = del.unbondingLocks[_unbondingLockId];

        require(isValidUnbondingLock(msg.sender, _unbondingLockId), "invalid unbonding lock ID");
        require(
            lock.withdrawRound <= roundsManager().currentRound(),
            "withdraw round must be before or equal to the current round"
        );

        uint256 amount = lock.amount;
        uint256 withdrawRound = lock.withdrawRound;
        // Delete unbonding lock
        delete del.unbondingLocks[_unbondingLockId];

        // Tell Minter to transfer stake (LPT) to the delegator
        minter().trustedTransferTokens(msg.sender, amount);

        emit WithdrawStake(msg.sender, _unbondingLockId, amount, withdrawRound);
    }

    /**
     * @notice Withdraws fees to the caller
     */
    function withdrawFees(address payable _recipient, uint256 _amount)
        external
        whenSystemNotPaused
        currentRoundInitialized
        autoClaimEarnings(msg.sender)
    {
        require(_recipient != address(0), "invalid recipient");
        uint256 fees = delegators[msg.sender].fees;
        require(fees >= _amount, "insufficient fees to withdraw");
        delegators[msg.sender].fees = fees - _amount;

        // Tell Minter to transfer fees (ETH) to the address
        minter().trustedWithdrawETH(_recipient, _amount);

        emit WithdrawFees(msg.sender, _recipient, _amount);
    }

    /**
     * @notice Mint token rewards for an active transcoder and its delegators
     */
    function reward() external {
        rewardWithHint(address(0), address(0));
    }

    /**
     * @notice Update transcoder's fee pool. Only callable by the TicketBroker.
     *         Simplified: all fees accrue to the transcoder's cumulativeFees.
     */
    function updateTranscoderWithFees(
        address _transcoder,
        uint256 _fees,
        uint256 _round
    ) external whenSystemNotPaused onlyTicketBroker {
        // Silence unused param compiler warning
        _round;

        require(isActiveTranscoder(_transcoder), "transcoder must be active");

        Transcoder storage t = transcoders[_transcoder];
        t.cumulativeFees += _fees;
        t.lastFeeRound = roundsManager().currentRound();
    }

    /**
     * @notice Slash a transcoder. Only callable by the Verifier (the deployer in the test deployment).
     * @param _slashAmount Percentage of transcoder bond to be slashed
     * @param _finderFee Percentage of penalty awarded to finder. Zero if there is no finder
     */
    function slashTranscoder(
        address _transcoder,
        address _finder,
        uint256 _slashAmount,
        uint256 _finderFee
    ) external whenSystemNotPaused onlyVerifier autoClaimEarnings(_transcoder) {
        Delegator storage del = delegators[_transcoder];

        if (del.bondedAmount > 0) {
            uint256 penalty = MathUtils.percOf(delegators[_transcoder].bondedAmount, _slashAmount);

            // If active transcoder, resign it
            if (poolNodes[_transcoder].exists) {
                resignTranscoder(_transcoder);
            }

            // Decrease bonded stake
            del.bondedAmount -= penalty;

            // If still bonded decrease delegate's delegated amount
            if (delegatorStatus(_transcoder) == DelegatorStatus.Bonded) {
                delegators[del.delegateAddress].delegatedAmount -= penalty;
            }

            // Account for penalty
            uint256 burnAmount = penalty;

            // Award finder fee if there is a finder address
            if (_finder != address(0)) {
                uint256 finderAmount = MathUtils.percOf(penalty, _finderFee);
                minter().trustedTransferTokens(_finder, finderAmount);

                // Minter burns the slashed funds - finder reward
                minter().trustedBurnTokens(burnAmount - finderAmount);

                emit TranscoderSlashed(_transcoder, _finder, penalty, finderAmount);
            } else {
                // Minter burns the slashed funds
                minter().trustedBurnTokens(burnAmount);

                emit TranscoderSlashed(_transcoder, address(0), penalty, 0);
            }
        } else {
            emit TranscoderSlashed(_transcoder, _finder, 0, 0);
        }
    }

    /**
     * @notice Called during round initialization to set the total active stake for the round. Only callable by the RoundsManager
     */
    function setCurrentRoundTotalActiveStake() external onlyRoundsManager {
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
    }

    /**
     * @notice Sets commission rates as a transcoder and if the caller is not in the transcoder pool tries to add it
     */
    function transcoderWithHint(
        uint256 _rewardCut,
        uint256 _feeShare,
        address _newPosPrev,
        address _newPosNext
    ) public whenSystemNotPaused currentRoundInitialized {
        // Hints are ignored by the simplified pool.
        _newPosPrev;
        _newPosNext;

        require(!roundsManager().currentRoundLocked(), "can't update transcoder params, current round is locked");
        require(MathUtils.validPerc(_rewardCut), "invalid rewardCut percentage");
        require(MathUtils.validPerc(_feeShare), "invalid feeShare percentage");
        require(isRegisteredTranscoder(msg.sender), "transcoder must be registered");

        Transcoder storage t = transcoders[msg.sender];
        uint256 currentRound = roundsManager().currentRound();

        require(
            !isActiveTranscoder(msg.sender) || t.lastRewardRound == currentRound,
            "caller can't be active or must have already called reward for the current round"
        );

        t.rewardCut = _rewardCut;
        t.feeShare = _feeShare;

        if (!poolNodes[msg.sender].exists) {
            tryToJoinActiveSet(msg.sender, delegators[msg.sender].delegatedAmount, currentRound + 1);
        }

        emit TranscoderUpdate(msg.sender, _rewardCut, _feeShare);
    }

    /**
     * @notice Delegates stake towards a specific address. Hints are ignored.
     */
    function bondWithHint(
        uint256 _amount,
        address _to,
        address _oldDelegateNewPosPrev,
        address _oldDelegateNewPosNext,
        address _currDelegateNewPosPrev,
        address _currDelegateNewPosNext
    ) public whenSystemNotPaused currentRoundInitialized autoClaimEarnings(msg.sender) {
        _oldDelegateNewPosPrev;
        _oldDelegateNewPosNext;
        _currDelegateNewPosPrev;
        _currDelegateNewPosNext;

        Delegator storage del = delegators[msg.sender];

        uint256 currentRound = roundsManager().currentRound();
        // Amount to delegate
        uint256 delegationAmount = _amount;
        // Current delegate
        address currentDelegate = del.delegateAddress;
        // Current bonded amount
        uint256 currentBondedAmount = del.bondedAmount;

        _ensurePendingDeactivationTranscoderCalledReward(_to);

        if (delegatorStatus(msg.sender) == DelegatorStatus.Unbonded) {
            // New delegate
            // Set start round
            // Don't set start round if delegator is in pending state because the start round would not change
            del.startRound = currentRound + 1;
            // Unbonded state = no existing delegate and no bonded stake
            // Thus, delegation amount = provided amount
        } else if (currentBondedAmount > 0 && currentDelegate != _to) {
            // A registered transcoder cannot delegate its bonded stake toward another address
            // because it can only be delegated toward itself
            require(!isRegisteredTranscoder(msg.sender), "registered transcoders can't delegate towards other addresses");
            // Changing delegate
            // Set start round
            del.startRound = currentRound + 1;
            // Update amount to delegate with previous delegation amount
            delegationAmount += currentBondedAmount;

            decreaseTotalStake(currentDelegate, currentBondedAmount);
        }

        // cannot delegate to someone without having bonded stake
        require(delegationAmount > 0, "delegation amount must be greater than 0");
        // Update delegate
        del.delegateAddress = _to;
        // Update bonded amount
        del.bondedAmount = currentBondedAmount + _amount;

        increaseTotalStake(_to, delegationAmount);

        if (_amount > 0) {
            // Transfer the LPT to the Minter
            require(
                livepeerToken().transferFrom(msg.sender, address(minter()), _amount),
                "token transfer failed"
            );
        }

        emit Bond(_to, currentDelegate, msg.sender, _amount, del.bondedAmount);
    }

    /**
     * @notice Unbond an amount of the delegator's bonded stake. Hints are ignored.
     */
    function unbondWithHint(
        uint256 _amount,
        address _newPosPrev,
        address _newPosNext
    ) public whenSystemNotPaused currentRoundInitialized autoClaimEarnings(msg.sender) {
        _newPosPrev;
        _newPosNext;

        require(delegatorStatus(msg.sender) == DelegatorStatus.Bonded, "caller must be bonded");

        Delegator storage del = delegators[msg.sender];

        require(_amount > 0, "unbond amount must be greater than 0");
        require(_amount <= del.bondedAmount, "amount is greater than bonded amount");

        address currentDelegate = del.delegateAddress;
        uint256 currentRound = roundsManager().currentRound();
        uint256 withdrawRound = currentRound + unbondingPeriod;
        uint256 unbondingLockId = del.nextUnbondingLockId;

        // Create new unbonding lock
        del.unbondingLocks[unbondingLockId] = UnbondingLock({ amount: _amount, withdrawRound: withdrawRound });
        // Increment ID for next unbonding lock
        del.nextUnbondingLockId = unbondingLockId + 1;
        // Decrease delegator's bonded amount
        del.bondedAmount -= _amount;

        if (del.bondedAmount == 0) {
            // Delegator no longer delegated to anyone if it does not have a bonded amount
            del.delegateAddress = address(0);
            // Delegator does not have a start round if it is no longer delegated to anyone
            del.startRound = 0;

            if (poolNodes[msg.sender].exists) {
                resignTranscoder(msg.sender);
            }
        }

        // If msg.sender was resigned this statement will only decrease delegators[currentDelegate].delegatedAmount
        decreaseTotalStake(currentDelegate, _amount);

        emit Unbond(currentDelegate, msg.sender, unbondingLockId, _amount, withdrawRound);
    }

    /**
     * @notice Mint token rewards for an active transcoder. Hints are ignored.
     */
    function rewardWithHint(address _newPosPrev, address _newPosNext) public {
        _newPosPrev;
        _newPosNext;
        _reward(msg.sender);
    }

    // ------------------------------------------------------------------ LIP-118

    /**
     * @notice LIP-118: authorize `_rewardCaller` to call reward for the caller; address(0) unsets it.
     */
    function setRewardCaller(address _rewardCaller) external whenLIP118 whenSystemNotPaused {
        rewardCallers[msg.sender] = _rewardCaller;

        emit RewardCallerSet(msg.sender, _rewardCaller);
    }

    /**
     * @notice LIP-118: the reward caller a transcoder has authorized (address(0) if none).
     */
    function transcoderToRewardCaller(address _transcoder) external view whenLIP118 returns (address) {
        return rewardCallers[_transcoder];
    }

    /**
     * @notice LIP-118: mint token rewards for `_transcoder`; only its reward caller may call this.
     */
    function rewardForTranscoder(address _transcoder) external whenLIP118 {
        rewardForTranscoderWithHint(_transcoder, address(0), address(0));
    }

    /**
     * @notice LIP-118: as rewardWithHint, on behalf of `_transcoder`. Rewards accrue to the transcoder.
     */
    function rewardForTranscoderWithHint(
        address _transcoder,
        address _newPosPrev,
        address _newPosNext
    ) public whenLIP118 {
        _newPosPrev;
        _newPosNext;
        require(rewardCallers[_transcoder] == msg.sender, "caller must be a reward caller set by the transcoder");
        _reward(_transcoder);
    }

    // ------------------------------------------------------------------ views

    /**
     * @notice Returns pending bonded stake for a delegator through the current round
     */
    function pendingStake(address _delegator, uint256 _endRound) public view returns (uint256) {
        _endRound;
        Delegator storage del = delegators[_delegator];
        uint256 stake = del.bondedAmount;
        if (del.delegateAddress == _delegator) {
            stake += transcoders[_delegator].cumulativeRewards;
        }
        return stake;
    }

    /**
     * @notice Returns pending fees for a delegator through the current round
     */
    function pendingFees(address _delegator, uint256 _endRound) public view returns (uint256) {
        _endRound;
        Delegator storage del = delegators[_delegator];
        uint256 fees = del.fees;
        if (del.delegateAddress == _delegator) {
            fees += transcoders[_delegator].cumulativeFees;
        }
        return fees;
    }

    /**
     * @notice Returns total bonded stake for a transcoder
     */
    function transcoderTotalStake(address _transcoder) public view returns (uint256) {
        return delegators[_transcoder].delegatedAmount;
    }

    /**
     * @notice Computes transcoder status
     */
    function transcoderStatus(address _transcoder) public view returns (TranscoderStatus) {
        if (isRegisteredTranscoder(_transcoder)) return TranscoderStatus.Registered;
        return TranscoderStatus.NotRegistered;
    }

    /**
     * @notice Computes delegator status
     */
    function delegatorStatus(address _delegator) public view returns (DelegatorStatus) {
        Delegator storage del = delegators[_delegator];

        if (del.bondedAmount == 0) {
            // Delegator unbonded all its tokens
            return DelegatorStatus.Unbonded;
        } else if (del.startRound > roundsManager().currentRound()) {
            // Delegator round start is in the future
            return DelegatorStatus.Pending;
        } else {
            // Delegator round start is now or in the past
            return DelegatorStatus.Bonded;
        }
    }

    /**
     * @notice Return transcoder information
     */
    function getTranscoder(address _transcoder)
        public
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 lastActiveStakeUpdateRound,
            uint256 activationRound,
            uint256 deactivationRound,
            uint256 activeCumulativeRewards,
            uint256 cumulativeRewards,
            uint256 cumulativeFees,
            uint256 lastFeeRound
        )
    {
        Transcoder storage t = transcoders[_transcoder];

        lastRewardRound = t.lastRewardRound;
        rewardCut = t.rewardCut;
        feeShare = t.feeShare;
        lastActiveStakeUpdateRound = t.lastActiveStakeUpdateRound;
        activationRound = t.activationRound;
        deactivationRound = t.deactivationRound;
        activeCumulativeRewards = t.activeCumulativeRewards;
        cumulativeRewards = t.cumulativeRewards;
        cumulativeFees = t.cumulativeFees;
        lastFeeRound = t.lastFeeRound;
    }

    /**
     * @notice Return delegator info
     */
    function getDelegator(address _delegator)
        public
        view
        returns (
            uint256 bondedAmount,
            uint256 fees,
            address delegateAddress,
            uint256 delegatedAmount,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        Delegator storage del = delegators[_delegator];

        bondedAmount = del.bondedAmount;
        fees = del.fees;
        delegateAddress = del.delegateAddress;
        delegatedAmount = del.delegatedAmount;
        startRound = del.startRound;
        lastClaimRound = del.lastClaimRound;
        nextUnbondingLockId = del.nextUnbondingLockId;
    }

    /**
     * @notice Return delegator's unbonding lock info
     */
    function getDelegatorUnbondingLock(address _delegator, uint256 _unbondingLockId)
        public
        view
        returns (uint256 amount, uint256 withdrawRound)
    {
        UnbondingLock storage lock = delegators[_delegator].unbondingLocks[_unbondingLockId];

        return (lock.amount, lock.withdrawRound);
    }

    function getTranscoderPoolMaxSize() public view returns (uint256) {
        return poolMaxSize;
    }

    function getTranscoderPoolSize() public view returns (uint256) {
        return poolSize;
    }

    function getFirstTranscoderInPool() public view returns (address) {
        return poolHead;
    }

    function getNextTranscoderInPool(address _transcoder) public view returns (address) {
        return poolNodes[_transcoder].nextId;
    }

    /**
     * @notice Return total bonded tokens
     * @return total active stake for the current round
     */
    function getTotalBonded() public view returns (uint256) {
        return currentRoundTotalActiveStake;
    }

    /**
     * @notice Return whether a transcoder is active for the current round
     */
    function isActiveTranscoder(address _transcoder) public view returns (bool) {
        Transcoder storage t = transcoders[_transcoder];
        uint256 currentRound = roundsManager().currentRound();
        return t.activationRound <= currentRound && currentRound < t.deactivationRound;
    }

    /**
     * @notice Return whether a transcoder is registered
     */
    function isRegisteredTranscoder(address _transcoder) public view returns (bool) {
        Delegator storage d = delegators[_transcoder];
        return d.delegateAddress == _transcoder && d.bondedAmount > 0;
    }

    /**
     * @notice Return whether an unbonding lock for a delegator is valid
     */
    function isValidUnbondingLock(address _delegator, uint256 _unbondingLockId) public view returns (bool) {
        // A unbonding lock is only valid if it has a non-zero withdraw round (the default value is zero)
        return delegators[_delegator].unbondingLocks[_unbondingLockId].withdrawRound > 0;
    }

    // ------------------------------------------------------------------ internals

    /**
     * @dev Shared body of reward, rewardWithHint and the LIP-118 variants.
     */
    function _reward(address _transcoder) internal whenSystemNotPaused currentRoundInitialized {
        uint256 currentRound = roundsManager().currentRound();

        require(isActiveTranscoder(_transcoder), "caller must be an active transcoder");
        require(
            transcoders[_transcoder].lastRewardRound != currentRound,
            "caller has already called reward for the current round"
        );

        Transcoder storage t = transcoders[_transcoder];

        // If transcoder didn't receive stake updates during the previous round and hasn't called reward for > 1 round
        // the stake for the current round wouldn't be initialized, so sync it to when it was last updated
        uint256 lastUpdateRound = t.lastActiveStakeUpdateRound;
        if (lastUpdateRound < currentRound) {
            t.stakeForRound[currentRound] = t.stakeForRound[lastUpdateRound];
        }

        // Create reward based on active transcoder's stake relative to the total active stake
        // rewardTokens = (current mintable tokens for the round * active transcoder stake) / total active stake
        uint256 rewardTokens = minter().createReward(t.stakeForRound[currentRound], currentRoundTotalActiveStake);

        updateTranscoderWithRewards(_transcoder, rewardTokens);

        // Set last round that transcoder called reward
        t.lastRewardRound = currentRound;

        emit Reward(_transcoder, rewardTokens);
    }

    /**
     * @dev Increase the total stake for a delegate and updates its 'lastActiveStakeUpdateRound'
     */
    function increaseTotalStake(address _delegate, uint256 _amount) internal {
        Transcoder storage t = transcoders[_delegate];

        uint256 currStake = transcoderTotalStake(_delegate);
        uint256 newStake = currStake + _amount;

        uint256 currRound = roundsManager().currentRound();
        uint256 nextRound = currRound + 1;

        bool isActiveInCurrentRound = isActiveTranscoder(_delegate);
        bool isActiveInNextRound = poolNodes[_delegate].exists;
        // If transcoder will be active on next round, update its position in the pool and next round total active stake
        if (isActiveInNextRound) {
            poolUpdateKey(_delegate, newStake);
            nextRoundTotalActiveStake += _amount;
        } else if (isRegisteredTranscoder(_delegate)) {
            // Otherwise, check if it is eligible to join the active set
            tryToJoinActiveSet(_delegate, newStake, nextRound);
        }
        // If transcoder is or will be active, update its earning pools
        if (isActiveInCurrentRound || isActiveInNextRound) {
            if (t.lastActiveStakeUpdateRound < currRound) {
                t.stakeForRound[currRound] = currStake;
            }

            t.stakeForRound[nextRound] = newStake;
            t.lastActiveStakeUpdateRound = nextRound;
        }

        // Increase delegate's delegated amount
        delegators[_delegate].delegatedAmount = newStake;
    }

    /**
     * @dev Decrease the total stake for a delegate and updates its 'lastActiveStakeUpdateRound'
     */
    function decreaseTotalStake(address _delegate, uint256 _amount) internal {
        Transcoder storage t = transcoders[_delegate];

        uint256 currStake = transcoderTotalStake(_delegate);
        uint256 newStake = currStake - _amount;

        bool isActiveInCurrentRound = isActiveTranscoder(_delegate);
        bool isActiveInNextRound = poolNodes[_delegate].exists;
        // If transcoder will be active on next round, update its position in the pool and next round total active stake
        if (isActiveInNextRound) {
            poolUpdateKey(_delegate, newStake);
            nextRoundTotalActiveStake -= _amount;
        }
        // If transcoder is or will be active, update its earning pools
        if (isActiveInCurrentRound || isActiveInNextRound) {
            uint256 currRound = roundsManager().currentRound();
            uint256 nextRound = currRound + 1;

            if (t.lastActiveStakeUpdateRound < currRound) {
                t.stakeForRound[currRound] = currStake;
            }

            t.lastActiveStakeUpdateRound = nextRound;
            t.stakeForRound[nextRound] = newStake;
        }

        // Decrease old delegate's delegated amount
        delegators[_delegate].delegatedAmount = newStake;
    }

    /**
     * @dev Tries to add a transcoder to active transcoder pool, evicts the active transcoder with the lowest stake if the pool is full
     */
    function tryToJoinActiveSet(
        address _transcoder,
        uint256 _totalStake,
        uint256 _activationRound
    ) internal {
        uint256 pendingNextRoundTotalActiveStake = nextRoundTotalActiveStake;

        if (poolSize >= poolMaxSize) {
            address lastTranscoder = poolTail;
            uint256 lastStake = transcoderTotalStake(lastTranscoder);

            // If the pool is full and the transcoder has less stake than the least stake transcoder in the pool
            // then the transcoder is unable to join the active set for the next round
            if (lastTranscoder == address(0) || _totalStake <= lastStake) {
                return;
            }

            // Evict the least stake transcoder from the active set for the next round
            poolRemove(lastTranscoder);
            transcoders[lastTranscoder].deactivationRound = _activationRound;
            pendingNextRoundTotalActiveStake -= lastStake;

            emit TranscoderDeactivated(lastTranscoder, _activationRound);
        }

        poolInsert(_transcoder, _totalStake);
        pendingNextRoundTotalActiveStake += _totalStake;
        Transcoder storage t = transcoders[_transcoder];
        t.lastActiveStakeUpdateRound = _activationRound;
        t.activationRound = _activationRound;
        t.deactivationRound = MAX_FUTURE_ROUND;
        t.stakeForRound[_activationRound] = _totalStake;
        nextRoundTotalActiveStake = pendingNextRoundTotalActiveStake;

        emit TranscoderActivated(_transcoder, _activationRound);
    }

    /**
     * @dev Remove a transcoder from the pool and deactivate it
     */
    function resignTranscoder(address _transcoder) internal {
        poolRemove(_transcoder);
        nextRoundTotalActiveStake -= transcoderTotalStake(_transcoder);
        uint256 deactivationRound = roundsManager().currentRound() + 1;
        transcoders[_transcoder].deactivationRound = deactivationRound;

        emit TranscoderDeactivated(_transcoder, deactivationRound);
    }

    /**
     * @dev Update a transcoder with rewards. Simplified: all rewards accrue to the transcoder.
     */
    function updateTranscoderWithRewards(address _transcoder, uint256 _rewards) internal {
        Transcoder storage t = transcoders[_transcoder];

        t.activeCumulativeRewards = t.cumulativeRewards;
        t.cumulativeRewards += _rewards;
        // Update transcoder's total stake with rewards
        increaseTotalStake(_transcoder, _rewards);
    }

    /**
     * @dev Fold a delegator's pending earnings into its bonded amount and fees.
     */
    function _autoClaimEarnings(address _delegator) internal {
        uint256 currentRound = roundsManager().currentRound();
        Delegator storage del = delegators[_delegator];
        uint256 lastClaimRound = del.lastClaimRound;
        if (lastClaimRound >= currentRound) {
            return;
        }

        uint256 currentBondedAmount = del.bondedAmount;
        uint256 currentFees = del.fees;
        if (del.delegateAddress == _delegator) {
            Transcoder storage t = transcoders[_delegator];
            currentBondedAmount += t.cumulativeRewards;
            currentFees += t.cumulativeFees;
            t.cumulativeRewards = 0;
            t.cumulativeFees = 0;
        }

        emit EarningsClaimed(
            del.delegateAddress,
            _delegator,
            currentBondedAmount - del.bondedAmount,
            currentFees - del.fees,
            lastClaimRound + 1,
            currentRound
        );

        del.lastClaimRound = currentRound;
        del.bondedAmount = currentBondedAmount;
        del.fees = currentFees;
    }

    /**
     * Ensure the transcoder called reward, if it was deactivated in the current round
     */
    function _ensurePendingDeactivationTranscoderCalledReward(address _transcoder) internal view {
        Transcoder storage t = transcoders[_transcoder];
        uint256 currentRound = roundsManager().currentRound();
        if (isActiveTranscoder(_transcoder) && t.deactivationRound != MAX_FUTURE_ROUND) {
            require(t.lastRewardRound == currentRound, "transcoder has not yet called reward for the current round");
        }
    }

    // Transcoder pool: doubly linked list in descending stake order, linear-scan insertion.

    function poolInsert(address _id, uint256 _key) internal {
        address next = poolHead;
        while (next != address(0) && poolNodes[next].key >= _key) {
            next = poolNodes[next].nextId;
        }
        address prev = next == address(0) ? poolTail : poolNodes[next].prevId;

        poolNodes[_id] = PoolNode({ key: _key, nextId: next, prevId: prev, exists: true });
        if (prev == address(0)) {
            poolHead = _id;
        } else {
            poolNodes[prev].nextId = _id;
        }
        if (next == address(0)) {
            poolTail = _id;
        } else {
            poolNodes[next].prevId = _id;
        }
        poolSize++;
    }

    function poolRemove(address _id) internal {
        PoolNode storage n = poolNodes[_id];
        if (n.prevId == address(0)) {
            poolHead = n.nextId;
        } else {
            poolNodes[n.prevId].nextId = n.nextId;
        }
        if (n.nextId == address(0)) {
            poolTail = n.prevId;
        } else {
            poolNodes[n.nextId].prevId = n.prevId;
        }
        delete poolNodes[_id];
        poolSize--;
    }

    function poolUpdateKey(address _id, uint256 _key) internal {
        poolRemove(_id);
        poolInsert(_id, _key);
    }
}
