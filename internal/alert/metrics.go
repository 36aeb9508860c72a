package alert

import "github.com/prometheus/client_golang/prometheus"

// metrics are the engine's Prometheus metrics.
type metrics struct {
	firing         *prometheus.GaugeVec
	notifications  *prometheus.CounterVec
	pending        *prometheus.GaugeVec
	deliveryErrors *prometheus.CounterVec
	deadLetters    *prometheus.CounterVec
	heartbeat      *prometheus.CounterVec
}

// Results of lpops_alert_notifications_total.
const (
	resultQueued   = "queued"
	resultSent     = "sent"
	resultError    = "error"
	resultDropped  = "dropped"
	resultRejected = "rejected"
)

// Results of lpops_heartbeat_total.
const (
	heartbeatOK      = "ok"
	heartbeatError   = "error"
	heartbeatSkipped = "skipped"
)

func newMetrics(reg prometheus.Registerer, channels []string) *metrics {
	m := &metrics{
		firing: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_alerts_firing",
			Help: "Alerts firing now, silenced and inhibited ones included."}, []string{"severity"}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_alert_notifications_total",
			Help: "Notifications by channel, status (firing, resolved) and result: queued in the outbox, sent (accepted by the channel), error (attempt failed, kept for retry), dropped (outbox full), rejected (refused for good by the channel, moved to its dead letters)."},
			[]string{"channel", "status", "result"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_alert_outbox_pending",
			Help: "Notifications waiting in a channel's outbox."}, []string{"channel"}),
		deliveryErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_alert_delivery_errors_total",
			Help: "Failed delivery attempts per channel."}, []string{"channel"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_alert_dead_letters_total",
			Help: "Notifications a channel rejected for good (alerts.outbox.max_rejections times) and that were moved to its dead letters."},
			[]string{"channel"}),
		heartbeat: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_heartbeat_total",
			Help: "Dead-man's switch pings by result: ok, error, or skipped (a critical alert fires or lpops is unhealthy)."},
			[]string{"result"}),
	}
	for _, s := range Severities {
		m.firing.WithLabelValues(string(s))
	}
	for _, ch := range channels {
		m.pending.WithLabelValues(ch)
		m.deliveryErrors.WithLabelValues(ch)
		m.deadLetters.WithLabelValues(ch)
		for _, st := range []string{StatusFiring, StatusResolved} {
			for _, r := range []string{resultQueued, resultSent, resultError, resultDropped, resultRejected} {
				m.notifications.WithLabelValues(ch, st, r)
			}
		}
	}
	for _, r := range []string{heartbeatOK, heartbeatError, heartbeatSkipped} {
		m.heartbeat.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.firing, m.notifications, m.pending, m.deliveryErrors, m.deadLetters, m.heartbeat)
	}
	return m
}
