package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
)

const statusSummary = `Show what the operator needs at a glance: the round and blocks left, the last reward
round and who called it (node or lpops), stake, ETH balances, the keeper's state and
transactions, RPC endpoints; and, from a running daemon, firing alerts, every probe's
values, the remediation runbooks with their breaker state and the last runs.

Asks the daemon on its listen address. When none answers, reads the chain directly
(sending nothing, and without the keystore passphrase): alerts, probes and
remediation run only in the daemon and are then not shown.
In HA mode (ha: in the config) lpops' round records are then read from the
etcd cluster, read-only; an unreachable cluster is an error.

--json prints the /api/v1/status document (docs/api.md); alerts are in
'lpops alerts --json', remediation runs in GET /api/v1/actions.

Exit status: 0 when the chain was read; 1 when it could not be (or on an error);
2 a usage error.`

// statusActions is how many remediation runs status shows.
const statusActions = 5

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("status", statusSummary, "lpops status --config /etc/lpops/lpops.yaml --json", stderr)
	cf := addConfigFlags(fs, true)
	asJSON := fs.Bool("json", false, "print the /api/v1/status JSON document")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	rep, apiErr := statusFromDaemon(ctx, cfg.Listen)
	if apiErr != nil {
		var err error
		if rep, err = statusFromChain(ctx, cfg, stderr); err != nil {
			what := "the chain"
			if cfg.HA.Enabled() {
				what = "the chain and the round records in etcd"
			}
			fmt.Fprintf(stderr, "lpops status: no daemon answered at %s (%v), and reading %s failed: %v\n", cfg.Listen, apiErr, what, err)
			return 1
		}
		rep.Source = "the chain, read directly: no daemon answered at " + cfg.Listen
		if rep.Doc.HA != nil {
			rep.Source += "; lpops' round records from the " + etcdSource(cfg.HA, *rep.Doc.HA)
		}
		var ue *url.Error
		if !errors.As(apiErr, &ue) { // it answered, but not with a status
			rep.Source += " (" + apiErr.Error() + ")"
		}
	}
	if *asJSON {
		if code := printJSON(stdout, rep.Doc); code != 0 {
			return code
		}
	} else {
		printStatus(stdout, rep)
	}
	if rep.Doc.Keeper == nil || !rep.Doc.Ready {
		return 1
	}
	return 0
}

// statusReport is what `lpops status` shows: the status document, and from a
// running daemon its firing alerts and latest remediation runs.
type statusReport struct {
	Doc    *daemon.StatusDoc
	Source string
	// FromDaemon is false when the chain was read directly.
	FromDaemon bool
	// Alerts are the firing alerts; AlertsErr says why they are unknown.
	Alerts    []alert.Alert
	AlertsErr string
	// Runs are the newest remediation runs, newest first.
	Runs    []remediate.Run
	RunsErr string
}

// statusFromDaemon reads the running daemon's status, alerts and
// remediation runs. Only a failure to read the status is an error: the
// alerts and runs are then reported as unknown.
func statusFromDaemon(ctx context.Context, listen string) (*statusReport, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c := &apiClient{base: "http://" + dialAddr(listen)}
	var doc daemon.StatusDoc
	if err := c.do(ctx, http.MethodGet, "/api/v1/status", nil, &doc); err != nil {
		return nil, err
	}
	rep := &statusReport{Doc: &doc, Source: "the daemon at " + listen, FromDaemon: true}
	var ad alert.Doc
	if err := c.do(ctx, http.MethodGet, "/api/v1/alerts", nil, &ad); err != nil {
		rep.AlertsErr = err.Error()
	}
	for _, a := range ad.Alerts {
		if a.Firing() {
			rep.Alerts = append(rep.Alerts, a)
		}
	}
	if doc.Remediation != nil {
		var rd remediate.Doc
		if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/actions?limit=%d", statusActions), nil, &rd); err != nil {
			rep.RunsErr = err.Error()
		}
		rep.Runs = rd.Runs
	}
	return rep, nil
}

