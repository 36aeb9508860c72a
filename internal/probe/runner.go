package probe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
)

// DefaultRunTimeout bounds one run of a probe when neither RunnerOptions nor
// Schedule set a timeout.
const DefaultRunTimeout = 30 * time.Second

// returnGrace is how long the Runner waits, once a probe's timeout has
// passed, for the probe to return its own result (which says what it was
// waiting for) before it records a bare timeout.
const returnGrace = 200 * time.Millisecond

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Interval is how often a probe runs unless its Schedule says otherwise
	// (probes.interval). Required.
	Interval time.Duration
	// Timeout bounds one run of a probe unless its Schedule says otherwise;
	// zero means DefaultRunTimeout. A run never gets longer than its interval.
	Timeout time.Duration
	// Sink receives every result's observations; nil drops them.
	Sink alert.Sink
	// Registerer receives lpops_probe_*; nil means no metrics.
	Registerer prometheus.Registerer
	// OrchestratorLabel adds the orchestrator label (Result.Orchestrator)
	// to the typed metrics of an orchestrator's own values: set it for a
	// fleet, where several orchestrators report them.
	OrchestratorLabel bool
	// Now is the clock results are stamped and scheduled with; nil means
	// time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Schedule overrides the Runner's interval or timeout for one probe (the
// releases probe runs every few hours). Zero fields take the Runner's.
type Schedule struct {
	Interval time.Duration
	Timeout  time.Duration
}

// Runner runs probes on their schedules, each concurrently and bounded by its
// timeout, keeps the last result of each for status, exports them as metrics
// and hands their observations to the alert engine.
//
// A probe that ignores its context cannot hold the Runner: after its timeout
// the run is recorded as failed, and later runs of that probe are recorded as
// failed without starting it again until the stuck call returns, so a hung
// dependency costs one goroutine, not one per interval.
type Runner struct {
	interval time.Duration
	timeout  time.Duration
	sink     alert.Sink
	now      func() time.Time
	log      *slog.Logger
	m        *runnerMetrics

	// pmu guards probes and the running loop set, so probes can be added
	// while the Runner runs (the chain probes need the resolved contracts).
	pmu     sync.Mutex
	probes  []*scheduled
	runCtx  context.Context
	running *sync.WaitGroup

	mu      sync.Mutex
	results map[string]Result
}

// list returns the probes added so far.
func (r *Runner) list() []*scheduled {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	return slices.Clone(r.probes)
}

// scheduled is one probe and its schedule. next, running and values are
// guarded by mu.
type scheduled struct {
	probe    Probe
	name     string
	names    []string // its Results' names: name alone, or a Multi's Names
	interval time.Duration
	timeout  time.Duration

	mu      sync.Mutex
	next    time.Time // zero: due now
	running bool
	// values are the value names last exported, by result name, to delete
	// those that vanish.
	values map[string][]string
}

// check runs the probe once: a Multi's Results, or the one Result.
func (s *scheduled) check(ctx context.Context) []Result {
	if m, ok := s.probe.(Multi); ok {
		return m.CheckAll(ctx)
	}
	return []Result{s.probe.Check(ctx)}
}

// failed is one failed Result per name, for a run that returned none.
func (s *scheduled) failed(at time.Time, why string) []Result {
	out := make([]Result, len(s.names))
	for i, n := range s.names {
		out[i] = Result{Probe: n, At: at, Error: why}
	}
	return out
}

// NewRunner returns a Runner with no probes; Add them before Run.
func NewRunner(o RunnerOptions) (*Runner, error) {
	if o.Interval <= 0 {
		return nil, errors.New("probe runner: interval must be positive")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultRunTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m, err := newRunnerMetrics(o.Registerer, o.OrchestratorLabel)
	if err != nil {
		return nil, err
	}
	return &Runner{
		interval: o.Interval, timeout: o.Timeout, sink: o.Sink, now: o.Now,
		log: o.Logger.With("component", "probes"), m: m, results: map[string]Result{},
	}, nil
}

// Add schedules p; names (a Multi's Names included) must be unique. Added
// while Run runs, p starts at once.
func (r *Runner) Add(p Probe, s Schedule) {
	if s.Interval <= 0 {
		s.Interval = r.interval
	}
	if s.Timeout <= 0 {
		s.Timeout = r.timeout
	}
	s.Timeout = min(s.Timeout, s.Interval)
	names := []string{p.Name()}
	if m, ok := p.(Multi); ok {
		names = m.Names()
		if len(names) == 0 || names[0] != p.Name() {
			panic(fmt.Sprintf("probe runner: probe %q: its first result name is %q", p.Name(), names))
		}
	}
	r.pmu.Lock()
	defer r.pmu.Unlock()
	taken := map[string]bool{}
	for _, o := range r.probes {
		for _, n := range o.names {
			taken[n] = true
		}
	}
	for _, n := range names {
		if taken[n] {
			panic(fmt.Sprintf("probe runner: two probes named %q", n))
		}
		taken[n] = true
	}
	sc := &scheduled{probe: p, name: p.Name(), names: names, interval: s.Interval, timeout: s.Timeout, values: map[string][]string{}}
	r.probes = append(r.probes, sc)
	for _, n := range names {
		r.m.init(n)
	}
	if r.running != nil {
		ctx := r.runCtx
		r.running.Go(func() { r.loop(ctx, sc) })
	}
}

// Run runs every probe on its schedule until ctx ends. Each probe has its
// own loop, so a slow probe never delays another.
func (r *Runner) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	r.pmu.Lock()
	r.runCtx, r.running = ctx, &wg
	for _, s := range r.probes {
		wg.Go(func() { r.loop(ctx, s) })
	}
	r.pmu.Unlock()
	<-ctx.Done()
	wg.Wait()
	return nil
}

