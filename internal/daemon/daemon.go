// Package daemon assembles lpops from its configuration: the endpoint pool,
// the contracts resolved through the Controller, the signer, the state store,
// the keeper and the HTTP API, and runs them together until stopped.
// `lpops run` and `lpops demo` both run this.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/chain/reads"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// Options override parts of the assembly (the demo and tests).
type Options struct {
	Logger *slog.Logger
	// Signer replaces the keystore named in the config.
	Signer keeper.TxSigner
	// OnListen is called with the API's bound address.
	OnListen func(net.Addr)
	// OnPublicListen is called with the public page's bound address
	// (api.public_listen).
	OnPublicListen func(net.Addr)
	Version        string
	// ConfigFile is the configuration file's path, archived by the
	// scheduled backups (backup.destination).
	ConfigFile string
	// ReadOnly opens the state store read-only, if it can be opened at all,
	// for commands that run beside a daemon (status, reward simulation), and
	// reads the signer's account from the keystore without decrypting it:
	// no passphrase is needed, and nothing can be signed.
	ReadOnly bool
}

// Daemon is a running lpops.
type Daemon struct {
	cfg      *config.Config
	log      *slog.Logger
	version  string
	reg      *prometheus.Registry
	pool     *chain.Pool
	reads    *reads.Scheduler // every chain read but the keeper's transactions goes through it
	store    *store.Store
	signer   keeper.TxSigner
	api      *api.Server
	orch     common.Address
	onListen func(net.Addr)
	// public serves the public status page on api.public_listen; nil when
	// not configured.
	public         *api.Server
	onPublicListen func(net.Addr)

	alerts     *alert.Engine
	probes     *probe.Runner
	remediator *remediate.Remediator
	rpcProbe   *probe.RPC
	readOnly   bool
	// backups makes the scheduled backups; nil without backup.destination.
	backups *backup.Scheduler
	// ha is HA mode's etcd parts; nil on a single host.
	ha *haParts

	// signers are the signers of the orchestrators, in config order: the
	// top-level one (signer) where an entry names none, else the entry's
	// own, each distinct signer opened once.
	signers []keeper.TxSigner

	mu     sync.Mutex
	keeper *keeper.Keeper // the first of fleet's keepers (the primary)
	fleet  *keeper.Fleet
	// fleetReader is the fleet's reader, which knows whether the chain has
	// Multicall3 (multicall).
	fleetReader *livepeer.FleetReader
	addrs       livepeer.Addresses
	why         string // why not ready yet
}

// New builds a Daemon; nothing runs until Run.
func New(ctx context.Context, cfg *config.Config, o Options) (*Daemon, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	d := &Daemon{cfg: cfg, log: log, version: o.Version, reg: prometheus.NewRegistry(), onListen: o.OnListen, onPublicListen: o.OnPublicListen,
		orch: common.HexToAddress(cfg.PrimaryOrchestrator()), why: "starting"}
	d.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	eps, err := cfg.EndpointURLs()
	if err != nil {
		return nil, err
	}
	pcfg := make([]chain.EndpointConfig, len(eps))
	for i, e := range eps {
		pcfg[i] = chain.EndpointConfig{Name: e.Name, URL: e.URL}
	}
	d.pool, err = chain.Dial(ctx, pcfg, chain.Options{
		ChainID: cfg.ChainID, RequestTimeout: cfg.Chain.RequestTimeout.Duration,
		HealthInterval: cfg.Chain.HealthInterval.Duration, MaxHeadAge: cfg.Chain.MaxHeadAge.Duration,
		// A failed endpoint is rechecked at the keeper's active pace, so the
		// keeper is woken within one active poll of the chain answering.
		RecheckInterval: cfg.Chain.ActivePollInterval.Duration,
		MaxLagBlocks:    cfg.Chain.MaxLagBlocks, MaxErrorRate: cfg.Chain.MaxErrorRate, Logger: log, Registerer: d.reg,
	})
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	// One send may fail over through every endpoint.
	d.reads = reads.New(d.pool, reads.Options{Round: d.currentRound, MaxRoundAge: roundReadMaxAge(cfg),
		Timeout: time.Duration(len(pcfg)) * cfg.Chain.RequestTimeout.Duration})
	d.signer = o.Signer
	if d.signer == nil && cfg.Signer.Configured() {
		// A look (o.ReadOnly) needs the account, not the key: no passphrase,
		// and a remote signer is never asked to sign.
		s, err := signer.Open(ctx, cfg.Signer, new(big.Int).SetUint64(cfg.ChainID), o.ReadOnly)
		if err != nil {
			d.pool.Close()
			return nil, fmt.Errorf("signer: %w", err)
		}
		d.signer = s
	}
	if err := d.openSigners(ctx, cfg, o.ReadOnly); err != nil {
		d.Close()
		return nil, err
	}
	if o.ReadOnly {
		d.store, _ = store.OpenReadOnly(cfg.StateDir)
	} else if d.store, err = store.Open(cfg.StateDir); err != nil {
		d.pool.Close()
		return nil, err
	}
	d.api = api.New(d, d.reg, log)
	d.readOnly = o.ReadOnly
	if o.ReadOnly && cfg.HA.Enabled() {
		if err := d.viewHA(ctx, cfg); err != nil {
			d.Close()
			return nil, err
		}
	}
	if !o.ReadOnly {
		if cfg.HA.Enabled() {
			if err := d.dialHA(cfg); err != nil {
				d.Close()
				return nil, err
			}
		}
		if err := d.buildAlerts(cfg); err != nil {
			d.Close()
			return nil, err
		}
		if err := d.buildProbes(pcfg); err != nil {
			d.Close()
			return nil, err
		}
		if err := d.buildRemediation(cfg, eps); err != nil {
			d.Close()
			return nil, err
		}
		if err := d.buildBackup(cfg, o.ConfigFile); err != nil {
			d.Close()
			return nil, err
		}
		if cfg.HA.Enabled() {
			if err := d.buildHA(cfg); err != nil {
				d.Close()
				return nil, err
			}
		}
		d.buildPages(cfg)
	}
	return d, nil
}

