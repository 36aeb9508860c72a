package main

import (
	"bytes"
	"testing"

	"github.com/lpops/lpops/internal/testenv"
)

// TestSoakShort runs the chaos soak for 30 rounds with a fixed seed, as CI
// does: every fault kind is injected at least once (the plan's first
// rounds take one of each), and the test fails when a goal breaks — a
// reachable round missed, two lpops transactions mined in one round, a fee
// cap breached, a firing alert never delivered. Without anvil it skips, and
// under CI=true it fails.
func TestSoakShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak takes about three minutes")
	}
	testenv.RequireTool(t, "anvil")
	var out, errs bytes.Buffer
	code := run(t.Context(), []string{"-rounds", "30", "-seed", "20261207", "-v"}, &out, &errs)
	t.Logf("soak output:\n%s", out.String())
	if code != 0 {
		t.Errorf("soak exited %d; progress:\n%s", code, errs.String())
	}
}

func TestPlanCoversEveryKind(t *testing.T) {
	tm := timing{RoundLength: 20, Grace: 4, BlockTime: 250e6, Margin: 6}
	p := drawPlan(20261207, 3, 60, 30, tm, nil)
	seen := map[string]bool{}
	for _, f := range p.Faults {
		seen[f.Kind] = true
		if f.End < f.Start {
			t.Errorf("%s ends before it starts", f)
		}
	}
	for _, k := range faultKinds {
		if !seen[k] {
			t.Errorf("30 rounds drew no %s", k)
		}
	}
	again := drawPlan(20261207, 3, 60, 30, tm, nil)
	for i := range p.Faults {
		if *p.Faults[i] != *again.Faults[i] {
			t.Fatalf("the same seed drew %s, then %s", p.Faults[i], again.Faults[i])
		}
	}
}
