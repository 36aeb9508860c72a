package alerting

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRPCLagging gives lpops two endpoints of one chain and pins the head of
// one of them, a node that stopped importing blocks: that endpoint's alert
// fires and resolves, and nothing is said about the other or about the chain.
func TestRPCLagging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{mining: manual})
	hook := newReceiver(t)
	laggy := newRPCProxy(t, e.chain.URL)
	lp := e.startLpops(lpopsOptions{hook: hook, maxLagBlocks: 3,
		rpc: []rpcEntry{{"direct", e.chain.URL}, {"laggy", laggy.URL}}})
	lp.waitStatus("both endpoints healthy", func(s *statusDoc) bool {
		p := s.probe("rpc")
		return p != nil && p.Values["healthy_endpoints"] == 2
	})

	head := e.head()
	laggy.Pin(head)
	e.mine(10) // one anvil_mine: the lag goes from 0 to 10 at once
	n := hook.wait(waitTimeout, "RPCEndpointLagging for the pinned endpoint", named("RPCEndpointLagging", "firing", "endpoint", "laggy"))
	if n.Severity != "warning" || !strings.Contains(n.Description, fmt.Sprintf("Head %d is 10 blocks behind the best endpoint (limit 3)", head)) {
		t.Errorf("RPCEndpointLagging: severity %q, description %q; want warning, head %d 10 blocks behind (limit 3)", n.Severity, n.Description, head)
	}
	if strings.Contains(n.Summary+n.Description+fmt.Sprint(n.Labels), laggy.URL) {
		t.Errorf("the notification shows the endpoint's URL, not only its name: %s", n)
	}
	s := lp.probeRuns("rpc", 3)
	if p := s.probe("rpc"); p.Values["healthy_endpoints"] != 1 || s.Keeper == nil || !s.Keeper.ChainOK {
		t.Errorf("with one endpoint lagging: rpc probe values %v, keeper chain_ok %v; want 1 healthy endpoint and the chain read",
			p.Values, s.Keeper != nil && s.Keeper.ChainOK)
	}

	laggy.Unpin()
	hook.wait(waitTimeout, "RPCEndpointLagging resolved once the endpoint follows the chain", of(n.Fingerprint, "resolved"))
	lp.probeRuns("rpc", 2)
	hook.once("RPCEndpointLagging firing", of(n.Fingerprint, "firing"))
	hook.none("alerts about the healthy endpoint", func(n notification) bool { return n.Labels["endpoint"] == "direct" })
	for _, name := range []string{"ChainUnavailable", "ChainUnreadable", "RPCEndpointDown"} {
		hook.none(name+" with one endpoint healthy", named(name, ""))
	}
}