// buildRemediation assembles the runbooks that act on alert states.
func (d *Daemon) buildRemediation(cfg *config.Config, eps []config.ResolvedEndpoint) error {
	s, err := remediate.FromConfig(cfg.Remediation, eps)
	if err != nil {
		return err
	}
	ro := remediate.Options{Settings: s, Store: d.store, Logger: d.log, Registerer: d.reg}
	if d.alerts != nil {
		ro.Alerts, ro.Sink = d.alerts, d.alerts
	}
	if d.remediator, err = remediate.New(ro); err != nil {
		return err
	}
	tok, err := api.ConfigToken(cfg.API)
	if err != nil {
		return err
	}
	h := d.remediator.Handler(tok)
	d.api.Handle(remediate.PathActions, h)
	d.api.Handle(remediate.PathReset, h)
	return nil
}

// buildAlerts assembles the alert engine with its channels and the token
// that guards the API's state-changing routes.
func (d *Daemon) buildAlerts(cfg *config.Config) error {
	ns, err := notify.NewAll(cfg.Alerts.Channels)
	if err != nil {
		return err
	}
	ao, err := alert.FromConfig(cfg.Alerts)
	if err != nil {
		return err
	}
	ao.Store, ao.Notifiers, ao.Logger, ao.Registerer = d.store, ns, d.log, d.reg
	if d.ha != nil {
		// HA: the leader alone notifies, from the state shared in etcd;
		// the HA alerts each instance sends itself.
		ao.Shared, ao.Local = d.ha.alerts, haLocalAlerts
	}
	ao.Healthy = func() error {
		if ok, why := d.Ready(); !ok {
			return errors.New(why)
		}
		return nil
	}
	if d.alerts, err = alert.New(ao); err != nil {
		return err
	}
	tok, err := api.ConfigToken(cfg.API)
	if err != nil {
		return err
	}
	d.api.EnableAlerts(d.alerts, tok)
	return nil
}

