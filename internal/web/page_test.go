package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
// rounds rewarded by the node and by itself, an alert firing and a runbook
// run, and reads the daemon's own status page in headless Chromium, as an
// operator would: the full page on `listen`, the public one on
// api.public_listen.
func TestStatusPage(t *testing.T) {
	ctx := browser(t)
	rounds := 2
	if *updateScreenshots {
		rounds = 8 // a fuller chart for docs/screenshots
	}
	sc := startScenario(t, rounds)

	t.Run("Private", func(t *testing.T) {
		recs := history(t, sc)
		t.Cleanup(func() { _ = chromedp.Do(ctx, chromedp.Navigate("about:blank")) })
		open(t, ctx, sc.private+"/")

		if got, want := text(t, ctx, "orch-address"), strings.ToLower(sc.orch.Hex()); got != want {
			t.Errorf("orchestrator shown as %q, want %q", got, want)
		}
		checkRound(t, ctx, sc, recs)
		checkChart(t, ctx, recs)
		// The block is known once lpops saw the round unrewarded (the
		// node's Reward event lies after that head) or sent the reward itself.
		for _, r := range recs {
			seen := r.RewardedBy == "lpops" || (r.RewardedBy == "node" && r.LastSeenUnrewardedHead > 0)
			if seen && (r.RewardBlock == 0 || r.RewardSeenAt.IsZero()) {
				t.Errorf("round %d rewarded by %s: recorded block %d, seen at %v", r.Round, r.RewardedBy, r.RewardBlock, r.RewardSeenAt)
			}
		}

		facts := text(t, ctx, "orch-facts")
		if !regexp.MustCompile(`Total stake [\d,]+\.\d\d LPT`).MatchString(facts) {
			t.Errorf("orchestrator facts lack the total stake: %s", facts)
		}
		for _, want := range []string{"Reward cut 10 %", "Fee share 50 %"} {
			if !strings.Contains(facts, want) {
				t.Errorf("orchestrator facts lack %q: %s", want, facts)
			}
		}
		if !activeSet.MatchString(facts) {
			t.Errorf("orchestrator facts lack the active-set position (%s): %s", activeSet, facts)
		}
		if want := "lpops signs as " + strings.ToLower(sc.caller.Hex()[:8]) + "…"; !strings.Contains(facts, want) {
			t.Errorf("orchestrator facts lack %q: %s", want, facts)
		}

		rows := js[string](t, ctx, `Array.from(document.querySelectorAll('#endpoint-table tr[data-endpoint]')).map(r => r.dataset.endpoint + '=' + r.dataset.healthy).join(' ')`)
		if rows != "devnet=true backup=false" {
			t.Errorf("endpoint rows %q, want devnet healthy and backup unhealthy", rows)
		}
		if b := text(t, ctx, "balance-list"); !runwayRE.MatchString(b) || !strings.Contains(b, "signer") {
			t.Errorf("balances lack the signer's runway: %q", b)
		}
		if a := text(t, ctx, "alert-list"); !strings.Contains(a, "RPCEndpointDown") {
			t.Errorf("alerts lack the firing RPCEndpointDown: %q", a)
		}
		if a := text(t, ctx, "action-list"); !strings.Contains(a, "rpc-backup: note the failover ok") || !strings.Contains(a, actionOutput) {
			t.Errorf("actions lack the runbook's run and its output: %q", a)
		}
		phoneFits(t, ctx)
		screenshot(t, ctx, "status.png", 1280, 900, false, true)
		screenshot(t, ctx, "status-mobile.png", 390, 844, true, true)

		// The private listener keeps the API beside the page.
		for _, p := range []string{"/api/v1/status", "/api/v1/rounds", "/api/v1/alerts", "/api/v1/actions", "/metrics", "/readyz"} {
			if code, body := get(t, sc.private+p); code != http.StatusOK {
				t.Errorf("listen: GET %s = %d: %.200s", p, code, body)
			}
		}
	})

	t.Run("Public", func(t *testing.T) {
		recs := history(t, sc)
		t.Cleanup(func() { _ = chromedp.Do(ctx, chromedp.Navigate("about:blank")) })
		if err := chromedpReset(ctx); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, sc.public+"/")

		if js[bool](t, ctx, `document.getElementById('view').hidden`) {
			t.Error("public view not marked as such")
		}
		if a := text(t, ctx, "orch-address"); a != "address hidden in the public view" {
			t.Errorf("orchestrator shown as %q", a)
		}
		checkRound(t, ctx, sc, recs)
		checkChart(t, ctx, recs)
		if f := text(t, ctx, "orch-facts"); !strings.Contains(f, "Reward cut 10 %") || !activeSet.MatchString(f) {
			t.Errorf("public orchestrator facts: %s", f)
		}
		if b := text(t, ctx, "balance-list"); !runwayRE.MatchString(b) {
			t.Errorf("public balances lack the runway: %q", b)
		}
		if a := text(t, ctx, "alert-list"); !strings.Contains(a, "RPCEndpointDown") {
			t.Errorf("public alerts lack RPCEndpointDown: %q", a)
		}
		if a := text(t, ctx, "action-list"); !strings.Contains(a, "rpc-backup: command ok") {
			t.Errorf("public actions: %q", a)
		}

		secrets := []string{sc.orch.Hex(), sc.caller.Hex(), actionOutput, "10.9.8.7", "/var/log", "127.0.0.1", "note the failover"}
		for _, r := range recs {
			if r.RewardTx != "" {
				secrets = append(secrets, r.RewardTx)
			}
		}
		check := func(what, body string) {
			t.Helper()
			low := strings.ToLower(body)
			for _, s := range secrets {
				s = strings.TrimPrefix(s, "0x")
				if strings.Contains(low, strings.ToLower(s)) {
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
		for _, u := range append(loaded, sc.public+"/") {
			code, body := get(t, u)
			check(u, body)
			if strings.Contains(u, "/ui/") && code == http.StatusOK {
				docs++
			}
		}
		if docs < 4 {
			t.Errorf("the page loaded %d documents (%v); want status, rounds, alerts and actions", docs, loaded)
		}
		// Nothing else is reachable on the public listener.
		for _, p := range []string{"/api/v1/status", "/api/v1/rounds", "/api/v1/alerts", "/api/v1/actions", "/metrics", "/readyz"} {
			if code, _ := get(t, sc.public+p); code != http.StatusNotFound {
				t.Errorf("public_listen: GET %s = %d, want 404", p, code)
			}
		}
		if code, _ := get(t, sc.public+"/healthz"); code != http.StatusOK {
			t.Errorf("public_listen: GET /healthz = %d", code)
		}
		phoneFits(t, ctx)
		screenshot(t, ctx, "status-public.png", 1280, 900, false, false)
	})
}

var (
	// activeSet is the orchestrator's position against the active set.
	activeSet = regexp.MustCompile(`Active set (?:active set not full(?: \(\d+ of \d+\))?: no cut-off|[\d,]+ LPT vs cut-off [\d,]+ LPT)`)
	runwayRE  = regexp.MustCompile(`runway ≈ [\d,]+ rounds`)
	blocksRE  = regexp.MustCompile(`^block (\d+) of (\d+) · (\d+) blocks left( · ≈ \d+ (?:s|min) left)?$`)
	calledRE  = regexp.MustCompile(`Called by (lpops \(rewardForTranscoder\)|the node)(?: in block ([\d,]+))?, \d+ \w+, \d\d:\d\d \((?:just now|\d+ s ago)\)`)
)

// checkRound reads the current round card: the progress bar's text and
// width, and, once a round is rewarded, who called reward, in which block
// and when, as lpops recorded it.
func checkRound(t *testing.T, ctx context.Context, sc *scenario, recs []*keeper.Record) {
	t.Helper()
	var round uint64
	if _, err := fmt.Sscanf(text(t, ctx, "round-number"), "Round %d", &round); err != nil {
		t.Fatalf("round number %q: %v", text(t, ctx, "round-number"), err)
	}
	if now := sc.d.Keeper().Status().Round; round < recs[0].Round || round > now {
		t.Errorf("page shows round %d; lpops had recorded round %d and is now in round %d", round, recs[0].Round, now)
	}
	blocks := text(t, ctx, "round-blocks")
	m := blocksRE.FindStringSubmatch(blocks)
	if m == nil {
		t.Fatalf("progress text %q does not match %s", blocks, blocksRE)
	}
	pos, length, left := atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
	if length != roundLength || pos+left != roundLength {
		t.Errorf("progress %q: block %d of %d with %d left, want a round of %d blocks", blocks, pos, length, left, roundLength)
	}
	// The estimate is shown once it is a second or more (blockTime 100 ms).
	if left >= 10 && m[4] == "" {
		t.Errorf("progress %q lacks the time left", blocks)
	}
	if w := js[float64](t, ctx, `parseFloat(document.getElementById('round-fill').style.width)`); math.Abs(w-float64(pos)/roundLength*100) > 0.01 {
		t.Errorf("progress bar %.2f %% wide for block %d of %d", w, pos, roundLength)
	}

	// Refresh until the round on screen is one that has been rewarded.
	waitJS(t, ctx, `(document.dispatchEvent(new Event('visibilitychange')), /Called by/.test(document.getElementById('round-facts').innerText))`)
	facts := text(t, ctx, "round-facts")
	c := calledRE.FindStringSubmatch(facts)
	if c == nil {
		t.Fatalf("round facts %q do not say who called reward, in which block and when (%s)", facts, calledRE)
	}
	if _, err := fmt.Sscanf(text(t, ctx, "round-number"), "Round %d", &round); err != nil {
		t.Fatal(err)
	}
	rec, err := sc.d.Keeper().History(50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec {
		if r.Round != round {
			continue
		}
		by := map[string]string{"lpops": "lpops (rewardForTranscoder)", "node": "the node"}[r.RewardedBy]
		block := ""
		if r.RewardBlock > 0 {
			block = fmt.Sprint(r.RewardBlock)
		}
		if c[1] != by || strings.ReplaceAll(c[2], ",", "") != block {
			t.Errorf("page says round %d was called by %s in block %q; lpops recorded %s in block %d", round, c[1], c[2], r.RewardedBy, r.RewardBlock)
		}
		return
	}
	t.Errorf("no record of round %d", round)
}

// checkChart compares the chart's bars with lpops' records.
func checkChart(t *testing.T, ctx context.Context, recs []*keeper.Record) {
	t.Helper()
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
}

// phoneFits loads the page at a phone's width and checks that nothing
// makes it scroll sideways.
func phoneFits(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `screen.width === 390`)
	// Wait for the chart to redraw at the new width.
	waitJS(t, ctx, `(() => { const s = document.querySelector('#chart svg'); return !s || Math.abs(Number(s.getAttribute('width')) - Math.max(s.parentNode.clientWidth, 240)) < 1; })()`)
	// A mobile browser widens its layout viewport (innerWidth) to content
	// that overflows, so the page's width is compared with the phone's.
	if w := js[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		wide := js[string](t, ctx, `Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 390.5).slice(-5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`)
		t.Errorf("on a 390 px wide phone the page is %d px wide; too wide: %s", w, wide)
	}
	if err := chromedpReset(ctx); err != nil {
		t.Fatal(err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
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
			for _, want := range []string{"Reward cut 10 %", "Fee share 50 %", "412,346 LPT vs cut-off 358,000 LPT (+15.18 %)", "412,345.68 LPT",
				"Last backup 13 h 00 min ago stale"} {
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
			if a := text(t, ctx, "action-list"); !strings.Contains(a, "node-down: systemd restart livepeer.service failed") || !strings.Contains(a, "permission denied") ||
				!strings.Contains(a, "prune: command /usr/local/bin/prune-segments dry run") {
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
			if tr := text(t, ctx, "transcoders"); !strings.Contains(tr, "2 of 3 connected") || !strings.Contains(tr, "capacity 20 below 30") ||
				!strings.Contains(tr, "Sessions 15 of 20 (75 %)") || !strings.Contains(tr, "10.0.1.7:40312 (capacity 10)") {
				t.Errorf("transcoders: %q", tr)
			}
			if w := js[string](t, ctx, `document.getElementById('transcoder-fill').style.width`); w != "75%" {
				t.Errorf("sessions bar width %q, want 75%%", w)
			}
			if r := text(t, ctx, "round-reward"); !strings.Contains(r, "the node's turn until block 21,301,920") {
				t.Errorf("round reward line: %q", r)
			}
			screenshot(t, ctx, "sections.png", 1280, 900, false, false)
		}},
		{"Fleet", "status-fleet.json", false, false, func(t *testing.T, ctx context.Context, _ func()) {
			if js[bool](t, ctx, `document.getElementById('fleet').hidden`) {
				t.Fatal("fleet section hidden with three orchestrators")
			}
			rows := js[string](t, ctx, `Array.from(document.querySelectorAll('#fleet-table tr[data-orchestrator]')).map(r => r.dataset.orchestrator + '=' + r.dataset.state).join(' ')`)
			if want := "0x7c9a3e1f5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f=waiting_grace 0x2222222222222222222222222222222222222222=tx_pending 0x4444444444444444444444444444444444444444=done"; rows != want {
				t.Errorf("fleet rows %q, want %q", rows, want)
			}
			tbl := text(t, ctx, "fleet-table")
			for _, want := range []string{"rewardForTranscoder 0x333333…333333 nonce 41", "3,512 (lpops)", "3,511"} {
				if !strings.Contains(tbl, want) {
					t.Errorf("fleet table lacks %q:\n%s", want, tbl)
				}
			}
			// The cards still show the first orchestrator.
			if got := text(t, ctx, "orch-address"); got != "0x7c9a3e1f5b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f" {
				t.Errorf("orchestrator card shows %q, want the first", got)
			}
		}},
		{"ChainUnreadable", "status-unreadable.json", false, false, func(t *testing.T, ctx context.Context, _ func()) {
			if !js[bool](t, ctx, `document.getElementById('fleet').hidden`) {
				t.Error("fleet section shown for one orchestrator")
			}
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
