package keeper_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/store"
)

// TestReadBackoffBoundedByTimeLeftInRound: the only endpoint stops
// answering for 45 s (of 1-second blocks, 50-block rounds) at several points
// of a round, and nothing wakes the keeper: its read backoff alone must
// bring it back within a tenth of a round of the chain answering again
// (before, it doubled up to poll_interval: 17 s late after a 45 s outage).
// No reward it sends may revert.
func TestReadBackoffBoundedByTimeLeftInRound(t *testing.T) {
	for _, at := range []uint64{5, 20, 35} {
		t.Run(fmt.Sprintf("OutageFromBlock%dOfRound", at), func(t *testing.T) {
			s := newSim(t, simConfig{blockTime: time.Second, poll: 5 * time.Minute, active: 2 * time.Second,
				latency: 100 * time.Millisecond, roundLen: 50, grace: 10})
			s.run(100 + at)
			s.chain.downFrom = s.clock.Now()
			s.chain.downUntil = s.chain.downFrom.Add(45 * time.Second)
			s.run(300)
			var resumed time.Time
			for _, r := range s.chain.readsAt {
				if !r.Before(s.chain.downUntil) {
					resumed = r
					break
				}
			}
			if resumed.IsZero() {
				t.Fatal("the keeper never read the chain after the outage")
			}
			if gap := resumed.Sub(s.chain.downUntil); gap > 5*time.Second {
				t.Errorf("first read %s after the chain answered again, want within a tenth of the round (5s)", gap)
			}
			for _, tx := range s.chain.txs {
				if tx.reverted {
					t.Errorf("reward for round %d sent at blockNum %d reverted", tx.round, tx.sentBlockNum)
				}
			}
		})
	}
}

// TestChainRecoveredWakesRunAtOnce: Run backs off after a failed read (here
// for an hour, the active poll interval); the endpoint pool's recovery
// notice (ChainRecovered) makes it read at once.
func TestChainRecoveredWakesRunAtOnce(t *testing.T) {
	s := newSim(t, simConfig{blockTime: time.Second, poll: time.Hour, active: time.Hour, roundLen: 50, grace: 10})
	s.chain.down.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.k.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	waitFor(t, "a failed read", func() bool { return s.k.Status().State == "chain_unreadable" })
	s.k.ChainRecovered() // an endpoint answered, but this keeper's reads still fail: no busy loop
	s.chain.down.Store(false)
	s.k.ChainRecovered()
	waitFor(t, "a read after the recovery", func() bool { return s.k.Status().ChainOK })
	if got := s.k.Status().State; got == "chain_unreadable" || got == "" {
		t.Fatalf("state after recovery = %q", got)
	}
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestNoRewardSentTooLateInRound: the chain (1-second blocks, 50-block
// rounds) cannot be read from early in round 2 (blocks 100-149) until a few
// blocks before its end. With one block left, a reward would be mined in
// round 3 and revert: none is sent, and the record says why. With ten left,
// it is sent and mined in round 2.
func TestNoRewardSentTooLateInRound(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		ReadAt   uint64 // first blockNum read after the outage
		WantSent bool
	}{
		{Name: "OneBlockLeft", ReadAt: 149},
		{Name: "TwoBlocksLeft", ReadAt: 148},
		{Name: "TenBlocksLeft", ReadAt: 140, WantSent: true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := newSim(t, simConfig{blockTime: time.Second, poll: 5 * time.Minute, active: 2 * time.Second,
				latency: 100 * time.Millisecond, roundLen: 50, grace: 10})
			s.run(105)
			s.chain.down.Store(true)
			s.clock.Advance(s.chain.start.Add(time.Duration(tc.ReadAt)*time.Second + 100*time.Millisecond).Sub(s.clock.Now()))
			s.chain.down.Store(false)
			s.run(200)
			var sent []*simTx
			for _, tx := range s.chain.txs {
				if tx.reverted {
					t.Errorf("reward sent at blockNum %d for round %d reverted (mined at %d)", tx.sentBlockNum, tx.round, tx.minedBlockNum)
				}
				if tx.round == 2 {
					sent = append(sent, tx)
				}
			}
			if got := len(sent) == 1; got != tc.WantSent {
				t.Fatalf("%d rewards sent in round 2, want sent=%v", len(sent), tc.WantSent)
			}
			rec := s.record(2)
			if tc.WantSent {
				if rec.Outcome != keeper.OutcomeRewardedByLpops {
					t.Fatalf("round 2 outcome %q, want rewarded by lpops", rec.Outcome)
				}
				return
			}
			if rec.Outcome != keeper.OutcomeMissed || !strings.Contains(rec.Reason, "too late in round 2") {
				t.Fatalf("round 2: outcome %q, reason %q; want missed, saying it was too late", rec.Outcome, rec.Reason)
			}
		})
	}
}