// Run runs until ctx ends or a component fails.
func (d *Daemon) Run(ctx context.Context) error {
	addr, err := d.api.Listen(d.cfg.Listen)
	if err != nil {
		return err
	}
	d.log.Info("lpops started", "version", d.version, "listen", addr.String(), "orchestrator", d.orch,
		"mode", d.cfg.Reward.Mode, "signer", d.signerAddr(), "state_dir", d.cfg.StateDir)
	for _, w := range d.cfg.Warnings() {
		d.log.Warn("risky configuration", "warning", w)
	}
	if d.onListen != nil {
		d.onListen(addr)
	}
	if err := d.listenPublic(); err != nil {
		d.api.CloseListener()
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return d.api.Serve(ctx) })
	if d.public != nil {
		g.Go(func() error { return d.public.Serve(ctx) })
	}
	g.Go(func() error { return d.pool.Run(ctx) })
	g.Go(func() error { return d.watchdog(ctx) })
	if d.alerts != nil {
		g.Go(func() error { return d.alerts.Run(ctx) })
	}
	if d.probes != nil {
		g.Go(func() error { return d.probes.Run(ctx) })
	}
	if d.remediator != nil {
		g.Go(func() error { return d.remediator.Run(ctx) })
	}
	if d.backups != nil {
		g.Go(func() error { return d.backups.Run(ctx) })
	}
	if d.ha != nil && d.ha.node != nil {
		g.Go(func() error { return d.runHA(ctx) })
	}
	// Ready before the chain answers: see systemd.go.
	d.sdNotify("READY=1\nSTATUS=waiting for chain: resolving the Livepeer contracts")
	g.Go(func() error {
		k, err := d.start(ctx)
		if err != nil || k == nil {
			return err
		}
		if d.probes != nil {
			for _, p := range d.chainProbes(d.addrs, k) {
				s := probe.Schedule{Interval: d.cfg.Probes.ChainInterval.Duration}
				if strings.HasPrefix(p.Name(), "duty") { // reads the keeper, not the chain
					s = probe.Schedule{}
				}
				d.probes.Add(p, s)
			}
		}
		d.sdStatus(fmt.Sprintf("keeping %s earning", d.orchestratorsLine()))
		return d.Fleet().Run(ctx)
	})
	go func() {
		<-ctx.Done()
		d.sdNotify("STOPPING=1")
	}()
	err = g.Wait()
	d.log.Info("lpops stopped")
	return err
}

// start resolves the contracts, retrying while the chain is unreachable, and
// builds the keeper.
func (d *Daemon) start(ctx context.Context) (*keeper.Keeper, error) {
	controller := common.HexToAddress(d.cfg.Controller)
	wait := time.Second
	for {
		addrs, err := livepeer.Resolve(ctx, d.pool, controller)
		if err == nil {
			d.log.Info("contracts resolved", "controller", controller, "bonding_manager", addrs.BondingManager, "rounds_manager", addrs.RoundsManager)
			f, fr := d.buildFleet(addrs)
			// The keepers' reads back off during an outage; the pool sees
			// the end of it first.
			d.pool.OnRecover(f.ChainRecovered)
			k := f.Keepers()[0]
			d.mu.Lock()
			d.keeper, d.fleet, d.fleetReader, d.addrs, d.why = k, f, fr, addrs, ""
			d.mu.Unlock()
			return k, nil
		}
		d.mu.Lock()
		d.why = err.Error()
		d.mu.Unlock()
		d.log.Warn("cannot resolve contracts yet; retrying", "err", err, "in", wait)
		d.sdStatus("waiting for chain: " + err.Error())
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(wait):
		}
		wait = min(wait*2, d.cfg.Chain.PollInterval.Duration)
	}
}