// statusFromChain reads the chain once, as the daemon's keeper would, with
// the state store opened read-only for lpops' own records. It never sends:
// the signer only knows its address (signer.Open read-only reads it from the
// keystore file without the passphrase, from KMS's GetPublicKey, or from
// signer.clef.address), so a reward that is due shows as
// cannot_sign.
func statusFromChain(ctx context.Context, cfg *config.Config, stderr io.Writer) (*statusReport, error) {
	opts := daemon.Options{Logger: slog.New(slog.DiscardHandler), Version: buildVersion(), ReadOnly: true}
	if cfg.Signer.Configured() {
		s, err := openSigner(ctx, cfg, true)
		if err != nil {
			fmt.Fprintf(stderr, "lpops status: signer: %v; the signer's balance and reward method are not shown\n", err)
			c := *cfg
			c.Signer = config.Signer{}
			cfg = &c
		} else {
			opts.Signer = s
		}
	}
	d, err := daemon.New(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	k, err := d.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if f := d.Fleet(); f != nil {
		f.Tick(ctx) // every orchestrator's, in one read
	} else {
		k.Tick(ctx)
	}
	// Through JSON, as from the API: the same document either way.
	b, err := json.Marshal(d.Status())
	if err != nil {
		return nil, err
	}
	doc := new(daemon.StatusDoc)
	if err := json.Unmarshal(b, doc); err != nil {
		return nil, err
	}
	if doc.Probes == nil {
		doc.Probes = []probe.Result{} // they run only in the daemon
	}
	return &statusReport{Doc: doc}, nil
}

// timeFmt is how status shows times: local, to the second.
const timeFmt = "2006-01-02 15:04:05 MST"

func printStatus(w io.Writer, rep *statusReport) {
	d := rep.Doc
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, f string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(f, a...)) }
	row("Source", "%s", rep.Source)
	if !d.Ready {
		row("Ready", "no: %s", d.NotReady)
	}
	if k := d.Keeper; k != nil {
		printKeeper(row, k, rep.FromDaemon)
	}
	printHA(row, d.HA)
	for _, e := range d.Endpoints {
		h := "healthy"
		if !e.Healthy {
			h = "UNHEALTHY: " + e.Reason
		}
		act := ""
		if e.Active {
			act = ", active"
		}
		row("Endpoint", "%s %s%s, head %d, lag %d", e.Name, h, act, e.Head.Number, e.LagBlocks)
	}
	tw.Flush()
	if len(d.Keepers) > 1 {
		printFleet(w, d.Keepers)
	}
	if !rep.FromDaemon {
		fmt.Fprintln(w, "\nAlerts, probes and remediation run in the daemon ('lpops run'): not shown.")
		return
	}
	printAlerts(w, rep)
	printProbes(w, d.Probes)
	printRemediation(w, d.Remediation, rep)
}

func printKeeper(row func(k, f string, a ...any), k *keeper.Status, fromDaemon bool) {
	standing := "not registered"
	if k.Registered {
		standing = "registered, not active"
		if k.Active {
			standing = "registered, active"
		}
	}
	row("Orchestrator", "%s (%s), stake %s LPT", strings.ToLower(k.Orchestrator.Hex()), standing, lpt(k.TotalStake))
	left := fmt.Sprintf("%d blocks left", k.BlocksLeft)
	if k.SecondsLeft > 0 {
		left += fmt.Sprintf(", ~%s", (time.Duration(k.SecondsLeft) * time.Second).String())
	}
	init := "initialized"
	if !k.RoundInitialized {
		init = "NOT initialized"
	}
	row("Round", "%d, block %d of %d–%d (%s), %s", k.Round, k.BlockNum, k.RoundStartBlock, k.RoundStartBlock+k.RoundLength, left, init)
	last := fmt.Sprintf("round %d", k.LastRewardRound)
	if k.LastRewardRound >= k.Round && k.Round > 0 {
		last += " (this round)"
	}
	switch lr := k.LastReward; {
	case lr != nil && lr.Round == k.LastRewardRound:
		last += ", called by " + lr.By
		if lr.Tx != "" {
			last += ", tx " + lr.Tx
		}
		if lr.Amount != "" {
			last += ", +" + lpt(lr.Amount) + " LPT"
		}
	case k.RewardedBy != "" && k.LastRewardRound >= k.Round:
		last += ", called by " + k.RewardedBy
	case k.LastRewardRound > 0:
		last += ", caller unknown (lpops has no record of that round)"
	}
	row("Last reward", "%s", last)
	state := k.State
	if k.Reason != "" {
		state += ": " + k.Reason
	}
	if !fromDaemon {
		state = "not running; the chain shows " + state
	}
	row("Keeper", "%s (mode %s%s)", state, k.Mode, methodNote(k.RewardMethod))
	if k.LastError != "" {
		row("Chain error", "%s", k.LastError)
	}
	for _, b := range sortedBalances(k) {
		row("Balance", "%s %s ETH (%s)", b.addr, eth(b.wei), b.role)
	}
	for _, t := range k.Txs {
		note := ""
		if t.Error != "" {
			note = ": " + t.Error
		}
		row("Transaction", "%s %s nonce %d %s%s", t.Method, t.Hash.Hex(), t.Nonce, t.State, note)
	}
}

