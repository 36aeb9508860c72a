package backup

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/prometheus/client_golang/prometheus"
)

// Status is the scheduler's state for /api/v1/status, the status page and
// the backup probe.
type Status struct {
	Destination string `json:"destination"`
	// LastSuccess is when the newest backup in the destination was made
	// (read from the destination at start, then from each success).
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastName    string    `json:"last_name,omitempty"`
	LastBytes   int       `json:"last_bytes,omitempty"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Next        time.Time `json:"next,omitzero"`
	Interval    float64   `json:"interval_seconds"`
	// StaleAfter is backup.stale_after (or twice the interval), seconds.
	StaleAfter float64 `json:"stale_after_seconds"`
}

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	Host       Host
	Recipients []age.Recipient
	Target     Target
	Retention  Retention
	Interval   time.Duration
	StaleAfter time.Duration
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	Now        func() time.Time
}

// Scheduler makes a backup at start and every interval, prunes the
// destination after each success, and retries a failure sooner (a minute,
// doubling up to the interval).
type Scheduler struct {
	o        SchedulerOptions
	mu       sync.Mutex
	st       Status
	success  prometheus.Gauge
	failures prometheus.Counter
	size     prometheus.Gauge
}

// NewScheduler registers the backup metrics.
func NewScheduler(o SchedulerOptions) *Scheduler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Scheduler{o: o,
		success: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_backup_last_success_timestamp_seconds",
			Help: "Unix time the newest backup in backup.destination was made (0: none known)."}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Name: "lpops_backup_failures_total",
			Help: "Scheduled backups that failed."}),
		size: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_backup_last_size_bytes",
			Help: "Size of the newest encrypted backup lpops made."}),
	}
	s.st = Status{Destination: o.Target.String(), Interval: o.Interval.Seconds(), StaleAfter: o.StaleAfter.Seconds()}
	if o.Registerer != nil {
		o.Registerer.MustRegister(s.success, s.failures, s.size)
	}
	return s
}

// Status returns the scheduler's state.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Run backs up until ctx ends. It never fails the daemon: a failed backup
// is a status, a metric and, once stale, an alert.
func (s *Scheduler) Run(ctx context.Context) error {
	log := s.o.Logger.With("component", "backup")
	if objs, err := s.o.Target.List(ctx); err == nil && len(objs) > 0 {
		last := objs[len(objs)-1]
		s.mu.Lock()
		s.st.LastSuccess, s.st.LastName = last.Time, last.Name
		s.mu.Unlock()
		s.success.Set(float64(last.Time.UnixNano()) / 1e9)
	}
	retry := time.Minute
	for {
		wait := s.o.Interval
		if err := s.once(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Warn("backup failed", "destination", s.o.Target.String(), "err", err, "retry_in", retry)
			wait, retry = min(retry, s.o.Interval), min(retry*2, s.o.Interval)
		} else {
			retry = time.Minute
		}
		s.mu.Lock()
		s.st.Next = s.o.Now().Add(wait)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// once makes one backup and prunes.
func (s *Scheduler) once(ctx context.Context) error {
	start := s.o.Now()
	s.mu.Lock()
	s.st.LastAttempt = start
	s.mu.Unlock()
	m, entries, err := Collect(ctx, s.o.Host)
	var b []byte
	if err == nil {
		b, m, err = Bytes(s.o.Recipients, m, entries)
	}
	name := ObjectName(m.CreatedAt)
	if err == nil {
		err = s.o.Target.Put(ctx, name, b)
	}
	if err != nil {
		s.failures.Inc()
		s.mu.Lock()
		s.st.LastError = err.Error()
		s.mu.Unlock()
		return err
	}
	s.success.Set(float64(m.CreatedAt.UnixNano()) / 1e9)
	s.size.Set(float64(len(b)))
	s.mu.Lock()
	s.st.LastSuccess, s.st.LastName, s.st.LastBytes, s.st.LastError = m.CreatedAt, name, len(b), ""
	s.mu.Unlock()
	log := s.o.Logger.With("component", "backup")
	log.Info("backup made", "destination", s.o.Target.String(), "name", name, "bytes", len(b), "files", len(m.Files), "took", s.o.Now().Sub(start).Round(time.Millisecond))
	deleted, err := Prune(ctx, s.o.Target, s.o.Retention, s.o.Now())
	if err != nil {
		log.Warn("prune old backups", "err", err)
	} else if len(deleted) > 0 {
		log.Info("pruned old backups", "deleted", deleted)
	}
	return nil
}
