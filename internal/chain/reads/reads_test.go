package reads_test

// The scheduler against a real go-ethereum node (in-process, JSON-RPC over
// loopback HTTP), behind two counting proxies (internal/rpcproxy) standing
// for two endpoints: what goes over the wire, request by request.

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/chain/reads"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testenv"
)

var acct = common.HexToAddress("0x00000000000000000000000000000000000000aa")

type fixture struct {
	a, b *rpcproxy.Proxy
	pool *chain.Pool
}

func start(t *testing.T) *fixture {
	t.Helper()
	c, err := devnet.StartChain(types.GenesisAlloc{acct: {Balance: big.NewInt(1e18)}}, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	testenv.WaitFor(t, time.Minute, "the devnet to mine a block", func() bool {
		n, err := c.Backend.Client().BlockNumber(context.Background())
		return err == nil && n >= 1
	})
	f := &fixture{}
	for _, p := range []**rpcproxy.Proxy{&f.a, &f.b} {
		if *p, err = rpcproxy.New(c.URL, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { (*p).Close() })
	}
	f.pool, err = chain.Dial(context.Background(), []chain.EndpointConfig{{Name: "a", URL: f.a.URL}, {Name: "b", URL: f.b.URL}},
		chain.Options{ChainID: devnet.ChainID, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.pool.Close)
	return f
}

// since returns the counts of p since before.
func since(p *rpcproxy.Proxy, before rpcproxy.Counts) (http, calls int, methods map[string]int) {
	c := p.Counts()
	methods = map[string]int{}
	for m, n := range c.Methods {
		methods[m] = n - before.Methods[m]
	}
	return c.HTTP - before.HTTP, c.Calls - before.Calls, methods
}

func TestCoalescesConcurrentReadsIntoOneBatch(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{Window: time.Hour}) // sent on Kick only
	t.Cleanup(s.Close)
	before := f.a.Counts()

	nonce := reads.Read{Method: "eth_getTransactionCount", Args: []any{acct, "pending"}}
	balance := reads.Read{Method: "eth_getBalance", Args: []any{acct, "latest"}}
	type got struct {
		head chain.Head
		vals []reads.Value
		err  error
	}
	var one, two got
	var wg sync.WaitGroup
	wg.Go(func() {
		one.head, one.vals, one.err = s.ReadFrom(context.Background(), "a", []reads.Read{nonce, balance})
	})
	wg.Go(func() { two.head, two.vals, two.err = s.ReadFrom(context.Background(), "a", []reads.Read{nonce}) })
	testenv.WaitFor(t, 10*time.Second, "both reads queued", func() bool { return s.Queued("a") == 2 })
	s.Kick("a")
	wg.Wait()
	for _, g := range []got{one, two} {
		if g.err != nil {
			t.Fatal(g.err)
		}
		if g.head.Number == 0 || g.head.Time.IsZero() {
			t.Errorf("no head with the answer: %+v", g.head)
		}
	}
	var n1, n2 hexutil.Uint64
	var bal hexutil.Big
	if err := errors.Join(one.vals[0].Decode(&n1), two.vals[0].Decode(&n2), one.vals[1].Decode(&bal)); err != nil {
		t.Fatal(err)
	}
	if n1 != n2 || bal.ToInt().Cmp(big.NewInt(1e18)) != 0 || one.head.Number != two.head.Number || one.head.Hash != two.head.Hash {
		t.Errorf("shared answers differ: nonces %d %d, balance %s, heads %+v %+v", n1, n2, bal.ToInt(), one.head, two.head)
	}
	http, calls, m := since(f.a, before)
	// One request: the nonce once, the balance, the pool's head read.
	if http != 1 || calls != 3 || m["eth_getTransactionCount"] != 1 {
		t.Errorf("endpoint a got %d requests, %d calls (%v); want 1 request of 3 calls", http, calls, m)
	}
	if st := s.Stats(); st.Requests != 1 || st.Calls != 2 || st.Shared != 1 {
		t.Errorf("stats %+v", st)
	}
	if h, _, _ := since(f.b, f.b.Counts()); h != 0 {
		t.Errorf("endpoint b got %d requests for endpoint a's reads", h)
	}
}

func TestRoundScopedReadsOncePerRound(t *testing.T) {
	f := start(t)
	var mu sync.Mutex
	round := uint64(7)
	s := reads.New(f.pool, reads.Options{Round: func() (uint64, bool) { mu.Lock(); defer mu.Unlock(); return round, true }})
	t.Cleanup(s.Close)
	chainID := reads.Read{Method: "eth_chainId", Scope: reads.Round}
	before := f.a.Counts()
	for i := range 3 {
		_, v, err := s.ReadFrom(context.Background(), "a", []reads.Read{chainID})
		if err != nil {
			t.Fatal(err)
		}
		var id hexutil.Uint64
		if err := v[0].Decode(&id); err != nil || uint64(id) != devnet.ChainID {
			t.Fatalf("chain id %d, %v", id, err)
		}
		if v[0].Cached != (i > 0) {
			t.Errorf("read %d: cached %v", i, v[0].Cached)
		}
	}
	http, _, m := since(f.a, before)
	if m["eth_chainId"] != 1 || http != 3 {
		t.Errorf("3 reads in one round: %d eth_chainId calls in %d requests; want 1 in 3 (the head read each time)", m["eth_chainId"], http)
	}
	// Endpoint b keeps its own cache.
	if _, v, err := s.ReadFrom(context.Background(), "b", []reads.Read{chainID}); err != nil || v[0].Cached {
		t.Errorf("endpoint b served from a's cache (cached %v, %v)", v[0].Cached, err)
	}

	mu.Lock()
	round++
	mu.Unlock()
	if _, v, err := s.ReadFrom(context.Background(), "a", []reads.Read{chainID}); err != nil || v[0].Cached {
		t.Errorf("new round: cached %v, %v; want read again", v[0].Cached, err)
	}
}

func TestFailureIsTheEndpointsAndForgetsItsCache(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{})
	t.Cleanup(s.Close)
	chainID := reads.Read{Method: "eth_chainId", Scope: reads.Round}
	if _, _, err := s.ReadFrom(context.Background(), "a", []reads.Read{chainID}); err != nil {
		t.Fatal(err)
	}
	if err := f.a.Kill(); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.ReadFrom(context.Background(), "a", []reads.Read{chainID})
	if err == nil || !strings.HasPrefix(err.Error(), "a: ") {
		t.Fatalf("dead endpoint a: error %v; want one naming a", err)
	}
	if _, _, err := s.ReadFrom(context.Background(), "b", []reads.Read{chainID}); err != nil {
		t.Errorf("endpoint b failed with a: %v", err)
	}
	// The failed endpoint's status is the pool's too: the scheduler's round
	// trips are its health checks.
	for _, h := range f.pool.Health() {
		if h.Name == "a" && h.ConsecutiveErrors == 0 {
			t.Errorf("pool did not see endpoint a fail: %+v", h)
		}
	}
	if err := f.a.Revive(); err != nil {
		t.Fatal(err)
	}
	before := f.a.Counts()
	if _, v, err := s.ReadFrom(context.Background(), "a", []reads.Read{chainID}); err != nil || v[0].Cached {
		t.Fatalf("recovered endpoint: cached %v, %v; want chain id asked again", v[0].Cached, err)
	}
	if _, _, m := since(f.a, before); m["eth_chainId"] < 1 {
		t.Errorf("recovered endpoint not asked its chain id: %v", m)
	}
}

