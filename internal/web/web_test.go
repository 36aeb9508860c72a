package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/web"
)

const (
	orchAddr   = "0x7c9a3e1f5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f"
	signerAddr = "0x3b1f9d2c4a6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d"
	otherAddr  = "0xd8e8328501e9645d16cf49539efc04f734606ee4"
	txHash     = "0x9f1c6a0e2b4d8f3a5c7e9b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a2c4e6b8d0f1a"
)

// leaks are strings of the fixtures that the public view must never serve:
// accounts, hashes, IP addresses, hostnames, paths, URLs, a person, and
// free text (errors, command output, alert summaries, silence comments).
var leaks = []string{
	orchAddr[2:], signerAddr[2:], txHash[2:], otherAddr[2:],
	"10.20.30.40", "192.168.1.7", "geth-1.internal.example", "arb-backup.internal.example", "alchemy.com", "arb1.arbitrum.io",
	"hooks.example.com", "/var/lib/livepeer", "/run/dbus", "/usr/local/bin", "/srv/", "/var/log", "livepeer.service",
	"SECRETKEY", "alice@ops", "provider maintenance", "permission denied", "connection refused",
	"has ETH for", "is unhealthy", "until block", "no healthy endpoint",
	"10.0.1.7", "expected transcoders connected",
}

