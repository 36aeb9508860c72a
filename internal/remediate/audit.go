package remediate

import (
	"encoding/json"
	"fmt"
	"time"
)

// RunbookStatus is one runbook's state for status and the API.
type RunbookStatus struct {
	Name     string   `json:"name"`
	DryRun   bool     `json:"dry_run"`
	Triggers []string `json:"triggers"`
	// Breaker is closed, open or half_open (the next run is a trial).
	Breaker             string    `json:"breaker"`
	BreakerOpenedAt     time.Time `json:"breaker_opened_at,omitzero"`
	BreakerCooldownEnds time.Time `json:"breaker_cooldown_ends,omitzero"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	// Running is the id of the run in progress; 0 for none.
	Running     uint64    `json:"running,omitempty"`
	LastRun     uint64    `json:"last_run,omitempty"`
	LastOutcome string    `json:"last_outcome,omitempty"`
	LastEnd     time.Time `json:"last_end,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// NextScheduled is when the schedule runs it next (jitter included).
	NextScheduled time.Time `json:"next_scheduled,omitzero"`
	// Waiting says why a triggered run is held back.
	Waiting string `json:"waiting,omitempty"`
}

// Status is the remediation part of the /api/v1/status document.
type Status struct {
	DryRun   bool            `json:"dry_run"`
	Runbooks []RunbookStatus `json:"runbooks"`
}

// Doc is the GET /api/v1/actions document: the runbooks and the audit log,
// newest run first.
type Doc struct {
	Status
	Runs []Run `json:"runs"`
}

// Status returns every runbook's state.
func (r *Remediator) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Status{DryRun: r.dryRun, Runbooks: make([]RunbookStatus, 0, len(r.books))}
	for _, b := range r.books {
		s.Runbooks = append(s.Runbooks, r.statusLocked(b))
	}
	return s
}

func (r *Remediator) statusLocked(b *book) RunbookStatus {
	st := b.st
	s := RunbookStatus{
		Name: b.rb.Name, DryRun: b.dryRun(r), Triggers: b.rb.triggers(), Breaker: st.Breaker,
		ConsecutiveFailures: st.Failures, LastRun: st.LastRun, LastOutcome: st.LastOutcome,
		LastEnd: st.LastEnd, LastError: st.LastError, NextScheduled: b.schedDue, Waiting: b.waiting,
	}
	if st.Breaker != BreakerClosed {
		s.BreakerOpenedAt = st.OpenedAt
		s.BreakerCooldownEnds = st.OpenedAt.Add(b.rb.Breaker.Cooldown)
	}
	if b.active != nil {
		s.Running = b.active.ID
	}
	return s
}

// Runs returns the newest n runs of the audit log, newest first.
func (r *Remediator) Runs(n int) ([]Run, error) {
	runs := []Run{}
	err := r.st.Scan(bucketRuns, nil, true, func(_, v []byte) bool {
		var run Run
		if err := json.Unmarshal(v, &run); err != nil {
			r.log.Error("skipping unreadable run record", "err", err)
			return true
		}
		runs = append(runs, run)
		return len(runs) < n
	})
	if err != nil {
		return nil, fmt.Errorf("read remediation runs: %w", err)
	}
	return runs, nil
}

// Doc returns the runbooks' state and the newest n runs.
func (r *Remediator) Doc(n int) (Doc, error) {
	runs, err := r.Runs(n)
	if err != nil {
		return Doc{}, err
	}
	return Doc{Status: r.Status(), Runs: runs}, nil
}

// Action is one step of a run, flattened for lists of actions (the status
// page's ActionSource).
type Action struct {
	Run       uint64    `json:"run"`
	Runbook   string    `json:"runbook"`
	Trigger   string    `json:"trigger"`
	DryRun    bool      `json:"dry_run,omitempty"`
	Action    string    `json:"action"`
	Type      string    `json:"type"`
	Detail    string    `json:"detail"`
	StartedAt time.Time `json:"started_at,omitzero"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	Outcome   string    `json:"outcome"`
	Error     string    `json:"error,omitempty"`
	Output    string    `json:"output,omitempty"`
}

// Actions returns the newest n steps that started (and skipped scheduled
// runs, as one entry each), newest first. It implements the status page's
// ActionSource.
func (r *Remediator) Actions(n int) (any, error) {
	out := []Action{}
	err := r.st.Scan(bucketRuns, nil, true, func(_, v []byte) bool {
		var run Run
		if err := json.Unmarshal(v, &run); err != nil {
			return true
		}
		base := Action{Run: run.ID, Runbook: run.Runbook, Trigger: run.Trigger.String(), DryRun: run.DryRun}
		if run.State == StateSkipped && len(out) < n {
			a := base
			a.Action, a.Type, a.Detail = "scheduled run", "run", "skipped"
			a.StartedAt, a.EndedAt, a.Outcome, a.Error = run.StartedAt, run.EndedAt, StateSkipped, run.Error
			out = append(out, a)
		}
		for i := len(run.Steps) - 1; i >= 0 && len(out) < n; i-- {
			s := run.Steps[i]
			if s.StartedAt.IsZero() {
				continue
			}
			a := base
			a.Action, a.Type, a.Detail = s.Name, s.Type, s.Detail
			a.StartedAt, a.EndedAt, a.Outcome, a.Error, a.Output = s.StartedAt, s.EndedAt, s.Outcome, s.Error, s.Output
			out = append(out, a)
		}
		return len(out) < n
	})
	if err != nil {
		return nil, fmt.Errorf("read remediation runs: %w", err)
	}
	return out, nil
}