// printFleet prints one row per orchestrator (the details above are the
// first's).
func printFleet(w io.Writer, ks []keeper.Status) {
	fmt.Fprintf(w, "\nFleet: %d orchestrators (the details above are the first's)\n", len(ks))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ORCHESTRATOR\tACTIVE\tROUND\tLAST REWARD\tSTATE\tIN-FLIGHT TX")
	for _, k := range ks {
		active := "no"
		if k.Active {
			active = "yes"
		}
		last := fmt.Sprint(k.LastRewardRound)
		if k.RewardedBy != "" && k.LastRewardRound >= k.Round && k.Round > 0 {
			last += " (" + k.RewardedBy + ")"
		}
		inflight := "-"
		for _, t := range k.Txs {
			if t.State == keeper.TxSent || t.State == keeper.TxSigned {
				inflight = fmt.Sprintf("%s %s nonce %d", t.Method, t.Hash.Hex(), t.Nonce)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", strings.ToLower(k.Orchestrator.Hex()), active, k.Round, last, k.State, inflight)
	}
	tw.Flush()
}

type balance struct{ addr, wei, role string }

// sortedBalances lists the balances orchestrator first, then the signer,
// then any other account by address: the order must not depend on a map's.
func sortedBalances(k *keeper.Status) []balance {
	rank := map[string]int{"orchestrator": 0, "signer": 1, "account": 2}
	var out []balance
	for a, v := range k.Balances {
		role := "account"
		switch {
		case strings.EqualFold(a, k.Orchestrator.Hex()):
			role = "orchestrator"
		case k.Signer != (common.Address{}) && strings.EqualFold(a, k.Signer.Hex()):
			role = "signer"
		}
		out = append(out, balance{addr: strings.ToLower(a), wei: v, role: role})
	}
	sort.Slice(out, func(i, j int) bool {
		if rank[out[i].role] != rank[out[j].role] {
			return rank[out[i].role] < rank[out[j].role]
		}
		return out[i].addr < out[j].addr
	})
	return out
}

func printAlerts(w io.Writer, rep *statusReport) {
	fmt.Fprintln(w)
	switch {
	case rep.AlertsErr != "":
		fmt.Fprintf(w, "Alerts: unknown (%s)\n", rep.AlertsErr)
		return
	case len(rep.Alerts) == 0:
		fmt.Fprintln(w, "Alerts: none firing")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintln(tw, "FIRING ALERT\tSEVERITY\tLABELS\tSINCE\tSUMMARY")
	for _, a := range rep.Alerts {
		summary := a.Summary
		switch {
		case a.SilencedBy != "":
			summary += " [silenced by " + a.SilencedBy + "]"
		case a.InhibitedBy != "":
			summary += " [inhibited by " + a.InhibitedBy + "]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.Severity, orDash(labelsString(ownLabels(a.Labels, rep.Doc))), a.StartsAt.Local().Format(timeFmt), summary)
	}
}

// probeValuesWidth wraps a probe's values onto lines about this wide.
const probeValuesWidth = 72

func printProbes(w io.Writer, results []probe.Result) {
	fmt.Fprintln(w)
	if len(results) == 0 {
		fmt.Fprintln(w, "Probes: none has run yet")
		return
	}
	rs := slices.Clone(results)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Probe < rs[j].Probe })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintln(tw, "PROBE\tRESULT\tAT\tVALUES")
	for _, r := range rs {
		res := "ok"
		if !r.Success {
			res = "FAIL"
		}
		if len(r.Firing) > 0 {
			res += " (firing " + strings.Join(r.Firing, ", ") + ")"
		}
		at := "-"
		if !r.At.IsZero() {
			at = r.At.Local().Format(timeFmt)
		}
		lines := wrapJoin(probeValues(r.Values), ", ", probeValuesWidth)
		if r.Error != "" {
			lines = append([]string{"error: " + r.Error}, lines...)
		}
		if len(lines) == 0 {
			lines = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Probe, res, at, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(tw, "\t\t\t%s\n", l)
		}
	}
}

// probeValues formats values as name=value, sorted by name.
func probeValues(v map[string]float64) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		out = append(out, k+"="+strconv.FormatFloat(v[k], 'g', 8, 64))
	}
	return out
}

