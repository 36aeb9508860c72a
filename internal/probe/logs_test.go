package probe_test

// The chain probes run here against a real EVM chain (go-ethereum in-process,
// JSON-RPC over loopback HTTP, a block every 25 ms) with the Livepeer-compatible
// test contracts, through the real endpoint pool and store, as the keeper's
// tests do. The LogCursor's delivery rules are also tested on their own with
// an in-memory store.

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
)

// ---- the cursor on its own ------------------------------------------------

// memKV is an in-memory Checkpoints that can be made to fail.
type memKV struct {
	mu   sync.Mutex
	m    map[string][]byte
	fail error
}

func newMemKV() *memKV { return &memKV{m: map[string][]byte{}} }

func (k *memKV) Get(bucket string, key []byte, v any) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.m[bucket+"/"+string(key)]
	if !ok {
		return store.ErrNotFound
	}
	return json.Unmarshal(b, v)
}

func (k *memKV) Put(bucket string, key []byte, v any) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	k.m[bucket+"/"+string(key)] = b
	return nil
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var orchAddr = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")

func newCursor(kv probe.Checkpoints, c *clock, hold time.Duration) *probe.LogCursor {
	return probe.NewLogCursor(kv, probe.CursorConfig{
		Name: "test", Orchestrator: orchAddr, Confirmations: 5, MaxLogRange: 10, EventHold: hold,
	}, c.Now, livepeer.LogQuery{Addresses: []common.Address{{1}}}, livepeer.LogQuery{Addresses: []common.Address{{2}}})
}

func TestCursorPlan(t *testing.T) {
	for _, tc := range []struct {
		Name       string
		Checkpoint uint64 // 0: none
		Head       uint64
		From, To   uint64
		Start      bool
		Requests   int
	}{
		{"FirstStartAtConfirmedHead", 0, 100, 96, 95, true, 0},
		{"FirstStartOnYoungChain", 0, 3, 1, 0, true, 0},
		{"NothingConfirmedYet", 96, 100, 96, 95, false, 0},
		{"OneRange", 90, 100, 90, 95, false, 2},
		{"BoundedRanges", 100, 1000, 100, 179, false, 16},
		{"RangeEndsAtConfirmedHead", 100, 130, 100, 125, false, 6},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			kv, c := newMemKV(), newClock()
			if tc.Checkpoint > 0 {
				cur := newCursor(kv, c, 0)
				seed, _ := cur.Plan(tc.Checkpoint + 4) // first start: next = head - 5 + 1
				if _, err := cur.Commit(seed, nil, nil); err != nil {
					t.Fatal(err)
				}
				if got := cur.Checkpoint(); got != tc.Checkpoint {
					t.Fatalf("seeded checkpoint %d, want %d", got, tc.Checkpoint)
				}
			}
			s, err := newCursor(kv, c, 0).Plan(tc.Head)
			if err != nil {
				t.Fatal(err)
			}
			var logReqs []rpc.BatchElem
			for _, e := range s.Elems() {
				if e.Method == "eth_getLogs" {
					logReqs = append(logReqs, e)
				}
			}
			if s.From != tc.From || s.To != tc.To || s.Start != tc.Start || len(logReqs) != tc.Requests {
				t.Fatalf("span %d-%d start=%v with %d requests, want %d-%d start=%v with %d",
					s.From, s.To, s.Start, len(logReqs), tc.From, tc.To, tc.Start, tc.Requests)
			}
			// The requests tile the span exactly, none longer than max_log_range.
			next := s.From
			for i := 0; i < len(logReqs); i += 2 {
				f := logReqs[i].Args[0].(map[string]any)
				from, to := uint64(f["fromBlock"].(hexutil.Uint64)), uint64(f["toBlock"].(hexutil.Uint64))
				if from != next || to < from || to-from+1 > 10 {
					t.Fatalf("request %d covers %d-%d, want a range from %d of at most 10 blocks", i, from, to, next)
				}
				next = to + 1
			}
			if len(logReqs) > 0 && next != s.To+1 {
				t.Fatalf("requests end at %d, want %d", next-1, s.To)
			}
		})
	}
}

func event(tx byte) alert.Observation {
	return alert.Observation{
		Name: "StakeChanged", Severity: alert.Info, Firing: true, Summary: "bond",
		Labels: map[string]string{"tx": common.Hash{tx}.Hex(), "log_index": "0"},
	}
}

// got summarizes observations as "+tx" (firing) and "-tx" (resolved).
func got(obs []alert.Observation) []string {
	var out []string
	for _, o := range obs {
		s := "-"
		if o.Firing {
			s = "+"
		}
		out = append(out, s+o.Labels["tx"][2:4])
	}
	sort.Strings(out)
	return out
}

