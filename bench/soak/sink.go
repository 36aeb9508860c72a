package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/notify"
)

// sink is the operator's webhook receiver, the soak's alert channel. It
// verifies every request's signature, records the notifications, and can be
// taken down (listener closed: connections refused) and brought back on the
// same address.
type sink struct {
	URL    string
	addr   string
	secret []byte

	mu  sync.Mutex
	srv *http.Server // nil while down
	got []notify.WebhookPayload
	bad int
}

func newSink(secret []byte) (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook sink listen: %w", err)
	}
	s := &sink{URL: "http://" + ln.Addr().String() + "/hook", addr: ln.Addr().String(), secret: secret}
	s.serve(ln)
	return s, nil
}

func (s *sink) serve(ln net.Listener) {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.srv = srv
	go func() { _ = srv.Serve(ln) }()
}

// Down closes the listener: lpops' deliveries are refused.
func (s *sink) Down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Up listens again on the same address.
func (s *sink) Up() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("webhook sink listen again on %s: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
}

func (s *sink) Close() { s.Down() }

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var n notify.WebhookPayload
	if !notify.VerifySignature(s.secret, body, r.Header.Get(notify.SignatureHeader)) || json.Unmarshal(body, &n) != nil {
		s.mu.Lock()
		s.bad++
		s.mu.Unlock()
		http.Error(w, "bad signature or body", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.got = append(s.got, n)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Notifications returns a copy of what the sink received, and how many
// requests failed verification.
func (s *sink) Notifications() ([]notify.WebhookPayload, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.WebhookPayload(nil), s.got...), s.bad
}