// buildFleet builds one keeper per configured orchestrator, in config
// order, sharing one Metrics, and a NonceBook per signing account that
// several of them share, and the Fleet that steps them, with its reader.
func (d *Daemon) buildFleet(addrs livepeer.Addresses) (*keeper.Fleet, *livepeer.FleetReader) {
	c := d.cfg
	orchs := c.Orchestrators()
	m := keeper.NewMetrics(d.reg)
	count := map[common.Address]int{}
	for _, s := range d.signers {
		if s != nil {
			count[s.Address()]++
		}
	}
	books := map[common.Address]*keeper.NonceBook{}
	keepers := make([]*keeper.Keeper, len(orchs))
	readers := make(keeper.Readers, len(orchs))
	for i, o := range orchs {
		orch := common.HexToAddress(o.Address)
		sg := d.signers[i]
		var accounts []common.Address
		var book *keeper.NonceBook
		if sg != nil {
			a := sg.Address()
			accounts = append(accounts, a)
			if count[a] > 1 {
				if books[a] == nil {
					books[a] = keeper.NewNonceBook()
				}
				book = books[a]
			}
		}
		kc := keeper.Config{
			Orchestrator: orch, ChainID: new(big.Int).SetUint64(c.ChainID),
			Observe: c.Reward.Mode == "observe", GraceBlocks: c.Reward.GraceBlocks,
			MaxFee: config.GweiToWei(c.Reward.MaxFeeGwei), StuckAfter: c.Reward.StuckAfter.Duration,
			InitEnabled: c.InitializeRound.Enabled, InitAfterBlocks: c.InitializeRound.AfterBlocks,
			InitWhenRewardDue: c.InitializeRound.WhenRewardDue,
			InitMaxFee:        config.GweiToWei(c.InitializeRound.MaxFeeGwei),
			PollInterval:      c.Chain.PollInterval.Duration, ActivePollInterval: c.Chain.ActivePollInterval.Duration,
		}
		if c.Reward.MaxPriorityFeeGwei > 0 {
			kc.MaxTip = config.GweiToWei(c.Reward.MaxPriorityFeeGwei)
		}
		readers[i] = livepeer.NewReader(d.reads, addrs, orch, accounts, nil)
		ko := keeper.Options{
			Chain: d.pool, Reader: readers[i], Signer: sg, Records: d.records(), Addrs: addrs,
			Logger: d.log, Metrics: m, Nonces: book,
		}
		if len(orchs) > 1 {
			ko.Logger = d.log.With("orchestrator", orch)
		}
		if d.ha != nil && d.ha.node != nil {
			ko.Standby = d.standby
		}
		keepers[i] = keeper.New(kc, ko)
	}
	// One read per tick for the whole fleet: every orchestrator at one
	// block, through Multicall3 where the chain has it (two requests
	// whatever the fleet's size), else batched eth_calls. Each snapshot
	// holds the balances of every signer of the fleet.
	orchAddrs := make([]common.Address, len(orchs))
	var signers []common.Address
	for i, o := range orchs {
		orchAddrs[i] = common.HexToAddress(o.Address)
		if sg := d.signers[i]; sg != nil {
			signers = append(signers, sg.Address())
		}
	}
	fr := livepeer.NewFleetReader(d.reads, addrs, orchAddrs, signers, nil, livepeer.FleetOptions{})
	return keeper.NewFleet(fr, keepers...), fr
}

// openSigners opens each orchestrator's signer: the top-level one (already
// in d.signer) for an entry without its own, an entry's own otherwise,
// each distinct configuration opened once.
func (d *Daemon) openSigners(ctx context.Context, cfg *config.Config, readOnly bool) error {
	type opened struct {
		cfg config.Signer
		s   keeper.TxSigner
	}
	var own []opened
	for i, o := range cfg.Orchestrators() {
		if !o.OwnSigner {
			d.signers = append(d.signers, d.signer)
			continue
		}
		var sg keeper.TxSigner
		for _, x := range own {
			if reflect.DeepEqual(x.cfg, o.Signer) {
				sg = x.s
			}
		}
		if sg == nil {
			s, err := signer.Open(ctx, o.Signer, new(big.Int).SetUint64(cfg.ChainID), readOnly)
			if err != nil {
				return config.SignerErrorAt(err, fmt.Sprintf("orchestrators[%d].signer", i))
			}
			sg = s
			own = append(own, opened{o.Signer, s})
		}
		d.signers = append(d.signers, sg)
	}
	return nil
}

// orchestratorsLine names the orchestrators kept, for systemd's status.
func (d *Daemon) orchestratorsLine() string {
	if n := len(d.cfg.Orchestrators()); n > 1 {
		return fmt.Sprintf("%d orchestrators (%s first)", n, d.orch.Hex())
	}
	return d.orch.Hex()
}

// Close releases the store and connections.
func (d *Daemon) Close() error {
	if d.rpcProbe != nil {
		d.rpcProbe.Close()
	}
	d.reads.Close()
	d.pool.Close()
	closed := map[keeper.TxSigner]bool{}
	for _, s := range append([]keeper.TxSigner{d.signer}, d.signers...) {
		if c, ok := s.(io.Closer); ok && !closed[s] {
			closed[s] = true
			c.Close()
		}
	}
	if d.ha != nil {
		d.ha.cli.Close()
	}
	if d.store == nil {
		return nil
	}
	return d.store.Close()
}

// Connect resolves the contracts once, without retrying, and returns the
// keeper (one-shot commands).
func (d *Daemon) Connect(ctx context.Context) (*keeper.Keeper, error) {
	addrs, err := livepeer.Resolve(ctx, d.pool, common.HexToAddress(d.cfg.Controller))
	if err != nil {
		return nil, err
	}
	f, fr := d.buildFleet(addrs)
	k := f.Keepers()[0]
	d.mu.Lock()
	d.keeper, d.fleet, d.fleetReader, d.addrs, d.why = k, f, fr, addrs, ""
	d.mu.Unlock()
	return k, nil
}