// wrapJoin joins items with sep into lines of about width characters.
func wrapJoin(items []string, sep string, width int) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		if cur != "" && len(cur)+len(sep)+len(it) > width {
			lines = append(lines, cur+strings.TrimSpace(sep))
			cur = ""
		}
		if cur != "" {
			cur += sep
		}
		cur += it
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func printRemediation(w io.Writer, st *remediate.Status, rep *statusReport) {
	fmt.Fprintln(w)
	if st == nil || len(st.Runbooks) == 0 {
		fmt.Fprintln(w, "Remediation: no runbooks configured")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUNBOOK\tBREAKER\tFAILURES\tLAST RUN\tTRIGGERS")
	for _, b := range st.Runbooks {
		breaker := b.Breaker
		if !b.BreakerCooldownEnds.IsZero() {
			breaker += " until " + b.BreakerCooldownEnds.Local().Format(timeFmt)
		}
		if b.DryRun {
			breaker += " (dry run)"
		}
		last := "-"
		switch {
		case b.Running != 0:
			last = fmt.Sprintf("#%d running", b.Running)
		case b.LastRun != 0:
			last = fmt.Sprintf("#%d %s", b.LastRun, b.LastOutcome)
			if !b.LastEnd.IsZero() {
				last += " at " + b.LastEnd.Local().Format(timeFmt)
			}
		}
		if b.Waiting != "" {
			last += "; waiting: " + b.Waiting
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", b.Name, breaker, b.ConsecutiveFailures, last, orDash(strings.Join(b.Triggers, ", ")))
	}
	tw.Flush()
	fmt.Fprintln(w)
	switch {
	case rep.RunsErr != "":
		fmt.Fprintf(w, "Remediation runs: unknown (%s)\n", rep.RunsErr)
		return
	case len(rep.Runs) == 0:
		fmt.Fprintln(w, "Remediation runs: none yet")
		return
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "RUN\tRUNBOOK\tOUTCOME\tSTARTED\tTRIGGER\tERROR\n")
	for _, r := range rep.Runs {
		trig := r.Trigger.String()
		if r.Trigger.Kind == remediate.TriggerAlert {
			trig = "alert " + r.Trigger.Alertname
			if l := labelsString(ownLabels(r.Trigger.Labels, rep.Doc)); l != "" {
				trig += "{" + l + "}"
			}
		}
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Runbook, r.State, r.StartedAt.Local().Format(timeFmt), trig, orDash(r.Error))
	}
}

// ownLabels leaves out the orchestrator label when it names the
// orchestrator status is about: in its own status it says nothing.
func ownLabels(l map[string]string, d *daemon.StatusDoc) map[string]string {
	if d.Keeper == nil || !strings.EqualFold(l["orchestrator"], d.Keeper.Orchestrator.Hex()) {
		return l
	}
	out := maps.Clone(l)
	delete(out, "orchestrator")
	return out
}

func methodNote(m string) string {
	if m == "" {
		return ""
	}
	return ", calls " + m
}

// eth formats a wei decimal string as ETH with 6 decimals.
func eth(wei string) string { return decimals(wei, 18, 6) }

// lpt formats an LPT base-unit decimal string with 4 decimals.
func lpt(v string) string { return decimals(v, 18, 4) }

func decimals(v string, scale, keep int) string {
	b, ok := new(big.Int).SetString(v, 10)
	if !ok {
		return v
	}
	f := new(big.Float).SetInt(b)
	f.Quo(f, new(big.Float).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	return f.Text('f', keep)
}
