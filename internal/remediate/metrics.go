package remediate

import "github.com/prometheus/client_golang/prometheus"

// metrics are the remediator's Prometheus metrics.
type metrics struct {
	actions  *prometheus.CounterVec
	runs     *prometheus.CounterVec
	breaker  *prometheus.GaugeVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, books []*book) *metrics {
	m := &metrics{
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_remediation_actions_total",
			Help: "Runbook steps (actions and waits) by runbook, step name and result: success, failure or dry_run."},
			[]string{"runbook", "action", "result"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_remediation_runs_total",
			Help: "Runbook runs by runbook and end state: succeeded, failed, aborted (lpops restarted during an action), skipped (a scheduled run a guard held back) or dry_run."},
			[]string{"runbook", "result"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_remediation_breaker_open",
			Help: "1 while a runbook's circuit breaker is open or half-open (the runbook does not act on its triggers), else 0."},
			[]string{"runbook"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "lpops_remediation_run_duration_seconds",
			Help:    "Duration of runbook runs that acted (dry runs excluded), from start to end.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}},
			[]string{"runbook"}),
	}
	for _, b := range books {
		name := b.rb.Name
		m.breaker.WithLabelValues(name)
		m.duration.WithLabelValues(name)
		for _, s := range b.rb.Steps {
			for _, res := range []string{"success", "failure", "dry_run"} {
				m.actions.WithLabelValues(name, s.Name, res)
			}
		}
		for _, st := range []string{StateSucceeded, StateFailed, StateAborted, StateSkipped, StateDryRun} {
			m.runs.WithLabelValues(name, st)
		}
	}
	if reg != nil {
		reg.MustRegister(m.actions, m.runs, m.breaker, m.duration)
	}
	return m
}
