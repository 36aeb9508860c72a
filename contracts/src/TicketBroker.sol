// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./Manager.sol";

/// @title TicketBroker (lpops test double)
/// @notice Sender deposits/reserves and winning-ticket fee payouts, following livepeer/protocol
///         TicketBroker (MixinTicketBrokerCore, MixinReserve). getSenderInfo returns the real
///         tuple shape and redemption emits the real WinningTicketRedeemed event and credits the
///         fees to the recipient transcoder through BondingManager.updateTranscoderWithFees.
///
///         Simplified: there are no signed tickets, unlock/withdraw or per-round reserve
///         allocation. TEST-ONLY: redeemWinningTicketForTest(sender, recipient, faceValue)
///         stands in for redeemWinningTicket: it pays faceValue from the sender's deposit, then
///         from its reserve, as far as they go.
contract TicketBroker is Manager {
    struct Sender {
        uint256 deposit; // Amount of funds deposited
        uint256 withdrawRound; // Round that sender can withdraw deposit & reserve
    }

    struct ReserveInfo {
        uint256 fundsRemaining; // Funds remaining in reserve
        uint256 claimedInCurrentRound; // Funds claimed from reserve in current round
    }

    mapping(address => Sender) internal senders;
    mapping(address => uint256) internal reserves;
    mapping(address => uint256) internal reserveClaimedRound;
    mapping(address => uint256) internal reserveClaimed;
    mapping(address => uint256) internal senderNonces;

    event DepositFunded(address indexed sender, uint256 amount);
    event ReserveFunded(address indexed reserveHolder, uint256 amount);
    event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount);
    event WinningTicketRedeemed(
        address indexed sender,
        address indexed recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 senderNonce,
        uint256 recipientRand,
        bytes auxData
    );
    event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount);

    constructor(address _controller) Manager(_controller) {}

    /**
     * @notice Adds ETH to the caller's deposit
     */
    function fundDeposit() external payable whenSystemNotPaused {
        senders[msg.sender].deposit += msg.value;

        emit DepositFunded(msg.sender, msg.value);
    }

    /**
     * @notice Adds ETH to the caller's reserve
     */
    function fundReserve() external payable whenSystemNotPaused {
        reserves[msg.sender] += msg.value;

        emit ReserveFunded(msg.sender, msg.value);
    }

    /**
     * @notice Adds ETH to the caller's deposit and reserve
     */
    function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount)
        external
        payable
        whenSystemNotPaused
    {
        require(msg.value == _depositAmount + _reserveAmount, "msg.value does not equal sum of deposit amount and reserve amount");

        senders[msg.sender].deposit += _depositAmount;
        reserves[msg.sender] += _reserveAmount;

        emit DepositFunded(msg.sender, _depositAmount);
        emit ReserveFunded(msg.sender, _reserveAmount);
    }

    /**
     * @notice TEST-ONLY: redeem a winning ticket of `_faceValue` from `_sender` to `_recipient`
     *         without a signed ticket. Emits the real WinningTicketRedeemed event.
     */
    function redeemWinningTicketForTest(
        address _sender,
        address _recipient,
        uint256 _faceValue
    ) external whenSystemNotPaused {
        require(_recipient != address(0), "ticket recipient is null address");
        require(roundsManager().currentRoundInitialized(), "current round is not initialized");

        Sender storage sender = senders[_sender];
        uint256 reserve = reserves[_sender];
        require(sender.deposit > 0 || reserve > 0, "sender deposit and reserve are zero");

        uint256 amountToTransfer;
        if (_faceValue > sender.deposit) {
            // Draw the shortfall from the reserve, as far as it goes
            uint256 fromReserve = _faceValue - sender.deposit;
            if (fromReserve > reserve) {
                fromReserve = reserve;
            }
            amountToTransfer = sender.deposit + fromReserve;
            sender.deposit = 0;
            if (fromReserve > 0) {
                reserves[_sender] = reserve - fromReserve;
                uint256 round = roundsManager().currentRound();
                if (reserveClaimedRound[_sender] != round) {
                    reserveClaimedRound[_sender] = round;
                    reserveClaimed[_sender] = 0;
                }
                reserveClaimed[_sender] += fromReserve;
                emit ReserveClaimed(_sender, _recipient, fromReserve);
            }
        } else {
            amountToTransfer = _faceValue;
            sender.deposit -= _faceValue;
        }

        if (amountToTransfer > 0) {
            // Credit the fees to the recipient transcoder, then hand the ETH to the Minter
            bondingManager().updateTranscoderWithFees(_recipient, amountToTransfer, roundsManager().currentRound());
            minter().depositETH{ value: amountToTransfer }();

            emit WinningTicketTransfer(_sender, _recipient, amountToTransfer);
        }

        uint256 nonce = ++senderNonces[_sender];
        emit WinningTicketRedeemed(_sender, _recipient, _faceValue, type(uint256).max, nonce, 0, "");
    }

    /**
     * @notice Returns info about a sender
     */
    function getSenderInfo(address _sender) public view returns (Sender memory sender, ReserveInfo memory reserve) {
        sender = senders[_sender];
        reserve = getReserveInfo(_sender);
    }

    /**
     * @notice Returns info about a reserve
     */
    function getReserveInfo(address _reserveHolder) public view returns (ReserveInfo memory info) {
        info.fundsRemaining = reserves[_reserveHolder];
        if (reserveClaimedRound[_reserveHolder] == roundsManager().currentRound()) {
            info.claimedInCurrentRound = reserveClaimed[_reserveHolder];
        }
    }
}
