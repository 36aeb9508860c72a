// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./Manager.sol";

/// @title Minter (lpops test double)
/// @notice Holds bonded LPT and fee ETH and mints round rewards, as livepeer/protocol
///         Minter.sol. The RoundsManager calls setCurrentRewardTokens() when a round is
///         initialized and the BondingManager calls createReward() on reward().
///         Simplified: the mintable amount per round is a fixed number set at deploy
///         (no inflation/bonding-rate feedback; inflation() is informational only).
contract Minter is Manager {
    // Informational inflation figure; the test Minter never adjusts it.
    uint256 public inflation;
    // TEST-ONLY: tokens mintable in every round.
    uint256 public mintPerRound;
    // Current number of mintable tokens. Reset every round
    uint256 public currentMintableTokens;
    // Current number of minted tokens. Reset every round
    uint256 public currentMintedTokens;

    event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation);

    modifier onlyBondingManager() {
        require(msg.sender == controller.getContract(keccak256("BondingManager")), "caller must be BondingManager");
        _;
    }

    modifier onlyRoundsManager() {
        require(msg.sender == controller.getContract(keccak256("RoundsManager")), "caller must be RoundsManager");
        _;
    }

    modifier onlyBondingManagerOrTicketBroker() {
        require(
            msg.sender == controller.getContract(keccak256("BondingManager")) ||
                msg.sender == controller.getContract(keccak256("TicketBroker")),
            "caller must be BondingManager or TicketBroker"
        );
        _;
    }

    constructor(address _controller, uint256 _mintPerRound) Manager(_controller) {
        mintPerRound = _mintPerRound;
    }

    /// @notice TEST-ONLY: change the fixed per-round mintable amount (takes effect next round).
    function setMintPerRound(uint256 _mintPerRound) external onlyControllerOwner {
        mintPerRound = _mintPerRound;
        emit ParameterUpdate("mintPerRound");
    }

    /**
     * @notice Create reward based on a fractional portion of the mintable tokens for the current round
     * @param _fracNum Numerator of fraction (active transcoder's stake)
     * @param _fracDenom Denominator of fraction (total active stake)
     */
    function createReward(uint256 _fracNum, uint256 _fracDenom)
        external
        onlyBondingManager
        whenSystemNotPaused
        returns (uint256)
    {
        // Simplified: exact integer fraction instead of MathUtils percentage points, and a
        // zero denominator mints nothing instead of reverting.
        uint256 mintAmount = _fracDenom == 0 ? 0 : (currentMintableTokens * _fracNum) / _fracDenom;
        // Update amount of minted tokens for round
        currentMintedTokens += mintAmount;
        // Minted tokens must not exceed mintable tokens
        require(currentMintedTokens <= currentMintableTokens, "minted tokens cannot exceed mintable tokens");
        // Mint new tokens
        livepeerToken().mint(address(this), mintAmount);

        return mintAmount;
    }

    /// @notice Transfer bonded tokens to a recipient. Only callable by the BondingManager.
    function trustedTransferTokens(address _to, uint256 _amount) external onlyBondingManager whenSystemNotPaused {
        livepeerToken().transfer(_to, _amount);
    }

    /// @notice Burn tokens (slashing). Only callable by the BondingManager.
    function trustedBurnTokens(uint256 _amount) external onlyBondingManager whenSystemNotPaused {
        livepeerToken().burn(_amount);
    }

    /// @notice Withdraw fee ETH to a recipient. Only callable by the BondingManager or TicketBroker.
    function trustedWithdrawETH(address payable _to, uint256 _amount)
        external
        onlyBondingManagerOrTicketBroker
        whenSystemNotPaused
    {
        _to.transfer(_amount);
    }

    /// @notice Deposit fee ETH (winning tickets). Only callable by the TicketBroker.
    function depositETH() external payable returns (bool) {
        require(msg.sender == controller.getContract(keccak256("TicketBroker")), "caller must be TicketBroker");
        return true;
    }

    /// @notice Set the mintable tokens for the round. Only callable by the RoundsManager.
    function setCurrentRewardTokens() external onlyRoundsManager whenSystemNotPaused {
        currentMintableTokens = mintPerRound;
        currentMintedTokens = 0;

        emit SetCurrentRewardTokens(currentMintableTokens, inflation);
    }
}
