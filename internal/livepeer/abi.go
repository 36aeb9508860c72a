package livepeer

import (
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// The ABIs below hold the subset of the real Livepeer contracts (livepeer/protocol,
// branch delta) that lpops reads, calls or decodes. Signatures are copied from
// the deployed contracts; see ../shared/LIVEPEER.md for selectors.

const controllerABI = `[
{"type":"function","name":"getContract","stateMutability":"view","inputs":[{"name":"_id","type":"bytes32"}],"outputs":[{"name":"","type":"address"}]}
]`

const roundsManagerABI = `[
{"type":"function","name":"blockNum","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"currentRound","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"currentRoundStartBlock","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"currentRoundInitialized","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"bool"}]},
{"type":"function","name":"currentRoundLocked","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"bool"}]},
{"type":"function","name":"lastInitializedRound","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"roundLength","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"initializeRound","stateMutability":"nonpayable","inputs":[],"outputs":[]},
{"type":"event","name":"NewRound","anonymous":false,"inputs":[{"indexed":true,"name":"round","type":"uint256"},{"indexed":false,"name":"blockHash","type":"bytes32"}]}
]`

const bondingManagerABI = `[
{"type":"function","name":"reward","stateMutability":"nonpayable","inputs":[],"outputs":[]},
{"type":"function","name":"rewardWithHint","stateMutability":"nonpayable","inputs":[{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"rewardForTranscoder","stateMutability":"nonpayable","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[]},
{"type":"function","name":"rewardForTranscoderWithHint","stateMutability":"nonpayable","inputs":[{"name":"_transcoder","type":"address"},{"name":"_newPosPrev","type":"address"},{"name":"_newPosNext","type":"address"}],"outputs":[]},
{"type":"function","name":"setRewardCaller","stateMutability":"nonpayable","inputs":[{"name":"_rewardCaller","type":"address"}],"outputs":[]},
{"type":"function","name":"transcoderToRewardCaller","stateMutability":"view","inputs":[{"name":"","type":"address"}],"outputs":[{"name":"","type":"address"}]},
{"type":"function","name":"getTranscoder","stateMutability":"view","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[
 {"name":"lastRewardRound","type":"uint256"},{"name":"rewardCut","type":"uint256"},{"name":"feeShare","type":"uint256"},
 {"name":"lastActiveStakeUpdateRound","type":"uint256"},{"name":"activationRound","type":"uint256"},{"name":"deactivationRound","type":"uint256"},
 {"name":"activeCumulativeRewards","type":"uint256"},{"name":"cumulativeRewards","type":"uint256"},{"name":"cumulativeFees","type":"uint256"},
 {"name":"lastFeeRound","type":"uint256"}]},
{"type":"function","name":"transcoderTotalStake","stateMutability":"view","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"transcoderStatus","stateMutability":"view","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[{"name":"","type":"uint8"}]},
{"type":"function","name":"isActiveTranscoder","stateMutability":"view","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[{"name":"","type":"bool"}]},
{"type":"function","name":"getTotalBonded","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"pendingStake","stateMutability":"view","inputs":[{"name":"_delegator","type":"address"},{"name":"_endRound","type":"uint256"}],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"pendingFees","stateMutability":"view","inputs":[{"name":"_delegator","type":"address"},{"name":"_endRound","type":"uint256"}],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"getDelegator","stateMutability":"view","inputs":[{"name":"_delegator","type":"address"}],"outputs":[
 {"name":"bondedAmount","type":"uint256"},{"name":"fees","type":"uint256"},{"name":"delegateAddress","type":"address"},{"name":"delegatedAmount","type":"uint256"},
 {"name":"startRound","type":"uint256"},{"name":"lastClaimRound","type":"uint256"},{"name":"nextUnbondingLockId","type":"uint256"}]},
{"type":"function","name":"withdrawFees","stateMutability":"nonpayable","inputs":[{"name":"_recipient","type":"address"},{"name":"_amount","type":"uint256"}],"outputs":[]},
{"type":"function","name":"bond","stateMutability":"nonpayable","inputs":[{"name":"_amount","type":"uint256"},{"name":"_to","type":"address"}],"outputs":[]},
{"type":"function","name":"unbond","stateMutability":"nonpayable","inputs":[{"name":"_amount","type":"uint256"}],"outputs":[]},
{"type":"function","name":"transcoder","stateMutability":"nonpayable","inputs":[{"name":"_rewardCut","type":"uint256"},{"name":"_feeShare","type":"uint256"}],"outputs":[]},
{"type":"event","name":"Reward","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":false,"name":"amount","type":"uint256"}]},
{"type":"event","name":"TranscoderSlashed","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":false,"name":"finder","type":"address"},{"indexed":false,"name":"penalty","type":"uint256"},{"indexed":false,"name":"finderReward","type":"uint256"}]},
{"type":"event","name":"TranscoderActivated","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":false,"name":"activationRound","type":"uint256"}]},
{"type":"event","name":"TranscoderDeactivated","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":false,"name":"deactivationRound","type":"uint256"}]},
{"type":"event","name":"Bond","anonymous":false,"inputs":[{"indexed":true,"name":"newDelegate","type":"address"},{"indexed":true,"name":"oldDelegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"additionalAmount","type":"uint256"},{"indexed":false,"name":"bondedAmount","type":"uint256"}]},
{"type":"event","name":"Unbond","anonymous":false,"inputs":[{"indexed":true,"name":"delegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"unbondingLockId","type":"uint256"},{"indexed":false,"name":"amount","type":"uint256"},{"indexed":false,"name":"withdrawRound","type":"uint256"}]},
{"type":"event","name":"RewardCallerSet","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":true,"name":"rewardCaller","type":"address"}]}
]`

const tokenABI = `[
{"type":"function","name":"balanceOf","stateMutability":"view","inputs":[{"name":"","type":"address"}],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"transfer","stateMutability":"nonpayable","inputs":[{"name":"_to","type":"address"},{"name":"_value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]},
{"type":"function","name":"approve","stateMutability":"nonpayable","inputs":[{"name":"_spender","type":"address"},{"name":"_value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]}
]`

// Parsed ABIs of the Livepeer contracts lpops uses.
var (
	ControllerABI     = mustABI(controllerABI)
	RoundsManagerABI  = mustABI(roundsManagerABI)
	BondingManagerABI = mustABI(bondingManagerABI)
	TokenABI          = mustABI(tokenABI)
)

func mustABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic("livepeer: bad embedded ABI: " + err.Error())
	}
	return a
}
