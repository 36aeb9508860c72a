// Package config loads, defaults and validates lpops' YAML configuration.
//
// The YAML keys are a user-facing interface documented in examples/lpops.yaml:
// renaming one breaks operators' files. Decoding is strict (unknown keys are
// rejected) and happens over Default(), so a file only names what it changes.
//
// Load runs in three steps: decode over Default() (keys and value types are
// checked first, so an error names the full key path and its line), fill in
// the network preset and default endpoint names, then Validate, which reports
// every problem at once in field order so one check-config run shows them all.
//
// Relative paths (signer.keystore, signer.passphrase_file, rpc[].url_file,
// state_dir) are resolved against the directory of the configuration file, not
// the working directory: a daemon started by systemd runs in /, and the same
// file must mean the same thing wherever it is checked from.
//
// Secrets stay out of the Config's printable surface: a provider URL that
// embeds an API key may come from url_file or url_env, and endpoints are
// named by scheme://host[:port] so logs and metrics never show the key; the
// keystore passphrase only ever comes from a file, an environment variable
// or a secret store (a *_secret key: Vault, SSM Parameter Store or a sops
// file; see secretstores.go and internal/secrets) and is read on demand by
// Signer.Passphrase. No error produced here quotes the
// content of a secret.
package config

import (
	"go.yaml.in/yaml/v3"
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

	// Orchestrator is the shorthand for a one-entry OrchestratorList.
	// Read both through Orchestrators().
	Orchestrator string `yaml:"orchestrator"`
	// OrchestratorList is the fleet (orchestrators:); see fleet.go.
	OrchestratorList []OrchestratorEntry `yaml:"orchestrators"`
	Node             Node                `yaml:"node"`
	Signer           Signer              `yaml:"signer"`

	Reward          Reward          `yaml:"reward"`
	InitializeRound InitializeRound `yaml:"initialize_round"`

	StateDir string `yaml:"state_dir"`
	Listen   string `yaml:"listen"`
	Log      Log    `yaml:"log"`

	// Probes and Alerts: see probes.go and alerts.go.
	Probes Probes `yaml:"probes"`
	Alerts Alerts `yaml:"alerts"`
	// API: see alerts.go (the token for state-changing routes).
	API API `yaml:"api"`
	// Host describes the machine for `lpops render` and `lpops doctor`:
	// see host.go.
	Host Host `yaml:"host"`
	// Remediation: runbooks bound to alert states; see remediation.go.
	Remediation Remediation `yaml:"remediation"`
	// Backup: encrypted backups of keys, config and state; see backup.go.
	Backup Backup `yaml:"backup"`
	// Secrets: the secret stores *_secret keys read from; see
	// secretstores.go.
	Secrets Secrets `yaml:"secrets"`
	// HA: instances sharing one orchestrator on etcd; see ha.go.
	HA HA `yaml:"ha"`

	// positions is where each key path was read from, for Place; nil for a
	// Config not parsed from a file.
	positions map[string]*yaml.Node
}

// Endpoint is one JSON-RPC endpoint (http, https, ws, wss or an IPC path).
// Provider URLs often embed an API key, so the URL may come from a file or an
// environment variable instead, and logs and metrics name the endpoint by Name.
type Endpoint struct {
	Name    string `yaml:"name"`
	URL     string `yaml:"url"`
	URLFile string `yaml:"url_file"`
	URLEnv  string `yaml:"url_env"`
	// URLSecret reads the URL from a secret store.
	URLSecret SecretRef `yaml:"url_secret"`
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
	// MaxErrorRate marks an endpoint unhealthy when more than this share of
	// its last 32 round trips failed (judged from 16 on); 0 disables.
	MaxErrorRate float64 `yaml:"max_error_rate"`
}

// Node locates the go-livepeer node lpops watches.
type Node struct {
	CLIURL  string   `yaml:"cli_url"`
	Timeout Duration `yaml:"timeout"`
	// Transcoders is what lpops expects of the remote transcoders connected
	// to the orchestrator (see transcoders.go).
	Transcoders NodeTranscoders `yaml:"transcoders"`
}

// Signer chooses how lpops signs (Kind) and configures that backend. The
// keystore kind names the go-ethereum keystore file and where its passphrase
// comes from: a file, a named environment variable or a secret store, never
// a literal and never argv. The aws-kms and clef kinds keep the key off the host.
type Signer struct {
	// Kind is keystore (the default), aws-kms or clef.
	Kind             string     `yaml:"kind"`
	Keystore         string     `yaml:"keystore"`
	PassphraseFile   string     `yaml:"passphrase_file"`
	PassphraseEnv    string     `yaml:"passphrase_env"`
	PassphraseSecret SecretRef  `yaml:"passphrase_secret"`
	KMS              SignerKMS  `yaml:"kms"`
	Clef             SignerClef `yaml:"clef"`
}

