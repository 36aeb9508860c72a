package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/testenv"
)

// TestAlertmanagerWireFormat follows Alertmanager's documented API v2
// postAlerts: POST /api/v2/alerts with a JSON list of {labels, annotations,
// startsAt, endsAt}; endsAt is now + resolve_timeout while firing and the
// end time once resolved.
func TestAlertmanagerWireFormat(t *testing.T) {
	r := newReceiver(t, http.StatusOK, "")
	n := mustNew(t, config.Channel{Name: "am", Type: "alertmanager", URL: r.URL + "/prefix/",
		ResolveTimeout: config.Duration{Duration: 2 * time.Hour}})
	// The clock reads 18:10:05, after the alert ended at 18:04.
	n.(*Alertmanager).now = func() time.Time { return t0.Add(10 * time.Minute) }
	f := firing()
	f.Labels["node.name"] = "orch-1"
	if err := n.Notify(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), resolvedOf(f)); err != nil {
		t.Fatal(err)
	}
	got := r.requests()
	if len(got) != 2 {
		t.Fatalf("got %d requests, want 2", len(got))
	}
	labels := map[string]any{
		"alertname": "RewardMissed", "severity": "critical", "node_name": "orch-1",
		"orchestrator": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "round": "4127",
	}
	annotations := map[string]any{
		"summary":     "reward not called in round 4127",
		"description": "the round ends in 12 blocks & the node's <reward> call failed",
		"fingerprint": "a1b2c3d4e5f60718",
	}
	for i, endsAt := range []string{"2026-03-01T20:10:05Z", "2026-03-01T18:04:00Z"} {
		req := got[i]
		if req.Method != http.MethodPost || req.Path != "/prefix/api/v2/alerts" || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s (%s), want a JSON POST to /prefix/api/v2/alerts", req.Method, req.Path, req.Header.Get("Content-Type"))
		}
		var body []map[string]any
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatalf("body is not a JSON list: %v\n%s", err, req.Body)
		}
		want := []map[string]any{{"labels": labels, "annotations": annotations, "startsAt": "2026-03-01T18:00:00Z", "endsAt": endsAt}}
		if !reflect.DeepEqual(body, want) {
			t.Errorf("request %d\n got: %v\nwant: %v", i, body, want)
		}
	}
}

func TestAlertmanagerRejected(t *testing.T) {
	r := newReceiver(t, http.StatusBadRequest, `{"code":400,"message":"start time must be before end time"}`)
	err := mustNew(t, config.Channel{Name: "am", Type: "alertmanager", URL: r.URL}).Notify(context.Background(), firing())
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest || se.Temporary() {
		t.Errorf("error %v, want a permanent 400", err)
	}
}

// alertmanagerBinary finds Debian's alertmanager: .tools/bin/alertmanager
// (scripts/install-test-tools.sh unpacks Debian's prometheus-alertmanager
// package and wraps its binary there), alertmanager on PATH, or
// prometheus-alertmanager, the name the Debian package installs.
func alertmanagerBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"alertmanager", "prometheus-alertmanager"} {
		if p, ok := testenv.LookTool(name); ok {
			return p
		}
	}
	const install = "run scripts/install-test-tools.sh (it unpacks Debian's prometheus-alertmanager into .tools)"
	if os.Getenv("CI") == "true" {
		t.Fatalf("alertmanager not found (CI=true, so this is a failure): %s", install)
	}
	t.Skipf("alertmanager not found in .tools/bin or PATH: %s", install)
	return ""
}

// gettableAlert is the part of Alertmanager's API v2 gettableAlert the test
// reads.
type gettableAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

// TestAlertmanagerReal posts a firing and then a resolved alert to a real
// Alertmanager (Debian's prometheus-alertmanager) and reads them back with
// GET /api/v2/alerts, which lists an alert until its endsAt has passed.
func TestAlertmanagerReal(t *testing.T) {
	bin := alertmanagerBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(testenv.FreePort(t))
	testenv.StartProc(t, bin, []string{
		"--config.file=" + cfg,
		"--storage.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr,
		"--cluster.listen-address=", // no gossip port: a single, private instance
		"--log.level=debug",
	}, nil)
	base := "http://" + addr
	testenv.WaitFor(t, 30*time.Second, "alertmanager to be ready", func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	now := time.Now().UTC().Truncate(time.Second)
	n, err := New(config.Channel{Name: "am", Type: "alertmanager", URL: base})
	if err != nil {
		t.Fatal(err)
	}
	n.(*Alertmanager).now = func() time.Time { return now }
	f := firing()
	f.StartsAt = now.Add(-time.Minute)
	if err := n.Notify(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	list := func() []gettableAlert {
		resp, err := http.Get(base + "/api/v2/alerts?filter=alertname%3D%22RewardMissed%22")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var as []gettableAlert
		if err := json.NewDecoder(resp.Body).Decode(&as); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/v2/alerts: %s, %v", resp.Status, err)
		}
		return as
	}
	var got []gettableAlert
	testenv.WaitFor(t, 10*time.Second, "the firing alert to be listed", func() bool {
		got = list()
		return len(got) == 1
	})
	a := got[0]
	wantLabels := map[string]string{"alertname": "RewardMissed", "severity": "critical",
		"orchestrator": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "round": "4127"}
	wantAnn := map[string]string{"summary": "reward not called in round 4127",
		"description": "the round ends in 12 blocks & the node's <reward> call failed", "fingerprint": "a1b2c3d4e5f60718"}
	if !reflect.DeepEqual(a.Labels, wantLabels) || !reflect.DeepEqual(a.Annotations, wantAnn) {
		t.Errorf("alert labels %v annotations %v\nwant %v and %v", a.Labels, a.Annotations, wantLabels, wantAnn)
	}
	if !a.StartsAt.Equal(f.StartsAt) || !a.EndsAt.Equal(now.Add(config.DefaultResolveTimeout)) {
		t.Errorf("startsAt %s endsAt %s, want %s and now + %s", a.StartsAt, a.EndsAt, f.StartsAt, config.DefaultResolveTimeout)
	}
	if a.Status.State != "active" && a.Status.State != "unprocessed" {
		t.Errorf("state %q, want active", a.Status.State)
	}

	r := resolvedOf(f)
	r.EndsAt = now
	if err := n.Notify(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, "the resolved alert to leave the list", func() bool {
		return len(list()) == 0
	})
}
