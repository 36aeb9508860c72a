package livepeer

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// These tests script the node's answers (as the fuzz tests do): a real
// chain does not make one orchestrator's getTranscoder fail, nor answer
// aggregate3 with a wrong number of results.

var fleetOrchs = []common.Address{fuzzOrch, common.HexToAddress("0x0000000000000000000000000000000000000b0b"), common.HexToAddress("0x0000000000000000000000000000000000000c0c")}

// revertData is the ABI encoding of a Solidity revert with reason.
func revertData(t *testing.T, reason string) []byte {
	t.Helper()
	s, err := abi.NewType("string", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := abi.Arguments{{Type: s}}.Pack(reason)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte{0x08, 0xc3, 0x79, 0xa0}, b...)
}

// readMulticall reads fleetOrchs through Multicall3 answering agg.
func readMulticall(t *testing.T, agg []byte) ([]FleetResult, error) {
	t.Helper()
	enc, _ := json.Marshal(hexutil.Bytes(agg))
	c := &scripted{answers: []answer{{Result: json.RawMessage(`"0x100"`)}, {Result: json.RawMessage(`"0x6080"`)}, {Result: enc}}}
	return NewFleetReader(c, fuzzAddrs, fleetOrchs, []common.Address{fuzzSigner}, nil, FleetOptions{}).Snapshots(context.Background())
}

func TestFleetMulticallErrors(t *testing.T) {
	perOrch := 5
	getTranscoder := func(orch int) int { return 6 + perOrch*orch }
	tests := []struct {
		name   string
		edit   func([]mcResult) []mcResult
		err    string   // Snapshots' error; "" when it succeeds
		orchOK []bool   // which orchestrators have a snapshot
		orch   []string // their errors
	}{
		{
			name:   "AllRead",
			edit:   func(r []mcResult) []mcResult { return r },
			orchOK: []bool{true, true, true},
		},
		{
			name: "OneOrchestratorsCallReverts",
			edit: func(r []mcResult) []mcResult {
				r[getTranscoder(2)] = mcResult{Success: false, ReturnData: revertData(t, "boom")}
				return r
			},
			orchOK: []bool{true, true, false},
			orch:   []string{"", "", "read protocol state for " + fleetOrchs[2].Hex() + ": getTranscoder: execution reverted: boom"},
		},
		{
			name: "OneOrchestratorsCallEmpty",
			edit: func(r []mcResult) []mcResult {
				r[getTranscoder(0)+1] = mcResult{Success: true}
				return r
			},
			orchOK: []bool{false, true, true},
			orch:   []string{"read protocol state for " + fuzzOrch.Hex() + ": transcoderStatus: empty result from transcoderStatus"},
		},
		{
			name: "RoundClockReverts",
			edit: func(r []mcResult) []mcResult {
				r[3] = mcResult{Success: false}
				return r
			},
			err: "read protocol state: roundLength: execution reverted",
		},
		{
			name: "SharedBalanceFails",
			edit: func(r []mcResult) []mcResult {
				r[6+perOrch*len(fleetOrchs)] = mcResult{Success: false}
				return r
			},
			err: "read protocol state: balance of " + fuzzSigner.Hex() + ": Multicall3 getEthBalance: execution reverted",
		},
		{
			name: "OrchestratorsBalanceFails",
			edit: func(r []mcResult) []mcResult {
				r[len(r)-1] = mcResult{Success: true, ReturnData: []byte{1}}
				return r
			},
			orchOK: []bool{true, true, false},
			orch:   []string{"", "", "read protocol state for " + fleetOrchs[2].Hex() + ": balance of " + fleetOrchs[2].Hex() + ": Multicall3 getEthBalance: decode getEthBalance"},
		},
		{
			name: "ResultMissing",
			edit: func(r []mcResult) []mcResult { return r[:len(r)-1] },
			err:  "read protocol state: Multicall3 " + Multicall3Address.Hex() + " aggregate3 chunk 1 of 1 (25 calls): decode aggregate3: 24 results for 25 calls",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := readMulticall(t, packAggregate3(t, tt.edit(fleetResults(t, len(fleetOrchs)))))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, ok := range tt.orchOK {
				if ok {
					if res[i].Err != nil || res[i].Snapshot.Orchestrator != fleetOrchs[i] {
						t.Fatalf("orchestrator %d: %+v, want its snapshot", i, res[i])
					}
					// The second one's transcoderToRewardCaller reverted: no LIP-118.
					if res[i].Snapshot.LIP118 != (i != 1) || res[i].Snapshot.Balances[fuzzSigner].Sign() != 0 {
						t.Fatalf("orchestrator %d: snapshot %+v", i, res[i].Snapshot)
					}
					continue
				}
				if res[i].Snapshot != nil || res[i].Err == nil || !strings.HasPrefix(res[i].Err.Error(), tt.orch[i]) {
					t.Fatalf("orchestrator %d: %+v, want the error %q", i, res[i], tt.orch[i])
				}
			}
		})
	}
}

