// Command rpcload measures what lpops costs an RPC provider and its host in
// steady state, for one orchestrator: JSON-RPC requests per protocol round,
// side by side in the same run with a go-livepeer-style 5 s poller reading the
// same state, and lpops' RSS and CPU while idle.
//
//	go run ./bench/rpcload [-scale 200] [-round-length 576] [-rounds 2] [-v] [-compare BIN]
//	go run ./bench/rpcload -orchestrators 1,10,100 [-scale 200] [-rounds 2] [-v]
//
// One run starts the embedded devnet (in-process go-ethereum, JSON-RPC over
// HTTP on loopback), deploys the test contracts, registers an orchestrator
// and runs a node stand-in that initializes every round and calls reward
// itself, so lpops only watches. lpops runs as a separate process (`lpops run`
// in observe mode) behind one counting proxy, the poller behind another.
//
// Time is compressed by the scale factor S: a block is mined every 12 s / S,
// the poller ticks every 5 s / S, and every lpops interval is its default
// divided by S, so each side does in one wall second what it would do in S
// seconds, and requests per round keep their real ratio. See bench/README.md.
//
// With -compare, a second lpops binary (another build, such as main before a
// change) runs beside the first against the same devnet, behind a third
// counting proxy, so a before/after is measured over the same blocks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testchain"
)

// The real cadences the bench compresses.
const (
	// l1BlockTime is the time per RoundsManager.blockNum() block: rounds are
	// counted in L1 blocks, also on Arbitrum.
	l1BlockTime = 12 * time.Second
	// realRoundLength is the Arbitrum round length in L1 blocks (about 19.2 h).
	realRoundLength = 5760
	// goLivepeerPoll is go-livepeer's -blockPollingInterval default.
	goLivepeerPoll = 5 * time.Second
	// goalShare and goalRSS are the targets from the issue.
	goalShare = 0.05
	goalRSS   = 40e6
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// params are the run's settings, real cadences divided by the scale.
type params struct {
	scale       float64
	roundLength uint64
	rounds      int
	verbose     bool
	lpopsBin    string
	compareBin  string

	blockTime, pollerEvery                          time.Duration
	lpopsPoll, lpopsActive, lpopsHealth, lpopsStuck time.Duration
	// The probes' intervals (probes.interval, chain_interval, rpc.interval),
	// scaled like the keeper's: the probes' requests count as lpops' too.
	probeInterval, probeChain, probeRPC time.Duration
	grace                               uint64
}

func newParams(scale float64, roundLength uint64, rounds int) params {
	def := config.Default()
	s := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale) }
	return params{
		scale: scale, roundLength: roundLength, rounds: rounds,
		blockTime: s(l1BlockTime), pollerEvery: s(goLivepeerPoll),
		lpopsPoll: s(def.Chain.PollInterval.Duration), lpopsActive: s(def.Chain.ActivePollInterval.Duration),
		lpopsHealth: s(def.Chain.HealthInterval.Duration), lpopsStuck: s(def.Reward.StuckAfter.Duration),
		probeInterval: s(def.Probes.Interval.Duration), probeChain: s(def.Probes.ChainInterval.Duration),
		probeRPC: s(def.Probes.RPC.Interval.Duration),
		grace:    def.Reward.GraceBlocks,
	}
}

