package notify

import (
	"context"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

const pdKey = "R0UT1NGKEY0123456789abcdefABCDEF"

// TestPagerDutyWireFormat follows PagerDuty's documented Events API v2: POST
// /v2/enqueue with routing_key, event_action trigger then resolve, the same
// dedup_key (the fingerprint) for both, and a payload on the trigger;
// PagerDuty answers 202.
func TestPagerDutyWireFormat(t *testing.T) {
	r := newReceiver(t, http.StatusAccepted, `{"status":"success","message":"Event processed","dedup_key":"a1b2c3d4e5f60718"}`)
	n := mustNew(t, config.Channel{Name: "pd", Type: "pagerduty", URL: r.URL + "/v2/enqueue", RoutingKeyFile: secretFile(t, pdKey+"\n")})
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), resolvedOf(firing())); err != nil {
		t.Fatal(err)
	}
	got := r.requests()
	if len(got) != 2 {
		t.Fatalf("got %d requests, want trigger and resolve", len(got))
	}
	for _, req := range got {
		if req.Method != http.MethodPost || req.Path != "/v2/enqueue" || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s (%s), want a JSON POST to /v2/enqueue", req.Method, req.Path, req.Header.Get("Content-Type"))
		}
	}
	host, _ := os.Hostname()
	wantTrigger := map[string]any{
		"routing_key":  pdKey,
		"event_action": "trigger",
		"dedup_key":    "a1b2c3d4e5f60718",
		"client":       "lpops",
		"payload": map[string]any{
			"summary":   "[FIRING:critical] RewardMissed: reward not called in round 4127",
			"source":    host,
			"severity":  "critical",
			"timestamp": "2026-03-01T18:00:00Z",
			"class":     "RewardMissed",
			"custom_details": map[string]any{
				"alertname":    "RewardMissed",
				"fingerprint":  "a1b2c3d4e5f60718",
				"starts_at":    "2026-03-01T18:00:00Z",
				"repeat":       "0",
				"description":  "the round ends in 12 blocks & the node's <reward> call failed",
				"orchestrator": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68",
				"round":        "4127",
			},
		},
	}
	if b := decode(t, got[0].Body); !reflect.DeepEqual(b, wantTrigger) {
		t.Errorf("trigger\n got: %v\nwant: %v", b, wantTrigger)
	}
	wantResolve := map[string]any{"routing_key": pdKey, "event_action": "resolve", "dedup_key": "a1b2c3d4e5f60718"}
	if b := decode(t, got[1].Body); !reflect.DeepEqual(b, wantResolve) {
		t.Errorf("resolve\n got: %v\nwant: %v", b, wantResolve)
	}
}

func TestPagerDutySeverityMapping(t *testing.T) {
	for sev, want := range map[string]string{"critical": "critical", "warning": "warning", "info": "info", "page": "error"} {
		if got := pagerDutySeverity(sev); got != want {
			t.Errorf("pagerDutySeverity(%q) = %q, want %q", sev, got, want)
		}
	}
}

// TestPagerDutyFailures follows the documented answers: 400 with
// {status, message, errors} (do not retry), 429 and 5xx (retry later).
func TestPagerDutyFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		want      string
		temporary bool
	}{
		{"InvalidEvent", http.StatusBadRequest, `{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}`,
			"HTTP 400 Bad Request: Event object is invalid Length of 'routing_key' is incorrect (should be 32 characters)", false},
		{"Throttled", http.StatusTooManyRequests, ``, "HTTP 429 Too Many Requests", true},
		{"ServerError", http.StatusInternalServerError, `oops`, "HTTP 500 Internal Server Error: oops", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, tt.status, tt.body)
			t.Setenv("LPOPS_TEST_PD", pdKey)
			err := mustNew(t, config.Channel{Name: "pd", Type: "pagerduty", URL: r.URL, RoutingKeyEnv: "LPOPS_TEST_PD"}).
				Notify(context.Background(), firing())
			var se *StatusError
			if !errors.As(err, &se) || se.Temporary() != tt.temporary || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q (temporary %v)", err, tt.want, tt.temporary)
			}
		})
	}
}

func TestPagerDutyRedactsAnEchoedKey(t *testing.T) {
	r := newReceiver(t, http.StatusBadRequest, `{"status":"invalid event","message":"unknown routing_key `+pdKey+`"}`)
	err := mustNew(t, config.Channel{Name: "pd", Type: "pagerduty", URL: r.URL, RoutingKeyFile: secretFile(t, pdKey)}).
		Notify(context.Background(), firing())
	if err == nil || strings.Contains(err.Error(), pdKey) {
		t.Errorf("error %v: want an error without the routing key", err)
	}
}
