package probe

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/lpops/lpops/internal/alert"
)

// fakeClock is an injected clock tests advance by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// funcProbe is a probe whose check is a function.
type funcProbe struct {
	name  string
	check func(ctx context.Context) Result

	mu   sync.Mutex
	runs int
}

func (p *funcProbe) Name() string { return p.name }

func (p *funcProbe) Check(ctx context.Context) Result {
	p.mu.Lock()
	p.runs++
	p.mu.Unlock()
	return p.check(ctx)
}

func (p *funcProbe) Runs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.runs
}

// sink records observations.
type sink struct {
	mu  sync.Mutex
	obs []alert.Observation
}

func (s *sink) Observe(obs ...alert.Observation) {
	s.mu.Lock()
	s.obs = append(s.obs, obs...)
	s.mu.Unlock()
}

func (s *sink) All() []alert.Observation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]alert.Observation(nil), s.obs...)
}

func newTestRunner(t *testing.T, clock *fakeClock, reg prometheus.Registerer, snk alert.Sink) *Runner {
	t.Helper()
	r, err := NewRunner(RunnerOptions{Interval: 10 * time.Second, Timeout: 5 * time.Second, Sink: snk, Registerer: reg, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunnerRecordsResultsMetricsAndObservations(t *testing.T) {
	clock := newClock()
	reg := prometheus.NewRegistry()
	snk := &sink{}
	r := newTestRunner(t, clock, reg, snk)
	fails := false
	good := &funcProbe{name: "good", check: func(ctx context.Context) Result {
		clock.Advance(1500 * time.Millisecond) // the check "takes" 1.5 s on the injected clock
		vals := map[string]float64{"head_age_seconds": 3, "lag_blocks": 1}
		if fails {
			vals = map[string]float64{"head_age_seconds": 300}
		}
		return Result{Success: !fails, Values: vals, Evidence: map[string]string{"seen": "block 7"},
			Observations: []alert.Observation{{Name: "Thing", Severity: alert.Warning, Firing: fails}}}
	}}
	bad := &funcProbe{name: "bad", check: func(ctx context.Context) Result { return Result{} }}
	r.Add(good, Schedule{})
	r.Add(bad, Schedule{})

	got := r.RunOnce(context.Background())
	if len(got) != 2 || got[0].Probe != "good" || got[1].Probe != "bad" {
		t.Fatalf("RunOnce = %+v, want results of good then bad", got)
	}
	if got[1].Success || got[1].Error != "failed" {
		t.Errorf("a failed probe without a reason: %+v, want error %q", got[1], "failed")
	}
	if d := got[0].Duration; d != 1500*time.Millisecond {
		t.Errorf("duration = %s, want 1.5s from the injected clock", d)
	}
	if v := metricValue(t, reg, "lpops_probe_success", "probe", "good"); v != 1 {
		t.Errorf("lpops_probe_success{probe=good} = %v", v)
	}
	if v := metricValue(t, reg, "lpops_probe_success", "probe", "bad"); v != 0 {
		t.Errorf("lpops_probe_success{probe=bad} = %v", v)
	}
	if v := metricValue(t, reg, "lpops_probe_duration_seconds", "probe", "good"); v != 1.5 {
		t.Errorf("lpops_probe_duration_seconds{probe=good} = %v", v)
	}
	if v := metricValue(t, reg, "lpops_probe_value", "probe", "good", "name", "lag_blocks"); v != 1 {
		t.Errorf("lpops_probe_value{probe=good,name=lag_blocks} = %v", v)
	}
	if n := len(snk.All()); n != 1 {
		t.Errorf("sink got %d observations, want 1", n)
	}

	// Not due yet: nothing runs.
	clock.Advance(5 * time.Second)
	if got := r.RunOnce(context.Background()); len(got) != 0 {
		t.Errorf("RunOnce before the interval ran %d probes", len(got))
	}
	clock.Advance(5 * time.Second)
	fails = true
	got = r.RunOnce(context.Background())
	if len(got) != 2 || got[0].Success || len(got[0].Firing) != 1 || got[0].Firing[0] != "Thing" {
		t.Fatalf("second run = %+v, want good failing with Thing firing", got)
	}
	// A value the probe no longer reports disappears from /metrics.
	if got := seriesCount(t, reg, "lpops_probe_value"); got != 1 {
		t.Errorf("lpops_probe_value has %d series, want only head_age_seconds", got)
	}
	if v := metricValue(t, reg, "lpops_probe_value", "probe", "good", "name", "head_age_seconds"); v != 300 {
		t.Errorf("head_age_seconds = %v, want 300", v)
	}

	res := r.Results()
	if len(res) != 2 || res[0].Probe != "good" || res[0].Evidence["seen"] != "block 7" || res[0].At.IsZero() {
		t.Errorf("Results = %+v", res)
	}
	res[0].Evidence["seen"] = "changed"
	if r.Results()[0].Evidence["seen"] != "block 7" {
		t.Error("Results shares its maps with the Runner")
	}
}

func TestRunnerScheduleOverride(t *testing.T) {
	clock := newClock()
	r := newTestRunner(t, clock, nil, nil)
	often := &funcProbe{name: "node", check: func(context.Context) Result { return Result{Success: true} }}
	rarely := &funcProbe{name: "releases", check: func(context.Context) Result { return Result{Success: true} }}
	r.Add(often, Schedule{})
	r.Add(rarely, Schedule{Interval: 6 * time.Hour})
	for range 72 { // 12 minutes in 10 s steps
		r.RunOnce(context.Background())
		clock.Advance(10 * time.Second)
	}
	if often.Runs() != 72 || rarely.Runs() != 1 {
		t.Errorf("runs: node %d, releases %d; want 72 and 1", often.Runs(), rarely.Runs())
	}
	clock.Advance(6 * time.Hour)
	r.RunOnce(context.Background())
	if rarely.Runs() != 2 {
		t.Errorf("releases ran %d times after 6 h, want 2", rarely.Runs())
	}
}

// A probe that ignores its context must not hold the Runner past its timeout,
// and must not pile up goroutines while it stays stuck.
func TestRunnerHungProbe(t *testing.T) {
	clock := newClock()
	r, err := NewRunner(RunnerOptions{Interval: 10 * time.Second, Timeout: 50 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	hung := &funcProbe{name: "hung", check: func(context.Context) Result {
		<-release // ignores ctx
		return Result{Success: true}
	}}
	r.Add(hung, Schedule{})

	done := make(chan []Result, 1)
	go func() { done <- r.RunOnce(context.Background()) }()
	var got []Result
	select {
	case got = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("RunOnce still waiting on a hung probe")
	}
	if len(got) != 1 || got[0].Success || got[0].Error != "timed out after 50ms" {
		t.Fatalf("RunOnce = %+v, want a timeout failure", got)
	}

	clock.Advance(10 * time.Second)
	got = r.RunOnce(context.Background())
	if len(got) != 1 || !strings.Contains(got[0].Error, "previous run has not returned") || hung.Runs() != 1 {
		t.Fatalf("second run = %+v after %d checks; want it skipped while the first is stuck", got, hung.Runs())
	}

	close(release)
	deadline := time.Now().Add(30 * time.Second)
	for {
		clock.Advance(10 * time.Second)
		got = r.RunOnce(context.Background())
		if len(got) == 1 && got[0].Success {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("probe never recovered after its call returned: %+v", got)
		}
		time.Sleep(time.Millisecond) // yield to the returning goroutine
	}
}

// A probe that returns its own result when its context ends keeps that
// result (it says what it waited for).
func TestRunnerKeepsProbesOwnTimeoutResult(t *testing.T) {
	clock := newClock()
	r, err := NewRunner(RunnerOptions{Interval: 10 * time.Second, Timeout: 20 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r.Add(&funcProbe{name: "polite", check: func(ctx context.Context) Result {
		<-ctx.Done()
		return Result{Error: "GET /orchestratorInfo: no answer"}
	}}, Schedule{})
	got := r.RunOnce(context.Background())
	if len(got) != 1 || got[0].Error != "GET /orchestratorInfo: no answer" {
		t.Errorf("RunOnce = %+v", got)
	}
}

func TestRunnerRun(t *testing.T) {
	snk := &sink{}
	r, err := NewRunner(RunnerOptions{Interval: 5 * time.Millisecond, Sink: snk})
	if err != nil {
		t.Fatal(err)
	}
	p := &funcProbe{name: "p", check: func(context.Context) Result {
		return Result{Success: true, Observations: []alert.Observation{{Name: "X"}}}
	}}
	r.Add(p, Schedule{})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- r.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for p.Runs() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("Run ran the probe %d times", p.Runs())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if len(snk.All()) < 3 {
		t.Errorf("sink got %d observations, want one per run", len(snk.All()))
	}
}

func TestRunnerSharesMetricsOnOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewRunner(RunnerOptions{Interval: time.Second, Registerer: reg}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewRunner(RunnerOptions{Interval: time.Second, Registerer: reg}); err != nil {
		t.Errorf("second runner on the same registry: %v", err)
	}
}

// metricValue gathers reg and returns the value of the series of name with
// the given label pairs (and maybe others); it fails the test when there is
// none.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string, labelPairs ...string) float64 {
	t.Helper()
	m, _, ok := findSeries(t, reg, name, false, labelPairs...)
	if !ok {
		t.Fatalf("no series %s%v", name, labelPairs)
	}
	return seriesValue(m)
}

// findSeries gathers reg and finds the series of name that has the label
// pairs (exact: and no other label), with its family's type.
func findSeries(t *testing.T, reg prometheus.Gatherer, name string, exact bool, labelPairs ...string) (*dto.Metric, dto.MetricType, bool) {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			if exact && len(have) != len(labelPairs)/2 {
				continue
			}
			for i := 0; i+1 < len(labelPairs); i += 2 {
				if have[labelPairs[i]] != labelPairs[i+1] {
					continue next
				}
			}
			return m, f.GetType(), true
		}
	}
	return nil, 0, false
}

func seriesValue(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}

// seriesCount is how many series the family name has.
func seriesCount(t *testing.T, reg prometheus.Gatherer, name string) int {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return len(f.GetMetric())
		}
	}
	return 0
}

// multiProbe is a Multi whose run is a function.
type multiProbe struct {
	names []string
	check func(ctx context.Context) []Result
}

func (p *multiProbe) Name() string                          { return p.names[0] }
func (p *multiProbe) Names() []string                       { return p.names }
func (p *multiProbe) Check(ctx context.Context) Result      { return p.check(ctx)[0] }
func (p *multiProbe) CheckAll(ctx context.Context) []Result { return p.check(ctx) }

// A Multi is one scheduled probe whose every Result is recorded, exported
// and forwarded under its own name; a run that returns nothing (a hung
// probe) fails every name.
func TestRunnerMulti(t *testing.T) {
	clock := newClock()
	reg := prometheus.NewRegistry()
	snk := &sink{}
	r := newTestRunner(t, clock, reg, snk)
	hang := make(chan struct{})
	close(hang)
	runs := 0
	p := &multiProbe{names: []string{"stake", "stake-0xb", "stake-0xc"}, check: func(ctx context.Context) []Result {
		runs++
		<-hang
		out := make([]Result, 3)
		for i, o := range []string{"0xa", "0xb", "0xc"} {
			out[i] = Result{Success: i != 2, Orchestrator: o, Values: map[string]float64{"total_stake_lpt": float64(i + 1)},
				Observations: []alert.Observation{{Name: "NotInActiveSet", Firing: i == 2, Labels: map[string]string{"orchestrator": o}}}}
		}
		return out
	}}
	r.Add(&funcProbe{name: "rpc", check: func(context.Context) Result { return Result{Success: true} }}, Schedule{})
	r.Add(p, Schedule{})

	got := r.RunOnce(context.Background())
	var order []string
	for _, res := range got {
		order = append(order, res.Probe)
	}
	if strings.Join(order, ",") != "rpc,stake,stake-0xb,stake-0xc" || runs != 1 {
		t.Fatalf("RunOnce results %v after %d runs, want rpc then the three stake results of one run", order, runs)
	}
	if got[3].Success || got[3].Error != "failed" || len(got[3].Firing) != 1 {
		t.Errorf("stake-0xc = %+v, want failed with its alert firing", got[3])
	}
	for _, tc := range []struct {
		Probe string
		Want  float64
	}{{"stake", 1}, {"stake-0xb", 1}, {"stake-0xc", 0}} {
		if v := metricValue(t, reg, "lpops_probe_success", "probe", tc.Probe); v != tc.Want {
			t.Errorf("lpops_probe_success{probe=%s} = %v, want %v", tc.Probe, v, tc.Want)
		}
	}
	if v := metricValue(t, reg, "lpops_probe_value", "probe", "stake-0xb", "name", "total_stake_lpt"); v != 2 {
		t.Errorf("stake-0xb's total_stake_lpt = %v, want 2", v)
	}
	if n := len(snk.All()); n != 3 {
		t.Errorf("sink got %d observations, want one per result", n)
	}
	if res := r.Results(); len(res) != 4 || res[2].Probe != "stake-0xb" || res[2].Orchestrator != "0xb" {
		t.Errorf("Results = %+v", res)
	}

	// Hung: every name fails with the timeout.
	hang = make(chan struct{})
	defer close(hang)
	clock.Advance(10 * time.Second)
	r2, err := NewRunner(RunnerOptions{Interval: 10 * time.Second, Timeout: 20 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r2.Add(p, Schedule{})
	got = r2.RunOnce(context.Background())
	if len(got) != 3 {
		t.Fatalf("a hung Multi gave %d results, want 3", len(got))
	}
	for _, res := range got {
		if res.Success || res.Error != "timed out after 20ms" {
			t.Errorf("%s = %+v, want the timeout", res.Probe, res)
		}
	}

	// Names are unique across probes, a Multi's included.
	defer func() {
		if recover() == nil {
			t.Error("a probe named like another's result was added")
		}
	}()
	r.Add(&funcProbe{name: "stake-0xb", check: func(context.Context) Result { return Result{} }}, Schedule{})
}

// A Group runs its probes in one run: each Result under its own name, all
// the observations handed to the sink in one Observe.
func TestRunnerGroup(t *testing.T) {
	snk := &countingSink{}
	r, err := NewRunner(RunnerOptions{Interval: time.Minute, Sink: snk})
	if err != nil {
		t.Fatal(err)
	}
	var ps []Probe
	for _, name := range []string{"duty", "duty-0xb", "duty-0xc"} {
		ps = append(ps, &funcProbe{name: name, check: func(context.Context) Result {
			return Result{Success: true, Observations: []alert.Observation{{Name: "RewardMissed", Labels: map[string]string{"probe": name}}}}
		}})
	}
	r.Add(NewGroup(ps...), Schedule{})
	got := r.RunOnce(context.Background())
	if len(got) != 3 || got[0].Probe != "duty" || got[2].Probe != "duty-0xc" || !got[2].Success {
		t.Fatalf("RunOnce = %+v", got)
	}
	if snk.calls != 1 || snk.n != 3 {
		t.Errorf("sink called %d times with %d observations, want once with 3", snk.calls, snk.n)
	}
}

// countingSink counts Observe calls and observations.
type countingSink struct {
	mu       sync.Mutex
	calls, n int
}

func (s *countingSink) Observe(obs ...alert.Observation) {
	s.mu.Lock()
	s.calls++
	s.n += len(obs)
	s.mu.Unlock()
}
