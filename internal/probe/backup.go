package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/lpops/lpops/internal/alert"
)

// AlertBackupStale (warning): no successful backup for backup.stale_after.
const AlertBackupStale = "BackupStale"

// BackupState is what the backup probe reads from the daemon's backup
// scheduler.
type BackupState struct {
	Destination string
	LastSuccess time.Time
	LastError   string
	StaleAfter  time.Duration
}

// Backup is the probe of the scheduled backups: BackupStale fires when the
// newest backup (or, with none, the daemon's start) is older than
// StaleAfter.
type Backup struct {
	state   func() BackupState
	started time.Time
	now     func() time.Time
}

// NewBackup returns the backup probe; started is the daemon's start.
func NewBackup(state func() BackupState, started time.Time, now func() time.Time) *Backup {
	if now == nil {
		now = time.Now
	}
	return &Backup{state: state, started: started, now: now}
}

// Name implements Probe.
func (p *Backup) Name() string { return "backup" }

// Check implements Probe.
func (p *Backup) Check(context.Context) Result {
	start := p.now()
	s := p.state()
	r := Result{Probe: p.Name(), At: start, Values: map[string]float64{}, Evidence: map[string]string{"destination": s.Destination}}
	since := s.LastSuccess
	if since.IsZero() {
		since = p.started
		r.Evidence["last_success"] = "none"
	} else {
		r.Values["last_success_timestamp_seconds"] = float64(s.LastSuccess.Unix())
		r.Values["age_seconds"] = start.Sub(s.LastSuccess).Seconds()
		r.Evidence["last_success"] = s.LastSuccess.UTC().Format(time.RFC3339)
	}
	r.Values["stale_after_seconds"] = s.StaleAfter.Seconds()
	if s.LastError != "" {
		r.Evidence["last_error"] = s.LastError
	}
	age := start.Sub(since)
	o := alert.Observation{Name: AlertBackupStale, Severity: alert.Warning, Firing: age > s.StaleAfter,
		Labels: map[string]string{"destination": s.Destination}, Summary: "backups are fresh"}
	if o.Firing {
		o.Summary = fmt.Sprintf("No successful backup to %s for %s", s.Destination, age.Round(time.Minute))
		o.Description = fmt.Sprintf("The newest backup is older than backup.stale_after (%s); a dead host could not be restored with today's state.", s.StaleAfter)
		if s.LastSuccess.IsZero() {
			o.Description = fmt.Sprintf("No backup has succeeded since lpops started %s ago (backup.stale_after %s).", age.Round(time.Minute), s.StaleAfter)
		}
		if s.LastError != "" {
			o.Description += " Last error: " + s.LastError
		}
		r.Error = o.Summary
	}
	r.Success = !o.Firing
	r.Observations = []alert.Observation{o}
	return finish(&r, start, p.now)
}
