package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
)

var testAccount = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")

// fakeEth is the eth_ namespace of an endpoint, served by go-ethereum's own
// rpc.Server so the wire format (batches, hex quantities, null results) is
// the real one.
type fakeEth struct {
	mu       sync.Mutex
	chainID  uint64
	number   uint64
	headTime time.Time
	syncing  any
	pending  uint64
	mined    uint64
	// byAccount overrides pending and mined for one address: {pending, mined}.
	byAccount map[common.Address][2]uint64
	txs       map[common.Hash]bool // known hash -> mined
	hang      bool
	release   chan struct{}
}

func (e *fakeEth) ChainId() hexutil.Uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return hexutil.Uint64(e.chainID)
}

func (e *fakeEth) Syncing() any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.syncing
}

func (e *fakeEth) BlockNumber() hexutil.Uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return hexutil.Uint64(e.number)
}

func (e *fakeEth) GetBlockByNumber(tag string, full bool) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return map[string]any{"number": hexutil.Uint64(e.number), "timestamp": hexutil.Uint64(e.headTime.Unix()),
		"hash": common.BigToHash(common.Big1), "l1BlockNumber": "0x1"}
}

func (e *fakeEth) GetTransactionCount(a common.Address, tag string) hexutil.Uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n, ok := e.byAccount[a]; ok {
		if tag == "pending" {
			return hexutil.Uint64(n[0])
		}
		return hexutil.Uint64(n[1])
	}
	if tag == "pending" {
		return hexutil.Uint64(e.pending)
	}
	return hexutil.Uint64(e.mined)
}

func (e *fakeEth) GetTransactionByHash(h common.Hash) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	mined, ok := e.txs[h]
	if !ok {
		return nil
	}
	tx := map[string]any{"hash": h, "blockNumber": nil}
	if mined {
		tx["blockNumber"] = hexutil.Uint64(e.number)
	}
	return tx
}

func (e *fakeEth) set(f func(e *fakeEth)) {
	e.mu.Lock()
	f(e)
	e.mu.Unlock()
}

type fakeNet struct{}

func (fakeNet) PeerCount() hexutil.Uint { return 7 }

// startEndpoint serves e over HTTP JSON-RPC; withNet adds net_peerCount,
// which not every node answers.
func startEndpoint(t *testing.T, e *fakeEth, withNet bool) string {
	t.Helper()
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", e); err != nil {
		t.Fatal(err)
	}
	if withNet {
		if err := srv.RegisterName("net", fakeNet{}); err != nil {
			t.Fatal(err)
		}
	}
	e.release = make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		hang := e.hang
		e.mu.Unlock()
		if hang {
			select {
			case <-e.release:
			case <-r.Context().Done():
			}
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(e.release)
		hs.Close()
		srv.Stop()
	})
	return hs.URL
}

func freshEth(clock *fakeClock) *fakeEth {
	return &fakeEth{chainID: 42161, number: 1000, headTime: clock.Now().Add(-2 * time.Second), syncing: false,
		pending: 5, mined: 5, txs: map[common.Hash]bool{}}
}

