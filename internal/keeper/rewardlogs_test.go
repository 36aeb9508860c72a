package keeper_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/testenv"
)

// countLogs counts the eth_getLogs calls sent through it.
type countLogs struct {
	keeper.Chain
	mu   sync.Mutex
	logs int
}

func (c *countLogs) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	c.mu.Lock()
	for _, e := range b {
		if e.Method == "eth_getLogs" {
			c.logs++
		}
	}
	c.mu.Unlock()
	return c.Chain.BatchCall(ctx, b)
}

// The nodes reward three orchestrators of a fleet in one block: each keeper
// records its own node's transaction, and the fleet finds the three with one
// eth_getLogs, not one per orchestrator.
func TestFleetFindsTheNodesRewardsWithOneLogQuery(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	c := &countLogs{Chain: e.pool}
	// A grace window of most of the round: lpops waits for the nodes.
	f, _, _ := e.fleet([]fleetMember{{orch: orchs[0], chain: c}, {orch: orchs[1], chain: c}, {orch: orchs[2], chain: c}}, 60)
	r := e.nextActiveRound()
	e.tickFleetUntil(f, "all three waiting for their nodes", func(ss []keeper.Status) bool {
		for _, s := range ss {
			if s.Round != r || s.State == keeper.StateDone {
				return false
			}
		}
		return true
	})
	e.chain.PauseMining()
	txs := map[string]int{}
	for i, o := range orchs {
		tx, err := e.dep.SendReward(e.ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		txs[tx.Hash().Hex()] = i
	}
	e.chain.ResumeMining()
	// Wait until the chain's log index has the three events (go-ethereum
	// builds it behind the head), so the fleet's first look finds them all
	// and this test counts the sharing, not the retries of a lagging index
	// (TestNodeRewardFoundWhenTheLogIndexLags covers those).
	for _, o := range orchs {
		testenv.WaitFor(t, 30*time.Second, fmt.Sprintf("orchestrator %s's Reward event in the log index", addr(o)),
			func() bool { return e.rewardEvents(addr(o))[r] == 1 })
	}
	ss := e.tickFleetUntil(f, "round rewarded for all three", allDone(r))
	for i, s := range ss {
		if s.RewardedBy != "node" {
			t.Errorf("keeper %d: rewarded_by %q, want node", i, s.RewardedBy)
		}
		if j, ok := txs[s.RewardTx]; !ok || j != i {
			t.Errorf("keeper %d: reward tx %q, want its own node's (sent: %v)", i, s.RewardTx, txs)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// One query serves the three. A second may follow when a keeper
	// looks again for an event the index had not taken in yet (retries
	// share the lookup too); one query per orchestrator is what sharing
	// prevents.
	if c.logs >= len(orchs) {
		t.Fatalf("%d eth_getLogs for %d orchestrators rewarded in one block, want fewer than one each (1 when the log index keeps up)", c.logs, len(orchs))
	}
	t.Logf("%d eth_getLogs for %d orchestrators", c.logs, len(orchs))
}

// lagLogs answers its first lag eth_getLogs with no logs: a provider whose
// log index lags the state it serves.
type lagLogs struct {
	keeper.Chain
	mu  sync.Mutex
	lag int
}

func (c *lagLogs) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	if err := c.Chain.BatchCall(ctx, b); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range b {
		if e.Method == "eth_getLogs" && c.lag > 0 {
			c.lag--
			if logs, ok := e.Result.(*[]livepeer.Log); ok {
				*logs = nil
			}
		}
	}
	return nil
}

// The node's reward is in the state before its log is in the endpoint's
// index: the round settles as the node's at once, and a later read finds
// the transaction.
func TestNodeRewardFoundWhenTheLogIndexLags(t *testing.T) {
	e := newEnv(t, eth(1))
	c := &lagLogs{Chain: e.pool, lag: 2}
	k, _ := e.keeper(opts{signer: e.caller, grace: 10, chain: c})
	k.Tick(e.ctx)
	round := e.nextActiveRound()
	k.Tick(e.ctx) // sees the round unrewarded
	r, err := e.dep.Reward(e.ctx, e.orch)
	if err != nil {
		t.Fatal(err)
	}
	s := e.tickUntil(k, "round settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "node" {
		t.Fatalf("rewarded_by=%q, want node", s.RewardedBy)
	}
	s = e.tickUntil(k, "the node's transaction found", func(s keeper.Status) bool { return s.RewardTx != "" })
	if s.RewardTx != r.TxHash.Hex() || s.RewardedBy != "node" {
		t.Fatalf("reward tx %s by %q, want the node's %s", s.RewardTx, s.RewardedBy, r.TxHash.Hex())
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions, want none", n)
	}
}
