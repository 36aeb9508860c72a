package keeper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/store"
)

var (
	fuzzOrch   = common.HexToAddress("0x570e1b321d9359007a7df39c8038b32b4fc366d7")
	fuzzSigner = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	fuzzBM     = common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40")
)

// goldenRecords are the records `lpops rounds --json` prints in the CLI's
// golden file, with its placeholders filled in with real-looking values.
func goldenRecords(f *testing.F) [][]byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "cmd", "lpops", "testdata", "rounds.json.golden"))
	if err != nil {
		f.Fatal(err)
	}
	s := strings.NewReplacer(
		"<orchestrator>", strings.ToLower(fuzzOrch.Hex()), "<signer>", strings.ToLower(fuzzSigner.Hex()),
		"<time>", "2026-12-07T02:40:00.123456789Z", "<wei>", "100000000",
		"<tx-1>", "0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f401",
		"<tx-2>", "0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f402",
		"<tx-3>", "0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f403",
	).Replace(string(b))
	var recs []json.RawMessage
	if err := json.Unmarshal([]byte(s), &recs); err != nil {
		f.Fatalf("rounds.json.golden: %v", err)
	}
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out
}

// pendingRecord is a round with a reward transaction in flight, as the
// keeper saves it between sending and the receipt.
const pendingRecord = `{"orchestrator":"0x570e1b321d9359007a7df39c8038b32b4fc366d7","round":3,"start_block":21000000,"length":5760,` +
	`"first_seen":"2026-12-07T02:40:00Z","last_seen":"2026-12-07T02:41:00Z","initialized":true,"was_active":true,"state":"pending","attempts":1,` +
	`"txs":[{"kind":"reward","method":"rewardForTranscoderWithHint","hash":"0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f401",` +
	`"nonce":7,"gas_limit":400000,"max_fee_per_gas":"20000000","max_priority_fee_per_gas":"0","raw":"0x02f8","state":"sent",` +
	`"signed_at":"2026-12-07T02:40:30Z","sent_at":"2026-12-07T02:40:31Z","from":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68"}]}`