// roundTime is the wall time of one round at the target block time.
func (p params) roundTime() time.Duration { return time.Duration(p.roundLength) * p.blockTime }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rpcload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/rpcload [flags]")
		fmt.Fprintln(stderr, "Prints lpops' JSON-RPC requests per round next to a go-livepeer-style 5 s poller's, and lpops' idle RSS and CPU.")
		fs.PrintDefaults()
	}
	scale := fs.Float64("scale", 200, "time compression `S`: blocks every 12s/S, poller every 5s/S, lpops intervals divided by S")
	roundLength := fs.Uint64("round-length", 576, "round length in `blocks` (Arbitrum: 5760)")
	rounds := fs.Int("rounds", 2, "full rounds to measure, after one warm-up round")
	verbose := fs.Bool("v", false, "show progress, the node's actions and lpops' log path (kept)")
	lpopsBin := fs.String("lpops", "", "lpops `binary` to run instead of building ./cmd/lpops")
	fleet := fs.String("orchestrators", "", "fleet `sizes`, comma-separated (say 1,10,100): one lpops per size side by side, each watching that many orchestrators")
	compareBin := fs.String("compare", "", "a second lpops `binary` (say, built from main) to run beside the first and report as \"before\"")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	p := newParams(*scale, *roundLength, *rounds)
	p.verbose, p.lpopsBin, p.compareBin = *verbose, *lpopsBin, *compareBin
	switch {
	case *scale < 1:
		fmt.Fprintln(stderr, "rpcload: -scale must be at least 1")
		return 2
	case *roundLength <= p.grace+2:
		fmt.Fprintf(stderr, "rpcload: -round-length must exceed lpops' grace window (%d blocks) + 2\n", p.grace)
		return 2
	case *rounds < 1:
		fmt.Fprintln(stderr, "rpcload: -rounds must be at least 1")
		return 2
	case p.lpopsActive < time.Millisecond || p.blockTime < 5*time.Millisecond:
		fmt.Fprintf(stderr, "rpcload: -scale %g is too high: blocks every %s, lpops active_poll_interval %s\n", *scale, p.blockTime, p.lpopsActive)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A deadline so a chain that stops advancing cannot hang the bench.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute+time.Duration(p.rounds+3)*3*p.roundTime())
	defer cancel()

	if *fleet != "" {
		ns, err := parseFleet(*fleet)
		if err != nil {
			fmt.Fprintln(stderr, "rpcload:", err)
			return 2
		}
		return runFleet(ctx, p, ns, stdout, stderr)
	}
	progress := func(f string, a ...any) { fmt.Fprintf(stderr, "rpcload: "+f+"\n", a...) }
	res, err := measure(ctx, p, progress)
	if err != nil {
		fmt.Fprintln(stderr, "rpcload:", err)
		return 1
	}
	report(stdout, p, res)
	return 0
}

// result is what one run measured over the measured rounds.
type result struct {
	lpops, poller      rpcproxy.Counts
	compare            *rpcproxy.Counts // the -compare binary's, when run
	pollerTicks        int64
	pollerErrors       int64
	firstRound         uint64
	start, end         time.Time
	window             time.Duration
	blocks             uint64
	cpu                time.Duration
	rssMean, rssMax    uint64
	hwm, anon, file    uint64
	outcomes           map[string]float64
	logPath, configDir string
}

