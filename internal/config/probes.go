package config

import "time"

// Probes configures the checks lpops runs besides the keeper. Every probe
// becomes metrics (lpops_probe_success, lpops_probe_duration_seconds, values)
// and a status entry with its last evidence.
type Probes struct {
	// Interval is how often probes run that cost no chain requests (the
	// node's CLI API, the keeper's duty).
	Interval Duration `yaml:"interval"`
	// ChainInterval is how often the probes that read the chain run
	// (accounts, stake and standing, fees): each run costs RPC requests, and
	// what they watch changes over rounds, not seconds. The default, 5m, is
	// the keeper's chain.poll_interval; an idle account's pending nonce is
	// read at this cadence too (the RPC probe's IdleNonceInterval).
	ChainInterval Duration `yaml:"chain_interval"`

	Node     NodeProbe     `yaml:"node"`
	RPC      RPCProbe      `yaml:"rpc"`
	Accounts AccountsProbe `yaml:"accounts"`
	Stake    StakeProbe    `yaml:"stake"`
	Fees     FeesProbe     `yaml:"fees"`
	Releases ReleasesProbe `yaml:"releases"`
}

// NodeProbe checks the go-livepeer node (node.cli_url).
type NodeProbe struct {
	// MetricsURL is the node's Prometheus endpoint (-monitor), e.g.
	// http://127.0.0.1:7935/metrics. Empty: not scraped.
	MetricsURL string `yaml:"metrics_url"`
	// ServiceURL is the public service address whose /healthz is checked
	// (TLS, self-signed accepted), e.g. https://127.0.0.1:8935. Empty: skipped.
	ServiceURL string `yaml:"service_url"`
}

// RPCProbe checks every RPC endpoint beyond the pool's own health.
type RPCProbe struct {
	// Interval is how often every endpoint is checked (one request each).
	Interval Duration `yaml:"interval"`
	// MaxPendingBlocks: a watched account's pending nonce ahead of its mined
	// nonce for more than this many blocks is a silent drop.
	MaxPendingBlocks uint64 `yaml:"max_pending_blocks"`
}

// AccountsProbe watches ETH balances and runway.
type AccountsProbe struct {
	WarnETH     float64 `yaml:"warn_eth"`
	CriticalETH float64 `yaml:"critical_eth"`
	// Runway thresholds in rounds, from the gas actually spent per round.
	RunwayWarnRounds     float64 `yaml:"runway_warn_rounds"`
	RunwayCriticalRounds float64 `yaml:"runway_critical_rounds"`
}

// StakeProbe watches stake and standing from chain state and events.
type StakeProbe struct {
	// Confirmations before an event is reported (reorg safety).
	Confirmations uint64 `yaml:"confirmations"`
	// MaxLogRange bounds one eth_getLogs request, in blocks.
	MaxLogRange uint64 `yaml:"max_log_range"`
	// StakeChangeWarnPercent: a stake drop larger than this in one change warns.
	StakeChangeWarnPercent float64 `yaml:"stake_change_warn_percent"`
	// CutoffWarnPercent: warn when the orchestrator's stake is within this
	// percentage above the active set's cut-off.
	CutoffWarnPercent float64 `yaml:"cutoff_warn_percent"`
}

// FeesProbe watches ticket redemptions and pending fees.
type FeesProbe struct {
	Enabled bool `yaml:"enabled"`
}

// ReleasesProbe compares the node's version with the newest go-livepeer release.
type ReleasesProbe struct {
	// URL of the GitHub releases API for go-livepeer; empty disables.
	URL string `yaml:"url"`
	// Interval between checks (the API is rate-limited).
	Interval Duration `yaml:"interval"`
}

// DefaultProbes are the probe defaults.
func DefaultProbes() Probes {
	return Probes{
		Interval:      Duration{10 * time.Second},
		ChainInterval: Duration{5 * time.Minute},
		RPC:           RPCProbe{Interval: Duration{30 * time.Second}, MaxPendingBlocks: 20},
		Accounts:      AccountsProbe{WarnETH: 0.05, CriticalETH: 0.01, RunwayWarnRounds: 30, RunwayCriticalRounds: 7},
		Stake:         StakeProbe{Confirmations: 5, MaxLogRange: 5000, StakeChangeWarnPercent: 10, CutoffWarnPercent: 10},
		Fees:          FeesProbe{Enabled: true},
		Releases:      ReleasesProbe{URL: "https://api.github.com/repos/livepeer/go-livepeer/releases/latest", Interval: Duration{6 * time.Hour}},
	}
}

func (v *validator) probes(p Probes) {
	if p.Interval.Duration <= 0 {
		v.add("probes.interval", p.Interval.String(), "must be positive")
	}
	if p.ChainInterval.Duration <= 0 {
		v.add("probes.chain_interval", p.ChainInterval.String(), "must be positive")
	}
	if p.RPC.Interval.Duration <= 0 {
		v.add("probes.rpc.interval", p.RPC.Interval.String(), "must be positive")
	}
	v.probesNode(p.Node)
	v.probesRPC(p.RPC)
	v.probesReleases(p.Releases)
	v.probesChain(p)
}