func TestCursorDeliversEachEventOnce(t *testing.T) {
	type step struct {
		Restart bool          // a new cursor (process) on the same store first
		Advance time.Duration // clock moves first
		Fire    []byte
		Want    []string
	}
	for _, tc := range []struct {
		Name  string
		Hold  time.Duration
		Steps []step
	}{
		{"FireThenResolveNextRun", 0, []step{
			{Fire: []byte{1, 2}, Want: []string{"+01", "+02"}},
			{Want: []string{"-01", "-02"}},
			{Want: nil},
		}},
		{"HoldKeepsItFiring", time.Minute, []step{
			{Fire: []byte{1}, Want: []string{"+01"}},
			{Advance: 30 * time.Second, Want: nil},
			{Advance: 30 * time.Second, Fire: []byte{2}, Want: []string{"+02", "-01"}},
			{Advance: time.Minute, Want: []string{"-02"}},
		}},
		{"RestartAfterFiringSendsItAgainThenResolves", 0, []step{
			{Fire: []byte{1}, Want: []string{"+01"}},
			{Restart: true, Want: []string{"+01"}},
			{Want: []string{"-01"}},
			{Want: nil},
		}},
		{"RestartAfterResolvingResolvesAgainNoFiring", 0, []step{
			{Fire: []byte{1}, Want: []string{"+01"}},
			{Want: []string{"-01"}},
			{Restart: true, Fire: []byte{3}, Want: []string{"+03", "-01"}},
			{Want: []string{"-03"}},
		}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			kv, c := newMemKV(), newClock()
			cur := newCursor(kv, c, tc.Hold)
			head := uint64(100)
			for i, st := range tc.Steps {
				if st.Restart {
					cur = newCursor(kv, c, tc.Hold)
				}
				c.Advance(st.Advance)
				head += 3
				span, err := cur.Plan(head)
				if err != nil {
					t.Fatal(err)
				}
				var fired []alert.Observation
				for _, b := range st.Fire {
					fired = append(fired, event(b))
				}
				out, err := cur.Commit(span, fired, nil)
				if err != nil {
					t.Fatal(err)
				}
				if g := got(out); !slices.Equal(g, st.Want) {
					t.Fatalf("step %d: observations %v, want %v", i, g, st.Want)
				}
			}
		})
	}
}

func TestCursorStoreFailureChangesNothing(t *testing.T) {
	kv, c := newMemKV(), newClock()
	cur := newCursor(kv, c, 0)
	span, _ := cur.Plan(100)
	if _, err := cur.Commit(span, nil, map[string]int{"tickets": 1}); err != nil {
		t.Fatal(err)
	}
	next := cur.Checkpoint()
	kv.fail = errors.New("disk full")
	span, _ = cur.Plan(200)
	if _, err := cur.Commit(span, []alert.Observation{event(1)}, map[string]int{"tickets": 2}); err == nil {
		t.Fatal("commit succeeded on a failing store")
	}
	if cur.Checkpoint() != next {
		t.Fatalf("checkpoint moved to %d after a failed commit, want %d", cur.Checkpoint(), next)
	}
	kv.fail = nil
	// The same range is read again and its event fired once.
	span2, _ := cur.Plan(200)
	if span2.From != span.From || span2.To != span.To {
		t.Fatalf("after the failure the span is %d-%d, want %d-%d again", span2.From, span2.To, span.From, span.To)
	}
	out, err := cur.Commit(span2, []alert.Observation{event(1)}, map[string]int{"tickets": 2})
	if err != nil {
		t.Fatal(err)
	}
	if g := got(out); !slices.Equal(g, []string{"+01"}) {
		t.Fatalf("observations %v, want [+01]", g)
	}
	var totals map[string]int
	if err := newCursor(kv, c, 0).Data(&totals); err != nil || totals["tickets"] != 2 {
		t.Fatalf("persisted totals %v (%v), want tickets 2", totals, err)
	}
}

// ---- a real chain -----------------------------------------------------------

type chainEnv struct {
	t     *testing.T
	ctx   context.Context
	chain *devnet.Chain
	dep   *testchain.Deployment
	owner *ecdsa.PrivateKey
	orch  *ecdsa.PrivateKey
	pool  *chain.Pool
	addrs livepeer.Addresses
	dir   string
}

