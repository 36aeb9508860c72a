package txdecode

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// FuzzDecodeInput decodes arbitrary calldata sent to each Livepeer contract,
// seeded with real calls of the protocol's functions. A call that decodes
// must decode the same from its canonical re-encoding (dirty padding or
// trailing bytes change nothing shown), and every call has non-nil Args.
func FuzzDecodeInput(f *testing.F) {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	for _, c := range []struct {
		to     uint8
		method string
		args   []any
	}{
		{1, "reward", nil},
		{1, "rewardWithHint", []any{orch, other}},
		{1, "rewardForTranscoderWithHint", []any{orch, other, common.Address{}}},
		{1, "bond", []any{stake, orch}},
		{1, "transcoder", []any{big.NewInt(100000), big.NewInt(500000)}},
		{1, "withdrawFees", []any{orch, big.NewInt(12345)}},
		{1, "setRewardCaller", []any{other}},
		{2, "initializeRound", nil},
	} {
		a := livepeer.BondingManagerABI
		if c.to == 2 {
			a = livepeer.RoundsManagerABI
		}
		b, err := a.Pack(c.method, c.args...)
		if err != nil {
			f.Fatalf("pack %s: %v", c.method, err)
		}
		f.Add(c.to, b, []byte{})
	}
	for _, amount := range []*big.Int{stake, maxUint256} {
		b, err := livepeer.TokenABI.Pack("approve", testAddrs.BondingManager, amount)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(5), b, []byte{0x01})
	}
	f.Add(uint8(0), []byte{0xd4, 0x80}, []byte{})
	f.Add(uint8(9), []byte{}, big.NewInt(1e18).Bytes())

	tos := []*common.Address{nil, &testAddrs.BondingManager, &testAddrs.RoundsManager, &testAddrs.TicketBroker,
		&testAddrs.Controller, &testAddrs.LivepeerToken, &other}
	d := NewDecoder(testAddrs)
	f.Fuzz(func(t *testing.T, which uint8, input, value []byte) {
		to := tos[int(which)%len(tos)]
		v := new(big.Int).SetBytes(value)
		c := d.Decode(to, input, v)
		if c.Args == nil {
			t.Fatalf("nil Args for %x", input)
		}
		if c.Method == "" {
			t.Fatalf("no method for %x", input)
		}
		if !c.Known || c.Error != "" || c.Selector == "" {
			return // not a call (a creation, a plain transfer) or not one lpops knows
		}
		var id [4]byte
		copy(id[:], input)
		m := selectors[id]
		vals, err := m.m.Inputs.Unpack(input[4:])
		if err != nil {
			t.Fatalf("decoded, but the arguments do not unpack: %v", err)
		}
		canon, err := m.m.Inputs.Pack(vals...)
		if err != nil {
			t.Fatalf("decoded arguments do not re-encode: %v", err)
		}
		again := d.Decode(to, append(id[:], canon...), v)
		if c.String() != again.String() || c.ArgsString() != again.ArgsString() {
			t.Fatalf("canonical re-encoding decodes differently:\n%s\n%s", c, again)
		}
	})
}

// FuzzFormatUnits checks that amounts render exactly: the decimal string
// read back is the amount divided by 10^decimals, with no trailing zeros.
func FuzzFormatUnits(f *testing.F) {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	f.Add(stake.Bytes(), false, uint8(18))
	f.Add(maxUint256.Bytes(), false, uint8(18))
	f.Add(big.NewInt(100000).Bytes(), false, uint8(4))
	f.Add([]byte{}, true, uint8(0))
	f.Add([]byte{1}, true, uint8(30))

	f.Fuzz(func(t *testing.T, mag []byte, neg bool, decimals uint8) {
		v := new(big.Int).SetBytes(mag)
		if neg {
			v.Neg(v)
		}
		d := int(decimals % 80)
		s := formatUnits(v, d)
		got, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("formatUnits(%s, %d) = %q: not a number", v, d, s)
		}
		want := new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil))
		if got.Cmp(want) != 0 {
			t.Fatalf("formatUnits(%s, %d) = %q, want %s", v, d, s, want.FloatString(d))
		}
		if strings.Contains(s, ".") && strings.HasSuffix(s, "0") || strings.HasSuffix(s, ".") || s == "-0" {
			t.Fatalf("formatUnits(%s, %d) = %q: not in shortest form", v, d, s)
		}
	})
}

// chainScript is what a fuzzed chain answers to each method Find uses: one
// answer per method, the same for every request, or an error.
type chainScript struct {
	Logs    json.RawMessage `json:"logs"`
	Tx      json.RawMessage `json:"tx"`
	Receipt json.RawMessage `json:"receipt"`
	Block   json.RawMessage `json:"block"`
	Header  json.RawMessage `json:"header"`
	Fail    string          `json:"fail"`
}

