package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/lpops/lpops/internal/daemon"
)

func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", "Run the daemon: watch the chain and call reward whenever the node has not.",
		"lpops run --config /etc/lpops/lpops.yaml", stderr)
	cf := addConfigFlags(fs, true)
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.Log, stderr)
	d, err := daemon.New(ctx, cfg, daemon.Options{Logger: log, Version: buildVersion(), ConfigFile: cf.file})
	if err != nil {
		fmt.Fprintln(stderr, "lpops:", err)
		return 1
	}
	defer d.Close()
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "lpops:", err)
		return 1
	}
	return 0
}

// daemonGCPercent is the garbage collector's target for the daemon: the heap
// may grow 50 % over what the last collection kept, not Go's default 100 %.
// lpops' live heap is small (about 7 MB for 100 orchestrators) and most of
// what it allocates is garbage within a tick, so the default let the heap
// reach twice that between collections, on a host whose memory belongs to
// the transcoding node. The price is more frequent, small collections; the
// fleet benchmark's figures for both are in bench/README.md.
const daemonGCPercent = 50

// tuneGC sets daemonGCPercent unless the operator set GOGC, which the Go
// runtime has then already applied.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(daemonGCPercent)
	}
}
