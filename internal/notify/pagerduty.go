package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// PagerDuty sends alert events to the PagerDuty Events API v2.
//
// Wire format, from PagerDuty's "Send an Alert Event"
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/) and the
// Events API v2 overview (response codes and retry logic): POST
// https://events.pagerduty.com/v2/enqueue a JSON object with routing_key,
// event_action "trigger" or "resolve", and dedup_key, here the alert's
// fingerprint, so every repeat of a firing alert lands on the same PagerDuty
// alert and the resolve closes it. A trigger carries payload{summary (at most
// 1024 characters), source, severity (critical, error, warning or info;
// lpops' critical, warning and info map to themselves), timestamp, class,
// custom_details}; a resolve carries only the three keys, as in PagerDuty's
// example. PagerDuty answers 202 Accepted; 400 rejects the event (do not
// retry), 429 and 5xx ask for a retry later. Alertmanager's notify/pagerduty
// sends the same shape.
type PagerDuty struct {
	base
	send       *sender
	routingKey string
	source     string
}

var _ Notifier = (*PagerDuty)(nil)

func newPagerDuty(c config.Channel) (*PagerDuty, error) {
	target, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	key, err := c.RoutingKey()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, target, key)
	if err != nil {
		return nil, err
	}
	source, _ := os.Hostname()
	if source == "" {
		source = "lpops"
	}
	return &PagerDuty{base: newBase(c), send: s, routingKey: key, source: source}, nil
}

// pagerDutyMaxSummary is payload.summary's limit.
const pagerDutyMaxSummary = 1024

type pagerDutyEvent struct {
	RoutingKey  string            `json:"routing_key"`
	EventAction string            `json:"event_action"`
	DedupKey    string            `json:"dedup_key"`
	Client      string            `json:"client,omitempty"`
	Payload     *pagerDutyPayload `json:"payload,omitempty"`
}

type pagerDutyPayload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

// pagerDutySeverity maps an lpops severity onto PagerDuty's four; anything
// unknown becomes error, Alertmanager's default.
func pagerDutySeverity(s string) string {
	switch s {
	case "critical", "warning", "info":
		return s
	}
	return "error"
}

func (p *PagerDuty) event(n Notification) pagerDutyEvent {
	ev := pagerDutyEvent{RoutingKey: p.routingKey, EventAction: "trigger", DedupKey: n.Fingerprint}
	if resolved(n) {
		ev.EventAction = "resolve"
		return ev
	}
	details := map[string]string{
		"alertname":   n.Alertname,
		"fingerprint": n.Fingerprint,
		"starts_at":   n.StartsAt.UTC().Format(time.RFC3339),
		"repeat":      fmt.Sprint(n.Repeat),
	}
	if n.Description != "" {
		details["description"] = n.Description
	}
	for _, l := range sortedLabels(n) {
		if _, taken := details[l.name]; !taken {
			details[l.name] = l.value
		}
	}
	source := p.source
	if inst := n.Labels["instance"]; inst != "" {
		source = inst
	}
	ev.Client = "lpops"
	ev.Payload = &pagerDutyPayload{
		Summary:       truncateRunes(headline(n), pagerDutyMaxSummary),
		Source:        source,
		Severity:      pagerDutySeverity(n.Severity),
		Timestamp:     n.StartsAt.UTC().Format(time.RFC3339),
		Class:         n.Alertname,
		CustomDetails: details,
	}
	return ev
}

// Notify enqueues a trigger (firing) or resolve event; PagerDuty accepts it
// with 202.
func (p *PagerDuty) Notify(ctx context.Context, n Notification) error {
	if !p.Receives(n.Severity) {
		return nil
	}
	if n.Fingerprint == "" {
		return errors.New("pagerduty: the notification has no fingerprint to use as dedup_key")
	}
	body, err := json.Marshal(p.event(n))
	if err != nil {
		return fmt.Errorf("pagerduty: encode: %w", err)
	}
	_, data, err := p.send.post(ctx, nil, body)
	var se *StatusError
	if errors.As(err, &se) {
		// {"status": "invalid event", "message": "...", "errors": ["..."]}
		var a struct {
			Message string   `json:"message"`
			Errors  []string `json:"errors"`
		}
		if json.Unmarshal(data, &a) == nil && a.Message != "" {
			se.Message = p.send.message(strings.TrimSpace(a.Message + " " + strings.Join(a.Errors, "; ")))
		}
	}
	if err != nil {
		return fmt.Errorf("pagerduty: %w", err)
	}
	return nil
}
