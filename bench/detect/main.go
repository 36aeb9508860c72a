// Command detect measures how long lpops takes to tell the operator about a
// fault, per probe kind, and how many JSON-RPC requests per protocol round its
// probes add for one orchestrator.
//
//	go run ./bench/detect [-interval 10s] [-reps 3] [-block-time 250ms] [-max-lag 20] [-window 90s] [-v]
//
// One run starts the embedded devnet (in-process go-ethereum, JSON-RPC over
// HTTP on loopback), deploys the Livepeer test contracts, registers an
// orchestrator, runs the simulated go-livepeer node's CLI API
// (internal/devnet) and a webhook receiver that verifies lpops' HMAC
// signature. Three `lpops run` processes watch the same orchestrator:
//
//   - detect: two RPC endpoints, each behind a proxy that can freeze (hang
//     every request) or pin the head (serve an old block as the newest), the
//     node's CLI API, and the webhook channel. Each fault is injected reps
//     times; the time from the fault to the webhook notification is measured.
//   - load-on and load-off: one endpoint each behind a counting proxy, probes
//     at -interval and probes practically off (probes.interval 1000h: each
//     probe runs once at start, before counting begins). Their requests,
//     counted over the whole run, scaled to a real round (5760 L1 blocks of
//     12 s), give what the probes add.
//
// See bench/detect/README.md for the method and its limits.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testchain"
)

// A real protocol round: 5760 L1 blocks of 12 s (about 19.2 h).
const (
	realRoundLength = 5760
	l1BlockTime     = 12 * time.Second
	realRound       = realRoundLength * l1BlockTime
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// params are the run's settings.
type params struct {
	interval time.Duration
	// chainInterval and rpcInterval are the measured lpops' probes.chain_interval
	// and probes.rpc.interval (default: -interval, for latency); the load
	// lpops runs lpops' defaults (load*).
	chainInterval, rpcInterval                       time.Duration
	loadInterval, loadChainInterval, loadRPCInterval time.Duration
	blockTime                                        time.Duration
	reps                                             int
	maxLag                                           uint64
	pollInterval                                     time.Duration
	window                                           time.Duration
	verbose                                          bool
	lpopsBin                                         string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("detect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/detect [flags]")
		fmt.Fprintln(stderr, "Prints lpops' detection latency per probe kind (fault -> webhook) and the RPC requests per round its probes add.")
		fs.PrintDefaults()
	}
	var p params
	fs.DurationVar(&p.interval, "interval", 10*time.Second, "probes.interval of the measured lpops (the default is 10s)")
	fs.DurationVar(&p.chainInterval, "chain-interval", 0, "probes.chain_interval of the measured lpops (default: -interval)")
	fs.DurationVar(&p.rpcInterval, "rpc-interval", 0, "probes.rpc.interval of the measured lpops (default: -interval)")
	fs.DurationVar(&p.loadInterval, "load-interval", 10*time.Second, "probes.interval of the lpops whose RPC requests are counted (lpops' default)")
	fs.DurationVar(&p.loadChainInterval, "load-chain-interval", config.Default().Probes.ChainInterval.Duration, "probes.chain_interval of the counted lpops (lpops' default)")
	fs.DurationVar(&p.loadRPCInterval, "load-rpc-interval", 30*time.Second, "probes.rpc.interval of the counted lpops (lpops' default)")
	fs.DurationVar(&p.blockTime, "block-time", 250*time.Millisecond, "devnet block time (Arbitrum One: about 250ms)")
	fs.IntVar(&p.reps, "reps", 3, "injections of each fault")
	fs.Uint64Var(&p.maxLag, "max-lag", 20, "chain.max_lag_blocks of the measured lpops (the default is 100)")
	fs.DurationVar(&p.pollInterval, "poll-interval", 0, "chain.poll_interval of the measured lpops (default: -interval; lpops' default is 5m): rounds here start when the bench says, not when the keeper expects them")
	fs.DurationVar(&p.window, "window", 90*time.Second, "shortest window over which RPC requests are counted")
	fs.BoolVar(&p.verbose, "v", false, "keep the work directory (configs, lpops logs) and say where")
	fs.StringVar(&p.lpopsBin, "lpops", "", "lpops `binary` to run instead of building ./cmd/lpops")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if p.chainInterval == 0 {
		p.chainInterval = p.interval
	}
	if p.rpcInterval == 0 {
		p.rpcInterval = p.interval
	}
	if p.pollInterval == 0 {
		p.pollInterval = max(p.interval, time.Second)
	}
	switch {
	case p.interval < 100*time.Millisecond:
		fmt.Fprintln(stderr, "detect: -interval must be at least 100ms")
		return 2
	case p.reps < 1:
		fmt.Fprintln(stderr, "detect: -reps must be at least 1")
		return 2
	case p.blockTime < 10*time.Millisecond:
		fmt.Fprintln(stderr, "detect: -block-time must be at least 10ms")
		return 2
	case p.maxLag < 1:
		fmt.Fprintln(stderr, "detect: -max-lag must be at least 1")
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A deadline, so a fault lpops never reports cannot hang the bench.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute+time.Duration(p.reps*numFaults)*(8*p.interval+time.Minute))
	defer cancel()

	say := func(f string, a ...any) { fmt.Fprintf(stderr, "detect: "+f+"\n", a...) }
	res, err := measure(ctx, p, say)
	if err != nil {
		fmt.Fprintln(stderr, "detect:", err)
		return 1
	}
	report(stdout, p, res)
	return 0
}

