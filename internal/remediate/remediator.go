package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/store"
)

// AlertBreakerOpen is the alert a runbook's open breaker raises: critical,
// label runbook.
const AlertBreakerOpen = "RemediationBreakerOpen"

// Run states.
const (
	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	// StateAborted: lpops restarted while an action ran; see the package
	// documentation.
	StateAborted = "aborted"
	// StateSkipped: a scheduled occurrence a guard held back.
	StateSkipped = "skipped"
	StateDryRun  = "dry_run"
)

// Step outcomes.
const (
	OutcomePending     = "pending"
	OutcomeRunning     = "running"
	OutcomeOK          = "ok"
	OutcomeFailed      = "failed"
	OutcomeDryRun      = "dry_run"
	OutcomeInterrupted = "interrupted"
	// OutcomeNotRun marks the steps after the one that ended the run.
	OutcomeNotRun = "not_run"
)

// Breaker states.
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half_open"
)

// Trigger kinds.
const (
	TriggerAlert    = "alert"
	TriggerSchedule = "schedule"
)

// Buckets of the store the remediator owns.
const (
	bucketRuns     = "remediation.runs"
	bucketRunbooks = "remediation.runbook"
	bucketTargets  = "remediation.target"
)

// ErrUnknownRunbook is returned by Reset for a name no runbook has.
var ErrUnknownRunbook = errors.New("no such runbook")

// Store is the part of the embedded store the remediator uses.
type Store interface {
	Put(bucket string, key []byte, v any) error
	Get(bucket string, key []byte, v any) error
	Delete(bucket string, key []byte) error
	Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error
}

// AlertSource is the alert engine as the remediator reads it.
type AlertSource interface {
	Doc() alert.Doc
}

var (
	_ Store       = (*store.Store)(nil)
	_ AlertSource = (*alert.Engine)(nil)
)

