package livepeer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// Multicall3Address is Multicall3's canonical address: the same on Arbitrum
// One and on most EVM chains, deployed from one keyless transaction.
var Multicall3Address = common.HexToAddress("0xcA11bde05977b3631167028862bE2a173976CA11")

// multicall3ABI is the part of Multicall3 (mds1/multicall3) a FleetReader
// calls: aggregate3 and getEthBalance, with the deployed contract's
// signatures (selectors 0x82ad56cb and 0x4d2301cc).
const multicall3ABI = `[
{"type":"function","name":"aggregate3","stateMutability":"payable","inputs":[{"name":"calls","type":"tuple[]","internalType":"struct Multicall3.Call3[]","components":[{"name":"target","type":"address"},{"name":"allowFailure","type":"bool"},{"name":"callData","type":"bytes"}]}],"outputs":[{"name":"returnData","type":"tuple[]","internalType":"struct Multicall3.Result[]","components":[{"name":"success","type":"bool"},{"name":"returnData","type":"bytes"}]}]},
{"type":"function","name":"getEthBalance","stateMutability":"view","inputs":[{"name":"addr","type":"address"}],"outputs":[{"name":"balance","type":"uint256"}]}
]`

// Multicall3ABI is the parsed subset of Multicall3 a FleetReader calls.
var Multicall3ABI = mustABI(multicall3ABI)

// Defaults of FleetOptions.
const (
	// DefaultMaxMulticall is the most calls one aggregate3 carries. A
	// snapshot costs 6 round-clock calls, then 5 calls and one balance per
	// orchestrator, so 100 orchestrators and a shared signer are 607 calls:
	// two aggregate3 eth_calls, sent in one JSON-RPC batch. eth_estimateGas of
	// one aggregate3 of those 607 calls on anvil with the test contracts is
	// 5.87M gas, 9.7k a call, calldata included (TestFleetMulticallGas logs
	// it): a chunk of 400 is about 3.9M. The real BondingManager reads more
	// storage (getTranscoder alone is ten cold slots, 21k gas), which may
	// double that; a chunk still stays near a fifth of the 50M eth_call gas
	// cap geth and Nitro default to (RPCGasCap), with room for providers
	// that set it lower, and its request near 180 KB. Nitro charges an
	// eth_call no L1 calldata cost (MessageEthcallMode skips L1 charging), so
	// the calldata's size does not count against the cap there.
	DefaultMaxMulticall = 400
	// DefaultMaxBatch is the most calls one JSON-RPC request carries, as in
	// internal/chain/reads: under the batch limits providers enforce.
	DefaultMaxBatch = 48
)

// FleetOptions tunes a FleetReader. The zero value reads through Multicall3
// at its canonical address where the chain has it, with the default chunks.
type FleetOptions struct {
	// Multicall3 is where Multicall3 is looked for; zero means
	// Multicall3Address.
	Multicall3 common.Address
	// NoMulticall reads with plain eth_calls even where Multicall3 exists.
	NoMulticall bool
	// MaxMulticall is the most calls one aggregate3 carries; zero means
	// DefaultMaxMulticall.
	MaxMulticall int
	// MaxBatch is the most calls one JSON-RPC request carries; zero means
	// DefaultMaxBatch.
	MaxBatch int
}

// FleetResult is the snapshot of one orchestrator of a fleet, or why it
// could not be read.
type FleetResult struct {
	Snapshot *Snapshot
	Err      error
}

// FleetReader reads the Snapshots of several orchestrators at once, at one
// block, for about the cost of one: what lets one lpops keep a fleet.
//
// Each snapshot is what a Reader for that orchestrator (with the same extra
// accounts) returns, ReadAt aside: the same fields, the same block pinning
// and "latest" fallback, LIP-118 detected per orchestrator. The head is read
// first, in one request; Multicall3's presence is asked in that same request
// the first time (eth_getCode), and remembered. With Multicall3, every call
// of every orchestrator (and each balance, through getEthBalance) goes into
// aggregate3 with allowFailure set, so one orchestrator's revert stays its
// own: one eth_call, or a few (DefaultMaxMulticall calls each) in one
// JSON-RPC batch. A tick costs two HTTP requests whatever the fleet's size.
// Without Multicall3, the calls go as plain eth_calls, MaxBatch to a
// request, one request after another.
//
// A read that fails for everyone (the head, the round clock, a shared
// account's balance, a transport error, an aggregate3 answer that does not
// decode) is Snapshots' error; a read that fails for one orchestrator is its
// FleetResult's Err, and the others are still returned.
//
// Through Multicall3 a failed call carries no error text, only its return
// data: a failure of transcoderToRewardCaller (any failure, not only a
// revert) reads as a deployment without LIP-118, and the other calls' errors
// say "execution reverted" with the reason when the data holds one.
type FleetReader struct {
	c        Caller
	addrs    Addresses
	orchs    []common.Address
	shared   []common.Address // the accounts of every snapshot, deduplicated
	balances []common.Address // every balance read: shared, then the orchestrators not among them
	now      func() time.Time
	mc       common.Address
	opts     FleetOptions

	mu     sync.Mutex
	probed bool // Multicall3's presence is known
	hasMC  bool
}

