package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"reflect"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// TestWebhookWireFormat follows the documented wire format of the generic
// webhook (package documentation): POST, JSON body with the listed fields,
// X-Lpops-Timestamp, and X-Lpops-Signature = "sha256=" + hex HMAC-SHA256 of
// the raw body, checked here with crypto/hmac directly rather than Sign.
func TestWebhookWireFormat(t *testing.T) {
	const secret = "s3cret-hmac-key"
	tests := []struct {
		name   string
		n      Notification
		status string
		id     string
		endsAt any
	}{
		{"Firing", firing(), "firing", "a1b2c3d4-1772388000-firing-0", nil},
		{"Resolved", resolvedOf(firing()), "resolved", "a1b2c3d4-1772388000-resolved-0", "2026-03-01T18:04:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, http.StatusNoContent, "")
			n := mustNew(t, config.Channel{Name: "ops", Type: "webhook", URL: r.URL + "/hook?team=ops", SecretFile: secretFile(t, secret+"\n")})
			if err := n.Notify(context.Background(), tt.n); err != nil {
				t.Fatal(err)
			}
			req := r.only(t)
			if req.Method != http.MethodPost || req.Path != "/hook" {
				t.Errorf("%s %s, want POST /hook", req.Method, req.Path)
			}
			if ct := req.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if ts := req.Header.Get("X-Lpops-Timestamp"); ts != "1772388005" {
				t.Errorf("X-Lpops-Timestamp %q, want 1772388005 (the send time)", ts)
			}
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(req.Body)
			if got, want := req.Header.Get("X-Lpops-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
				t.Errorf("X-Lpops-Signature %q, want %q", got, want)
			}
			want := map[string]any{
				"version":     "1",
				"id":          tt.id,
				"dedup_key":   tt.id,
				"status":      tt.status,
				"alertname":   "RewardMissed",
				"severity":    "critical",
				"fingerprint": "a1b2c3d4e5f60718",
				"labels":      map[string]any{"orchestrator": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "round": "4127"},
				"summary":     "reward not called in round 4127",
				"description": "the round ends in 12 blocks & the node's <reward> call failed",
				"starts_at":   "2026-03-01T18:00:00Z",
				"ends_at":     tt.endsAt,
				"repeat":      float64(0),
				"sent_at":     "2026-03-01T18:00:05Z",
			}
			if got := decode(t, req.Body); !reflect.DeepEqual(got, want) {
				t.Errorf("body\n got: %v\nwant: %v", got, want)
			}
			if !VerifySignature([]byte(secret), req.Body, req.Header.Get(SignatureHeader)) {
				t.Error("VerifySignature rejects the request's own signature")
			}
			if VerifySignature([]byte("other"), req.Body, req.Header.Get(SignatureHeader)) {
				t.Error("VerifySignature accepts a signature made with another key")
			}
		})
	}
}

func TestWebhookWithoutSecretIsUnsigned(t *testing.T) {
	r := newReceiver(t, http.StatusOK, "")
	n := firing()
	n.Labels = nil
	if err := mustNew(t, config.Channel{Name: "ops", Type: "webhook", URL: r.URL}).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	req := r.only(t)
	if sig, ok := req.Header["X-Lpops-Signature"]; ok {
		t.Errorf("unsigned channel sent X-Lpops-Signature %q", sig)
	}
	if got := decode(t, req.Body)["labels"]; !reflect.DeepEqual(got, map[string]any{}) {
		t.Errorf("labels = %v, want {} (never null)", got)
	}
}

func TestWebhookSecretFromEnv(t *testing.T) {
	t.Setenv("LPOPS_TEST_HOOK_KEY", "env-key")
	r := newReceiver(t, http.StatusOK, "")
	if err := mustNew(t, config.Channel{Name: "ops", Type: "webhook", URL: r.URL, SecretEnv: "LPOPS_TEST_HOOK_KEY"}).
		Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	req := r.only(t)
	if !VerifySignature([]byte("env-key"), req.Body, req.Header.Get(SignatureHeader)) {
		t.Error("signature does not verify with the key from secret_env")
	}
}