func eth(n float64) *big.Int {
	v, _ := new(big.Float).Mul(big.NewFloat(n), big.NewFloat(1e18)).Int(nil)
	return v
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addrOf(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// newChainEnv deploys the test contracts with p and registers one
// orchestrator with 5000 LPT. funded get ETH at genesis.
func newChainEnv(t *testing.T, p testchain.Params, funded map[*ecdsa.PrivateKey]*big.Int) *chainEnv {
	t.Helper()
	return newChainEnvAlloc(t, p, funded, nil)
}

// newChainEnvAlloc is newChainEnv with more accounts at genesis (contract
// code: Multicall3).
func newChainEnvAlloc(t *testing.T, p testchain.Params, funded map[*ecdsa.PrivateKey]*big.Int, extra types.GenesisAlloc) *chainEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	e := &chainEnv{t: t, ctx: ctx, owner: newKey(t), orch: newKey(t), dir: t.TempDir()}
	alloc := types.GenesisAlloc{addrOf(e.owner): {Balance: eth(1000)}, addrOf(e.orch): {Balance: eth(100)}}
	for k, v := range funded {
		alloc[addrOf(k)] = types.Account{Balance: v}
	}
	maps.Copy(alloc, extra)
	c, err := devnet.StartChain(alloc, 25*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e.chain = c
	if p.RoundLength == 0 {
		p.RoundLength = 40
	}
	p.LIP118 = true
	e.dep, err = testchain.Deploy(ctx, c.Backend.Client(), e.owner, p)
	if err != nil {
		t.Fatal(err)
	}
	e.dep.PollInterval = 5 * time.Millisecond
	e.register(e.orch, eth(5000))
	e.pool, err = chain.Dial(ctx, []chain.EndpointConfig{{Name: "devnet", URL: c.URL}}, chain.Options{ChainID: devnet.ChainID, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.pool.Close)
	if e.addrs, err = livepeer.Resolve(ctx, e.pool, e.dep.Controller); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *chainEnv) register(k *ecdsa.PrivateKey, stake *big.Int) {
	e.t.Helper()
	if err := e.dep.RegisterOrchestrator(e.ctx, e.owner, k, stake, 100000, 500000); err != nil {
		e.t.Fatal(err)
	}
}

// openStore opens the state store; a second open after close is a restart.
func (e *chainEnv) openStore() *store.Store {
	e.t.Helper()
	st, err := store.Open(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	return st
}

// nextRound waits for the next round and initializes it, as the node would.
func (e *chainEnv) nextRound() uint64 {
	e.t.Helper()
	r, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.dep.WaitForRound(e.ctx, r+1, 5*time.Millisecond); err != nil {
		e.t.Fatal(err)
	}
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		e.t.Fatal(err)
	}
	return r + 1
}

// inRound runs a transaction that needs an initialized round, once more if
// the round turned over in between.
func (e *chainEnv) inRound(what string, f func() (*types.Receipt, error)) *types.Receipt {
	e.t.Helper()
	for attempt := 0; ; attempt++ {
		if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
			e.t.Fatal(err)
		}
		r, err := f()
		var re *testchain.RevertError
		if attempt < 3 && errors.As(err, &re) && re.Reason == testchain.ReasonRoundNotInitialized {
			continue
		}
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		return r
	}
}

// checkPast runs p until its log checkpoint has passed block, waiting for a
// new block between runs, and returns every run's result.
func (e *chainEnv) checkPast(p probe.Probe, block uint64) []probe.Result {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var out []probe.Result
	for {
		r := p.Check(e.ctx)
		out = append(out, r)
		if !r.Success {
			e.t.Fatalf("%s probe failed: %s", p.Name(), r.Error)
		}
		if uint64(r.Values["log_checkpoint_block"]) > block {
			return out
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s probe checkpoint %v never passed block %d", p.Name(), r.Values["log_checkpoint_block"], block)
		}
		e.waitBlock()
	}
}

// waitBlock waits until the chain has mined another block.
func (e *chainEnv) waitBlock() {
	e.t.Helper()
	c := e.chain.Backend.Client()
	start, err := c.BlockNumber(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := c.BlockNumber(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n > start {
			return
		}
		select {
		case <-e.ctx.Done():
			e.t.Fatal(e.ctx.Err())
		case <-tick.C:
		}
	}
}

// observations flattens the results' observations.
func observations(rs []probe.Result) []alert.Observation {
	var out []alert.Observation
	for _, r := range rs {
		out = append(out, r.Observations...)
	}
	return out
}

// find returns the observations named name, firing or not as asked.
func find(obs []alert.Observation, name string, firing bool) []alert.Observation {
	var out []alert.Observation
	for _, o := range obs {
		if o.Name == name && o.Firing == firing {
			out = append(out, o)
		}
	}
	return out
}

// last returns the newest observation named name.
func last(t *testing.T, obs []alert.Observation, name string) alert.Observation {
	t.Helper()
	for i := len(obs) - 1; i >= 0; i-- {
		if obs[i].Name == name {
			return obs[i]
		}
	}
	t.Fatalf("no %s observation in %v", name, names(obs))
	return alert.Observation{}
}

func names(obs []alert.Observation) []string {
	var out []string
	for _, o := range obs {
		f := "-"
		if o.Firing {
			f = "+"
		}
		out = append(out, f+o.Name)
	}
	return out
}

func mustContain(t *testing.T, o alert.Observation, parts ...string) {
	t.Helper()
	text := o.Summary + " | " + o.Description
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s: %q lacks %q", o.Name, text, p)
		}
	}
}