// NewFleetReader returns a FleetReader for orchs, each snapshot also holding
// the ETH balance of the orchestrator and of each of accounts.
func NewFleetReader(c Caller, addrs Addresses, orchs []common.Address, accounts []common.Address, now func() time.Time, opts FleetOptions) *FleetReader {
	if now == nil {
		now = time.Now
	}
	if opts.MaxMulticall <= 0 {
		opts.MaxMulticall = DefaultMaxMulticall
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	mc := opts.Multicall3
	if mc == (common.Address{}) {
		mc = Multicall3Address
	}
	seen := map[common.Address]bool{}
	var shared, balances []common.Address
	for _, a := range accounts {
		if !seen[a] {
			seen[a] = true
			shared = append(shared, a)
		}
	}
	balances = append(balances, shared...)
	for _, o := range orchs {
		if !seen[o] {
			seen[o] = true
			balances = append(balances, o)
		}
	}
	return &FleetReader{
		c: c, addrs: addrs, orchs: append([]common.Address(nil), orchs...), shared: shared, balances: balances,
		now: now, mc: mc, opts: opts, probed: opts.NoMulticall,
	}
}

// Addresses returns the resolved contract addresses.
func (f *FleetReader) Addresses() Addresses { return f.addrs }

// Orchestrators returns the orchestrators read, in the order of Snapshots.
func (f *FleetReader) Orchestrators() []common.Address {
	return append([]common.Address(nil), f.orchs...)
}

// Multicall3 returns the address where Multicall3 is looked for and whether
// the reader uses it: false until a Snapshots call has found code there.
func (f *FleetReader) Multicall3() (common.Address, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mc, f.hasMC
}

// Snapshot reads the fleet and returns the first orchestrator's snapshot: a
// FleetReader of one orchestrator is a Reader.
func (f *FleetReader) Snapshot(ctx context.Context) (*Snapshot, error) {
	if len(f.orchs) == 0 {
		return nil, errors.New("read protocol state: no orchestrator")
	}
	res, err := f.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	return res[0].Snapshot, res[0].Err
}

// Snapshots reads every orchestrator's snapshot at one block: one result
// per orchestrator, in the order given to NewFleetReader.
func (f *FleetReader) Snapshots(ctx context.Context) ([]FleetResult, error) {
	at, mc, err := f.pin(ctx)
	if err != nil {
		return nil, fmt.Errorf("read protocol state: head: %w", err)
	}
	res, err := f.readAt(ctx, mc, hexutil.Uint64(at), at)
	if errors.Is(err, errUnknownBlock) {
		res, err = f.readAt(ctx, mc, "latest", at)
	}
	return res, err
}

// pin reads the head the fleet is read at and, the first time, whether
// Multicall3 has code, in one request.
func (f *FleetReader) pin(ctx context.Context) (uint64, bool, error) {
	f.mu.Lock()
	probed, has := f.probed, f.hasMC
	f.mu.Unlock()
	var (
		n    hexutil.Uint64
		code hexutil.Bytes
	)
	b := []rpc.BatchElem{{Method: "eth_blockNumber", Result: &n}}
	if !probed {
		b = append(b, rpc.BatchElem{Method: "eth_getCode", Args: []any{f.mc, "latest"}, Result: &code})
	}
	if err := f.c.BatchCall(ctx, b); err != nil {
		return 0, false, err
	}
	if b[0].Error != nil {
		return 0, false, fmt.Errorf("eth_blockNumber: %w", b[0].Error)
	}
	if !probed {
		// An endpoint that fails to answer eth_getCode is asked again next
		// time; this read goes without Multicall3.
		if b[1].Error == nil {
			has = len(code) > 0
			f.mu.Lock()
			f.probed, f.hasMC = true, has
			f.mu.Unlock()
		}
	}
	return uint64(n), has, nil
}

// fleetCalls are the calls of one fleet read, in the order they are sent:
// the round clock, each orchestrator's five, then (through Multicall3) the
// balances.
type fleetCalls struct {
	clock []*call    // 6: blockNum ... lastInitializedRound
	orch  [][5]*call // getTranscoder, transcoderStatus, isActiveTranscoder, transcoderTotalStake, transcoderToRewardCaller
	// errs are the calls' own errors, by *call; a call without one has its
	// result in call.result.
	errs map[*call]error
	// bal and balErr are the balances of FleetReader.balances.
	bal    []*big.Int
	balErr []error
}

func (f *FleetReader) newCalls() *fleetCalls {
	rm, bm := f.addrs.RoundsManager, f.addrs.BondingManager
	fc := &fleetCalls{
		clock: []*call{
			newCall(RoundsManagerABI, rm, "blockNum"),
			newCall(RoundsManagerABI, rm, "currentRound"),
			newCall(RoundsManagerABI, rm, "currentRoundStartBlock"),
			newCall(RoundsManagerABI, rm, "roundLength"),
			newCall(RoundsManagerABI, rm, "currentRoundInitialized"),
			newCall(RoundsManagerABI, rm, "lastInitializedRound"),
		},
		orch:   make([][5]*call, len(f.orchs)),
		errs:   map[*call]error{},
		bal:    make([]*big.Int, len(f.balances)),
		balErr: make([]error, len(f.balances)),
	}
	for i, o := range f.orchs {
		fc.orch[i] = [5]*call{
			newCall(BondingManagerABI, bm, "getTranscoder", o),
			newCall(BondingManagerABI, bm, "transcoderStatus", o),
			newCall(BondingManagerABI, bm, "isActiveTranscoder", o),
			newCall(BondingManagerABI, bm, "transcoderTotalStake", o),
			newCall(BondingManagerABI, bm, "transcoderToRewardCaller", o),
		}
	}
	return fc
}

// contractCalls lists the clock's and the orchestrators' calls in sending order.
func (fc *fleetCalls) contractCalls() []*call {
	out := append([]*call(nil), fc.clock...)
	for i := range fc.orch {
		out = append(out, fc.orch[i][:]...)
	}
	return out
}

// readAt reads the fleet at block (a number, or "latest"); head is the head
// the snapshots are said to be read at.
func (f *FleetReader) readAt(ctx context.Context, mc bool, block any, head uint64) ([]FleetResult, error) {
	fc := f.newCalls()
	var err error
	if mc {
		err = f.viaMulticall(ctx, fc, block, head)
	} else {
		err = f.viaBatch(ctx, fc, block, head)
	}
	if err != nil {
		return nil, err
	}
	return f.assemble(fc, head)
}

// send sends b in requests of at most MaxBatch calls, one after another.
func (f *FleetReader) send(ctx context.Context, b []rpc.BatchElem) error {
	for lo := 0; lo < len(b); lo += f.opts.MaxBatch {
		hi := min(lo+f.opts.MaxBatch, len(b))
		if err := f.c.BatchCall(ctx, b[lo:hi:hi]); err != nil { // a Caller that appends cannot overwrite the next request
			return err
		}
	}
	return nil
}

// unknownAt reports errUnknownBlock when a read pinned to a block was
// answered that the endpoint does not know it.
func unknownAt(b []rpc.BatchElem, block any, head uint64) error {
	if _, pinned := block.(hexutil.Uint64); !pinned {
		return nil
	}
	for _, e := range b {
		if unknownBlock(e.Error) {
			return fmt.Errorf("read protocol state at block %d: %w: %v", head, errUnknownBlock, e.Error)
		}
	}
	return nil
}

// viaBatch reads every call as a plain eth_call and every balance with
// eth_getBalance.
func (f *FleetReader) viaBatch(ctx context.Context, fc *fleetCalls, block any, head uint64) error {
	calls := fc.contractCalls()
	b := make([]rpc.BatchElem, 0, len(calls)+len(f.balances))
	for _, c := range calls {
		b = append(b, c.elemAt(block))
	}
	bal := make([]*hexutil.Big, len(f.balances))
	for i, a := range f.balances {
		bal[i] = new(hexutil.Big)
		b = append(b, rpc.BatchElem{Method: "eth_getBalance", Args: []any{a, block}, Result: bal[i]})
	}
	if err := f.send(ctx, b); err != nil {
		return fmt.Errorf("read protocol state: %w", err)
	}
	if err := unknownAt(b, block, head); err != nil {
		return err
	}
	for i, c := range calls {
		if b[i].Error != nil {
			fc.errs[c] = b[i].Error
		}
	}
	for i := range f.balances {
		if e := b[len(calls)+i]; e.Error != nil {
			fc.balErr[i] = fmt.Errorf("eth_getBalance: %w", e.Error)
		} else {
			fc.bal[i] = bal[i].ToInt()
		}
	}
	return nil
}

// mcResult is one entry of aggregate3's answer.
type mcResult struct {
	Success    bool
	ReturnData []byte
}

// call3 is one entry of aggregate3's argument.
type call3 struct {
	Target       common.Address
	AllowFailure bool
	CallData     []byte
}

// viaMulticall reads every call, the balances included (getEthBalance),
// through aggregate3, MaxMulticall calls to an eth_call, the eth_calls in
// one batch.
func (f *FleetReader) viaMulticall(ctx context.Context, fc *fleetCalls, block any, head uint64) error {
	calls := fc.contractCalls()
	balCalls := make([]*call, len(f.balances))
	for i, a := range f.balances {
		balCalls[i] = newCall(Multicall3ABI, f.mc, "getEthBalance", a)
	}
	outer, chunks, err := chunkAggregate3(f.mc, append(calls, balCalls...), f.opts.MaxMulticall)
	if err != nil {
		return fmt.Errorf("read protocol state: %w", err)
	}
	b := make([]rpc.BatchElem, len(outer))
	for i, c := range outer {
		b[i] = c.elemAt(block)
	}
	if err := f.send(ctx, b); err != nil {
		return fmt.Errorf("read protocol state: %w", err)
	}
	if err := unknownAt(b, block, head); err != nil {
		return err
	}
	for i, agg := range outer {
		where := fmt.Sprintf("read protocol state: Multicall3 %s aggregate3 chunk %d of %d (%d calls)", f.mc, i+1, len(outer), len(chunks[i]))
		if b[i].Error != nil {
			return fmt.Errorf("%s: %w", where, b[i].Error)
		}
		res, err := decodeAggregate3(agg.result, len(chunks[i]))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		for j, c := range chunks[i] {
			if res[j].Success {
				c.result = res[j].ReturnData
			} else {
				fc.errs[c] = &innerRevert{data: res[j].ReturnData}
			}
		}
	}
	for i, c := range balCalls {
		var v *big.Int
		if err := c.decodeResult(fc.errs[c], &v); err != nil {
			fc.balErr[i] = fmt.Errorf("Multicall3 getEthBalance: %w", err)
		} else {
			fc.bal[i] = v
		}
	}
	return nil
}

// chunkAggregate3 packs calls into aggregate3 calls to Multicall3 at mc, at
// most max calls each, every call allowed to fail (a revert stays its own),
// and returns them with the calls each carries.
func chunkAggregate3(mc common.Address, calls []*call, max int) (outer []*call, chunks [][]*call, err error) {
	for lo := 0; lo < len(calls); lo += max {
		chunk := calls[lo:min(lo+max, len(calls))]
		args := make([]call3, len(chunk))
		for i, c := range chunk {
			if c.err != nil {
				return nil, nil, fmt.Errorf("pack %s: %w", c.method, c.err)
			}
			args[i] = call3{Target: c.to, AllowFailure: true, CallData: c.data}
		}
		agg := newCall(Multicall3ABI, mc, "aggregate3", args)
		if agg.err != nil {
			return nil, nil, fmt.Errorf("pack Multicall3 aggregate3: %w", agg.err)
		}
		outer, chunks = append(outer, agg), append(chunks, chunk)
	}
	return outer, chunks, nil
}

// decodeAggregate3 decodes aggregate3's answer, which must hold n results.
func decodeAggregate3(data []byte, n int) ([]mcResult, error) {
	if len(data) == 0 {
		return nil, errors.New("empty answer (no contract there?)")
	}
	vals, err := Multicall3ABI.Methods["aggregate3"].Outputs.Unpack(data)
	if err != nil {
		return nil, fmt.Errorf("decode aggregate3: %w", err)
	}
	var out []mcResult
	if err := Multicall3ABI.Methods["aggregate3"].Outputs.Copy(&out, vals); err != nil {
		return nil, fmt.Errorf("decode aggregate3: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("decode aggregate3: %d results for %d calls", len(out), n)
	}
	return out, nil
}

// innerRevert is a call that failed inside aggregate3: Multicall3 gives its
// return data (the revert data) and nothing else. Like a node's revert
// error it carries code 3 and the data, so IsRevert and RevertReason read it.
type innerRevert struct{ data []byte }

func (e *innerRevert) Error() string {
	if reason, err := abi.UnpackRevert(e.data); err == nil {
		return "execution reverted: " + reason
	}
	return "execution reverted"
}

// ErrorCode is the JSON-RPC code nodes give a revert.
func (e *innerRevert) ErrorCode() int { return 3 }

// ErrorData is the revert data, hex-encoded as nodes send it.
func (e *innerRevert) ErrorData() any { return hexutil.Encode(e.data) }

var (
	_ rpc.Error     = (*innerRevert)(nil)
	_ rpc.DataError = (*innerRevert)(nil)
)

// assemble decodes the calls into one snapshot per orchestrator.
func (f *FleetReader) assemble(fc *fleetCalls, head uint64) ([]FleetResult, error) {
	dec := func(c *call, out ...any) error { return c.decodeResult(fc.errs[c], out...) }
	var (
		blockNum, round, start, length, lastInit *big.Int
		initialized                              bool
	)
	for i, out := range []any{&blockNum, &round, &start, &length, &initialized, &lastInit} {
		if err := dec(fc.clock[i], out); err != nil {
			return nil, fmt.Errorf("read protocol state: %s: %w", fc.clock[i].method, err)
		}
	}
	if u64(length) == 0 {
		return nil, fmt.Errorf("read protocol state: RoundsManager %s reports roundLength 0", f.addrs.RoundsManager)
	}
	balance := make(map[common.Address]int, len(f.balances))
	for i, a := range f.balances {
		balance[a] = i
	}
	for _, a := range f.shared {
		if err := fc.balErr[balance[a]]; err != nil {
			return nil, fmt.Errorf("read protocol state: balance of %s: %w", a, err)
		}
	}
	readAt := f.now()
	out := make([]FleetResult, len(f.orchs))
	for i, o := range f.orchs {
		s := &Snapshot{
			BlockNum: u64(blockNum), CurrentRound: u64(round), RoundStartBlock: u64(start), RoundLength: u64(length),
			RoundInitialized: initialized, LastInitializedRound: u64(lastInit),
			Orchestrator: o, Balances: map[common.Address]*big.Int{}, Head: head, ReadAt: readAt,
		}
		if err := f.orchestrator(s, fc.orch[i], dec, func(c *call) error { return fc.errs[c] }); err != nil {
			out[i].Err = fmt.Errorf("read protocol state for %s: %w", o, err)
			continue
		}
		if err := fc.balErr[balance[o]]; err != nil {
			out[i].Err = fmt.Errorf("read protocol state for %s: balance of %s: %w", o, o, err)
			continue
		}
		s.Balances[o] = fc.bal[balance[o]]
		for _, a := range f.shared {
			s.Balances[a] = fc.bal[balance[a]]
		}
		out[i].Snapshot = s
	}
	return out, nil
}

// orchestrator decodes one orchestrator's calls into s, as Reader does.
func (f *FleetReader) orchestrator(s *Snapshot, c [5]*call, dec func(*call, ...any) error, callErr func(*call) error) error {
	var (
		stake  *big.Int
		status uint8
		tr     [10]*big.Int
	)
	trOut := make([]any, len(tr))
	for i := range tr {
		trOut[i] = &tr[i]
	}
	for i, out := range [][]any{trOut, {&status}, {&s.Active}, {&stake}} {
		if err := dec(c[i], out...); err != nil {
			return fmt.Errorf("%s: %w", c[i].method, err)
		}
	}
	// LIP-118 may be absent: a revert there means "no delegated caller".
	if err := dec(c[4], &s.RewardCaller); err == nil {
		s.LIP118 = true
	} else if !IsRevert(callErr(c[4])) {
		return fmt.Errorf("%s: %w", c[4].method, err)
	}
	s.Registered = status == 1
	s.TotalStake = stake
	s.Transcoder = Transcoder{
		LastRewardRound: u64(tr[0]), RewardCut: u64(tr[1]), FeeShare: u64(tr[2]),
		LastActiveStakeUpdateRound: u64(tr[3]), ActivationRound: u64(tr[4]), DeactivationRound: tr[5],
		ActiveCumulativeRewards: tr[6], CumulativeRewards: tr[7], CumulativeFees: tr[8], LastFeeRound: u64(tr[9]),
	}
	return nil
}
