// Command lpops keeps a Livepeer orchestrator available and earning.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: a name, a one-line summary and its entry point.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "run the daemon: keep the orchestrator earning", runDaemon},
		{"demo", "run lpops against an embedded local devnet", runDemo},
		{"status", "show round, reward and keeper state", runStatus},
		{"reward", "simulate (and with --submit, send) this round's reward call", runReward},
		{"rounds", "show round history: who rewarded, LPT earned, lpops' fees", runRounds},
		{"txs", "list the account's recent transactions, decoded", runTxs},
		{"signer", "create a hot key for lpops to sign with (keystore or AWS KMS)", runSigner},
		{"reward-caller", "set or show the orchestrator's LIP-118 reward caller", runRewardCaller},
		{"alerts", "list alerts and silences; silence or unsilence alerts", runAlerts},
		{"ha", "high availability on etcd: step-down (the leader resigns)", runHA},
		{"render", "render host configuration (systemd, firewall, cloud-init, AWS) from the config", runRender},
		{"backup", "encrypted backups of this host's identity and state: create, verify, list, restore", runBackup},
		{"doctor", "audit this host against the config's policy: pass, warn or fail, with fixes", runDoctor},
		{"bench", "measure how many streams this host transcodes in real time; recommend (--apply: set) -maxSessions", runBench},
		{"check-config", "validate a configuration file without running", runCheckConfig},
		{"completion", "print a shell completion script (bash, zsh, fish)", runCompletion},
		{"version", "print the version, commit, Go version and build date (also: lpops --version)", runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		return runVersion(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "lpops: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: lpops COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'lpops COMMAND --help' for a command's flags and an example.")
}
