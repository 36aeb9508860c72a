package notify

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// TestDiscordWireFormat follows Discord's documented Execute Webhook format:
// POST JSON {embeds: [{title, description, color, fields, timestamp, footer}],
// allowed_mentions}, answered by 204 No Content.
func TestDiscordWireFormat(t *testing.T) {
	r := newReceiver(t, http.StatusNoContent, "")
	n := mustNew(t, config.Channel{Name: "dc", Type: "discord", URLFile: secretFile(t, r.URL+"/api/webhooks/123/tok")})
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	req := r.only(t)
	if req.Method != http.MethodPost || req.Path != "/api/webhooks/123/tok" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s (%s), want a JSON POST to the webhook path", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	want := map[string]any{
		"allowed_mentions": map[string]any{"parse": []any{}},
		"embeds": []any{map[string]any{
			"title":       "[FIRING:critical] RewardMissed",
			"description": "reward not called in round 4127\n\nthe round ends in 12 blocks & the node's <reward> call failed",
			"color":       float64(0xD32F2F),
			"fields": []any{
				map[string]any{"name": "orchestrator", "value": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "inline": true},
				map[string]any{"name": "round", "value": "4127", "inline": true},
			},
			"timestamp": "2026-03-01T18:00:00Z",
			"footer":    map[string]any{"text": "fingerprint a1b2c3d4e5f60718"},
		}},
	}
	if got := decode(t, req.Body); !reflect.DeepEqual(got, want) {
		t.Errorf("body\n got: %v\nwant: %v", got, want)
	}
}

func TestDiscordResolvedTimestampIsTheEnd(t *testing.T) {
	r := newReceiver(t, http.StatusNoContent, "")
	n := mustNew(t, config.Channel{Name: "dc", Type: "discord", URLFile: secretFile(t, r.URL)})
	if err := n.Notify(context.Background(), resolvedOf(firing())); err != nil {
		t.Fatal(err)
	}
	e := decode(t, r.only(t).Body)["embeds"].([]any)[0].(map[string]any)
	if e["timestamp"] != "2026-03-01T18:04:00Z" || e["color"] != float64(0x2E7D32) || e["title"] != "[RESOLVED:critical] RewardMissed" {
		t.Errorf("resolved embed: %v", e)
	}
}

// TestDiscordRateLimit follows Discord's documented 429 answer: a JSON body
// whose retry_after is in seconds.
func TestDiscordRateLimit(t *testing.T) {
	r := newReceiver(t, http.StatusTooManyRequests, `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`)
	r.header.Set("Retry-After", "2")
	err := mustNew(t, config.Channel{Name: "dc", Type: "discord", URLFile: secretFile(t, r.URL)}).Notify(context.Background(), firing())
	var se *StatusError
	if !errors.As(err, &se) || !se.Temporary() {
		t.Fatalf("error %v, want a temporary *StatusError", err)
	}
	if got := RetryAfter(err); got != 1500*time.Millisecond {
		t.Errorf("RetryAfter = %s, want 1.5s from the body", got)
	}
	if se.Message != "You are being rate limited." {
		t.Errorf("Message = %q", se.Message)
	}
}

func TestDiscordRejected(t *testing.T) {
	r := newReceiver(t, http.StatusNotFound, `{"message": "Unknown Webhook", "code": 10015}`)
	err := mustNew(t, config.Channel{Name: "dc", Type: "discord", URLFile: secretFile(t, r.URL)}).Notify(context.Background(), firing())
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound || se.Temporary() {
		t.Errorf("error %v, want a permanent 404", err)
	}
}
