package daemon

import (
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/capacity"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/nodeapi"
	"github.com/lpops/lpops/internal/probe"
)

// buildProbes assembles the probe runner: the RPC endpoints always, the node
// and its releases when node.cli_url is set. Observations go to the alert
// engine (nil in read-only commands: results only).
func (d *Daemon) buildProbes(pcfg []chain.EndpointConfig) error {
	c := d.cfg
	var sink alert.Sink // a nil *alert.Engine must not become a non-nil Sink
	if d.alerts != nil {
		sink = d.alerts
	}
	// In a fleet every orchestrator reports its own stake, fees and
	// accounts: their typed metrics carry the orchestrator label.
	r, err := probe.NewRunner(probe.RunnerOptions{Interval: c.Probes.Interval.Duration, Sink: sink, Registerer: d.reg, Logger: d.log,
		OrchestratorLabel: len(c.Orchestrators()) > 1})
	if err != nil {
		return err
	}
	d.rpcProbe, err = probe.NewRPC(probe.RPCOptions{
		Endpoints: pcfg, ChainID: c.ChainID, MaxHeadAge: c.Chain.MaxHeadAge.Duration, MaxLagBlocks: c.Chain.MaxLagBlocks,
		Timeout: c.Chain.RequestTimeout.Duration, Accounts: d.watchedAccounts, MaxPendingBlocks: c.Probes.RPC.MaxPendingBlocks,
		Sent: d.sentTxs, Reads: d.reads,
		// An idle account's pending nonce at the chain probes' cadence
		// (docs/operator-guide.md, "What lpops reads, and how often").
		IdleNonceInterval: idleNonceInterval(c),
	})
	if err != nil {
		return err
	}
	r.Add(d.rpcProbe, probe.Schedule{Interval: c.Probes.RPC.Interval.Duration})
	if c.Node.CLIURL != "" {
		cli, err := nodeapi.New(c.Node.CLIURL, c.Node.Timeout.Duration, nil)
		if err != nil {
			return err
		}
		np, err := probe.NewNode(probe.NodeOptions{CLI: cli, Orchestrator: d.orch, ChainID: c.ChainID, State: d.chainState,
			MetricsURL: c.Probes.Node.MetricsURL, ServiceURL: c.Probes.Node.ServiceURL, Timeout: c.Node.Timeout.Duration})
		if err != nil {
			return err
		}
		r.Add(np, probe.Schedule{})
		if c.Probes.Node.MetricsURL != "" {
			// Sessions against -maxSessions and the capacity lpops bench measured.
			cp, err := probe.NewCapacity(probe.CapacityOptions{MetricsURL: c.Probes.Node.MetricsURL,
				ReportPath: capacity.LastReportPath(c.StateDir), Timeout: c.Node.Timeout.Duration})
			if err != nil {
				return err
			}
			r.Add(cp, probe.Schedule{})
		}
		if t := c.Node.Transcoders; t.Enabled() {
			tp, err := probe.NewTranscoders(probe.TranscodersOptions{CLI: cli, Orchestrator: d.orch,
				Expected: t.Expected, MinCapacity: t.MinCapacity, Sessions: d.nodeSessions})
			if err != nil {
				return err
			}
			r.Add(tp, probe.Schedule{})
		}
		if c.Probes.Releases.URL != "" {
			rp, err := probe.NewReleases(probe.ReleasesOptions{URL: c.Probes.Releases.URL, CLI: cli})
			if err != nil {
				return err
			}
			r.Add(rp, probe.Schedule{Interval: c.Probes.Releases.Interval.Duration})
		}
	}
	d.probes = r
	return nil
}

// nodeSessions is the node's current sessions as the node probe last read
// them from its -monitor metrics, for the transcoders probe's sessions vs
// capacity.
func (d *Daemon) nodeSessions() (float64, bool) {
	if d.probes == nil {
		return 0, false
	}
	for _, r := range d.probes.Results() {
		if r.Probe == "node" {
			v, ok := r.Values["current_sessions"]
			return v, ok
		}
	}
	return 0, false
}

// chainState is the keeper's latest chain read, for the node probe; nil until
// the keeper exists and has read the chain.
func (d *Daemon) chainState() *livepeer.Snapshot {
	k := d.Keeper()
	if k == nil {
		return nil
	}
	s := k.Status()
	if !s.ChainOK || s.LastRead.IsZero() {
		return nil
	}
	return &livepeer.Snapshot{CurrentRound: s.Round, BlockNum: s.BlockNum, Orchestrator: s.Orchestrator,
		Registered: s.Registered, Active: s.Active, Transcoder: livepeer.Transcoder{LastRewardRound: s.LastRewardRound},
		ReadAt: s.LastRead}
}