// fault is one kind of fault: run injects it, returns the notification that
// reports it and the instant from which its latency counts, and clears it.
type fault struct {
	name string
	run  func(ctx context.Context) (n notice, from time.Time, err error)
}

// numFaults is len(b.faults()).
const numFaults = 10

// faults are the faults injected, in order; the slash comes last, as it
// takes the orchestrator out of the active set for good.
func (b *bench) faults() []fault {
	return []fault{
		{"node API down", b.nodeDown},
		{"RPC endpoint stale", b.endpointStale},
		{"chain unreadable", b.chainUnreadable},
		{"balance under threshold", b.balanceLow},
		{"stake event (bond)", b.bond},
		{"reward not called", b.rewardNotCalled},
		{"node reward errors", b.nodeRewardErrors},
		{"tx stuck in the pool", b.txStuck},
		{"service /healthz down", b.serviceDown},
		{"slash", b.slash},
	}
}

// The detect lpops' reward.grace_blocks and probes.rpc.max_pending_blocks:
// lpops' defaults.
const (
	graceBlocks      = 20
	maxPendingBlocks = 20
)

// kindResult is what the repetitions of one kind measured.
type kindResult struct {
	name   string
	lat    []time.Duration
	alerts map[string]int
	errs   []string
}

type result struct {
	kinds       []*kindResult
	on, off     rpcproxy.Counts
	window      time.Duration
	blocks      uint64
	badRequests int
}

// bench is the running setup.
type bench struct {
	p     params
	say   func(string, ...any)
	eth   *ethclient.Client
	dep   *testchain.Deployment
	owner *ecdsa.PrivateKey
	orch  *ecdsa.PrivateKey
	deleg *ecdsa.PrivateKey
	node  *cliServer
	// rewardOn makes the simulated node call reward in the rounds that
	// begin while it is set; its reward call always fails.
	rewardOn     atomic.Bool
	rewardFailed chan time.Time // when the node's reward call failed
	service      *serviceServer
	hook         *hook
	primA        *rpcproxy.Proxy // the detect lpops' endpoints
	primB        *rpcproxy.Proxy
	waitTo       time.Duration
}

