// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./Manager.sol";

/// @title RoundsManager (lpops test double)
/// @notice Round progression exactly as livepeer/protocol RoundsManager.sol: rounds are
///         roundLength blocks of blockNum(), counted from the round in which the length was
///         last set (lastRoundLengthUpdateRound / lastRoundLengthUpdateStartBlock), and each
///         round must be initialized once with initializeRound().
///
///         TEST-ONLY (not in the real contract): blockNum() is
///         blockNumOffset + block.number / blockNumDivisor. On Arbitrum the real blockNum()
///         is the L1 block number, which advances slower than the L2's eth_blockNumber;
///         a divisor > 1 reproduces that gap on a local chain, and the offset moves the
///         protocol clock without mining blocks.
contract RoundsManager is Manager {
    // Round length in blocks
    uint256 public roundLength;
    // Lock period of a round as a % of round length
    // Transcoders cannot join the transcoder pool or change their rates during the lock period at the end of a round
    uint256 public roundLockAmount;
    // Last initialized round. After first round, this is the last round during which initializeRound() was called
    uint256 public lastInitializedRound;
    // Round in which roundLength was last updated
    uint256 public lastRoundLengthUpdateRound;
    // Start block of the round in which roundLength was last updated
    uint256 public lastRoundLengthUpdateStartBlock;

    // Mapping round number => block hash for the round
    mapping(uint256 => bytes32) internal _blockHashForRound;

    // LIP upgrade rounds (mapping LIP number => round). Kept for interface parity.
    mapping(uint256 => uint256) public lipUpgradeRound;

    // TEST-ONLY: blockNum() = blockNumOffset + block.number / blockNumDivisor.
    uint256 public blockNumOffset;
    uint256 public blockNumDivisor;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    /**
     * @param _controller Controller this contract is registered with
     * @param _roundLength Round length in blocks of blockNum() (the real contract takes it via setRoundLength)
     * @param _blockNumOffset TEST-ONLY offset added to blockNum()
     * @param _blockNumDivisor TEST-ONLY divisor applied to block.number in blockNum() (0 means 1)
     */
    constructor(
        address _controller,
        uint256 _roundLength,
        uint256 _blockNumOffset,
        uint256 _blockNumDivisor
    ) Manager(_controller) {
        blockNumOffset = _blockNumOffset;
        blockNumDivisor = _blockNumDivisor == 0 ? 1 : _blockNumDivisor;
        if (_roundLength > 0) {
            _setRoundLength(_roundLength);
        }
    }

    /**
     * @notice Set round length. Only callable by the controller owner
     * @param _roundLength Round length in blocks
     */
    function setRoundLength(uint256 _roundLength) external onlyControllerOwner {
        _setRoundLength(_roundLength);
    }

    /**
     * @notice Set round lock amount. Only callable by the controller owner
     * @param _roundLockAmount Round lock amount as a % of the number of blocks in a round
     */
    function setRoundLockAmount(uint256 _roundLockAmount) external onlyControllerOwner {
        require(MathUtils.validPerc(_roundLockAmount), "round lock amount must be a valid percentage");

        roundLockAmount = _roundLockAmount;

        emit ParameterUpdate("roundLockAmount");
    }

    /**
     * @notice TEST-ONLY: set blockNum() = _offset + block.number / _divisor. The protocol clock
     *         may not run backwards, so a new setting must not lower blockNum().
     */
    function setBlockNumParams(uint256 _offset, uint256 _divisor) external onlyControllerOwner {
        require(_divisor > 0, "divisor cannot be 0");
        uint256 before = blockNum();
        blockNumOffset = _offset;
        blockNumDivisor = _divisor;
        require(blockNum() >= before, "blockNum cannot go backwards");

        emit ParameterUpdate("blockNumParams");
    }

    /**
     * @notice Initialize the current round. Called once at the start of any round
     */
    function initializeRound() external whenSystemNotPaused {
        uint256 currRound = currentRound();

        // Check if already called for the current round
        require(lastInitializedRound < currRound, "round already initialized");

        // Set current round as initialized
        lastInitializedRound = currRound;
        // Store block hash for round
        uint256 currBlock = blockNum();
        bytes32 roundBlockHash = currBlock > 0 ? blockHash(currBlock - 1) : bytes32(0);
        _blockHashForRound[currRound] = roundBlockHash;
        // Set total active stake for the round
        bondingManager().setCurrentRoundTotalActiveStake();
        // Set mintable rewards for the round
        minter().setCurrentRewardTokens();

        emit NewRound(currRound, roundBlockHash);
    }

    /**
     * @notice Return current block number (TEST-ONLY formula, see the contract notice)
     */
    function blockNum() public view returns (uint256) {
        return blockNumOffset + block.number / blockNumDivisor;
    }

    /**
     * @notice Return blockhash for a block. With a blockNum() offset or divisor the number is
     *         not an EVM block of this chain, so the hash is usually zero (as for L1 numbers on L2).
     */
    function blockHash(uint256 _block) public view returns (bytes32) {
        uint256 currentBlock = blockNum();
        require(_block < currentBlock, "can only retrieve past block hashes");
        require(currentBlock < 256 || _block >= currentBlock - 256, "can only retrieve hashes for last 256 blocks");

        return blockhash(_block);
    }

    /**
     * @notice Return blockhash for a round
     */
    function blockHashForRound(uint256 _round) public view returns (bytes32) {
        return _blockHashForRound[_round];
    }

    /**
     * @notice Return current round
     */
    function currentRound() public view returns (uint256) {
        // Compute # of rounds since roundLength was last updated
        uint256 roundsSinceUpdate = (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
        // Current round = round that roundLength was last updated + # of rounds since roundLength was last updated
        return lastRoundLengthUpdateRound + roundsSinceUpdate;
    }

    /**
     * @notice Return start block of current round
     */
    function currentRoundStartBlock() public view returns (uint256) {
        // Compute # of rounds since roundLength was last updated
        uint256 roundsSinceUpdate = (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
        // Current round start block = start block of round that roundLength was last updated + (# of rounds since roundLength was last updated * roundLength)
        return lastRoundLengthUpdateStartBlock + roundsSinceUpdate * roundLength;
    }

    /**
     * @notice Check if current round is initialized
     */
    function currentRoundInitialized() public view returns (bool) {
        return lastInitializedRound == currentRound();
    }

    /**
     * @notice Check if we are in the lock period of the current round
     */
    function currentRoundLocked() public view returns (bool) {
        uint256 lockedBlocks = MathUtils.percOf(roundLength, roundLockAmount);
        return blockNum() - currentRoundStartBlock() >= roundLength - lockedBlocks;
    }

    function _setRoundLength(uint256 _roundLength) internal {
        require(_roundLength > 0, "round length cannot be 0");

        if (roundLength == 0) {
            // If first time initializing roundLength, set roundLength before
            // lastRoundLengthUpdateRound and lastRoundLengthUpdateStartBlock
            roundLength = _roundLength;
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
        } else {
            // If updating roundLength, set roundLength after
            // lastRoundLengthUpdateRound and lastRoundLengthUpdateStartBlock
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
            roundLength = _roundLength;
        }

        emit ParameterUpdate("roundLength");
    }
}
