package alerting

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// notification is the generic webhook's body as its documentation
// (examples/lpops.yaml, alerts.channels type webhook) describes it, decoded
// here independently of lpops' own types.
type notification struct {
	ID          string            `json:"id"`
	DedupKey    string            `json:"dedup_key"`
	Status      string            `json:"status"`
	Alertname   string            `json:"alertname"`
	Severity    string            `json:"severity"`
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	Summary     string            `json:"summary"`
	Description string            `json:"description"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      *time.Time        `json:"ends_at"`
	Repeat      int               `json:"repeat"`
	SentAt      time.Time         `json:"sent_at"`

	// received is when the receiver got it.
	received time.Time
}

func (n notification) String() string {
	return fmt.Sprintf("%s %s %s %v %q (id %s)", n.received.Format("15:04:05.000"), n.Status, n.Alertname, n.Labels, n.Summary, n.ID)
}

// receiver is the operator's webhook endpoint: it checks the signature and
// the documented fields of every request, and records every attempt. While
// failing it answers 500, as a receiver that is down.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret []byte

	failing atomic.Bool

	mu       sync.Mutex
	accepted []notification // answered 2xx, in arrival order
	rejected []notification // answered 500 while failing
	problems []string       // requests that break the documented format
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{t: t, secret: []byte(randomHex(t, 32))}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		r.srv.Close()
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, p := range r.problems {
			t.Errorf("webhook receiver: %s", p)
		}
		if t.Failed() || os.Getenv("ALERTING_DUMP") != "" {
			t.Logf("notifications received (%d accepted, %d answered 500):", len(r.accepted), len(r.rejected))
			for _, n := range r.accepted {
				t.Logf("  %s", n)
			}
		}
	})
	return r
}

// URL is where lpops posts.
func (r *receiver) URL() string { return r.srv.URL + "/hook" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n, problem := r.check(req, body)
	n.received = now
	r.mu.Lock()
	defer r.mu.Unlock()
	if problem != "" {
		r.problems = append(r.problems, problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	if r.failing.Load() {
		r.rejected = append(r.rejected, n)
		http.Error(w, "receiver down", http.StatusInternalServerError)
		return
	}
	r.accepted = append(r.accepted, n)
	w.WriteHeader(http.StatusNoContent)
}

// check verifies the request as a receiver should: the HMAC-SHA256 signature
// of the raw body, the timestamp header, then the documented fields.
func (r *receiver) check(req *http.Request, body []byte) (notification, string) {
	var n notification
	if req.Method != http.MethodPost || req.URL.Path != "/hook" {
		return n, fmt.Sprintf("%s %s, want POST /hook", req.Method, req.URL.Path)
	}
	mac := hmac.New(sha256.New, r.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := req.Header.Get("X-Lpops-Signature"); !hmac.Equal([]byte(got), []byte(want)) {
		return n, fmt.Sprintf("X-Lpops-Signature %q does not verify the body %s", got, body)
	}
	if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return n, fmt.Sprintf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(body, &n); err != nil {
		return n, fmt.Sprintf("body is not the documented JSON: %v: %s", err, body)
	}
	ts, err := strconv.ParseInt(req.Header.Get("X-Lpops-Timestamp"), 10, 64)
	switch {
	case err != nil || ts != n.SentAt.Unix():
		return n, fmt.Sprintf("X-Lpops-Timestamp %q is not sent_at %s", req.Header.Get("X-Lpops-Timestamp"), n.SentAt)
	case n.ID == "" || n.DedupKey != n.ID:
		return n, fmt.Sprintf("id %q, dedup_key %q: want the same non-empty key: %s", n.ID, n.DedupKey, body)
	case n.Status != "firing" && n.Status != "resolved":
		return n, fmt.Sprintf("status %q: %s", n.Status, body)
	case n.Severity != "critical" && n.Severity != "warning" && n.Severity != "info":
		return n, fmt.Sprintf("severity %q: %s", n.Severity, body)
	case n.Alertname == "" || n.Fingerprint == "" || n.Summary == "" || n.Labels == nil || n.StartsAt.IsZero():
		return n, fmt.Sprintf("alertname, fingerprint, summary, labels and starts_at are required: %s", body)
	case (n.Status == "firing") != (n.EndsAt == nil):
		return n, fmt.Sprintf("ends_at must be null exactly while firing: %s", body)
	case n.EndsAt != nil && n.EndsAt.Before(n.StartsAt):
		return n, fmt.Sprintf("ends_at before starts_at: %s", body)
	}
	return n, ""
}

// fail makes the receiver answer 500 (true) or accept again (false).
func (r *receiver) fail(down bool) { r.failing.Store(down) }

// match selects notifications.
type match func(notification) bool

// named matches an alert name and status ("" for any status) and, in pairs,
// label values.
func named(name, status string, labels ...string) match {
	return func(n notification) bool {
		if n.Alertname != name || (status != "" && n.Status != status) {
			return false
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if n.Labels[labels[i]] != labels[i+1] {
				return false
			}
		}
		return true
	}
}

// of matches the notifications of one alert (fingerprint) in a status.
func of(fingerprint, status string) match {
	return func(n notification) bool { return n.Fingerprint == fingerprint && (status == "" || n.Status == status) }
}

// all returns the accepted notifications m matches, in arrival order.
func (r *receiver) all(m match) []notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notification
	for _, n := range r.accepted {
		if m(n) {
			out = append(out, n)
		}
	}
	return out
}

// rejectedAll returns the attempts answered 500.
func (r *receiver) rejectedAll() []notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notification(nil), r.rejected...)
}

// wait waits up to timeout for an accepted notification m matches and
// returns the first.
func (r *receiver) wait(timeout time.Duration, what string, m match) notification {
	r.t.Helper()
	var got notification
	testenv.WaitFor(r.t, timeout, what, func() bool {
		ns := r.all(m)
		if len(ns) == 0 {
			return false
		}
		got = ns[0]
		return true
	})
	return got
}

// none fails the test if any accepted notification matches m.
func (r *receiver) none(what string, m match) {
	r.t.Helper()
	if ns := r.all(m); len(ns) > 0 {
		r.t.Errorf("%s: got %d notifications, want none; first: %s", what, len(ns), ns[0])
	}
}

// once fails the test unless exactly one accepted notification matches m.
func (r *receiver) once(what string, m match) {
	r.t.Helper()
	if ns := r.all(m); len(ns) != 1 {
		r.t.Errorf("%s: got %d notifications, want exactly one: %v", what, len(ns), ns)
	}
}