// TestChainUnreadable takes the only endpoint away twice: the chain frozen
// with SIGSTOP, then the endpoint frozen while the chain goes on past the end
// of a round nobody rewards. Each time lpops says once that the chain cannot
// be read: ChainUnavailable (the RPC probe) inhibits ChainUnreadable (the
// keeper's view of the same outage), so one outage is one critical notice and
// one resolved notice. It sends no RewardNotCalled or RewardMissed while it
// cannot read; the round that did end unrewarded is reported missed only once
// lpops reads the chain again.
func TestChainUnreadable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{mining: manual, roundLength: 50})
	hook := newReceiver(t)
	// lpops' only endpoint: a proxy in front of anvil, so that the test can
	// cut lpops off the chain while it keeps driving the chain itself.
	ep := newRPCProxy(t, e.chain.URL)
	lp := e.startLpops(lpopsOptions{hook: hook, grace: 2, rpc: []rpcEntry{{"only", ep.URL}}})

	// Round r: the orchestrator is active and nobody has rewarded yet; the
	// grace window (2 blocks) is not over.
	r, start := e.nextRound()
	lp.waitStatus(fmt.Sprintf("lpops to read round %d, active", r), func(s *statusDoc) bool {
		return s.Keeper != nil && s.Keeper.Round == r && s.Keeper.Active && s.Keeper.BlockNum < start+2
	})
	dutyAlerts := func(n notification) bool { return n.Alertname == "RewardNotCalled" || n.Alertname == "RewardMissed" }
	// The notices of one outage: its critical ones, firing or resolved.
	outage := func(since time.Time) []notification {
		return hook.all(func(n notification) bool { return n.Severity == "critical" && !n.received.Before(since) })
	}
	oneNotice := func(what string, since time.Time, unavailable notification) {
		t.Helper()
		got := outage(since)
		if len(got) != 2 || got[0].Fingerprint != unavailable.Fingerprint || got[1].Fingerprint != unavailable.Fingerprint {
			t.Errorf("%s: critical notices %v, want ChainUnavailable firing then resolved, nothing else", what, got)
		}
	}

	// The chain frozen with SIGSTOP.
	{
		stopped := time.Now()
		e.chain.Stop(t) // SIGSTOP: the port accepts, nothing answers
		unavailable := hook.wait(waitTimeout, "ChainUnavailable", named("ChainUnavailable", "firing"))
		t.Logf("ChainUnavailable notified %s after SIGSTOP", unavailable.received.Sub(stopped).Round(time.Millisecond))
		if unavailable.Severity != "critical" {
			t.Errorf("ChainUnavailable severity %q, want critical", unavailable.Severity)
		}
		// The keeper sees the outage too and says so in its state, but the
		// operator hears it once.
		lp.waitAlerts("ChainUnreadable inhibited by ChainUnavailable", func(d *alertsDoc) bool {
			for _, a := range d.Alerts {
				if a.Name == "ChainUnreadable" && a.Status == "firing" {
					return a.InhibitedBy == "ChainUnavailable"
				}
			}
			return false
		})
		lp.probeRuns("duty", 4)
		e.chain.Cont(t)
		hook.wait(waitTimeout, "ChainUnavailable resolved", of(unavailable.Fingerprint, "resolved"))
		lp.waitStatus("lpops to read the chain again", func(s *statusDoc) bool { return s.Keeper != nil && s.Keeper.ChainOK })
		lp.probeRuns("duty", 2)
		hook.none("ChainUnreadable while ChainUnavailable says it", named("ChainUnreadable", ""))
		hook.none("duty alerts around the outage", dutyAlerts)
		// The endpoint's own alert is inhibited by ChainUnavailable, which
		// says the same once.
		hook.none("RPCEndpointDown while ChainUnavailable says it", named("RPCEndpointDown", ""))
		oneNotice("chain stopped", stopped, unavailable)
	}

	// The endpoint frozen while the chain goes on past the end of round r.
	{
		frozen := time.Now()
		ep.Freeze()
		unavailable := hook.wait(waitTimeout, "ChainUnavailable", func(n notification) bool {
			return named("ChainUnavailable", "firing")(n) && n.received.After(frozen)
		})
		// The chain goes on without lpops: the grace window and the round
		// end, nobody rewards, the next round begins.
		next, _ := e.nextRound()
		if next != r+1 {
			t.Fatalf("round %d after round %d", next, r)
		}
		lp.probeRuns("duty", 4)
		hook.none(fmt.Sprintf("duty alerts while lpops cannot read the chain (round %d ended meanwhile)", r), dutyAlerts)

		ep.Unfreeze()
		back := hook.wait(waitTimeout, "ChainUnavailable resolved", of(unavailable.Fingerprint, "resolved"))
		// Round r really ended without a reward while the orchestrator was
		// active: once the chain is read again, that is reported, after the
		// notice that the chain is back.
		missed := hook.wait(waitTimeout, fmt.Sprintf("RewardMissed for round %d", r), named("RewardMissed", "firing", "round", strconv.FormatUint(r, 10)))
		if missed.received.Before(back.received) {
			t.Errorf("RewardMissed (%s) arrived before the chain was back (%s)", missed, back)
		}
		for _, n := range hook.all(dutyAlerts) {
			if n.received.Before(back.received) {
				t.Errorf("%s arrived while the chain could not be read", n)
			}
		}
		hook.none("ChainUnreadable while ChainUnavailable says it", named("ChainUnreadable", ""))
		var outageOnly []notification
		for _, n := range outage(frozen) {
			if n.Alertname != "RewardMissed" {
				outageOnly = append(outageOnly, n)
			}
		}
		if len(outageOnly) != 2 {
			t.Errorf("endpoint frozen: critical notices %v besides RewardMissed, want ChainUnavailable firing and resolved", outageOnly)
		}
	}
}