// Signer kinds.
const (
	SignerKindKeystore = "keystore"
	SignerKindAWSKMS   = "aws-kms"
	SignerKindClef     = "clef"
)

// SignerKMS configures the aws-kms signer: an asymmetric KMS key of spec
// ECC_SECG_P256K1 and usage SIGN_VERIFY. Credentials come the usual AWS way
// (environment, shared config, instance role), never from this file.
type SignerKMS struct {
	// KeyID is the key's id, ARN, alias name (alias/...) or alias ARN.
	KeyID string `yaml:"key_id"`
	// Region overrides the SDK's region (AWS_REGION, shared config).
	Region string `yaml:"region"`
	// Endpoint overrides the KMS endpoint URL (a VPC endpoint, a test server).
	Endpoint string `yaml:"endpoint"`
	// Timeout bounds each KMS call (GetPublicKey, Sign).
	Timeout Duration `yaml:"timeout"`
}

// SignerClef configures the clef signer: go-ethereum's external signer,
// reached over its IPC socket or HTTP API, holding Address's key and
// approving transactions by the rule file lpops render writes.
type SignerClef struct {
	// Endpoint is clef's IPC socket path or its http(s) URL.
	Endpoint string `yaml:"endpoint"`
	// Address is the account clef signs with.
	Address string `yaml:"address"`
	// Timeout bounds each signing request.
	Timeout Duration `yaml:"timeout"`
	// BondingManager and RoundsManager are the contracts the rendered rule
	// file lets clef sign for (lpops render --resolve reads them from the
	// Controller once and prints them).
	BondingManager string `yaml:"bonding_manager"`
	RoundsManager  string `yaml:"rounds_manager"`
	// MaxGas is the rule file's cap on a transaction's gas limit.
	MaxGas uint64 `yaml:"max_gas"`
}

// Configured reports whether a signer is set up at all: a keystore file, or
// the aws-kms or clef kind.
func (s Signer) Configured() bool {
	return s.Kind == SignerKindAWSKMS || s.Kind == SignerKindClef || s.Keystore != ""
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
	// MaxPriorityFeeGwei caps the tip (maxPriorityFeePerGas). 0 means no
	// separate cap: the tip is bounded only by MaxFeeGwei.
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
	// WhenRewardDue, in act mode, initializes a round nobody initialized
	// once the orchestrator's reward is due (reward.grace_blocks into the
	// round), whatever Enabled says: no reward can be called before.
	WhenRewardDue bool `yaml:"when_reward_due"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // json | text
}

// Default returns the configuration used for every key a file leaves out.
// It has no chain id or Controller: Load fills them from the network preset
// after decoding, so a file that switches to network: custom is not left
// holding Arbitrum's values.
func Default() Config {
	return Config{
		Network: NetworkArbitrumOne,
		Chain: Chain{
			PollInterval:       Duration{5 * time.Minute},
			ActivePollInterval: Duration{2 * time.Second},
			RequestTimeout:     Duration{10 * time.Second},
			HealthInterval:     Duration{5 * time.Minute},
			MaxHeadAge:         Duration{2 * time.Minute},
			MaxLagBlocks:       100,
			MaxErrorRate:       0.25,
		},
		Node: Node{
			Timeout: Duration{5 * time.Second},
		},
		Signer: Signer{
			Kind: SignerKindKeystore,
			KMS:  SignerKMS{Timeout: Duration{10 * time.Second}},
			Clef: SignerClef{Timeout: Duration{30 * time.Second}, MaxGas: 3_000_000},
		},
		Reward: Reward{
			Mode:               RewardModeAct,
			GraceBlocks:        20,
			MaxFeeGwei:         5,
			MaxPriorityFeeGwei: 0,
			StuckAfter:         Duration{3 * time.Minute},
		},
		InitializeRound: InitializeRound{
			Enabled:       false,
			AfterBlocks:   10,
			MaxFeeGwei:    1,
			WhenRewardDue: false,
		},
		Probes:      DefaultProbes(),
		Host:        DefaultHost(),
		Remediation: DefaultRemediation(),
		Backup:      DefaultBackup(),
		Alerts:      DefaultAlerts(),
		Secrets:     Secrets{Timeout: Duration{DefaultSecretsTimeout}},
		HA:          DefaultHA(),
		StateDir:    "/var/lib/lpops",
		Listen:      "127.0.0.1:7940",
		Log: Log{
			Level:  "info",
			Format: "json",
		},
	}
}

// Reward modes.
const (
	// RewardModeAct sends the reward transaction when the node has not.
	RewardModeAct = "act"
	// RewardModeObserve only reports; it needs no signer.
	RewardModeObserve = "observe"
)

// NeedsSigner reports whether the configuration sends transactions and so
// needs a signer (signer.keystore, or signer.kind aws-kms or clef).
func (c *Config) NeedsSigner() bool {
	return c.Reward.Mode == RewardModeAct || c.InitializeRound.Enabled
}
