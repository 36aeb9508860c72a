package notify

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lpops/lpops/internal/config"
)

const tgToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// TestTelegramWireFormat follows the Bot API's documented sendMessage call:
// POST /bot<token>/sendMessage with JSON {chat_id, text, parse_mode: "HTML"},
// where <, > and & outside markup are written as &lt; &gt; &amp;.
func TestTelegramWireFormat(t *testing.T) {
	r := newReceiver(t, http.StatusOK, `{"ok":true,"result":{"message_id":42}}`)
	n := mustNew(t, config.Channel{Name: "tg", Type: "telegram", URL: r.URL, TokenFile: secretFile(t, tgToken+"\n"), ChatID: "-1001234567890"})
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	req := r.only(t)
	if req.Method != http.MethodPost || req.Path != "/bot"+tgToken+"/sendMessage" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s (%s), want a JSON POST to /bot<token>/sendMessage", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	want := map[string]any{
		"chat_id":    float64(-1001234567890),
		"parse_mode": "HTML",
		"text": "<b>[FIRING:critical] RewardMissed</b>\n" +
			"reward not called in round 4127\n\n" +
			"the round ends in 12 blocks &amp; the node's &lt;reward&gt; call failed\n\n" +
			"orchestrator: <code>0x1c1c9817f4b8f07efb298a17102531cdd09cef68</code>\n" +
			"round: <code>4127</code>\n\n" +
			"Started 2026-03-01 18:00:00 UTC\n" +
			"Fingerprint <code>a1b2c3d4e5f60718</code>",
		"link_preview_options": map[string]any{"is_disabled": true},
	}
	if got := decode(t, req.Body); !reflect.DeepEqual(got, want) {
		t.Errorf("body\n got: %v\nwant: %v", got, want)
	}
}

func TestTelegramChannelUsernameAndLongText(t *testing.T) {
	t.Setenv("LPOPS_TEST_TG", tgToken)
	r := newReceiver(t, http.StatusOK, `{"ok":true,"result":{}}`)
	n := firing()
	n.Description = strings.Repeat("<&>", 3000) // 9000 visible characters
	if err := mustNew(t, config.Channel{Name: "tg", Type: "telegram", URL: r.URL + "/", TokenEnv: "LPOPS_TEST_TG", ChatID: "@lpops_alerts"}).
		Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	body := decode(t, r.only(t).Body)
	if body["chat_id"] != "@lpops_alerts" {
		t.Errorf("chat_id = %v, want the @username as a string", body["chat_id"])
	}
	text := body["text"].(string)
	visible := telegramUnescape(stripTags(text))
	if n := utf8.RuneCountInString(visible); n > telegramMaxText {
		t.Errorf("visible text is %d characters, over Telegram's %d", n, telegramMaxText)
	}
	if !strings.Contains(text, "&lt;&amp;&gt;") || !strings.HasSuffix(text, "<code>a1b2c3d4e5f60718</code>") {
		t.Errorf("the cut text lost its escaping or its tail:\n%s", text[len(text)-200:])
	}
}

// TestTelegramFailures follows the Bot API's documented error answer:
// {"ok": false, "error_code", "description", "parameters": {"retry_after"}}.
func TestTelegramFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		want      string
		retry     time.Duration
		temporary bool
	}{
		{"ChatNotFound", http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`,
			"HTTP 400 Bad Request: Bad Request: chat not found", 0, false},
		{"FloodControl", http.StatusTooManyRequests, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`,
			"HTTP 429 Too Many Requests: Too Many Requests: retry after 5", 5 * time.Second, true},
		{"Unauthorized", http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`,
			"HTTP 401 Unauthorized: Unauthorized", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, tt.status, tt.body)
			err := mustNew(t, config.Channel{Name: "tg", Type: "telegram", URL: r.URL, TokenFile: secretFile(t, tgToken), ChatID: "42"}).
				Notify(context.Background(), firing())
			var se *StatusError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) || se.RetryAfter != tt.retry || se.Temporary() != tt.temporary {
				t.Errorf("error %v, want %q, retry after %s, temporary %v", err, tt.want, tt.retry, tt.temporary)
			}
			if strings.Contains(err.Error(), tgToken) {
				t.Errorf("error reveals the bot token: %v", err)
			}
		})
	}
	t.Run("OKFalseWith200", func(t *testing.T) {
		r := newReceiver(t, http.StatusOK, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`)
		err := mustNew(t, config.Channel{Name: "tg", Type: "telegram", URL: r.URL, TokenFile: secretFile(t, tgToken), ChatID: "42"}).
			Notify(context.Background(), firing())
		if err == nil || !strings.Contains(err.Error(), "message text is empty") {
			t.Errorf("error %v, want the description", err)
		}
	})
}
