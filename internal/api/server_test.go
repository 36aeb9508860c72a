package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

type fakeSource struct {
	ready bool
	why   string
}

func (f fakeSource) Status() any               { return map[string]any{"ready": f.ready} }
func (f fakeSource) Ready() (bool, string)     { return f.ready, f.why }
func (f fakeSource) Rounds(n int) (any, error) { return []int{n}, nil }

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
