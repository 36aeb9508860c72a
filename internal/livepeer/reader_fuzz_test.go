package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// answer is one JSON-RPC answer of a batch as a node sends it: a result or
// an error.
type answer struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// rpcError is a JSON-RPC error object; like go-ethereum's, it exposes its
// code and data (a revert's data is the ABI-encoded reason).
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *rpcError) Error() string  { return e.Message }
func (e *rpcError) ErrorCode() int { return e.Code }
func (e *rpcError) ErrorData() any { return e.Data }

// scripted answers each batch element, across calls, with the next answer;
// an element past the script gets an error, as a batch cut short does.
type scripted struct {
	answers []answer
	sent    []rpc.BatchElem
}

func (s *scripted) BatchCall(_ context.Context, b []rpc.BatchElem) error {
	for i := range b {
		s.sent = append(s.sent, b[i])
		if len(s.answers) == 0 {
			b[i].Error = errors.New("no answer in batch")
			continue
		}
		a := s.answers[0]
		s.answers = s.answers[1:]
		switch {
		case a.Error != nil:
			b[i].Error = a.Error
		case a.Result == nil:
			b[i].Error = errors.New("answer without result")
		default:
			// As go-ethereum's client does: a result that does not decode is
			// that element's error.
			b[i].Error = json.Unmarshal(a.Result, b[i].Result)
		}
	}
	return nil
}

var (
	fuzzOrch   = common.HexToAddress("0x570e1b321d9359007a7df39c8038b32b4fc366d7")
	fuzzSigner = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	fuzzAddrs  = Addresses{
		Controller:     common.HexToAddress("0xD8E8328501E9645d16Cf49539efC04f734606ee4"),
		BondingManager: common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40"),
		RoundsManager:  common.HexToAddress("0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f"),
	}
	maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
)

// snapshotAnswers is a node's answer to the head request and the snapshot
// batch, the contracts returning vals (method -> outputs, ABI-packed).
func snapshotAnswers(t testing.TB, head uint64, vals map[string][]any, balances ...*big.Int) []byte {
	t.Helper()
	str := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	out := []answer{{Result: str(hexutil.Uint64(head))}}
	for _, m := range []struct {
		a    abi.ABI
		name string
	}{
		{RoundsManagerABI, "blockNum"}, {RoundsManagerABI, "currentRound"}, {RoundsManagerABI, "currentRoundStartBlock"},
		{RoundsManagerABI, "roundLength"}, {RoundsManagerABI, "currentRoundInitialized"}, {RoundsManagerABI, "lastInitializedRound"},
		{BondingManagerABI, "getTranscoder"}, {BondingManagerABI, "transcoderStatus"}, {BondingManagerABI, "isActiveTranscoder"},
		{BondingManagerABI, "transcoderTotalStake"}, {BondingManagerABI, "transcoderToRewardCaller"},
	} {
		v, ok := vals[m.name]
		if !ok {
			out = append(out, answer{Error: &rpcError{Code: 3, Message: "execution reverted", Data: "0x"}})
			continue
		}
		b, err := m.a.Methods[m.name].Outputs.Pack(v...)
		if err != nil {
			t.Fatalf("pack %s: %v", m.name, err)
		}
		out = append(out, answer{Result: str(hexutil.Bytes(b))})
	}
	for _, b := range balances {
		out = append(out, answer{Result: str((*hexutil.Big)(b))})
	}
	return str(out)
}

// arbitrumState is the state of the orchestrator of shared/LIVEPEER.md's
// real /orchestratorInfo, as the contracts return it.
func arbitrumState() map[string][]any {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	n := func(v int64) *big.Int { return big.NewInt(v) }
	return map[string][]any{
		"blockNum": {n(21_000_123)}, "currentRound": {n(3)}, "currentRoundStartBlock": {n(21_000_000)},
		"roundLength": {n(5760)}, "currentRoundInitialized": {true}, "lastInitializedRound": {n(3)},
		"getTranscoder":            {n(2), n(100000), n(500000), n(3), n(2), maxUint256, n(0), stake, n(0), n(2)},
		"transcoderStatus":         {uint8(1)},
		"isActiveTranscoder":       {true},
		"transcoderTotalStake":     {stake},
		"transcoderToRewardCaller": {fuzzSigner},
	}
}

