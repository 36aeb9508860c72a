package livepeer_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/testchain"
)

// recorder is the endpoint pool with every batch it was given kept.
type recorder struct {
	*chain.Pool
	mu      sync.Mutex
	batches [][]rpc.BatchElem
}

func (r *recorder) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	r.mu.Lock()
	r.batches = append(r.batches, b)
	r.mu.Unlock()
	return r.Pool.BatchCall(ctx, b)
}

func (r *recorder) take() [][]rpc.BatchElem {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.batches
	r.batches = nil
	return b
}

func key(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testnet is an in-process chain mining every 20 ms (blocks keep landing
// while a test reads) with the test contracts and a registered
// orchestrator, and an endpoint pool on it.
type testnet struct {
	dep   *testchain.Deployment
	pool  *chain.Pool
	addrs livepeer.Addresses
	orch  common.Address
}

func newTestnet(t *testing.T, ctx context.Context) *testnet {
	t.Helper()
	owner, orch := key(t), key(t)
	oneK := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	c, err := devnet.StartChain(types.GenesisAlloc{
		crypto.PubkeyToAddress(owner.PublicKey): {Balance: oneK},
		crypto.PubkeyToAddress(orch.PublicKey):  {Balance: oneK},
	}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: 20, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = 10 * time.Millisecond
	if err := dep.RegisterOrchestrator(ctx, owner, orch, oneK, 100000, 500000); err != nil {
		t.Fatal(err)
	}
	pool, err := chain.Dial(ctx, []chain.EndpointConfig{{Name: "devnet", URL: c.URL}}, chain.Options{ChainID: devnet.ChainID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	addrs, err := livepeer.Resolve(ctx, pool, dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	return &testnet{dep: dep, pool: pool, addrs: addrs, orch: crypto.PubkeyToAddress(orch.PublicKey)}
}

func TestSnapshotReadsEveryCallAtOneBlock(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	other := key(t)
	dev := newTestnet(t, ctx)
	rec := &recorder{Pool: dev.pool}
	orchAddr, dep := dev.orch, dev.dep
	r := livepeer.NewReader(rec, dev.addrs, orchAddr, []common.Address{crypto.PubkeyToAddress(other.PublicKey)}, nil)
	for i := 0; i < 5; i++ {
		snap, err := r.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		batches := rec.take()
		if len(batches) != 2 || len(batches[0]) != 1 || batches[0][0].Method != "eth_blockNumber" {
			t.Fatalf("snapshot: %d requests (the first %v); want the head, then one batch", len(batches), methods(batches[0]))
		}
		head := uint64(*batches[0][0].Result.(*hexutil.Uint64))
		if at := sameBlock(t, batches[1]); at != head || snap.Head != head {
			t.Fatalf("calls at block %d, snapshot head %d, head read %d; want all three the same", at, snap.Head, head)
		}
		if len(batches[1]) != 13 || snap.Orchestrator != orchAddr || !snap.Registered || len(snap.Balances) != 2 {
			t.Fatalf("batch of %d calls, snapshot %+v: want 11 calls and 2 balances, the registered orchestrator", len(batches[1]), snap)
		}
		// Blocks land between reads; the next snapshot is at a newer one.
		if err := dep.WaitForBlockNum(ctx, snap.BlockNum+2, 5*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
}

// aheadHead is an endpoint pool whose head read came from an endpoint ahead
// of the one that answers the batch (failover between the two requests, or
// nodes behind one load balancer).
type aheadHead struct {
	recorder
	by uint64
}

func (a *aheadHead) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	if err := a.recorder.BatchCall(ctx, b); err != nil {
		return err
	}
	if len(b) == 1 && b[0].Method == "eth_blockNumber" && b[0].Error == nil {
		n := b[0].Result.(*hexutil.Uint64)
		*n += hexutil.Uint64(a.by)
	}
	return nil
}

// A head the answering endpoint has not reached: the real chain answers the
// pinned batch "header not found", and the snapshot is read at its latest
// block instead of failing.
func TestSnapshotAtAHeadTheEndpointLacks(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	dev := newTestnet(t, ctx)
	// Far enough ahead that the chain cannot reach it during the test.
	a := &aheadHead{recorder: recorder{Pool: dev.pool}, by: 100000}
	r := livepeer.NewReader(a, dev.addrs, dev.orch, nil, nil)
	snap, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatalf("Snapshot with a head 100000 blocks past the answering endpoint's: %v", err)
	}
	batches := a.take()
	if len(batches) != 3 {
		t.Fatalf("%d requests, want the head, the pinned batch, the batch at latest", len(batches))
	}
	pinned := batches[1][0]
	if pinned.Error == nil || !strings.Contains(pinned.Error.Error(), "header not found") {
		t.Fatalf("the pinned read answered %v, want the chain's header not found", pinned.Error)
	}
	for _, e := range batches[2] {
		if e.Args[len(e.Args)-1] != "latest" {
			t.Fatalf("the second batch reads %s at %v, want latest", e.Method, e.Args[len(e.Args)-1])
		}
	}
	if !snap.Registered || snap.RoundLength != 20 {
		t.Fatalf("snapshot %+v, want the registered orchestrator and round length 20", snap)
	}
}

// sameBlock checks that every call of b names one explicit block number and
// returns it.
func sameBlock(t *testing.T, b []rpc.BatchElem) uint64 {
	t.Helper()
	var at *uint64
	for _, e := range b {
		if len(e.Args) == 0 {
			t.Fatalf("%s carries no block: every read of a snapshot must name one", e.Method)
		}
		n, ok := e.Args[len(e.Args)-1].(hexutil.Uint64)
		if !ok {
			t.Fatalf("%s at %v, want an explicit block number", e.Method, e.Args[len(e.Args)-1])
		}
		if at != nil && uint64(n) != *at {
			t.Fatalf("%s at block %d, an earlier call at %d: one snapshot, one block", e.Method, n, *at)
		}
		v := uint64(n)
		at = &v
	}
	if at == nil {
		t.Fatal("empty batch")
	}
	return *at
}

func methods(b []rpc.BatchElem) []string {
	var out []string
	for _, e := range b {
		out = append(out, e.Method)
	}
	return out
}
