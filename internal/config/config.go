// Package config loads, defaults and validates lpops' YAML configuration.
//
// The YAML keys are a user-facing interface documented in examples/lpops.yaml:
// renaming one breaks operators' files. Decoding is strict (unknown keys are
// rejected) and happens over Default(), so a file only names what it changes.
package config

import (
	"time"
)

// Config is the whole lpops configuration file.
type Config struct {
	// Network selects a preset (chain id and Controller): arbitrum-one-mainnet,
	// mainnet or custom. custom requires ChainID and Controller.
	Network    string `yaml:"network"`
	ChainID    uint64 `yaml:"chain_id"`
	Controller string `yaml:"controller"`

	RPC   []Endpoint `yaml:"rpc"`
	Chain Chain      `yaml:"chain"`

	Orchestrator string `yaml:"orchestrator"`
	Node         Node   `yaml:"node"`
	Signer       Signer `yaml:"signer"`

	Reward          Reward          `yaml:"reward"`
	InitializeRound InitializeRound `yaml:"initialize_round"`

	StateDir string `yaml:"state_dir"`
	Listen   string `yaml:"listen"`
	Log      Log    `yaml:"log"`
}

// Endpoint is one JSON-RPC endpoint (http, https, ws, wss or an IPC path).
// Provider URLs often embed an API key, so the URL may come from a file or an
// environment variable instead, and logs and metrics name the endpoint by Name.
type Endpoint struct {
	Name    string `yaml:"name"`
	URL     string `yaml:"url"`
	URLFile string `yaml:"url_file"`
	URLEnv  string `yaml:"url_env"`
}

// Chain tunes how lpops reads the chain.
type Chain struct {
	// PollInterval is the longest lpops sleeps between reads in steady state.
	PollInterval Duration `yaml:"poll_interval"`
	// ActivePollInterval is the interval while something is due: a round
	// boundary, a grace window ending, a transaction in flight.
	ActivePollInterval Duration `yaml:"active_poll_interval"`
	// RequestTimeout bounds every JSON-RPC request.
	RequestTimeout Duration `yaml:"request_timeout"`
	// HealthInterval is how often standby endpoints are checked.
	HealthInterval Duration `yaml:"health_interval"`
	// MaxHeadAge marks an endpoint unhealthy when its newest block is older.
	MaxHeadAge Duration `yaml:"max_head_age"`
	// MaxLagBlocks marks an endpoint unhealthy when it is this many blocks
	// behind the best endpoint.
	MaxLagBlocks uint64 `yaml:"max_lag_blocks"`
}

// Node locates the go-livepeer node lpops watches.
type Node struct {
	CLIURL  string   `yaml:"cli_url"`
	Timeout Duration `yaml:"timeout"`
}

// Signer names the go-ethereum keystore file lpops signs with and where its
// passphrase comes from: a file or a named environment variable, never a
// literal and never argv.
type Signer struct {
	Keystore       string `yaml:"keystore"`
	PassphraseFile string `yaml:"passphrase_file"`
	PassphraseEnv  string `yaml:"passphrase_env"`
}

// Reward configures the reward duty.
type Reward struct {
	// Mode is act (send reward when the node has not) or observe (report only).
	Mode string `yaml:"mode"`
	// GraceBlocks is how many blocks (of RoundsManager.blockNum()) after the
	// round start the node may call reward before lpops does.
	GraceBlocks uint64 `yaml:"grace_blocks"`
	// MaxFeeGwei is the hard cap on maxFeePerGas; never exceeded.
	MaxFeeGwei float64 `yaml:"max_fee_gwei"`
	// MaxPriorityFeeGwei caps the tip (defaults to MaxFeeGwei).
	MaxPriorityFeeGwei float64 `yaml:"max_priority_fee_gwei"`
	// StuckAfter is how long a sent transaction may stay unmined before it is
	// replaced with a higher fee.
	StuckAfter Duration `yaml:"stuck_after"`
}

// InitializeRound configures initializing a round nobody initialized.
type InitializeRound struct {
	Enabled bool `yaml:"enabled"`
	// AfterBlocks is how many blocks after the round should have started
	// lpops waits for someone else to initialize it.
	AfterBlocks uint64  `yaml:"after_blocks"`
	MaxFeeGwei  float64 `yaml:"max_fee_gwei"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // json | text
}

// Duration is a time.Duration that decodes from strings such as "10s".
type Duration struct{ time.Duration }
