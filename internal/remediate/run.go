package remediate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/store"
)

// Run is one run of a runbook: the state machine persisted at every
// transition, and the audit record of what it did.
type Run struct {
	ID      uint64  `json:"id"`
	Runbook string  `json:"runbook"`
	Trigger Trigger `json:"trigger"`
	DryRun  bool    `json:"dry_run,omitempty"`
	// State is running, succeeded, failed, aborted, skipped or dry_run.
	State     string    `json:"state"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	Error     string    `json:"error,omitempty"`
	// Step is the index of the step running, or next to run.
	Step  int          `json:"step"`
	Steps []StepRecord `json:"steps"`
	// Resumed counts restarts of lpops this run was resumed after.
	Resumed int `json:"resumed,omitempty"`
}

// Trigger is what started a run.
type Trigger struct {
	Kind          string            `json:"kind"` // alert | schedule
	Alertname     string            `json:"alertname,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Fingerprint   string            `json:"fingerprint,omitempty"`
	AlertStartsAt time.Time         `json:"alert_starts_at,omitzero"`
	ScheduledFor  time.Time         `json:"scheduled_for,omitzero"`
	Summary       string            `json:"summary,omitempty"`
}

func (t Trigger) String() string {
	if t.Kind == TriggerAlert {
		return "alert " + Matcher{Alertname: t.Alertname, Labels: t.Labels}.String()
	}
	return "schedule " + t.Summary
}