func measure(ctx context.Context, p params, say func(string, ...any)) (*result, error) {
	dir, err := os.MkdirTemp("", "detect-")
	if err != nil {
		return nil, err
	}
	if !p.verbose {
		defer os.RemoveAll(dir)
	}
	bin := p.lpopsBin
	if bin == "" {
		say("building ./cmd/lpops")
		if bin, err = benchkit.BuildLpops(ctx, dir); err != nil {
			return nil, err
		}
	}

	// The devnet, the contracts, a registered orchestrator and a delegator.
	owner, orch, deleg, initer := benchkit.NewKey(), benchkit.NewKey(), benchkit.NewKey(), benchkit.NewKey()
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	ch, err := devnet.StartChain(types.GenesisAlloc{
		crypto.PubkeyToAddress(owner.PublicKey):  {Balance: eth(10000)},
		crypto.PubkeyToAddress(orch.PublicKey):   {Balance: eth(100)},
		crypto.PubkeyToAddress(deleg.PublicKey):  {Balance: eth(10)},
		crypto.PubkeyToAddress(initer.PublicKey): {Balance: eth(10)},
	}, p.blockTime)
	if err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	defer ch.Close()
	// No round ends during the run: the faults are not about the reward duty.
	dep, err := testchain.Deploy(ctx, ch.Backend.Client(), owner, testchain.Params{RoundLength: 1_000_000, LIP118: true})
	if err != nil {
		return nil, fmt.Errorf("deploy contracts: %w", err)
	}
	dep.PollInterval = 10 * time.Millisecond
	if err := dep.RegisterOrchestrator(ctx, owner, orch, eth(10000), 100000, 500000); err != nil {
		return nil, err
	}
	if _, err := dep.MintLPT(ctx, owner, crypto.PubkeyToAddress(deleg.PublicKey), eth(1000)); err != nil {
		return nil, err
	}
	say("devnet at %s (a block every %s): contracts deployed, orchestrator %s registered", ch.URL, p.blockTime, crypto.PubkeyToAddress(orch.PublicKey))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rc, err := rpc.DialContext(ctx, ch.URL)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := &bench{p: p, say: say, eth: ethclient.NewClient(rc), dep: dep, owner: owner, orch: orch, deleg: deleg,
		waitTo: 4*max(p.interval, p.chainInterval, p.rpcInterval, p.pollInterval) + time.Minute, rewardFailed: make(chan time.Time, 16)}

	// The go-livepeer node's CLI API, simulated (documented wire format).
	caller := livepeer.RPCCaller{C: rc}
	addrs, err := livepeer.Resolve(ctx, caller, dep.Controller)
	if err != nil {
		return nil, err
	}
	orchAddr := crypto.PubkeyToAddress(orch.PublicKey)
	// The node initializes rounds from its own account, so that its
	// transactions never race the bench's.
	node := devnet.NewNode(livepeer.NewReader(caller, addrs, orchAddr, nil, nil), nodeDuties{dep, initer},
		orchAddr, devnet.ChainID, func(uint64) bool { return b.rewardOn.Load() }, slog.New(slog.DiscardHandler))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { _ = node.Run(ctx, 200*time.Millisecond) })
	wg.Go(func() {
		for {
			select {
			case ev := <-node.Events():
				if ev.Action == "reward failed" {
					select {
					case b.rewardFailed <- time.Now():
					default:
					}
				}
			case <-ctx.Done():
				return
			}
		}
	})
	if b.node, err = serveCLI(node.Handler()); err != nil {
		return nil, err
	}
	defer b.node.stop()
	// The node's public service port (TLS, self-signed): /healthz.
	b.service = newServiceServer()
	defer b.service.Close()

	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	secret = []byte(hex.EncodeToString(secret))
	secretFile := filepath.Join(dir, "hook-secret")
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		return nil, err
	}
	if b.hook, err = newHook(secret); err != nil {
		return nil, err
	}
	defer b.hook.Close()

	var never, counting atomic.Bool
	proxies := map[string]*rpcproxy.Proxy{}
	for _, name := range []string{"a", "b", "on", "off"} {
		c := &never
		if name == "on" || name == "off" {
			c = &counting
		}
		px, err := rpcproxy.New(ch.URL, c)
		if err != nil {
			return nil, err
		}
		defer px.Close()
		proxies[name] = px
	}
	b.primA, b.primB = proxies["a"], proxies["b"]

	// The three lpops.
	type inst struct {
		name string
		cfg  lpopsConfig
	}
	base := lpopsConfig{Controller: dep.Controller, Orchestrator: orchAddr, NodeURL: b.node.URL()}
	detectCfg, onCfg, offCfg := base, base, base
	detectCfg.RPC = []endpoint{{"a", proxies["a"].URL}, {"b", proxies["b"].URL}}
	detectCfg.ProbeInterval, detectCfg.MaxLagBlocks, detectCfg.WarnETH = p.interval, p.maxLag, 50
	detectCfg.ChainInterval, detectCfg.RPCInterval = p.chainInterval, p.rpcInterval
	detectCfg.Hook, detectCfg.SecretFile = b.hook.URL, secretFile
	detectCfg.PollInterval = p.pollInterval
	detectCfg.MetricsURL, detectCfg.ServiceURL = b.node.URL()+"/metrics", b.service.URL
	onCfg.RPC, onCfg.ProbeInterval = []endpoint{{"devnet", proxies["on"].URL}}, p.loadInterval
	onCfg.ChainInterval, onCfg.RPCInterval = p.loadChainInterval, p.loadRPCInterval
	offCfg.RPC, offCfg.ProbeInterval = []endpoint{{"devnet", proxies["off"].URL}}, 1000*time.Hour
	offCfg.ChainInterval, offCfg.RPCInterval = 1000*time.Hour, 1000*time.Hour
	for _, in := range []inst{{"detect", detectCfg}, {"load-on", onCfg}, {"load-off", offCfg}} {
		in.cfg.StateDir = filepath.Join(dir, in.name+"-state")
		cfgPath := filepath.Join(dir, in.name+".yaml")
		if err := writeConfig(cfgPath, in.cfg); err != nil {
			return nil, err
		}
		lp, err := benchkit.StartLpops(ctx, bin, cfgPath, filepath.Join(dir, in.name+".log"))
		if err != nil {
			return nil, err
		}
		defer lp.Stop()
		if err := waitReady(ctx, lp.API); err != nil {
			return nil, fmt.Errorf("lpops %s: %w (log %s)", in.name, err, lp.LogPath)
		}
		if p.verbose {
			say("lpops %s: API http://%s, config %s, log %s", in.name, lp.API, cfgPath, lp.LogPath)
		}
	}

	// Counting starts once every probe of load-on has run twice and
	// load-off's have run their one time.
	select {
	case <-time.After(2*p.interval + 2*time.Second):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	res := &result{}
	h0, err := b.eth.BlockNumber(ctx)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	counting.Store(true)
	say("counting RPC requests of load-on and load-off; injecting faults (probes.interval %s)", p.interval)

	for _, k := range b.faults() {
		kr := &kindResult{name: k.name, alerts: map[string]int{}}
		res.kinds = append(res.kinds, kr)
		for rep := 1; rep <= p.reps; rep++ {
			// Each repetition ends on a notification, right after a probe
			// run: wait a random part of an interval so that the fault
			// lands anywhere in the probe's cycle.
			select {
			case <-time.After(mrand.N(p.interval)):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			n, from, err := k.run(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				kr.errs = append(kr.errs, err.Error())
				say("%s #%d: %v", k.name, rep, err)
				continue
			}
			lat := n.received.Sub(from)
			kr.lat = append(kr.lat, lat)
			kr.alerts[n.Alertname]++
			say("%s #%d: %s after %s", k.name, rep, n.Alertname, lat.Round(time.Millisecond))
		}
	}

	if rest := p.window - time.Since(t0); rest > 0 {
		say("counting %s more to fill the %s window", rest.Round(time.Second), p.window)
		select {
		case <-time.After(rest):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	counting.Store(false)
	res.window = time.Since(t0)
	h1, err := b.eth.BlockNumber(ctx)
	if err != nil {
		return nil, err
	}
	res.blocks = h1 - h0
	res.on, res.off = proxies["on"].Counts(), proxies["off"].Counts()
	res.badRequests = b.hook.Bad()
	if p.verbose {
		say("work directory kept: %s", dir)
	}
	return res, nil
}

// ---------------------------------------------------------------- faults

// nodeDown closes the node's CLI API; NodeDown. Cleared by serving again.
func (b *bench) nodeDown(ctx context.Context) (notice, time.Time, error) {
	t0 := time.Now()
	b.node.stop()
	n, err := b.hook.wait(ctx, t0, b.waitTo, firing("NodeDown"))
	if rerr := b.node.start(); rerr != nil {
		return n, t0, rerr
	}
	if err != nil {
		return n, t0, fmt.Errorf("NodeDown: %w", err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, t0, fmt.Errorf("NodeDown resolved: %w", err)
	}
	return n, t0, nil
}

// endpointStale pins endpoint b's head; RPCEndpointLagging. The latency
// counts from the moment the chain got more than max_lag_blocks ahead of
// the pinned head, when the condition became true.
func (b *bench) endpointStale(ctx context.Context) (notice, time.Time, error) {
	h, err := b.eth.BlockNumber(ctx)
	if err != nil {
		return notice{}, time.Time{}, err
	}
	tPin := time.Now()
	b.primB.Pin(h)
	defer b.primB.Unpin()
	var crossed time.Time
	for crossed.IsZero() {
		n, err := b.eth.BlockNumber(ctx)
		if err != nil {
			return notice{}, time.Time{}, err
		}
		if n > h+b.p.maxLag {
			crossed = time.Now()
			break
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
			return notice{}, time.Time{}, ctx.Err()
		}
	}
	n, err := b.hook.wait(ctx, tPin, b.waitTo, firing("RPCEndpointLagging", "endpoint", "b"))
	if err != nil {
		return n, crossed, fmt.Errorf("RPCEndpointLagging: %w", err)
	}
	b.primB.Unpin()
	if _, err := b.hook.wait(ctx, tPin, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, crossed, fmt.Errorf("RPCEndpointLagging resolved: %w", err)
	}
	return n, crossed, nil
}

// chainUnreadable freezes both endpoints; ChainUnavailable (the RPC probe)
// or ChainUnreadable (the keeper's reads), whichever is notified first.
func (b *bench) chainUnreadable(ctx context.Context) (notice, time.Time, error) {
	t0 := time.Now()
	b.primA.Freeze()
	b.primB.Freeze()
	n, err := b.hook.wait(ctx, t0, b.waitTo, func(n notice) bool {
		return firing("ChainUnavailable")(n) || firing("ChainUnreadable")(n)
	})
	b.primA.Unfreeze()
	b.primB.Unfreeze()
	if err != nil {
		return n, t0, fmt.Errorf("ChainUnavailable/ChainUnreadable: %w", err)
	}
	// Every chain alert notified since t0 resolves before the next fault.
	for _, name := range []string{"ChainUnavailable", "ChainUnreadable"} {
		b.hook.mu.Lock()
		var fps []string
		for _, x := range b.hook.got {
			if !x.received.Before(t0) && firing(name)(x) {
				fps = append(fps, x.Fingerprint)
			}
		}
		b.hook.mu.Unlock()
		for _, fp := range fps {
			if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(fp)); err != nil {
				return n, t0, fmt.Errorf("%s resolved: %w", name, err)
			}
		}
	}
	return n, t0, nil
}

// balanceLow moves 60 of the orchestrator's 100 ETH away, under warn_eth 50;
// BalanceLow. The latency counts from the transfer's receipt. Cleared by
// moving them back.
func (b *bench) balanceLow(ctx context.Context) (notice, time.Time, error) {
	amount := new(big.Int).Mul(big.NewInt(60), big.NewInt(1e18))
	if _, err := b.dep.FundETH(ctx, b.orch, crypto.PubkeyToAddress(b.owner.PublicKey), amount); err != nil {
		return notice{}, time.Time{}, err
	}
	t0 := time.Now()
	n, err := b.hook.wait(ctx, t0.Add(-time.Second), b.waitTo, firing("BalanceLow", "account", "orchestrator"))
	if _, ferr := b.dep.FundETH(ctx, b.owner, crypto.PubkeyToAddress(b.orch.PublicKey), amount); ferr != nil {
		return n, t0, ferr
	}
	if err != nil {
		return n, t0, fmt.Errorf("BalanceLow: %w", err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, t0, fmt.Errorf("BalanceLow resolved: %w", err)
	}
	return n, t0, nil
}

// bond bonds 10 LPT of the delegator to the orchestrator; StakeChanged. The
// latency counts from the bond's receipt and includes the
// probes.stake.confirmations blocks lpops waits.
func (b *bench) bond(ctx context.Context) (notice, time.Time, error) {
	r, err := b.dep.Bond(ctx, b.deleg, crypto.PubkeyToAddress(b.orch.PublicKey), new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)))
	if err != nil {
		return notice{}, time.Time{}, err
	}
	t0 := time.Now()
	n, err := b.hook.wait(ctx, t0.Add(-time.Second), b.waitTo, firing("StakeChanged", "tx", r.TxHash.Hex()))
	if err != nil {
		return n, t0, fmt.Errorf("StakeChanged: %w", err)
	}
	return n, t0, nil
}

// slash slashes 1 % of the orchestrator's bond; OrchestratorSlashed, counted
// like bond.
func (b *bench) slash(ctx context.Context) (notice, time.Time, error) {
	r, err := b.dep.Slash(ctx, b.owner, crypto.PubkeyToAddress(b.orch.PublicKey), common.Address{}, 10000, 0)
	if err != nil {
		return notice{}, time.Time{}, err
	}
	t0 := time.Now()
	n, err := b.hook.wait(ctx, t0.Add(-time.Second), b.waitTo, firing("OrchestratorSlashed", "tx", r.TxHash.Hex()))
	if err != nil {
		return n, t0, fmt.Errorf("OrchestratorSlashed: %w", err)
	}
	return n, t0, nil
}

// newRound starts a round now: the round length is set to the blocks since
// the current round began, plus one, so that the next block is in a new
// round, and then back to a million blocks, so that no other round begins.
// The simulated node initializes it. It returns the round and its first
// block.
func (b *bench) newRound(ctx context.Context) (round, start uint64, err error) {
	s, err := b.dep.RoundStartBlock(ctx)
	if err != nil {
		return 0, 0, err
	}
	n, err := b.dep.BlockNum(ctx)
	if err != nil {
		return 0, 0, err
	}
	if _, err := b.dep.SetRoundLength(ctx, b.owner, n-s+1); err != nil {
		return 0, 0, err
	}
	if _, err := b.dep.SetRoundLength(ctx, b.owner, 1_000_000); err != nil {
		return 0, 0, err
	}
	if round, err = b.dep.CurrentRound(ctx); err != nil {
		return 0, 0, err
	}
	if start, err = b.dep.RoundStartBlock(ctx); err != nil {
		return 0, 0, err
	}
	return round, start, nil
}

// untilBlock waits until blockNum() reaches n and returns when it did.
func (b *bench) untilBlock(ctx context.Context, n uint64) (time.Time, error) {
	for {
		cur, err := b.dep.BlockNum(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if cur >= n {
			return time.Now(), nil
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

// rewardNotCalled starts a round in which the orchestrator is active and
// the node does not call reward; RewardNotCalled. The latency counts from
// the block that ends the grace window (reward.grace_blocks, 20), when the
// condition became true. Cleared by the orchestrator rewarding.
func (b *bench) rewardNotCalled(ctx context.Context) (notice, time.Time, error) {
	t0 := time.Now()
	round, start, err := b.newRound(ctx)
	if err != nil {
		return notice{}, t0, err
	}
	crossed, err := b.untilBlock(ctx, start+graceBlocks)
	if err != nil {
		return notice{}, t0, err
	}
	n, err := b.hook.wait(ctx, t0, b.waitTo, firing("RewardNotCalled"))
	if rerr := b.rewardNow(ctx); rerr != nil {
		return n, crossed, rerr
	}
	if err != nil {
		return n, crossed, fmt.Errorf("RewardNotCalled in round %d: %w", round, err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, crossed, fmt.Errorf("RewardNotCalled resolved: %w", err)
	}
	return n, crossed, nil
}

// rewardNow rewards the current round from the orchestrator's account.
func (b *bench) rewardNow(ctx context.Context) error {
	if err := b.dep.EnsureRoundInitialized(ctx, b.owner); err != nil {
		return err
	}
	_, err := b.dep.Reward(ctx, b.orch)
	return err
}

// nodeRewardErrors starts a round in which the node calls reward and fails
// (livepeer_reward_call_errors rises on its -monitor /metrics);
// NodeRewardErrors. The latency counts from the failure. Cleared by the
// orchestrator rewarding.
func (b *bench) nodeRewardErrors(ctx context.Context) (notice, time.Time, error) {
	for len(b.rewardFailed) > 0 {
		<-b.rewardFailed
	}
	t0 := time.Now()
	b.rewardOn.Store(true)
	_, _, err := b.newRound(ctx)
	if err != nil {
		b.rewardOn.Store(false)
		return notice{}, t0, err
	}
	var failed time.Time
	select {
	case failed = <-b.rewardFailed:
	case <-time.After(b.waitTo):
		b.rewardOn.Store(false)
		return notice{}, t0, errors.New("the node never called reward")
	case <-ctx.Done():
		return notice{}, t0, ctx.Err()
	}
	b.rewardOn.Store(false)
	n, err := b.hook.wait(ctx, t0, b.waitTo, firing("NodeRewardErrors"))
	if rerr := b.rewardNow(ctx); rerr != nil {
		return n, failed, rerr
	}
	if err != nil {
		return n, failed, fmt.Errorf("NodeRewardErrors: %w", err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, failed, fmt.Errorf("NodeRewardErrors resolved: %w", err)
	}
	return n, failed, nil
}

// txStuck leaves a transaction of the orchestrator's account in the pool,
// its fee cap under the base fee, while blocks go by; TxStuck for the
// orchestrator (lpops in observe mode watches it). The latency counts from
// the block that makes it pending for more than max_pending_blocks (20).
// Cleared by replacing it with a transaction that pays.
func (b *bench) txStuck(ctx context.Context) (notice, time.Time, error) {
	from := crypto.PubkeyToAddress(b.orch.PublicKey)
	nonce, err := b.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return notice{}, time.Time{}, err
	}
	h0, err := b.eth.BlockNumber(ctx)
	if err != nil {
		return notice{}, time.Time{}, err
	}
	t0 := time.Now()
	if err := b.sendTransfer(ctx, nonce, big.NewInt(1)); err != nil {
		return notice{}, t0, fmt.Errorf("send the stuck transaction: %w", err)
	}
	crossed, err := b.untilBlock(ctx, h0+maxPendingBlocks+1)
	if err != nil {
		return notice{}, t0, err
	}
	n, err := b.hook.wait(ctx, t0, b.waitTo, firing("TxStuck", "account", strings.ToLower(from.Hex())))
	if rerr := b.sendTransfer(ctx, nonce, big.NewInt(100e9)); rerr != nil {
		return n, crossed, fmt.Errorf("replace the stuck transaction: %w", rerr)
	}
	if err != nil {
		return n, crossed, fmt.Errorf("TxStuck: %w", err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, crossed, fmt.Errorf("TxStuck resolved: %w", err)
	}
	return n, crossed, nil
}

// sendTransfer sends 1 wei from the orchestrator to the owner with the given
// nonce and fee cap (a tip of 1 wei, or 2 gwei when the cap allows it).
func (b *bench) sendTransfer(ctx context.Context, nonce uint64, feeCap *big.Int) error {
	tip := big.NewInt(1)
	if feeCap.Cmp(big.NewInt(2e9)) > 0 {
		tip = big.NewInt(2e9)
	}
	to := crypto.PubkeyToAddress(b.owner.PublicKey)
	tx, err := types.SignNewTx(b.orch, types.LatestSignerForChainID(devnet.ChainIDBig()), &types.DynamicFeeTx{
		ChainID: devnet.ChainIDBig(), Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: big.NewInt(1)})
	if err != nil {
		return err
	}
	return b.eth.SendTransaction(ctx, tx)
}

// serviceDown makes the public service port's /healthz answer 503;
// NodeServiceDown. Cleared by answering 200 again.
func (b *bench) serviceDown(ctx context.Context) (notice, time.Time, error) {
	t0 := time.Now()
	b.service.down.Store(true)
	n, err := b.hook.wait(ctx, t0, b.waitTo, firing("NodeServiceDown"))
	b.service.down.Store(false)
	if err != nil {
		return n, t0, fmt.Errorf("NodeServiceDown: %w", err)
	}
	if _, err := b.hook.wait(ctx, t0, b.waitTo, resolved(n.Fingerprint)); err != nil {
		return n, t0, fmt.Errorf("NodeServiceDown resolved: %w", err)
	}
	return n, t0, nil
}

// ---------------------------------------------------------------- report

func report(w io.Writer, p params, r *result) {
	say := func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) }
	say("detect: probes.interval %s (chain_interval %s, rpc.interval %s for latency), chain.poll_interval %s, devnet block every %s, chain.max_lag_blocks %d, probes.accounts.warn_eth 50, other settings lpops' defaults (probes.stake.confirmations 5, reward.grace_blocks 20, probes.rpc.max_pending_blocks 20, chain.request_timeout 10s, node.timeout 5s); %d injections per fault",
		p.interval, p.chainInterval, p.rpcInterval, p.pollInterval, p.blockTime, p.maxLag, p.reps)
	say("")
	say("%-24s %-34s %9s %9s  %s", "fault", "notified as", "median", "max", "each")
	for _, k := range r.kinds {
		var names []string
		for n, c := range k.alerts {
			names = append(names, fmt.Sprintf("%s x%d", n, c))
		}
		sort.Strings(names)
		each := make([]string, len(k.lat))
		for i, l := range k.lat {
			each[i] = secs(l)
		}
		med, mx := "-", "-"
		if len(k.lat) > 0 {
			med, mx = secs(median(k.lat)), secs(slicesMax(k.lat))
		}
		say("%-24s %-34s %9s %9s  %s", k.name, strings.Join(names, ", "), med, mx, strings.Join(each, " "))
		for _, e := range k.errs {
			say("  failed: %s", e)
		}
	}
	say("latency: fault injected (CLI API closed, endpoint frozen, transaction mined, node's reward call failed, /healthz 503; for the stale endpoint: its head more than max_lag_blocks behind; reward not called: the grace window over; tx stuck: pending more than max_pending_blocks) -> signed webhook notification received")
	say("")

	scale := float64(realRound) / float64(r.window)
	per := func(v int) float64 { return float64(v) * scale }
	say("RPC requests per round (%d L1 blocks x %s = %s), one orchestrator, one RPC endpoint, measured over %s (%d devnet blocks):",
		realRoundLength, l1BlockTime, realRound, r.window.Round(time.Second), r.blocks)
	say("%-34s %16s %17s", "", "http req/round", "rpc calls/round")
	say("%-34s %16s %17s", "probes off", benchkit.Num(per(r.off.HTTP)), benchkit.Num(per(r.off.Calls)))
	say("%-34s %16s %17s", fmt.Sprintf("probes on (%s/%s/%s)", p.loadInterval, p.loadChainInterval, p.loadRPCInterval), benchkit.Num(per(r.on.HTTP)), benchkit.Num(per(r.on.Calls)))
	say("  (probes on: probes.interval / chain_interval / rpc.interval)")
	say("%-34s %16s %17s", "added by the probes", benchkit.Num(per(r.on.HTTP-r.off.HTTP)), benchkit.Num(per(r.on.Calls-r.off.Calls)))
	say("")
	say("http requests per round by content, probes on (probes off in brackets):")
	for _, kv := range benchkit.SortedCounts(r.on.Shapes) {
		say("  %-80s %8s  (%s)", kv.K, benchkit.Num(per(kv.V)), benchkit.Num(per(r.off.Shapes[kv.K])))
	}
	for _, kv := range benchkit.SortedCounts(r.off.Shapes) {
		if _, ok := r.on.Shapes[kv.K]; !ok {
			say("  %-80s %8s  (%s)", kv.K, "0", benchkit.Num(per(kv.V)))
		}
	}
	if r.badRequests > 0 {
		say("")
		say("WARNING: %d webhook requests failed signature or body verification", r.badRequests)
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func slicesMax(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// ---------------------------------------------------------------- helpers

// waitReady polls lpops' status until it has read the chain and added its
// chain probes.
func waitReady(ctx context.Context, api string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		var s struct {
			Ready  bool `json:"ready"`
			Probes []struct {
				Probe string `json:"probe"`
			} `json:"probes"`
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+api+"/api/v1/status", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			err = json.NewDecoder(resp.Body).Decode(&s)
			resp.Body.Close()
			if err == nil && s.Ready {
				for _, pr := range s.Probes {
					if pr.Probe == "stake" {
						return nil
					}
				}
			}
		}
		if time.Now().After(deadline) {
			return errors.New("not ready after a minute")
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// cliServer serves the simulated node's CLI API and can stop and start it
// again on the same address, as a node that goes down and comes back.
type cliServer struct {
	h    http.Handler
	addr string
	mu   sync.Mutex
	srv  *http.Server
}

func serveCLI(h http.Handler) (*cliServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &cliServer{h: h, addr: ln.Addr().String()}
	s.serve(ln)
	return s, nil
}

func (s *cliServer) URL() string { return "http://" + s.addr }

func (s *cliServer) serve(ln net.Listener) {
	srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 5 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (s *cliServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

func (s *cliServer) start() error {
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			s.serve(ln)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("serve the node's CLI API again on %s: %w", s.addr, err)
}

// serviceServer is the node's public service port: TLS with a self-signed
// certificate, /healthz answering 200, or 503 while down.
type serviceServer struct {
	*httptest.Server
	down atomic.Bool
}

func newServiceServer() *serviceServer {
	s := &serviceServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		if s.down.Load() {
			http.Error(w, "unhealthy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	return s
}

// nodeDuties would send the simulated node's transactions: it initializes
// rounds, and its reward call fails (the bench rewards itself).
type nodeDuties struct {
	dep *testchain.Deployment
	key *ecdsa.PrivateKey
}

func (n nodeDuties) InitializeRound(ctx context.Context) error {
	return n.dep.EnsureRoundInitialized(ctx, n.key)
}

func (n nodeDuties) Reward(context.Context) error {
	return errors.New("the bench's node does not call reward")
}