// FuzzRecordJSON decodes arbitrary persisted round records, seeded with the
// records of the CLI's golden output. A record that decodes must be usable
// by the keeper's helpers without panicking, and encode to JSON that decodes
// to the same record.
func FuzzRecordJSON(f *testing.F) {
	for _, r := range goldenRecords(f) {
		f.Add(r)
	}
	f.Add([]byte(pendingRecord))
	f.Add([]byte(`{"round":3,"txs":[null]}`))
	f.Add([]byte(`{"round":3,"txs":[{"kind":"reward","state":"sent","max_fee_per_gas":"0x10"}],"reward_amount":"-1"}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var r Record
		if json.Unmarshal(data, &r) != nil {
			return
		}
		r.final()
		for _, kind := range []string{KindReward, KindInitializeRound} {
			r.inFlight(kind)
			r.openNonce(kind)
		}
		for _, tx := range r.Txs {
			if tx != nil {
				r.highestFee(tx.Nonce)
			}
		}
		r.minedReward()

		b1, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("a decoded record does not encode: %v", err)
		}
		var back Record
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("an encoded record does not decode: %v\n%s", err, b1)
		}
		if b2, _ := json.Marshal(&back); !bytes.Equal(b1, b2) {
			t.Fatalf("JSON round trip changed the record:\n%s\n%s", b1, b2)
		}
	})
}

// fuzzChain answers the keeper's reads: the account nonce, the receipt under
// test for every transaction, and no logs. It records what would be sent.
type fuzzChain struct {
	receipt []byte
	sent    int
}

func (c *fuzzChain) BatchCall(_ context.Context, b []rpc.BatchElem) error {
	for i := range b {
		e := &b[i]
		switch e.Method {
		case "eth_getTransactionCount":
			*e.Result.(*hexutil.Uint64) = 7
		case "eth_getTransactionReceipt":
			// As go-ethereum's client does: a result that does not decode
			// is that element's error.
			e.Error = json.Unmarshal(c.receipt, e.Result)
		case "eth_getLogs":
			e.Error = json.Unmarshal([]byte("[]"), e.Result)
		default:
			e.Error = errors.New("method not served by the fuzz chain")
		}
	}
	return nil
}

func (c *fuzzChain) Broadcast(context.Context, []byte) (common.Hash, error) {
	c.sent++
	return common.Hash{}, errors.New("broadcast refused by the fuzz chain")
}

type fixedSnapshot struct{ s *livepeer.Snapshot }

func (f fixedSnapshot) Snapshot(context.Context) (*livepeer.Snapshot, error) {
	c := *f.s
	return &c, nil
}

// fuzzDir is where each run's store lives: memory when the system has it,
// since every save is fsynced.
func fuzzDir(f *testing.F) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "lpops-fuzz-")
		if err == nil {
			f.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return f.TempDir()
}

// FuzzTickOnStoredRecords runs one keeper tick (observe mode) over arbitrary
// stored records of the previous and the current round and an arbitrary
// receipt for every transaction in flight, seeded with the golden records
// and an Arbitrum receipt of a reward call. The keeper must not panic, its
// status must encode, and whatever it saves must load again.
func FuzzTickOnStoredRecords(f *testing.F) {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	amount, err := livepeer.BondingManagerABI.Events["Reward"].Inputs.NonIndexed().Pack(stake)
	if err != nil {
		f.Fatal(err)
	}
	rewardLog, _ := json.Marshal(livepeer.Log{Address: fuzzBM,
		Topics: []common.Hash{livepeer.TopicReward, livepeer.AddressTopic(fuzzOrch)}, Data: amount, BlockNumber: 250_000_123,
		TxHash: common.HexToHash("0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f401")})
	arbReceipt := []byte(`{"blockHash":"0x5e1d8a70c7f6e3b2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8","blockNumber":"0xee6b4bb",` +
		`"contractAddress":null,"cumulativeGasUsed":"0x4d2a1","effectiveGasPrice":"0x989680","from":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68",` +
		`"gasUsed":"0x3a2f1","gasUsedForL1":"0x1f3a","l1BlockNumber":"0x14a8f3c","logs":[` + string(rewardLog) + `],` +
		`"logsBloom":"0x00","status":"0x1","to":"0x35bcf3c30594191d53231e4ff333e8a770453e40",` +
		`"transactionHash":"0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f401","transactionIndex":"0x1","type":"0x2"}`)
	golden := goldenRecords(f)
	f.Add(golden[len(golden)-1], []byte(pendingRecord), arbReceipt, false)
	f.Add(golden[0], []byte(pendingRecord), []byte(`null`), true)
	f.Add([]byte(pendingRecord), []byte(`{}`), []byte(`{"status":"0x0","blockNumber":"0x1","gasUsed":"0x0"}`), false)
	f.Add([]byte(`{"txs":[null]}`), []byte(`{"txs":[{"state":"signed"},null]}`), arbReceipt, true)

	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, prev, cur, rcpt []byte, rewarded bool) {
		if !json.Valid(prev) || !json.Valid(cur) {
			return
		}
		st, err := store.Open(filepath.Join(dir, "state"))
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			st.Close()
			os.RemoveAll(filepath.Join(dir, "state"))
		}()
		for round, raw := range map[uint64][]byte{2: prev, 3: cur} {
			if err := st.Put(roundsBucket, roundKey(fuzzOrch, round), json.RawMessage(raw)); err != nil {
				t.Fatal(err)
			}
		}
		snap := &livepeer.Snapshot{BlockNum: 21_000_100, CurrentRound: 3, RoundStartBlock: 21_000_000, RoundLength: 5760,
			RoundInitialized: true, LastInitializedRound: 3, Orchestrator: fuzzOrch, Registered: true, Active: true,
			Transcoder: livepeer.Transcoder{LastRewardRound: 2, DeactivationRound: new(big.Int)}, TotalStake: big.NewInt(1),
			Balances: map[common.Address]*big.Int{fuzzOrch: big.NewInt(1e18)}, Head: 250_000_200,
			ReadAt: time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)}
		if rewarded {
			snap.Transcoder.LastRewardRound = 3
		}
		c := &fuzzChain{receipt: rcpt}
		recs := NewRecords(st)
		k := New(Config{Orchestrator: fuzzOrch, ChainID: big.NewInt(42161), Observe: true, GraceBlocks: 20,
			MaxFee: big.NewInt(5e9), StuckAfter: 3 * time.Minute, PollInterval: time.Minute, ActivePollInterval: time.Second},
			Options{Chain: c, Reader: fixedSnapshot{snap}, Records: recs,
				Addrs: livepeer.Addresses{BondingManager: fuzzBM}, Now: func() time.Time { return snap.ReadAt }})
		k.Tick(context.Background())
		if _, err := json.Marshal(k.Status()); err != nil {
			t.Fatalf("status does not encode: %v", err)
		}
		if _, err := recs.Load(fuzzOrch, 3); err != nil && json.Unmarshal(cur, new(Record)) == nil {
			t.Fatalf("the current round's record loaded, was saved, and no longer loads: %v", err)
		}
	})
}
