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
	fs.DurationVar(&p.loadChainInterval, "load-chain-interval", 2*time.Minute, "probes.chain_interval of the counted lpops (lpops' default)")
	fs.DurationVar(&p.loadRPCInterval, "load-rpc-interval", 30*time.Second, "probes.rpc.interval of the counted lpops (lpops' default)")
	fs.DurationVar(&p.blockTime, "block-time", 250*time.Millisecond, "devnet block time (Arbitrum One: about 250ms)")
	fs.IntVar(&p.reps, "reps", 3, "injections of each fault")
	fs.Uint64Var(&p.maxLag, "max-lag", 20, "chain.max_lag_blocks of the measured lpops (the default is 100)")
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
const numFaults = 6

// faults are the faults injected, in order; the slash comes last, as it
// takes the orchestrator out of the active set for good.
func (b *bench) faults() []fault {
	return []fault{
		{"node API down", b.nodeDown},
		{"RPC endpoint stale", b.endpointStale},
		{"chain unreadable", b.chainUnreadable},
		{"balance under threshold", b.balanceLow},
		{"stake event (bond)", b.bond},
		{"slash", b.slash},
	}
}

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
	p      params
	say    func(string, ...any)
	eth    *ethclient.Client
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey
	orch   *ecdsa.PrivateKey
	deleg  *ecdsa.PrivateKey
	node   *cliServer
	hook   *hook
	primA  *rpcproxy.Proxy // the detect lpops' endpoints
	primB  *rpcproxy.Proxy
	waitTo time.Duration
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
	owner, orch, deleg := benchkit.NewKey(), benchkit.NewKey(), benchkit.NewKey()
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	ch, err := devnet.StartChain(types.GenesisAlloc{
		crypto.PubkeyToAddress(owner.PublicKey): {Balance: eth(10000)},
		crypto.PubkeyToAddress(orch.PublicKey):  {Balance: eth(100)},
		crypto.PubkeyToAddress(deleg.PublicKey): {Balance: eth(10)},
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
		waitTo: 4*max(p.interval, p.chainInterval, p.rpcInterval) + time.Minute}

	// The go-livepeer node's CLI API, simulated (documented wire format).
	caller := livepeer.RPCCaller{C: rc}
	addrs, err := livepeer.Resolve(ctx, caller, dep.Controller)
	if err != nil {
		return nil, err
	}
	orchAddr := crypto.PubkeyToAddress(orch.PublicKey)
	node := devnet.NewNode(livepeer.NewReader(caller, addrs, orchAddr, nil, nil), nodeDuties{dep, owner},
		orchAddr, devnet.ChainID, func(uint64) bool { return false }, slog.New(slog.DiscardHandler))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { _ = node.Run(ctx, 200*time.Millisecond) })
	if b.node, err = serveCLI(node.Handler()); err != nil {
		return nil, err
	}
	defer b.node.stop()

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

// ---------------------------------------------------------------- report

func report(w io.Writer, p params, r *result) {
	say := func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) }
	say("detect: probes.interval %s (chain_interval %s, rpc.interval %s for latency), devnet block every %s, chain.max_lag_blocks %d, probes.accounts.warn_eth 50, other settings lpops' defaults (probes.stake.confirmations 5, chain.request_timeout 10s, node.timeout 5s); %d injections per fault",
		p.interval, p.chainInterval, p.rpcInterval, p.blockTime, p.maxLag, p.reps)
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
	say("latency: fault injected (CLI API closed, endpoint frozen, transaction mined; for the stale endpoint: its head more than max_lag_blocks behind) -> signed webhook notification received")
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

// nodeDuties would send the simulated node's transactions; its reward
// service is off and no round ends during the run.
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