// Garbage where aggregate3's answer should be is an error naming
// Multicall3 and the chunk, never a panic.
func TestFleetMulticallGarbage(t *testing.T) {
	for _, agg := range [][]byte{{}, {1, 2, 3}, make([]byte, 64), []byte(strings.Repeat("\xff", 200))} {
		_, err := readMulticall(t, agg)
		if err == nil || !strings.Contains(err.Error(), "Multicall3 "+Multicall3Address.Hex()+" aggregate3 chunk 1 of 1") {
			t.Fatalf("answer %x: error %v, want one naming Multicall3 and the chunk", agg, err)
		}
	}
}

// Without Multicall3, one orchestrator's failed eth_call is its own error
// and a shared account's failed balance everyone's.
func TestFleetBatchErrors(t *testing.T) {
	state := arbitrumState()
	str := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	answers := func(failAt int, msg string) []answer {
		out := []answer{{Result: json.RawMessage(`"0x100"`)}}
		for _, m := range []string{"blockNum", "currentRound", "currentRoundStartBlock", "roundLength", "currentRoundInitialized", "lastInitializedRound"} {
			b, _ := RoundsManagerABI.Methods[m].Outputs.Pack(state[m]...)
			out = append(out, answer{Result: str(hexutil.Bytes(b))})
		}
		for range fleetOrchs {
			for _, m := range []string{"getTranscoder", "transcoderStatus", "isActiveTranscoder", "transcoderTotalStake", "transcoderToRewardCaller"} {
				b, _ := BondingManagerABI.Methods[m].Outputs.Pack(state[m]...)
				out = append(out, answer{Result: str(hexutil.Bytes(b))})
			}
		}
		for i := 0; i < 1+len(fleetOrchs); i++ {
			out = append(out, answer{Result: str((*hexutil.Big)(big.NewInt(7)))})
		}
		out[failAt] = answer{Error: &rpcError{Code: -32000, Message: msg}}
		return out
	}
	read := func(a []answer) ([]FleetResult, error) {
		c := &scripted{answers: a}
		return NewFleetReader(c, fuzzAddrs, fleetOrchs, []common.Address{fuzzSigner}, nil, FleetOptions{NoMulticall: true, MaxBatch: 5}).Snapshots(context.Background())
	}
	// The second orchestrator's isActiveTranscoder: 1 head + 6 clock + 5 + 2.
	res, err := read(answers(1+6+5+2, "out of gas"))
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[2].Err != nil || res[1].Snapshot != nil ||
		res[1].Err.Error() != "read protocol state for "+fleetOrchs[1].Hex()+": isActiveTranscoder: out of gas" {
		t.Fatalf("results %+v: want the second orchestrator's isActiveTranscoder error only", res)
	}
	// The signer's balance, the first balance read.
	if _, err := read(answers(1+6+5*len(fleetOrchs), "boom")); err == nil ||
		err.Error() != "read protocol state: balance of "+fuzzSigner.Hex()+": eth_getBalance: boom" {
		t.Fatalf("error %v, want the shared balance's", err)
	}
}