func measure(ctx context.Context, p params, say func(string, ...any)) (*result, error) {
	dir, err := os.MkdirTemp("", "rpcload-")
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

	// The devnet, its contracts and a registered orchestrator.
	deployer, orchKey := benchkit.NewKey(), benchkit.NewKey()
	orch := crypto.PubkeyToAddress(orchKey.PublicKey)
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	alloc := types.GenesisAlloc{
		crypto.PubkeyToAddress(deployer.PublicKey): {Balance: eth(1000)},
		orch: {Balance: eth(100)},
	}
	// Multicall3 at its canonical address, as on Arbitrum One: the keeper
	// reads its snapshot through aggregate3 there (livepeer.FleetReader).
	mc, err := testchain.Multicall3Alloc()
	if err != nil {
		return nil, err
	}
	maps.Copy(alloc, mc)
	ch, err := devnet.StartChain(alloc, p.blockTime)
	if err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	defer ch.Close()
	client := ch.Backend.Client()
	// Start the round clock near the end of round 0, so round 1 begins soon
	// after setup (which takes a dozen blocks) and the warm-up is short.
	offset := p.roundLength - min(40, p.roundLength/2)
	dep, err := testchain.Deploy(ctx, client, deployer, testchain.Params{RoundLength: p.roundLength, BlockNumOffset: offset, LIP118: true})
	if err != nil {
		return nil, fmt.Errorf("deploy contracts: %w", err)
	}
	dep.PollInterval = p.blockTime
	stake := eth(10000)
	if err := dep.RegisterOrchestrator(ctx, deployer, orchKey, stake, 100000, 500000); err != nil {
		return nil, err
	}
	say("devnet at %s: contracts deployed, orchestrator %s registered", ch.URL, orch)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The node stand-in reads the devnet directly, not through a proxy: its
	// reads are not counted.
	nodeRPC, err := rpc.DialContext(ctx, ch.URL)
	if err != nil {
		return nil, err
	}
	defer nodeRPC.Close()
	caller := livepeer.RPCCaller{C: nodeRPC}
	addrs, err := livepeer.Resolve(ctx, caller, dep.Controller)
	if err != nil {
		return nil, err
	}
	node := devnet.NewNode(livepeer.NewReader(caller, addrs, orch, nil, nil), devnet.KeyDuties{Dep: dep, Key: orchKey},
		orch, devnet.ChainID, func(uint64) bool { return true }, slog.New(slog.DiscardHandler))
	nodeDone := make(chan struct{})
	go func() {
		defer close(nodeDone)
		_ = node.Run(ctx, p.blockTime)
	}()
	defer func() { cancel(); <-nodeDone }()
	if p.verbose {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case ev := <-node.Events():
					if ev.Err != nil {
						say("node: round %d: %s: %v", ev.Round, ev.Action, ev.Err)
					} else {
						say("node: round %d: %s", ev.Round, ev.Action)
					}
				}
			}
		}()
	}

	// Two counting proxies, switched on together for the measured rounds.
	var measuring atomic.Bool
	lpopsProxy, err := rpcproxy.New(ch.URL, &measuring)
	if err != nil {
		return nil, err
	}
	defer lpopsProxy.Close()
	pollerProxy, err := rpcproxy.New(ch.URL, &measuring)
	if err != nil {
		return nil, err
	}
	defer pollerProxy.Close()

	// lpops, a separate process.
	cfgPath := filepath.Join(dir, "lpops.yaml")
	if err := writeConfig(cfgPath, lpopsConfig{
		RPC: lpopsProxy.URL, Controller: dep.Controller, Orchestrator: orch,
		PollInterval: p.lpopsPoll, ActivePollInterval: p.lpopsActive, HealthInterval: p.lpopsHealth,
		StuckAfter: p.lpopsStuck, GraceBlocks: p.grace, StateDir: filepath.Join(dir, "state"),
		ProbeInterval: p.probeInterval, ProbeChain: p.probeChain, ProbeRPC: p.probeRPC,
	}); err != nil {
		return nil, err
	}
	lp, err := benchkit.StartLpops(ctx, bin, cfgPath, filepath.Join(dir, "lpops.log"))
	if err != nil {
		return nil, err
	}
	defer lp.Stop()

	// The binary to compare with, the same configuration behind its own proxy.
	var cmpProxy *rpcproxy.Proxy
	if p.compareBin != "" {
		if cmpProxy, err = rpcproxy.New(ch.URL, &measuring); err != nil {
			return nil, err
		}
		defer cmpProxy.Close()
		cmpCfg := filepath.Join(dir, "compare.yaml")
		if err := writeConfig(cmpCfg, lpopsConfig{
			RPC: cmpProxy.URL, Controller: dep.Controller, Orchestrator: orch,
			PollInterval: p.lpopsPoll, ActivePollInterval: p.lpopsActive, HealthInterval: p.lpopsHealth,
			StuckAfter: p.lpopsStuck, GraceBlocks: p.grace, StateDir: filepath.Join(dir, "compare-state"),
			ProbeInterval: p.probeInterval, ProbeChain: p.probeChain, ProbeRPC: p.probeRPC,
		}); err != nil {
			return nil, err
		}
		cmp, err := benchkit.StartLpops(ctx, p.compareBin, cmpCfg, filepath.Join(dir, "compare.log"))
		if err != nil {
			return nil, fmt.Errorf("-compare binary: %w", err)
		}
		defer cmp.Stop()
	}
	if p.verbose {
		say("lpops pid %d, API http://%s, config %s, log %s (kept)", lp.Pid(), lp.API, cfgPath, lp.LogPath)
	}

	// The poller.
	pl, stopPoller, err := startPoller(ctx, pollerProxy.URL, p.pollerEvery, addrs, orch)
	if err != nil {
		return nil, err
	}
	defer func() { cancel(); stopPoller() }()

	// Warm-up: the rest of this round (the orchestrator's registration round)
	// and the next, its first active one. Then measure p.rounds rounds.
	round, start, b0, b1, err := measureWindow(ctx, dep, p.roundLength, p.rounds)
	if err != nil {
		return nil, err
	}
	now, err := dep.BlockNum(ctx)
	if err != nil {
		return nil, err
	}
	res := &result{firstRound: round + 2, logPath: lp.LogPath, configDir: dir}
	say("warm-up until block %d (round %d), then measuring rounds %d-%d until block %d (about %s)",
		b0, round+2, round+2, round+1+uint64(p.rounds), b1, (time.Duration(b1-now) * p.blockTime).Round(time.Second))

	heads := make(chan *types.Header, 64)
	sub, err := client.SubscribeNewHead(ctx, heads)
	if err != nil {
		return nil, fmt.Errorf("subscribe to new heads: %w", err)
	}
	defer sub.Unsubscribe()
	waitBlock := func(target uint64) (uint64, error) {
		for {
			select {
			case <-ctx.Done():
				return 0, fmt.Errorf("waiting for block %d: %w", target, ctx.Err())
			case err := <-sub.Err():
				return 0, fmt.Errorf("new heads: %w", err)
			case h := <-heads:
				n := h.Number.Uint64() + offset
				if p.verbose && n > start && (n-start)%p.roundLength == 0 {
					say("block %d: round %d begins", n, round+(n-start)/p.roundLength)
				}
				if n >= target {
					return n, nil
				}
			}
		}
	}

	if _, err := waitBlock(b0); err != nil {
		return nil, err
	}
	s0, err := readProc(lp.Pid())
	if err != nil {
		return nil, fmt.Errorf("lpops process: %w", err)
	}
	ticks0 := pl.ticks.Load()
	errs0 := pl.errors.Load()
	t0 := time.Now()
	measuring.Store(true)
	say("measuring")

	// RSS while idle, sampled through the measured rounds.
	rssDone := make(chan struct{})
	var rssSum, rssN, rssMax uint64
	go func() {
		defer close(rssDone)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if s, err := readProc(lp.Pid()); err == nil {
				rssSum += s.RSS
				rssN++
				rssMax = max(rssMax, s.RSS)
			}
		}
	}()

	bEnd, err := waitBlock(b1)
	measuring.Store(false)
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	s1, err := readProc(lp.Pid())
	if err != nil {
		return nil, fmt.Errorf("lpops process: %w", err)
	}
	res.lpops, res.poller = lpopsProxy.Counts(), pollerProxy.Counts()
	if cmpProxy != nil {
		c := cmpProxy.Counts()
		res.compare = &c
	}
	res.pollerTicks = pl.ticks.Load() - ticks0
	res.pollerErrors = pl.errors.Load() - errs0
	res.start, res.end, res.window, res.blocks = t0, t1, t1.Sub(t0), bEnd-b0
	res.cpu, res.hwm, res.anon, res.file = s1.CPU-s0.CPU, s1.HWM, s1.Anon, s1.File
	res.outcomes, _ = roundsTotal(ctx, lp)
	cancel()
	<-rssDone
	if rssN > 0 {
		res.rssMean, res.rssMax = rssSum/rssN, rssMax
	}
	return res, nil
}

