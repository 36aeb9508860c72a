package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// Discord posts to a Discord channel webhook.
//
// Wire format, from Discord's "Execute Webhook"
// (https://discord.com/developers/docs/resources/webhook#execute-webhook)
// and the embed object and its limits
// (https://discord.com/developers/docs/resources/message#embed-object): a JSON
// object with one embed (title, description, color, up to 25 inline label
// fields, an ISO 8601 timestamp, a footer with the fingerprint) and
// allowed_mentions {"parse": []} so alert text never pings @everyone or a
// role. Without ?wait=true Discord answers 204 No Content. When rate limited
// it answers 429 with a JSON body whose retry_after is in seconds
// (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit);
// Notify returns a *StatusError carrying it. Alertmanager's notify/discord
// builds the same embed.
type Discord struct {
	base
	send *sender
}

var _ Notifier = (*Discord)(nil)

func newDiscord(c config.Channel) (*Discord, error) {
	target, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, target)
	if err != nil {
		return nil, err
	}
	return &Discord{base: newBase(c), send: s}, nil
}

// Discord's embed limits.
const (
	discordMaxTitle       = 256
	discordMaxDescription = 4096
	discordMaxFields      = 25
	discordMaxFieldName   = 256
	discordMaxFieldValue  = 1024
)

type discordMessage struct {
	Embeds          []discordEmbed  `json:"embeds"`
	AllowedMentions discordMentions `json:"allowed_mentions"`
}

type discordMentions struct {
	Parse []string `json:"parse"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Color       int            `json:"color"`
	Fields      []discordField `json:"fields,omitempty"`
	Timestamp   time.Time      `json:"timestamp"`
	Footer      discordFooter  `json:"footer"`
}

type discordField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type discordFooter struct {
	Text string `json:"text"`
}

func discordPayload(n Notification) discordMessage {
	desc := n.Summary
	if n.Description != "" {
		if desc != "" {
			desc += "\n\n"
		}
		desc += n.Description
	}
	var fields []discordField
	for _, l := range sortedLabels(n) {
		if len(fields) == discordMaxFields {
			break
		}
		v := l.value
		if v == "" {
			v = "(empty)" // Discord rejects an empty field value
		}
		fields = append(fields, discordField{
			Name:   truncateRunes(l.name, discordMaxFieldName),
			Value:  truncateRunes(v, discordMaxFieldValue),
			Inline: true,
		})
	}
	ts := n.StartsAt
	if resolved(n) && !n.EndsAt.IsZero() {
		ts = n.EndsAt
	}
	footer := "fingerprint " + n.Fingerprint
	if n.Repeat > 0 {
		footer += fmt.Sprintf(" · repeat %d", n.Repeat)
	}
	return discordMessage{
		Embeds: []discordEmbed{{
			Title:       truncateRunes(title(n), discordMaxTitle),
			Description: truncateRunes(desc, discordMaxDescription),
			Color:       color(n),
			Fields:      fields,
			Timestamp:   ts.UTC(),
			Footer:      discordFooter{Text: footer},
		}},
		AllowedMentions: discordMentions{Parse: []string{}},
	}
}

// Notify executes the webhook; Discord accepts it with 204 (any 2xx).
func (d *Discord) Notify(ctx context.Context, n Notification) error {
	if !d.Receives(n.Severity) {
		return nil
	}
	body, err := json.Marshal(discordPayload(n))
	if err != nil {
		return fmt.Errorf("discord: encode: %w", err)
	}
	_, answer, err := d.send.post(ctx, nil, body)
	var se *StatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusTooManyRequests {
		// The body's retry_after (seconds, fractional) is more precise
		// than the Retry-After header, which Discord rounds up.
		var rl struct {
			Message    string  `json:"message"`
			RetryAfter float64 `json:"retry_after"`
		}
		if json.Unmarshal(answer, &rl) == nil && rl.RetryAfter > 0 {
			se.RetryAfter = seconds(rl.RetryAfter)
			se.Message = d.send.message(rl.Message)
		}
	}
	if err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	return nil
}
