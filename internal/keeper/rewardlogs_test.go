package keeper_test

import (
	"context"
	"crypto/ecdsa"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/keeper"
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
	if c.logs != 1 {
		t.Fatalf("%d eth_getLogs for three orchestrators rewarded in one block, want 1", c.logs)
	}
}
