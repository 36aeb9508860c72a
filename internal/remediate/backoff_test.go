package remediate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTargetBackoff: after n failed actions in a row on a target, every
// runbook acting on it waits backoff.initial·2^(n−1), even one that never
// failed itself; a success on the target clears it. Two runbooks run the
// same program (one target), which fails while the file "broken" exists.
func TestTargetBackoff(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	dir := t.TempDir()
	script, attempts, broken := filepath.Join(dir, "act.sh"), filepath.Join(dir, "attempts"), filepath.Join(dir, "broken")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$LPOPS_RUNBOOK\" >> \"$1\"\nif [ -e \"$2\" ]; then echo 'unit failed to start' >&2; exit 1; fi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func(name, alertname string) Runbook {
		return Runbook{Name: name, When: []Matcher{{Alertname: alertname}},
			Steps:     []Step{{Type: StepCommand, Argv: []string{sh(t), script, attempts, broken}}},
			Backoff:   Backoff{Initial: time.Minute, Max: 30 * time.Minute},
			Breaker:   Breaker{Failures: 100, Cooldown: time.Hour},
			RateLimit: RateLimit{Max: 100, Per: time.Hour}}
	}
	r := e.remediator(t, Options{}, mk("on-stale", "RPCEndpointStale"), mk("on-down", "RPCEndpointDown"))
	target := "command:" + sh(t)
	step := func(d time.Duration) {
		clk.Add(d)
		r.Evaluate(t.Context())
		r.Wait()
	}
	waiting := func(name string) string {
		for _, rb := range r.Status().Runbooks {
			if rb.Name == name {
				return rb.Waiting
			}
		}
		t.Fatalf("no runbook %s", name)
		return ""
	}

	e.fire("RPCEndpointStale", nil)
	step(0) // on-stale fails: the target has 1 failed action
	if n := lines(t, attempts); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
	e.fire("RPCEndpointDown", nil)
	step(10 * time.Second)
	if n := lines(t, attempts); n != 1 {
		t.Fatalf("on-down acted on a target backing off: %d attempts, want 1", n)
	}
	if w := waiting("on-down"); !strings.Contains(w, target+" is backing off after 1 failed actions until 2026-03-01T12:01:00Z") {
		t.Errorf("on-down waiting = %q, want the target's backoff (1m after its failed action)", w)
	}

	// After the minute both run, one action at a time, and both fail: 3
	// failed actions in a row on the target.
	step(50 * time.Second)
	if n := lines(t, attempts); n != 3 {
		t.Fatalf("after the target's backoff: %d attempts, want 3", n)
	}
	// on-down failed once itself (its own backoff: 1m), but the target has
	// failed 3 times: 4m.
	step(2 * time.Minute)
	if n := lines(t, attempts); n != 3 {
		t.Fatalf("2m after 3 failed actions: %d attempts, want still 3 (target backoff 4m)", n)
	}
	if w := waiting("on-down"); !strings.Contains(w, target+" is backing off after 3 failed actions until 2026-03-01T12:05:00Z") {
		t.Errorf("on-down waiting = %q, want the target's backoff after 3 failures", w)
	}

	// Repaired: after the 4m the next action succeeds and clears the
	// target's count; a later failure backs off 1m again, not 8m.
	if err := os.Remove(broken); err != nil {
		t.Fatal(err)
	}
	step(2 * time.Minute)
	if n := lines(t, attempts); n != 5 {
		t.Fatalf("after the 4m backoff: %d attempts, want 5", n)
	}
	for _, rb := range r.Status().Runbooks {
		if rb.LastOutcome != StateSucceeded || rb.Waiting != "" {
			t.Errorf("%s: last outcome %s, waiting %q; want succeeded and nothing held", rb.Name, rb.LastOutcome, rb.Waiting)
		}
	}
	if err := os.WriteFile(broken, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e.resolve("RPCEndpointStale", nil)
	e.fire("RPCEndpointStale", nil) // a new episode
	step(time.Second)
	if n := lines(t, attempts); n != 6 {
		t.Fatalf("new episode: %d attempts, want 6", n)
	}
	e.resolve("RPCEndpointDown", nil)
	e.fire("RPCEndpointDown", nil)
	step(time.Second)
	if w := waiting("on-down"); !strings.Contains(w, target+" is backing off after 1 failed actions") {
		t.Errorf("on-down waiting = %q, want a backoff after 1 failed action (the success cleared the count)", w)
	}
}
