package keeper_test

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// TestRunSendsWithinTwoBlocksOfGraceEndOnDevnet runs the keeper as the
// daemon does (Run, real timers) on the in-process chain with 250 ms blocks,
// 30-block rounds, grace_blocks 10 and an active_poll_interval of four blocks,
// the node neither initializing nor rewarding. Block production stalls for
// ten seconds (forty blocks' worth) once. In every round after that, lpops'
// reward must be broadcast within two blockNum() blocks of the grace end, as
// its own records say (sent_block_num against grace_end_block_num).
func TestRunSendsWithinTwoBlocksOfGraceEndOnDevnet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real-time chain for about half a minute")
	}
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 30, blockTime: 250 * time.Millisecond})
	st, err := store.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sg := signer.FromKey(e.caller, devnet.ChainIDBig())
	k := keeper.New(keeper.Config{
		Orchestrator: addr(e.orch), ChainID: devnet.ChainIDBig(), GraceBlocks: 10, MaxFee: big.NewInt(50e9),
		StuckAfter: time.Minute, InitEnabled: true, InitAfterBlocks: 1, InitMaxFee: big.NewInt(50e9),
		PollInterval: 30 * time.Second, ActivePollInterval: time.Second,
	}, keeper.Options{
		Chain: e.pool, Reader: livepeer.NewReader(e.pool, e.addrs, addr(e.orch), []common.Address{sg.Address()}, nil),
		Signer: sg, Records: keeper.NewRecords(st), Addrs: e.addrs,
	})
	ctx, cancel := context.WithCancel(e.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { k.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	rewarded := func(n int) func() bool {
		return func() bool {
			recs, err := k.History(50)
			if err != nil {
				t.Fatal(err)
			}
			c := 0
			for _, r := range recs {
				if r.Outcome == keeper.OutcomeRewardedByLpops {
					c++
				}
			}
			return c >= n
		}
	}
	waitForLong(t, "a first reward by lpops", rewarded(1))
	e.chain.PauseMining()
	time.Sleep(10 * time.Second) // the stall itself, not a synchronisation
	e.chain.ResumeMining()
	first, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitForLong(t, "three more rounds", func() bool {
		r, err := e.dep.CurrentRound(e.ctx)
		return err == nil && r >= first+4
	})
	recs, err := k.History(50)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range recs {
		if r.Round <= first || r.Round >= first+4 {
			continue
		}
		if r.Outcome != keeper.OutcomeRewardedByLpops {
			t.Errorf("round %d: outcome %q (%s), want rewarded by lpops", r.Round, r.Outcome, r.Reason)
			continue
		}
		for _, tx := range r.Txs {
			if tx.Kind != keeper.KindReward {
				continue
			}
			checked++
			if late := int64(tx.SentBlockNum) - int64(r.GraceEndBlockNum); late < 0 || late > 2 {
				t.Errorf("round %d: reward sent at blockNum %d, %d blocks after the grace end %d; want at most 2",
					r.Round, tx.SentBlockNum, late, r.GraceEndBlockNum)
			}
		}
	}
	if checked != 3 {
		t.Fatalf("%d reward transactions in rounds %d-%d, want 3", checked, first+1, first+3)
	}
}

// waitForLong polls cond until it holds, for as long as a few rounds of a
// real-time chain take.
func waitForLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
