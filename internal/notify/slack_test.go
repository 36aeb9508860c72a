package notify

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// TestSlackWireFormat follows Slack's documented incoming-webhook format:
// POST JSON {text, attachments: [{color, fallback, blocks}]} to the webhook
// URL, with &, < and > escaped in mrkdwn, answered by 200 "ok".
func TestSlackWireFormat(t *testing.T) {
	r := newReceiver(t, http.StatusOK, "ok")
	n := mustNew(t, config.Channel{Name: "sl", Type: "slack", URLFile: secretFile(t, r.URL+"/services/T0/B0/XYZ\n")})
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	req := r.only(t)
	if req.Method != http.MethodPost || req.Path != "/services/T0/B0/XYZ" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s (%s), want a JSON POST to the webhook path", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	headline := "[FIRING:critical] RewardMissed: reward not called in round 4127"
	want := map[string]any{
		"text": headline,
		"attachments": []any{map[string]any{
			"color":    "#D32F2F",
			"fallback": headline,
			"blocks": []any{
				map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*[FIRING:critical] RewardMissed*\n" +
					"reward not called in round 4127\n\n" +
					"the round ends in 12 blocks &amp; the node's &lt;reward&gt; call failed"}},
				map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": "orchestrator=`0x1c1c9817f4b8f07efb298a17102531cdd09cef68` · " +
					"round=`4127` · started 2026-03-01 18:00:00 UTC · fingerprint a1b2c3d4e5f60718"}}},
			},
		}},
	}
	if got := decode(t, req.Body); !reflect.DeepEqual(got, want) {
		t.Errorf("body\n got: %v\nwant: %v", got, want)
	}
}

func TestSlackResolvedIsGreen(t *testing.T) {
	r := newReceiver(t, http.StatusOK, "ok")
	n := mustNew(t, config.Channel{Name: "sl", Type: "slack", URLFile: secretFile(t, r.URL)})
	if err := n.Notify(context.Background(), resolvedOf(firing())); err != nil {
		t.Fatal(err)
	}
	body := decode(t, r.only(t).Body)
	att := body["attachments"].([]any)[0].(map[string]any)
	if att["color"] != "#2E7D32" || !strings.HasPrefix(body["text"].(string), "[RESOLVED:critical] RewardMissed") {
		t.Errorf("resolved message: color %v, text %q", att["color"], body["text"])
	}
}

func TestSlackFailures(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"ChannelNotFound", http.StatusNotFound, "channel_not_found", "HTTP 404 Not Found: channel_not_found"},
		{"InvalidPayload", http.StatusBadRequest, "invalid_payload", "HTTP 400 Bad Request: invalid_payload"},
		{"OKStatusWithoutOK", http.StatusOK, "no_text", `answered "no_text", not "ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, tt.status, tt.body)
			t.Setenv("LPOPS_TEST_SLACK", r.URL+"/services/T0/B0/XYZ")
			err := mustNew(t, config.Channel{Name: "sl", Type: "slack", URLEnv: "LPOPS_TEST_SLACK"}).Notify(context.Background(), firing())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
			var se *StatusError
			if errors.As(err, &se) && se.Temporary() {
				t.Errorf("%d is not temporary", tt.status)
			}
		})
	}
}