func newRPCProbe(t *testing.T, clock *fakeClock, o RPCOptions) *RPC {
	t.Helper()
	o.ChainID = 42161
	o.MaxHeadAge = 2 * time.Minute
	o.MaxLagBlocks = 100
	o.Timeout = 300 * time.Millisecond
	if o.MaxPendingBlocks == 0 {
		o.MaxPendingBlocks = 20
	}
	o.Now = clock.Now
	p, err := NewRPC(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestRPCHealthy(t *testing.T) {
	clock := newClock()
	a, b := freshEth(clock), freshEth(clock)
	b.number = 998
	// go-ethereum answers an object, not false, while it only indexes
	// transactions; caught up is caught up.
	b.syncing = map[string]any{"currentBlock": hexutil.Uint64(998), "highestBlock": hexutil.Uint64(998), "txIndexRemainingBlocks": hexutil.Uint64(10)}
	p := newRPCProbe(t, clock, RPCOptions{Endpoints: []chain.EndpointConfig{
		{Name: "local", URL: startEndpoint(t, a, true)},
		{Name: "backup", URL: startEndpoint(t, b, false)},
	}})
	res := check(t, p)
	if !res.Success {
		t.Fatalf("result %+v, want success", res)
	}
	want := map[string]float64{"local_up": 1, "local_healthy": 1, "local_head_block": 1000, "local_head_age_seconds": 2,
		"local_lag_blocks": 0, "local_peer_count": 7, "local_chain_id": 42161, "local_syncing": 0,
		"backup_head_block": 998, "backup_lag_blocks": 2, "healthy_endpoints": 2, "best_head_block": 1000}
	for k, v := range want {
		if got, ok := res.Values[k]; !ok || got != v {
			t.Errorf("value %s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	// net_peerCount is optional: absent, not a failure.
	if _, ok := res.Values["backup_peer_count"]; ok {
		t.Error("backup_peer_count reported for a node that does not answer net_peerCount")
	}
	for _, ep := range []string{"local", "backup"} {
		for _, name := range []string{AlertRPCEndpointDown, AlertRPCWrongChain, AlertRPCEndpointStale, AlertRPCEndpointLagging} {
			o := wantObs(t, res, name, false, "endpoint", ep)
			if o.Severity != alert.Warning || o.Requires != SourceChain {
				t.Errorf("%s: severity %s requires %q", name, o.Severity, o.Requires)
			}
		}
	}
	o := wantObs(t, res, AlertChainUnavailable, false)
	if o.Severity != alert.Critical || o.Provides != SourceChain {
		t.Errorf("ChainUnavailable severity %s provides %q", o.Severity, o.Provides)
	}
}

func TestRPCEndpointProblems(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(e *fakeEth, clock *fakeClock)
		closed  bool
		firing  string // the alert that fires for endpoint "bad"
		desc    string
		absent  []string // alerts that cannot be judged
	}{
		{name: "Down", closed: true, firing: AlertRPCEndpointDown, desc: "",
			absent: []string{AlertRPCWrongChain, AlertRPCEndpointStale, AlertRPCEndpointLagging}},
		{name: "Hangs", breakIt: func(e *fakeEth, _ *fakeClock) { e.hang = true }, firing: AlertRPCEndpointDown,
			desc: "no answer within 300ms", absent: []string{AlertRPCEndpointStale}},
		{name: "WrongChain", breakIt: func(e *fakeEth, _ *fakeClock) { e.chainID = 1 }, firing: AlertRPCWrongChain,
			desc: "eth_chainId is 1; lpops needs 42161.", absent: []string{AlertRPCEndpointStale, AlertRPCEndpointLagging}},
		{name: "Stale", breakIt: func(e *fakeEth, c *fakeClock) { e.headTime = c.Now().Add(-10 * time.Minute) },
			firing: AlertRPCEndpointStale, desc: "Head 1000 was 10m0s old when observed (limit 2m0s)."},
		{name: "Syncing", breakIt: func(e *fakeEth, _ *fakeClock) {
			e.syncing = map[string]any{"currentBlock": hexutil.Uint64(900), "highestBlock": hexutil.Uint64(1000), "startingBlock": "0x0"}
		}, firing: AlertRPCEndpointStale, desc: "The node reports syncing: block 900 of 1000."},
		{name: "Lagging", breakIt: func(e *fakeEth, _ *fakeClock) { e.number = 800 },
			firing: AlertRPCEndpointLagging, desc: "Head 800 is 200 blocks behind the best endpoint (limit 100)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			good, bad := freshEth(clock), freshEth(clock)
			badURL := closedURL(t)
			if !tt.closed {
				tt.breakIt(bad, clock)
				badURL = startEndpoint(t, bad, true)
			}
			p := newRPCProbe(t, clock, RPCOptions{Endpoints: []chain.EndpointConfig{
				{Name: "good", URL: startEndpoint(t, good, true)}, {Name: "bad", URL: badURL}}})
			res := check(t, p)
			if res.Success || !strings.Contains(res.Error, "bad: ") {
				t.Errorf("success %v, error %q; want a failure naming bad", res.Success, res.Error)
			}
			for _, name := range []string{AlertRPCEndpointDown, AlertRPCWrongChain, AlertRPCEndpointStale, AlertRPCEndpointLagging} {
				if o, ok := find(res, name, "endpoint", "bad"); ok {
					if o.Firing != (name == tt.firing) {
						t.Errorf("%s{bad} firing = %v: %s", name, o.Firing, o.Description)
					}
					if name == tt.firing && !strings.Contains(o.Description, tt.desc) {
						t.Errorf("%s description %q lacks %q", name, o.Description, tt.desc)
					}
				} else if name == tt.firing {
					t.Errorf("no %s{bad} observation", name)
				}
				wantObs(t, res, name, false, "endpoint", "good")
			}
			for _, name := range tt.absent {
				if _, ok := find(res, name, "endpoint", "bad"); ok {
					t.Errorf("%s{bad} emitted though it cannot be judged", name)
				}
			}
			wantObs(t, res, AlertChainUnavailable, false)
			if res.Values["healthy_endpoints"] != 1 {
				t.Errorf("healthy_endpoints = %v", res.Values["healthy_endpoints"])
			}
		})
	}
}

func TestRPCChainUnavailable(t *testing.T) {
	clock := newClock()
	stale := freshEth(clock)
	stale.headTime = clock.Now().Add(-time.Hour)
	p := newRPCProbe(t, clock, RPCOptions{Endpoints: []chain.EndpointConfig{
		{Name: "a", URL: closedURL(t)}, {Name: "b", URL: startEndpoint(t, stale, true)}}})
	res := check(t, p)
	o := wantObs(t, res, AlertChainUnavailable, true)
	if !strings.Contains(o.Description, "a: ") || !strings.Contains(o.Description, "b: head 1000 is 1h0m0s old") {
		t.Errorf("description %q, want each endpoint's reason", o.Description)
	}
	// Recovery resolves it.
	stale.set(func(e *fakeEth) { e.headTime = clock.Now() })
	wantObs(t, check(t, p), AlertChainUnavailable, false)
}

// Provider URLs carry API keys in the path or query: they must appear in no
// error, evidence or alert text.
func TestRPCNeverShowsURLSecrets(t *testing.T) {
	clock := newClock()
	base := closedURL(t)
	p := newRPCProbe(t, clock, RPCOptions{Endpoints: []chain.EndpointConfig{
		{URL: base + "/v2/sekrit-key?apikey=hunter2"}}})
	res := check(t, p)
	var all strings.Builder
	all.WriteString(res.Error)
	for k, v := range res.Evidence {
		all.WriteString(k + v)
	}
	for k := range res.Values {
		all.WriteString(k)
	}
	for _, o := range res.Observations {
		all.WriteString(o.Summary + o.Description)
		for k, v := range o.Labels {
			all.WriteString(k + v)
		}
	}
	for _, secret := range []string{"sekrit", "hunter2"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("probe output reveals %q: %s", secret, all.String())
		}
	}
	wantObs(t, res, AlertRPCEndpointDown, true, "endpoint", base) // named scheme://host:port
}

// The seed's failure: a node accepted the reward transaction into its own
// pool and never propagated it. The account's pending nonce stays ahead of
// its mined nonce while blocks go by.
func TestRPCTxStuck(t *testing.T) {
	clock := newClock()
	local, remote := freshEth(clock), freshEth(clock)
	p := newRPCProbe(t, clock, RPCOptions{Accounts: signerOnly, Endpoints: []chain.EndpointConfig{
		{Name: "local", URL: startEndpoint(t, local, true)}, {Name: "remote", URL: startEndpoint(t, remote, true)}}})
	advance := func(blocks uint64) {
		for _, e := range []*fakeEth{local, remote} {
			e.set(func(e *fakeEth) { e.number += blocks; e.headTime = clock.Now() })
		}
	}
	wantObs(t, check(t, p), AlertTxStuck, false, "account", "0x1c1c9817f4b8f07efb298a17102531cdd09cef68")

	local.set(func(e *fakeEth) { e.pending = 6 }) // in the local pool only
	for _, step := range []struct {
		blocks uint64
		firing bool
	}{{0, false}, {10, false}, {10, false}, {1, true}, {5, true}} {
		advance(step.blocks)
		res := check(t, p)
		o := wantObs(t, res, AlertTxStuck, step.firing)
		if o.Severity != alert.Critical || o.Requires != SourceChain {
			t.Errorf("TxStuck severity %s requires %q", o.Severity, o.Requires)
		}
		if step.firing && !strings.Contains(o.Description, "local: pending nonce 6, mined nonce 5 unchanged for") {
			t.Errorf("description %q", o.Description)
		}
	}
	// Mined at last: resolved, and the count starts over for the next one.
	local.set(func(e *fakeEth) { e.mined, e.pending = 6, 7 })
	remote.set(func(e *fakeEth) { e.mined, e.pending = 6, 6 })
	advance(1)
	wantObs(t, check(t, p), AlertTxStuck, false)
	advance(15)
	res := check(t, p)
	wantObs(t, res, AlertTxStuck, false)
	if res.Values["local_signer_pending_blocks"] != 15 {
		t.Errorf("local_signer_pending_blocks = %v, want 15", res.Values["local_signer_pending_blocks"])
	}
}

func signerOnly() []WatchedAccount { return []WatchedAccount{{Role: "signer", Address: testAccount}} }

// Every watched account is judged on its own: the orchestrator's stuck
// transaction fires TxStuck for the orchestrator only, an address listed
// under two roles is one alert, and an account no longer watched (the
// reward caller was changed) resolves.
func TestRPCTxStuckPerAccount(t *testing.T) {
	clock := newClock()
	e := freshEth(clock)
	orch := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	caller := common.HexToAddress("0x00000000000000000000000000000000000000c2")
	var mu sync.Mutex
	watched := []WatchedAccount{{"orchestrator", orch}, {"signer", testAccount}, {"reward_caller", testAccount}, {"reward_caller", caller}}
	p := newRPCProbe(t, clock, RPCOptions{MaxPendingBlocks: 3, Endpoints: []chain.EndpointConfig{{Name: "n", URL: startEndpoint(t, e, true)}},
		Accounts: func() []WatchedAccount {
			mu.Lock()
			defer mu.Unlock()
			return append([]WatchedAccount(nil), watched...)
		}})
	e.set(func(e *fakeEth) {
		e.byAccount = map[common.Address][2]uint64{orch: {8, 7}, testAccount: {3, 3}, caller: {2, 1}}
	})
	advance := func(blocks uint64) { e.set(func(e *fakeEth) { e.number += blocks; e.headTime = clock.Now() }) }
	check(t, p)
	advance(4)
	res := check(t, p)
	o := wantObs(t, res, AlertTxStuck, true, "account", hexAddr(orch))
	if !strings.Contains(o.Summary, "orchestrator account") || !strings.Contains(o.Description, "n: pending nonce 8, mined nonce 7 unchanged for 4 blocks") {
		t.Errorf("orchestrator TxStuck %q / %q", o.Summary, o.Description)
	}
	wantObs(t, res, AlertTxStuck, true, "account", hexAddr(caller))
	o = wantObs(t, res, AlertTxStuck, false, "account", hexAddr(testAccount))
	if !strings.Contains(o.Summary, "signer and reward caller account") {
		t.Errorf("one address under two roles: summary %q", o.Summary)
	}
	if n := countObs(res, AlertTxStuck); n != 3 {
		t.Errorf("%d TxStuck observations, want one per address (3)", n)
	}
	if res.Values["n_orchestrator_pending_blocks"] != 4 || res.Values["n_orchestrator_pending_nonce"] != 8 {
		t.Errorf("values %v", res.Values)
	}

	// The reward caller is changed: the old one is no longer watched.
	mu.Lock()
	watched = watched[:3]
	mu.Unlock()
	advance(1)
	res = check(t, p)
	wantObs(t, res, AlertTxStuck, false, "account", hexAddr(caller))
	wantObs(t, res, AlertTxStuck, true, "account", hexAddr(orch))
	if n := countObs(check(t, p), AlertTxStuck); n != 2 {
		t.Errorf("%d TxStuck observations after the caller changed, want 2", n)
	}
}

func countObs(res Result, name string) int {
	n := 0
	for _, o := range res.Observations {
		if o.Name == name {
			n++
		}
	}
	return n
}

func TestRPCTxDropped(t *testing.T) {
	clock := newClock()
	a, b := freshEth(clock), freshEth(clock)
	tx := SentTx{Hash: common.HexToHash("0xabc1"), From: testAccount, Nonce: 5, SentAt: clock.Now()}
	var mu sync.Mutex
	sent := []SentTx{tx}
	p := newRPCProbe(t, clock, RPCOptions{Accounts: signerOnly, Endpoints: []chain.EndpointConfig{
		{Name: "a", URL: startEndpoint(t, a, true)}, {Name: "b", URL: startEndpoint(t, b, true)}},
		Sent: func() []SentTx { mu.Lock(); defer mu.Unlock(); return append([]SentTx(nil), sent...) }})
	hash := tx.Hash.Hex()

	// Just sent: still propagating, not judged.
	wantNoObs(t, check(t, p), AlertTxDropped)

	clock.Advance(2 * time.Minute)
	for _, e := range []*fakeEth{a, b} {
		e.set(func(e *fakeEth) { e.headTime = clock.Now() })
	}
	res := check(t, p)
	o := wantObs(t, res, AlertTxDropped, true, "tx", hash)
	if o.Severity != alert.Critical || !strings.Contains(o.Description, hash) || !strings.Contains(res.Evidence["tx_dropped_"+hash], "nonce 5") {
		t.Errorf("TxDropped %+v, evidence %v", o, res.Evidence)
	}

	// Re-broadcast: one endpoint has it pending again.
	b.set(func(e *fakeEth) { e.txs[tx.Hash] = false })
	res = check(t, p)
	wantObs(t, res, AlertTxDropped, false, "tx", hash)
	if res.Evidence["tx_"+hash] != "pending" {
		t.Errorf("evidence %v", res.Evidence)
	}
	// No observation for a transaction that never fired.
	wantNoObs(t, check(t, p), AlertTxDropped)

	// Unknown again but its nonce was used (mined by another transaction):
	// the keeper settles that; it is not a silent drop.
	b.set(func(e *fakeEth) { delete(e.txs, tx.Hash) })
	for _, e := range []*fakeEth{a, b} {
		e.set(func(e *fakeEth) { e.mined, e.pending = 6, 6 })
	}
	wantNoObs(t, check(t, p), AlertTxDropped)

	// Dropped, then lpops stops tracking it (replaced): the alert resolves.
	for _, e := range []*fakeEth{a, b} {
		e.set(func(e *fakeEth) { e.mined, e.pending = 5, 5 })
	}
	wantObs(t, check(t, p), AlertTxDropped, true, "tx", hash)
	mu.Lock()
	sent = nil
	mu.Unlock()
	wantObs(t, check(t, p), AlertTxDropped, false, "tx", hash)
}

func TestRPCContextEnds(t *testing.T) {
	clock := newClock()
	e := freshEth(clock)
	e.hang = true
	p := newRPCProbe(t, clock, RPCOptions{Endpoints: []chain.EndpointConfig{{Name: "slow", URL: startEndpoint(t, e, true)}}})
	p.o.Timeout = time.Hour // only the caller's context bounds the run
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan Result, 1)
	go func() { done <- p.Check(ctx) }()
	select {
	case res := <-done:
		wantObs(t, res, AlertRPCEndpointDown, true, "endpoint", "slow")
	case <-time.After(30 * time.Second):
		t.Fatal("Check ignored its context")
	}
}
