package txdecode

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// Caller sends JSON-RPC batches; *chain.Pool satisfies it.
type Caller interface {
	BatchCall(ctx context.Context, b []rpc.BatchElem) error
}

// Defaults of Query's zero fields.
const (
	// DefaultChunkBlocks is the eth_getLogs range per request: the limit
	// most providers enforce.
	DefaultChunkBlocks = 10_000
	// DefaultBatchSize is the number of elements per JSON-RPC batch, below
	// the caps providers put on batches.
	DefaultBatchSize = 50
)

// Found-by sources of a transaction.
const (
	SourceLogs  = "logs"
	SourceKnown = "lpops"
	SourceScan  = "scan"
)

// Statuses of a transaction.
const (
	StatusSuccess  = "success"
	StatusReverted = "reverted"
	StatusPending  = "pending"
)

// Query says whose transactions to find, where.
type Query struct {
	// Accounts whose transactions are listed.
	Accounts []common.Address
	// Contracts are the resolved Livepeer contracts whose events name the
	// accounts.
	Contracts livepeer.Addresses
	// FromBlock and ToBlock bound the search, inclusive, in the chain's own
	// block numbers (L2 blocks on Arbitrum).
	FromBlock, ToBlock uint64
	// Known are transactions found elsewhere (lpops' records); they are
	// listed when mined in the range, or pending.
	Known []KnownTx
	// ScanBlocks > 0 also walks the newest ScanBlocks blocks of the range
	// with full transactions for those the accounts sent.
	ScanBlocks uint64
	// All keeps every transaction found; otherwise only those an account
	// sent, or that rewarded an account or redeemed a ticket to it.
	All bool
	// Limit keeps the newest Limit transactions (0: all).
	Limit       int
	ChunkBlocks uint64
	BatchSize   int
}

// KnownTx is a transaction hash from elsewhere, with the block it was mined
// in when known (0 otherwise).
type KnownTx struct {
	Hash  common.Hash
	Block uint64
}

// Tx is one transaction, read from the chain and decoded.
type Tx struct {
	Hash  common.Hash
	Block uint64 // 0 while pending
	Index uint64
	Time  time.Time // block time; zero while pending
	From  common.Address
	To    *common.Address
	// ToName names To when it is a resolved Livepeer contract.
	ToName string
	Nonce  uint64
	Value  *big.Int
	Call   Call
	Status string // StatusSuccess, StatusReverted or StatusPending
	// GasUsed and Fee (gasUsed × effectiveGasPrice, in wei) are zero while
	// pending.
	GasUsed           uint64
	EffectiveGasPrice *big.Int
	Fee               *big.Int
	// Minted is the LPT (base units) its Reward events minted, nil if none.
	Minted  *big.Int
	FoundBy []string
}

// Result is what Find found.
type Result struct {
	Txs                []*Tx
	FromBlock, ToBlock uint64
	// ScanFrom is the first scanned block (0 without a scan).
	ScanFrom uint64
	// NotOnChain are Known hashes the chain does not have (signed but not
	// broadcast, or dropped from the mempool).
	NotOnChain []common.Hash
	// Batches counts the JSON-RPC batches (HTTP requests) sent.
	Batches int
}

// Topics of the events that name an account, by the position of the
// account among the indexed arguments (see the package documentation).
var (
	topicsAt1 = []common.Hash{
		livepeer.TopicReward, livepeer.TopicBond, livepeer.TopicTranscoderUpdate,
		BondingManagerExtraABI.Events["WithdrawFees"].ID, BondingManagerExtraABI.Events["WithdrawStake"].ID,
		livepeer.BondingManagerABI.Events["RewardCallerSet"].ID,
		ERC20ABI.Events["Transfer"].ID, ERC20ABI.Events["Approval"].ID,
	}
	topicsAt2 = []common.Hash{
		livepeer.TopicUnbond, BondingManagerExtraABI.Events["Rebond"].ID, BondingManagerExtraABI.Events["EarningsClaimed"].ID,
		livepeer.BondingManagerABI.Events["RewardCallerSet"].ID, livepeer.TopicWinningTicketRedeemed,
	}
	topicsAt3 = []common.Hash{livepeer.TopicBond}
)

type candidate struct {
	hash    common.Hash
	block   uint64 // 0 when unknown
	index   uint64
	foundBy []string
	scanned *rpcTx // the full transaction, when the scan read it
	time    time.Time
}

type finder struct {
	c       Caller
	q       Query
	dec     *Decoder
	accts   map[common.Address]bool
	cands   map[common.Hash]*candidate
	times   map[uint64]time.Time
	batches int
}

