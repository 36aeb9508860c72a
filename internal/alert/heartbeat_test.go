package alert

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHeartbeat(t *testing.T) {
	var pings atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/ping/secret-token" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		pings.Add(1)
	}))
	defer srv.Close()

	for _, tc := range []struct {
		Name  string
		Setup func(h *harness, down *bool, unhealthy *error)
		Ping  bool
	}{
		{"Healthy", func(*harness, *bool, *error) {}, true},
		{"WarningFiring", func(h *harness, _ *bool, _ *error) { h.observe(firing("LowBalance", Warning)) }, true},
		{"CriticalFiring", func(h *harness, _ *bool, _ *error) { h.observe(firing("NodeDown", Critical)) }, false},
		{"CriticalSilenced", func(h *harness, _ *bool, _ *error) {
			if _, err := h.e.AddSilence(Silence{Matchers: []Matcher{{"alertname", "NodeDown"}}, Until: h.clock.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			h.observe(firing("NodeDown", Critical))
		}, true},
		{"CriticalResolved", func(h *harness, _ *bool, _ *error) {
			h.observe(firing("NodeDown", Critical))
			h.observe(resolved("NodeDown"))
		}, true},
		{"DaemonUnhealthy", func(_ *harness, _ *bool, u *error) { *u = errors.New("chain unreadable") }, false},
		{"ChannelFailingBriefly", func(h *harness, down *bool, _ *error) {
			*down = true
			h.observe(firing("LowBalance", Warning))
			h.step(30 * time.Second)
		}, true},
		{"ChannelFailingLong", func(h *harness, down *bool, _ *error) {
			*down = true
			h.observe(firing("LowBalance", Warning))
			h.step(time.Minute)
		}, false},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			var down bool
			var unhealthy error
			r := &recorder{name: "ops", down: func() bool { return down }}
			h := newHarness(t, func(o *Options) {
				o.HeartbeatURL = srv.URL + "/ping/secret-token"
				o.HeartbeatInterval = time.Minute
				o.Healthy = func() error { return unhealthy }
			}, r)
			tc.Setup(h, &down, &unhealthy)
			before := pings.Load()
			skipped := value(t, h.e.m.heartbeat.WithLabelValues(heartbeatSkipped))
			if err := h.e.Heartbeat(context.Background()); err != nil {
				t.Fatal(err)
			}
			if pinged := pings.Load() > before; pinged != tc.Ping {
				t.Fatalf("pinged %v, want %v (status %+v)", pinged, tc.Ping, h.e.Doc().Heartbeat)
			}
			st := h.e.Doc().Heartbeat
			if st.Pinging != tc.Ping || (st.Reason == "") != tc.Ping {
				t.Fatalf("status %+v", st)
			}
			if !tc.Ping && value(t, h.e.m.heartbeat.WithLabelValues(heartbeatSkipped)) != skipped+1 {
				t.Fatal("lpops_heartbeat_total{result=skipped} not counted")
			}
		})
	}
}

func TestHeartbeatErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	srv.Close() // connection refused
	h := newHarness(t, func(o *Options) { o.HeartbeatURL = srv.URL + "/ping/secret-token" })
	err := h.e.Heartbeat(context.Background())
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	st := h.e.Doc().Heartbeat
	for _, s := range []string{err.Error(), st.LastError} {
		if s == "" || strings.Contains(s, "secret-token") {
			t.Fatalf("error %q reveals the URL token or is empty", s)
		}
	}
	if value(t, h.e.m.heartbeat.WithLabelValues(heartbeatError)) != 1 {
		t.Fatal("lpops_heartbeat_total{result=error} not counted")
	}
}
