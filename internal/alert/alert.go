package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/lpops/lpops/internal/notify"
)

// Alert statuses.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Alert is the state of one condition, keyed by its fingerprint. One firing
// episode runs from StartsAt to EndsAt; a resolved alert that fires again
// starts a new episode with its own StartsAt, repeat count and notices.
type Alert struct {
	Fingerprint string            `json:"fingerprint"`
	Name        string            `json:"alertname"`
	Labels      map[string]string `json:"labels"`
	Severity    Severity          `json:"severity"`
	Status      string            `json:"status"`
	Summary     string            `json:"summary"`
	Description string            `json:"description,omitempty"`
	Requires    string            `json:"requires,omitempty"`
	Provides    string            `json:"provides,omitempty"`
	// StartsAt is the first firing observation of this episode.
	StartsAt time.Time `json:"starts_at"`
	// LastSeen is the newest observation. It is persisted with the next
	// state change, not on every observation, so after a restart it may be
	// older than the last observation before the restart.
	LastSeen time.Time `json:"last_seen"`
	// EndsAt is when the alert resolved; zero while firing.
	EndsAt time.Time `json:"ends_at,omitzero"`
	// Sent counts the firing notifications queued in this episode; the next
	// one carries Repeat = Sent.
	Sent int `json:"notifications"`
	// ResolvedSent is set once the resolved notice is queued.
	ResolvedSent bool `json:"resolved_notified,omitempty"`
	// LastNotified is when a notification of this episode was last queued
	// for each channel.
	LastNotified map[string]time.Time `json:"last_notified,omitempty"`
	// SilencedBy is the id of the silence muting the alert.
	SilencedBy string `json:"silenced_by,omitempty"`
	// InhibitedBy names the alert whose source outage suppresses this one.
	InhibitedBy string `json:"inhibited_by,omitempty"`
	// Hold is Observation.Hold; UninhibitedAt is when the alert's last
	// inhibition ended (zero if never inhibited).
	Hold          time.Duration `json:"hold,omitempty"`
	UninhibitedAt time.Time     `json:"uninhibited_at,omitzero"`
}

// Firing reports whether the alert is firing.
func (a *Alert) Firing() bool { return a.Status == StatusFiring }

// lastNotified is the newest LastNotified over all channels.
func (a *Alert) lastNotified() time.Time {
	var t time.Time
	for _, v := range a.LastNotified {
		if v.After(t) {
			t = v
		}
	}
	return t
}

// notification is the notice of the alert's current state; for a firing
// alert it is repeat number a.Sent.
func (a *Alert) notification() notify.Notification {
	n := notify.Notification{
		Status:      a.Status,
		Alertname:   a.Name,
		Severity:    string(a.Severity),
		Fingerprint: a.Fingerprint,
		Labels:      maps.Clone(a.Labels),
		Summary:     a.Summary,
		Description: a.Description,
		StartsAt:    a.StartsAt,
		EndsAt:      a.EndsAt,
		Repeat:      a.Sent,
	}
	if n.Labels == nil {
		n.Labels = map[string]string{}
	}
	n.ID = NotificationID(n)
	return n
}

// NotificationID is the dedup key of a notification: its fingerprint, the
// start of its episode, its status and its repeat number. Redeliveries of
// one outbox entry carry the same id; a repeat or the resolved notice does not.
func NotificationID(n notify.Notification) string {
	return fmt.Sprintf("%s-%d-%s-%d", n.Fingerprint, n.StartsAt.UnixMilli(), n.Status, n.Repeat)
}

// Fingerprint identifies an alert by its name and labels, independent of
// label order: hex of the first 8 bytes of SHA-256 over the name and the
// sorted label pairs, separated by 0xff (which UTF-8 text never contains).
func Fingerprint(name string, labels map[string]string) string {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0xff})
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		h.Write([]byte(k))
		h.Write([]byte{0xfe})
		h.Write([]byte(labels[k]))
		h.Write([]byte{0xff})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// rank orders severities, most severe lowest; unknown ones rank as warning.
func rank(s Severity) int {
	switch s {
	case Critical:
		return 0
	case Info:
		return 2
	}
	return 1
}

// ParseSeverity returns the Severity named s.
func ParseSeverity(s string) (Severity, error) {
	switch Severity(s) {
	case Critical, Warning, Info:
		return Severity(s), nil
	}
	return "", fmt.Errorf("severity %q: must be critical, warning or info", s)
}

// Severities lists every severity, most severe first.
var Severities = []Severity{Critical, Warning, Info}