// Find lists the transactions of q.Accounts, newest first.
func Find(ctx context.Context, c Caller, q Query) (*Result, error) {
	if len(q.Accounts) == 0 {
		return nil, errors.New("no account to list transactions of")
	}
	if q.FromBlock > q.ToBlock {
		return nil, fmt.Errorf("block range %d-%d is empty", q.FromBlock, q.ToBlock)
	}
	if q.ChunkBlocks == 0 {
		q.ChunkBlocks = DefaultChunkBlocks
	}
	if q.BatchSize < 3 {
		q.BatchSize = DefaultBatchSize
	}
	f := &finder{c: c, q: q, dec: NewDecoder(q.Contracts), accts: map[common.Address]bool{},
		cands: map[common.Hash]*candidate{}, times: map[uint64]time.Time{}}
	for _, a := range q.Accounts {
		f.accts[a] = true
	}
	res := &Result{FromBlock: q.FromBlock, ToBlock: q.ToBlock}
	if err := f.logs(ctx); err != nil {
		return nil, err
	}
	if q.ScanBlocks > 0 {
		res.ScanFrom = q.FromBlock
		if q.ToBlock-q.FromBlock+1 > q.ScanBlocks {
			res.ScanFrom = q.ToBlock - q.ScanBlocks + 1
		}
		if err := f.scan(ctx, res.ScanFrom, q.ToBlock); err != nil {
			return nil, err
		}
	}
	for _, k := range q.Known {
		if k.Block > 0 && (k.Block < q.FromBlock || k.Block > q.ToBlock) {
			continue
		}
		f.add(k.Hash, k.Block, 0, SourceKnown)
	}
	txs, missing, err := f.fetch(ctx)
	if err != nil {
		return nil, err
	}
	res.Txs, res.NotOnChain, res.Batches = txs, missing, f.batches
	return res, nil
}

func (f *finder) add(h common.Hash, block, index uint64, source string) *candidate {
	c := f.cands[h]
	if c == nil {
		c = &candidate{hash: h}
		f.cands[h] = c
	}
	if block > 0 {
		c.block, c.index = block, index
	}
	if !slices.Contains(c.foundBy, source) {
		c.foundBy = append(c.foundBy, source)
	}
	return c
}

func (f *finder) call(ctx context.Context, b []rpc.BatchElem) error {
	f.batches++
	return f.c.BatchCall(ctx, b)
}

// logs runs the three log filters over the range in chunks, newest first;
// a chunk the endpoint refuses (too many results, range too large) is split
// in two and asked again, down to single blocks.
func (f *finder) logs(ctx context.Context) error {
	accts := make([]common.Hash, 0, len(f.q.Accounts))
	for _, a := range f.q.Accounts {
		accts = append(accts, livepeer.AddressTopic(a))
	}
	k := f.q.Contracts
	with := func(as ...common.Address) []common.Address {
		var out []common.Address
		for _, a := range as {
			if a != (common.Address{}) {
				out = append(out, a)
			}
		}
		return out
	}
	queries := []livepeer.LogQuery{
		{Addresses: with(k.BondingManager, k.LivepeerToken), Topics: [][]common.Hash{topicsAt1, accts}},
		{Addresses: with(k.BondingManager, k.TicketBroker), Topics: [][]common.Hash{topicsAt2, nil, accts}},
		{Addresses: with(k.BondingManager), Topics: [][]common.Hash{topicsAt3, nil, nil, accts}},
	}
	type span struct{ from, to uint64 }
	var pending []span
	for to := f.q.ToBlock; ; {
		from := f.q.FromBlock
		if to-from+1 > f.q.ChunkBlocks {
			from = to - f.q.ChunkBlocks + 1
		}
		pending = append(pending, span{from, to})
		if from == f.q.FromBlock {
			break
		}
		to = from - 1
	}
	per := max(1, f.q.BatchSize/len(queries))
	for len(pending) > 0 {
		n := min(per, len(pending))
		spans := pending[:n]
		pending = pending[n:]
		results := make([][]livepeer.EventLog, n*len(queries))
		batch := make([]rpc.BatchElem, 0, len(results))
		for i, s := range spans {
			for j, q := range queries {
				batch = append(batch, q.Elem(s.from, s.to, &results[i*len(queries)+j]))
			}
		}
		if err := f.call(ctx, batch); err != nil {
			return fmt.Errorf("get logs: %w", err)
		}
		var split []span
		for i, s := range spans {
			var failed error
			for j := range queries {
				if e := batch[i*len(queries)+j].Error; e != nil {
					failed = e
				}
			}
			if failed != nil {
				if s.from == s.to {
					return fmt.Errorf("get logs of block %d: %w", s.from, failed)
				}
				mid := s.from + (s.to-s.from)/2
				split = append(split, span{mid + 1, s.to}, span{s.from, mid})
				continue
			}
			for _, l := range livepeer.MergeLogs(results[i*len(queries) : (i+1)*len(queries)]...) {
				f.add(l.TxHash, l.Block(), 0, SourceLogs)
			}
		}
		pending = append(split, pending...)
	}
	return nil
}

