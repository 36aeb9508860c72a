package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// Headers of the generic webhook.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the raw
	// request body under the channel's secret (GitHub's X-Hub-Signature-256
	// scheme). Absent when the channel has no secret.
	SignatureHeader = "X-Lpops-Signature"
	// TimestampHeader carries the Unix time the request was sent, the same
	// instant as the body's sent_at (which the signature covers).
	TimestampHeader = "X-Lpops-Timestamp"
)

// WebhookVersion is the version field of WebhookPayload; it changes only
// when a field changes meaning or goes away.
const WebhookVersion = "1"

// WebhookPayload is the JSON body the generic webhook POSTs, one per
// notification. Its fields are a superset of Notification's JSON, so a
// receiver may decode it into either.
type WebhookPayload struct {
	Version string `json:"version"`
	// ID is the same on every delivery attempt of one notification and
	// differs between notifications: a receiver drops a request whose ID it
	// has already handled (delivery is at least once). DedupKey is equal to
	// it, under the name many receivers look for.
	ID       string `json:"id"`
	DedupKey string `json:"dedup_key"`
	// Status is "firing" or "resolved".
	Status      string            `json:"status"`
	Alertname   string            `json:"alertname"`
	Severity    string            `json:"severity"`
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	Summary     string            `json:"summary"`
	Description string            `json:"description"`
	StartsAt    time.Time         `json:"starts_at"`
	// EndsAt is null while the alert fires.
	EndsAt *time.Time `json:"ends_at"`
	// Repeat counts earlier notifications of the same firing alert.
	Repeat int `json:"repeat"`
	// SentAt is when this request was made; with the signature, it lets a
	// receiver refuse a replayed request.
	SentAt time.Time `json:"sent_at"`
}

// Sign returns the SignatureHeader value for body under key:
// "sha256=" + hex(HMAC-SHA256(key, body)).
func Sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is the signature of body under
// key, comparing in constant time. Receivers written in Go can use it.
func VerifySignature(key, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(key, body)))
}

// Webhook POSTs a WebhookPayload to any HTTP receiver, signed when the
// channel has a secret. See the package documentation for the format.
type Webhook struct {
	base
	send   *sender
	secret []byte
}

var _ Notifier = (*Webhook)(nil)

func newWebhook(c config.Channel) (*Webhook, error) {
	target, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	secret, err := c.Secret()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, target, secret)
	if err != nil {
		return nil, err
	}
	w := &Webhook{base: newBase(c), send: s}
	if secret != "" {
		w.secret = []byte(secret)
	}
	return w, nil
}

// Notify POSTs the notification; any 2xx answer accepts it.
func (w *Webhook) Notify(ctx context.Context, n Notification) error {
	if !w.Receives(n.Severity) {
		return nil
	}
	now := w.now().UTC()
	body, err := json.Marshal(webhookPayload(n, now))
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	h := http.Header{}
	h.Set(TimestampHeader, strconv.FormatInt(now.Unix(), 10))
	if w.secret != nil {
		h.Set(SignatureHeader, Sign(w.secret, body))
	}
	if _, _, err := w.send.post(ctx, h, body); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}

func webhookPayload(n Notification, now time.Time) WebhookPayload {
	id := notificationID(n)
	p := WebhookPayload{
		Version:     WebhookVersion,
		ID:          id,
		DedupKey:    id,
		Status:      strings.ToLower(n.Status),
		Alertname:   n.Alertname,
		Severity:    n.Severity,
		Fingerprint: n.Fingerprint,
		Labels:      n.Labels,
		Summary:     n.Summary,
		Description: n.Description,
		StartsAt:    n.StartsAt.UTC(),
		Repeat:      n.Repeat,
		SentAt:      now,
	}
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	if !n.EndsAt.IsZero() {
		t := n.EndsAt.UTC()
		p.EndsAt = &t
	}
	return p
}
