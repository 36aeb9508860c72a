// Package api is lpops' HTTP surface: health and readiness probes, the status
// JSON, Prometheus metrics and, when enabled, the alerts and silences. It
// listens on loopback unless configured otherwise. The only routes that change
// state (adding and removing silences) require the bearer token of
// api.token_file; without one they are disabled.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"
)

// StatusSource provides the documents the API serves.
type StatusSource interface {
	// Status is the /api/v1/status document.
	Status() any
	// Ready reports whether lpops can currently read the chain.
	Ready() (bool, string)
	// Rounds is the /api/v1/rounds document: the newest n rounds.
	Rounds(n int) (any, error)
}

// OrchestratorRounds is what a StatusSource that keeps several
// orchestrators (a fleet) also provides: /api/v1/rounds?orchestrator=ADDR,
// that orchestrator's rounds (Rounds serves the first's).
type OrchestratorRounds interface {
	// RoundsOf is the newest n rounds of orchestrator o; an error wrapping
	// ErrUnknownOrchestrator when lpops does not keep it.
	RoundsOf(o common.Address, n int) (any, error)
}

// ErrUnknownOrchestrator: the orchestrator a request names is not one lpops
// keeps.
var ErrUnknownOrchestrator = errors.New("not an orchestrator lpops keeps")

// Server serves the HTTP API.
type Server struct {
	src    StatusSource
	gather prometheus.Gatherer
	log    *slog.Logger
	mux    *http.ServeMux
	srv    *http.Server
	ln     net.Listener
	// maxConns caps the connections served at once (MaxConns; tests lower it).
	maxConns int
	// listenHost is the host of the bound address, accepted in the Host
	// header; checkHost says whether the Host header is checked at all.
	listenHost string
	checkHost  bool
}

// Limits both listeners apply, so that a client that connects and stalls,
// or many clients at once, cannot hold lpops' sockets, memory or file
// descriptors. They matter most on api.public_listen, which faces the
// internet, and cost nothing on loopback.
const (
	// ReadHeaderTimeout bounds the request line and headers (slowloris).
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds the whole request, body included: the largest is a
	// silence of a few hundred bytes.
	ReadTimeout = 15 * time.Second
	// WriteTimeout bounds handling and writing one answer. The slowest
	// legitimate answers (/metrics, /api/v1/rounds?limit=1000, the status
	// page's assets) take milliseconds on loopback and a few seconds to a
	// scraper across a slow link; a minute leaves a wide margin.
	WriteTimeout = time.Minute
	// IdleTimeout closes a keep-alive connection no request has used.
	IdleTimeout = 2 * time.Minute
	// MaxHeaderBytes bounds the request headers.
	MaxHeaderBytes = 64 << 10
	// MaxConns caps the connections served at once; further connections wait
	// in the kernel's accept queue until one closes. Browsers open about six
	// per page, Prometheus one per scrape.
	MaxConns = 64
)

// newHTTPServer returns the http.Server of a listener serving h.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// New returns a Server for src and the metrics in g.
func New(src StatusSource, g prometheus.Gatherer, log *slog.Logger) *Server {
	s := &Server{src: src, gather: g, log: log.With("component", "api"), maxConns: MaxConns, checkHost: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /api/v1/status", s.status)
	mux.HandleFunc("GET /api/v1/rounds", s.rounds)
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	s.mux = mux
	s.srv = newHTTPServer(s.guardHost(mux))
	return s
}

// Handle mounts h on pattern (components that serve their own routes).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler exposes the routes, without the listener's Host check (tests).
func (s *Server) Handler() http.Handler { return s.mux }

// Listen binds addr; call Serve next. Binding first lets the caller report the
// real address (":0" in tests) and fail fast on a busy port.
func (s *Server) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	s.ln = netutil.LimitListener(ln, s.maxConns)
	s.listenHost, _, _ = net.SplitHostPort(addr)
	return ln.Addr(), nil
}

// CloseListener closes the listener Listen opened, for a start that fails
// before Serve.
func (s *Server) CloseListener() error {
	if s.ln == nil {
		return nil
	}
	return s.ln.Close()
}

// Serve serves until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.srv.Shutdown(sctx)
		if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
		return err
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	ok, why := s.src.Ready()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready:", why)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.src.Status())
}

func (s *Server) rounds(w http.ResponseWriter, r *http.Request) {
	n := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > 1000 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit: want an integer from 1 to 1000, got %q", v)})
			return
		}
		n = i
	}
	q := r.URL.Query()
	var (
		doc any
		err error
	)
	switch o := q.Get("orchestrator"); {
	case !q.Has("orchestrator"):
		doc, err = s.src.Rounds(n)
	case !common.IsHexAddress(o):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("orchestrator: want a 0x address, got %q", o)})
		return
	default:
		src, ok := s.src.(OrchestratorRounds)
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "orchestrator: not served here"})
			return
		}
		doc, err = src.RoundsOf(common.HexToAddress(o), n)
		if errors.Is(err, ErrUnknownOrchestrator) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "orchestrator: " + err.Error()})
			return
		}
	}
	if err != nil {
		s.log.Error("read rounds", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "read rounds: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// uiPatterns are the status page's routes (package web).
var uiPatterns = []string{"GET /{$}", "GET /assets/", "GET /ui/"}

// EnableUI mounts the status page h (package web) at GET /, with its
// /assets/ and /ui/ routes, beside the API. Call it before Serve.
func (s *Server) EnableUI(h http.Handler) {
	for _, pattern := range uiPatterns {
		s.mux.Handle(pattern, h)
	}
}

// NewPublic returns a Server for api.public_listen: it serves the public
// status page h (package web, in public mode), its /assets/ and /ui/ routes
// and /healthz, and nothing else: no API, no metrics, no route that changes
// state. Listen and Serve it as the API's Server.
func NewPublic(h http.Handler, log *slog.Logger) *Server {
	s := &Server{log: log.With("component", "public-page"), mux: http.NewServeMux(), maxConns: MaxConns}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	for _, pattern := range uiPatterns {
		s.mux.Handle(pattern, h)
	}
	s.srv = newHTTPServer(s.mux)
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// guardHost refuses, with 421 Misdirected Request, a request whose Host
// header names neither a loopback name, an IP address nor the host of
// listen. A web page on another site can make a browser send requests to
// 127.0.0.1 under its own name by pointing that name's DNS at 127.0.0.1
// (DNS rebinding); the browser then lets the page read the answers. The
// page's name is in the Host header, so checking it keeps the status,
// rounds and metrics routes readable only by those who address lpops
// directly. The public listener does not check: it serves the public page
// under any name.
func (s *Server) guardHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.checkHost && !s.hostAllowed(r.Host) {
			http.Error(w, "misdirected request: address lpops by 127.0.0.1, localhost or its listen address", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether host (a Host header, with or without a port)
// is loopback, an IP address, or the host lpops listens on.
func (s *Server) hostAllowed(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "":
		return true // HTTP/1.0 without a Host header: no name to rebind
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return true
	case net.ParseIP(host) != nil:
		// A rebinding page is reached by a name; an address is not one.
		return true
	}
	return s.listenHost != "" && strings.EqualFold(host, strings.TrimSuffix(s.listenHost, "."))
}
