package keeper_test

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// heldPool is an endpoint that accepts lpops' transactions into a pool that
// does not reach the chain for now (a sequencer's queue, a node cut off
// from its peers): the test releases them.
type heldPool struct {
	keeper.Chain
	mu   sync.Mutex
	held [][]byte
}

func (c *heldPool) Broadcast(_ context.Context, raw []byte) (common.Hash, error) {
	var tx types.Transaction
	if err := tx.UnmarshalBinary(raw); err != nil {
		return common.Hash{}, err
	}
	c.mu.Lock()
	c.held = append(c.held, raw)
	c.mu.Unlock()
	return tx.Hash(), nil
}

// killer stands for a SIGKILL before the n-th store write once armed: that
// write and every later one fail, and the store is closed under the keeper.
type killer struct {
	n      int
	st     *store.Store
	armed  atomic.Bool
	writes atomic.Int64
	killed atomic.Bool
}

func (k *killer) beforeWrite() error {
	if k.killed.Load() {
		return errors.New("killed")
	}
	if k.armed.Load() && int(k.writes.Add(1)) == k.n {
		k.killed.Store(true)
		k.st.Close()
		return errors.New("killed")
	}
	return nil
}

// TestCrashAtRoundChangeKeepsPendingTransaction: lpops' reward of round R
// sits in a pool that has not reached the chain when round R+1 begins, and
// lpops is killed before each store write of the tick that sees the new
// round (settling R, carrying the transaction over to R+1, the end of the
// tick). Restarted, it must still track the transaction and send nothing
// else while it may be mined (a second would take the next nonce, blocked
// behind it and reverting after it): one reward transaction for the round.
// On anvil, mined by hand, so the round changes exactly when the test says.
func TestCrashAtRoundChangeKeepsPendingTransaction(t *testing.T) {
	for _, tc := range []struct {
		Name string
		// KillBefore is the store write of the round change's tick that
		// the kill comes before.
		KillBefore int
	}{
		{"BeforeSettlingTheOldRound", 1},
		{"BeforeCarryingOver", 2},
		{"BeforeTheTickEnds", 3},
	} {
		t.Run(tc.Name, func(t *testing.T) { crashAtRoundChange(t, tc.KillBefore) })
	}
}

func crashAtRoundChange(t *testing.T, killBefore int) {
	c := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	owner, orch, caller := c.FundedKey(t, big.NewInt(100)), c.FundedKey(t, big.NewInt(10)), c.FundedKey(t, big.NewInt(10))
	dep, err := testchain.Deploy(ctx, c.Client(t), owner, testchain.Params{RoundLength: 20, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := dep.RegisterOrchestrator(ctx, owner, orch, eth(5000), 100000, 500000); err != nil {
		t.Fatal(err)
	}
	if _, err := dep.SetRewardCaller(ctx, orch, addr(caller)); err != nil {
		t.Fatal(err)
	}
	c.SetAutomine(t, false)
	// nextRound mines to the next round and initializes it, as the node would.
	nextRound := func() uint64 {
		t.Helper()
		start, err := dep.RoundStartBlock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c.MineTo(t, start+20)
		tx, err := dep.SendInitializeRound(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		c.Mine(t, 1)
		if _, err := dep.Wait(ctx, tx); err != nil {
			t.Fatal(err)
		}
		r, err := dep.CurrentRound(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	nonces := func() (mined, pending uint64) {
		t.Helper()
		m, err := c.Client(t).NonceAt(ctx, addr(caller), nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Client(t).PendingNonceAt(ctx, addr(caller))
		if err != nil {
			t.Fatal(err)
		}
		return m, p
	}

	pool, addrs := c.Pool(t, ctx, dep.Controller)
	sg := signer.FromKey(caller, c.ChainID)
	dir := t.TempDir()
	newKeeper := func(ch keeper.Chain, kill *killer) *keeper.Keeper {
		t.Helper()
		st, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		records := keeper.NewRecords(st)
		if kill != nil {
			kill.st = st
			records = keeper.NewRecordsHooked(st, kill.beforeWrite)
		}
		return keeper.New(keeper.Config{
			Orchestrator: addr(orch), ChainID: c.ChainID, GraceBlocks: 1, MaxFee: gwei(1000), StuckAfter: time.Hour,
			PollInterval: time.Second, ActivePollInterval: 20 * time.Millisecond,
		}, keeper.Options{
			Chain: ch, Reader: livepeer.NewReader(pool, addrs, addr(orch), []common.Address{sg.Address()}, nil),
			Signer: sg, Records: records, Addrs: addrs,
		})
	}
	tickUntil := func(k *keeper.Keeper, what string, cond func(keeper.Status) bool) keeper.Status {
		t.Helper()
		var s keeper.Status
		testenv.WaitFor(t, 60*time.Second, what, func() bool {
			k.Tick(ctx)
			s = k.Status()
			return cond(s)
		})
		return s
	}

	round := nextRound()
	held := &heldPool{Chain: pool}
	kill := &killer{n: killBefore}
	k1 := newKeeper(held, kill)
	s := tickUntil(k1, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	sent := s.Txs[0]
	if next := nextRound(); next != round+1 {
		t.Fatalf("round %d after mining, want %d", next, round+1)
	}
	kill.armed.Store(true)
	k1.Tick(ctx) // the round change
	if !kill.killed.Load() {
		t.Fatalf("the round change's tick made %d store writes, fewer than %d", kill.writes.Load(), killBefore)
	}

	k2 := newKeeper(pool, nil)
	for range 10 {
		k2.Tick(ctx)
	}
	if _, p := nonces(); p != 0 {
		t.Fatalf("after the restart the chain's pool holds %d transaction(s) from lpops; want none while %s (nonce %d) may still be mined", p, sent.Hash.Hex(), sent.Nonce)
	}
	s = k2.Status()
	if s.Round != round+1 || len(s.Txs) != 1 || s.Txs[0].Hash != sent.Hash || s.Txs[0].State != keeper.TxSent {
		t.Fatalf("after the restart round %d txs %+v; want round %d tracking %s as sent", s.Round, s.Txs, round+1, sent.Hash.Hex())
	}

	// The held transaction reaches the chain and rewards round R+1.
	held.mu.Lock()
	raw := held.held[0]
	held.mu.Unlock()
	if err := c.RPC(t).CallContext(ctx, nil, "eth_sendRawTransaction", hexutil.Bytes(raw)); err != nil {
		t.Fatal(err)
	}
	c.Mine(t, 1)
	s = tickUntil(k2, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round+1 })
	if s.RewardedBy != "lpops" || s.RewardTx != sent.Hash.Hex() {
		t.Fatalf("rewarded_by %q tx %s; want lpops with %s", s.RewardedBy, s.RewardTx, sent.Hash.Hex())
	}
	for range 5 {
		k2.Tick(ctx)
	}
	c.Mine(t, 1)
	if m, p := nonces(); m != 1 || p != 1 {
		t.Fatalf("mined nonce %d, pending %d; want exactly one transaction from lpops", m, p)
	}
	if lrr, err := dep.LastRewardRound(ctx, addr(orch)); err != nil || lrr != round+1 {
		t.Fatalf("lastRewardRound %d (err %v), want %d", lrr, err, round+1)
	}
}
