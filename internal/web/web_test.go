package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

var roles = map[string]string{orchAddr: "orchestrator", signerAddr: "signer"}

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		Name, In, Want string
	}{
		{"AccountByRole", `{"orchestrator":"` + orchAddr + `"}`, `{"orchestrator":"[orchestrator]"}`},
		{"ChecksummedAccount", `{"a":"0x7C9A3E1F5B2D4C6E8A0B1C2D3E4F5A6B7C8D9E0F"}`, `{"a":"[orchestrator]"}`},
		{"AccountInSentence", `{"summary":"Signer ` + signerAddr + ` has ETH for 3 rounds"}`, `{"summary":"Signer [signer] has ETH for 3 rounds"}`},
		{"AccountAsKey", `{"balances_wei":{"` + orchAddr + `":"1","` + signerAddr + `":"2"}}`, `{"balances_wei":{"[orchestrator]":"1","[signer]":"2"}}`},
		{"OtherAddress", `["` + otherAddr + `"]`, `["[address]"]`},
		{"MaskedKeysDoNotCollide", `{"0x1111111111111111111111111111111111111111":1,"0x2222222222222222222222222222222222222222":2}`, `{"[address]":1,"[address] 2":2}`},
		{"ZeroAddressKept", `{"reward_caller":"0x0000000000000000000000000000000000000000"}`, `{"reward_caller":"0x0000000000000000000000000000000000000000"}`},
		{"Hash", `{"reward_tx":"` + txHash + `"}`, `{"reward_tx":"[hash]"}`},
		{"LongerHex", `{"data":"0xa9059cbb000000000000000000000000` + orchAddr[2:] + `"}`, `{"data":"[data]"}`},
		{"BareAddress", `{"err":"open UTC--2026-01-01T00-00-00Z--` + signerAddr[2:] + `: denied"}`, `{"err":"open UTC--2026-01-01T00-00-00Z--[signer]: denied"}`},
		{"URL", `{"last_error":"Post \"https://arb.example.com/v2/SECRET\": EOF"}`, `{"last_error":"Post \"[url]\": EOF"}`},
		{"QuantitiesKept", `{"nonce":"0x5208","n":123456789012345678901234567890}`, `{"n":123456789012345678901234567890,"nonce":"0x5208"}`},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := web.Redact([]byte(tc.In), roles)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.Want {
				t.Errorf("Redact(%s)\n got %s\nwant %s", tc.In, got, tc.Want)
			}
		})
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
		{"Actions", web.Options{Status: src, Actions: src}, "GET", "/ui/actions.json", 200, "application/json", []string{"switch_endpoint"}, nil},
		{"PublicStatus", web.Options{Status: src, Public: true}, "GET", "/ui/status.json", 200, "application/json",
			[]string{`"orchestrator":"[orchestrator]"`, `"[signer]":"41000000000000000"`, `"last_error":"Post \"[url]`},
			[]string{orchAddr[2:], signerAddr[2:], txHash[2:], "SECRETKEY"}},
		{"PublicRounds", web.Options{Status: src, Public: true}, "GET", "/ui/rounds.json", 200, "application/json",
			[]string{`"reward_tx":"[hash]"`, `"from":"[signer]"`}, []string{orchAddr[2:], signerAddr[2:], txHash[2:]}},
		{"PublicAlerts", web.Options{Status: src, Alerts: src, Public: true}, "GET", "/ui/alerts.json", 200, "application/json",
			[]string{"Signer [signer] has ETH", `"address":"[signer]"`}, []string{orchAddr[2:], signerAddr[2:], "hooks.example.com"}},
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

// TestEnableUI mounts the page on the API: beside it in private mode, alone
// (with /healthz) in public mode, whatever the API enabled before or after.
func TestEnableUI(t *testing.T) {
	src := fixtures{status: readFile("status-probes.json"), rounds: readFile("rounds.json")}
	for _, tc := range []struct {
		Name   string
		Public bool
		Want   map[string]int
	}{
		{"Private", false, map[string]int{
			"/": 200, "/assets/app.js": 200, "/ui/status.json": 200, "/ui/alerts.json": 200,
			"/healthz": 200, "/readyz": 200, "/api/v1/status": 200, "/api/v1/rounds": 200, "/api/v1/alerts": 200, "/metrics": 200,
		}},
		{"Public", true, map[string]int{
			"/": 200, "/assets/app.js": 200, "/ui/status.json": 200, "/ui/alerts.json": 200,
			"/healthz": 200, "/readyz": 404, "/api/v1/status": 404, "/api/v1/rounds": 404, "/api/v1/alerts": 404, "/metrics": 404,
		}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := api.New(src, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			s.EnableUI(web.New(web.Options{Status: src, Alerts: src, Public: tc.Public}))
			s.EnableAlerts(src, "") // after the UI: must stay hidden in public mode
			for path, want := range tc.Want {
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != want {
					b, _ := io.ReadAll(rec.Body)
					t.Errorf("GET %s = %d, want %d (%.200s)", path, rec.Code, want, b)
				}
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/silences", strings.NewReader(`{}`)))
			if want := map[bool]int{false: http.StatusForbidden, true: http.StatusNotFound}[tc.Public]; rec.Code != want {
				t.Errorf("POST /api/v1/silences = %d, want %d", rec.Code, want)
			}
		})
	}
}

func (f fixtures) AddSilence(s alert.Silence) (alert.Silence, error) { return s, nil }
func (f fixtures) RemoveSilence(string) error                        { return nil }