// safeText is what a string of a public document may look like: a word, an
// identifier, a plain label, a number, a time, a role or a numbered name.
var safeText = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,63}|-?[0-9]+|\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)|\[(?:orchestrator|signer|reward caller|account|address)(?: \d+)?\]|0x0{40}|(?:endpoint|channel) \d+|[0-9][0-9A-Za-z.+_-]*)$`)

// TestPublicView serves every document of the fixtures, which quote
// accounts, hosts, IP addresses, paths and command output in every free
// text field lpops has, in public mode: none of it may reach the browser,
// and every string left must be a word, a label, a number, a time or a role.
func TestPublicView(t *testing.T) {
	src := fixtures{status: readFile("status-probes.json"), rounds: readFile("rounds.json")}
	for _, path := range []string{"/ui/status.json", "/ui/rounds.json", "/ui/alerts.json", "/ui/actions.json"} {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(path, "/ui/"), ".json"), func(t *testing.T) {
			get := func(public bool) string {
				rec := httptest.NewRecorder()
				web.New(web.Options{Status: src, Alerts: src, Actions: src, Public: public}).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s (public %v) = %d: %s", path, public, rec.Code, rec.Body)
				}
				return rec.Body.String()
			}
			private, public := get(false), get(true)
			var quoted int
			for _, l := range leaks {
				if strings.Contains(strings.ToLower(private), strings.ToLower(l)) {
					quoted++
				}
				if strings.Contains(strings.ToLower(public), strings.ToLower(l)) {
					t.Errorf("public %s contains %q:\n%s", path, l, public)
				}
			}
			if quoted == 0 {
				t.Fatalf("the private %s quotes none of the leaks: the fixture tests nothing", path)
			}
			var v any
			if err := json.Unmarshal([]byte(public), &v); err != nil {
				t.Fatal(err)
			}
			strs := 0
			walkStrings(v, func(s string) {
				strs++
				if !safeText.MatchString(s) {
					t.Errorf("public %s serves the free text %q", path, s)
				}
			})
			if strs == 0 {
				t.Errorf("public %s serves no text at all: %s", path, public)
			}
		})
	}
}

// walkStrings calls f with every string of a JSON tree, keys included.
func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []any:
		for _, c := range x {
			walkStrings(c, f)
		}
	case map[string]any:
		for k, c := range x {
			f(k)
			walkStrings(c, f)
		}
	}
}

// TestPublicViewKeeps checks that the public view still carries what the
// page shows: the round, the reward, the stake probe, balances by role,
// endpoint health, firing alerts and the actions' outcomes.
func TestPublicViewKeeps(t *testing.T) {
	src := fixtures{status: readFile("status-probes.json"), rounds: readFile("rounds.json")}
	h := web.New(web.Options{Status: src, Alerts: src, Actions: src, Public: true})
	for _, tc := range []struct {
		Path string
		Want []string
	}{
		{"/ui/status.json", []string{`"orchestrator":"[orchestrator]"`, `"signer":"[signer]"`, `"[signer]":"41000000000000000"`,
			`"[orchestrator]":"812000000000000000"`, `"round":3512`, `"state":"waiting_grace"`, `"reward_cut_percent":10`,
			`"runway_rounds_signer":37.2`, `"name":"endpoint 2"`, `"healthy":false`, `"lag_blocks":467`, `"by":"lpops"`,
			`"probe":"transcoders"`, `"capacity":20`, `"current_sessions":15`}},
		{"/ui/rounds.json", []string{`"outcome":"rewarded_by_lpops"`, `"reward_amount":"61234500000000000000"`, `"outcome":"missed"`}},
		{"/ui/alerts.json", []string{`"alertname":"RunwayLow"`, `"severity":"warning"`, `"silenced_by":true`, `"name":"ops-webhook"`, `"pending":2`}},
		{"/ui/actions.json", []string{`"runbook":"rpc-failover"`, `"type":"systemd_restart"`, `"outcome":"failed"`, `"dry_run":true`}},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.Path, nil))
		for _, w := range tc.Want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("public %s lacks %s:\n%s", tc.Path, w, rec.Body)
			}
		}
		for _, n := range []string{`"probe":"node"`, `"silences"`, `"labels"`, `"contracts"`, `"remediation"`, `"reward_tx"`, `"hash"`} {
			if strings.Contains(rec.Body.String(), n) {
				t.Errorf("public %s has %s", tc.Path, n)
			}
		}
	}
}

func TestAccountRoles(t *testing.T) {
	got := web.AccountRoles(json.RawMessage(readFile("status-probes.json")))
	want := map[string]string{
		"0x7c9a3e1f5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f": "orchestrator",
		"0x3b1f9d2c4a6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d": "signer", // also the reward caller: first role wins
	}
	if len(got) != len(want) {
		t.Fatalf("roles %v, want %v", got, want)
	}
	for a, r := range want {
		if got[a] != r {
			t.Errorf("role of %s = %q, want %q", a, got[a], r)
		}
	}
}

func TestHandler(t *testing.T) {
	src := fixtures{status: readFile("status-probes.json"), rounds: readFile("rounds.json")}
	for _, tc := range []struct {
		Name     string
		Opts     web.Options
		Method   string
		Path     string
		WantCode int
		WantType string
		Want     []string // substrings of the body
		Not      []string
	}{
		{"Page", web.Options{Status: src}, "GET", "/", 200, "text/html; charset=utf-8", []string{`<script src="assets/app.js">`}, nil},
		{"Script", web.Options{Status: src}, "GET", "/assets/app.js", 200, "text/javascript; charset=utf-8", []string{"ui/status.json"}, nil},
		{"Stylesheet", web.Options{Status: src}, "GET", "/assets/style.css", 200, "text/css; charset=utf-8", nil, nil},
		{"NoListing", web.Options{Status: src}, "GET", "/assets/", 404, "", nil, nil},
		{"UnknownPath", web.Options{Status: src}, "GET", "/nope", 404, "", nil, nil},
		{"ReadOnly", web.Options{Status: src}, "POST", "/ui/status.json", 405, "", nil, nil},
		{"Status", web.Options{Status: src}, "GET", "/ui/status.json", 200, "application/json", []string{orchAddr, `"round":3512`}, nil},
		{"Rounds", web.Options{Status: src}, "GET", "/ui/rounds.json?limit=5", 200, "application/json", []string{`"outcome":"missed"`}, nil},
		{"RoundsBadLimit", web.Options{Status: src}, "GET", "/ui/rounds.json?limit=0", 400, "application/json", []string{"limit: want an integer from 1 to 1000"}, nil},
		{"NoAlertEngine", web.Options{Status: src}, "GET", "/ui/alerts.json", 404, "application/json", nil, nil},
		{"NilAlertEngine", web.Options{Status: src, Alerts: (*alert.Engine)(nil)}, "GET", "/ui/alerts.json", 404, "application/json", nil, nil},
		{"Alerts", web.Options{Status: src, Alerts: src}, "GET", "/ui/alerts.json", 200, "application/json", []string{"RunwayLow", signerAddr}, nil},
		{"NoActions", web.Options{Status: src}, "GET", "/ui/actions.json", 404, "application/json", nil, nil},
		{"Actions", web.Options{Status: src, Actions: src}, "GET", "/ui/actions.json", 200, "application/json", []string{"permission denied"}, nil},
		{"PublicStatus", web.Options{Status: src, Public: true}, "GET", "/ui/status.json", 200, "application/json",
			[]string{`"orchestrator":"[orchestrator]"`, `"[signer]":"41000000000000000"`},
			[]string{orchAddr[2:], signerAddr[2:], txHash[2:], "SECRETKEY", "last_error"}},
		{"PublicRounds", web.Options{Status: src, Public: true}, "GET", "/ui/rounds.json", 200, "application/json",
			[]string{`"outcome":"missed"`}, []string{orchAddr[2:], signerAddr[2:], txHash[2:], "reason"}},
		{"PublicAlerts", web.Options{Status: src, Alerts: src, Public: true}, "GET", "/ui/alerts.json", 200, "application/json",
			[]string{`"alertname":"RunwayLow"`}, []string{orchAddr[2:], signerAddr[2:], "hooks.example.com", "summary"}},
		{"PublicErrorsSayLittle", web.Options{Status: src, Public: true}, "GET", "/ui/rounds.json?limit=x", 400, "application/json", []string{"limit"}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			web.New(tc.Opts).ServeHTTP(rec, httptest.NewRequest(tc.Method, tc.Path, nil))
			body := rec.Body.String()
			if rec.Code != tc.WantCode {
				t.Fatalf("%s %s = %d, want %d: %s", tc.Method, tc.Path, rec.Code, tc.WantCode, body)
			}
			if ct := rec.Header().Get("Content-Type"); tc.WantType != "" && ct != tc.WantType {
				t.Errorf("Content-Type %q, want %q", ct, tc.WantType)
			}
			for _, w := range tc.Want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q:\n%s", w, tail(body, 2000))
				}
			}
			for _, n := range tc.Not {
				if strings.Contains(strings.ToLower(body), strings.ToLower(n)) {
					t.Errorf("body contains %q", n)
				}
			}
			if tc.Opts.Public && strings.HasPrefix(tc.Path, "/ui/") && rec.Header().Get("Lpops-View") != "public" {
				t.Error("public document without Lpops-View: public")
			}
			if tc.Path == "/" && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("page CSP %q", rec.Header().Get("Content-Security-Policy"))
			}
		})
	}
}

// TestListeners checks what each listener serves: `listen` the API, the
// metrics and the full page; api.public_listen (api.NewPublic) the public
// page and /healthz, and nothing else, whatever the API enables.
func TestListeners(t *testing.T) {
	src := fixtures{status: readFile("status-probes.json"), rounds: readFile("rounds.json")}
	private := api.New(src, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	private.EnableUI(web.New(web.Options{Status: src, Alerts: src, Actions: src}))
	private.EnableAlerts(src, "")
	public := api.NewPublic(web.New(web.Options{Status: src, Alerts: src, Actions: src, Public: true}), slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		Name   string
		Server *api.Server
		Want   map[string]int
	}{
		{"Listen", private, map[string]int{
			"/": 200, "/assets/app.js": 200, "/ui/status.json": 200, "/ui/alerts.json": 200, "/ui/actions.json": 200,
			"/healthz": 200, "/readyz": 200, "/api/v1/status": 200, "/api/v1/rounds": 200, "/api/v1/alerts": 200, "/metrics": 200,
		}},
		{"PublicListen", public, map[string]int{
			"/": 200, "/assets/app.js": 200, "/ui/status.json": 200, "/ui/alerts.json": 200, "/ui/actions.json": 200,
			"/healthz": 200, "/readyz": 404, "/api/v1/status": 404, "/api/v1/rounds": 404, "/api/v1/alerts": 404, "/metrics": 404,
		}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			base := serve(t, tc.Server)
			for path, want := range tc.Want {
				code, body := get(t, base+path)
				if code != want {
					t.Errorf("GET %s = %d, want %d (%.200s)", path, code, want, body)
				}
				// Every /ui/ document of the fixtures quotes this IP address.
				if shown := strings.Contains(body, "10.20.30.40"); strings.HasPrefix(path, "/ui/") && shown == (tc.Server == public) {
					t.Errorf("GET %s on %s: the fixtures' IP address shown: %v", path, tc.Name, shown)
				}
			}
			resp, err := http.Post(base+"/api/v1/silences", "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{false: http.StatusForbidden, true: http.StatusNotFound}[tc.Server == public]; resp.StatusCode != want {
				t.Errorf("POST /api/v1/silences = %d, want %d", resp.StatusCode, want)
			}
		})
	}
}

func (f fixtures) AddSilence(s alert.Silence) (alert.Silence, error) { return s, nil }
func (f fixtures) RemoveSilence(string) error                        { return nil }
