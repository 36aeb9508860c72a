package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lpops/lpops/internal/config"
)

// Telegram sends a message with a bot through the Telegram Bot API.
//
// Wire format, from the Bot API reference (https://core.telegram.org/bots/api):
// POST {url}/bot<token>/sendMessage with a JSON object {chat_id, text,
// parse_mode: "HTML", link_preview_options: {is_disabled: true}}. chat_id is an
// integer, or a string for @channelusername. In HTML mode every <, > and & that
// is not markup must be written as &lt; &gt; &amp;
// (https://core.telegram.org/bots/api#html-style); alert text is escaped so
// and only <b> and <code> are used. The text is at most 4096 characters after
// entity parsing. The API answers {"ok": true, "result": ...}; a failure is
// {"ok": false, "error_code", "description"}, with parameters.retry_after
// (seconds) when flood control applies (429). The bot token is part of the
// path, so errors show only the API host.
type Telegram struct {
	base
	send   *sender
	chatID any // int64 or "@name"
}

var _ Notifier = (*Telegram)(nil)

func newTelegram(c config.Channel) (*Telegram, error) {
	api, err := c.TargetURL()
	if err != nil {
		return nil, err
	}
	token, err := c.Token()
	if err != nil {
		return nil, err
	}
	s, err := newSender(c, strings.TrimSuffix(api, "/")+"/bot"+token+"/sendMessage", token)
	if err != nil {
		return nil, err
	}
	t := &Telegram{base: newBase(c), send: s, chatID: c.ChatID}
	if id, err := strconv.ParseInt(c.ChatID, 10, 64); err == nil {
		t.chatID = id
	}
	return t, nil
}

// telegramMaxText is sendMessage's limit on text after entity parsing.
const telegramMaxText = 4096

type telegramMessage struct {
	ChatID             any                `json:"chat_id"`
	Text               string             `json:"text"`
	ParseMode          string             `json:"parse_mode"`
	LinkPreviewOptions telegramLinkOption `json:"link_preview_options"`
}

type telegramLinkOption struct {
	IsDisabled bool `json:"is_disabled"`
}

type telegramAnswer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// telegramEscape escapes text for parse_mode HTML.
var telegramEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// telegramText renders n in Telegram's HTML subset. The description, the
// only long part, is cut so the visible text stays within the limit.
func telegramText(n Notification) string {
	var head strings.Builder
	fmt.Fprintf(&head, "<b>%s</b>", telegramEscape(title(n)))
	if n.Summary != "" {
		head.WriteString("\n" + telegramEscape(n.Summary))
	}
	var tail strings.Builder
	if ls := sortedLabels(n); len(ls) > 0 {
		tail.WriteString("\n")
		for _, l := range ls {
			fmt.Fprintf(&tail, "\n%s: <code>%s</code>", telegramEscape(l.name), telegramEscape(l.value))
		}
	}
	fmt.Fprintf(&tail, "\n\nStarted %s", timeText(n.StartsAt))
	if resolved(n) && !n.EndsAt.IsZero() {
		fmt.Fprintf(&tail, "\nEnded %s", timeText(n.EndsAt))
	}
	if n.Repeat > 0 {
		fmt.Fprintf(&tail, "\nRepeat %d", n.Repeat)
	}
	fmt.Fprintf(&tail, "\nFingerprint <code>%s</code>", telegramEscape(n.Fingerprint))
	if n.Description == "" {
		return head.String() + tail.String()
	}
	// Visible length: markup and entities count as what they display.
	visible := func(html string) int {
		return utf8.RuneCountInString(telegramUnescape(stripTags(html)))
	}
	room := telegramMaxText - visible(head.String()) - visible(tail.String()) - 2
	desc := n.Description
	if room < 1 {
		desc = ""
	} else {
		desc = truncateRunes(desc, room)
	}
	return head.String() + "\n\n" + telegramEscape(desc) + tail.String()
}

var telegramUnescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace

// stripTags removes the tags telegramText writes.
var stripTags = strings.NewReplacer("<b>", "", "</b>", "", "<code>", "", "</code>", "").Replace

// Notify calls sendMessage; the Bot API accepts it with {"ok": true}.
func (t *Telegram) Notify(ctx context.Context, n Notification) error {
	if !t.Receives(n.Severity) {
		return nil
	}
	body, err := json.Marshal(telegramMessage{
		ChatID:             t.chatID,
		Text:               telegramText(n),
		ParseMode:          "HTML",
		LinkPreviewOptions: telegramLinkOption{IsDisabled: true},
	})
	if err != nil {
		return fmt.Errorf("telegram: encode: %w", err)
	}
	_, data, err := t.send.post(ctx, nil, body)
	var a telegramAnswer
	decodeErr := json.Unmarshal(data, &a)
	var se *StatusError
	if errors.As(err, &se) && decodeErr == nil {
		if a.Description != "" {
			se.Message = t.send.message(a.Description)
		}
		if a.Parameters.RetryAfter > 0 {
			se.RetryAfter = seconds(float64(a.Parameters.RetryAfter))
		}
	}
	switch {
	case err != nil:
		return fmt.Errorf("telegram: %w", err)
	case decodeErr != nil:
		return fmt.Errorf("telegram: the answer is not the Bot API's JSON: %s", t.send.message(string(data)))
	case !a.OK:
		return fmt.Errorf("telegram: not ok: %d %s", a.ErrorCode, t.send.message(a.Description))
	}
	return nil
}
