package alerting

import (
	"testing"
	"time"
)

// notifySlack is what a notification may take beyond two probe intervals:
// the probe's own requests, the engine's store write and the webhook POST,
// on a CI machine shared with other chains.
const notifySlack = 2 * time.Second

// TestNodeAPIDown stops the go-livepeer node's CLI API: NodeDown is notified
// within two probe intervals, and its resolved notice once the API is back.
func TestNodeAPIDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	hook := newReceiver(t)
	node := startNode(t, e)
	lp := e.startLpops(lpopsOptions{hook: hook, nodeURL: node.URL()})
	labels := []string{"orchestrator", lower(addr(e.orch))}

	s := lp.probeRuns("node", 2)
	if p := s.probe("node"); !p.Success {
		t.Fatalf("the node probe fails against a running node: %s", p.Error)
	}
	hook.none("NodeDown while the node runs", named("NodeDown", ""))

	deadline := 2*probeInterval + notifySlack
	down := time.Now()
	node.stop()
	fired := hook.wait(deadline, "NodeDown firing within two probe intervals", named("NodeDown", "firing", labels...))
	t.Logf("NodeDown notified %s after the CLI API stopped (probes.interval %s)", fired.received.Sub(down).Round(time.Millisecond), probeInterval)
	if fired.Severity != "critical" || fired.EndsAt != nil || fired.Repeat != 0 {
		t.Errorf("NodeDown firing: severity %q, ends_at %v, repeat %d; want critical, null, 0", fired.Severity, fired.EndsAt, fired.Repeat)
	}
	if fired.StartsAt.Before(down.Add(-time.Second)) {
		t.Errorf("NodeDown starts_at %s, before the node went down at %s", fired.StartsAt, down)
	}

	up := time.Now()
	node.restart()
	resolved := hook.wait(deadline, "NodeDown resolved within two probe intervals of the API's return", of(fired.Fingerprint, "resolved"))
	t.Logf("NodeDown resolved notice %s after the CLI API came back", resolved.received.Sub(up).Round(time.Millisecond))
	if !resolved.StartsAt.Equal(fired.StartsAt) || resolved.EndsAt == nil || resolved.EndsAt.Before(up.Add(-time.Second)) {
		t.Errorf("resolved notice starts_at %s ends_at %v; want the firing's starts_at %s and an end after %s",
			resolved.StartsAt, resolved.EndsAt, fired.StartsAt, up)
	}
	if resolved.ID == fired.ID {
		t.Errorf("the resolved notice reuses the firing notification's id %s", fired.ID)
	}

	// A few more runs: the node answers, nothing more is sent about it.
	lp.probeRuns("node", 3)
	hook.once("NodeDown firing", of(fired.Fingerprint, "firing"))
	hook.once("NodeDown resolved", of(fired.Fingerprint, "resolved"))
	// While the node was down, the alerts judged from it were inhibited.
	for _, name := range []string{"NodeChainUnresponsive", "NodeChainMismatch", "NodeRewardErrors"} {
		hook.none(name+" around a node outage", named(name, ""))
	}
}