// Options configure a Remediator. Zero values take the defaults.
type Options struct {
	Settings
	// Store persists runs (the audit log), runbook and target state. Required.
	Store Store
	// Alerts is read every Interval for alerts that trigger runbooks; nil:
	// only schedules trigger.
	Alerts AlertSource
	// Sink receives RemediationBreakerOpen; nil: the breaker raises nothing.
	Sink alert.Sink
	// Units restarts systemd units; nil: SystemdUnits (D-Bus).
	Units UnitManager
	// HTTPClient makes the http and wait_http_ok requests; timeouts come
	// from the steps. Nil: a client of its own.
	HTTPClient *http.Client
	// PollInterval is how often waits re-check; 0: DefaultPollInterval.
	PollInterval time.Duration
	// Location is the time zone of schedules' at; nil: time.Local.
	Location *time.Location
	// Now and Rand drive schedules, jitter, guards and timestamps.
	Now  func() time.Time
	Rand *rand.Rand

	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Remediator runs runbooks when their alerts fire or their schedule comes.
// See the package documentation.
type Remediator struct {
	st           Store
	alerts       AlertSource
	sink         alert.Sink
	units        UnitManager
	http         *http.Client
	dryRun       bool
	interval     time.Duration
	pollInterval time.Duration
	keep         int
	now          func() time.Time
	loc          *time.Location
	log          *slog.Logger
	m            *metrics

	wake chan struct{}
	wg   sync.WaitGroup

	// mu guards everything below, the books' and targets' state and every
	// Run in progress.
	mu      sync.Mutex
	rnd     *rand.Rand
	books   []*book
	byName  map[string]*book
	targets map[string]*target
	lastID  uint64
	stored  []uint64 // ids of the runs in the store, oldest first
	// obs are breaker observations to send once mu is released.
	obs []alert.Observation
}

// book is a runbook and its state.
type book struct {
	rb     Runbook
	st     bookState
	active *Run // the run in progress
	resume *Run // a run interrupted by a restart, resumed at the next Evaluate
	// schedBase is the current occurrence before jitter, schedDue when it
	// runs; zero without a schedule.
	schedBase, schedDue time.Time
	// waiting says why a triggered run has not started (logged once).
	waiting string
}

// bookState is a runbook's persisted state.
type bookState struct {
	Failures    int       `json:"consecutive_failures"`
	Breaker     string    `json:"breaker"`
	OpenedAt    time.Time `json:"opened_at,omitzero"`
	LastRun     uint64    `json:"last_run,omitempty"`
	LastEnd     time.Time `json:"last_end,omitzero"`
	LastOutcome string    `json:"last_outcome,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	// Settled holds, by alert fingerprint, the StartsAt of the episode a
	// run settled; the runbook does not run again for that episode.
	Settled map[string]time.Time `json:"settled,omitempty"`
}

// target is what actions act on, with its one-action-at-a-time slot.
type target struct {
	key string
	sem chan struct{}
	st  targetState
}

// targetState is a target's persisted state.
type targetState struct {
	// Attempts are the start times of recent actions, within the longest
	// rate-limit window of the runbooks acting on the target.
	Attempts []time.Time `json:"attempts,omitempty"`
	Failures int         `json:"consecutive_failures"`
	LastEnd  time.Time   `json:"last_end,omitzero"`
}

// New validates the runbooks, loads their state and the audit log, and
// settles runs a restart interrupted (resumed at the first Evaluate, or
// aborted: see the package documentation). Nothing runs until Evaluate or
// Run.
func New(o Options) (*Remediator, error) {
	if o.Store == nil {
		return nil, errors.New("remediation: no store")
	}
	r := &Remediator{
		st: o.Store, alerts: o.Alerts, sink: o.Sink, units: o.Units, http: o.HTTPClient,
		dryRun: o.DryRun, interval: o.Interval, pollInterval: o.PollInterval, keep: o.AuditKeep,
		now: o.Now, loc: o.Location, log: o.Logger, rnd: o.Rand,
		wake: make(chan struct{}, 1), byName: map[string]*book{}, targets: map[string]*target{},
	}
	if r.units == nil {
		r.units = SystemdUnits{}
	}
	if r.http == nil {
		r.http = &http.Client{}
	}
	if r.interval <= 0 {
		r.interval = config.DefaultRemediationInterval
	}
	if r.pollInterval <= 0 {
		r.pollInterval = DefaultPollInterval
	}
	if r.keep <= 0 {
		r.keep = config.DefaultAuditKeep
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.loc == nil {
		r.loc = time.Local
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = r.log.With("component", "remediate")
	if r.rnd == nil {
		r.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	for i, rb := range o.Runbooks {
		if err := checkRunbook(rb); err != nil {
			return nil, fmt.Errorf("remediation: runbook %d: %w", i, err)
		}
		if r.byName[rb.Name] != nil {
			return nil, fmt.Errorf("remediation: two runbooks named %q", rb.Name)
		}
		b := &book{rb: rb.withDefaults(), st: bookState{Breaker: BreakerClosed}}
		r.books = append(r.books, b)
		r.byName[rb.Name] = b
	}
	r.m = newMetrics(o.Registerer, r.books)

	r.mu.Lock()
	now := r.now()
	if err := r.load(now); err != nil {
		r.mu.Unlock()
		return nil, err
	}
	for _, b := range r.books {
		if s := b.rb.Schedule; s != nil {
			b.schedBase = s.first(now, r.loc)
			b.schedDue = b.schedBase.Add(s.offset(r.rnd))
		}
		r.m.breaker.WithLabelValues(b.rb.Name).Set(flag01(b.st.Breaker != BreakerClosed))
		r.queueBreakerObservation(b)
	}
	r.unlock()
	return r, nil
}

// checkRunbook rejects what the configuration's validation would, for
// runbooks assembled by hand.
func checkRunbook(rb Runbook) error {
	if rb.Name == "" {
		return errors.New("no name")
	}
	if len(rb.Steps) == 0 {
		return fmt.Errorf("%s: no steps", rb.Name)
	}
	for i, s := range rb.Steps {
		var missing string
		switch s.Type {
		case StepSystemdRestart:
			if s.Unit == "" {
				missing = "unit"
			}
		case StepCommand:
			if len(s.Argv) == 0 {
				missing = "argv"
			}
		case StepHTTP, StepWaitHTTPOK, StepWaitRPCSynced:
			if s.URL == "" {
				missing = "url"
			}
		default:
			return fmt.Errorf("%s: step %d: unknown type %q", rb.Name, i, s.Type)
		}
		if missing != "" {
			return fmt.Errorf("%s: step %d (%s): no %s", rb.Name, i, s.Type, missing)
		}
	}
	return nil
}

// load reads runbook and target state and the audit log, and settles runs
// left running by a restart.
func (r *Remediator) load(now time.Time) error {
	for _, b := range r.books {
		var st bookState
		switch err := r.st.Get(bucketRunbooks, []byte(b.rb.Name), &st); {
		case err == nil:
			if st.Breaker == "" {
				st.Breaker = BreakerClosed
			}
			b.st = st
		case !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("load runbook %s state: %w", b.rb.Name, err)
		}
	}
	err := r.st.Scan(bucketTargets, nil, false, func(k, v []byte) bool {
		t := r.target(string(k))
		if err := json.Unmarshal(v, &t.st); err != nil {
			r.log.Error("skipping unreadable target record", "target", string(k), "err", err)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("load remediation targets: %w", err)
	}
	var interrupted []*Run
	err = r.st.Scan(bucketRuns, nil, false, func(k, v []byte) bool {
		run := new(Run)
		if err := json.Unmarshal(v, run); err != nil {
			r.log.Error("skipping unreadable run record", "key", fmt.Sprintf("%x", k), "err", err)
			return true
		}
		r.stored = append(r.stored, run.ID)
		r.lastID = max(r.lastID, run.ID)
		if run.State == StateRunning {
			interrupted = append(interrupted, run)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("load remediation runs: %w", err)
	}
	for _, run := range interrupted {
		r.settleInterrupted(run, now)
	}
	return nil
}

// settleInterrupted decides what becomes of a run a restart interrupted:
// resumed at a wait or between steps, aborted during an action.
func (r *Remediator) settleInterrupted(run *Run, now time.Time) {
	b := r.byName[run.Runbook]
	abort := func(why string) {
		r.log.Warn("aborting a run interrupted by a restart", "runbook", run.Runbook, "run", run.ID, "reason", why)
		if b == nil {
			run.State, run.EndedAt, run.Error = StateAborted, now, why
			_ = r.saveRun(run)
			return
		}
		r.finishLocked(b, run, StateAborted, why, now)
	}
	switch {
	case b == nil:
		abort("the runbook is no longer configured")
		return
	case b.active != nil || b.resume != nil:
		abort("another run of the runbook was already in progress")
		return
	case !sameSteps(run.Steps, b.rb.Steps):
		abort("the runbook's steps changed since the run started")
		return
	}
	b.active = run // holds the runbook until Evaluate resumes or we abort
	i := run.Step
	rec := &run.Steps[i]
	step := b.rb.Steps[i]
	switch {
	case rec.Outcome == OutcomeRunning && step.IsAction() && !run.DryRun:
		rec.Outcome, rec.EndedAt = OutcomeInterrupted, now
		rec.Error = "lpops stopped while this action ran; whether it took effect is unknown"
		markNotRun(run, i+1)
		abort(fmt.Sprintf("lpops stopped during step %d (%s); the action is not repeated blindly", i+1, step.Name))
		return
	case rec.Outcome == OutcomeFailed:
		markNotRun(run, i+1)
		r.finishLocked(b, run, StateFailed, fmt.Sprintf("step %d (%s): %s", i+1, step.Name, rec.Error), now)
		return
	case rec.Outcome == OutcomeOK || rec.Outcome == OutcomeDryRun:
		run.Step = i + 1
	default: // pending, or a wait that was running: do it again
		*rec = StepRecord{Name: rec.Name, Type: rec.Type, Target: rec.Target, Detail: rec.Detail, Outcome: OutcomePending}
	}
	run.Resumed++
	r.log.Info("resuming a run interrupted by a restart", "runbook", run.Runbook, "run", run.ID, "step", run.Step+1)
	b.active, b.resume = nil, run
	_ = r.saveRun(run)
}

func sameSteps(recs []StepRecord, steps []Step) bool {
	if len(recs) != len(steps) {
		return false
	}
	for i, s := range steps {
		if recs[i].Name != s.Name || recs[i].Type != s.Type {
			return false
		}
	}
	return true
}

func markNotRun(run *Run, from int) {
	for j := from; j < len(run.Steps); j++ {
		if run.Steps[j].Outcome == OutcomePending {
			run.Steps[j].Outcome = OutcomeNotRun
		}
	}
}

// Run evaluates every Interval, and at once on Wake, until ctx ends; then
// it waits for runs in progress to stop (their records stay running, to be
// resumed or aborted at the next start).
func (r *Remediator) Run(ctx context.Context) error {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		r.Evaluate(ctx)
		select {
		case <-ctx.Done():
			r.wg.Wait()
			return nil
		case <-t.C:
		case <-r.wake:
		}
	}
}

// Wake makes Run evaluate now, for a caller that just changed alert state.
func (r *Remediator) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Wait blocks until every run started so far has ended, or stopped with
// the context it was started under (tests, shutdown).
func (r *Remediator) Wait() { r.wg.Wait() }

// Evaluate starts the runs that are due: interrupted runs to resume,
// scheduled occurrences, and runbooks whose alerts fire, each as far as
// its guards allow. Runs go on in the background under ctx.
func (r *Remediator) Evaluate(ctx context.Context) {
	var doc alert.Doc
	if r.alerts != nil {
		doc = r.alerts.Doc()
	}
	r.mu.Lock()
	defer r.unlock()
	now := r.now()
	for _, b := range r.books {
		if b.resume != nil {
			run := b.resume
			b.resume, b.active = nil, run
			r.wg.Add(1)
			go r.execute(ctx, b, run)
			continue
		}
		r.cooldown(b, now)
		r.forgetSettled(b, doc)
		trig := r.scheduled(b, now)
		if trig != nil && now.Sub(trig.ScheduledFor) > r.maxLate() {
			r.skip(b, trig, fmt.Sprintf("missed by %s: lpops was not evaluating then (suspended, or the host overloaded)",
				now.Sub(trig.ScheduledFor).Round(time.Second)), now)
			trig = nil
		}
		if trig == nil && b.active == nil {
			trig = r.alerted(b, doc)
		}
		if trig == nil {
			b.waiting = ""
			continue
		}
		why := ""
		if b.active != nil {
			why = fmt.Sprintf("run %d is in progress", b.active.ID)
		} else {
			why = r.held(b, now)
		}
		if why != "" {
			if trig.Kind == TriggerSchedule {
				r.skip(b, trig, why, now)
			} else if b.waiting != why {
				r.log.Warn("runbook triggered but held back", "runbook", b.rb.Name, "alert", trig.Alertname, "reason", why)
			}
			b.waiting = why
			continue
		}
		b.waiting = ""
		r.start(ctx, b, trig, now)
	}
}

// cooldown moves an open breaker whose cooldown passed to half-open.
func (r *Remediator) cooldown(b *book, now time.Time) {
	if b.st.Breaker != BreakerOpen || now.Before(b.st.OpenedAt.Add(b.rb.Breaker.Cooldown)) {
		return
	}
	b.st.Breaker = BreakerHalfOpen
	r.saveBook(b)
	r.log.Info("breaker cooldown passed; the next run is a trial", "runbook", b.rb.Name)
}

// forgetSettled drops settled episodes whose alert no longer fires in that
// episode, so the set stays small.
func (r *Remediator) forgetSettled(b *book, doc alert.Doc) {
	if len(b.st.Settled) == 0 || r.alerts == nil {
		return
	}
	live := map[string]time.Time{}
	for i := range doc.Alerts {
		if a := &doc.Alerts[i]; a.Firing() {
			live[a.Fingerprint] = a.StartsAt
		}
	}
	changed := false
	for fp, at := range b.st.Settled {
		if l, ok := live[fp]; !ok || !l.Equal(at) {
			delete(b.st.Settled, fp)
			changed = true
		}
	}
	if changed {
		r.saveBook(b)
	}
}

// scheduled returns the schedule's trigger when an occurrence is due, and
// moves the schedule to the next occurrence after now (missed ones are
// skipped, not caught up).
func (r *Remediator) scheduled(b *book, now time.Time) *Trigger {
	s := b.rb.Schedule
	if s == nil || now.Before(b.schedDue) {
		return nil
	}
	trig := &Trigger{Kind: TriggerSchedule, ScheduledFor: b.schedDue, Summary: s.String()}
	for {
		b.schedBase = s.next(b.schedBase, r.loc)
		b.schedDue = b.schedBase.Add(s.offset(r.rnd))
		if b.schedDue.After(now) {
			break
		}
	}
	return trig
}

// maxLate is how late a scheduled occurrence may still run: Evaluate runs
// every interval, so anything later means lpops was not running its checks,
// and a nightly restart must not happen at noon instead.
func (r *Remediator) maxLate() time.Duration { return max(10*r.interval, time.Minute) }

// alerted returns the trigger of the oldest firing, unsilenced alert that
// matches the runbook and whose episode no run has settled.
func (r *Remediator) alerted(b *book, doc alert.Doc) *Trigger {
	var pick *alert.Alert
	for i := range doc.Alerts {
		a := &doc.Alerts[i]
		if !a.Firing() || a.SilencedBy != "" || !b.matches(a) {
			continue
		}
		if at, ok := b.st.Settled[a.Fingerprint]; ok && at.Equal(a.StartsAt) {
			continue
		}
		if pick == nil || a.StartsAt.Before(pick.StartsAt) {
			pick = a
		}
	}
	if pick == nil {
		return nil
	}
	return &Trigger{Kind: TriggerAlert, Alertname: pick.Name, Labels: pick.Labels, Fingerprint: pick.Fingerprint,
		AlertStartsAt: pick.StartsAt, Summary: pick.Summary}
}

func (b *book) matches(a *alert.Alert) bool {
	return slices.ContainsFunc(b.rb.When, func(m Matcher) bool { return m.Matches(a) })
}

// held says why the runbook may not start now: its breaker, its backoff,
// a target's backoff or rate limit. Empty: it may.
func (r *Remediator) held(b *book, now time.Time) string {
	st := &b.st
	switch st.Breaker {
	case BreakerOpen:
		return fmt.Sprintf("breaker open since %s after %d failed runs; reset it or wait until %s",
			st.OpenedAt.UTC().Format(time.RFC3339), st.Failures, st.OpenedAt.Add(b.rb.Breaker.Cooldown).UTC().Format(time.RFC3339))
	case BreakerClosed:
		if until := st.LastEnd.Add(b.rb.Backoff.After(st.Failures)); st.Failures > 0 && now.Before(until) {
			return fmt.Sprintf("backing off after %d failed runs until %s", st.Failures, until.UTC().Format(time.RFC3339))
		}
	}
	if b.dryRun(r) {
		return "" // a dry run acts on nothing: no target guard applies
	}
	uses := map[string]int{}
	for _, s := range b.rb.Steps {
		if s.IsAction() {
			uses[s.Target()]++
		}
	}
	for _, key := range slices.Sorted(maps.Keys(uses)) {
		t := r.target(key)
		if until := t.st.LastEnd.Add(b.rb.Backoff.After(t.st.Failures)); t.st.Failures > 0 && now.Before(until) {
			return fmt.Sprintf("%s is backing off after %d failed actions until %s", key, t.st.Failures, until.UTC().Format(time.RFC3339))
		}
		if n := t.recent(now, b.rb.RateLimit.Per); n+uses[key] > b.rb.RateLimit.Max {
			return fmt.Sprintf("rate limit: %s had %d actions in the last %s (at most %d)", key, n, config.Duration{Duration: b.rb.RateLimit.Per}, b.rb.RateLimit.Max)
		}
	}
	return ""
}

func (b *book) dryRun(r *Remediator) bool { return r.dryRun || b.rb.DryRun }

// recent counts the target's actions within per before now.
func (t *target) recent(now time.Time, per time.Duration) int {
	n := 0
	for _, at := range t.st.Attempts {
		if now.Sub(at) < per {
			n++
		}
	}
	return n
}

// target returns the target keyed key, creating it.
func (r *Remediator) target(key string) *target {
	t := r.targets[key]
	if t == nil {
		t = &target{key: key, sem: make(chan struct{}, 1)}
		r.targets[key] = t
	}
	return t
}

// start creates the run, persists it and starts it.
func (r *Remediator) start(ctx context.Context, b *book, trig *Trigger, now time.Time) {
	run := r.newRun(b, trig, now)
	run.State = StateRunning
	if err := r.saveRun(run); err != nil {
		// Without its record a restart could not tell what ran: do not act.
		r.log.Error("cannot record a run; not starting it", "runbook", b.rb.Name, "err", err)
		r.lastID--
		return
	}
	r.addStored(run.ID)
	r.log.Info("runbook started", "runbook", b.rb.Name, "run", run.ID, "trigger", trig.String(), "dry_run", run.DryRun)
	b.active = run
	r.wg.Add(1)
	go r.execute(ctx, b, run)
}

func (r *Remediator) newRun(b *book, trig *Trigger, now time.Time) *Run {
	r.lastID++
	run := &Run{ID: r.lastID, Runbook: b.rb.Name, Trigger: *trig, DryRun: b.dryRun(r), StartedAt: now}
	for _, s := range b.rb.Steps {
		run.Steps = append(run.Steps, StepRecord{Name: s.Name, Type: s.Type, Target: s.Target(), Detail: s.Detail(), Outcome: OutcomePending})
	}
	return run
}

// skip audits a scheduled occurrence that a guard held back.
func (r *Remediator) skip(b *book, trig *Trigger, why string, now time.Time) {
	run := r.newRun(b, trig, now)
	run.State, run.EndedAt, run.Error = StateSkipped, now, why
	markNotRun(run, 0)
	if err := r.saveRun(run); err != nil {
		r.log.Error("record skipped run", "runbook", b.rb.Name, "err", err)
	} else {
		r.addStored(run.ID)
	}
	r.m.runs.WithLabelValues(b.rb.Name, StateSkipped).Inc()
	r.log.Warn("scheduled run skipped", "runbook", b.rb.Name, "scheduled_for", trig.ScheduledFor, "reason", why)
}

// Reset closes a runbook's breaker and clears its failure count, resolving
// RemediationBreakerOpen; the runbook acts again at the next trigger.
func (r *Remediator) Reset(name string) (RunbookStatus, error) {
	r.mu.Lock()
	b := r.byName[name]
	if b == nil {
		r.mu.Unlock()
		return RunbookStatus{}, ErrUnknownRunbook
	}
	was := b.st.Breaker
	b.st.Breaker, b.st.OpenedAt, b.st.Failures = BreakerClosed, time.Time{}, 0
	b.waiting = ""
	r.saveBook(b)
	r.m.breaker.WithLabelValues(name).Set(0)
	r.queueBreakerObservation(b)
	r.log.Info("breaker reset", "runbook", name, "was", was)
	st := r.statusLocked(b)
	r.unlock()
	r.Wake()
	return st, nil
}

// queueBreakerObservation queues the RemediationBreakerOpen observation of
// b's breaker state, sent by unlock.
func (r *Remediator) queueBreakerObservation(b *book) {
	if r.sink == nil {
		return
	}
	st := b.st
	o := alert.Observation{
		Name: AlertBreakerOpen, Labels: map[string]string{"runbook": b.rb.Name}, Severity: alert.Critical,
		Firing:  st.Breaker != BreakerClosed,
		Summary: fmt.Sprintf("Remediation runbook %s stopped after %d failed runs in a row", b.rb.Name, st.Failures),
	}
	if o.Firing {
		o.Description = fmt.Sprintf("Last error: %s. lpops will not run it again until the breaker is reset "+
			"(POST /api/v1/runbooks/%s/reset) or its cooldown ends at %s; then one trial run decides. "+
			"Repair by hand; the audit log (GET /api/v1/actions) has every attempt.",
			orNone(st.LastError), b.rb.Name, st.OpenedAt.Add(b.rb.Breaker.Cooldown).UTC().Format(time.RFC3339))
	} else {
		o.Description = "The breaker is closed; the runbook acts on its triggers."
	}
	r.obs = append(r.obs, o)
}

// unlock releases mu, then sends the queued observations: the alert engine
// is never called with mu held.
func (r *Remediator) unlock() {
	obs := r.obs
	r.obs = nil
	r.mu.Unlock()
	if len(obs) > 0 && r.sink != nil {
		r.sink.Observe(obs...)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none recorded"
	}
	return s
}

func flag01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