// rpcTx is the part of a transaction object lpops reads. It is decoded
// field by field rather than as a go-ethereum Transaction, which rejects the
// transaction types of Arbitrum and other L2s.
type rpcTx struct {
	Hash             common.Hash     `json:"hash"`
	From             common.Address  `json:"from"`
	To               *common.Address `json:"to"`
	Input            hexutil.Bytes   `json:"input"`
	Value            *hexutil.Big    `json:"value"`
	Nonce            hexutil.Uint64  `json:"nonce"`
	BlockNumber      *hexutil.Uint64 `json:"blockNumber"`
	TransactionIndex *hexutil.Uint64 `json:"transactionIndex"`
	GasPrice         *hexutil.Big    `json:"gasPrice"`
}

type rpcReceipt struct {
	Status            *hexutil.Uint64 `json:"status"`
	GasUsed           hexutil.Uint64  `json:"gasUsed"`
	EffectiveGasPrice *hexutil.Big    `json:"effectiveGasPrice"`
	BlockNumber       hexutil.Uint64  `json:"blockNumber"`
	TransactionIndex  hexutil.Uint64  `json:"transactionIndex"`
	Logs              []livepeer.Log  `json:"logs"`
}

type rpcBlock struct {
	Number       hexutil.Uint64 `json:"number"`
	Timestamp    hexutil.Uint64 `json:"timestamp"`
	Transactions []rpcTx        `json:"transactions"`
}

type rpcHeader struct {
	Number    hexutil.Uint64 `json:"number"`
	Timestamp hexutil.Uint64 `json:"timestamp"`
}

// scan reads blocks [from, to] with full transactions, newest first, and
// keeps those an account sent.
func (f *finder) scan(ctx context.Context, from, to uint64) error {
	for hi := to; ; {
		lo := from
		if hi-lo+1 > uint64(f.q.BatchSize) {
			lo = hi - uint64(f.q.BatchSize) + 1
		}
		blocks := make([]*rpcBlock, hi-lo+1)
		batch := make([]rpc.BatchElem, len(blocks))
		for i := range blocks {
			batch[i] = rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(hi - uint64(i)), true}, Result: &blocks[i]}
		}
		if err := f.call(ctx, batch); err != nil {
			return fmt.Errorf("scan blocks %d-%d: %w", lo, hi, err)
		}
		for i, b := range blocks {
			if batch[i].Error != nil {
				return fmt.Errorf("scan block %d: %w", hi-uint64(i), batch[i].Error)
			}
			if b == nil {
				continue
			}
			t := time.Unix(int64(b.Timestamp), 0).UTC()
			f.times[uint64(b.Number)] = t
			for j := range b.Transactions {
				tx := &b.Transactions[j]
				if !f.accts[tx.From] {
					continue
				}
				c := f.add(tx.Hash, uint64(b.Number), uint64(j), SourceScan)
				c.scanned, c.time = tx, t
			}
		}
		if lo == from {
			return nil
		}
		hi = lo - 1
	}
}

// fetch reads the candidates' transactions and receipts, newest first, in
// pages until Limit of them are kept, then the times of their blocks.
func (f *finder) fetch(ctx context.Context) ([]*Tx, []common.Hash, error) {
	cands := make([]*candidate, 0, len(f.cands))
	for _, c := range f.cands {
		cands = append(cands, c)
	}
	// Unknown blocks first (lpops' own, few), then newest first.
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if (a.block == 0) != (b.block == 0) {
			return a.block == 0
		}
		if a.block != b.block {
			return a.block > b.block
		}
		if a.index != b.index {
			return a.index > b.index
		}
		return a.hash.Hex() < b.hash.Hex()
	})
	var (
		kept    []*Tx
		missing []common.Hash
	)
	page := max(1, f.q.BatchSize/2)
	for start := 0; start < len(cands); start += page {
		if f.q.Limit > 0 && len(kept) >= f.q.Limit && cands[start].block > 0 {
			break
		}
		part := cands[start:min(start+page, len(cands))]
		txs := make([]*rpcTx, len(part))
		rcs := make([]*rpcReceipt, len(part))
		batch := make([]rpc.BatchElem, 0, 2*len(part))
		for i, c := range part {
			if c.scanned != nil {
				txs[i] = c.scanned
			} else {
				batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionByHash", Args: []any{c.hash}, Result: &txs[i]})
			}
			batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{c.hash}, Result: &rcs[i]})
		}
		if err := f.call(ctx, batch); err != nil {
			return nil, nil, fmt.Errorf("read transactions: %w", err)
		}
		for _, e := range batch {
			if e.Error != nil {
				return nil, nil, fmt.Errorf("%s %v: %w", e.Method, e.Args[0], e.Error)
			}
		}
		for i, c := range part {
			if txs[i] == nil {
				missing = append(missing, c.hash)
				continue
			}
			t := f.build(c, txs[i], rcs[i])
			if t.Status != StatusPending && (t.Block < f.q.FromBlock || t.Block > f.q.ToBlock) {
				continue
			}
			if !f.q.All && !f.concerns(t, rcs[i]) {
				continue
			}
			kept = append(kept, t)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if (a.Status == StatusPending) != (b.Status == StatusPending) {
			return a.Status == StatusPending
		}
		if a.Block != b.Block {
			return a.Block > b.Block
		}
		return a.Index > b.Index
	})
	if f.q.Limit > 0 && len(kept) > f.q.Limit {
		kept = kept[:f.q.Limit]
	}
	if err := f.blockTimes(ctx, kept); err != nil {
		return nil, nil, err
	}
	return kept, missing, nil
}

