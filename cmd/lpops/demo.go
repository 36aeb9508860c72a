//go:build demo

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lpops/lpops/internal/devnet"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("demo", "Run lpops against an embedded local devnet: an in-process go-ethereum chain with the\n"+
		"Livepeer-compatible test contracts, a simulated go-livepeer node whose reward call is\n"+
		"switched off every other round, and lpops with its HTTP surface. Rounds last seconds.",
		"lpops demo --rounds 6 --listen 127.0.0.1:7940", stderr)
	listen := fs.String("listen", "127.0.0.1:7940", "lpops API `ADDR`ess")
	rounds := fs.Int("rounds", 0, "stop after this many rounds with a reward due (0: until interrupted)")
	blockTime := fs.Duration("block-time", 200*time.Millisecond, "time between devnet blocks")
	roundLength := fs.Uint64("round-length", 20, "blocks per round")
	grace := fs.Uint64("grace", 5, "blocks the node gets before lpops calls reward")
	dir := fs.String("dir", "", "working `DIR`ectory for config, keystore, state and log (default: a new temp dir, removed on exit)")
	keep := fs.Bool("keep", false, "keep the temp dir (it holds a keystore and its passphrase) on exit")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := devnet.RunDemo(ctx, devnet.DemoOptions{
		Listen: *listen, BlockTime: *blockTime, RoundLength: *roundLength, GraceBlocks: *grace,
		Rounds: *rounds, Dir: *dir, Keep: *keep, Out: stdout, Version: buildVersion(),
		StatusCommand: statusCommand(),
	})
	if err != nil {
		fmt.Fprintln(stderr, "lpops demo:", err)
		return 1
	}
	if res.Missed > 0 {
		return 1
	}
	return 0
}

// statusCommand is how the demo's user runs `lpops status` beside it: the
// demo binary itself, or, when `go run` built it into a temporary directory
// that is gone on exit, the same `go run` (its build is cached by now). The
// user has no lpops on PATH.
func statusCommand() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run -tags demo ./cmd/lpops status"
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, exe); err == nil && !strings.HasPrefix(rel, "..") {
			exe = "." + string(filepath.Separator) + rel
		}
	}
	return exe + " status"
}
