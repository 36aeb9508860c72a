package alerting

import (
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/devnet"
)

// TestTranscodersMissingAndCapacityLow runs lpops against an orchestrator
// whose remote transcoders come and go. The node is internal/devnet's
// simulated CLI API (go-livepeer's HTTP API is a boundary the tests cannot
// run): its /status follows go-livepeer's common.NodeStatus,
// RegisteredTranscoders as [{"Address","Capacity"}] and LocalTranscoding
// false while transcoders are remote. One of two expected transcoders
// leaving fires TranscoderMissing and, its capacity gone, TranscoderCapacityLow
// within two probe intervals; its return resolves both.
func TestTranscodersMissingAndCapacityLow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	hook := newReceiver(t)
	node := startNode(t, e)
	two := []devnet.RemoteTranscoder{{Address: "10.0.1.7:40312", Capacity: 10}, {Address: "10.0.1.8:51022", Capacity: 10}}
	node.node.SetRemoteTranscoders(two)
	lp := e.startLpops(lpopsOptions{hook: hook, nodeURL: node.URL(), transcoders: 2, minCapacity: 20})
	labels := []string{"orchestrator", lower(addr(e.orch))}

	s := lp.probeRuns("transcoders", 2)
	if p := s.probe("transcoders"); p == nil || !p.Success || p.Values["transcoders"] != 2 || p.Values["capacity"] != 20 {
		t.Fatalf("transcoders probe with both connected: %+v", p)
	}
	if got := lp.Metric("lpops_node_transcoders"); got != 2 {
		t.Errorf("lpops_node_transcoders = %v, want 2", got)
	}
	if got := lp.Metric("lpops_node_transcoder_capacity"); got != 20 {
		t.Errorf("lpops_node_transcoder_capacity = %v, want 20", got)
	}
	hook.none("TranscoderMissing while both are connected", named("TranscoderMissing", ""))

	deadline := 2*probeInterval + notifySlack
	node.node.SetRemoteTranscoders(two[:1])
	missing := hook.wait(deadline, "TranscoderMissing firing within two probe intervals", named("TranscoderMissing", "firing", labels...))
	low := hook.wait(deadline, "TranscoderCapacityLow firing within two probe intervals", named("TranscoderCapacityLow", "firing", labels...))
	if missing.Severity != "warning" || low.Severity != "warning" {
		t.Errorf("severities %q and %q, want warning", missing.Severity, low.Severity)
	}
	if !strings.Contains(missing.Description, "1 of 2 expected transcoders connected") || !strings.Contains(missing.Description, "10.0.1.7:40312") {
		t.Errorf("TranscoderMissing description %q lacks the count and who is connected", missing.Description)
	}
	if !strings.Contains(low.Description, "10 sessions in all") {
		t.Errorf("TranscoderCapacityLow description %q lacks the capacity", low.Description)
	}

	node.node.SetRemoteTranscoders(two)
	hook.wait(deadline, "TranscoderMissing resolved once the transcoder is back", of(missing.Fingerprint, "resolved"))
	hook.wait(deadline, "TranscoderCapacityLow resolved once the transcoder is back", of(low.Fingerprint, "resolved"))

	// While the node itself is down, NodeDown reports it; the transcoder
	// alerts neither fire nor resolve.
	node.stop()
	hook.wait(deadline, "NodeDown while the node is down", named("NodeDown", "firing", labels...))
	lp.probeRuns("transcoders", 2)
	hook.once("TranscoderMissing firing", named("TranscoderMissing", "firing"))
	hook.once("TranscoderCapacityLow firing", named("TranscoderCapacityLow", "firing"))
}
