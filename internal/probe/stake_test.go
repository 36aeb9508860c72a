package probe_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
)

func (e *chainEnv) stakeProbe(orch *ecdsa.PrivateKey, kv probe.Checkpoints, cutoffPct float64) *probe.Stake {
	return probe.NewStake(e.pool, kv, probe.StakeConfig{
		Orchestrator: addrOf(orch), Contracts: e.addrs,
		Confirmations: 2, MaxLogRange: 4, // small ranges: a run reads several
		StakeChangeWarnPercent: 10, CutoffWarnPercent: cutoffPct,
	}, nil)
}

// eventAlerts returns the firing event alerts (those naming a log) by
// fingerprint (tx/log_index), failing on any fired twice.
func eventAlerts(t *testing.T, obs []alert.Observation) map[string]alert.Observation {
	t.Helper()
	out := map[string]alert.Observation{}
	for _, o := range obs {
		if !o.Firing || o.Labels["tx"] == "" {
			continue
		}
		k := o.Name + "/" + o.Labels["tx"] + "/" + o.Labels["log_index"]
		if _, dup := out[k]; dup {
			t.Errorf("%s fired twice for the same event", k)
		}
		out[k] = o
	}
	return out
}

func byName(m map[string]alert.Observation, name string) []alert.Observation {
	var out []alert.Observation
	for _, o := range m {
		if o.Name == name {
			out = append(out, o)
		}
	}
	return out
}

