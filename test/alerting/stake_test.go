package alerting

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// units writes an 18-decimal amount in whole units, exactly and without
// trailing zeros, as lpops' summaries do ("5500", "0.25").
func units(v *big.Int) string {
	q, r := new(big.Int).QuoRem(v, big.NewInt(params.Ether), new(big.Int))
	if r.Sign() == 0 {
		return q.String()
	}
	return q.String() + "." + strings.TrimRight(fmt.Sprintf("%018s", r.String()), "0")
}

// TestStakeEvents bonds to the orchestrator, unbonds from it twice (a small
// and a large part) and slashes it: each event is notified once, with its
// amounts, and resolved on a later probe run.
func TestStakeEvents(t *testing.T) {
	t.Parallel()
	// Short rounds: a delegator's bond counts (and can be unbonded) from
	// the next round.
	e := newEnv(t, envOptions{roundLength: 50})
	hook := newReceiver(t)
	e.startLpops(lpopsOptions{hook: hook})
	orch := lower(addr(e.orch))

	delegator := e.chain.FundedKey(t, big.NewInt(1))
	d := lower(addr(delegator))
	if _, err := e.dep.MintLPT(e.ctx, e.owner, addr(delegator), lpt(1000)); err != nil {
		t.Fatal(err)
	}

	// event checks that the event in receipt r was notified once as name with
	// severity and summary, and resolved once.
	event := func(r *types.Receipt, name, severity, summary string) notification {
		t.Helper()
		tx := r.TxHash.Hex()
		n := hook.wait(waitTimeout, name+" for "+tx, named(name, "firing", "tx", tx))
		if n.Severity != severity || n.Summary != summary {
			t.Errorf("%s notification: severity %q, summary %q; want %q, %q", name, n.Severity, n.Summary, severity, summary)
		}
		if n.Labels["orchestrator"] != orch {
			t.Errorf("%s notification labels %v: want orchestrator %s", name, n.Labels, orch)
		}
		hook.wait(waitTimeout, name+" resolved on a later run", of(n.Fingerprint, "resolved"))
		hook.once(name+" firing for "+tx, of(n.Fingerprint, "firing"))
		return n
	}

	// A delegator bonds 1000 LPT: informational.
	r, err := e.dep.Bond(e.ctx, delegator, addr(e.orch), lpt(1000))
	if err != nil {
		t.Fatal(err)
	}
	n := event(r, "StakeChanged", "info",
		fmt.Sprintf("Delegator %s bonded 1000 LPT (orchestrator %s); stake now 6000 LPT", d, orch))
	if n.Labels["delegator"] != d {
		t.Errorf("StakeChanged labels %v: want delegator %s", n.Labels, d)
	}

	e.nextRound()
	// It unbonds 100 of 6000 LPT (1.7 %, under stake_change_warn_percent 10):
	// still informational.
	if r, err = e.dep.Unbond(e.ctx, delegator, lpt(100)); err != nil {
		t.Fatal(err)
	}
	event(r, "StakeChanged", "info", fmt.Sprintf("Delegator %s unbonded 100 LPT (orchestrator %s); stake now 5900 LPT", d, orch))

	// It unbonds 800 of 5900 LPT (13.6 %): a warning.
	if r, err = e.dep.Unbond(e.ctx, delegator, lpt(800)); err != nil {
		t.Fatal(err)
	}
	n = event(r, "StakeDropped", "warning", fmt.Sprintf("Delegator %s unbonded 800 LPT (orchestrator %s); stake now 5100 LPT", d, orch))
	if !strings.Contains(n.Description, "13.56 %") {
		t.Errorf("StakeDropped description %q does not give the drop, 13.56 %%", n.Description)
	}

	// The Verifier slashes 10 % of the orchestrator's self-bond, with a
	// finder: critical, with the penalty the event carries.
	finder := newKey(t)
	if r, err = e.dep.Slash(e.ctx, e.owner, addr(e.orch), addr(finder), 100000, 500000); err != nil {
		t.Fatal(err)
	}
	var penalty, finderReward *big.Int
	for _, l := range r.Logs {
		if ev, err := e.dep.Contracts.BondingManager.ParseTranscoderSlashed(*l); err == nil {
			penalty, finderReward = ev.Penalty, ev.FinderReward
		}
	}
	if penalty == nil || penalty.Cmp(lpt(500)) != 0 {
		t.Fatalf("TranscoderSlashed penalty %v, want 500 LPT (10 %% of the 5000 LPT self-bond)", penalty)
	}
	n = event(r, "OrchestratorSlashed", "critical", fmt.Sprintf("Orchestrator %s slashed: penalty %s LPT", orch, units(penalty)))
	for _, want := range []string{"penalty 500 LPT", "finder " + lower(addr(finder)), "finder reward " + units(finderReward) + " LPT"} {
		if !strings.Contains(n.Description, want) {
			t.Errorf("OrchestratorSlashed description %q does not say %q", n.Description, want)
		}
	}
}
