package main

// Fleet mode: -orchestrators 1,10,100 runs one lpops per fleet size side by
// side against one devnet, each watching the first N of the same registered
// orchestrators behind its own counting proxy, and prints requests and calls
// per round, their ratio to the smallest fleet, and each process's RSS.

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testchain"
)

// The fleet goals from the issue: N = 100 costs at most 1.2 times the
// requests of N = 1, and lpops' RSS at 100 stays under 60 MB.
const (
	goalFleetRatio = 1.2
	goalFleetRSS   = 60e6
)

// parseFleet reads -orchestrators: fleet sizes, comma-separated, ascending.
func parseFleet(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("-orchestrators: %q is not a fleet size from 1 to 1000", f)
		}
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return slices.Compact(ns), nil
}

// fleetRun is one lpops process watching a fleet of n.
type fleetRun struct {
	n      int
	proxy  *rpcproxy.Proxy
	lp     *benchkit.Lpops
	counts rpcproxy.Counts
	// rssMax is the largest RSS sampled while measuring; hwm the process's
	// peak RSS since it started (VmHWM), read at the end.
	rssMax, hwm uint64
	// anon and file split the RSS at the end: heap and stacks, and the
	// binary's mapped pages.
	anon, file uint64
	cpu        time.Duration
	outcomes   map[string]float64
	// missed is how many rounds lpops counted missed while measured
	// (lpops_rounds_total{result="missed"}, summed over the fleet).
	missed float64
}

type fleetResult struct {
	runs              []*fleetRun
	poller            rpcproxy.Counts
	pollerTicks       int64
	firstRound        uint64
	window            time.Duration
	blocks            uint64
	rewards, failures int64
}

func runFleet(ctx context.Context, p params, ns []int, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute+time.Duration(p.rounds+4)*3*p.roundTime())
	defer cancel()
	progress := func(f string, a ...any) { fmt.Fprintf(stderr, "rpcload: "+f+"\n", a...) }
	res, err := measureFleet(ctx, p, ns, progress)
	if err != nil {
		fmt.Fprintln(stderr, "rpcload:", err)
		return 1
	}
	if !reportFleet(stdout, p, res) {
		return 1
	}
	return 0
}