// watchedAccounts are the accounts whose transactions the RPC probe watches
// for silent drops: the orchestrator (go-livepeer sends reward and ticket
// redemptions from it), lpops' signer, and the on-chain LIP-118 reward caller
// once the keeper has read it; in observe mode too.
func (d *Daemon) watchedAccounts() []probe.WatchedAccount {
	out := []probe.WatchedAccount{{Role: probe.RoleOrchestrator, Address: d.orch}}
	if d.signer != nil {
		out = append(out, probe.WatchedAccount{Role: probe.RoleSigner, Address: d.signer.Address()})
	}
	if c := d.rewardCaller(); c != (common.Address{}) {
		out = append(out, probe.WatchedAccount{Role: probe.RoleRewardCaller, Address: c})
	}
	return out
}

// roundReadsPerHealth is how many chain.health_interval periods a
// round-scoped read lasts at most: an hour at the default 5m.
const roundReadsPerHealth = 12

// roundReadMaxAge bounds how long a round-scoped read is kept whatever the
// round (a round lasts about 19 h on Arbitrum): the RPC probe's chain id,
// peer count and syncing flag of a healthy endpoint (the pool checks the
// chain id itself before it uses an endpoint, a syncing endpoint's head goes
// stale, and any failure makes them read again), the stake probe's standing
// and the fees probe's pending fees (read again on their events anyway).
// Derived from chain.health_interval so that a scaled configuration (the
// rpcload bench) scales it too.
func roundReadMaxAge(c *config.Config) time.Duration {
	return roundReadsPerHealth * c.Chain.HealthInterval.Duration
}

// idleNonceInterval is how often the RPC probe reads an idle account's
// pending nonce: every probes.chain_interval when that is longer than
// probes.rpc.interval, else at every run (zero).
func idleNonceInterval(c *config.Config) time.Duration {
	if ci := c.Probes.ChainInterval.Duration; ci > c.Probes.RPC.Interval.Duration {
		return ci
	}
	return 0
}

// currentRound is the protocol round of the keeper's last snapshot, for the
// read scheduler's round-scoped reads; false until it has read one.
func (d *Daemon) currentRound() (uint64, bool) {
	k := d.Keeper()
	if k == nil {
		return 0, false
	}
	s := k.Status()
	return s.Round, s.ChainOK && !s.LastRead.IsZero()
}

// rewardCaller is the orchestrator's LIP-118 reward caller as the keeper last
// read it (transcoderToRewardCaller); zero when none is set or not read yet.
func (d *Daemon) rewardCaller() common.Address {
	k := d.Keeper()
	if k == nil {
		return common.Address{}
	}
	return k.Status().RewardCaller
}

// sentTxs are the keeper's broadcast, unsettled transactions, for the RPC
// probe's silent-drop check.
func (d *Daemon) sentTxs() []probe.SentTx {
	k := d.Keeper()
	if k == nil {
		return nil
	}
	var out []probe.SentTx
	for _, t := range k.Status().Txs {
		if t.State == keeper.TxSent {
			out = append(out, probe.SentTx{Hash: t.Hash, From: t.From, Nonce: t.Nonce, SentAt: t.SentAt})
		}
	}
	return out
}

// multicall says where Multicall3 is and whether the chain probes of a
// fleet read through it: when the fleet has several orchestrators and the
// keepers' FleetReader found Multicall3 (its first read asks). A single
// orchestrator's probes read with plain eth_calls, as always.
func (d *Daemon) multicall() (common.Address, bool) {
	if len(d.cfg.Orchestrators()) < 2 {
		return common.Address{}, false
	}
	d.mu.Lock()
	fr := d.fleetReader
	d.mu.Unlock()
	if fr == nil {
		return common.Address{}, false
	}
	return fr.Multicall3()
}