func (f *finder) build(c *candidate, tx *rpcTx, r *rpcReceipt) *Tx {
	value := new(big.Int)
	if tx.Value != nil {
		value = tx.Value.ToInt()
	}
	t := &Tx{
		Hash: tx.Hash, From: tx.From, To: tx.To, Nonce: uint64(tx.Nonce), Value: value,
		Call: f.dec.Decode(tx.To, tx.Input, value), Status: StatusPending, FoundBy: c.foundBy, Time: c.time,
	}
	if tx.To != nil {
		t.ToName = f.dec.ContractName(*tx.To)
	}
	if r == nil {
		return t
	}
	t.Block, t.Index, t.GasUsed = uint64(r.BlockNumber), uint64(r.TransactionIndex), uint64(r.GasUsed)
	t.Status = StatusSuccess
	if r.Status != nil && *r.Status == 0 {
		t.Status = StatusReverted
	}
	switch {
	case r.EffectiveGasPrice != nil:
		t.EffectiveGasPrice = r.EffectiveGasPrice.ToInt()
	case tx.GasPrice != nil:
		t.EffectiveGasPrice = tx.GasPrice.ToInt()
	default:
		t.EffectiveGasPrice = new(big.Int)
	}
	t.Fee = new(big.Int).Mul(t.EffectiveGasPrice, new(big.Int).SetUint64(t.GasUsed))
	for _, l := range r.Logs {
		if ev, ok := livepeer.DecodeReward(f.q.Contracts.BondingManager, l); ok && ev.Amount != nil {
			if t.Minted == nil {
				t.Minted = new(big.Int)
			}
			t.Minted.Add(t.Minted, ev.Amount)
		}
	}
	return t
}

// concerns reports whether t was sent by an account, rewarded one, or
// redeemed a winning ticket paying one.
func (f *finder) concerns(t *Tx, r *rpcReceipt) bool {
	if f.accts[t.From] {
		return true
	}
	if r == nil {
		return false
	}
	k := f.q.Contracts
	for _, l := range r.Logs {
		switch {
		case l.Address == k.BondingManager && len(l.Topics) >= 2 && l.Topics[0] == livepeer.TopicReward:
			if f.accts[common.BytesToAddress(l.Topics[1].Bytes())] {
				return true
			}
		case l.Address == k.TicketBroker && len(l.Topics) >= 3 && l.Topics[0] == livepeer.TopicWinningTicketRedeemed:
			if f.accts[common.BytesToAddress(l.Topics[2].Bytes())] {
				return true
			}
		}
	}
	return false
}

// blockTimes fills in the time of every mined transaction from its block
// header, one batch for the blocks not yet seen.
func (f *finder) blockTimes(ctx context.Context, txs []*Tx) error {
	var need []uint64
	seen := map[uint64]bool{}
	for _, t := range txs {
		if t.Status == StatusPending || !t.Time.IsZero() {
			continue
		}
		if _, ok := f.times[t.Block]; !ok && !seen[t.Block] {
			seen[t.Block] = true
			need = append(need, t.Block)
		}
	}
	for start := 0; start < len(need); start += f.q.BatchSize {
		part := need[start:min(start+f.q.BatchSize, len(need))]
		hdrs := make([]*rpcHeader, len(part))
		batch := make([]rpc.BatchElem, len(part))
		for i, n := range part {
			batch[i] = rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(n), false}, Result: &hdrs[i]}
		}
		if err := f.call(ctx, batch); err != nil {
			return fmt.Errorf("read block times: %w", err)
		}
		for i, h := range hdrs {
			if batch[i].Error != nil {
				return fmt.Errorf("read block %d: %w", part[i], batch[i].Error)
			}
			if h != nil {
				f.times[part[i]] = time.Unix(int64(h.Timestamp), 0).UTC()
			}
		}
	}
	for _, t := range txs {
		if t.Time.IsZero() && t.Status != StatusPending {
			t.Time = f.times[t.Block]
		}
	}
	return nil
}
