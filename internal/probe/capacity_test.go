package probe

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/capacity"
)

// capacityNode serves /metrics as go-livepeer's OpenCensus Prometheus
// exporter writes them (monitor/census.go): the session gauges, and the
// transcode_score Distribution view as a histogram with its buckets 0, .5,
// 1, 1.5, … 40, cumulative, plus +Inf, _sum and _count.
type capacityNode struct {
	mu          sync.Mutex
	cur, max    int
	count, slow int // transcode_score samples, and those with score <= 1
	noScore     bool
	code        int
}

func (n *capacityNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.code != 0 {
		w.WriteHeader(n.code)
		return
	}
	const lbl = `node_id="orch1",node_type="orch"`
	fmt.Fprintf(w, "# HELP livepeer_current_sessions_total Number of currently transcoded streams\n# TYPE livepeer_current_sessions_total gauge\nlivepeer_current_sessions_total{%s} %d\n", lbl, n.cur)
	fmt.Fprintf(w, "# HELP livepeer_max_sessions_total MaxSessions\n# TYPE livepeer_max_sessions_total gauge\nlivepeer_max_sessions_total{%s} %d\n", lbl, n.max)
	if n.noScore {
		return
	}
	hl := `node_id="orch1",node_type="orch",profiles="P240p30fps16x9,P360p30fps16x9,P720p30fps16x9",trusted="true",verified="true"`
	fmt.Fprint(w, "# HELP livepeer_transcode_score Ratio of source segment duration vs. transcode time\n# TYPE livepeer_transcode_score histogram\n")
	for _, le := range []string{"0", "0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "10", "15", "20", "40", "+Inf"} {
		c := n.count
		switch le {
		case "0":
			c = 0
		case "0.5", "1":
			c = n.slow
		}
		fmt.Fprintf(w, "livepeer_transcode_score_bucket{%s,le=\"%s\"} %d\n", hl, le, c)
	}
	fmt.Fprintf(w, "livepeer_transcode_score_sum{%s} %d\nlivepeer_transcode_score_count{%s} %d\n", hl, 3*n.count, hl, n.count)
}

func (n *capacityNode) set(f func(n *capacityNode)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f(n)
}

func newCapacityProbe(t *testing.T, report string) (*capacityNode, *Capacity, *time.Time) {
	t.Helper()
	n := &capacityNode{cur: 3, max: 10, count: 100}
	srv := httptest.NewServer(n)
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	p, err := NewCapacity(CapacityOptions{MetricsURL: srv.URL + "/metrics", ReportPath: report, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return n, p, &now
}

func TestCapacityExhausted(t *testing.T) {
	n, p, now := newCapacityProbe(t, "")
	res := check(t, p)
	wantObs(t, res, AlertCapacityExhausted, false)
	if res.Values["current_sessions"] != 3 || res.Values["max_sessions"] != 10 {
		t.Errorf("values %v", res.Values)
	}

	// Full, but the sessions only just reached the limit.
	n.set(func(n *capacityNode) { n.cur, n.count, n.slow = 10, 130, 15 })
	res = check(t, p)
	wantObs(t, res, AlertCapacityExhausted, false)
	if got := res.Values["segments_behind_share"]; got != 0.5 {
		t.Errorf("behind share %v, want 0.5 (15 of 30)", got)
	}

	// Full for 6 minutes and behind: fires.
	*now = now.Add(6 * time.Minute)
	n.set(func(n *capacityNode) { n.count, n.slow = 160, 25 })
	res = check(t, p)
	o := wantObs(t, res, AlertCapacityExhausted, true)
	if res.Success || !strings.Contains(o.Description, "sessions 10 of -maxSessions=10, at the limit for 6m0s; 33 % of the segments") {
		t.Errorf("success %v, description %q", res.Success, o.Description)
	}

	// Still full, but keeping up again.
	*now = now.Add(time.Minute)
	n.set(func(n *capacityNode) { n.count = 200 })
	wantObs(t, check(t, p), AlertCapacityExhausted, false)

	// Behind but below the limit: not this alert's business.
	*now = now.Add(time.Minute)
	n.set(func(n *capacityNode) { n.cur, n.count, n.slow = 9, 240, 65 })
	res = check(t, p)
	wantObs(t, res, AlertCapacityExhausted, false)
	if _, ok := res.Values["at_limit_seconds"]; ok {
		t.Errorf("at_limit_seconds reported below the limit: %v", res.Values)
	}

	// The node restarted (the histogram counts fell): a new baseline.
	n.set(func(n *capacityNode) { n.cur, n.count, n.slow = 10, 5, 5 })
	res = check(t, p)
	wantObs(t, res, AlertCapacityExhausted, false)
	if _, ok := res.Values["segments_behind_share"]; ok {
		t.Errorf("a restart's counts were taken as a delta: %v", res.Values)
	}
}

func TestCapacityWithoutScore(t *testing.T) {
	n, p, now := newCapacityProbe(t, "")
	n.set(func(n *capacityNode) { n.cur, n.noScore = 10, true })
	check(t, p)
	*now = now.Add(time.Hour)
	res := check(t, p)
	wantObs(t, res, AlertCapacityExhausted, false)
	if !strings.Contains(res.Evidence["behind_real_time"], "cannot be judged") {
		t.Errorf("evidence %v", res.Evidence)
	}
}

func TestCapacityMetricsDown(t *testing.T) {
	n, p, _ := newCapacityProbe(t, "")
	n.set(func(n *capacityNode) { n.code = http.StatusServiceUnavailable })
	res := check(t, p)
	if res.Success || !strings.Contains(res.Error, "HTTP 503") || len(res.Observations) != 0 {
		t.Errorf("result %+v", res)
	}
}

// TestCapacityReadsBenchReport: the probe reports the capacity the last
// lpops bench measured, read from the report bench saves.
func TestCapacityReadsBenchReport(t *testing.T) {
	path := capacity.LastReportPath(t.TempDir())
	_, p, now := newCapacityProbe(t, path)
	res := check(t, p)
	if !strings.Contains(res.Evidence["bench"], "no lpops bench report yet") {
		t.Errorf("evidence %v", res.Evidence)
	}
	l, err := capacity.ParseLadder("")
	if err != nil {
		t.Fatal(err)
	}
	rep := &capacity.Report{Schema: capacity.Schema, FinishedAt: now.Add(-time.Hour), Engine: "ffmpeg (libx264, lpms software settings)",
		Ladder: l, MaxRatio: 0.8, Recommendation: capacity.Recommend(6, l, 29, 0.8)}
	if err := rep.Save(path); err != nil {
		t.Fatal(err)
	}
	res = check(t, p)
	want := map[string]float64{"bench_capacity_sessions": 6, "bench_recommended_max_sessions": 5, "bench_age_seconds": 3600, "bench_headroom_sessions": 3}
	for k, v := range want {
		if res.Values[k] != v {
			t.Errorf("%s = %v, want %v (values %v)", k, res.Values[k], v, res.Values)
		}
	}
	if !strings.Contains(res.Evidence["max_sessions_above_bench"], "-maxSessions=10 is above the 6 sessions") {
		t.Errorf("evidence %v", res.Evidence)
	}
	if _, err := NewCapacity(CapacityOptions{ReportPath: filepath.Join(t.TempDir(), "x")}); err == nil {
		t.Error("no error without a metrics URL")
	}
}
