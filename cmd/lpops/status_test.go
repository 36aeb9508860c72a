package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
	"github.com/lpops/lpops/internal/store"
)

// scenarioAPI is what the devnet scenario's daemon serves: its own status,
// with the results of the duty and accounts probes run once against the
// devnet, a real alert engine fed by them (the signer's balance is below
// probes.accounts.warn_eth, so BalanceLow fires) and a real remediator whose
// runbooks that alert triggered once: one succeeds, one fails and opens its
// breaker. The daemon itself never runs, so nothing moves between reads.
type scenarioAPI struct {
	*daemon.Daemon
	probes []probe.Result
	alerts *alert.Engine
	rem    *remediate.Remediator
}

func (a *scenarioAPI) Status() any {
	doc := a.Daemon.Status().(daemon.StatusDoc)
	doc.Probes = a.probes
	st := a.rem.Status()
	doc.Remediation = &st
	return doc
}

// mount adds the alert and remediation routes, as the daemon does.
func (a *scenarioAPI) mount(srv *api.Server) {
	srv.EnableAlerts(a.alerts, "")
	h := a.rem.Handler("")
	srv.Handle(remediate.PathActions, h)
}

func newScenarioAPI(t *testing.T, ctx context.Context, d *daemon.Daemon, k *keeper.Keeper, cfg *config.Config, orch, signer common.Address) *scenarioAPI {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := alert.New(alert.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Hour, Sink: eng})
	if err != nil {
		t.Fatal(err)
	}
	pc := cfg.Probes.Accounts
	runner.Add(probe.NewDuty(k.Status, k.History, probe.DutyConfig{Orchestrator: orch, StuckAfter: time.Hour, MaxStatusAge: 24 * time.Hour}, nil), probe.Schedule{})
	runner.Add(probe.NewAccounts(d.Pool(), k.History, probe.AccountsConfig{Orchestrator: orch,
		Accounts: []probe.Account{{Role: "orchestrator", Address: orch}, {Role: "signer", Address: signer}},
		WarnETH:  pc.WarnETH, CriticalETH: pc.CriticalETH, RunwayWarnRounds: pc.RunwayWarnRounds,
		RunwayCriticalRounds: pc.RunwayCriticalRounds, MaxFee: config.GweiToWei(cfg.Reward.MaxFeeGwei)}, nil), probe.Schedule{})
	runner.RunOnce(ctx)

	eps, err := cfg.EndpointURLs()
	if err != nil {
		t.Fatal(err)
	}
	settings, err := remediate.FromConfig(cfg.Remediation, eps)
	if err != nil {
		t.Fatal(err)
	}
	rem, err := remediate.New(remediate.Options{Settings: settings, Store: st, Alerts: eng, Sink: eng})
	if err != nil {
		t.Fatal(err)
	}
	rem.Evaluate(ctx)
	rem.Wait()
	return &scenarioAPI{Daemon: d, probes: runner.Results(), alerts: eng, rem: rem}
}

// Remediation and probe settings of the scenario's config (see
// newScenarioAPI).
const scenarioOps = `probes:
  accounts:
    warn_eth: 50
    critical_eth: 0.01
  releases:
    url: ""
remediation:
  runbooks:
    - name: note-low-balance
      when:
        - alertname: BalanceLow
          labels: {account: signer}
      steps:
        - type: command
          argv: [/bin/true]
    - name: top-up-signer
      when:
        - alertname: BalanceLow
          labels: {account: signer}
      steps:
        - type: command
          argv: [/bin/false]
      breaker:
        failures: 1
        cooldown: 6h
`

// statusVariable matches what differs between runs of the same scenario in
// `lpops status` output, and only that:
//
//   - times (timeRE, with the zone name status prints);
//
//   - the estimated time left in the round (from the wall-clock block rate);
//
//   - the duration of a probe run, and the age of the keeper's status the
//     duty probe saw (status_age_seconds);
//
//   - in JSON, the keys measured in wall-clock time: time, last_read,
//     seconds_left_estimate, at, duration_ns, head.time, head.observed_at,
//     head_age_seconds, last_contact, and the remediation times
//     (breaker_opened_at, breaker_cooldown_ends, last_end, started_at,
//     ended_at, starts_at, last_seen).
//
//   - the orchestrator's ETH balance and the runway computed from it: the
//     scenario's setup mines blocks on a wall-clock ticker while the
//     orchestrator registers, so the fees it paid vary. (The signer pays
//     only after the setup, in fixed blocks: its balance is compared.)
//
// Hashes and the addresses of the scenario's accounts become placeholders
// (normalizer), so that a golden reads well; they are fixed by the
// scenario's fixed keys.
var (
	statusTimeRE      = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z0-9+-]+`)
	secondsLeft       = regexp.MustCompile(`, ~[0-9hms.]+\)`)
	jsonVarRE         = regexp.MustCompile(`"(time|last_read|seconds_left_estimate|at|duration_ns|status_age_seconds|observed_at|head_age_seconds|last_contact|breaker_opened_at|breaker_cooldown_ends|last_end|started_at|ended_at|starts_at|last_seen)": ("[^"]*"|[0-9.e+-]+)`)
	jsonOrchVarRE     = regexp.MustCompile(`"(balance_eth_orchestrator|runway_rounds_orchestrator|balance_orchestrator)": ("[^"]*"|[0-9.e+-]+)`)
	jsonOrchBalanceRE = regexp.MustCompile(`"<orchestrator>": "\d+"`)
	headTimeRE        = regexp.MustCompile(`("head": \{[^}]*"time": )("[^"]*"|\d+)`)
)