// FuzzSnapshot reads a snapshot from arbitrary batch answers, seeded with
// the ABI encoding of the real orchestrator's state. The reader must not
// panic; an error must say it is the protocol state that could not be read;
// an accepted snapshot must hold the contracts' integers exactly and survive
// a JSON round trip (status and the keeper's records carry it).
func FuzzSnapshot(f *testing.F) {
	wei, _ := new(big.Int).SetString("998877665544332211", 10)
	f.Add(snapshotAnswers(f, 250_000_000, arbitrumState(), wei, big.NewInt(0)))
	noLIP118 := arbitrumState()
	delete(noLIP118, "transcoderToRewardCaller")
	f.Add(snapshotAnswers(f, 250_000_000, noLIP118, wei, wei))
	huge := arbitrumState()
	huge["currentRound"] = []any{maxUint256}
	huge["roundLength"] = []any{big.NewInt(0)}
	f.Add(snapshotAnswers(f, 1, huge, maxUint256, wei))
	f.Add([]byte(`[{"result":"0x10"},{"error":{"code":-32000,"message":"header not found"}}]`))
	f.Add([]byte(`[{"result":"0x10"},{"result":"0x"},{"result":"0x01"}]`))
	f.Add([]byte(`[{"error":{"code":-32005,"message":"daily request count exceeded, request rate limited"}}]`))

	f.Fuzz(func(t *testing.T, script []byte) {
		var answers []answer
		if json.Unmarshal(script, &answers) != nil {
			return
		}
		c := &scripted{answers: answers}
		readAt := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		r := NewReader(c, fuzzAddrs, fuzzOrch, []common.Address{fuzzSigner}, func() time.Time { return readAt })
		s, err := r.Snapshot(context.Background())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "read protocol state") {
				t.Fatalf("error %q does not say what could not be read", err)
			}
			return
		}
		if s.RoundLength == 0 {
			t.Fatal("accepted a round length of 0")
		}
		// The integers are the words the node returned, exactly.
		results := map[string][]byte{}
		for _, e := range c.sent {
			if e.Method == "eth_call" && e.Error == nil {
				results[methodOf(e)] = *e.Result.(*hexutil.Bytes)
			}
		}
		word := func(method string, i int) *big.Int {
			b := results[method]
			return new(big.Int).SetBytes(b[32*i : 32*i+32])
		}
		if got, want := s.TotalStake, word("transcoderTotalStake", 0); got.Cmp(want) != 0 {
			t.Fatalf("total stake %s, the node returned %s", got, want)
		}
		if got, want := s.Transcoder.DeactivationRound, word("getTranscoder", 5); got.Cmp(want) != 0 {
			t.Fatalf("deactivation round %s, the node returned %s", got, want)
		}
		if want := word("currentRound", 0); want.IsUint64() && s.CurrentRound != want.Uint64() || !want.IsUint64() && s.CurrentRound != ^uint64(0) {
			t.Fatalf("current round %d, the node returned %s", s.CurrentRound, want)
		}
		for _, a := range []common.Address{fuzzOrch, fuzzSigner} {
			if s.Balances[a] == nil || s.Balances[a].Sign() < 0 {
				t.Fatalf("balance of %s is %v", a, s.Balances[a])
			}
		}
		b1, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("snapshot does not encode: %v", err)
		}
		var back Snapshot
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("snapshot does not decode: %v\n%s", err, b1)
		}
		if b2, _ := json.Marshal(&back); !bytes.Equal(b1, b2) {
			t.Fatalf("JSON round trip changed the snapshot:\n%s\n%s", b1, b2)
		}
	})
}

// methodOf names the view an eth_call element called, from its selector.
func methodOf(e rpc.BatchElem) string {
	data := e.Args[0].(map[string]any)["data"].(hexutil.Bytes)
	for _, a := range []abi.ABI{RoundsManagerABI, BondingManagerABI} {
		if m, err := a.MethodById(data); err == nil {
			return m.Name
		}
	}
	return ""
}

