package signer

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/livepeer"
)

func calldata(t *testing.T, method string, abiName string, args ...any) []byte {
	t.Helper()
	a := livepeer.BondingManagerABI
	if abiName == "rounds" {
		a = livepeer.RoundsManagerABI
	}
	b, err := a.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClefRefusesWhatTheRulesDoNotAllow: with the rule file lpops render
// writes, the real clef signs lpops' reward and initializeRound calls and
// refuses, by itself, every other address, selector, argument, value and
// any fee or gas above the caps.
func TestClefRefusesWhatTheRulesDoNotAllow(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signerAddr := crypto.PubkeyToAddress(key.PublicKey)
	const chainID = 42161
	orch := common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	other := common.HexToAddress("0x2d2d9817f4b8f07efb298a17102531cdd09cef69")
	bm := common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40")
	rm := common.HexToAddress("0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f")
	rules := clefRulesFor(t, clefConfig(chainID, signerAddr.Hex(), orch.Hex(), bm.Hex(), rm.Hex()))
	p := startClef(t, key, rules, chainID)

	gwei := big.NewInt(params.GWei)
	for _, ep := range []struct{ Name, Endpoint string }{{"IPC", p.IPC}, {"HTTP", p.HTTP}} {
		t.Run(ep.Name, func(t *testing.T) {
			c, err := OpenClef(t.Context(), ClefOptions{Endpoint: ep.Endpoint, Address: signerAddr, Timeout: 30 * time.Second, ChainID: big.NewInt(chainID)})
			if err != nil {
				t.Fatalf("OpenClef: %v", err)
			}
			defer c.Close()
			// Refusals come from the rule file ("request denied"), except
			// where clef's own validator refuses first: calldata it cannot
			// decode, a selector it cannot name (ByRules false).
			const allow, rules, validator = 1, 2, 3
			erc20Transfer := append(common.FromHex("0xa9059cbb"), common.LeftPadBytes(other.Bytes(), 32)...)
			erc20Transfer = append(erc20Transfer, common.LeftPadBytes(big.NewInt(1).Bytes(), 32)...)
			for i, tc := range []struct {
				Name    string
				To      common.Address
				Data    []byte
				Value   int64
				FeeGwei int64
				Gas     uint64
				Legacy  bool
				Want    int
			}{
				{"RewardForTranscoder", bm, calldata(t, "rewardForTranscoder", "", orch), 0, 50, 400000, false, allow},
				{"RewardForTranscoderWithHint", bm, calldata(t, "rewardForTranscoderWithHint", "", orch, other, common.Address{}), 0, 10, 400000, false, allow},
				{"Reward", bm, calldata(t, "reward", ""), 0, 10, 400000, false, allow},
				{"RewardWithHint", bm, calldata(t, "rewardWithHint", "", other, common.Address{}), 0, 10, 400000, false, allow},
				{"RewardLegacyGasPrice", bm, calldata(t, "rewardForTranscoder", "", orch), 0, 10, 400000, true, allow},
				{"InitializeRound", rm, calldata(t, "initializeRound", "rounds"), 0, 1, 400000, false, allow},
				{"RewardForAnotherOrchestrator", bm, calldata(t, "rewardForTranscoder", "", other), 0, 10, 400000, false, rules},
				{"HintFormForAnotherOrchestrator", bm, calldata(t, "rewardForTranscoderWithHint", "", other, orch, common.Address{}), 0, 10, 400000, false, rules},
				{"KnownSelectorERC20Transfer", bm, erc20Transfer, 0, 10, 400000, false, rules},
				{"UnknownSelectorSetRewardCaller", bm, calldata(t, "setRewardCaller", "", other), 0, 10, 400000, false, validator},
				{"OtherAddress", other, calldata(t, "rewardForTranscoder", "", orch), 0, 10, 400000, false, rules},
				{"InitializeRoundToBondingManager", bm, calldata(t, "initializeRound", "rounds"), 0, 1, 400000, false, rules},
				{"RewardToRoundsManager", rm, calldata(t, "reward", ""), 0, 1, 400000, false, rules},
				{"PlainTransfer", other, nil, 1, 1, 21000, false, rules},
				{"Value", bm, calldata(t, "reward", ""), 1, 10, 400000, false, rules},
				{"FeeAboveRewardCap", bm, calldata(t, "reward", ""), 0, 51, 400000, false, rules},
				{"LegacyFeeAboveCap", bm, calldata(t, "reward", ""), 0, 51, 400000, true, rules},
				{"FeeAboveInitializeCap", rm, calldata(t, "initializeRound", "rounds"), 0, 2, 400000, false, rules},
				{"GasAboveCap", bm, calldata(t, "reward", ""), 0, 10, 3_000_001, false, rules},
				{"TrailingBytes", bm, append(calldata(t, "reward", ""), 0), 0, 10, 400000, false, validator},
			} {
				t.Run(tc.Name, func(t *testing.T) {
					to := tc.To
					fee := new(big.Int).Mul(big.NewInt(tc.FeeGwei), gwei)
					var tx *types.Transaction
					if tc.Legacy {
						tx = types.NewTx(&types.LegacyTx{Nonce: uint64(i), GasPrice: fee, Gas: tc.Gas, To: &to, Value: big.NewInt(tc.Value), Data: tc.Data})
					} else {
						tx = types.NewTx(&types.DynamicFeeTx{ChainID: big.NewInt(chainID), Nonce: uint64(i), GasTipCap: big.NewInt(1), GasFeeCap: fee,
							Gas: tc.Gas, To: &to, Value: big.NewInt(tc.Value), Data: tc.Data})
					}
					signed, err := c.Sign(tx)
					switch {
					case tc.Want == allow && err != nil:
						t.Fatalf("clef refused an allowed transaction: %v", err)
					case tc.Want == allow:
						if from, err := types.Sender(types.LatestSignerForChainID(big.NewInt(chainID)), signed); err != nil || from != signerAddr {
							t.Fatalf("signed by %s (err %v), want %s", from, err, signerAddr)
						}
					case err == nil:
						t.Fatal("clef signed a transaction its rules must reject")
					case tc.Want == rules && !strings.Contains(err.Error(), "request denied"):
						t.Fatalf("refused with %v; want the rule file's refusal, clef's \"request denied\"", err)
					case tc.Want == validator && !strings.Contains(err.Error(), "validation failed"):
						t.Fatalf("refused with %v; want clef's validator's refusal", err)
					}
				})
			}
		})
	}
}

// TestClefCallsAreBounded: a clef that does not answer (a rule file that
// sends a request to a human, a hung clef) makes Sign fail after the
// timeout instead of holding the keeper.
func TestClefCallsAreBounded(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, err := bounded(t.Context(), 50*time.Millisecond, func() (int, error) {
		<-release
		return 0, nil
	})
	if !errors.Is(err, ErrClefTimeout) {
		t.Fatalf("bounded: %v, want ErrClefTimeout", err)
	}
	v, err := bounded(t.Context(), time.Minute, func() (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Fatalf("bounded: %d, %v; want 7, nil", v, err)
	}
}