// chainProbes are the probes that need the resolved contracts and the keeper:
// the duty, the accounts, stake and standing, and fees. In a fleet each
// orchestrator has its own duty probe (run as one group), and the accounts, stake and fees
// probes watch every orchestrator in one run (one Result each: "stake",
// "stake-0x…", ...), reading the whole fleet in the batches one
// orchestrator's reads take.
func (d *Daemon) chainProbes(addrs livepeer.Addresses, k *keeper.Keeper) []probe.Probe {
	c, pc := d.cfg, d.cfg.Probes
	// The chain probes run on one schedule: a tenth of probes.interval lets
	// what they read at the same moment go out in one batch.
	lane := d.reads.Lane("chain-probes", pc.Interval.Duration/10)
	keepers := []*keeper.Keeper{k}
	if f := d.Fleet(); f != nil {
		keepers = f.Keepers()
	}
	// The accounts that pay for an orchestrator's rewards: its own (the
	// node's), and its signer's when that is another.
	accountsOf := func(i int) []probe.Account {
		o := keepers[i].Status().Orchestrator
		accts := []probe.Account{{Role: probe.RoleOrchestrator, Address: o}}
		if i < len(d.signers) && d.signers[i] != nil && d.signers[i].Address() != o {
			accts = append(accts, probe.Account{Role: probe.RoleSigner, Address: d.signers[i].Address()})
		}
		return accts
	}
	dutyConfig := func(name string, o common.Address) probe.DutyConfig {
		return probe.DutyConfig{Name: name, Orchestrator: o, StuckAfter: c.Reward.StuckAfter.Duration,
			MaxStatusAge:   3*c.Chain.PollInterval.Duration + c.Chain.RequestTimeout.Duration,
			UnreadableHold: pc.RPC.Interval.Duration + c.Chain.RequestTimeout.Duration + c.Chain.PollInterval.Duration + pc.Interval.Duration}
	}
	var (
		fleet    []common.Address
		fleetAcc []probe.AccountsOrchestrator
	)
	for i, o := range keepers[1:] {
		s := o.Status()
		fleet = append(fleet, s.Orchestrator)
		fleetAcc = append(fleetAcc, probe.AccountsOrchestrator{Orchestrator: s.Orchestrator, Accounts: accountsOf(i + 1),
			RewardCaller: func() common.Address { return o.Status().RewardCaller }, History: o.History})
	}
	// The duty alerts (reward missed, late, stuck, chain unreadable) of
	// every orchestrator, each with its orchestrator label: duty, then
	// duty-0x… for each further one of a fleet, run together.
	var duty probe.Probe = probe.NewDuty(k.Status, k.History, dutyConfig("", d.orch), nil)
	if len(keepers) > 1 {
		duties := []probe.Probe{duty}
		for _, o := range keepers[1:] {
			s := o.Status()
			duties = append(duties, probe.NewDuty(o.Status, o.History, dutyConfig(probe.FleetName("duty", s.Orchestrator), s.Orchestrator), nil))
		}
		duty = probe.NewGroup(duties...)
	}
	ps := []probe.Probe{
		duty,
		probe.NewAccounts(lane, k.History, probe.AccountsConfig{Orchestrator: d.orch, Accounts: accountsOf(0), RewardCaller: d.rewardCaller,
			Fleet: fleetAcc, Multicall: d.multicall,
			WarnETH: pc.Accounts.WarnETH, CriticalETH: pc.Accounts.CriticalETH, RunwayWarnRounds: pc.Accounts.RunwayWarnRounds,
			RunwayCriticalRounds: pc.Accounts.RunwayCriticalRounds, MaxFee: config.GweiToWei(c.Reward.MaxFeeGwei)}, nil),
		probe.NewStake(lane, d.store, probe.StakeConfig{Orchestrator: d.orch, Fleet: fleet, Multicall: d.multicall, Contracts: addrs,
			Confirmations: pc.Stake.Confirmations, MaxLogRange: pc.Stake.MaxLogRange, StakeChangeWarnPercent: pc.Stake.StakeChangeWarnPercent,
			CutoffWarnPercent: pc.Stake.CutoffWarnPercent, StandingMaxAge: roundReadMaxAge(c), Round: d.currentRound}, nil),
	}
	if pc.Fees.Enabled {
		ps = append(ps, probe.NewFees(lane, d.store, probe.FeesConfig{Orchestrator: d.orch, Fleet: fleet, Multicall: d.multicall, Contracts: addrs,
			Confirmations: pc.Stake.Confirmations, MaxLogRange: pc.Stake.MaxLogRange, PendingMaxAge: roundReadMaxAge(c), Round: d.currentRound}, nil))
	}
	return ps
}