// FuzzDecodeLogs decodes arbitrary eth_getLogs answers with every event
// decoder, seeded with the ABI encoding of the events lpops watches. A
// decoded amount is the log's data word exactly; MergeLogs drops removed
// logs and duplicates, orders by block and index, and is idempotent.
func FuzzDecodeLogs(f *testing.F) {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	seed := func(l EventLog) {
		b, err := json.Marshal([]EventLog{l, l})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	pack := func(a abi.ABI, name string, indexed []common.Address, values ...any) EventLog {
		ev := a.Events[name]
		data, err := ev.Inputs.NonIndexed().Pack(values...)
		if err != nil {
			f.Fatalf("pack %s: %v", name, err)
		}
		topics := []common.Hash{ev.ID}
		for _, x := range indexed {
			topics = append(topics, AddressTopic(x))
		}
		addr := fuzzAddrs.BondingManager
		if a.Events[name].ID == TopicWinningTicketRedeemed {
			addr = fuzzAddrs.TicketBroker
		}
		return EventLog{Address: addr, Topics: topics, Data: data, BlockNumber: 250_000_000, TxHash: common.Hash{9}, Index: 3}
	}
	seed(pack(BondingManagerABI, "Reward", []common.Address{fuzzOrch}, stake))
	seed(pack(BondingManagerABI, "Bond", []common.Address{fuzzOrch, fuzzSigner, fuzzSigner}, stake, maxUint256))
	seed(pack(BondingManagerABI, "Unbond", []common.Address{fuzzOrch, fuzzSigner}, big.NewInt(1), stake, big.NewInt(10)))
	seed(pack(BondingManagerABI, "TranscoderSlashed", []common.Address{fuzzOrch}, fuzzSigner, stake, big.NewInt(0)))
	seed(pack(BondingManagerABI, "TranscoderActivated", []common.Address{fuzzOrch}, big.NewInt(4)))
	seed(pack(BondingManagerABI, "TranscoderDeactivated", []common.Address{fuzzOrch}, maxUint256))
	seed(pack(BondingManagerWatchABI, "TranscoderUpdate", []common.Address{fuzzOrch}, big.NewInt(100000), big.NewInt(500000)))
	f.Add([]byte(`[{"address":"0x35bcf3c30594191d53231e4ff333e8a770453e40","topics":[],"data":"0x","blockNumber":"0x1","transactionHash":"0x0000000000000000000000000000000000000000000000000000000000000001","logIndex":"0x0","removed":true}]`))

	f.Fuzz(func(t *testing.T, answer []byte) {
		var logs []EventLog
		if json.Unmarshal(answer, &logs) != nil {
			return
		}
		for _, l := range logs {
			if ev, ok := DecodeReward(fuzzAddrs.BondingManager, Log{Address: l.Address, Topics: l.Topics, Data: l.Data, BlockNumber: l.BlockNumber, TxHash: l.TxHash}); ok {
				if ev.Amount == nil || ev.Amount.Cmp(new(big.Int).SetBytes(l.Data[:32])) != 0 {
					t.Fatalf("Reward amount %v, data %x", ev.Amount, l.Data)
				}
				if ev.Transcoder != common.BytesToAddress(l.Topics[1][:]) {
					t.Fatalf("Reward transcoder %s, topic %s", ev.Transcoder, l.Topics[1])
				}
			}
			if ev, ok := DecodeBondingEvent(fuzzAddrs.BondingManager, l); ok {
				if _, err := json.Marshal(ev); err != nil {
					t.Fatalf("decoded %T does not encode: %v", ev, err)
				}
				if r, isReward := ev.(RewardLogEvent); isReward && r.Amount.Cmp(new(big.Int).SetBytes(l.Data[:32])) != 0 {
					t.Fatalf("Reward amount %s, data %x", r.Amount, l.Data)
				}
			}
			if ev, ok := DecodeTicket(fuzzAddrs.TicketBroker, l); ok && (ev.FaceValue == nil || ev.WinProb == nil) {
				t.Fatalf("ticket without face value or win probability: %+v", ev)
			}
		}
		merged := MergeLogs(logs, logs)
		for i, l := range merged {
			if l.Removed {
				t.Fatalf("merged a removed log: %+v", l)
			}
			if i > 0 {
				p := merged[i-1]
				if p.BlockNumber > l.BlockNumber || p.BlockNumber == l.BlockNumber && p.Index > l.Index {
					t.Fatalf("merged logs out of order at %d", i)
				}
				if slices.ContainsFunc(merged[:i], func(o EventLog) bool { return o.TxHash == l.TxHash && o.Index == l.Index }) {
					t.Fatalf("merged log %s/%d twice", l.TxHash, l.Index)
				}
			}
		}
		if again := MergeLogs(merged); len(again) != len(merged) {
			t.Fatalf("merging merged logs changed them: %d, then %d", len(merged), len(again))
		}
	})
}

// FuzzRevertReason reads arbitrary eth_call and eth_estimateGas errors. A
// revert carrying an ABI-encoded Error(string) yields that string.
func FuzzRevertReason(f *testing.F) {
	reason := func(s string) string {
		b, err := abi.Arguments{{Type: mustType("string")}}.Pack(s)
		if err != nil {
			f.Fatal(err)
		}
		return hexutil.Encode(append([]byte{0x08, 0xc3, 0x79, 0xa0}, b...))
	}
	f.Add(3, "execution reverted: caller has already called reward for the current round", reason("caller has already called reward for the current round"))
	f.Add(3, "execution reverted", reason("current round is not initialized"))
	f.Add(-32000, "gas required exceeds allowance (0)", "")
	f.Add(-32603, "VM Exception while processing transaction: reverted with reason string 'orchestrator must be registered'", "0x")
	f.Add(3, "execution reverted", "0x08c379a0")

	f.Fuzz(func(t *testing.T, code int, msg, data string) {
		e := &rpcError{Code: code, Message: msg}
		if data != "" {
			e.Data = data
		}
		err := error(e)
		_ = IsRevert(err)
		got := RevertReason(err)
		if b, derr := hexutil.Decode(data); derr == nil {
			if want, uerr := abi.UnpackRevert(b); uerr == nil && got != want {
				t.Fatalf("reason %q, the revert data says %q", got, want)
			}
		}
		if !IsRevert(e) && code == 3 {
			t.Fatal("a code 3 error is not a revert")
		}
	})
}

func mustType(s string) abi.Type {
	t, err := abi.NewType(s, "", nil)
	if err != nil {
		panic(err)
	}
	return t
}
