package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/httpx"
)

// t0 is the fixed "now" of the tests' notifiers.
var t0 = time.Date(2026, 3, 1, 18, 0, 5, 0, time.UTC)

// firing is the notification most tests send.
func firing() Notification {
	return Notification{
		ID:          "a1b2c3d4-1772388000-firing-0",
		Status:      StatusFiring,
		Alertname:   "RewardMissed",
		Severity:    "critical",
		Fingerprint: "a1b2c3d4e5f60718",
		Labels:      map[string]string{"orchestrator": "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "round": "4127"},
		Summary:     "reward not called in round 4127",
		Description: "the round ends in 12 blocks & the node's <reward> call failed",
		StartsAt:    time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC),
	}
}

func resolvedOf(n Notification) Notification {
	n.Status = StatusResolved
	n.EndsAt = time.Date(2026, 3, 1, 18, 4, 0, 0, time.UTC)
	n.ID = strings.Replace(n.ID, "firing", "resolved", 1)
	return n
}

// secretFile writes content to a file in a test directory and returns its path.
func secretFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mustNew makes the notifier of c with the test clock.
func mustNew(t *testing.T, c config.Channel) Notifier {
	t.Helper()
	n, err := New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	type clocked interface{ setNow(func() time.Time) }
	n.(clocked).setNow(func() time.Time { return t0 })
	return n
}

func (b *base) setNow(now func() time.Time) { b.now = now }

// request is what a test receiver saw.
type request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// receiver is an httptest server that records requests and answers with
// status and body.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []request
	status int
	body   string
	header http.Header
}

func newReceiver(t *testing.T, status int, body string) *receiver {
	r := &receiver{status: status, body: body, header: http.Header{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, request{req.Method, req.URL.Path, req.Header.Clone(), b})
		status, body := r.status, r.body
		for k, v := range r.header {
			w.Header()[k] = v
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.got...)
}

// only returns the one request the receiver got.
func (r *receiver) only(t *testing.T) request {
	t.Helper()
	got := r.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	return got[0]
}

// decode unmarshals a JSON body into a generic value, so tests compare the
// wire format itself rather than this package's structs.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, b)
	}
	return m
}

func TestNewAllNamesKeyPathsAndHidesSecrets(t *testing.T) {
	const token = "123456:AAF-telegram-secret-token"
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv("LPOPS_TEST_EMPTY", "")
	channels := []config.Channel{
		{Name: "ok", Type: "webhook", URL: "http://127.0.0.1:9/hook"},
		{Name: "tg", Type: "telegram", TokenFile: missing, ChatID: "42"},
		{Name: "pd", Type: "pagerduty", RoutingKeyEnv: "LPOPS_TEST_EMPTY"},
		{Name: "sl", Type: "slack", URLFile: secretFile(t, "ftp://hooks.slack.com/services/"+token)},
		{Name: "hook", Type: "webhook", URL: "https://h.example/x", TLSCAFile: secretFile(t, token)},
	}
	_, err := NewAll(channels)
	if err == nil {
		t.Fatal("NewAll succeeded, want errors")
	}
	want := []string{
		"alerts.channels[1].token_file: open " + missing + ": no such file or directory",
		"alerts.channels[2].routing_key_env: environment variable LPOPS_TEST_EMPTY is not set or empty",
		"alerts.channels[3].url_file: the URL in " + channels[3].URLFile + " must be an http or https URL",
		"alerts.channels[4].tls_ca_file: " + channels[4].TLSCAFile + " holds no PEM certificate",
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("NewAll error\n got: %q\nwant: %q", got, want)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error reveals the token: %v", err)
	}
	if _, err := New(channels[1]); err == nil || !strings.HasPrefix(err.Error(), `channel "tg": token_file: open `) {
		t.Errorf("New error = %v, want it to name the channel and key", err)
	}
}

func TestNewBuildsEveryType(t *testing.T) {
	key := secretFile(t, "k\n")
	channels := []config.Channel{
		{Name: "a", Type: "webhook", URL: "http://127.0.0.1:9/hook"},
		{Name: "b", Type: "slack", URLFile: secretFile(t, "https://hooks.slack.com/services/T/B/X\n")},
		{Name: "c", Type: "discord", URLFile: secretFile(t, "https://discord.com/api/webhooks/1/x")},
		{Name: "d", Type: "telegram", TokenFile: key, ChatID: "@lpops_alerts"},
		{Name: "e", Type: "pagerduty", RoutingKeyFile: key},
		{Name: "f", Type: "email", Smarthost: "smtp.example.com:587", From: "lpops@example.com", To: config.List{Items: []string{"ops@example.com"}}},
		{Name: "g", Type: "alertmanager", URL: "http://127.0.0.1:9093"},
	}
	ns, err := NewAll(channels)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range ns {
		if n.Name() != channels[i].Name || n.Type() != channels[i].Type {
			t.Errorf("notifier %d is %s/%s, want %s/%s", i, n.Name(), n.Type(), channels[i].Name, channels[i].Type)
		}
	}
}

func TestRouteBySeverity(t *testing.T) {
	r := newReceiver(t, http.StatusOK, "")
	n := mustNew(t, config.Channel{Name: "pager", Type: "webhook", URL: r.URL, Severities: config.List{Items: []string{"critical"}}})
	info := firing()
	info.Severity = "info"
	if Receives(n, "info") || !Receives(n, "critical") {
		t.Errorf("Receives(info) = %v, Receives(critical) = %v; want false, true", Receives(n, "info"), Receives(n, "critical"))
	}
	if err := n.Notify(context.Background(), info); err != nil {
		t.Fatal(err)
	}
	if got := len(r.requests()); got != 0 {
		t.Fatalf("an info alert reached a critical-only channel (%d requests)", got)
	}
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	r.only(t)
}

func TestStatusErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    string
		temporary bool
		retry     time.Duration
	}{
		{"ServerError", http.StatusBadGateway, "", true, 0},
		{"RateLimitedSeconds", http.StatusTooManyRequests, "7", true, 7 * time.Second},
		{"Gone", http.StatusGone, "", false, 0},
		{"BadRequest", http.StatusBadRequest, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, tt.status, "nope")
			if tt.header != "" {
				r.header.Set("Retry-After", tt.header)
			}
			err := mustNew(t, config.Channel{Name: "w", Type: "webhook", URL: r.URL}).Notify(context.Background(), firing())
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *StatusError", err)
			}
			if Permanent(err) == tt.temporary || Permanent(fmt.Errorf("wrapped: %w", err)) == tt.temporary {
				t.Errorf("Permanent(%v) = %v, want %v", err, Permanent(err), !tt.temporary)
			}
			if se.StatusCode != tt.status || se.Temporary() != tt.temporary || RetryAfter(err) != tt.retry || se.Message != "nope" {
				t.Errorf("got %+v (temporary %v), want status %d temporary %v retry %s message nope",
					se, se.Temporary(), tt.status, tt.temporary, tt.retry)
			}
		})
	}
}

func TestPermanentOtherErrors(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Err  error
		Want bool
	}{
		{"ConnectionRefused", errors.New("dial tcp: connection refused"), false},
		{"Timeout", context.DeadlineExceeded, false},
		{"SMTPMailboxUnavailable", fmt.Errorf("rcpt: %w", &textproto.Error{Code: 550, Msg: "no such user"}), true},
		{"SMTPTryLater", &textproto.Error{Code: 451, Msg: "try again later"}, false},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			if got := Permanent(tc.Err); got != tc.Want {
				t.Errorf("Permanent(%v) = %v, want %v", tc.Err, got, tc.Want)
			}
		})
	}
}

func TestErrorsDoNotShowTheURL(t *testing.T) {
	const token = "T000/B000/XXXXsecretXXXX"
	// A closed port: the transport error would quote the whole URL.
	r := newReceiver(t, http.StatusOK, "")
	addr := r.URL
	r.Close()
	url := addr + "/services/" + token
	n := mustNew(t, config.Channel{Name: "s", Type: "slack", URLFile: secretFile(t, url)})
	err := n.Notify(context.Background(), firing())
	if err == nil {
		t.Fatal("Notify to a closed port succeeded")
	}
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q: want scheme://host only, never the token", err)
	}

	// A receiver that echoes the request URL in its error answer.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Error(w, "no such hook "+req.URL.Path, http.StatusNotFound)
	}))
	defer echo.Close()
	n = mustNew(t, config.Channel{Name: "s", Type: "slack", URLFile: secretFile(t, echo.URL+"/services/"+token)})
	err = n.Notify(context.Background(), firing())
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "<redacted>") {
		t.Errorf("error %q: want the echoed token redacted", err)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere := newReceiver(t, http.StatusOK, "")
	r := httptest.NewServer(http.RedirectHandler(elsewhere.URL, http.StatusTemporaryRedirect))
	defer r.Close()
	err := mustNew(t, config.Channel{Name: "w", Type: "webhook", URL: r.URL, SecretFile: secretFile(t, "k")}).
		Notify(context.Background(), firing())
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("error %v, want the 307 as a *StatusError", err)
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the redirect was followed (%d requests elsewhere)", n)
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	r := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer r.Close()
	defer close(block)
	n := mustNew(t, config.Channel{Name: "w", Type: "webhook", URL: r.URL, Timeout: config.Duration{Duration: 50 * time.Millisecond}})
	if err := n.Notify(context.Background(), firing()); err == nil {
		t.Fatal("Notify to a receiver that never answers succeeded")
	}
}

// TestProxyErrorPage: a proxy in front of the channel answers with a big HTML
// page; the delivery error quotes one short line of it, not the page.
func TestProxyErrorPage(t *testing.T) {
	page := "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>" + strings.Repeat("<center>nginx</center>\n", 100000) + "</body></html>"
	r := newReceiver(t, http.StatusBadGateway, page)
	err := mustNew(t, config.Channel{Name: "w", Type: "webhook", URL: r.URL}).Notify(context.Background(), firing())
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error %.200v is not a *StatusError", err)
	}
	if !strings.HasPrefix(se.Message, "<html> <head><title>502 Bad Gateway</title></head> <body><center>nginx</center>") ||
		len(se.Message) > httpx.MaxText || len(err.Error()) > 2*httpx.MaxText {
		t.Errorf("message of %d bytes, error of %d bytes: %.200q; want one short line", len(se.Message), len(err.Error()), se.Message)
	}
}

// A service asking for an absurd wait (Retry-After: 1e300, or a Telegram or
// Discord retry_after beyond 292 years) gets a long one, not a negative one
// from an overflow, which the engine read as "no wait asked". Found by
// FuzzParseRetryAfter.
func TestRetryAfterSaturates(t *testing.T) {
	for _, v := range []string{"1e300", "Inf", "9223372037"} {
		if d := parseRetryAfter(v, t0); d < time.Hour {
			t.Errorf("Retry-After %q: wait %v, want a long one", v, d)
		}
	}
	if d := seconds(1.5); d != 1500*time.Millisecond {
		t.Errorf("seconds(1.5) = %v", d)
	}
}
