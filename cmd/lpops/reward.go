package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/keeper"
)

func runReward(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("reward", "Simulate this round's reward call from the configured signer; with --submit, send it\n"+
		"(at once, no grace) through the same persisted exactly-once path as the daemon.\n"+
		"--submit needs the state_dir, so stop 'lpops run' first or let it act.",
		"lpops reward --config /etc/lpops/lpops.yaml --submit", stderr)
	path := fs.String("config", "", "configuration `FILE` (YAML)")
	submit := fs.Bool("submit", false, "send the transaction (default: simulate only)")
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "with --submit, how long to wait for the round to be settled")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, ok := loadConfig(*path, stderr)
	if !ok {
		return 1
	}
	if cfg.Signer.Keystore == "" {
		fmt.Fprintln(stderr, "lpops reward: signer.keystore is not configured")
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.Log, stderr)
	d, err := daemon.New(ctx, cfg, daemon.Options{Logger: log, Version: version, ReadOnly: !*submit})
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return 1
	}
	defer d.Close()
	k, err := d.Connect(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return 1
	}
	if !*submit {
		sim, err := k.Simulate(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "lpops reward:", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, sim)
		}
		printSimulation(stdout, sim)
		if !sim.Due || !sim.WouldSucceed {
			return 3
		}
		return 0
	}
	st, err := k.RewardNow(ctx, *timeout)
	if *asJSON {
		printJSON(stdout, st)
	} else {
		fmt.Fprintf(stdout, "round %d: %s", st.Round, st.State)
		if st.Reason != "" {
			fmt.Fprintf(stdout, " (%s)", st.Reason)
		}
		fmt.Fprintln(stdout)
		if st.RewardedBy != "" {
			fmt.Fprintf(stdout, "rewarded by %s, tx %s\n", st.RewardedBy, st.RewardTx)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops reward:", err)
		return 1
	}
	if st.State != keeper.StateDone {
		return 3
	}
	return 0
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