func TestChunksLargeBatches(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{MaxBatch: 3})
	t.Cleanup(s.Close)
	var rs []reads.Read
	for i := range 7 {
		rs = append(rs, reads.Read{Method: "eth_getBalance", Args: []any{common.BigToAddress(big.NewInt(int64(i + 1))), "latest"}})
	}
	before := f.a.Counts()
	_, vals, err := s.ReadFrom(context.Background(), "a", rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 7 {
		t.Fatalf("%d values", len(vals))
	}
	for i, v := range vals {
		var b hexutil.Big
		if err := v.Decode(&b); err != nil {
			t.Errorf("value %d: %v", i, err)
		}
	}
	http, _, m := since(f.a, before)
	if http != 3 || m["eth_getBalance"] != 7 {
		t.Errorf("7 reads at 3 a batch: %d requests, %d balances; want 3, 7", http, m["eth_getBalance"])
	}
}

func TestBatchCallSharesAndFailsOver(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{Window: time.Hour})
	t.Cleanup(s.Close)
	mk := func() []rpc.BatchElem {
		return []rpc.BatchElem{
			{Method: "eth_getBalance", Args: []any{acct, "latest"}, Result: new(hexutil.Big)},
			{Method: "eth_call", Args: []any{map[string]any{"to": acct, "data": "0x"}, "latest"}, Result: new(hexutil.Bytes)},
		}
	}
	one, two := mk(), mk()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	before := f.a.Counts()
	wg.Go(func() { errs[0] = s.BatchCall(context.Background(), one) })
	wg.Go(func() { errs[1] = s.BatchCall(context.Background(), two) })
	testenv.WaitFor(t, 10*time.Second, "both batches queued", func() bool { return s.Queued("") == 2 })
	s.Kick("")
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]rpc.BatchElem{one, two} {
		if b[0].Error != nil || b[0].Result.(*hexutil.Big).ToInt().Cmp(big.NewInt(1e18)) != 0 {
			t.Errorf("balance %v, %v", b[0].Result, b[0].Error)
		}
	}
	if http, _, m := since(f.a, before); http != 1 || m["eth_getBalance"] != 1 {
		t.Errorf("two consumers' batches: %d requests, %d balance calls; want 1, 1", http, m["eth_getBalance"])
	}

	// With a down, the pool fails over to b; the consumer sees an answer.
	if err := f.a.Kill(); err != nil {
		t.Fatal(err)
	}
	b := mk()
	done := make(chan error, 1)
	go func() { done <- s.BatchCall(context.Background(), b) }()
	testenv.WaitFor(t, 10*time.Second, "batch queued", func() bool { return s.Queued("") == 1 })
	s.Kick("")
	if err := <-done; err != nil || b[0].Error != nil {
		t.Fatalf("failover: %v, %v", err, b[0].Error)
	}
}