// Pool returns the endpoint pool.
func (d *Daemon) Pool() *chain.Pool { return d.pool }

func (d *Daemon) signerAddr() string {
	if d.signer == nil {
		return ""
	}
	return d.signer.Address().Hex()
}

// Fleet returns the fleet of keepers once the contracts are resolved.
func (d *Daemon) Fleet() *keeper.Fleet {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fleet
}

// Keeper returns the first orchestrator's keeper once the contracts are
// resolved (tests, demo, the probes).
func (d *Daemon) Keeper() *keeper.Keeper {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.keeper
}

// StatusDoc is the /api/v1/status document; see docs/api.md.
type StatusDoc struct {
	Version   string             `json:"version"`
	Time      time.Time          `json:"time"`
	Ready     bool               `json:"ready"`
	NotReady  string             `json:"not_ready_reason,omitempty"`
	ChainID   uint64             `json:"chain_id"`
	Contracts livepeer.Addresses `json:"contracts"`
	// Keeper is the first orchestrator's status (Keepers[0]), kept for
	// clients that read one.
	Keeper *keeper.Status `json:"keeper,omitempty"`
	// Keepers has one status per orchestrator, in config order.
	Keepers     []keeper.Status        `json:"keepers,omitempty"`
	Probes      []probe.Result         `json:"probes"`
	Remediation *remediate.Status      `json:"remediation,omitempty"`
	Endpoints   []chain.EndpointStatus `json:"endpoints"`
	Backup      *backup.Status         `json:"backup,omitempty"`
	// HA is this instance's view of the election (ha: in the config).
	HA *ha.Status `json:"ha,omitempty"`
}

// Status implements api.StatusSource.
func (d *Daemon) Status() any {
	ready, why := d.Ready()
	doc := StatusDoc{Version: d.version, Time: time.Now().UTC(), Ready: ready, NotReady: why, ChainID: d.cfg.ChainID, Endpoints: d.pool.Health(),
		HA: d.haStatus()}
	d.mu.Lock()
	k, f, addrs := d.keeper, d.fleet, d.addrs
	d.mu.Unlock()
	doc.Contracts = addrs
	if d.probes != nil {
		doc.Probes = d.probes.Results()
	}
	if d.remediator != nil {
		st := d.remediator.Status()
		doc.Remediation = &st
	}
	if k != nil {
		s := k.Status()
		doc.Keeper = &s
	}
	if f != nil {
		for _, k := range f.Keepers() {
			doc.Keepers = append(doc.Keepers, k.Status())
		}
	}
	if d.backups != nil {
		b := d.backups.Status()
		doc.Backup = &b
	}
	return doc
}

// Ready implements api.StatusSource.
func (d *Daemon) Ready() (bool, string) {
	d.mu.Lock()
	f, why := d.fleet, d.why
	d.mu.Unlock()
	if f == nil {
		return false, why
	}
	// Ready while every orchestrator's state reads: one that cannot be read
	// is a keeper that cannot act.
	for _, k := range f.Keepers() {
		if k.Ready() {
			continue
		}
		s := k.Status()
		who := ""
		if len(f.Keepers()) > 1 {
			who = " (orchestrator " + s.Orchestrator.Hex() + ")"
		}
		if s.LastError != "" {
			return false, "chain unreadable" + who + ": " + s.LastError
		}
		return false, "no chain read yet" + who
	}
	return true, ""
}

var _ api.OrchestratorRounds = (*Daemon)(nil)

// RoundsOf implements api.OrchestratorRounds: the newest n rounds of
// orchestrator o, one of the configured.
func (d *Daemon) RoundsOf(o common.Address, n int) (any, error) {
	var known []string
	at := -1
	for i, e := range d.cfg.Orchestrators() {
		known = append(known, strings.ToLower(e.Address))
		if common.HexToAddress(e.Address) == o {
			at = i
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("%s is %w (%s)", strings.ToLower(o.Hex()), api.ErrUnknownOrchestrator, strings.Join(known, ", "))
	}
	f := d.Fleet()
	if f == nil {
		return []any{}, nil
	}
	return f.Keepers()[at].History(n) // the keepers are in config order
}

// Rounds implements api.StatusSource.
func (d *Daemon) Rounds(n int) (any, error) {
	k := d.Keeper()
	if k == nil {
		return []any{}, nil
	}
	return k.History(n)
}
