package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lpops/lpops/internal/config"
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
	// ID is unique to this notification (fingerprint, starts_at, status and
	// repeat) and the same on every delivery attempt: delivery is at least
	// once, so a receiver that must not act twice dedupes on it. It is not an
	// incident key: the firing and resolved notices of one alert share only
	// Fingerprint (PagerDuty's dedup_key is the fingerprint).
	ID string `json:"id"`
}

// Notifier sends notifications to one channel. Notify returns an error when
// the channel did not accept the notification; the caller keeps it in the
// channel's outbox and retries, so Notify must not retry itself for long.
type Notifier interface {
	Name() string
	Type() string
	Notify(ctx context.Context, n Notification) error
}

// Receives reports whether n routes alerts of severity (the channel's
// severities key). Every Notifier that New returns implements it, and its
// Notify sends nothing for a severity it does not receive; a caller that keeps
// per-channel records (an outbox) asks first, so it queues nothing there.
func Receives(n Notifier, severity string) bool {
	r, ok := n.(interface{ Receives(string) bool })
	return !ok || r.Receives(severity)
}

// New builds the notifier of one configured channel, reading its secrets
// (files, environment variables) now, so a missing token fails at start-up
// rather than at the first alert. Errors name the channel and the key
// ("channel \"ops\": token_file: open ...") and never quote a secret. NewAll
// builds them all with errors that name the key path.
func New(c config.Channel) (Notifier, error) {
	n, err := build(c)
	if err != nil {
		return nil, fmt.Errorf("channel %q: %w", c.Name, err)
	}
	return n, nil
}

// NewAll builds the notifier of every channel, in order. Problems with
// several channels are joined, each naming its key path
// ("alerts.channels[2].token_file: open ...").
func NewAll(channels []config.Channel) ([]Notifier, error) {
	out := make([]Notifier, 0, len(channels))
	var errs []error
	for i, c := range channels {
		n, err := build(c)
		if err != nil {
			// build's errors start with the key: "token_file: ...".
			errs = append(errs, fmt.Errorf("alerts.channels[%d].%w", i, err))
			continue
		}
		out = append(out, n)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func build(c config.Channel) (Notifier, error) {
	switch c.Type {
	case config.ChannelWebhook:
		return newWebhook(c)
	case config.ChannelSlack:
		return newSlack(c)
	case config.ChannelDiscord:
		return newDiscord(c)
	case config.ChannelTelegram:
		return newTelegram(c)
	case config.ChannelPagerDuty:
		return newPagerDuty(c)
	case config.ChannelEmail:
		return newEmail(c)
	case config.ChannelAlertmanager:
		return newAlertmanager(c)
	}
	return nil, fmt.Errorf("type: unknown channel type %q", c.Type)
}

// base is what every notifier shares: its identity, its route and its clock.
type base struct {
	name, typ string
	route     config.Channel // only Receives is used
	now       func() time.Time
}

func newBase(c config.Channel) base {
	return base{name: c.Name, typ: c.Type, route: config.Channel{Severities: c.Severities}, now: time.Now}
}

// Name is the channel's configured name.
func (b *base) Name() string { return b.name }

// Type is the channel's type (webhook, slack, ...).
func (b *base) Type() string { return b.typ }

// Receives reports whether the channel routes alerts of severity.
func (b *base) Receives(severity string) bool { return b.route.Receives(severity) }
