package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// Alertmanager hands alerts to a Prometheus Alertmanager, which then routes,
// groups, silences and notifies as its own configuration says.
//
// Wire format, from Alertmanager's API v2 (api/v2/openapi.yaml, operation
// postAlerts) and its "Sending alerts" client guide (docs/clients.md): POST
// {url}/api/v2/alerts a JSON list of postableAlert objects {labels,
// annotations, startsAt, endsAt}; 200 accepts, 400 rejects (an invalid label
// name, endsAt before startsAt). labels identify the alert: the alert's own
// labels plus alertname and severity (label names Alertmanager would refuse
// are rewritten to [a-zA-Z0-9_]). annotations carry summary, description and
// lpops' fingerprint. The guide expects clients to re-send an active alert
// continually and resolves one whose endsAt has passed; lpops sends on
// changes and on its repeat interval, so a firing alert gets endsAt = now +
// resolve_timeout (48h unless configured; keep it above the repeat interval
// of every severity routed here), and a resolved one gets endsAt = the time
// it ended (never later than now), which resolves it at once.
type Alertmanager struct {
	base
	send           *sender
	resolveTimeout time.Duration
}

var _ Notifier = (*Alertmanager)(nil)

func newAlertmanager(c config.Channel) (*Alertmanager, error) {
	base, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, strings.TrimSuffix(base, "/")+"/api/v2/alerts")
	if err != nil {
		return nil, err
	}
	return &Alertmanager{base: newBase(c), send: s, resolveTimeout: c.AlertmanagerResolveTimeout()}, nil
}

// postableAlert is Alertmanager's API v2 postableAlert.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

func (a *Alertmanager) alert(n Notification) postableAlert {
	now := a.now().UTC()
	labels := make(map[string]string, len(n.Labels)+2)
	for k, v := range n.Labels {
		labels[labelName(k)] = v
	}
	labels["alertname"] = n.Alertname
	labels["severity"] = n.Severity
	ann := map[string]string{"fingerprint": n.Fingerprint}
	if n.Summary != "" {
		ann["summary"] = n.Summary
	}
	if n.Description != "" {
		ann["description"] = n.Description
	}
	starts := n.StartsAt.UTC()
	ends := now.Add(a.resolveTimeout)
	if resolved(n) {
		ends = now
		if !n.EndsAt.IsZero() && n.EndsAt.Before(now) {
			ends = n.EndsAt.UTC()
		}
	}
	if starts.IsZero() || starts.After(ends) {
		starts = ends // Alertmanager refuses endsAt before startsAt
		if now.Before(ends) {
			starts = now
		}
	}
	return postableAlert{Labels: labels, Annotations: ann, StartsAt: starts, EndsAt: ends}
}

// labelName rewrites a label name into Alertmanager's classic label name
// syntax, [a-zA-Z_][a-zA-Z0-9_]*.
func labelName(s string) string {
	if s == "" {
		return "_"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Notify posts the alert; Alertmanager accepts it with 200.
func (a *Alertmanager) Notify(ctx context.Context, n Notification) error {
	if !a.Receives(n.Severity) {
		return nil
	}
	body, err := json.Marshal([]postableAlert{a.alert(n)})
	if err != nil {
		return fmt.Errorf("alertmanager: encode: %w", err)
	}
	if _, _, err := a.send.post(ctx, nil, body); err != nil {
		return fmt.Errorf("alertmanager: %w", err)
	}
	return nil
}
