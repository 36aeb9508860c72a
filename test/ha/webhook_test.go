package ha

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// hook is the operator's webhook endpoint, shared by every lpops instance
// (each posts to /hook/<its name>, so the receiver knows who sent). It
// follows the generic webhook's documented wire format (examples/lpops.yaml,
// alerts.channels type webhook), decoded here independently of lpops' own
// types: a POST of a JSON object signed with HMAC-SHA256 of the raw body in
// X-Lpops-Signature, X-Lpops-Timestamp the send time; any 2xx accepts it.
// While failing it answers 503, as a receiver that is down.
type hook struct {
	t          testing.TB
	srv        *httptest.Server
	secret     []byte
	secretFile string

	failing atomic.Bool

	mu       sync.Mutex
	requests []delivery
	problems []string
}

// delivery is one request: who sent it, the notification, and whether it
// was accepted.
type delivery struct {
	From        string            `json:"-"`
	Accepted    bool              `json:"-"`
	ID          string            `json:"id"`
	DedupKey    string            `json:"dedup_key"`
	Status      string            `json:"status"`
	Alertname   string            `json:"alertname"`
	Severity    string            `json:"severity"`
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	Summary     string            `json:"summary"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      *time.Time        `json:"ends_at"`
	Repeat      *int              `json:"repeat"`
	SentAt      time.Time         `json:"sent_at"`
}

func (d delivery) String() string {
	verdict := "accepted"
	if !d.Accepted {
		verdict = "answered 503"
	}
	return fmt.Sprintf("from %s: %s %s %v id %s (%s)", d.From, d.Status, d.Alertname, d.Labels, d.ID, verdict)
}

// webhook starts the receiver; the instances started after it notify it.
func (e *env) webhook() *hook {
	e.t.Helper()
	h := &hook{t: e.t, secret: make([]byte, 32)}
	if _, err := rand.Read(h.secret); err != nil {
		e.t.Fatal(err)
	}
	h.secretFile = filepath.Join(e.t.TempDir(), "hook-secret")
	if err := os.WriteFile(h.secretFile, []byte(hex.EncodeToString(h.secret)), 0o600); err != nil {
		e.t.Fatal(err)
	}
	h.secret = []byte(hex.EncodeToString(h.secret))
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	e.t.Cleanup(func() {
		h.srv.Close()
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, p := range h.problems {
			e.t.Errorf("webhook receiver: %s", p)
		}
		if e.t.Failed() {
			e.t.Logf("webhook requests (%d):", len(h.requests))
			for _, d := range h.requests {
				e.t.Logf("  %s", d)
			}
		}
	})
	e.hook = h
	return h
}

func (h *hook) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d, problem := h.check(req, body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if problem != "" {
		h.problems = append(h.problems, problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	d.Accepted = !h.failing.Load()
	h.requests = append(h.requests, d)
	if !d.Accepted {
		http.Error(w, "receiver down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// check verifies the request as a receiver should: the signature of the
// raw body, the timestamp header, then the documented fields.
func (h *hook) check(req *http.Request, body []byte) (delivery, string) {
	var d delivery
	from, ok := strings.CutPrefix(req.URL.Path, "/hook/")
	if req.Method != http.MethodPost || !ok || from == "" {
		return d, fmt.Sprintf("%s %s, want POST /hook/<instance>", req.Method, req.URL.Path)
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	if got, want := req.Header.Get("X-Lpops-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(got), []byte(want)) {
		return d, fmt.Sprintf("X-Lpops-Signature %q does not sign the body", got)
	}
	ts, err := strconv.ParseInt(req.Header.Get("X-Lpops-Timestamp"), 10, 64)
	if err != nil {
		return d, fmt.Sprintf("X-Lpops-Timestamp %q: %v", req.Header.Get("X-Lpops-Timestamp"), err)
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return d, fmt.Sprintf("body %s: %v", body, err)
	}
	d.From = from
	switch {
	case d.ID == "" || d.DedupKey != d.ID:
		return d, fmt.Sprintf("id %q, dedup_key %q: want a non-empty id and dedup_key equal to it", d.ID, d.DedupKey)
	case d.Status != "firing" && d.Status != "resolved":
		return d, fmt.Sprintf("status %q", d.Status)
	case d.Alertname == "" || d.Fingerprint == "" || d.Labels == nil || d.Repeat == nil || d.StartsAt.IsZero():
		return d, fmt.Sprintf("missing field in %s", body)
	case (d.Status == "resolved") != (d.EndsAt != nil):
		return d, fmt.Sprintf("%s notification with ends_at %v", d.Status, d.EndsAt)
	case d.SentAt.Unix() != ts:
		return d, fmt.Sprintf("sent_at %s is not X-Lpops-Timestamp %d", d.SentAt, ts)
	}
	return d, ""
}

// all returns the requests so far whose alert is named alertname.
func (h *hook) all(alertname string) []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []delivery
	for _, d := range h.requests {
		if d.Alertname == alertname {
			out = append(out, d)
		}
	}
	return out
}

// from counts the requests an instance made.
func (h *hook) from(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, d := range h.requests {
		if d.From == name {
			n++
		}
	}
	return n
}

// waitFor waits until a request matching cond arrived and returns it.
func (h *hook) waitFor(what string, cond func(delivery) bool) delivery {
	h.t.Helper()
	var got delivery
	testenv.WaitFor(h.t, statusTimeout, "webhook: "+what, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, d := range h.requests {
			if cond(d) {
				got = d
				return true
			}
		}
		return false
	})
	return got
}

// config is the alerts section pointing instance name at the receiver.
func (h *hook) config(name string) string {
	return fmt.Sprintf(`alerts:
  channels:
    - name: ops
      type: webhook
      url: %s/hook/%s
      secret_file: %s
      timeout: 3s
  outbox:
    max_backoff: 1s
`, h.srv.URL, name, h.secretFile)
}
