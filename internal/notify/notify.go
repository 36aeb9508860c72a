// Package notify delivers alert notifications to the channels operators use:
// a generic webhook, Slack, Discord, Telegram, PagerDuty, email and
// Prometheus Alertmanager, each speaking the service's documented wire format.
package notify

import (
	"context"
	"time"
)

// Notification is one alert state change (or repeat) to deliver.
type Notification struct {
	// Status is "firing" or "resolved".
	Status      string            `json:"status"`
	Alertname   string            `json:"alertname"`
	Severity    string            `json:"severity"`
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	Summary     string            `json:"summary"`
	Description string            `json:"description,omitempty"`
	StartsAt    time.Time         `json:"starts_at"`
	// EndsAt is zero while firing.
	EndsAt time.Time `json:"ends_at"`
	// Repeat counts earlier notifications of the same firing alert (0 first).
	Repeat int `json:"repeat"`
}

// Notifier sends notifications to one channel. Notify returns an error when
// the channel did not accept the notification; the caller keeps it in the
// channel's outbox and retries, so Notify must not retry itself for long.
type Notifier interface {
	Name() string
	Type() string
	Notify(ctx context.Context, n Notification) error
}
