package keeper_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// TestBaseFeeAtCapWaitsThenResumes runs on anvil, which can set the next
// block's base fee: with the base fee at the cap lpops sends nothing, and it
// sends as soon as the base fee falls below, in the same round.
func TestBaseFeeAtCapWaitsThenResumes(t *testing.T) {
	c := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	owner, orch, caller := c.FundedKey(t, big.NewInt(100)), c.FundedKey(t, big.NewInt(10)), c.FundedKey(t, big.NewInt(1))
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
	// From here blocks come only when the test mines them.
	c.SetAutomine(t, false)
	start, err := dep.RoundStartBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.MineTo(t, start+20) // the next round
	tx, err := dep.SendInitializeRound(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	c.Mine(t, 1)
	if _, err := dep.Wait(ctx, tx); err != nil {
		t.Fatal(err)
	}
	round, err := dep.CurrentRound(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pool, addrs := c.Pool(t, ctx, dep.Controller)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sg := signer.FromKey(caller, c.ChainID)
	feeCap := big.NewInt(20e9)
	k := keeper.New(keeper.Config{
		Orchestrator: addr(orch), ChainID: c.ChainID, GraceBlocks: 1, MaxFee: feeCap, StuckAfter: time.Hour,
		PollInterval: time.Second, ActivePollInterval: 20 * time.Millisecond,
	}, keeper.Options{
		Chain: pool, Reader: livepeer.NewReader(pool, addrs, addr(orch), []common.Address{sg.Address()}, nil),
		Signer: sg, Records: keeper.NewRecords(st), Addrs: addrs,
	})
	tickUntil := func(what string, cond func(keeper.Status) bool) keeper.Status {
		t.Helper()
		var s keeper.Status
		testenv.WaitFor(t, 60*time.Second, what, func() bool {
			k.Tick(ctx)
			s = k.Status()
			return cond(s)
		})
		return s
	}
	baseFee := func() *big.Int {
		t.Helper()
		h, err := c.Client(t).HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h.BaseFee
	}
	pending := func() uint64 {
		t.Helper()
		n, err := c.Client(t).PendingNonceAt(ctx, sg.Address())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The base fee reaches the cap exactly: lpops waits.
	if err := c.RPC(t).CallContext(ctx, nil, "anvil_setNextBlockBaseFeePerGas", (*hexutil.Big)(feeCap)); err != nil {
		t.Fatal(err)
	}
	c.Mine(t, 1)
	if bf := baseFee(); bf.Cmp(feeCap) != 0 {
		t.Fatalf("base fee %s, want the cap %s", bf, feeCap)
	}
	s := tickUntil("fee above cap", func(s keeper.Status) bool { return s.State == keeper.StateFeeAboveCap })
	if s.Round != round || s.Reason == "" {
		t.Fatalf("round %d reason %q; want round %d with the base fee explained", s.Round, s.Reason, round)
	}
	// Empty blocks lower the base fee by 1/8 each (EIP-1559). While it is
	// at or above the cap, nothing is sent; the first block below, lpops sends.
	for {
		bf := baseFee()
		if bf.Cmp(feeCap) < 0 {
			break
		}
		for i := 0; i < 5; i++ {
			k.Tick(ctx)
			if s := k.Status(); s.State != keeper.StateFeeAboveCap || pending() != 0 {
				t.Fatalf("base fee %s at or above the cap %s: state %q, pending nonce %d; want %q and nothing sent",
					bf, feeCap, s.State, pending(), keeper.StateFeeAboveCap)
			}
		}
		c.Mine(t, 1)
	}
	s = tickUntil("reward sent below the cap", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	if mf := s.Txs[0].MaxFee.Int(); mf.Cmp(feeCap) > 0 || mf.Cmp(baseFee()) <= 0 {
		t.Fatalf("max fee %s; want above the base fee %s and at most the cap %s", mf, baseFee(), feeCap)
	}
	c.Mine(t, 1)
	s = tickUntil("settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" || pending() != 1 {
		t.Fatalf("round %d rewarded_by %q, %d transactions; want round %d by lpops with one", s.Round, s.RewardedBy, pending(), round)
	}
}
