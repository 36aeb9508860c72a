package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
)

type fakeSource struct {
	ready bool
	why   string
}

func (f fakeSource) Status() any               { return map[string]any{"ready": f.ready} }
func (f fakeSource) Ready() (bool, string)     { return f.ready, f.why }
func (f fakeSource) Rounds(n int) (any, error) { return []int{n}, nil }

// fleetSource keeps two orchestrators.
type fleetSource struct{ fakeSource }

var fleetOrchs = []common.Address{common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68"), common.HexToAddress("0x2c1c9817f4b8f07efb298a17102531cdd09cef68")}

func (f fleetSource) RoundsOf(o common.Address, n int) (any, error) {
	for _, k := range fleetOrchs {
		if k == o {
			return map[string]any{"orchestrator": strings.ToLower(o.Hex()), "n": n}, nil
		}
	}
	return nil, fmt.Errorf("%s is %w", strings.ToLower(o.Hex()), ErrUnknownOrchestrator)
}

// /api/v1/rounds?orchestrator= serves one orchestrator of a fleet; an
// address that is malformed or not kept is a 400 that says so.
func TestRoundsOfOrchestrator(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		Src      StatusSource
		Query    string
		WantCode int
		WantBody string
	}{
		{"Second", fleetSource{}, "?limit=5&orchestrator=0x2C1C9817F4B8F07EFB298A17102531CDD09CEF68", 200, `"orchestrator":"0x2c1c9817f4b8f07efb298a17102531cdd09cef68"`},
		{"Malformed", fleetSource{}, "?orchestrator=0x2c1c", 400, `orchestrator: want a 0x address, got \"0x2c1c\"`},
		{"Empty", fleetSource{}, "?orchestrator=", 400, `orchestrator: want a 0x address, got \"\"`},
		{"NotKept", fleetSource{}, "?orchestrator=0x3c1c9817f4b8f07efb298a17102531cdd09cef68", 400, "orchestrator: 0x3c1c9817f4b8f07efb298a17102531cdd09cef68 is not an orchestrator lpops keeps"},
		{"OneOrchestratorSource", fakeSource{}, "?orchestrator=0x2c1c9817f4b8f07efb298a17102531cdd09cef68", 400, "orchestrator: not served here"},
		{"WithoutIt", fleetSource{}, "?limit=4", 200, "[4]"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := New(tc.Src, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/rounds"+tc.Query, nil))
			body := strings.Join(strings.Fields(rec.Body.String()), "")
			if rec.Code != tc.WantCode || !strings.Contains(body, strings.Join(strings.Fields(tc.WantBody), "")) {
				t.Fatalf("GET %s = %d %s, want %d with %s", tc.Query, rec.Code, body, tc.WantCode, tc.WantBody)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "lpops_test_total", Help: "x"})
	reg.MustRegister(c)
	for _, tc := range []struct {
		Name     string
		Ready    bool
		Method   string
		Path     string
		WantCode int
		WantBody string
	}{
		{"Healthz", false, "GET", "/healthz", 200, "ok"},
		{"ReadyzNotReady", false, "GET", "/readyz", 503, "not ready: chain unreadable"},
		{"ReadyzReady", true, "GET", "/readyz", 200, "ready"},
		{"Status", true, "GET", "/api/v1/status", 200, `"ready": true`},
		{"RoundsLimit", true, "GET", "/api/v1/rounds?limit=3", 200, "3"},
		{"RoundsBadLimit", true, "GET", "/api/v1/rounds?limit=abc", 400, `limit: want an integer from 1 to 1000, got \"abc\"`},
		{"Metrics", true, "GET", "/metrics", 200, "lpops_test_total 0"},
		{"NoWritesOverHTTP", true, "POST", "/api/v1/status", 405, ""},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := New(fakeSource{ready: tc.Ready, why: "chain unreadable"}, reg, slog.New(slog.DiscardHandler))
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(tc.Method, tc.Path, nil))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tc.WantCode {
				t.Fatalf("%s %s = %d, want %d (%s)", tc.Method, tc.Path, rec.Code, tc.WantCode, body)
			}
			if !strings.Contains(string(body), tc.WantBody) {
				t.Fatalf("body %q does not contain %q", body, tc.WantBody)
			}
			if tc.Path == "/api/v1/status" && tc.Method == "GET" {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatalf("status is not JSON: %v", err)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Fatalf("content type %q", ct)
				}
			}
		})
	}
	_ = http.StatusOK
}