func (s *devnetScenario) normalizeStatus(out string, isJSON bool) string {
	n := s.normalizer()
	if isJSON {
		out = jsonVarRE.ReplaceAllString(out, `"$1": "<var>"`)
		out = headTimeRE.ReplaceAllString(out, `$1"<var>"`)
		out = jsonOrchVarRE.ReplaceAllString(out, `"$1": "<var>"`)
		out = n.apply(out)
		return jsonOrchBalanceRE.ReplaceAllString(out, `"<orchestrator>": "<var>"`)
	}
	cell := func(c string) string {
		c = statusTimeRE.ReplaceAllString(c, "<time>")
		c = secondsLeft.ReplaceAllString(c, ", ~<duration>)")
		c = probeVarRE.ReplaceAllString(c, "$1=<var>")
		return orchBalanceRE.ReplaceAllString(n.apply(c), "$1<var>$2")
	}
	return realign(out, cell)
}

// realign re-aligns the tables of status output after cell rewrites cells
// (placeholders are not as wide as what they replace). Blocks are separated
// by blank lines; a block whose first line is an upper-case header is cut
// into cells at the header's column starts (so continuation lines with
// empty leading cells keep their place), any other block at the first run
// of two spaces (key, value).
func realign(out string, cell func(string) string) string {
	var b strings.Builder
	for i, block := range strings.Split(strings.TrimSuffix(out, "\n"), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		lines := strings.Split(block, "\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		var starts []int
		if headerRE.MatchString(lines[0]) {
			for _, m := range headerColRE.FindAllStringIndex(lines[0], -1) {
				starts = append(starts, m[0])
			}
		}
		for _, l := range lines {
			var cells []string
			if starts != nil {
				for j, st := range starts {
					end := len(l)
					if j+1 < len(starts) && starts[j+1] < end {
						end = starts[j+1]
					}
					c := ""
					if st < len(l) {
						c = strings.TrimRight(l[st:end], " ")
					}
					cells = append(cells, c)
				}
			} else if k, v, ok := strings.Cut(l, "  "); ok {
				cells = []string{k, strings.TrimLeft(v, " ")}
			} else {
				cells = []string{l}
			}
			for j := range cells {
				cells[j] = cell(cells[j])
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	return b.String()
}

var (
	headerRE    = regexp.MustCompile(`^[A-Z][A-Z ]+$`)
	headerColRE = regexp.MustCompile(`[A-Z]+(?: [A-Z]+)*`)
	// probeVarRE: probe values measured in wall-clock time.
	probeVarRE = regexp.MustCompile(`\b(status_age_seconds|balance_eth_orchestrator|runway_rounds_orchestrator)=[0-9.e+-]+`)
	// orchBalanceRE: the orchestrator's balance row (after placeholders).
	orchBalanceRE = regexp.MustCompile(`^(<orchestrator> )[0-9.]+( ETH)`)
)

// statusGoldens runs `lpops status` and `lpops status --json` and compares
// them with testdata/status-<name>.golden and status-<name>.json.golden.
func statusGoldens(t *testing.T, s *devnetScenario, name string) {
	t.Helper()
	t.Run("Status"+name, func(t *testing.T) {
		code, out, errOut := runCLI(t, "status", "--config", s.cfgPath)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		golden(t, "status-"+strings.ToLower(name)+".golden", s.normalizeStatus(out, false))
	})
	t.Run("Status"+name+"JSON", func(t *testing.T) {
		code, out, errOut := runCLI(t, "status", "--config", s.cfgPath, "--json")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		var doc daemon.StatusDoc
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not a status document: %v\n%s", err, out)
		}
		golden(t, "status-"+strings.ToLower(name)+".json.golden", s.normalizeStatus(out, true))
	})
}

// TestSortedBalances: the orchestrator first, then the signer, then other
// accounts by address, whatever the map's order.
func TestSortedBalances(t *testing.T) {
	orch, sig := common.HexToAddress("0xffff000000000000000000000000000000000001"), common.HexToAddress("0x0000000000000000000000000000000000000002")
	k := &keeper.Status{Orchestrator: orch, Signer: sig, Balances: map[string]string{
		"0x0000000000000000000000000000000000000009": "3",
		strings.ToLower(sig.Hex()):                   "2",
		"0x0000000000000000000000000000000000000001": "4",
		strings.ToLower(orch.Hex()):                  "1",
	}}
	for i := 0; i < 20; i++ {
		var got []string
		for _, b := range sortedBalances(k) {
			got = append(got, b.role+":"+b.wei)
		}
		if want := "orchestrator:1 signer:2 account:4 account:3"; strings.Join(got, " ") != want {
			t.Fatalf("got %v, want %s", got, want)
		}
	}
}

func TestWrapJoin(t *testing.T) {
	for _, tc := range []struct {
		Name  string
		Items []string
		Want  []string
	}{
		{"Empty", nil, nil},
		{"OneLine", []string{"a=1", "b=2"}, []string{"a=1, b=2"}},
		{"Wraps", []string{"aaaa=1", "bbbb=2", "cccc=3"}, []string{"aaaa=1,", "bbbb=2,", "cccc=3"}},
		{"LongItemAlone", []string{"abcdefghijklmnop=1", "x=2"}, []string{"abcdefghijklmnop=1,", "x=2"}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got := wrapJoin(tc.Items, ", ", 10)
			if strings.Join(got, "|") != strings.Join(tc.Want, "|") {
				t.Errorf("got %q, want %q", got, tc.Want)
			}
		})
	}
}

// TestStatusNeedsConfig: status without a configuration file is a usage
// error (exit 2); with a file that does not load, it says so and exits 1.
func TestStatusNeedsConfig(t *testing.T) {
	noDefaultConfig(t)
	if code, _, errOut := runCLI(t, "status"); code != 2 || !strings.Contains(errOut, "no configuration file") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "status", "--config", "testdata/no-such.yaml"); code != 1 || !strings.Contains(errOut, "no-such.yaml") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestStatusNothingAnswers: no daemon on listen and no chain on the only
// endpoint: exit 1, and stderr names both sources.
func TestStatusNothingAnswers(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/lpops.yaml"
	cfg := `network: custom
chain_id: 1337
controller: "0x0000000000000000000000000000000000000001"
rpc:
  - name: dead
    url: http://` + freeAddr(t) + `
orchestrator: "0x0000000000000000000000000000000000000002"
reward:
  mode: observe
state_dir: ` + dir + `/state
listen: ` + freeAddr(t) + "\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "status", "--config", path)
	if code != 1 || out != "" || !strings.Contains(errOut, "no daemon answered at") || !strings.Contains(errOut, "reading the chain failed") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, and both sources named", code, out, errOut)
	}
}

// TestPrintStatusFleetTable: with several orchestrators, status prints one
// row each (orchestrator, active, round, last reward, state, in-flight tx)
// after the first one's details; with one, no table.
func TestPrintStatusFleetTable(t *testing.T) {
	a, b := common.HexToAddress("0x00000000000000000000000000000000000000aa"), common.HexToAddress("0x00000000000000000000000000000000000000bb")
	tx := common.HexToHash("0x1111111111111111111111111111111111111111111111111111111111111111")
	ks := []keeper.Status{
		{Orchestrator: a, Active: true, Round: 7, LastRewardRound: 7, RewardedBy: "lpops", State: keeper.StateDone},
		{Orchestrator: b, Round: 7, LastRewardRound: 6, State: keeper.StatePending,
			Txs: []*keeper.Tx{{Method: "rewardForTranscoder", Hash: tx, Nonce: 12, State: keeper.TxSent}}},
	}
	var out strings.Builder
	printStatus(&out, &statusReport{Doc: &daemon.StatusDoc{Ready: true, Keeper: &ks[0], Keepers: ks}, Source: "test", FromDaemon: false})
	got := out.String()
	for _, want := range []string{
		"Fleet: 2 orchestrators (the details above are the first's)\n",
		"ORCHESTRATOR                                ACTIVE  ROUND  LAST REWARD  STATE       IN-FLIGHT TX\n",
		"0x00000000000000000000000000000000000000aa  yes     7      7 (lpops)    done        -\n",
		"0x00000000000000000000000000000000000000bb  no      7      6            tx_pending  rewardForTranscoder " + tx.Hex() + " nonce 12\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	out.Reset()
	printStatus(&out, &statusReport{Doc: &daemon.StatusDoc{Ready: true, Keeper: &ks[0], Keepers: ks[:1]}, Source: "test"})
	if strings.Contains(out.String(), "Fleet") {
		t.Errorf("a single orchestrator printed a fleet table:\n%s", out.String())
	}
}
