package txdecode

import (
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// The ABIs below complete internal/livepeer's with what an orchestrator's
// account sends but lpops itself never calls, so that `lpops txs` can name it.
// Signatures are those of livepeer/protocol (branch delta, Solidity 0.8.9):
// contracts/bonding/BondingManager.sol, contracts/pm/TicketBroker.sol and
// mixins, and the ERC-20 standard the LivepeerToken implements.

const bondingManagerExtraABI = `[
{"type":"function","name":"bondWithHint","stateMutability":"nonpayable","inputs":[{"name":"_amount","type":"uint256"},{"name":"_to","type":"address"},{"name":"_oldDelegateNewPosPrev","type":"address"},{"name":"_oldDelegateNewPosNext","type":"address"},{"name":"_currDelegateNewPosPrev","type":"address"},{"name":"_currDelegateNewPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"bondForWithHint","stateMutability":"nonpayable","inputs":[{"name":"_amount","type":"uint256"},{"name":"_owner","type":"address"},{"name":"_to","type":"address"},{"name":"_oldDelegateNewPosPrev","type":"address"},{"name":"_oldDelegateNewPosNext","type":"address"},{"name":"_currDelegateNewPosPrev","type":"address"},{"name":"_currDelegateNewPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"unbondWithHint","stateMutability":"nonpayable","inputs":[{"name":"_amount","type":"uint256"},{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"rebond","stateMutability":"nonpayable","inputs":[{"name":"_unbondingLockId","type":"uint256"}],"outputs":[]},
{"type":"function","name":"rebondWithHint","stateMutability":"nonpayable","inputs":[{"name":"_unbondingLockId","type":"uint256"},{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"rebondFromUnbonded","stateMutability":"nonpayable","inputs":[{"name":"_to","type":"address"},{"name":"_unbondingLockId","type":"uint256"}],"outputs":[]},
{"type":"function","name":"rebondFromUnbondedWithHint","stateMutability":"nonpayable","inputs":[{"name":"_to","type":"address"},{"name":"_unbondingLockId","type":"uint256"},{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"transcoderWithHint","stateMutability":"nonpayable","inputs":[{"name":"_rewardCut","type":"uint256"},{"name":"_feeShare","type":"uint256"},{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"transferBond","stateMutability":"nonpayable","inputs":[{"name":"_delegator","type":"address"},{"name":"_amount","type":"uint256"},{"name":"_oldDelegateNewPosPrev","type":"address"},{"name":"_oldDelegateNewPosNext","type":"address"},{"name":"_newDelegateNewPosPrev","type":"address"},{"name":"_newDelegateNewPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"withdrawStake","stateMutability":"nonpayable","inputs":[{"name":"_unbondingLockId","type":"uint256"}],"outputs":[]},
{"type":"function","name":"claimEarnings","stateMutability":"nonpayable","inputs":[{"name":"_endRound","type":"uint256"}],"outputs":[]},
{"type":"function","name":"checkpointBondingState","stateMutability":"nonpayable","inputs":[{"name":"_account","type":"address"}],"outputs":[]},
{"type":"event","name":"WithdrawFees","anonymous":false,"inputs":[{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"recipient","type":"address"},{"indexed":false,"name":"amount","type":"uint256"}]},
{"type":"event","name":"WithdrawStake","anonymous":false,"inputs":[{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"unbondingLockId","type":"uint256"},{"indexed":false,"name":"amount","type":"uint256"},{"indexed":false,"name":"withdrawRound","type":"uint256"}]},
{"type":"event","name":"Rebond","anonymous":false,"inputs":[{"indexed":true,"name":"delegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"unbondingLockId","type":"uint256"},{"indexed":false,"name":"amount","type":"uint256"}]},
{"type":"event","name":"EarningsClaimed","anonymous":false,"inputs":[{"indexed":true,"name":"delegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"rewards","type":"uint256"},{"indexed":false,"name":"fees","type":"uint256"},{"indexed":false,"name":"startRound","type":"uint256"},{"indexed":false,"name":"endRound","type":"uint256"}]}
]`

// ticketBrokerABI holds the TicketBroker functions an orchestrator (ticket
// redemption) or a broadcaster (deposit and reserve) sends. Ticket is
// MTicketBrokerCore.Ticket in field order.
const ticketBrokerABI = `[
{"type":"function","name":"fundDeposit","stateMutability":"payable","inputs":[],"outputs":[]},
{"type":"function","name":"fundReserve","stateMutability":"payable","inputs":[],"outputs":[]},
{"type":"function","name":"fundDepositAndReserve","stateMutability":"payable","inputs":[{"name":"_depositAmount","type":"uint256"},{"name":"_reserveAmount","type":"uint256"}],"outputs":[]},
{"type":"function","name":"redeemWinningTicket","stateMutability":"nonpayable","inputs":[
 {"name":"_ticket","type":"tuple","components":[{"name":"recipient","type":"address"},{"name":"sender","type":"address"},{"name":"faceValue","type":"uint256"},{"name":"winProb","type":"uint256"},{"name":"senderNonce","type":"uint256"},{"name":"recipientRandHash","type":"bytes32"},{"name":"auxData","type":"bytes"}]},
 {"name":"_sig","type":"bytes"},{"name":"_recipientRand","type":"uint256"}],"outputs":[]},
{"type":"function","name":"batchRedeemWinningTickets","stateMutability":"nonpayable","inputs":[
 {"name":"_tickets","type":"tuple[]","components":[{"name":"recipient","type":"address"},{"name":"sender","type":"address"},{"name":"faceValue","type":"uint256"},{"name":"winProb","type":"uint256"},{"name":"senderNonce","type":"uint256"},{"name":"recipientRandHash","type":"bytes32"},{"name":"auxData","type":"bytes"}]},
 {"name":"_sigs","type":"bytes[]"},{"name":"_recipientRands","type":"uint256[]"}],"outputs":[]},
{"type":"function","name":"unlock","stateMutability":"nonpayable","inputs":[],"outputs":[]},
{"type":"function","name":"cancelUnlock","stateMutability":"nonpayable","inputs":[],"outputs":[]},
{"type":"function","name":"withdraw","stateMutability":"nonpayable","inputs":[],"outputs":[]}
]`

// erc20ABI completes livepeer.TokenABI (transfer, approve) with the rest of
// what a holder sends, and the two events that name the holder.
const erc20ABI = `[
{"type":"function","name":"transferFrom","stateMutability":"nonpayable","inputs":[{"name":"_from","type":"address"},{"name":"_to","type":"address"},{"name":"_value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]},
{"type":"event","name":"Transfer","anonymous":false,"inputs":[{"indexed":true,"name":"from","type":"address"},{"indexed":true,"name":"to","type":"address"},{"indexed":false,"name":"value","type":"uint256"}]},
{"type":"event","name":"Approval","anonymous":false,"inputs":[{"indexed":true,"name":"owner","type":"address"},{"indexed":true,"name":"spender","type":"address"},{"indexed":false,"name":"value","type":"uint256"}]}
]`

// Parsed ABIs of the functions and events only decoding uses.
var (
	BondingManagerExtraABI = mustABI(bondingManagerExtraABI)
	TicketBrokerABI        = mustABI(ticketBrokerABI)
	ERC20ABI               = mustABI(erc20ABI)
)

func mustABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic("txdecode: bad embedded ABI: " + err.Error())
	}
	return a
}
