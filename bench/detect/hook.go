package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// notice is a webhook notification as the receiver got it: the documented
// body (examples/lpops.yaml, alerts.channels type webhook), and when it came.
type notice struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Alertname   string            `json:"alertname"`
	Fingerprint string            `json:"fingerprint"`
	Labels      map[string]string `json:"labels"`
	Summary     string            `json:"summary"`

	received time.Time
}

// hook is the operator's webhook receiver: it verifies the HMAC-SHA256
// signature of every request and records every notification.
type hook struct {
	URL    string
	secret []byte
	srv    *http.Server

	mu      sync.Mutex
	got     []notice
	bad     int
	changed chan struct{} // closed and replaced on every new notice
}

func newHook(secret []byte) (*hook, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook listen: %w", err)
	}
	h := &hook{URL: "http://" + ln.Addr().String() + "/hook", secret: secret, changed: make(chan struct{})}
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

func (h *hook) Close() error { return h.srv.Close() }

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	var n notice
	if !hmac.Equal([]byte(r.Header.Get("X-Lpops-Signature")), []byte(want)) || json.Unmarshal(body, &n) != nil {
		h.mu.Lock()
		h.bad++
		h.mu.Unlock()
		http.Error(w, "bad signature or body", http.StatusBadRequest)
		return
	}
	n.received = now
	h.mu.Lock()
	h.got = append(h.got, n)
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Bad counts the requests that failed verification.
func (h *hook) Bad() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bad
}

// wait returns the first notice received at or after since that match
// accepts, waiting up to timeout for it.
func (h *hook) wait(ctx context.Context, since time.Time, timeout time.Duration, match func(notice) bool) (notice, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		for _, n := range h.got {
			if !n.received.Before(since) && match(n) {
				h.mu.Unlock()
				return n, nil
			}
		}
		changed := h.changed
		h.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return notice{}, fmt.Errorf("no matching notification within %s", timeout)
		case <-ctx.Done():
			return notice{}, ctx.Err()
		}
	}
}

// firing matches the firing notice of an alert name with the given labels.
func firing(name string, labels ...string) func(notice) bool {
	return func(n notice) bool {
		if n.Alertname != name || n.Status != "firing" {
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

// resolved matches the resolved notice of one alert.
func resolved(fingerprint string) func(notice) bool {
	return func(n notice) bool { return n.Fingerprint == fingerprint && n.Status == "resolved" }
}
