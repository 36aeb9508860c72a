package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/web"
)

// TestStatusPage runs lpops against the embedded devnet until it has
// rounds rewarded by the node and by itself, and reads its status page in
// headless Chromium, as an operator would.
func TestStatusPage(t *testing.T) {
	ctx := browser(t)
	sc := startScenario(t, 2)

	t.Run("Private", func(t *testing.T) {
		recs := history(t, sc)
		base := sc.serveUI(t, false)
		t.Cleanup(func() { _ = chromedp.Do(ctx, chromedp.Navigate("about:blank")) })
		open(t, ctx, base+"/")

		if got, want := text(t, ctx, "orch-address"), strings.ToLower(sc.orch.Hex()); got != want {
			t.Errorf("orchestrator shown as %q, want %q", got, want)
		}
		var round uint64
		if _, err := fmt.Sscanf(text(t, ctx, "round-number"), "Round %d", &round); err != nil {
			t.Fatalf("round number %q: %v", text(t, ctx, "round-number"), err)
		}
		if now := sc.d.Keeper().Status().Round; round < recs[0].Round || round > now {
			t.Errorf("page shows round %d; lpops had recorded round %d and is now in round %d", round, recs[0].Round, now)
		}

		bars := chartBars(t, ctx)
		seen := map[string]int{}
		for _, r := range recs {
			got, shown := bars[r.Round]
			if !shown || r.Outcome == "" {
				continue
			}
			if got != r.Outcome {
				t.Errorf("round %d drawn as %q, lpops recorded %q", r.Round, got, r.Outcome)
			}
			seen[got]++
		}
		for _, o := range []string{keeper.OutcomeRewardedByNode, keeper.OutcomeRewardedByLpops} {
			if seen[o] == 0 {
				t.Errorf("no bar for a round %s (bars %v)", o, bars)
			}
		}
		// Hovering a bar rewarded by lpops says so, with the LPT it earned.
		js[bool](t, ctx, `(() => { document.querySelector('#chart .bar[data-outcome="rewarded_by_lpops"]').dispatchEvent(new MouseEvent('mouseenter')); return true; })()`)
		if d := text(t, ctx, "chart-detail"); !strings.Contains(d, "rewarded by lpops") || !strings.Contains(d, "LPT") {
			t.Errorf("chart detail after hovering an lpops bar: %q", d)
		}

		row := js[string](t, ctx, `(() => { const r = document.querySelector('#endpoint-table tr[data-endpoint="devnet"]'); return r ? r.dataset.healthy + ' ' + r.innerText : ''; })()`)
		if !strings.HasPrefix(row, "true") || !strings.Contains(row, "healthy") {
			t.Errorf("endpoint devnet row: %q, want it healthy", row)
		}
		if js[bool](t, ctx, `!document.getElementById('banner').hidden`) {
			t.Errorf("banner shown on a healthy lpops: %q", text(t, ctx, "banner"))
		}
		if a := text(t, ctx, "alert-list"); !strings.Contains(a, "No alerts firing") {
			t.Errorf("alerts section: %q", a)
		}
		if js[bool](t, ctx, `!document.getElementById('actions').hidden`) {
			t.Error("remediation actions shown although lpops has none to serve")
		}
		if b := text(t, ctx, "balance-list"); !strings.Contains(b, "orchestrator") || !strings.Contains(b, "ETH") {
			t.Errorf("balances: %q", b)
		}

		screenshot(t, ctx, "status.png", 1280, 900, false, true)
		screenshot(t, ctx, "status-mobile.png", 390, 844, true, true)
	})

	t.Run("Public", func(t *testing.T) {
		recs := history(t, sc)
		base := sc.serveUI(t, true)
		t.Cleanup(func() { _ = chromedp.Do(ctx, chromedp.Navigate("about:blank")) })
		if err := chromedpReset(ctx); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, base+"/")

		if js[bool](t, ctx, `document.getElementById('view').hidden`) {
			t.Error("public view not marked as such")
		}
		if !strings.HasPrefix(text(t, ctx, "round-number"), "Round ") {
			t.Errorf("round number: %q", text(t, ctx, "round-number"))
		}
		bars := chartBars(t, ctx)
		var lpops bool
		for _, o := range bars {
			lpops = lpops || o == keeper.OutcomeRewardedByLpops
		}
		if !lpops {
			t.Errorf("public chart lacks the rounds rewarded by lpops: %v", bars)
		}

		secrets := []string{sc.orch.Hex(), sc.caller.Hex()}
		for _, r := range recs {
			if r.RewardTx != "" {
				secrets = append(secrets, r.RewardTx)
			}
		}
		check := func(what, body string) {
			t.Helper()
			low := strings.ToLower(body)
			for _, s := range secrets {
				if strings.Contains(low, strings.ToLower(s)[2:]) {
					t.Errorf("%s contains %s", what, s)
				}
			}
			for _, m := range anyAddress.FindAllString(body, -1) {
				if !strings.EqualFold(m, "0x0000000000000000000000000000000000000000") {
					t.Errorf("%s contains the address %s", what, m)
				}
			}
		}
		check("the page", js[string](t, ctx, `document.documentElement.outerHTML`))
		loaded := js[[]string](t, ctx, `performance.getEntriesByType('resource').map(e => e.name)`)
		var docs int
		for _, u := range append(loaded, base+"/") {
			code, body := get(t, u)
			check(u, body)
			if strings.Contains(u, "/ui/") && code == http.StatusOK {
				docs++
			}
		}
		if docs < 3 {
			t.Errorf("the page loaded %d documents (%v); want status, rounds and alerts", docs, loaded)
		}
		// Nothing unredacted is reachable beside the public page.
		for _, p := range []string{"/api/v1/status", "/api/v1/rounds", "/api/v1/alerts", "/metrics", "/readyz"} {
			if code, _ := get(t, base+p); code != http.StatusNotFound {
				t.Errorf("public listener: GET %s = %d, want 404", p, code)
			}
		}
		if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
			t.Errorf("public listener: GET /healthz = %d", code)
		}
		screenshot(t, ctx, "status-public.png", 1280, 900, false, false)
	})
}

