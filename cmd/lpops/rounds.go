package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/txdecode"
)

func runRounds(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("rounds", "Show the orchestrator's round history, newest first: who called reward (the node or\n"+
		"lpops), or whether the round was missed or nothing was due; the reward transaction;\n"+
		"the LPT it earned; the transactions lpops sent and the fees they cost; then totals.\n"+
		"Asks the running daemon's /api/v1/rounds; when none answers, reads the state store\n"+
		"(in HA mode, ha: in the config, the etcd cluster, read-only). With orchestrators:\n"+
		"(a fleet), shows the first orchestrator's rounds, or those of --orchestrator.",
		"lpops rounds --config /etc/lpops/lpops.yaml --limit 50", stderr)
	cf := addConfigFlags(fs, true)
	limit := fs.Int("limit", 20, "show the newest `N` rounds (1 to 1000)")
	asJSON := fs.Bool("json", false, "print the round records as JSON, as /api/v1/rounds does")
	orch := addOrchestratorFlag(fs)
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if *limit < 1 || *limit > 1000 {
		fmt.Fprintf(stderr, "lpops rounds: --limit: want 1 to 1000, got %d\n", *limit)
		return 2
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	fleet := len(cfg.Orchestrators()) > 1
	if cfg, code = cf.forOrchestrator(cfg, *orch, stderr); cfg == nil {
		return code
	}
	recs, src, err := loadRounds(ctx, cfg, *limit, fleet)
	if err != nil {
		fmt.Fprintln(stderr, "lpops rounds:", err)
		return 1
	}
	if *asJSON {
		if recs == nil {
			recs = []*keeper.Record{}
		}
		return printJSON(stdout, recs)
	}
	fmt.Fprintf(stdout, "Rounds of orchestrator %s (from the %s)\n\n", strings.ToLower(cfg.PrimaryOrchestrator()), src)
	printRounds(stdout, recs)
	return 0
}

// loadRounds returns the newest n round records of cfg's orchestrator (a
// configuration ForOrchestrator narrowed): from the running daemon's API,
// or, when no daemon answers, from the state store opened read-only. It
// says which. fleet asks the API for that orchestrator's records by name
// (?orchestrator=), as a daemon keeping several serves the first's
// otherwise.
func loadRounds(ctx context.Context, cfg *config.Config, n int, fleet bool) ([]*keeper.Record, string, error) {
	c := &apiClient{base: "http://" + dialAddr(cfg.Listen)}
	var recs []*keeper.Record
	orch := common.HexToAddress(cfg.PrimaryOrchestrator())
	path := fmt.Sprintf("/api/v1/rounds?limit=%d", n)
	if fleet {
		path += "&orchestrator=" + strings.ToLower(orch.Hex())
	}
	apiErr := c.do(ctx, http.MethodGet, path, nil, &recs)
	if apiErr == nil {
		for _, r := range recs {
			if r.Orchestrator != orch {
				// A daemon that does not know ?orchestrator= (older than
				// fleets) answers with its first orchestrator's.
				return nil, "", fmt.Errorf("the daemon at %s answered with the rounds of orchestrator %s, not %s: it does not serve another orchestrator's rounds (an older lpops?)",
					cfg.Listen, strings.ToLower(r.Orchestrator.Hex()), strings.ToLower(orch.Hex()))
			}
		}
		return recs, "daemon at " + cfg.Listen, nil
	}
	if cfg.HA.Enabled() {
		recs, src, err := roundsFromEtcd(ctx, cfg, n)
		if err != nil {
			return nil, "", fmt.Errorf("no daemon answered at %s (%v), and in HA mode the round records are in etcd: %w", cfg.Listen, apiErr, err)
		}
		return recs, src + "; no daemon answered at " + cfg.Listen, nil
	}
	st, err := store.OpenReadOnly(cfg.StateDir)
	if err != nil {
		return nil, "", fmt.Errorf("%v; and the state store: %w", apiErr, err)
	}
	defer st.Close()
	recs, err = keeper.NewRecords(st).Recent(common.HexToAddress(cfg.PrimaryOrchestrator()), n)
	if err != nil {
		return nil, "", fmt.Errorf("read round records: %w", err)
	}
	stripRaw(recs)
	return recs, "state store in " + cfg.StateDir + "; no daemon answered at " + cfg.Listen, nil
}

// stripRaw leaves out, as the API does, the signed payloads: what was
// sent, never a payload to re-broadcast.
func stripRaw(recs []*keeper.Record) {
	for _, r := range recs {
		for _, t := range r.Txs {
			t.Raw = nil
		}
	}
}

// roundsFromEtcd reads the newest n round records from the etcd cluster of
// ha: (where they live in HA mode), read-only: it campaigns for nothing,
// takes no lease and writes nothing. It says where it read them and who
// leads.
func roundsFromEtcd(ctx context.Context, cfg *config.Config, n int) ([]*keeper.Record, string, error) {
	cli, err := ha.Dial(cfg.HA)
	if err != nil {
		return nil, "", err
	}
	defer cli.Close()
	s, err := ha.Look(ctx, cli, cfg.HA.KeyPrefix, cfg.HA.InstanceName(), leaseCheckTimeout)
	if err != nil {
		return nil, "", err
	}
	st := ha.NewReadOnlyStore(cli, cfg.HA.KeyPrefix, cfg.Chain.RequestTimeout.Duration)
	recs, err := keeper.NewRecordsOn(st).Recent(common.HexToAddress(cfg.PrimaryOrchestrator()), n)
	if err != nil {
		return nil, "", fmt.Errorf("read round records from etcd (%s): %w", strings.Join(cfg.HA.Endpoints, ", "), err)
	}
	stripRaw(recs)
	return recs, etcdSource(cfg.HA, s), nil
}

// etcdSource names the etcd cluster and key prefix records were read
// from, and who leads.
func etcdSource(h config.HA, s ha.Status) string {
	leader := "no instance leads"
	if s.Leader != "" {
		leader = s.Leader + " leads"
	}
	return fmt.Sprintf("etcd cluster %s, key prefix %s (%s)", strings.Join(h.Endpoints, ","), h.KeyPrefix, leader)
}

// outcomeText words a round's outcome for the table.
func outcomeText(r *keeper.Record) string {
	switch r.Outcome {
	case keeper.OutcomeRewardedByNode:
		return "rewarded by node"
	case keeper.OutcomeRewardedByLpops:
		return "rewarded by lpops"
	case keeper.OutcomeMissed:
		return "MISSED"
	case keeper.OutcomeInactive:
		return "inactive"
	case keeper.OutcomeUnknown:
		return "unknown"
	case "":
		if r.State != "" {
			return "in progress (" + r.State + ")"
		}
		return "in progress"
	}
	return r.Outcome
}

func printRounds(w io.Writer, recs []*keeper.Record) {
	if len(recs) == 0 {
		fmt.Fprintln(w, "No rounds recorded yet.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUND\tOUTCOME\tREWARD TX\tEARNED (LPT)\tLPOPS TXS\tFEES (ETH)")
	counts := map[string]int{}
	earned, fees := new(big.Int), new(big.Int)
	ntx := 0
	for _, r := range recs {
		counts[r.Outcome]++
		amount := "-"
		if r.RewardAmount != nil {
			amount = txdecode.FormatLPT(r.RewardAmount.Int())
			earned.Add(earned, r.RewardAmount.Int())
		} else if r.Outcome == keeper.OutcomeRewardedByNode || r.Outcome == keeper.OutcomeRewardedByLpops {
			amount = "?"
		}
		var txs []string
		roundFees := new(big.Int)
		for _, t := range r.Txs {
			s := t.Method + " " + t.State
			if t.FeePaid != nil {
				s += " " + txdecode.FormatETH(t.FeePaid.Int()) + " ETH"
				roundFees.Add(roundFees, t.FeePaid.Int())
			}
			txs = append(txs, s)
			ntx++
		}
		fees.Add(fees, roundFees)
		feeCol := "-"
		if len(r.Txs) > 0 {
			feeCol = txdecode.FormatETH(roundFees)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Round, outcomeText(r), orDash(r.RewardTx), amount, orDash(strings.Join(txs, ", ")), feeCol)
	}
	tw.Flush()
	fmt.Fprintln(w)
	parts := []string{
		fmt.Sprintf("%d rewarded by the node", counts[keeper.OutcomeRewardedByNode]),
		fmt.Sprintf("%d by lpops", counts[keeper.OutcomeRewardedByLpops]),
		fmt.Sprintf("%d missed", counts[keeper.OutcomeMissed]),
		fmt.Sprintf("%d inactive", counts[keeper.OutcomeInactive]),
	}
	if n := counts[keeper.OutcomeUnknown]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", n))
	}
	if n := counts[""]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d in progress", n))
	}
	fmt.Fprintf(w, "%d rounds: %s; %s LPT earned; lpops signed %d transactions, %s ETH in fees.\n",
		len(recs), strings.Join(parts, ", "), txdecode.FormatLPT(earned), ntx, txdecode.FormatETH(fees))
}
