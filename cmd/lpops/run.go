package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
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