// anyAddress matches an address, or the start of a longer hex string.
var anyAddress = regexp.MustCompile(`(?i)0x[0-9a-f]{40}`)

// history returns lpops' round records, newest first.
func history(t *testing.T, sc *scenario) []*keeper.Record {
	t.Helper()
	recs, err := sc.d.Keeper().History(web.DefaultRounds)
	if err != nil || len(recs) == 0 {
		t.Fatalf("history: %d records, %v", len(recs), err)
	}
	return recs
}

// chartBars returns the outcome each bar of the chart is drawn for, by round.
func chartBars(t *testing.T, ctx context.Context) map[uint64]string {
	t.Helper()
	raw := js[[]string](t, ctx, `Array.from(document.querySelectorAll('#chart .bar')).map(b => b.dataset.round + ' ' + b.dataset.outcome)`)
	bars := map[uint64]string{}
	for _, b := range raw {
		var r uint64
		var o string
		if _, err := fmt.Sscanf(b, "%d %s", &r, &o); err != nil {
			t.Fatalf("bar %q: %v", b, err)
		}
		bars[r] = o
	}
	return bars
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// fixtures serves documents from testdata as lpops would.
type fixtures struct {
	status, rounds string
}

func (f fixtures) Status() any                { return json.RawMessage(f.status) }
func (f fixtures) Rounds(n int) (any, error)  { return json.RawMessage(f.rounds), nil }
func (f fixtures) Ready() (bool, string)      { return true, "" }
func (f fixtures) Doc() alert.Doc             { return mustDecode[alert.Doc](readFile("alerts.json")) }
func (f fixtures) Actions(n int) (any, error) { return json.RawMessage(readFile("actions.json")), nil }

func readFile(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mustDecode[T any](s string) T {
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

// TestStatusPageSections renders documents lpops does not produce on the
// devnet (probe values, firing alerts, silences, remediation actions, an
// unreadable chain, lpops gone) and checks what the page says about them.
func TestStatusPageSections(t *testing.T) {
	ctx := browser(t)
	for _, tc := range []struct {
		Name    string
		Status  string
		Alerts  bool
		Actions bool
		Check   func(t *testing.T, ctx context.Context, stop func())
	}{
		{"ProbesAlertsActions", "status-probes.json", true, true, func(t *testing.T, ctx context.Context, _ func()) {
			facts := text(t, ctx, "orch-facts")
			for _, want := range []string{"Reward cut 10 %", "Fee share 50 %", "412,346 LPT vs cut-off 358,000 LPT (+15.18 %)", "412,345.68 LPT"} {
				if !strings.Contains(facts, want) {
					t.Errorf("orchestrator facts lack %q:\n%s", want, facts)
				}
			}
			if b := text(t, ctx, "balance-list"); !strings.Contains(b, "runway ≈ 37 rounds") || !strings.Contains(b, "0.0410 ETH") {
				t.Errorf("balances: %q", b)
			}
			alerts := text(t, ctx, "alert-list")
			for _, want := range []string{"RunwayLow", "RPCEndpointUnhealthy", "silenced", "ops-webhook since 20 min ago cannot deliver notifications (2 waiting)"} {
				if !strings.Contains(alerts, want) {
					t.Errorf("alerts lack %q:\n%s", want, alerts)
				}
			}
			if strings.Contains(alerts, "RewardMissed") {
				t.Errorf("a resolved alert is listed as firing:\n%s", alerts)
			}
			if s := text(t, ctx, "silence-list"); !strings.Contains(s, "alertname=RPCEndpointUnhealthy") || !strings.Contains(s, "provider maintenance") {
				t.Errorf("silences: %q", s)
			}
			if a := text(t, ctx, "action-list"); !strings.Contains(a, "rpc-failover: switch_endpoint ok") || !strings.Contains(a, "failed") || !strings.Contains(a, "unit livepeer.service not found") {
				t.Errorf("actions: %q", a)
			}
			bars := chartBars(t, ctx)
			want := map[uint64]string{3512: "current", 3511: "rewarded_by_lpops", 3510: "rewarded_by_node", 3509: "missed", 3508: "unknown", 3506: "inactive"}
			for r, o := range want {
				if bars[r] != o {
					t.Errorf("round %d drawn as %q, want %q", r, bars[r], o)
				}
			}
			if e := text(t, ctx, "endpoint-table"); !strings.Contains(e, "unhealthy") || !strings.Contains(e, "head 95 s old") {
				t.Errorf("endpoints: %q", e)
			}
			if r := text(t, ctx, "round-reward"); !strings.Contains(r, "the node's turn until block 21,301,920") {
				t.Errorf("round reward line: %q", r)
			}
			screenshot(t, ctx, "sections.png", 1280, 900, false, false)
		}},
		{"ChainUnreadable", "status-unreadable.json", false, false, func(t *testing.T, ctx context.Context, _ func()) {
			if k := js[string](t, ctx, `document.getElementById('banner').dataset.kind`); k != "chain" {
				t.Errorf("banner kind %q, want chain", k)
			}
			if b := text(t, ctx, "banner"); !strings.Contains(b, "Chain unreadable — not a missed round.") || !strings.Contains(b, "Last good read 15 min ago") {
				t.Errorf("banner: %q", b)
			}
			if a := text(t, ctx, "alert-list"); !strings.Contains(a, "Alerts are not enabled") {
				t.Errorf("alerts without an engine: %q", a)
			}
			if js[bool](t, ctx, `!document.getElementById('actions').hidden`) {
				t.Error("actions section shown without actions")
			}
		}},
		{"LpopsUnreachable", "status-probes.json", false, false, func(t *testing.T, ctx context.Context, stop func()) {
			stop()
			js[bool](t, ctx, `document.dispatchEvent(new Event('visibilitychange')) || true`)
			waitJS(t, ctx, `document.body.dataset.stale === 'true'`)
			if b := text(t, ctx, "banner"); !strings.Contains(b, "Cannot reach lpops.") || !strings.Contains(b, "Showing the data of") {
				t.Errorf("banner: %q", b)
			}
			if r := text(t, ctx, "round-number"); r != "Round 3512" {
				t.Errorf("the last data left the screen: round %q", r)
			}
		}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			src := fixtures{status: readFile(tc.Status), rounds: readFile("rounds.json")}
			o := web.Options{Status: src}
			if tc.Alerts {
				o.Alerts = src
			}
			if tc.Actions {
				o.Actions = src
			}
			s := api.New(src, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			s.EnableUI(web.New(o))
			sctx, stop := context.WithCancel(context.Background())
			addr, err := s.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- s.Serve(sctx) }()
			stopped := false
			halt := func() {
				if !stopped {
					stopped = true
					stop()
					<-done
				}
			}
			defer halt()
			// Leave the page first, so that no request of its is in flight.
			defer func() { _ = chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
			if err := chromedpReset(ctx); err != nil {
				t.Fatal(err)
			}
			open(t, ctx, "http://"+addr.String()+"/")
			tc.Check(t, ctx, halt)
		})
	}
}