func TestConsumerGivesUpAlone(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{Window: time.Hour})
	t.Cleanup(s.Close)
	ctx, cancel := context.WithCancel(context.Background())
	nonce := reads.Read{Method: "eth_getTransactionCount", Args: []any{acct, "latest"}}
	var quit, stay sync.WaitGroup
	var quitErr, stayErr error
	quit.Go(func() { _, _, quitErr = s.ReadFrom(ctx, "a", []reads.Read{nonce}) })
	stay.Go(func() { _, _, stayErr = s.ReadFrom(context.Background(), "a", []reads.Read{nonce}) })
	testenv.WaitFor(t, 10*time.Second, "both reads queued", func() bool { return s.Queued("a") == 2 })
	cancel()
	quit.Wait()
	s.Kick("a")
	stay.Wait()
	if !errors.Is(quitErr, context.Canceled) {
		t.Errorf("cancelled consumer: %v", quitErr)
	}
	if stayErr != nil {
		t.Errorf("the other consumer failed with it: %v", stayErr)
	}
}

func TestLaneCoalescesItsConsumersOnly(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{})
	t.Cleanup(s.Close)
	probes := s.Lane("probes", time.Hour)
	round := func() []rpc.BatchElem {
		return []rpc.BatchElem{{Method: "eth_blockNumber", Result: new(hexutil.Uint64)}}
	}
	before := f.a.Counts()
	one, two := round(), append(round(), rpc.BatchElem{Method: "eth_getBalance", Args: []any{acct, "latest"}, Result: new(hexutil.Big)})
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = probes.BatchCall(context.Background(), one) })
	wg.Go(func() { errs[1] = probes.BatchCall(context.Background(), two) })
	testenv.WaitFor(t, 10*time.Second, "both batches queued on the lane", func() bool { return probes.Queued() == 2 })
	// Meanwhile the Scheduler's own pool lane does not wait for the window.
	k := round()
	if err := s.BatchCall(context.Background(), k); err != nil || k[0].Error != nil {
		t.Fatalf("pool lane: %v, %v", err, k[0].Error)
	}
	probes.Kick()
	wg.Wait()
	if err := errors.Join(append(errs, one[0].Error, two[0].Error, two[1].Error)...); err != nil {
		t.Fatal(err)
	}
	if *one[0].Result.(*hexutil.Uint64) != *two[0].Result.(*hexutil.Uint64) {
		t.Error("the shared eth_blockNumber differs between its consumers")
	}
	// The pool lane's request, then the probes' one; eth_blockNumber is
	// answered from each round trip's own head read, never sent.
	if http, _, m := since(f.a, before); http != 2 || m["eth_blockNumber"] != 0 {
		t.Errorf("%d requests, %d eth_blockNumber; want 2 and 0", http, m["eth_blockNumber"])
	}
	if st := s.Stats(); st.FromHead != 2 || *k[0].Result.(*hexutil.Uint64) == 0 {
		t.Errorf("stats %+v, pool lane's head %d; want 2 answered from the head read, a head", st, *k[0].Result.(*hexutil.Uint64))
	}
}

