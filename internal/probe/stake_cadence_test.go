package probe_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
)

// standingCounter passes batches to the real chain and counts the
// getTranscoder calls at the latest block among them: one per full read of
// the stake probe's standing (the calls at an event's block are not counted).
type standingCounter struct {
	c             livepeer.Caller
	reads, rounds atomic.Int64
}

func (s *standingCounter) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	sel := livepeer.BondingManagerABI.Methods["getTranscoder"].ID
	round := livepeer.RoundsManagerABI.Methods["currentRound"].ID
	for _, e := range b {
		if e.Method != "eth_call" || len(e.Args) != 2 || e.Args[1] != "latest" {
			continue
		}
		if m, ok := e.Args[0].(map[string]any); ok {
			if d, ok := m["data"].(hexutil.Bytes); ok && len(d) >= 4 {
				switch string(d[:4]) {
				case string(sel):
					s.reads.Add(1)
				case string(round):
					s.rounds.Add(1)
				}
			}
		}
	}
	return s.c.BatchCall(ctx, b)
}

// With the round from another consumer (the keeper, in lpops), a run that
// keeps the standing sends no currentRound of its own, and the round that
// consumer reports turning makes the next run read the standing.
func TestStakeRoundFromAnotherConsumer(t *testing.T) {
	e := newChainEnv(t, testchain.Params{RoundLength: 60}, nil)
	e.nextRound()
	counter := &standingCounter{c: e.pool}
	round := func() (uint64, bool) {
		r, err := e.dep.CurrentRound(e.ctx) // read beside the counter: another consumer's read
		return r, err == nil
	}
	p := probe.NewStake(counter, e.openStore(), probe.StakeConfig{
		Orchestrator: addrOf(e.orch), Contracts: e.addrs, Confirmations: 2, MaxLogRange: 1000, Round: round,
	}, nil)
	if r := p.Check(e.ctx); !r.Success || r.Values["standing_read"] != 1 {
		t.Fatalf("first run: %v (%s), standing_read %v", r.Success, r.Error, r.Values["standing_read"])
	}
	rounds := counter.rounds.Load()
	e.waitBlock()
	if r := p.Check(e.ctx); !r.Success {
		t.Fatal(r.Error)
	} else if r.Values["standing_read"] == 0 && counter.rounds.Load() != rounds {
		t.Fatalf("a run that kept the standing read currentRound %d times", counter.rounds.Load()-rounds)
	}
	e.nextRound()
	if r := p.Check(e.ctx); !r.Success || r.Values["standing_read"] != 1 {
		t.Fatalf("first run of the new round: %v (%s), standing_read %v", r.Success, r.Error, r.Values["standing_read"])
	}
}

// The standing is read once per round while nothing happens, again in the
// run that reads a Bond (whose alert and values then show the stake after
// it), and again when the round turns; on a real chain.
func TestStakeStandingOncePerRoundAndOnEvents(t *testing.T) {
	delegator := newKey(t)
	e := newChainEnv(t, testchain.Params{RoundLength: 60}, map[*ecdsa.PrivateKey]*big.Int{delegator: eth(10)})
	e.nextRound() // the orchestrator is active
	counter := &standingCounter{c: e.pool}
	p := probe.NewStake(counter, e.openStore(), probe.StakeConfig{
		Orchestrator: addrOf(e.orch), Contracts: e.addrs, Confirmations: 2, MaxLogRange: 1000,
		StakeChangeWarnPercent: 10, CutoffWarnPercent: 10,
	}, nil)

	// Runs within one round, with blocks mined between them and no event.
	round, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := p.Check(e.ctx)
	if !first.Success || first.Values["standing_read"] != 1 || first.Values["total_stake_lpt"] != 5000 {
		t.Fatalf("first run: success %v (%s), standing_read %v, stake %v", first.Success, first.Error, first.Values["standing_read"], first.Values["total_stake_lpt"])
	}
	quiet := 0
	for range 4 {
		e.waitBlock()
		r := p.Check(e.ctx)
		now, err := e.dep.CurrentRound(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if now != round {
			break // the round turned meanwhile: the rest is checked below
		}
		if !r.Success || r.Values["standing_read"] != 0 || r.Values["total_stake_lpt"] != 5000 {
			t.Fatalf("quiet run: success %v (%s), standing_read %v, stake %v", r.Success, r.Error, r.Values["standing_read"], r.Values["total_stake_lpt"])
		}
		quiet++
	}
	if quiet == 0 {
		t.Fatal("the round turned before a second run")
	}
	if n := counter.reads.Load(); n != 1 {
		t.Fatalf("standing read %d times over %d runs of one round without events, want once", n, quiet+1)
	}

	// A Bond: the run that reads its log reads the standing again.
	if _, err := e.dep.MintLPT(e.ctx, e.owner, addrOf(delegator), lpt(1000)); err != nil {
		t.Fatal(err)
	}
	before := counter.reads.Load()
	bond := e.inRound("bond", func() (*types.Receipt, error) { return e.dep.Bond(e.ctx, delegator, addrOf(e.orch), lpt(1000)) })
	runs := e.checkPast(p, bond.BlockNumber.Uint64())
	last := runs[len(runs)-1]
	if last.Values["standing_read"] != 1 || last.Values["total_stake_lpt"] != 6000 {
		t.Fatalf("the run that read the Bond: standing_read %v, stake %v, want a new read showing 6000", last.Values["standing_read"], last.Values["total_stake_lpt"])
	}
	changed := byName(eventAlerts(t, observations(runs)), probe.AlertStakeChanged)
	if len(changed) != 1 {
		t.Fatalf("StakeChanged fired %d times for one bond", len(changed))
	}
	mustContain(t, changed[0], "bonded 1000 LPT", "stake now 6000 LPT")
	if n := counter.reads.Load() - before; n < 1 {
		t.Fatal("the standing was not read again after the Bond")
	}

	// A new round: the next run reads the standing, the one after keeps it.
	e.nextRound()
	before = counter.reads.Load()
	if r := p.Check(e.ctx); !r.Success || r.Values["standing_read"] != 1 {
		t.Fatalf("first run of the new round: success %v (%s), standing_read %v", r.Success, r.Error, r.Values["standing_read"])
	}
	if n := counter.reads.Load() - before; n != 1 {
		t.Fatalf("first run of the new round read the standing %d times, want once", n)
	}
}