// TestPoolRecoveryWakesKeeper: the only endpoint freezes (a proxy holds its
// requests, as a node stopped with SIGSTOP); the keeper's read fails and it
// backs off for its active poll interval, an hour here. When the endpoint
// answers again, the pool's recheck sees it and wakes the keeper, which
// reads at once: the daemon's wiring (Pool.OnRecover → ChainRecovered) over
// the real pool and a real chain.
func TestPoolRecoveryWakesKeeper(t *testing.T) {
	e := newEnv(t, eth(1))
	px, err := rpcproxy.New(e.chain.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	pool, err := chain.Dial(e.ctx, []chain.EndpointConfig{{Name: "proxied", URL: px.URL}}, chain.Options{
		ChainID: devnet.ChainID, RequestTimeout: 300 * time.Millisecond, HealthInterval: time.Hour, RecheckInterval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st, err := store.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k := keeper.New(keeper.Config{
		Orchestrator: addr(e.orch), ChainID: devnet.ChainIDBig(), Observe: true, GraceBlocks: 5, MaxFee: big.NewInt(50e9),
		StuckAfter: time.Minute, PollInterval: time.Hour, ActivePollInterval: time.Hour,
	}, keeper.Options{
		Chain: pool, Reader: livepeer.NewReader(pool, e.addrs, addr(e.orch), nil, nil),
		Records: keeper.NewRecords(st), Addrs: e.addrs,
	})
	pool.OnRecover(k.ChainRecovered)

	ctx, cancel := context.WithCancel(e.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { pool.Run(ctx) })
	wg.Go(func() { k.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		px.Unfreeze()
		wg.Wait()
	})
	waitFor(t, "a first read", func() bool { return k.Status().ChainOK })

	px.Freeze()
	k.Wake()
	waitFor(t, "the read to fail", func() bool { return k.Status().State == "chain_unreadable" })
	px.Unfreeze()
	waitFor(t, "a read after the endpoint answered again", func() bool { return k.Status().ChainOK })
}

// TestRetryBackoffBoundedByTimeLeftInRound: at the grace end of a 50-block
// round of 1-second blocks, the send's preparation fails six times in a row
// (an endpoint timing out). The retry backoff doubles (2, 4, 8, 16, 32 s)
// but never beyond a tenth of the time left in the round, so the reward is
// still sent and mined in the round (before, the sixth attempt came 62 s
// later, in the next round).
func TestRetryBackoffBoundedByTimeLeftInRound(t *testing.T) {
	s := newSim(t, simConfig{blockTime: time.Second, poll: 5 * time.Minute, active: 2 * time.Second,
		latency: 100 * time.Millisecond, roundLen: 50, grace: 10})
	s.run(105)
	s.chain.failPrepares = 6
	s.run(200)
	if s.chain.failPrepares != 0 {
		t.Fatalf("%d preparations left to fail", s.chain.failPrepares)
	}
	rec := s.record(2)
	if rec.Outcome != keeper.OutcomeRewardedByLpops {
		t.Fatalf("round 2: outcome %q (%s), want rewarded by lpops", rec.Outcome, rec.Reason)
	}
	for _, tx := range s.chain.txs {
		if tx.reverted {
			t.Errorf("reward sent at blockNum %d for round %d reverted", tx.sentBlockNum, tx.round)
		}
	}
}
