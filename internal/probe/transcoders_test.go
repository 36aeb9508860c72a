package probe

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/nodeapi"
)

// The orchestrator's /status is go-livepeer's HTTP CLI API, a boundary these
// tests cannot run: fakeNode (node_test.go) serves it in go-livepeer's wire
// format, RegisteredTranscoders as common.RemoteTranscoderInfo{Address,
// Capacity} and LocalTranscoding true exactly when the node was started with
// -transcoder (it then lists none).

func setupTranscoders(t *testing.T, o TranscodersOptions) (*fakeNode, *Transcoders) {
	t.Helper()
	n, srv := newFakeNode(t)
	cli, err := nodeapi.New(srv.URL, 200*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.CLI, o.Orchestrator = cli, testOrch
	p, err := NewTranscoders(o)
	if err != nil {
		t.Fatal(err)
	}
	return n, p
}

var threeTranscoders = []nodeapi.RemoteTranscoder{
	{Address: "10.0.1.7:40312", Capacity: 10}, {Address: "10.0.1.8:51022", Capacity: 10}, {Address: "10.0.1.9:39411", Capacity: 20},
}

func TestTranscoders(t *testing.T) {
	sessions := func(s float64, ok bool) func() (float64, bool) { return func() (float64, bool) { return s, ok } }
	tests := []struct {
		name     string
		remote   []nodeapi.RemoteTranscoder
		opts     TranscodersOptions
		missing  bool // TranscoderMissing firing
		low      bool // TranscoderCapacityLow firing
		values   map[string]float64
		evidence string // in the TranscoderMissing description
	}{
		{"AllConnected", threeTranscoders, TranscodersOptions{Expected: 3, MinCapacity: 30, Sessions: sessions(12, true)}, false, false,
			map[string]float64{"transcoders": 3, "capacity": 40, "transcoders_expected": 3, "min_capacity": 30, "current_sessions": 12, "capacity_utilization": 0.3, "local_transcoding": 0},
			"10.0.1.7:40312 (capacity 10), 10.0.1.8:51022 (capacity 10), 10.0.1.9:39411 (capacity 20)"},
		{"OneGoneCapacityStillEnough", threeTranscoders[1:], TranscodersOptions{Expected: 3, MinCapacity: 30}, true, false,
			map[string]float64{"transcoders": 2, "capacity": 30}, "2 of 3 expected transcoders connected"},
		{"CapacityLow", threeTranscoders[:2], TranscodersOptions{Expected: 2, MinCapacity: 30, Sessions: sessions(19, true)}, false, true,
			map[string]float64{"transcoders": 2, "capacity": 20, "current_sessions": 19, "capacity_utilization": 0.95}, "2 transcoders connected"},
		{"NoneConnected", []nodeapi.RemoteTranscoder{}, TranscodersOptions{Expected: 1, MinCapacity: 1}, true, true,
			map[string]float64{"transcoders": 0, "capacity": 0, "local_transcoding": 0}, "every stream sent to it fails"},
		{"NodeTranscodesItself", nil, TranscodersOptions{Expected: 2}, true, false,
			map[string]float64{"transcoders": 0, "local_transcoding": 1}, "started with -transcoder"},
		{"CapacitySaturates", []nodeapi.RemoteTranscoder{{Address: "a:1", Capacity: math.MaxInt}, {Address: "b:1", Capacity: math.MaxInt}}, TranscodersOptions{Expected: 2, MinCapacity: 30}, false, false,
			map[string]float64{"transcoders": 2, "capacity": math.MaxInt}, "2 transcoders connected"},
		{"SessionsUnknown", threeTranscoders, TranscodersOptions{Expected: 3, Sessions: sessions(0, false)}, false, false,
			map[string]float64{"transcoders": 3, "capacity": 40}, "3 transcoders connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, p := setupTranscoders(t, tt.opts)
			n.set(func(n *fakeNode) { n.remote = tt.remote })
			res := check(t, p)
			if res.Success == (tt.missing || tt.low) {
				t.Errorf("Success = %v, Error %q", res.Success, res.Error)
			}
			if tt.opts.Expected > 0 {
				o := wantObs(t, res, AlertTranscoderMissing, tt.missing, "orchestrator", hexAddr(testOrch))
				if !strings.Contains(o.Description, tt.evidence) {
					t.Errorf("TranscoderMissing description %q, want it to hold %q", o.Description, tt.evidence)
				}
				if o.Requires != SourceNode || o.Severity != alert.Warning {
					t.Errorf("TranscoderMissing requires %q, severity %s", o.Requires, o.Severity)
				}
			} else {
				wantNoObs(t, res, AlertTranscoderMissing)
			}
			if tt.opts.MinCapacity > 0 {
				wantObs(t, res, AlertTranscoderCapacityLow, tt.low)
			} else {
				wantNoObs(t, res, AlertTranscoderCapacityLow)
			}
			for k, want := range tt.values {
				if got, ok := res.Values[k]; !ok || got != want {
					t.Errorf("value %s = %v (present %v), want %v", k, got, ok, want)
				}
			}
			if _, ok := res.Values["current_sessions"]; ok && tt.opts.Sessions == nil {
				t.Error("current_sessions without a sessions source")
			}
		})
	}
}

// A node whose /status does not answer is NodeDown's business: the
// transcoders probe fails but judges nothing, so its alerts keep their
// state rather than calling every transcoder gone.
func TestTranscodersNodeDown(t *testing.T) {
	n, p := setupTranscoders(t, TranscodersOptions{Expected: 3, MinCapacity: 30})
	n.set(func(n *fakeNode) { n.hang["/status"] = true })
	res := check(t, p)
	if res.Success || !strings.Contains(res.Error, "GET /status") || len(res.Observations) != 0 {
		t.Errorf("result %+v, want a failure naming GET /status and no observation", res)
	}
	if _, ok := res.Values["transcoders"]; ok {
		t.Errorf("transcoders value %v reported from a node that did not answer", res.Values["transcoders"])
	}
}

// Many transcoders are counted in full but listed only in part; a hostile
// address is quoted on one bounded line.
func TestTranscodersEvidenceIsBounded(t *testing.T) {
	var many []nodeapi.RemoteTranscoder
	for i := range 50 {
		many = append(many, nodeapi.RemoteTranscoder{Address: "10.0.2.1:4000" + string(rune('0'+i%10)), Capacity: 2})
	}
	many[0].Address = "evil\nhost " + strings.Repeat("x", 4000)
	n, p := setupTranscoders(t, TranscodersOptions{Expected: 60})
	n.set(func(n *fakeNode) { n.remote = many })
	res := check(t, p)
	ev := res.Evidence["transcoders"]
	if res.Values["transcoders"] != 50 || res.Values["capacity"] != 100 {
		t.Errorf("values %v, want 50 transcoders of capacity 100", res.Values)
	}
	if strings.Contains(ev, "\n") || len(ev) > 4096 || !strings.HasSuffix(ev, "and 30 more") {
		t.Errorf("evidence of %d bytes %.200q..., want one bounded line ending with 'and 30 more'", len(ev), ev)
	}
}
