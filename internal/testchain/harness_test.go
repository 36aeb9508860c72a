package testchain_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/lpops/lpops/internal/testchain"
)

var _ testchain.Backend = (simulated.Client)(nil)

// lpt is n whole LPT in wei.
func lpt(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// chain is an in-process simulated chain whose blocks the test mines.
type chain struct {
	sim    *simulated.Backend
	client simulated.Client
	mu     sync.Mutex // Commit is not safe for concurrent use
}

func newChain(t *testing.T, keys []*ecdsa.PrivateKey) *chain {
	t.Helper()
	alloc := types.GenesisAlloc{}
	for _, k := range keys {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))}
	}
	sim := simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = sim.Close() })
	return &chain{sim: sim, client: sim.Client()}
}

// commit mines one block with whatever is pending.
func (c *chain) commit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sim.Commit()
}

// head returns the latest block number.
func (c *chain) head(t *testing.T, ctx context.Context) uint64 {
	t.Helper()
	n, err := c.client.BlockNumber(ctx)
	if err != nil {
		t.Fatalf("block number: %v", err)
	}
	return n
}

// autoMiner mines a block after every transaction it sends, like anvil's automine.
type autoMiner struct {
	simulated.Client
	commit func()
}

func (a autoMiner) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := a.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	a.commit()
	return nil
}

// env is a deployment on an automining simulated chain, with funded keys.
type env struct {
	t     *testing.T
	ctx   context.Context
	chain *chain
	d     *testchain.Deployment
	owner *ecdsa.PrivateKey
	keys  []*ecdsa.PrivateKey // funded accounts other than the owner
}

func newEnv(t *testing.T, p testchain.Params, nKeys int) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	keys := make([]*ecdsa.PrivateKey, nKeys+1)
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	c := newChain(t, keys)
	d, err := testchain.Deploy(ctx, autoMiner{Client: c.client, commit: c.commit}, keys[0], p)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	d.PollInterval = time.Millisecond
	return &env{t: t, ctx: ctx, chain: c, d: d, owner: keys[0], keys: keys[1:]}
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// round returns the current protocol round.
func (e *env) round() uint64 {
	e.t.Helper()
	r, err := e.d.CurrentRound(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// nextRound mines empty blocks until the protocol enters the next round and returns it.
// The chain then sits at the first block of that round, so a round's worth of blocks is
// left for the test's transactions.
func (e *env) nextRound() uint64 {
	e.t.Helper()
	want := e.round() + 1
	for e.round() < want {
		e.chain.commit()
	}
	return want
}

// register registers orch with stake at the start of a fresh round and returns that round.
func (e *env) register(orch *ecdsa.PrivateKey, stake *big.Int) uint64 {
	e.t.Helper()
	r := e.nextRound()
	if err := e.d.RegisterOrchestrator(e.ctx, e.owner, orch, stake, 100000, 500000); err != nil {
		e.t.Fatalf("register: %v", err)
	}
	if got := e.round(); got != r {
		e.t.Fatalf("registration spilled from round %d into %d; use a longer round", r, got)
	}
	return r
}

// activeRound registers orch, moves to the next round, initializes it and returns it.
func (e *env) activeRound(orch *ecdsa.PrivateKey, stake *big.Int) uint64 {
	e.t.Helper()
	e.register(orch, stake)
	r := e.nextRound()
	if _, err := e.d.InitializeRound(e.ctx, e.owner); err != nil {
		e.t.Fatalf("initialize round %d: %v", r, err)
	}
	return r
}

// wantRevert fails unless err is a revert with exactly reason.
func wantRevert(t *testing.T, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want revert %q", reason)
	}
	got, ok := testchain.RevertReason(err)
	if !ok {
		t.Fatalf("got error %v, want revert %q", err, reason)
	}
	if got != reason {
		t.Fatalf("got revert reason %q, want %q (error: %v)", got, reason, err)
	}
}

// findLog returns the first log in r that parse accepts.
func findLog[T any](t *testing.T, r *types.Receipt, parse func(types.Log) (*T, error)) *T {
	t.Helper()
	for _, l := range r.Logs {
		if ev, err := parse(*l); err == nil {
			return ev
		}
	}
	t.Fatalf("event %T not found in the %d logs of tx %s", *new(T), len(r.Logs), r.TxHash)
	return nil
}