// StepRecord is one step of a run in the audit log.
type StepRecord struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Target string `json:"target,omitempty"`
	// Detail says what the step does (secrets left out).
	Detail    string    `json:"detail"`
	StartedAt time.Time `json:"started_at,omitzero"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	// Outcome is pending, running, ok, failed, dry_run, interrupted or not_run.
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
	// Output is the tail of a command's output or an HTTP answer, or what
	// a wait saw last.
	Output string `json:"output,omitempty"`
}

// execute runs the run's steps from run.Step. It owns the run until it
// finishes it, or until ctx ends (lpops stopping), when it leaves the
// record as it stands for the next start to resume or abort.
func (r *Remediator) execute(ctx context.Context, b *book, run *Run) {
	defer r.wg.Done()
	r.mu.Lock()
	steps, dry := b.rb.Steps, run.DryRun
	trigger := run.Trigger.String()
	r.mu.Unlock()
	for i := run.Step; i < len(steps); i++ {
		step := steps[i]
		r.mu.Lock()
		if ctx.Err() != nil {
			r.stopped(b, run)
			r.mu.Unlock()
			return
		}
		run.Step = i
		rec := &run.Steps[i]
		rec.StartedAt, rec.Outcome = r.now(), OutcomeRunning
		err := r.saveRun(run)
		r.mu.Unlock()
		if err != nil {
			r.endStep(b, run, i, "", fmt.Errorf("record the step before running it: %w", err))
			return
		}

		var out string
		if dry {
			out = "dry run: would " + step.Detail()
		} else {
			out, err = r.do(ctx, b, run, step, trigger)
			if ctx.Err() != nil {
				r.mu.Lock()
				r.stopped(b, run)
				r.mu.Unlock()
				return
			}
		}
		if !r.endStep(b, run, i, out, err) {
			return
		}
	}
	state := StateSucceeded
	if dry {
		state = StateDryRun
	}
	r.finish(b, run, state, "")
}

// endStep records step i's end; on failure it ends the run and reports
// false.
func (r *Remediator) endStep(b *book, run *Run, i int, out string, err error) bool {
	r.mu.Lock()
	rec := &run.Steps[i]
	rec.EndedAt, rec.Output = r.now(), out
	result := "success"
	switch {
	case err != nil:
		rec.Outcome, rec.Error, result = OutcomeFailed, err.Error(), "failure"
	case run.DryRun:
		rec.Outcome, result = OutcomeDryRun, "dry_run"
	default:
		rec.Outcome = OutcomeOK
	}
	r.m.actions.WithLabelValues(b.rb.Name, rec.Name, result).Inc()
	r.log.Info("runbook step ended", "runbook", b.rb.Name, "run", run.ID, "step", i+1, "name", rec.Name,
		"outcome", rec.Outcome, "took", rec.EndedAt.Sub(rec.StartedAt), "err", rec.Error)
	if err == nil {
		_ = r.saveRun(run)
		r.mu.Unlock()
		return true
	}
	markNotRun(run, i+1)
	r.finishLocked(b, run, StateFailed, fmt.Sprintf("step %d (%s): %v", i+1, rec.Name, err), r.now())
	r.unlock()
	return false
}

// stopped lets go of a run whose context ended: its record stays running.
func (r *Remediator) stopped(b *book, run *Run) {
	if b.active == run {
		b.active = nil
	}
	r.log.Info("lpops stopping during a run; it is resumed or aborted at the next start", "runbook", b.rb.Name, "run", run.ID, "step", run.Step+1)
}

// do runs one step. Actions take their target's slot (one action at a
// time per target) and count against its rate limit and backoff.
func (r *Remediator) do(ctx context.Context, b *book, run *Run, step Step, trigger string) (string, error) {
	if !step.IsAction() {
		sctx, cancel := context.WithTimeout(ctx, step.Timeout)
		defer cancel()
		switch step.Type {
		case StepWaitRPCSynced:
			return waitRPCSynced(sctx, r.pollInterval, step.URL, step.endpointName(), step.MaxHeadAge, r.now)
		case StepWaitHTTPOK:
			return waitHTTPOK(sctx, r.http, r.pollInterval, step.URL, step.ExpectStatus, step.BodyContains)
		}
		return "", fmt.Errorf("unknown step type %q", step.Type)
	}

	r.mu.Lock()
	t := r.target(step.Target())
	r.mu.Unlock()
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.sem }()

	r.mu.Lock()
	now := r.now()
	if n := t.recent(now, b.rb.RateLimit.Per); n >= b.rb.RateLimit.Max {
		r.mu.Unlock()
		return "", fmt.Errorf("rate limit: %s had %d actions in the last %s (at most %d)", t.key, n, config.Duration{Duration: b.rb.RateLimit.Per}, b.rb.RateLimit.Max)
	}
	// Counted before it runs: an action a crash interrupts still counts.
	t.st.Attempts = append(pruneAttempts(t.st.Attempts, now, r.longestWindow()), now)
	if err := r.saveTarget(t); err != nil {
		r.mu.Unlock()
		return "", fmt.Errorf("record the attempt before acting: %w", err)
	}
	r.mu.Unlock()

	sctx, cancel := context.WithTimeout(ctx, step.Timeout)
	defer cancel()
	var out string
	var err error
	switch step.Type {
	case StepSystemdRestart:
		out, err = r.units.RestartUnit(sctx, step.Unit)
	case StepCommand:
		out, err = runCommand(sctx, step.Argv, []string{
			"LPOPS_RUNBOOK=" + b.rb.Name, "LPOPS_RUN_ID=" + strconv.FormatUint(run.ID, 10), "LPOPS_TRIGGER=" + trigger,
		})
	case StepHTTP:
		out, _, err = callHTTP(sctx, r.http, step.method(), step.URL, step.ExpectStatus)
	}

	r.mu.Lock()
	t.st.LastEnd = r.now()
	if err != nil {
		t.st.Failures++
	} else {
		t.st.Failures = 0
	}
	_ = r.saveTarget(t)
	r.mu.Unlock()
	return out, err
}

// longestWindow is the longest rate-limit window of any runbook: attempts
// older than it count nowhere.
func (r *Remediator) longestWindow() time.Duration {
	var d time.Duration
	for _, b := range r.books {
		d = max(d, b.rb.RateLimit.Per)
	}
	return d
}

func pruneAttempts(at []time.Time, now time.Time, keep time.Duration) []time.Time {
	out := at[:0]
	for _, t := range at {
		if now.Sub(t) < keep {
			out = append(out, t)
		}
	}
	return out
}

// finish ends a run in state (succeeded, failed, dry_run).
func (r *Remediator) finish(b *book, run *Run, state, errText string) {
	var doc alert.Doc
	if r.alerts != nil && (state == StateSucceeded || state == StateDryRun) {
		doc = r.alerts.Doc() // read before mu: the settled episodes
	}
	r.mu.Lock()
	r.settle(b, doc)
	r.finishLocked(b, run, state, errText, r.now())
	r.unlock()
}

// settle marks the episodes of every matching alert firing now as settled.
func (r *Remediator) settle(b *book, doc alert.Doc) {
	for i := range doc.Alerts {
		a := &doc.Alerts[i]
		if a.Firing() && b.matches(a) {
			if b.st.Settled == nil {
				b.st.Settled = map[string]time.Time{}
			}
			b.st.Settled[a.Fingerprint] = a.StartsAt
		}
	}
}

// finishLocked records the run's end and what it means for the runbook:
// success closes the breaker, failure counts towards it. mu is held.
func (r *Remediator) finishLocked(b *book, run *Run, state, errText string, now time.Time) {
	run.State, run.EndedAt, run.Error = state, now, errText
	_ = r.saveRun(run)
	if b.active == run {
		b.active = nil
	}
	st := &b.st
	st.LastRun, st.LastEnd, st.LastOutcome, st.LastError = run.ID, now, state, errText
	if t := run.Trigger; (state == StateSucceeded || state == StateDryRun) && t.Kind == TriggerAlert {
		if st.Settled == nil {
			st.Settled = map[string]time.Time{}
		}
		st.Settled[t.Fingerprint] = t.AlertStartsAt
	}
	switch state {
	case StateSucceeded:
		st.Failures = 0
		if st.Breaker != BreakerClosed {
			st.Breaker, st.OpenedAt = BreakerClosed, time.Time{}
			r.log.Info("breaker closed by a successful run", "runbook", b.rb.Name)
			r.queueBreakerObservation(b)
		}
	case StateFailed, StateAborted:
		st.Failures++
		if st.Breaker == BreakerHalfOpen || (st.Breaker == BreakerClosed && st.Failures >= b.rb.Breaker.Failures) {
			st.Breaker, st.OpenedAt = BreakerOpen, now
			r.log.Error("breaker open: runbook stopped", "runbook", b.rb.Name, "failures", st.Failures, "err", errText)
			r.queueBreakerObservation(b)
		}
	}
	r.saveBook(b)
	r.m.breaker.WithLabelValues(b.rb.Name).Set(flag01(st.Breaker != BreakerClosed))
	r.m.runs.WithLabelValues(b.rb.Name, state).Inc()
	if state != StateDryRun {
		r.m.duration.WithLabelValues(b.rb.Name).Observe(now.Sub(run.StartedAt).Seconds())
	}
	level := r.log.Info
	if state != StateSucceeded && state != StateDryRun {
		level = r.log.Warn
	}
	level("runbook ended", "runbook", b.rb.Name, "run", run.ID, "state", state, "took", now.Sub(run.StartedAt), "err", errText)
}

// saveRun persists the run record (fsync). mu is held.
func (r *Remediator) saveRun(run *Run) error {
	err := r.st.Put(bucketRuns, store.Uint64Key(nil, run.ID), run)
	if err != nil {
		r.log.Error("persist run", "runbook", run.Runbook, "run", run.ID, "err", err)
	}
	return err
}

func (r *Remediator) saveBook(b *book) {
	if err := r.st.Put(bucketRunbooks, []byte(b.rb.Name), b.st); err != nil {
		r.log.Error("persist runbook state", "runbook", b.rb.Name, "err", err)
	}
}

func (r *Remediator) saveTarget(t *target) error {
	err := r.st.Put(bucketTargets, []byte(t.key), t.st)
	if err != nil {
		r.log.Error("persist target state", "target", t.key, "err", err)
	}
	return err
}

// addStored notes a new run record and deletes the oldest finished ones
// beyond the audit log's bound.
func (r *Remediator) addStored(id uint64) {
	r.stored = append(r.stored, id)
	for len(r.stored) > r.keep {
		old := r.stored[0]
		if r.isActive(old) {
			break
		}
		if err := r.st.Delete(bucketRuns, store.Uint64Key(nil, old)); err != nil {
			r.log.Error("prune audit log", "run", old, "err", err)
			break
		}
		r.stored = r.stored[1:]
	}
}

func (r *Remediator) isActive(id uint64) bool {
	for _, b := range r.books {
		if (b.active != nil && b.active.ID == id) || (b.resume != nil && b.resume.ID == id) {
			return true
		}
	}
	return false
}
