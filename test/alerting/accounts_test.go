package alerting

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBalanceAndRunway runs lpops in act mode with a reward caller holding
// little ETH, on rounds of 6 blocks a block a second, so that lpops
// initializes and rewards every round and pays for it. The reward caller's
// runway, in rounds, falls round after round in the RunwayLow notices; the
// orchestrator's account is drained below the warning and then the critical
// threshold, and refilled.
func TestBalanceAndRunway(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{mining: everySecond, roundLength: 50})
	// Rounds of 6 blocks from now on: lpops initializes (after 1 block),
	// rewards (after a grace of 2) and both are mined within the round.
	if _, err := e.dep.SetRoundLength(e.ctx, e.owner, 6); err != nil {
		t.Fatal(err)
	}
	e.length = 6
	caller := newKey(t)
	e.send(e.owner, addr(caller), milliEth(3)) // about 10 rounds of gas on anvil
	if _, err := e.dep.SetRewardCaller(e.ctx, e.orch, addr(caller)); err != nil {
		t.Fatal(err)
	}
	hook := newReceiver(t)
	// lpops may join its first round with too few of its 6 blocks left to
	// initialize, reward and be mined (too_late, RewardMissed): that round
	// is the start-up's, not a miss of a running lpops.
	joined, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.startLpops(lpopsOptions{hook: hook, signer: caller, grace: 2,
		warnETH: 6, criticalETH: 2, runwayWarn: 1000, runwayCritical: 1,
		// RunwayLow is repeated every second, so each notice says the
		// runway of the moment.
		repeatWarning: time.Second})
	orch, signer := lower(addr(e.orch)), lower(addr(caller))

	// The reward caller's 0.003 ETH is under critical_eth from the start.
	n := hook.wait(waitTimeout, "BalanceCritical for the reward caller", named("BalanceCritical", "firing", "account", "signer", "address", signer))
	if !strings.Contains(n.Summary, "balance 0.00") || !strings.Contains(n.Summary, "ETH is below 2 ETH") {
		t.Errorf("BalanceCritical summary %q does not give the balance and the threshold", n.Summary)
	}

	// The orchestrator's account: 10 ETH, drained under warn_eth 6.
	left := e.drainTo(e.orch, eth(4))
	low := hook.wait(waitTimeout, "BalanceLow for the orchestrator", named("BalanceLow", "firing", "account", "orchestrator", "address", orch))
	if want := "balance " + units(left) + " ETH is below 6 ETH"; low.Severity != "warning" || !strings.Contains(low.Summary, want) {
		t.Errorf("BalanceLow: severity %q, summary %q; want warning, %q", low.Severity, low.Summary, want)
	}
	if !strings.Contains(low.Description, "holds "+units(left)+" ETH; warning below 6 ETH, critical below 2 ETH") {
		t.Errorf("BalanceLow description %q does not give the balance and both thresholds", low.Description)
	}
	// Under critical_eth 2: critical, and the warning resolves.
	left = e.drainTo(e.orch, milliEth(500))
	crit := hook.wait(waitTimeout, "BalanceCritical for the orchestrator", named("BalanceCritical", "firing", "account", "orchestrator"))
	if want := "balance " + units(left) + " ETH is below 2 ETH"; crit.Severity != "critical" || !strings.Contains(crit.Summary, want) {
		t.Errorf("BalanceCritical: severity %q, summary %q; want critical, %q", crit.Severity, crit.Summary, want)
	}
	hook.wait(waitTimeout, "BalanceLow resolved once BalanceCritical fires", of(low.Fingerprint, "resolved"))
	// Refilled: resolved.
	e.send(e.owner, addr(e.orch), eth(20))
	hook.wait(waitTimeout, "BalanceCritical resolved after the top-up", of(crit.Fingerprint, "resolved"))
	// BalanceLow is a warning, repeated every second here: announced once,
	// repeats aside.
	hook.once("BalanceLow firing", func(n notification) bool { return of(low.Fingerprint, "firing")(n) && n.Repeat == 0 })
	hook.once("BalanceCritical firing", of(crit.Fingerprint, "firing"))

	// The runway: known once lpops has paid for a round, then falling as it
	// pays for more.
	runway := regexp.MustCompile(`has gas for about ([0-9.]+) rounds`)
	rounds := func(n notification) float64 {
		m := runway.FindStringSubmatch(n.Summary)
		if m == nil {
			t.Fatalf("RunwayLow summary %q does not give the runway", n.Summary)
		}
		f, _ := strconv.ParseFloat(m[1], 64)
		return f
	}
	isRunway := named("RunwayLow", "firing", "account", "signer", "address", signer)
	first := hook.wait(waitTimeout, "RunwayLow for the reward caller", isRunway)
	r0 := rounds(first)
	last := hook.wait(2*waitTimeout, "the runway to fall by a round", func(n notification) bool {
		return isRunway(n) && rounds(n) <= r0-1
	})
	t.Logf("reward caller's runway: %.1f rounds at %s, %.1f rounds at %s", r0, first.received.Format("15:04:05"),
		rounds(last), last.received.Format("15:04:05"))
	// Nobody refills: the balance never rises. The runway may rise only when
	// the average spend per round fell (the first rounds, with their
	// first-time storage writes, cost more than later ones and leave the
	// average as newer rounds settle), never with the same or a higher spend.
	held := regexp.MustCompile(`holds ([0-9.]+) ETH and spent on average ([0-9.]+) ETH per round`)
	facts := func(n notification) (balance, spend float64) {
		m := held.FindStringSubmatch(n.Description)
		if m == nil {
			t.Fatalf("RunwayLow description %q gives no balance and spend", n.Description)
		}
		balance, _ = strconv.ParseFloat(m[1], 64)
		spend, _ = strconv.ParseFloat(m[2], 64)
		return balance, spend
	}
	prev, prevBalance, prevSpend := r0, math.Inf(1), math.Inf(1)
	for _, n := range hook.all(isRunway) {
		r := rounds(n)
		balance, spend := facts(n)
		if balance > prevBalance {
			t.Errorf("balance rose from %v to %v ETH while nobody refilled: %s", prevBalance, balance, n)
		}
		if r > prev+0.5 && spend >= prevSpend {
			t.Errorf("runway rose from %.1f to %.1f rounds with no fall in the spend per round (%v ETH): %s", prev, r, spend, n)
		}
		prev, prevBalance, prevSpend = r, balance, spend
	}
	if !strings.Contains(last.Description, "spent on average") {
		t.Errorf("RunwayLow description %q does not give the spend per round", last.Description)
	}
	hook.none("RewardMissed while lpops rewards every round", func(n notification) bool {
		r, _ := strconv.ParseUint(n.Labels["round"], 10, 64)
		return named("RewardMissed", "")(n) && r > joined+1
	})
}