func (s *chainScript) BatchCall(_ context.Context, b []rpc.BatchElem) error {
	for i := range b {
		var raw json.RawMessage
		switch b[i].Method {
		case "eth_getLogs":
			raw = s.Logs
		case "eth_getTransactionByHash":
			raw = s.Tx
		case "eth_getTransactionReceipt":
			raw = s.Receipt
		case "eth_getBlockByNumber":
			raw = s.Block
			if full, _ := b[i].Args[1].(bool); !full {
				raw = s.Header
			}
		}
		if s.Fail == b[i].Method {
			b[i].Error = errors.New("request failed")
			continue
		}
		if raw == nil {
			raw = json.RawMessage("null")
		}
		// As go-ethereum's client does: a result that does not decode is
		// that element's error.
		b[i].Error = json.Unmarshal(raw, b[i].Result)
	}
	return nil
}

// FuzzFind runs `lpops txs`' search over a chain that answers arbitrary
// transactions, receipts, blocks and logs, seeded with an Arbitrum reward
// transaction of the orchestrator. It must not panic or loop; what it lists
// is in the range (or pending), newest first, within the limit, with its fee
// the exact product of gas used and price.
func FuzzFind(f *testing.F) {
	stake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	amount, err := livepeer.BondingManagerABI.Events["Reward"].Inputs.NonIndexed().Pack(stake)
	if err != nil {
		f.Fatal(err)
	}
	hash := common.HexToHash("0x8b3c6a4d1d2bde5a40ed0d4e8b1fb35a7c8b7ad3a95ef1c0f4e7b2d1c6a5f401")
	log := livepeer.EventLog{Address: testAddrs.BondingManager, Topics: []common.Hash{livepeer.TopicReward, livepeer.AddressTopic(orch)},
		Data: amount, BlockNumber: 105, TxHash: hash, Index: 2}
	input, err := livepeer.BondingManagerABI.Pack("rewardWithHint", other, common.Address{})
	if err != nil {
		f.Fatal(err)
	}
	js := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	tx := js(map[string]any{"hash": hash, "from": orch, "to": testAddrs.BondingManager, "input": hexutil.Bytes(input),
		"value": "0x0", "nonce": "0x7", "blockNumber": "0x69", "transactionIndex": "0x1", "gasPrice": "0x989680", "type": "0x2"})
	receipt := js(map[string]any{"status": "0x1", "gasUsed": "0x3a2f1", "effectiveGasPrice": "0x989680", "blockNumber": "0x69",
		"transactionIndex": "0x1", "gasUsedForL1": "0x1f3a", "logs": []any{log}})
	header := js(map[string]any{"number": "0x69", "timestamp": "0x6754a0c0"})
	block := js(map[string]any{"number": "0x69", "timestamp": "0x6754a0c0", "transactions": []json.RawMessage{tx}})
	seed := func(s chainScript, scan uint8, limit uint8) {
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, scan, limit, true)
	}
	full := chainScript{Logs: js([]livepeer.EventLog{log}), Tx: tx, Receipt: receipt, Block: block, Header: header}
	seed(full, 0, 0)
	seed(full, 3, 1)
	pending := full
	pending.Receipt = nil
	seed(pending, 0, 0)
	failing := full
	failing.Fail = "eth_getLogs"
	seed(failing, 0, 0)

	f.Fuzz(func(t *testing.T, script []byte, scan, limit uint8, known bool) {
		var s chainScript
		if json.Unmarshal(script, &s) != nil {
			return
		}
		q := Query{Accounts: []common.Address{orch}, Contracts: testAddrs, FromBlock: 100, ToBlock: 111,
			ScanBlocks: uint64(scan % 8), Limit: int(limit % 4), ChunkBlocks: 4, BatchSize: 6}
		if known {
			q.Known = []KnownTx{{Hash: common.HexToHash("0x01")}}
		}
		res, err := Find(context.Background(), &s, q)
		if err != nil {
			return
		}
		if q.Limit > 0 && len(res.Txs) > q.Limit {
			t.Fatalf("%d transactions listed, limit %d", len(res.Txs), q.Limit)
		}
		for i, tx := range res.Txs {
			if tx.Status != StatusPending {
				if tx.Block < q.FromBlock || tx.Block > q.ToBlock {
					t.Fatalf("listed a transaction of block %d, outside %d-%d", tx.Block, q.FromBlock, q.ToBlock)
				}
				if want := new(big.Int).Mul(tx.EffectiveGasPrice, new(big.Int).SetUint64(tx.GasUsed)); tx.Fee.Cmp(want) != 0 {
					t.Fatalf("fee %s, gas used %d at %s", tx.Fee, tx.GasUsed, tx.EffectiveGasPrice)
				}
			}
			if i > 0 {
				p := res.Txs[i-1]
				if p.Status != StatusPending && (tx.Status == StatusPending || p.Block < tx.Block) {
					t.Fatalf("not newest first at %d: block %d (%s) after block %d (%s)", i, tx.Block, tx.Status, p.Block, p.Status)
				}
			}
			if tx.Call.Args == nil || tx.Value == nil {
				t.Fatalf("incomplete transaction: %+v", tx)
			}
		}
	})
}