func (r *Runner) loop(ctx context.Context, s *scheduled) {
	for {
		if r.due(s) {
			r.run(ctx, s)
		}
		s.mu.Lock()
		wait := s.next.Sub(r.now())
		s.mu.Unlock()
		// Clamped so a clock that jumps (or a test's fake one) neither spins
		// nor sleeps past one interval.
		wait = max(min(wait, s.interval), 10*time.Millisecond)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce runs, concurrently, every probe that is due at the Runner's clock
// (all of them on the first call) and returns when each has a result: the
// step tests drive with an injected clock.
func (r *Runner) RunOnce(ctx context.Context) []Result {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out []Result
	)
	for _, s := range r.list() {
		if !r.due(s) {
			continue
		}
		wg.Go(func() {
			if res, ok := r.run(ctx, s); ok {
				mu.Lock()
				out = append(out, res...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b Result) int { return r.index(a.Probe) - r.index(b.Probe) })
	return out
}

// index is the place of a result name in the order probes were added.
func (r *Runner) index(name string) int {
	i := 0
	for _, s := range r.list() {
		for _, n := range s.names {
			if n == name {
				return i
			}
			i++
		}
	}
	return i
}

func (r *Runner) due(s *scheduled) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !r.now().Before(s.next)
}

// run runs s once and records its results. It reports false when ctx ended
// first (shutdown): that is not the probe's failure and is not recorded.
func (r *Runner) run(ctx context.Context, s *scheduled) ([]Result, bool) {
	start := r.now()
	s.mu.Lock()
	// On the probe's grid, so probes of one interval added together stay
	// in step (the read scheduler batches their reads together) instead
	// of drifting apart by the timers' lateness; a run that starts a whole
	// interval late starts a new grid.
	if next := s.next.Add(s.interval); !s.next.IsZero() && start.Before(next) && !start.Before(s.next) {
		s.next = next
	} else {
		s.next = start.Add(s.interval)
	}
	busy := s.running
	s.running = true
	s.mu.Unlock()
	if busy {
		res := s.failed(start, fmt.Sprintf("the previous run has not returned after its %s timeout; not started again", s.timeout))
		return r.recordAll(s, res), true
	}

	pctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	done := make(chan []Result, 1)
	go func() {
		res := s.check(pctx)
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
		done <- res
	}()
	var res []Result
	select {
	case res = <-done:
	case <-pctx.Done():
		grace := time.NewTimer(returnGrace)
		select {
		case res = <-done:
		case <-grace.C:
			res = s.failed(start, fmt.Sprintf("timed out after %s", s.timeout))
		}
		grace.Stop()
	}
	if ctx.Err() != nil {
		return nil, false
	}
	if len(res) != len(s.names) {
		res = s.failed(start, fmt.Sprintf("the probe returned %d results for %d names", len(res), len(s.names)))
	}
	took := r.now().Sub(start)
	for i := range res {
		res[i].Probe = s.names[i]
		res[i].At = start
		res[i].Duration = took
		if !res[i].Success && res[i].Error == "" {
			res[i].Error = "failed"
		}
		if res[i].Success {
			res[i].Error = ""
		}
	}
	return r.recordAll(s, res), true
}

// recordAll records each of a run's results and hands the observations of
// all of them to the sink at once (one reconcile of the alert engine for a
// fleet's hundreds), before the probe runs again.
func (r *Runner) recordAll(s *scheduled, res []Result) []Result {
	var obs []alert.Observation
	for i := range res {
		res[i] = r.record(s, res[i])
		obs = append(obs, res[i].Observations...)
	}
	if r.sink != nil && len(obs) > 0 {
		r.sink.Observe(obs...)
	}
	return res
}

// record keeps res for status and exports it (recordAll forwards its
// observations). It returns res with Firing filled in.
func (r *Runner) record(s *scheduled, res Result) Result {
	res.Firing = res.Firing[:0:0]
	for _, o := range res.Observations {
		if o.Firing {
			res.Firing = append(res.Firing, o.Name)
		}
	}
	r.mu.Lock()
	prev, seen := r.results[res.Probe]
	r.results[res.Probe] = res
	r.mu.Unlock()

	switch {
	case !res.Success && (!seen || prev.Success):
		r.log.Warn("probe failing", "probe", res.Probe, "err", res.Error)
	case res.Success && seen && !prev.Success:
		r.log.Info("probe recovered", "probe", res.Probe)
	}

	s.mu.Lock()
	s.values[res.Probe] = r.m.observe(res, s.values[res.Probe])
	s.mu.Unlock()
	return res
}

// Results returns the last result of every probe that has run, in the order
// the probes were added. The copies share nothing with the Runner.
func (r *Runner) Results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Result, 0, len(r.results))
	for _, s := range r.list() {
		for _, n := range s.names {
			res, ok := r.results[n]
			if !ok {
				continue
			}
			res.Values = maps.Clone(res.Values)
			res.Evidence = maps.Clone(res.Evidence)
			res.Firing = slices.Clone(res.Firing)
			res.Observations = slices.Clone(res.Observations)
			out = append(out, res)
		}
	}
	return out
}

// runnerMetrics holds lpops_probe_*. A nil *runnerMetrics records nothing.
type runnerMetrics struct {
	success  *prometheus.GaugeVec
	duration *prometheus.GaugeVec
	lastRun  *prometheus.GaugeVec
	value    *prometheus.GaugeVec
	typed    *typedMetrics // metrics_typed.go
}

func newRunnerMetrics(reg prometheus.Registerer, orchLabel bool) (*runnerMetrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &runnerMetrics{
		success: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_probe_success",
			Help: "1 if the probe's last run passed: it could check, and found nothing wrong.",
		}, []string{"probe"}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_probe_duration_seconds",
			Help: "How long the probe's last run took.",
		}, []string{"probe"}),
		lastRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_probe_last_run_timestamp_seconds",
			Help: "Unix time the probe last ran.",
		}, []string{"probe"}),
		value: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_probe_value",
			Help: "A value the probe measured in its last run (head age, lag, sessions, ...), by probe and value name.",
		}, []string{"probe", "name"}),
	}
	var err error
	reuse := func(g *prometheus.GaugeVec) *prometheus.GaugeVec {
		if err != nil {
			return g
		}
		if rerr := reg.Register(g); rerr != nil {
			var are prometheus.AlreadyRegisteredError
			existing, ok := (*prometheus.GaugeVec)(nil), false
			if errors.As(rerr, &are) {
				existing, ok = are.ExistingCollector.(*prometheus.GaugeVec)
			}
			if !ok {
				err = fmt.Errorf("register probe metrics: %w", rerr)
				return g
			}
			// A second Runner on the same registry shares the series.
			return existing
		}
		return g
	}
	m.success = reuse(m.success)
	m.duration = reuse(m.duration)
	m.lastRun = reuse(m.lastRun)
	m.value = reuse(m.value)
	if err != nil {
		return nil, err
	}
	if m.typed, err = registerTyped(reg, orchLabel); err != nil {
		return nil, err
	}
	return m, nil
}

// init creates the probe's series before its first run, so a probe that
// never finished shows as 0 instead of missing.
func (m *runnerMetrics) init(probe string) {
	if m == nil {
		return
	}
	m.success.WithLabelValues(probe)
	m.duration.WithLabelValues(probe)
}

// observe exports res and returns the value names it exported; series of
// names in prev that res no longer has are deleted.
func (m *runnerMetrics) observe(res Result, prev []string) []string {
	if m == nil {
		return nil
	}
	m.success.WithLabelValues(res.Probe).Set(flag01(res.Success))
	m.duration.WithLabelValues(res.Probe).Set(res.Duration.Seconds())
	if !res.At.IsZero() {
		m.lastRun.WithLabelValues(res.Probe).Set(float64(res.At.UnixNano()) / 1e9)
	}
	m.typed.observe(res)
	names := slices.Sorted(maps.Keys(res.Values))
	for _, n := range names {
		m.value.WithLabelValues(res.Probe, n).Set(res.Values[n])
	}
	for _, n := range prev {
		if _, ok := res.Values[n]; !ok {
			m.value.DeleteLabelValues(res.Probe, n)
		}
	}
	return names
}

func flag01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