// serve starts s on a loopback port and returns its address.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	addr, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return addr.String()
}

// waitClosed reads conn until the server closes it, failing after a
// deadline far beyond the server's own timeouts.
func waitClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the server kept the connection open")
	}
}

// TestStalledClientsAreDisconnected: a client that connects and stalls
// (slowloris: a request line and no end of headers; a body announced and
// never sent; a keep-alive connection left idle) loses its connection.
func TestStalledClientsAreDisconnected(t *testing.T) {
	for _, tc := range []struct {
		Name  string
		Write string
	}{
		{"HeadersNeverEnd", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n"},
		{"BodyNeverSent", "POST /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{\"a\":"},
		{"IdleKeepAlive", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			s.srv.ReadHeaderTimeout, s.srv.ReadTimeout, s.srv.IdleTimeout = 100*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
			conn, err := net.Dial("tcp", serve(t, s))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.Write); err != nil {
				t.Fatal(err)
			}
			waitClosed(t, conn)
		})
	}
}

// TestServerLimits: the listeners carry every timeout and a header limit.
func TestServerLimits(t *testing.T) {
	for name, s := range map[string]*Server{
		"API":    New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler)),
		"Public": NewPublic(http.NotFoundHandler(), slog.New(slog.DiscardHandler)),
	} {
		srv := s.srv
		if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 ||
			srv.MaxHeaderBytes == 0 || s.maxConns == 0 {
			t.Errorf("%s: read header %s, read %s, write %s, idle %s, max header bytes %d, max conns %d; want all set",
				name, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes, s.maxConns)
		}
	}
}

// TestConnectionCap: with every connection slot taken, a further client
// waits; it is served as soon as one slot frees.
func TestConnectionCap(t *testing.T) {
	s := NewPublic(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	s.maxConns = 2
	addr := serve(t, s)
	var held []net.Conn
	for range s.maxConns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// A request answered proves the server accepted the connection.
		get(t, c)
		held = append(held, c)
	}
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	if _, err := io.WriteString(extra, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	extra.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := extra.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection %d was served (read %d bytes, %v), want it to wait", s.maxConns+1, n, err)
	}
	held[0].Close()
	extra.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(extra), nil)
	if err != nil {
		t.Fatalf("after a slot freed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after a slot freed: %s", resp.Status)
	}
}

// get sends GET /healthz on conn and reads the answer.
func get(t *testing.T, conn net.Conn) {
	t.Helper()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	conn.SetReadDeadline(time.Time{})
}

// TestHostHeaderChecked: the private API answers requests that address it
// by loopback name, IP address or its listen host, and refuses other names
// (a DNS-rebinding page reaching 127.0.0.1 under its own name). The public
// page answers any name.
func TestHostHeaderChecked(t *testing.T) {
	api := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	apiAddr := serve(t, api)
	public := NewPublic(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	publicAddr := serve(t, public)
	for _, tc := range []struct {
		Name     string
		Addr     string
		Host     string
		WantCode int
	}{
		{"LoopbackIP", apiAddr, apiAddr, 200},
		{"Localhost", apiAddr, "localhost:7940", 200},
		{"LocalhostNoPort", apiAddr, "localhost", 200},
		{"IPv6Loopback", apiAddr, "[::1]:7940", 200},
		{"OtherIP", apiAddr, "192.0.2.10:7940", 200},
		{"RebindingName", apiAddr, "attacker.example:7940", 421},
		{"RebindingNameNoPort", apiAddr, "evil.example", 421},
		{"LocalhostLookalike", apiAddr, "localhost.attacker.example", 421},
		{"PublicAnyName", publicAddr, "status.example.org", 200},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			req, err := http.NewRequest("GET", "http://"+tc.Addr+"/healthz", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tc.Host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.WantCode {
				t.Errorf("GET /healthz with Host %q = %d (%s), want %d", tc.Host, resp.StatusCode, body, tc.WantCode)
			}
		})
	}
}

func TestListenHostAllowed(t *testing.T) {
	s := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	s.listenHost = "lpops.internal" // listen: lpops.internal:7940
	for host, want := range map[string]bool{"LPOPS.internal:7940": true, "lpops.internal.": true, "other.internal": false} {
		if got := s.hostAllowed(host); got != want {
			t.Errorf("hostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}
