package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/keeper"
)

const rewardSummary = `Simulate this round's reward call from the configured signer and send nothing; with
--submit, send it (at once, no grace) through the same persisted exactly-once path as
the daemon, and wait until the round is settled. --submit sends even when
reward.mode is observe: it is the operator's explicit request. It needs the
state_dir, so stop 'lpops run' first or let the daemon act.

With orchestrators: (a fleet), it acts on the first orchestrator, or on the one
--orchestrator names, signing with that orchestrator's signer (its own signer:,
else the top-level one).

Exit status:
  0  simulation: reward is due and the call would succeed;
     --submit: the round is rewarded (by this call, or already: nothing sent)
  1  error (configuration, chain unreadable, --timeout passed)
  2  usage error
  3  simulation: nothing to send (not due, or the call would fail; the reason is printed);
     --submit: the round is not rewarded and lpops cannot send now (the reason is printed)`

// Exit statuses of lpops reward.
const (
	rewardOK      = 0
	rewardError   = 1
	rewardNothing = 3
)

func runReward(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("reward", rewardSummary, "lpops reward --config /etc/lpops/lpops.yaml --submit", stderr)
	cf := addConfigFlags(fs, true)
	submit := fs.Bool("submit", false, "send the transaction (default: simulate only)")
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "with --submit, how long to wait for the round to be settled")
	orch := addOrchestratorFlag(fs)
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	fleet := len(cfg.Orchestrators()) > 1
	if cfg, code = cf.forOrchestrator(cfg, *orch, stderr); cfg == nil {
		return code
	}
	if !cfg.Signer.Configured() {
		fmt.Fprintln(stderr, "lpops reward: signer.keystore is not configured (nor signer.kind aws-kms or clef)")
		return rewardError
	}
	if *submit && cfg.HA.Enabled() {
		// Only the leader's daemon may send (it records under its etcd
		// lease); a one-shot command holds no leadership.
		fmt.Fprintln(stderr, "lpops reward: --submit is refused with ha: configured: only the leading daemon sends (it acts on its own when the reward is due; 'lpops ha step-down' moves the leadership)")
		return rewardError
	}
	if *submit {
		c := *cfg
		c.Reward.Mode = "act"
		cfg = &c
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.Log, stderr)
	d, err := daemon.New(ctx, cfg, daemon.Options{Logger: log, Version: buildVersion(), ReadOnly: !*submit})
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return rewardError
	}
	defer d.Close()
	k, err := d.Connect(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return rewardError
	}
	if !*submit {
		sim, err := k.Simulate(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "lpops reward:", err)
			return rewardError
		}
		if *asJSON {
			printJSON(stdout, sim)
		} else {
			if fleet {
				fmt.Fprintf(stdout, "orchestrator:   %s\n", strings.ToLower(cfg.PrimaryOrchestrator()))
			}
			printSimulation(stdout, sim)
		}
		if !sim.Due || !sim.WouldSucceed {
			return rewardNothing
		}
		return rewardOK
	}
	start := time.Now()
	st, err := k.RewardNow(ctx, *timeout)
	sent := sentSince(st.Txs, start)
	if *asJSON {
		printJSON(stdout, st)
	} else {
		printSubmit(stdout, st, sent)
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return rewardError
	}
	if st.State != keeper.StateDone {
		return rewardNothing
	}
	return rewardOK
}

// sentSince returns the transactions this invocation signed.
func sentSince(txs []*keeper.Tx, start time.Time) []*keeper.Tx {
	var out []*keeper.Tx
	for _, t := range txs {
		if !t.SignedAt.Before(start) {
			out = append(out, t)
		}
	}
	return out
}

// printSubmit says what --submit did: what it sent, and whether the round
// is rewarded and by whom.
func printSubmit(w io.Writer, st keeper.Status, sent []*keeper.Tx) {
	for _, t := range sent {
		fmt.Fprintf(w, "sent %s %s (nonce %d): %s\n", t.Method, t.Hash.Hex(), t.Nonce, t.State)
	}
	switch {
	case st.State == keeper.StateDone && st.RewardedBy != "" && len(sent) > 0:
		fmt.Fprintf(w, "round %d: rewarded by %s, tx %s", st.Round, st.RewardedBy, orDash(st.RewardTx))
		if st.RewardAmount != "" {
			fmt.Fprintf(w, ", +%s LPT", lpt(st.RewardAmount))
		}
		fmt.Fprintln(w)
	case st.State == keeper.StateDone && st.RewardedBy != "":
		fmt.Fprintf(w, "round %d: already rewarded by %s, tx %s; nothing sent\n", st.Round, st.RewardedBy, orDash(st.RewardTx))
	case st.State == keeper.StateDone:
		fmt.Fprintf(w, "round %d: already rewarded; nothing sent\n", st.Round)
	default:
		fmt.Fprintf(w, "round %d: not rewarded: %s", st.Round, st.State)
		if st.Reason != "" {
			fmt.Fprintf(w, " (%s)", st.Reason)
		}
		if len(sent) == 0 {
			fmt.Fprint(w, "; nothing sent")
		}
		fmt.Fprintln(w)
	}
}

func printSimulation(w io.Writer, s *keeper.Simulation) {
	fmt.Fprintf(w, "round:          %d\n", s.Round)
	fmt.Fprintf(w, "method:         %s\n", orDash(s.Method))
	fmt.Fprintf(w, "due:            %v\n", s.Due)
	fmt.Fprintf(w, "would succeed:  %v\n", s.WouldSucceed)
	if s.Reason != "" {
		fmt.Fprintf(w, "reason:         %s\n", s.Reason)
	}
	if s.Gas > 0 {
		fmt.Fprintf(w, "gas limit:      %d\n", s.Gas)
	}
	if s.MaxFee != "" {
		fmt.Fprintf(w, "max fee:        %s wei/gas (tip %s)\n", s.MaxFee, s.Tip)
	}
	if s.Balance != "" {
		fmt.Fprintf(w, "balance:        %s wei\n", s.Balance)
	}
	fmt.Fprintln(w, "(simulation only; add --submit to send)")
}

func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return 1
	}
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
