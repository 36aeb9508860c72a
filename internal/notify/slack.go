package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lpops/lpops/internal/config"
)

// Slack posts to a Slack incoming webhook.
//
// Wire format, from Slack's "Sending messages using incoming webhooks"
// (https://api.slack.com/messaging/webhooks) and the layout blocks reference
// (https://api.slack.com/reference/block-kit/blocks): a JSON object whose
// "text" is the notification and fallback text and whose "attachments" hold
// one attachment with a "color" bar (by severity, green when resolved) and
// Block Kit "blocks" (a mrkdwn section with the headline, summary and
// description; a context line with labels, start time and fingerprint).
// Slack answers 200 with the plain-text body "ok"; errors come as 4xx with a
// short code ("invalid_payload", "channel_not_found", "no_service") and rate
// limiting as 429. Alertmanager's notify/slack treats a 2xx whose text is not
// "ok" as an error, and so does this.
type Slack struct {
	base
	send *sender
}

var _ Notifier = (*Slack)(nil)

func newSlack(c config.Channel) (*Slack, error) {
	target, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, target)
	if err != nil {
		return nil, err
	}
	return &Slack{base: newBase(c), send: s}, nil
}

// Slack's limits: a section's text is at most 3000 characters.
const slackMaxText = 3000

type slackMessage struct {
	Text        string            `json:"text"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	Color    string       `json:"color"`
	Fallback string       `json:"fallback"`
	Blocks   []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning to
// (https://api.slack.com/reference/surfaces/formatting#escaping), so alert
// text cannot turn into a link or a mention.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

func slackPayload(n Notification) slackMessage {
	var main strings.Builder
	fmt.Fprintf(&main, "*%s*", slackEscape(title(n)))
	if n.Summary != "" {
		main.WriteString("\n" + slackEscape(n.Summary))
	}
	if n.Description != "" {
		main.WriteString("\n\n" + slackEscape(n.Description))
	}
	var ctx []string
	for _, l := range sortedLabels(n) {
		ctx = append(ctx, fmt.Sprintf("%s=`%s`", slackEscape(l.name), slackEscape(l.value)))
	}
	ctx = append(ctx, "started "+timeText(n.StartsAt))
	if resolved(n) && !n.EndsAt.IsZero() {
		ctx = append(ctx, "ended "+timeText(n.EndsAt))
	}
	if n.Repeat > 0 {
		ctx = append(ctx, fmt.Sprintf("repeat %d", n.Repeat))
	}
	ctx = append(ctx, "fingerprint "+n.Fingerprint)
	text := slackEscape(headline(n))
	return slackMessage{
		Text: text,
		Attachments: []slackAttachment{{
			Color:    fmt.Sprintf("#%06X", color(n)),
			Fallback: text,
			Blocks: []slackBlock{
				{Type: "section", Text: &slackText{Type: "mrkdwn", Text: truncateRunes(main.String(), slackMaxText)}},
				{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: truncateRunes(strings.Join(ctx, " · "), slackMaxText)}}},
			},
		}},
	}
}

// Notify posts the message; Slack accepts it with 200 "ok".
func (s *Slack) Notify(ctx context.Context, n Notification) error {
	if !s.Receives(n.Severity) {
		return nil
	}
	body, err := json.Marshal(slackPayload(n))
	if err != nil {
		return fmt.Errorf("slack: encode: %w", err)
	}
	_, answer, err := s.send.post(ctx, nil, body)
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	if !bytes.Equal(bytes.TrimSpace(answer), []byte("ok")) {
		return fmt.Errorf("slack: answered %q, not \"ok\"", s.send.message(string(answer)))
	}
	return nil
}
