package probe_test

// The RPC probe reading through the read scheduler (internal/chain/reads)
// and the endpoint pool, against a real go-ethereum node behind counting
// proxies: the same verdicts as its own batch, for fewer calls.

import (
	"context"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/chain/reads"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testenv"
)

func TestRPCProbeThroughScheduler(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(key.PublicKey)
	c, err := devnet.StartChain(types.GenesisAlloc{account: {Balance: new(big.Int).Mul(big.NewInt(1e18), big.NewInt(10))}}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	testenv.WaitFor(t, time.Minute, "the devnet to mine", func() bool {
		n, err := c.Backend.Client().BlockNumber(ctx)
		return err == nil && n >= 2
	})
	good, bad := mustProxy(t, c.URL), mustProxy(t, c.URL)
	eps := []chain.EndpointConfig{{Name: "good", URL: good.URL}, {Name: "bad", URL: bad.URL}}
	pool, err := chain.Dial(ctx, eps, chain.Options{ChainID: devnet.ChainID, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	sched := reads.New(pool, reads.Options{})
	t.Cleanup(sched.Close)

	never := common.HexToHash("0x0000000000000000000000000000000000000000000000000000000000000bad")
	p, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: eps, ChainID: devnet.ChainID, MaxLagBlocks: 100, Timeout: 5 * time.Second,
		Accounts:         func() []probe.WatchedAccount { return []probe.WatchedAccount{{Role: "signer", Address: account}} },
		MaxPendingBlocks: 3,
		Sent: func() []probe.SentTx {
			return []probe.SentTx{{Hash: never, From: account, Nonce: 1, SentAt: time.Now().Add(-time.Hour)}}
		},
		Reads: sched,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)

	if err := bad.Kill(); err != nil {
		t.Fatal(err)
	}
	res := p.Check(ctx)
	if res.Values["good_up"] != 1 || res.Values["good_healthy"] != 1 || res.Values["good_chain_id"] != devnet.ChainID || res.Values["good_head_block"] < 2 {
		t.Fatalf("values %v, evidence %v; want endpoint good healthy", res.Values, res.Evidence)
	}
	if _, ok := res.Values["good_peer_count"]; !ok {
		t.Errorf("no peer count: %v", res.Values)
	}
	if res.Values["bad_up"] != 0 || firing(res, probe.AlertRPCEndpointDown) == "" || !strings.HasPrefix(res.Evidence["bad"], "bad: ") {
		t.Errorf("killed endpoint: values %v, evidence %q; want RPCEndpointDown with its reason", res.Values, res.Evidence["bad"])
	}
	if firing(res, probe.AlertChainUnavailable) != "" {
		t.Error("ChainUnavailable firing with one endpoint healthy")
	}

	// The next run in the same round: no chain id, syncing or peer count
	// again, and no mined nonce (the pending nonce is the mined one seen).
	before := good.Counts()
	res = p.Check(ctx)
	if res.Values["good_healthy"] != 1 || res.Values["good_signer_pending_nonce"] != 0 || res.Values["good_signer_mined_nonce"] != 0 {
		t.Fatalf("second run: values %v", res.Values)
	}
	after := good.Counts()
	if n := after.HTTP - before.HTTP; n != 1 {
		t.Errorf("second run sent %d requests to endpoint good; want 1", n)
	}
	for _, m := range []string{"eth_chainId", "eth_syncing", "net_peerCount", "eth_blockNumber"} {
		if n := after.Methods[m] - before.Methods[m]; n != 0 {
			t.Errorf("second run: %d %s calls; want none", n, m)
		}
	}
	// Head (the pool's), pending nonce, the in-flight transaction.
	if n := after.Calls - before.Calls; n != 3 {
		t.Errorf("second run: %d calls; want 3 (%v)", n, after.Methods)
	}

	// A transaction that sits in the pool: TxStuck as with the probe's own batch.
	signer := types.LatestSignerForChainID(devnet.ChainIDBig())
	tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: devnet.ChainIDBig(), Nonce: 0,
		GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21000, To: &account, Value: big.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Backend.Client().SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, time.Minute, "TxStuck", func() bool {
		res = p.Check(ctx)
		return firing(res, probe.AlertTxStuck) != ""
	})
	if stuck := firing(res, probe.AlertTxStuck); !strings.Contains(stuck, "good: pending nonce 1, mined nonce 0 unchanged for") {
		t.Errorf("TxStuck description %q", stuck)
	}
	if d := firing(res, probe.AlertTxDropped); !strings.Contains(d, never.Hex()) {
		t.Errorf("TxDropped for %s not firing: %q", never.Hex(), d)
	}
}

func mustProxy(t *testing.T, target string) *rpcproxy.Proxy {
	t.Helper()
	p, err := rpcproxy.New(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// An idle account's pending nonce is read every IdleNonceInterval, not every
// run; at every run while lpops has a transaction of it in flight, and once
// the endpoint showed one pending, so TxStuck still fires. On a real chain,
// with the probe's clock moved by hand (no timed assertion).
func TestRPCProbeIdleNonceInterval(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(key.PublicKey)
	c, err := devnet.StartChain(types.GenesisAlloc{account: {Balance: new(big.Int).Mul(big.NewInt(1e18), big.NewInt(10))}}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	testenv.WaitFor(t, time.Minute, "the devnet to mine", func() bool {
		n, err := c.Backend.Client().BlockNumber(ctx)
		return err == nil && n >= 2
	})
	ep := mustProxy(t, c.URL)
	eps := []chain.EndpointConfig{{Name: "ep", URL: ep.URL}}
	pool, err := chain.Dial(ctx, eps, chain.Options{ChainID: devnet.ChainID, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	sched := reads.New(pool, reads.Options{})
	t.Cleanup(sched.Close)

	var (
		mu    sync.Mutex
		clock = time.Unix(1_800_000_000, 0)
		sent  []probe.SentTx
	)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	p, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: eps, ChainID: devnet.ChainID, MaxLagBlocks: 100, Timeout: 5 * time.Second,
		Accounts:         func() []probe.WatchedAccount { return []probe.WatchedAccount{{Role: "signer", Address: account}} },
		MaxPendingBlocks: 3,
		Sent:             func() []probe.SentTx { mu.Lock(); defer mu.Unlock(); return sent },
		Reads:            sched, IdleNonceInterval: time.Minute, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	nonceReads := func(run func()) int {
		before := ep.Counts()
		run()
		return ep.Counts().Methods["eth_getTransactionCount"] - before.Methods["eth_getTransactionCount"]
	}
	check := func() probe.Result {
		r := p.Check(ctx)
		if r.Values["ep_healthy"] != 1 {
			t.Fatalf("endpoint not healthy: %v %v", r.Values, r.Evidence)
		}
		return r
	}

	if n := nonceReads(func() { check() }); n != 2 {
		t.Fatalf("first run: %d nonce reads, want 2 (pending and mined)", n)
	}
	advance(30 * time.Second)
	var res probe.Result
	if n := nonceReads(func() { res = check() }); n != 0 {
		t.Fatalf("idle run within the interval: %d nonce reads, want none", n)
	}
	if v, ok := res.Values["ep_signer_pending_nonce"]; !ok || v != 0 {
		t.Errorf("idle run: pending nonce value %v (%v), want the last seen, 0", v, ok)
	}
	// lpops has a transaction of the account in flight: read at every run.
	mu.Lock()
	sent = []probe.SentTx{{Hash: common.HexToHash("0x01"), From: account, Nonce: 0, SentAt: clock}}
	mu.Unlock()
	if n := nonceReads(func() { check() }); n != 1 {
		t.Fatalf("run with a transaction in flight: %d nonce reads, want the pending one", n)
	}
	mu.Lock()
	sent = nil
	mu.Unlock()

	// A transaction of the account enters the pool and is never mined (a
	// fee cap under the base fee): seen once the interval has passed, then
	// read at every run until TxStuck fires.
	signer := types.LatestSignerForChainID(devnet.ChainIDBig())
	tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: devnet.ChainIDBig(), Nonce: 0,
		GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21000, To: &account, Value: big.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Backend.Client().SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	advance(10 * time.Second)
	if n := nonceReads(func() { res = check() }); n != 0 || res.Values["ep_signer_pending_nonce"] != 0 {
		t.Fatalf("within the interval: %d nonce reads, pending nonce %v; want none, the last seen 0", n, res.Values["ep_signer_pending_nonce"])
	}
	advance(time.Minute)
	if n := nonceReads(func() { res = check() }); n != 2 || res.Values["ep_signer_pending_nonce"] != 1 {
		t.Fatalf("after the interval: %d nonce reads, pending nonce %v; want pending and mined, 1", n, res.Values["ep_signer_pending_nonce"])
	}
	testenv.WaitFor(t, time.Minute, "TxStuck", func() bool {
		advance(time.Second) // less than the interval: reads now follow the pending transaction
		var r probe.Result
		if n := nonceReads(func() { r = check() }); n == 0 {
			t.Fatal("a run skipped the pending nonce while a transaction was pending")
		}
		return firing(r, probe.AlertTxStuck) != ""
	})
}