func measureFleet(ctx context.Context, p params, ns []int, say func(string, ...any)) (*fleetResult, error) {
	dir, err := os.MkdirTemp("", "rpcload-fleet-")
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

	total := ns[len(ns)-1]
	deployer := benchkit.NewKey()
	keys := make([]*ecdsa.PrivateKey, total)
	orchs := make([]common.Address, total)
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: eth(1000)}}
	for i := range keys {
		keys[i] = benchkit.NewKey()
		orchs[i] = crypto.PubkeyToAddress(keys[i].PublicKey)
		alloc[orchs[i]] = types.Account{Balance: eth(100)}
	}
	// Multicall3 at its canonical address, as on Arbitrum One.
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
	dep, err := testchain.Deploy(ctx, client, deployer, testchain.Params{
		RoundLength: p.roundLength, LIP118: true, NumActive: uint64(total),
	})
	if err != nil {
		return nil, fmt.Errorf("deploy contracts: %w", err)
	}
	dep.PollInterval = p.blockTime
	say("registering %d orchestrators", total)
	for i, k := range keys {
		if err := dep.RegisterOrchestrator(ctx, deployer, k, eth(int64(10000+i)), 100000, 500000); err != nil {
			return nil, err
		}
	}
	say("devnet at %s: contracts deployed, %d orchestrators registered", ch.URL, total)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The node stand-ins: every round, the round is initialized and each
	// orchestrator calls reward itself, directly on the devnet (uncounted), so
	// lpops only watches, as in the single-orchestrator run.
	nodeRPC, err := rpc.DialContext(ctx, ch.URL)
	if err != nil {
		return nil, err
	}
	defer nodeRPC.Close()
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: nodeRPC}, dep.Controller)
	if err != nil {
		return nil, err
	}
	var rewards, failures atomic.Int64
	nodeDone := make(chan struct{})
	go func() {
		defer close(nodeDone)
		rewardEveryRound(ctx, dep, deployer, keys, p.blockTime, &rewards, &failures)
	}()
	defer func() { cancel(); <-nodeDone }()

	var measuring atomic.Bool
	runs := make([]*fleetRun, 0, len(ns))
	for _, n := range ns {
		px, err := rpcproxy.New(ch.URL, &measuring)
		if err != nil {
			return nil, err
		}
		defer px.Close()
		cfgPath := filepath.Join(dir, fmt.Sprintf("lpops-%d.yaml", n))
		if err := writeFleetConfig(cfgPath, lpopsConfig{
			RPC: px.URL, Controller: dep.Controller, Orchestrator: orchs[0],
			PollInterval: p.lpopsPoll, ActivePollInterval: p.lpopsActive, HealthInterval: p.lpopsHealth,
			StuckAfter: p.lpopsStuck, GraceBlocks: p.grace, StateDir: filepath.Join(dir, fmt.Sprintf("state-%d", n)),
			ProbeInterval: p.probeInterval, ProbeChain: p.probeChain, ProbeRPC: p.probeRPC,
		}, orchs[:n]); err != nil {
			return nil, err
		}
		lp, err := benchkit.StartLpops(ctx, bin, cfgPath, filepath.Join(dir, fmt.Sprintf("lpops-%d.log", n)))
		if err != nil {
			return nil, fmt.Errorf("lpops with %d orchestrators: %w", n, err)
		}
		defer lp.Stop()
		if p.verbose {
			say("lpops N=%d: pid %d, API http://%s, config %s, log %s (kept)", n, lp.Pid(), lp.API, cfgPath, lp.LogPath)
		}
		runs = append(runs, &fleetRun{n: n, proxy: px, lp: lp})
	}

	pollerProxy, err := rpcproxy.New(ch.URL, &measuring)
	if err != nil {
		return nil, err
	}
	defer pollerProxy.Close()
	pl, stopPoller, err := startPoller(ctx, pollerProxy.URL, p.pollerEvery, addrs, orchs[0])
	if err != nil {
		return nil, err
	}
	defer func() { cancel(); stopPoller() }()

	// Warm-up: the rest of this round and the next (every orchestrator is
	// active from the round after its registration). Then measure.
	round, _, b0, b1, err := measureWindow(ctx, dep, p.roundLength, p.rounds)
	if err != nil {
		return nil, err
	}
	res := &fleetResult{runs: runs, firstRound: round + 2}
	say("warm-up until block %d (round %d), then measuring %d round(s)", b0, round+2, p.rounds)
	if err := waitBlockNum(ctx, dep, b0, p.blockTime); err != nil {
		return nil, err
	}
	cpu0 := make([]time.Duration, len(runs))
	for i, r := range runs {
		s, err := readProc(r.lp.Pid())
		if err != nil {
			return nil, fmt.Errorf("lpops N=%d: %w", r.n, err)
		}
		cpu0[i] = s.CPU
		o, err := roundsTotal(ctx, r.lp)
		if err != nil {
			return nil, fmt.Errorf("lpops N=%d: /metrics: %w", r.n, err)
		}
		r.missed = -o["missed"]
	}
	ticks0, rw0, fl0 := pl.ticks.Load(), rewards.Load(), failures.Load()
	t0 := time.Now()
	measuring.Store(true)
	say("measuring")
	sampleDone := make(chan struct{})
	sampleCtx, stopSampling := context.WithCancel(ctx)
	go func() {
		defer close(sampleDone)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sampleCtx.Done():
				return
			case <-t.C:
			}
			for _, r := range runs {
				if s, err := readProc(r.lp.Pid()); err == nil {
					r.rssMax = max(r.rssMax, s.RSS)
				}
			}
		}
	}()
	err = waitBlockNum(ctx, dep, b1, p.blockTime)
	measuring.Store(false)
	stopSampling()
	<-sampleDone
	if err != nil {
		return nil, err
	}
	end, _ := dep.BlockNum(ctx)
	res.window, res.blocks = time.Since(t0), end-b0
	res.poller, res.pollerTicks = pollerProxy.Counts(), pl.ticks.Load()-ticks0
	res.rewards, res.failures = rewards.Load()-rw0, failures.Load()-fl0
	for i, r := range runs {
		r.counts = r.proxy.Counts()
		s, err := readProc(r.lp.Pid())
		if err != nil {
			return nil, fmt.Errorf("lpops N=%d: %w", r.n, err)
		}
		r.hwm, r.cpu, r.anon, r.file = s.HWM, s.CPU-cpu0[i], s.Anon, s.File
		if r.outcomes, err = roundsTotal(ctx, r.lp); err != nil {
			return nil, fmt.Errorf("lpops N=%d: /metrics: %w", r.n, err)
		}
		r.missed += r.outcomes["missed"]
	}
	return res, nil
}