func report(w io.Writer, p params, r *result) {
	n := float64(p.rounds)
	perRound := func(v int) float64 { return float64(v) / n }
	say := func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) }

	say("rpcload: S=%g round=%d blocks (Arbitrum: %d), block every %s, poller every %s, measured %d rounds (%d-%d)",
		p.scale, p.roundLength, realRoundLength, p.blockTime, p.pollerEvery, p.rounds, r.firstRound, r.firstRound+uint64(p.rounds)-1)
	say("lpops: mode observe, poll_interval %s, active_poll_interval %s, health_interval %s, stuck_after %s, grace_blocks %d (defaults / S)",
		p.lpopsPoll, p.lpopsActive, p.lpopsHealth, p.lpopsStuck, p.grace)
	say("       probes.interval %s, probes.chain_interval %s, probes.rpc.interval %s (defaults / S; the probes' requests are counted as lpops')",
		p.probeInterval, p.probeChain, p.probeRPC)
	achieved := r.window / time.Duration(max(r.blocks, 1))
	say("measured window: %s wall, %d blocks (%s per block achieved), poller kept %d of %d ticks",
		r.window.Round(10*time.Millisecond), r.blocks, achieved.Round(100*time.Microsecond), r.pollerTicks, int64(r.window/p.pollerEvery))
	say("")

	headOnly := r.poller.Methods["eth_getBlockByNumber"]
	say("%-28s %16s %17s", "", "http req/round", "rpc calls/round")
	say("%-28s %16s %17s", "poller (same state)", benchkit.Num(perRound(r.poller.HTTP)), benchkit.Num(perRound(r.poller.Calls)))
	say("%-28s %16s %17s", "poller (head only)", benchkit.Num(perRound(headOnly)), benchkit.Num(perRound(headOnly)))
	say("%-28s %16s %17s", "lpops", benchkit.Num(perRound(r.lpops.HTTP)), benchkit.Num(perRound(r.lpops.Calls)))
	if c := r.compare; c != nil {
		say("%-28s %16s %17s", "lpops before (-compare)", benchkit.Num(perRound(c.HTTP)), benchkit.Num(perRound(c.Calls)))
	}
	ratio := func(name string, http, calls int) {
		h, c := share(r.lpops.HTTP, http), share(r.lpops.Calls, calls)
		say("lpops / %-20s %6.2f%% of http requests (%s), %6.2f%% of calls (%s)   goal <= %.0f%%",
			name+":", 100*h, verdict(h <= goalShare), 100*c, verdict(c <= goalShare), 100*goalShare)
	}
	ratio("poller (same state)", r.poller.HTTP, r.poller.Calls)
	ratio("poller (head only)", headOnly, headOnly)
	if c := r.compare; c != nil {
		say("lpops before / poller (same state): %6.2f%% of http requests, %6.2f%% of calls; lpops / lpops before: %.2f of http requests, %.2f of calls",
			100*share(c.HTTP, r.poller.HTTP), 100*share(c.Calls, r.poller.Calls), share(r.lpops.HTTP, c.HTTP), share(r.lpops.Calls, c.Calls))
	}

	// The health checks lpops would make at the real cadence (see health.go).
	tick := max(p.lpopsHealth/4, time.Duration(float64(time.Second)/p.scale))
	seen := r.lpops.Shapes[healthCheck]
	est := realHealthChecks(r.lpops.Requests, r.start, r.end, p.lpopsHealth, tick)
	estHTTP := float64(r.lpops.HTTP-seen) + est
	estCalls := float64(r.lpops.Calls-2*seen) + 2*est
	say("lpops, health checks at the real cadence (est.): %s http req/round, %s calls/round: %.2f%% (%s), %.2f%% (%s) of the same-state poller's",
		benchkit.Num(estHTTP/n), benchkit.Num(estCalls/n), 100*estHTTP/float64(max(r.poller.HTTP, 1)), verdict(estHTTP <= goalShare*float64(r.poller.HTTP)),
		100*estCalls/float64(max(r.poller.Calls, 1)), verdict(estCalls <= goalShare*float64(r.poller.Calls)))
	say("  (the pool's 1s health ticker floor does not scale: %s checks/round seen, %s at a %s ticker, replayed over the measured reads)",
		benchkit.Num(float64(seen)/n), benchkit.Num(est/n), tick)

	realRound := time.Duration(p.roundLength) * l1BlockTime
	cpuPerRound := time.Duration(float64(r.cpu) / n)
	say("lpops idle: RSS %s (max %s while measured, peak %s since start; at the end %s anon + %s file), CPU %.1f%% of one core at S=%g",
		mb(r.rssMean), mb(r.rssMax), mb(r.hwm), mb(r.anon), mb(r.file), 100*r.cpu.Seconds()/r.window.Seconds(), p.scale)
	say("lpops idle: peak RSS %s   goal RSS <= %s: %s", mb(r.hwm), mb(goalRSS), verdict(r.hwm <= goalRSS))
	say("lpops CPU: %s per round -> about %.4f%% of one core in real time (a %s round)",
		cpuPerRound.Round(time.Millisecond), 100*cpuPerRound.Seconds()/realRound.Seconds(), realRound)
	say("")

	say("lpops calls per round by method:")
	for _, kv := range benchkit.SortedCounts(r.lpops.Methods) {
		say("  %-40s %8s", kv.K, benchkit.Num(perRound(kv.V)))
	}
	say("lpops http requests per round by content:")
	for _, kv := range benchkit.SortedCounts(r.lpops.Shapes) {
		say("  %-72s %8s", kv.K, benchkit.Num(perRound(kv.V)))
	}
	consumers := func(name string, c rpcproxy.Counts) {
		say("%s per round by consumer (named by the content of its requests):", name)
		say("  %-76s %10s %10s", "", "http req", "calls")
		for _, cc := range byConsumer(c.Shapes) {
			say("  %-76s %10s %10s", cc.name, benchkit.Num(perRound(cc.requests)), benchkit.Num(perRound(cc.call)))
		}
	}
	consumers("lpops", r.lpops)
	if c := r.compare; c != nil {
		consumers("lpops before (-compare)", *c)
	}
	if c := r.compare; c != nil {
		say("lpops before (-compare) calls per round by method:")
		for _, kv := range benchkit.SortedCounts(c.Methods) {
			say("  %-40s %8s", kv.K, benchkit.Num(perRound(kv.V)))
		}
	}
	if p.verbose {
		say("poller calls per round by method:")
		for _, kv := range benchkit.SortedCounts(r.poller.Methods) {
			say("  %-40s %8s", kv.K, benchkit.Num(perRound(kv.V)))
		}
	}

	var notes []string
	if len(r.outcomes) > 0 {
		var parts []string
		for _, kv := range sortedF(r.outcomes) {
			parts = append(parts, fmt.Sprintf("%s %.0f", kv.k, kv.v))
		}
		notes = append(notes, "lpops counted rounds (warm-up included): "+strings.Join(parts, ", "))
	}
	if float64(achieved) > 1.1*float64(p.blockTime) {
		notes = append(notes, fmt.Sprintf("WARNING: blocks came every %s, not %s: the devnet could not keep up; lower -scale", achieved.Round(100*time.Microsecond), p.blockTime))
	}
	if want := int64(r.window / p.pollerEvery); r.pollerTicks < want*95/100 {
		notes = append(notes, fmt.Sprintf("WARNING: the poller completed %d of %d ticks, so its counts are low and lpops' shares high; lower -scale", r.pollerTicks, want))
	}
	if r.pollerErrors > 0 {
		notes = append(notes, fmt.Sprintf("WARNING: %d poller calls failed", r.pollerErrors))
	}
	if len(notes) > 0 {
		say("")
		for _, s := range notes {
			say("%s", s)
		}
	}
}

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

type kvf struct {
	k string
	v float64
}

func sortedF(m map[string]float64) []kvf {
	out := make([]kvf, 0, len(m))
	for k, v := range m {
		out = append(out, kvf{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out
}
