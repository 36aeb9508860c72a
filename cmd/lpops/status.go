package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lpops/lpops/internal/daemon"
)

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("status", "Show the round, blocks left, the last reward round and who called it (node or lpops),\n"+
		"balances and the keeper's state. Asks the running daemon on its listen address;\n"+
		"when none answers, reads the chain directly.",
		"lpops status --config /etc/lpops/lpops.yaml --json", stderr)
	path := fs.String("config", "", "configuration `FILE` (YAML)")
	asJSON := fs.Bool("json", false, "print the /api/v1/status JSON document")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, ok := loadConfig(*path, stderr)
	if !ok {
		return 1
	}
	doc, src, err := statusFromDaemon(ctx, cfg.Listen)
	if err != nil {
		d, derr := daemon.New(ctx, cfg, daemon.Options{Logger: slog.New(slog.DiscardHandler), Version: version, ReadOnly: true})
		if derr != nil {
			fmt.Fprintln(stderr, "lpops status:", derr)
			return 1
		}
		defer d.Close()
		k, kerr := d.Connect(ctx)
		if kerr != nil {
			fmt.Fprintln(stderr, "lpops status: daemon not reachable at", cfg.Listen, "and", kerr)
			return 1
		}
		k.Tick(ctx)
		b, _ := json.Marshal(d.Status())
		doc = new(daemon.StatusDoc)
		if err := json.Unmarshal(b, doc); err != nil {
			fmt.Fprintln(stderr, "lpops status:", err)
			return 1
		}
		src = "chain (daemon not reachable at " + cfg.Listen + ")"
	}
	if *asJSON {
		return printJSON(stdout, doc)
	}
	printStatus(stdout, doc, src)
	if doc.Keeper == nil || !doc.Ready {
		return 1
	}
	return 0
}

func statusFromDaemon(ctx context.Context, listen string) (*daemon.StatusDoc, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + listen + "/api/v1/status"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("%s: %s", url, resp.Status)
	}
	var doc daemon.StatusDoc
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", url, err)
	}
	return &doc, "daemon at " + listen, nil
}

func printStatus(w io.Writer, d *daemon.StatusDoc, src string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	row := func(k, f string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(f, a...)) }
	row("Source", "%s", src)
	if !d.Ready {
		row("Ready", "no: %s", d.NotReady)
	}
	k := d.Keeper
	if k == nil {
		return
	}
	standing := "not registered"
	if k.Registered {
		standing = "registered, not active"
		if k.Active {
			standing = "registered, active"
		}
	}
	row("Orchestrator", "%s (%s), stake %s LPT", k.Orchestrator.Hex(), standing, lpt(k.TotalStake))
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
	if lr := k.LastReward; lr != nil && lr.Round == k.LastRewardRound {
		last += ", called by " + lr.By
		if lr.Tx != "" {
			last += ", tx " + lr.Tx
		}
		if lr.Amount != "" {
			last += ", +" + lpt(lr.Amount) + " LPT"
		}
	} else if k.RewardedBy != "" && k.LastRewardRound >= k.Round {
		last += ", called by " + k.RewardedBy
	}
	row("Last reward", "%s", last)
	state := k.State
	if k.Reason != "" {
		state += ": " + k.Reason
	}
	row("Keeper", "%s (mode %s%s)", state, k.Mode, methodNote(k.RewardMethod))
	for a, v := range k.Balances {
		role := "orchestrator"
		if strings.EqualFold(a, k.Signer.Hex()) && !strings.EqualFold(a, k.Orchestrator.Hex()) {
			role = "signer"
		}
		row("Balance", "%s %s ETH (%s)", a, eth(v), role)
	}
	for _, t := range k.Txs {
		row("Transaction", "%s %s nonce %d %s", t.Method, t.Hash.Hex(), t.Nonce, t.State)
	}
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
