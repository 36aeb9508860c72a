package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// packAggregate3 encodes results as aggregate3 returns them.
func packAggregate3(t testing.TB, results []mcResult) []byte {
	t.Helper()
	b, err := Multicall3ABI.Methods["aggregate3"].Outputs.Pack(results)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fleetAnswer is aggregate3's answer to a fleet read of orchs (round clock,
// five calls each, then the balances of signer and each orchestrator), from
// the Arbitrum state of the Reader's fuzz seeds; LIP-118 reverts for the
// second orchestrator.
func fleetAnswer(t testing.TB, orchs int) []byte {
	t.Helper()
	return packAggregate3(t, fleetResults(t, orchs))
}

// fleetResults are the results fleetAnswer encodes.
func fleetResults(t testing.TB, orchs int) []mcResult {
	t.Helper()
	state := arbitrumState()
	ok := func(a interface {
		Pack(...any) ([]byte, error)
	}, vals []any) mcResult {
		b, err := a.Pack(vals...)
		if err != nil {
			t.Fatal(err)
		}
		return mcResult{Success: true, ReturnData: b}
	}
	var res []mcResult
	for _, m := range []string{"blockNum", "currentRound", "currentRoundStartBlock", "roundLength", "currentRoundInitialized", "lastInitializedRound"} {
		res = append(res, ok(RoundsManagerABI.Methods[m].Outputs, state[m]))
	}
	for i := 0; i < orchs; i++ {
		for _, m := range []string{"getTranscoder", "transcoderStatus", "isActiveTranscoder", "transcoderTotalStake", "transcoderToRewardCaller"} {
			if m == "transcoderToRewardCaller" && i == 1 {
				res = append(res, mcResult{Success: false})
				continue
			}
			res = append(res, ok(BondingManagerABI.Methods[m].Outputs, state[m]))
		}
	}
	for i := 0; i < 1+orchs; i++ {
		res = append(res, ok(Multicall3ABI.Methods["getEthBalance"].Outputs, []any{big.NewInt(int64(i) * 1e18)}))
	}
	return res
}

// The aggregate3 decoder never panics on what a node (or a contract at
// Multicall3's address that is not Multicall3) returns, and what it accepts
// is the results it was given, exactly.
func FuzzDecodeAggregate3(f *testing.F) {
	f.Add(packAggregate3(f, []mcResult{{true, []byte{1, 2, 3}}, {false, nil}}), uint16(2))
	f.Add(packAggregate3(f, nil), uint16(0))
	f.Add(fleetAnswer(f, 2), uint16(6+10+3))
	f.Add(fleetAnswer(f, 2), uint16(7))
	f.Add([]byte{}, uint16(1))
	f.Add(bytes.Repeat([]byte{0xff}, 96), uint16(1))
	huge := make([]byte, 64)
	huge[31] = 0x20
	copy(huge[32:], bytes.Repeat([]byte{0xff}, 32)) // a length of 2^256-1
	f.Add(huge, uint16(3))
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		res, err := decodeAggregate3(data, int(n))
		if err != nil {
			if res != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		if len(res) != int(n) {
			t.Fatalf("%d results accepted for %d calls", len(res), n)
		}
		again, err := decodeAggregate3(packAggregate3(t, res), int(n))
		if err != nil {
			t.Fatalf("re-encoded results do not decode: %v", err)
		}
		for i := range res {
			if res[i].Success != again[i].Success || !bytes.Equal(res[i].ReturnData, again[i].ReturnData) {
				t.Fatalf("result %d changed in a round trip: %+v, %+v", i, res[i], again[i])
			}
		}
	})
}

// A fleet read through Multicall3 given any aggregate3 answer either
// returns one result per orchestrator or fails naming Multicall3 and the
// chunk (or the round clock, when the answer decodes but its clock does not).
func FuzzFleetMulticallAnswer(f *testing.F) {
	f.Add(fleetAnswer(f, 2))
	f.Add(fleetAnswer(f, 3))
	f.Add([]byte{})
	f.Add(packAggregate3(f, make([]mcResult, 19)))
	f.Fuzz(func(t *testing.T, agg []byte) {
		enc, _ := json.Marshal(hexutil.Bytes(agg))
		c := &scripted{answers: []answer{
			{Result: json.RawMessage(`"0x100"`)},
			{Result: json.RawMessage(`"0x6080"`)}, // eth_getCode: Multicall3 is there
			{Result: enc},
		}}
		readAt := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		other := common.HexToAddress("0x0000000000000000000000000000000000000b0b")
		fr := NewFleetReader(c, fuzzAddrs, []common.Address{fuzzOrch, other}, []common.Address{fuzzSigner},
			func() time.Time { return readAt }, FleetOptions{})
		res, err := fr.Snapshots(context.Background())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "read protocol state") {
				t.Fatalf("error %q does not say what could not be read", err)
			}
			if strings.Contains(err.Error(), "aggregate3") && !strings.Contains(err.Error(), "Multicall3 "+Multicall3Address.Hex()+" aggregate3 chunk 1 of 1") {
				t.Fatalf("error %q does not name Multicall3 and the chunk", err)
			}
			return
		}
		if len(res) != 2 {
			t.Fatalf("%d results for 2 orchestrators", len(res))
		}
		for i, r := range res {
			if (r.Snapshot == nil) == (r.Err == nil) {
				t.Fatalf("result %d: snapshot %v and error %v: want exactly one", i, r.Snapshot, r.Err)
			}
			if r.Err != nil {
				if !strings.HasPrefix(r.Err.Error(), "read protocol state for "+fr.orchs[i].Hex()) {
					t.Fatalf("result %d: error %q does not name the orchestrator", i, r.Err)
				}
				continue
			}
			s := r.Snapshot
			if s.RoundLength == 0 || s.Orchestrator != fr.orchs[i] || s.Head != 0x100 || len(s.Balances) != 2 {
				t.Fatalf("result %d: snapshot %+v", i, s)
			}
			for a, b := range s.Balances {
				if b == nil || b.Sign() < 0 {
					t.Fatalf("result %d: balance of %s is %v", i, a, b)
				}
			}
		}
	})
}
