package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/devnet"
)

// endpoint is one entry of the config's rpc list.
type endpoint struct{ Name, URL string }

// lpopsConfig is what the bench tells lpops. Everything it leaves out takes
// lpops' default.
type lpopsConfig struct {
	RPC           []endpoint
	Controller    common.Address
	Orchestrator  common.Address
	NodeURL       string
	ProbeInterval time.Duration
	// ChainInterval and RPCInterval are probes.chain_interval and
	// probes.rpc.interval.
	ChainInterval, RPCInterval time.Duration
	MaxLagBlocks               uint64
	// PollInterval is chain.poll_interval; 0: lpops' default.
	PollInterval time.Duration
	// MetricsURL and ServiceURL are probes.node.metrics_url and service_url.
	MetricsURL, ServiceURL string
	WarnETH                float64
	// Hook and SecretFile configure the webhook channel; empty: no channel.
	Hook, SecretFile string
	StateDir         string
}

// writeConfig writes an observe-mode configuration (no signer needed).
func writeConfig(path string, c lpopsConfig) error {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("# Written by bench/detect.")
	w("network: custom")
	w("chain_id: %d", devnet.ChainID)
	w("controller: %q", c.Controller.Hex())
	w("orchestrator: %q", c.Orchestrator.Hex())
	w("rpc:")
	for _, e := range c.RPC {
		w("  - name: %s\n    url: %s", e.Name, e.URL)
	}
	if c.MaxLagBlocks > 0 || c.PollInterval > 0 {
		w("chain:")
		if c.MaxLagBlocks > 0 {
			w("  max_lag_blocks: %d", c.MaxLagBlocks)
		}
		if c.PollInterval > 0 {
			w("  poll_interval: %s", c.PollInterval)
		}
	}
	w("node:\n  cli_url: %s", c.NodeURL)
	w("reward:\n  mode: observe")
	w("probes:\n  interval: %s\n  chain_interval: %s\n  rpc:\n    interval: %s\n  releases:\n    url: \"\"", c.ProbeInterval, c.ChainInterval, c.RPCInterval)
	if c.MetricsURL != "" || c.ServiceURL != "" {
		w("  node:\n    metrics_url: %q\n    service_url: %q", c.MetricsURL, c.ServiceURL)
	}
	if c.WarnETH > 0 {
		w("  accounts:\n    warn_eth: %g", c.WarnETH)
	}
	if c.Hook != "" {
		w("alerts:\n  channels:\n    - name: bench\n      type: webhook\n      url: %s\n      secret_file: %s", c.Hook, c.SecretFile)
	}
	w("state_dir: %s", c.StateDir)
	w("listen: 127.0.0.1:0")
	w("log:\n  level: info")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
