package notify

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/httpx"
)

// FuzzAnswerMessage turns arbitrary error answers of a notification service
// into the message lpops shows, seeded with real services' error bodies. The
// message is one printable line of at most httpx.MaxText bytes, and no part of
// the channel's URL that may be its token survives.
func FuzzAnswerMessage(f *testing.F) {
	f.Add("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX", "invalid_token")
	f.Add("https://api.telegram.org/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage",
		`{"ok":false,"error_code":401,"description":"Unauthorized: bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"}`)
	f.Add("https://discord.com/api/webhooks/123/tok-en", "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>https://discord.com/api/webhooks/123/tok-en</body></html>")
	f.Add("https://events.pagerduty.com/v2/enqueue", `{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}`)
	f.Fuzz(func(t *testing.T, target, body string) {
		s, err := newSender(config.Channel{}, target)
		if err != nil {
			return
		}
		msg := s.message(body)
		if n := len(msg); n > httpx.MaxText {
			t.Fatalf("message of %d bytes (bound %d)", n, httpx.MaxText)
		}
		for _, r := range msg {
			if !unicode.IsPrint(r) || r == '\n' {
				t.Fatalf("unprintable %q in %q", r, msg)
			}
		}
		for _, secret := range s.secrets {
			// A secret made of the marker's letters, or holding characters
			// the message rewrites (invalid UTF-8 becomes U+FFFD, whose
			// bytes it may match), cannot be told from what replaced it.
			if !utf8.ValidString(secret) || strings.Contains("<redacted>", secret) || strings.ContainsFunc(secret, func(r rune) bool {
				return r == '<' || r == '>' || r == '…' || !unicode.IsPrint(r) || unicode.IsSpace(r)
			}) {
				continue
			}
			if strings.Contains(msg, secret) {
				t.Fatalf("message %q holds the secret %q", msg, secret)
			}
		}
	})
}

// FuzzParseRetryAfter reads arbitrary Retry-After headers: delay-seconds or
// an HTTP date. A wait is never negative, whatever the number.
func FuzzParseRetryAfter(f *testing.F) {
	for _, v := range []string{"120", "0.5", "Wed, 21 Oct 2099 07:28:00 GMT", "-5", "1e300", "Inf", "NaN", ""} {
		f.Add(v)
	}
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, now); d < 0 {
			t.Fatalf("Retry-After %q: wait %v", v, d)
		}
	})
}