// rewardEveryRound initializes each new round and sends every
// orchestrator's reward from its own key, as each one's node would; a send
// refused (not active yet, the round turning) is tried again every few
// blocks until the round ends.
func rewardEveryRound(ctx context.Context, dep *testchain.Deployment, owner *ecdsa.PrivateKey, keys []*ecdsa.PrivateKey,
	every time.Duration, rewards, failures *atomic.Int64) {
	var round uint64
	var todo []int
	t := time.NewTicker(every)
	defer t.Stop()
	for tick := 0; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r, err := dep.CurrentRound(ctx)
		if err != nil {
			continue
		}
		if r > round {
			if err := dep.EnsureRoundInitialized(ctx, owner); err != nil {
				continue
			}
			round, todo = r, make([]int, len(keys))
			for i := range todo {
				todo[i] = i
			}
		} else if len(todo) == 0 {
			continue
		}
		// At most rewardsPerTick a block time, as nodes spread over the
		// round's first blocks would: a hundred rewards in one block fill
		// it, the base fee climbs, and a reward priced for the block
		// before can wait in the pool past the round's end.
		left := todo[:0]
		for n, i := range todo {
			if n >= rewardsPerTick {
				left = append(left, i)
				continue
			}
			if _, err := dep.SendReward(ctx, keys[i]); err != nil {
				failures.Add(1)
				left = append(left, i)
			} else {
				rewards.Add(1)
			}
		}
		todo = left
	}
}

// rewardsPerTick is how many rewards the node stand-ins send a block time.
const rewardsPerTick = 10

// waitBlockNum waits until RoundsManager.blockNum() reaches target.
// measureWindow returns the current round, its first block, and the
// measured blocks [b0, b1): rounds whole rounds after a warm-up of the rest
// of this round and the next (an orchestrator registered now is active from
// the next round). Block numbers are RoundsManager.blockNum(): header number
// + offset.
func measureWindow(ctx context.Context, dep *testchain.Deployment, roundLength uint64, rounds int) (round, start, b0, b1 uint64, err error) {
	if round, err = dep.CurrentRound(ctx); err != nil {
		return 0, 0, 0, 0, err
	}
	if start, err = dep.RoundStartBlock(ctx); err != nil {
		return 0, 0, 0, 0, err
	}
	b0 = start + 2*roundLength
	return round, start, b0, b0 + uint64(rounds)*roundLength, nil
}

func waitBlockNum(ctx context.Context, dep *testchain.Deployment, target uint64, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := dep.BlockNum(ctx)
		if err == nil && n >= target {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for block %d: %w", target, ctx.Err())
		case <-t.C:
		}
	}
}