// eth_getBlockByNumber("latest", false) is the pool's own head read: a
// consumer's identical call is answered with the endpoint's answer to it in
// the same round trip, one call instead of two.
func TestLatestBlockFromHeadRead(t *testing.T) {
	f := start(t)
	s := reads.New(f.pool, reads.Options{})
	t.Cleanup(s.Close)
	var block struct {
		Number  *hexutil.Big   `json:"number"`
		Hash    common.Hash    `json:"hash"`
		BaseFee *hexutil.Big   `json:"baseFeePerGas"`
		Time    hexutil.Uint64 `json:"timestamp"`
	}
	var n hexutil.Uint64
	var bal hexutil.Big
	b := []rpc.BatchElem{
		{Method: "eth_getBalance", Args: []any{acct, "latest"}, Result: &bal},
		{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &block},
		{Method: "eth_blockNumber", Result: &n},
	}
	before := f.a.Counts()
	if err := s.BatchCall(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(b[0].Error, b[1].Error, b[2].Error); err != nil {
		t.Fatal(err)
	}
	if block.Number == nil || block.Number.ToInt().Uint64() != uint64(n) || block.Hash == (common.Hash{}) || block.BaseFee == nil || block.Time == 0 {
		t.Fatalf("latest block %+v, eth_blockNumber %d: want the same head, with hash, base fee and time", block, n)
	}
	http, calls, m := since(f.a, before)
	if http != 1 || calls != 2 || m["eth_getBlockByNumber"] != 1 {
		t.Errorf("%d requests, %d calls (%v); want 1 request of 2 calls: the balance and one head read", http, calls, m)
	}
	if st := s.Stats(); st.FromHead != 2 {
		t.Errorf("stats %+v: want 2 answered from the head read", st)
	}
	// The block is the chain's own at that number.
	var byNumber struct {
		Hash common.Hash `json:"hash"`
	}
	if err := f.pool.Call(context.Background(), &byNumber, "eth_getBlockByNumber", n, false); err != nil {
		t.Fatal(err)
	}
	if byNumber.Hash != block.Hash {
		t.Errorf("block %d hash %s, chain says %s", n, block.Hash, byNumber.Hash)
	}
}
