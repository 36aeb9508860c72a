package txdecode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// fakeChain answers the JSON-RPC methods Find uses from a fixed set of
// transactions, refusing eth_getLogs ranges wider than maxRange as
// providers do.
type fakeChain struct {
	maxRange uint64
	txs      []fakeTx
	getLogs  int
	refused  int
}

type fakeTx struct {
	hash  common.Hash
	block uint64
	from  common.Address
	to    common.Address
	input []byte
	value int64
	ok    bool
	logs  []livepeer.Log
}

func (f *fakeChain) BatchCall(_ context.Context, b []rpc.BatchElem) error {
	for i := range b {
		ans, err := f.answer(b[i].Method, b[i].Args)
		if err != nil {
			b[i].Error = err
			continue
		}
		raw, _ := json.Marshal(ans)
		if err := json.Unmarshal(raw, b[i].Result); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeChain) answer(method string, args []any) (any, error) {
	switch method {
	case "eth_getLogs":
		f.getLogs++
		q := args[0].(map[string]any)
		from, to := uint64(q["fromBlock"].(hexutil.Uint64)), uint64(q["toBlock"].(hexutil.Uint64))
		if to-from+1 > f.maxRange {
			f.refused++
			return nil, errors.New("block range too large")
		}
		var out []map[string]any
		for _, tx := range f.txs {
			for i, l := range tx.logs {
				if tx.block < from || tx.block > to || !matches(q, l) {
					continue
				}
				out = append(out, map[string]any{"address": l.Address, "topics": l.Topics, "data": hexutil.Bytes(l.Data),
					"blockNumber": hexutil.Uint64(tx.block), "transactionHash": tx.hash, "logIndex": hexutil.Uint(i), "blockHash": common.Hash{}})
			}
		}
		return out, nil
	case "eth_getTransactionByHash", "eth_getTransactionReceipt":
		for _, tx := range f.txs {
			if tx.hash != args[0].(common.Hash) {
				continue
			}
			if method == "eth_getTransactionByHash" {
				return f.rpcTx(tx), nil
			}
			status := hexutil.Uint64(0)
			if tx.ok {
				status = 1
			}
			logs := []map[string]any{}
			for _, l := range tx.logs {
				logs = append(logs, map[string]any{"address": l.Address, "topics": l.Topics, "data": hexutil.Bytes(l.Data),
					"blockNumber": hexutil.Uint64(tx.block), "transactionHash": tx.hash})
			}
			return map[string]any{"status": status, "gasUsed": hexutil.Uint64(21000), "effectiveGasPrice": (*hexutil.Big)(big.NewInt(100)),
				"blockNumber": hexutil.Uint64(tx.block), "transactionIndex": hexutil.Uint64(0), "logs": logs}, nil
		}
		return nil, nil
	case "eth_getBlockByNumber":
		n := uint64(args[0].(hexutil.Uint64))
		blk := map[string]any{"number": hexutil.Uint64(n), "timestamp": hexutil.Uint64(1_700_000_000 + n)}
		if args[1].(bool) {
			txs := []any{}
			for _, tx := range f.txs {
				if tx.block == n {
					txs = append(txs, f.rpcTx(tx))
				}
			}
			blk["transactions"] = txs
		}
		return blk, nil
	}
	return nil, fmt.Errorf("unexpected method %s", method)
}

func (f *fakeChain) rpcTx(tx fakeTx) map[string]any {
	return map[string]any{"hash": tx.hash, "from": tx.from, "to": tx.to, "input": hexutil.Bytes(tx.input),
		"value": (*hexutil.Big)(big.NewInt(tx.value)), "nonce": hexutil.Uint64(0), "blockNumber": hexutil.Uint64(tx.block),
		"transactionIndex": hexutil.Uint64(0), "gasPrice": (*hexutil.Big)(big.NewInt(100))}
}

func matches(q map[string]any, l livepeer.Log) bool {
	switch a := q["address"].(type) {
	case common.Address:
		if a != l.Address {
			return false
		}
	case []common.Address:
		if !slices.Contains(a, l.Address) {
			return false
		}
	}
	for i, want := range q["topics"].([]any) {
		if i >= len(l.Topics) {
			return false
		}
		switch w := want.(type) {
		case common.Hash:
			if w != l.Topics[i] {
				return false
			}
		case []common.Hash:
			if !slices.Contains(w, l.Topics[i]) {
				return false
			}
		}
	}
	return true
}

func TestFind(t *testing.T) {
	signer := common.HexToAddress("0x00000000000000000000000000000000000000Bb")
	delegator := common.HexToAddress("0x00000000000000000000000000000000000000Cc")
	bm, tok, rm := testAddrs.BondingManager, testAddrs.LivepeerToken, testAddrs.RoundsManager
	amount := common.LeftPadBytes(lptUnits(7).Bytes(), 32)
	reward := func(by common.Address) livepeer.Log {
		return livepeer.Log{Address: bm, Topics: []common.Hash{livepeer.TopicReward, livepeer.AddressTopic(orch)}, Data: amount}
	}
	h := func(n byte) common.Hash { return common.Hash{n} }
	chain := &fakeChain{maxRange: 1000, txs: []fakeTx{
		// The node's reward, found by its Reward event.
		{hash: h(1), block: 4000, from: orch, to: bm, input: pack(t, livepeer.BondingManagerABI, "rewardWithHint", common.Address{}, common.Address{}), ok: true,
			logs: []livepeer.Log{reward(orch)}},
		// lpops' initializeRound: no event names the signer; lpops' records know it.
		{hash: h(2), block: 4100, from: signer, to: rm, input: pack(t, livepeer.RoundsManagerABI, "initializeRound"), ok: true},
		// lpops' reward for the orchestrator, found by the Reward event and the records.
		{hash: h(3), block: 4101, from: signer, to: bm, input: pack(t, livepeer.BondingManagerABI, "rewardForTranscoder", orch), ok: true,
			logs: []livepeer.Log{reward(signer)}},
		// A delegator bonding to the orchestrator: someone else's transaction.
		{hash: h(4), block: 1500, from: delegator, to: bm, input: pack(t, livepeer.BondingManagerABI, "bond", lptUnits(5), orch), ok: true,
			logs: []livepeer.Log{{Address: bm, Topics: []common.Hash{livepeer.TopicBond, livepeer.AddressTopic(orch), {}, livepeer.AddressTopic(delegator)}, Data: make([]byte, 64)}}},
		// The orchestrator's LPT transfer, found by Transfer(from).
		{hash: h(5), block: 200, from: orch, to: tok, input: pack(t, livepeer.TokenABI, "transfer", delegator, lptUnits(1)), ok: true,
			logs: []livepeer.Log{{Address: tok, Topics: []common.Hash{ERC20ABI.Events["Transfer"].ID, livepeer.AddressTopic(orch), livepeer.AddressTopic(delegator)}, Data: amount}}},
		// A plain ETH transfer from the orchestrator: only a scan sees it.
		{hash: h(6), block: 4990, from: orch, to: delegator, value: 1e18, ok: true},
		// Outside the range.
		{hash: h(7), block: 6000, from: orch, to: bm, input: pack(t, livepeer.BondingManagerABI, "reward"), ok: true, logs: []livepeer.Log{reward(orch)}},
	}}
	q := Query{
		Accounts: []common.Address{orch, signer}, Contracts: testAddrs, FromBlock: 0, ToBlock: 5000,
		Known: []KnownTx{{h(2), 4100}, {h(3), 0}, {h(9), 0}, {h(7), 6000}}, ChunkBlocks: 5000, BatchSize: 9,
	}
	hashes := func(txs []*Tx) []byte {
		var out []byte
		for _, t := range txs {
			out = append(out, t.Hash[0])
		}
		return out
	}
	for _, tc := range []struct {
		Name  string
		Edit  func(*Query)
		Want  []byte
		Check func(t *testing.T, r *Result)
	}{
		{"EventsAndRecords", func(*Query) {}, []byte{3, 2, 1, 5}, func(t *testing.T, r *Result) {
			if len(r.NotOnChain) != 1 || r.NotOnChain[0] != h(9) {
				t.Errorf("not on chain: %v", r.NotOnChain)
			}
			top := r.Txs[0]
			if top.Call.Method != "rewardForTranscoder" || top.Status != StatusSuccess || top.Fee.Int64() != 2_100_000 ||
				top.Minted.Cmp(lptUnits(7)) != 0 || !slices.Equal(top.FoundBy, []string{SourceLogs, SourceKnown}) ||
				top.ToName != "BondingManager" || top.Time.Unix() != 1_700_004_101 {
				t.Errorf("lpops' reward: %+v", top)
			}
			if chain.refused == 0 {
				t.Error("no range was refused: the split is untested")
			}
		}},
		{"All", func(q *Query) { q.All = true }, []byte{3, 2, 1, 4, 5}, nil},
		{"Scan", func(q *Query) { q.ScanBlocks = 20 }, []byte{6, 3, 2, 1, 5}, func(t *testing.T, r *Result) {
			if r.ScanFrom != 4981 || r.Txs[0].Call.Method != MethodETHTransfer || !slices.Equal(r.Txs[0].FoundBy, []string{SourceScan}) {
				t.Errorf("scan: from %d, %+v", r.ScanFrom, r.Txs[0])
			}
		}},
		{"Limit", func(q *Query) { q.Limit = 2 }, []byte{3, 2}, nil},
		{"OneAccount", func(q *Query) { q.Accounts = []common.Address{signer} }, []byte{3, 2}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			q := q
			tc.Edit(&q)
			chain.refused = 0
			r, err := Find(context.Background(), chain, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := hashes(r.Txs); !slices.Equal(got, tc.Want) {
				t.Fatalf("got transactions %v, want %v", got, tc.Want)
			}
			if tc.Check != nil {
				tc.Check(t, r)
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	c := &fakeChain{maxRange: 0}
	q := Query{Accounts: []common.Address{orch}, Contracts: testAddrs, FromBlock: 10, ToBlock: 12}
	if _, err := Find(context.Background(), c, q); err == nil || err.Error() != "get logs of block 12: block range too large" {
		t.Errorf("a single block refused: got %v", err)
	}
	q.FromBlock = 13
	if _, err := Find(context.Background(), c, q); err == nil {
		t.Error("an empty range was accepted")
	}
}