// writeFleetConfig writes the single-orchestrator configuration with the
// orchestrator line replaced by the orchestrators list.
func writeFleetConfig(path string, c lpopsConfig, orchs []common.Address) error {
	if err := writeConfig(path, c); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("orchestrator: %q\n", c.Orchestrator.Hex())
	if !strings.Contains(string(b), line) {
		return fmt.Errorf("bench config %s: no orchestrator line to replace", path)
	}
	var list strings.Builder
	list.WriteString("orchestrators:\n")
	for _, o := range orchs {
		fmt.Fprintf(&list, "  - address: %q\n", o.Hex())
	}
	return os.WriteFile(path, []byte(strings.Replace(string(b), line, list.String(), 1)), 0o600)
}

// reportFleet prints the side-by-side table and reports whether the goals held.
func reportFleet(w io.Writer, p params, r *fleetResult) bool {
	n := float64(p.rounds)
	say := func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) }
	say("rpcload fleet: S=%g round=%d blocks, block every %s, measured %d round(s) from round %d: %s wall, %d blocks",
		p.scale, p.roundLength, p.blockTime, p.rounds, r.firstRound, r.window.Round(10*time.Millisecond), r.blocks)
	say("each lpops: mode observe, defaults / S; every orchestrator rewarded by its own node stand-in (%d rewards sent, %d refused while measured); missed: rounds lpops counted missed while measured",
		r.rewards, r.failures)
	say("")
	base := r.runs[0]
	say("%-14s %14s %15s %12s %12s %10s %10s %18s %12s %7s", "orchestrators", "http req/round", "rpc calls/round", "req vs N=1", "calls vs N=1", "RSS max", "peak RSS", "anon + file (end)", "CPU/round", "missed")
	say("%-14s %14s %15s", "poller (N=1)", benchkit.Num(float64(r.poller.HTTP)/n), benchkit.Num(float64(r.poller.Calls)/n))
	for _, run := range r.runs {
		say("%-14d %14s %15s %12.2f %12.2f %10s %10s %18s %12s %7.0f", run.n,
			benchkit.Num(float64(run.counts.HTTP)/n), benchkit.Num(float64(run.counts.Calls)/n),
			share(run.counts.HTTP, base.counts.HTTP), share(run.counts.Calls, base.counts.Calls),
			mb(run.rssMax), mb(run.hwm), mb(run.anon)+" + "+mb(run.file), (time.Duration(float64(run.cpu) / n)).Round(time.Millisecond), run.missed)
	}
	say("")
	ok := true
	last := r.runs[len(r.runs)-1]
	if len(r.runs) > 1 {
		ratio := share(last.counts.HTTP, base.counts.HTTP)
		pass := ratio <= goalFleetRatio
		ok = ok && pass
		say("goal: N=%d costs <= %.1fx the http requests of N=%d: %.2fx %s", last.n, goalFleetRatio, base.n, ratio, verdict(pass))
	}
	passRSS := last.hwm <= goalFleetRSS
	ok = ok && passRSS
	say("goal: peak RSS at N=%d <= %s: %s %s", last.n, mb(goalFleetRSS), mb(last.hwm), verdict(passRSS))
	for _, run := range r.runs {
		say("")
		say("N=%d calls per round by method:", run.n)
		for _, kv := range benchkit.SortedCounts(run.counts.Methods) {
			say("  %-40s %8s", kv.K, benchkit.Num(float64(kv.V)/n))
		}
		if len(run.outcomes) > 0 {
			var parts []string
			for _, kv := range sortedF(run.outcomes) {
				parts = append(parts, fmt.Sprintf("%s %.0f", kv.k, kv.v))
			}
			say("N=%d lpops counted rounds (warm-up included): %s", run.n, strings.Join(parts, ", "))
		}
	}
	if want := int64(r.window / p.pollerEvery); r.pollerTicks < want*95/100 {
		say("")
		say("WARNING: the poller completed %d of %d ticks; lower -scale", r.pollerTicks, want)
	}
	return ok
}