func lpt(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

func TestStakeEventsBondUnbondSlash(t *testing.T) {
	delegator := newKey(t)
	e := newChainEnv(t, testchain.Params{}, map[*ecdsa.PrivateKey]*big.Int{delegator: eth(10)})
	e.nextRound() // the orchestrator is active
	st := e.openStore()
	p := e.stakeProbe(e.orch, st, 10)

	first := p.Check(e.ctx)
	if !first.Success {
		t.Fatalf("first run: %s", first.Error)
	}
	if got := first.Values["total_stake_lpt"]; got != 5000 {
		t.Fatalf("total stake %v, want 5000", got)
	}
	if o := last(t, first.Observations, probe.AlertNotInActiveSet); o.Firing || o.Requires != "chain" {
		t.Fatalf("NotInActiveSet firing=%v requires=%q for an active orchestrator", o.Firing, o.Requires)
	}
	if n := len(eventAlerts(t, first.Observations)); n != 0 {
		t.Fatalf("first run replayed %d events from history", n)
	}

	// The node rewards (the only active orchestrator mints the round's
	// 1000 LPT); a delegator bonds 1000 LPT, then (bonded from the next
	// round) unbonds 100 and 800; the verifier slashes the orchestrator 10 %.
	reward := e.inRound("reward", func() (*types.Receipt, error) { return e.dep.Reward(e.ctx, e.orch) })
	if _, err := e.dep.MintLPT(e.ctx, e.owner, addrOf(delegator), lpt(1000)); err != nil {
		t.Fatal(err)
	}
	bond := e.inRound("bond", func() (*types.Receipt, error) { return e.dep.Bond(e.ctx, delegator, addrOf(e.orch), lpt(1000)) })
	runs := e.checkPast(p, bond.BlockNumber.Uint64())
	if r := runs[len(runs)-1]; r.Values["last_reward_lpt"] != 1000 || r.Evidence["last_reward_tx"] != reward.TxHash.Hex() {
		t.Fatalf("last reward %v LPT in %s, want 1000 in %s", r.Values["last_reward_lpt"], r.Evidence["last_reward_tx"], reward.TxHash.Hex())
	}
	e.nextRound()
	e.inRound("unbond", func() (*types.Receipt, error) { return e.dep.Unbond(e.ctx, delegator, lpt(100)) })
	unbond := e.inRound("unbond", func() (*types.Receipt, error) { return e.dep.Unbond(e.ctx, delegator, lpt(800)) })
	runs = append(runs, e.checkPast(p, unbond.BlockNumber.Uint64())...)
	slash, err := e.dep.Slash(e.ctx, e.owner, addrOf(e.orch), [20]byte{}, 100000, 0)
	if err != nil {
		t.Fatal(err)
	}
	runs = append(runs, e.checkPast(p, slash.BlockNumber.Uint64())...)
	runs = append(runs, p.Check(e.ctx)) // resolves what the last run fired
	obs := observations(runs)
	fired := eventAlerts(t, obs)

	changed := byName(fired, probe.AlertStakeChanged)
	if len(changed) != 2 {
		t.Fatalf("StakeChanged fired %d times, want 2 (bond 1000, unbond 100): %v", len(changed), names(obs))
	}
	for _, o := range changed {
		if o.Severity != alert.Info || o.Labels["delegator"] != lowerHex(addrOf(delegator)) {
			t.Errorf("StakeChanged %+v: want info with the delegator's label", o)
		}
		if o.Labels["tx"] == bond.TxHash.Hex() {
			mustContain(t, o, "bonded 1000 LPT", "stake now 7000 LPT")
		} else {
			mustContain(t, o, "unbonded 100 LPT", "stake now 6900 LPT")
		}
	}
	dropped := byName(fired, probe.AlertStakeDropped)
	if len(dropped) != 1 || dropped[0].Severity != alert.Warning || dropped[0].Labels["tx"] != unbond.TxHash.Hex() {
		t.Fatalf("StakeDropped %+v, want one warning for the 800 LPT unbond", dropped)
	}
	mustContain(t, dropped[0], "unbonded 800 LPT", "stake now 6100 LPT", "11.59 %")

	slashed := byName(fired, probe.AlertOrchestratorSlashed)
	if len(slashed) != 1 || slashed[0].Severity != alert.Critical || slashed[0].Labels["tx"] != slash.TxHash.Hex() {
		t.Fatalf("OrchestratorSlashed %+v, want one critical for the slash", slashed)
	}
	mustContain(t, slashed[0], "penalty 600 LPT", "Stake after the event: 5500 LPT")
	if d := byName(fired, probe.AlertOrchestratorDeactivated); len(d) != 1 || d[0].Severity != alert.Warning {
		t.Fatalf("OrchestratorDeactivated %+v, want one warning (slashing resigns)", d)
	}
	if o := last(t, obs, probe.AlertNotInActiveSet); !o.Firing || o.Severity != alert.Critical {
		t.Fatalf("NotInActiveSet after the slash: firing=%v severity=%s, want critical firing", o.Firing, o.Severity)
	}
	// Every event alert was resolved by a later run, with the same labels.
	for k, o := range fired {
		if resolved := findLabels(obs, o, false); resolved == 0 {
			t.Errorf("%s never resolved", k)
		}
	}

	// Restart: a new probe on the same store reads on from the checkpoint;
	// nothing fires again, and a new bond fires once.
	st.Close()
	p2 := e.stakeProbe(e.orch, e.openStore(), 10)
	again := p2.Check(e.ctx)
	if n := len(eventAlerts(t, again.Observations)); n != 0 {
		t.Fatalf("restart fired %d event alerts again: %v", n, names(again.Observations))
	}
	if _, err := e.dep.MintLPT(e.ctx, e.owner, addrOf(delegator), lpt(50)); err != nil {
		t.Fatal(err)
	}
	e.nextRound() // bonding to it is refused until it leaves the set
	// Out of the set, the orchestrator raises its reward cut to 20 %, which
	// also brings it back into the (not full) pool; then the delegator bonds.
	update := e.inRound("transcoder", func() (*types.Receipt, error) {
		opts, err := e.dep.TransactOpts(e.ctx, e.orch)
		if err != nil {
			return nil, err
		}
		tx, err := e.dep.Contracts.BondingManager.Transcoder(opts, big.NewInt(200000), big.NewInt(500000))
		if err != nil {
			return nil, err
		}
		return e.dep.Wait(e.ctx, tx)
	})
	bond2 := e.inRound("bond", func() (*types.Receipt, error) { return e.dep.Bond(e.ctx, delegator, addrOf(e.orch), lpt(50)) })
	after := eventAlerts(t, observations(append([]probe.Result{again}, e.checkPast(p2, bond2.BlockNumber.Uint64())...)))
	for _, w := range []struct {
		name string
		tx   [32]byte
	}{
		{probe.AlertRewardCutChanged, update.TxHash},
		{probe.AlertOrchestratorActivated, update.TxHash},
		{probe.AlertStakeChanged, bond2.TxHash},
	} {
		if got := byName(after, w.name); len(got) != 1 || got[0].Labels["tx"] != common.Hash(w.tx).Hex() {
			t.Errorf("after restart %s fired %v, want once for tx %x", w.name, got, w.tx)
		}
	}
	if len(after) != 3 {
		t.Fatalf("after restart %d event alerts fired, want 3", len(after))
	}
	mustContain(t, byName(after, probe.AlertRewardCutChanged)[0], "reward cut 10.00 % -> 20.00 %", "fee share 50.00 % -> 50.00 %")
	mustContain(t, byName(after, probe.AlertStakeChanged)[0], "bonded 50 LPT", "stake now 5550 LPT")
}

// findLabels counts observations of o's alert (name and labels) with firing.
func findLabels(obs []alert.Observation, o alert.Observation, firing bool) int {
	n := 0
	for _, x := range obs {
		if x.Name == o.Name && x.Firing == firing && x.Labels["tx"] == o.Labels["tx"] && x.Labels["log_index"] == o.Labels["log_index"] {
			n++
		}
	}
	return n
}

func lowerHex(a [20]byte) string {
	const hex = "0123456789abcdef"
	b := []byte("0x")
	for _, c := range a {
		b = append(b, hex[c>>4], hex[c&15])
	}
	return string(b)
}

func TestStakeActiveSetCutoff(t *testing.T) {
	b, c := newKey(t), newKey(t)
	// An active set of two: A (5000 LPT) and B (4800 LPT) fill it.
	e := newChainEnv(t, testchain.Params{NumActive: 2}, map[*ecdsa.PrivateKey]*big.Int{b: eth(10), c: eth(10)})
	e.register(b, lpt(4800))
	e.nextRound()
	st := e.openStore()
	pa := e.stakeProbe(e.orch, st, 3) // A is 4.17 % above the cut-off
	pb := e.stakeProbe(b, st, 10)

	for _, tc := range []struct {
		Name       string
		Probe      *probe.Stake
		NearFiring bool
		Cutoff     float64
	}{
		{"AboveTheMargin", pa, false, 4800},
		{"LowestMember", pb, true, 4800},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := tc.Probe.Check(e.ctx)
			if !r.Success {
				t.Fatal(r.Error)
			}
			if r.Values["pool_size"] != 2 || r.Values["pool_max_size"] != 2 || r.Values["cutoff_stake_lpt"] != tc.Cutoff {
				t.Fatalf("pool %v/%v cut-off %v, want 2/2 and %v", r.Values["pool_size"], r.Values["pool_max_size"], r.Values["cutoff_stake_lpt"], tc.Cutoff)
			}
			near := last(t, r.Observations, probe.AlertNearActiveSetCutoff)
			if near.Firing != tc.NearFiring || near.Severity != alert.Warning || near.Requires != "chain" {
				t.Fatalf("NearActiveSetCutoff %+v, want firing=%v warning requiring chain", near, tc.NearFiring)
			}
			if out := last(t, r.Observations, probe.AlertNotInActiveSet); out.Firing {
				t.Fatalf("NotInActiveSet fires for a member: %s", out.Summary)
			}
		})
	}

	// C registers with 6000 LPT and evicts B, the lowest.
	e.register(c, lpt(6000))
	head, err := e.chain.Backend.Client().BlockNumber(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rb := e.checkPast(pb, head)
	ob := observations(rb)
	if d := byName(eventAlerts(t, ob), probe.AlertOrchestratorDeactivated); len(d) != 1 {
		t.Fatalf("B's OrchestratorDeactivated fired %d times, want once: %v", len(d), names(ob))
	}
	out := last(t, ob, probe.AlertNotInActiveSet)
	if !out.Firing || out.Severity != alert.Critical {
		t.Fatalf("B evicted: NotInActiveSet %+v, want critical firing", out)
	}
	mustContain(t, out, "leaves the active set", "full (2 of 2)", "lowest stake is 5000 LPT")
	if near := last(t, ob, probe.AlertNearActiveSetCutoff); near.Firing {
		t.Fatal("B evicted: NearActiveSetCutoff still firing")
	}

	ra := e.checkPast(pa, head)
	final := ra[len(ra)-1]
	if got := final.Values["cutoff_stake_lpt"]; got != 5000 {
		t.Fatalf("A's cut-off after the eviction %v, want 5000 (A is now the lowest)", got)
	}
	near := last(t, final.Observations, probe.AlertNearActiveSetCutoff)
	if !near.Firing {
		t.Fatalf("A now lowest: NearActiveSetCutoff not firing (%s)", near.Summary)
	}
	mustContain(t, near, "lowest stake of the full active set")
	if ev := eventAlerts(t, observations(ra)); len(ev) != 0 {
		t.Fatalf("A's probe fired %v for other orchestrators' events", ev)
	}
}
