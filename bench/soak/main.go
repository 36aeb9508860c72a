// Command soak is lpops' chaos soak: it runs lpops in act mode, as a
// process, against a real chain with the Livepeer test contracts for many
// short rounds while faults drawn from a seed hit its RPC endpoints, the
// node's API, its own process, its account, the base fee, its alert
// channel and its disk, and then judges from the chain and the webhook
// sink, not from lpops' word, whether every round was rewarded exactly
// once. See README.md.
//
//	go run ./bench/soak [-rounds 200] [-seed N] [-chain anvil] [-json] [-v]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type params struct {
	rounds      int
	seed        int64
	chain       string
	roundLength uint64
	grace       uint64
	blockTime   time.Duration
	json        bool
	verbose     bool
	keep        bool
}

// errGoals says the soak ran and a goal was broken.
var errGoals = errors.New("goals broken")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var p params
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&p.rounds, "rounds", 200, "protocol rounds to run")
	fs.Int64Var(&p.seed, "seed", time.Now().UnixNano(), "seed of the fault schedule and the node's misses (default: the time; printed for replay)")
	fs.StringVar(&p.chain, "chain", "anvil", "chain: anvil or geth (geth --dev: no base fee spike, no drain)")
	fs.Uint64Var(&p.roundLength, "round-length", 20, "round length in blocks")
	fs.Uint64Var(&p.grace, "grace", 4, "lpops' reward.grace_blocks")
	fs.DurationVar(&p.blockTime, "block-time", 250*time.Millisecond, "time between the blocks the soak mines")
	fs.BoolVar(&p.json, "json", false, "print the result as JSON")
	fs.BoolVar(&p.verbose, "v", false, "log progress (rounds, faults) to stderr")
	fs.BoolVar(&p.keep, "keep", false, "keep the work directory (lpops' config, logs, state)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if p.rounds < 1 || p.grace < 2 || p.roundLength < p.grace+12 || p.blockTime <= 0 {
		fmt.Fprintln(stderr, "soak: need -rounds ≥ 1, -grace ≥ 2, -round-length ≥ grace+12, -block-time > 0")
		return 2
	}
	res, err := soakRun(ctx, p, stderr)
	if res != nil {
		if p.json {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(res)
		} else {
			res.print(stdout)
		}
	}
	switch {
	case errors.Is(err, errGoals):
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "soak:", err)
		return 3
	}
	return 0
}

// soakRun runs the whole soak and returns its result; errGoals when it ran
// and a goal broke.
func soakRun(ctx context.Context, p params, stderr io.Writer) (*result, error) {
	began := time.Now()
	dir, err := os.MkdirTemp("", "lpops-soak-")
	if err != nil {
		return nil, err
	}
	logf := func(f string, a ...any) {
		if p.verbose {
			fmt.Fprintf(stderr, "%s soak: %s\n", time.Now().UTC().Format("15:04:05.000"), fmt.Sprintf(f, a...))
		}
	}
	fmt.Fprintf(stderr, "soak: seed %d, %d rounds of %d blocks every %s, grace %d; work dir %s\n",
		p.seed, p.rounds, p.roundLength, p.blockTime, p.grace, dir)
	s := &soak{p: p, t: timing{RoundLength: p.roundLength, Grace: p.grace, BlockTime: p.blockTime, Margin: 6},
		dir: dir, logf: logf, alerts: &alertLog{episodes: map[string]*episode{}}}
	defer func() {
		s.close()
		if !p.keep {
			os.RemoveAll(dir)
		}
	}()
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	skipped := map[string]string{}
	if !s.tmpfs {
		skipped[faultDiskFull] = s.tmpfsErr
	}
	if p.chain == "geth" {
		skipped[faultDrain] = "geth --dev cannot set a balance, and a transfer out of lpops' account would share its nonces"
		skipped[faultBaseFee] = "geth --dev cannot set the base fee"
	}
	var skip []string
	for k, why := range skipped {
		fmt.Fprintf(stderr, "soak: the %s fault is skipped: %s\n", k, why)
		skip = append(skip, k)
	}
	// The orchestrator is active from the round after its registration; the
	// soak counts from the one after that, so lpops has started and read
	// the chain before the first counted round.
	round, err := s.dep.CurrentRound(ctx)
	if err != nil {
		return nil, err
	}
	start, err := s.dep.RoundStartBlock(ctx)
	if err != nil {
		return nil, err
	}
	first, firstStart := round+2, start+2*p.roundLength
	s.plan = drawPlan(p.seed, first, firstStart, p.rounds, s.t, skip)
	nodeCtx, stopNode := context.WithCancel(ctx)
	defer stopNode()
	go func() { _ = s.node.Run(nodeCtx, 100*time.Millisecond) }()
	if err := s.startLpops(ctx); err != nil {
		return nil, err
	}
	go s.followAlerts(nodeCtx)
	end := firstStart + uint64(p.rounds)*p.roundLength
	if err := s.drive(ctx, end); err != nil {
		return nil, fmt.Errorf("drive the chain: %w", err)
	}
	ranFor := time.Since(began)
	logf("rounds done at block %d; clearing faults and waiting for the alerts to drain", end)
	// Keep mining while the alerts drain, so lpops sees a live chain.
	mineCtx, stopMining := context.WithCancel(ctx)
	mined := make(chan struct{})
	go func() {
		defer close(mined)
		t := time.NewTicker(p.blockTime)
		defer t.Stop()
		for {
			select {
			case <-mineCtx.Done():
				return
			case <-t.C:
				_, _ = s.chain.mine(mineCtx, baseFeeNorm)
			}
		}
	}()
	s.wg.Wait()
	s.clearAll(ctx)
	s.drainAlerts(ctx, 90*time.Second)
	var records []json.RawMessage
	_ = s.get(ctx, "/api/v1/rounds", &records)
	stopMining()
	<-mined
	res, err := s.judge(ctx, firstStart, end, records)
	if err != nil {
		return nil, err
	}
	res.Seed, res.Chain = p.seed, p.chain
	res.WallSeconds = ranFor.Seconds()
	for k, why := range skipped {
		res.Skipped = append(res.Skipped, k+": "+why)
	}
	sort.Strings(res.Skipped)
	if len(res.Broken) > 0 {
		return res, errGoals
	}
	return res, nil
}

// drainAlerts waits until lpops has delivered what it queued, and no
// firing episode is still waiting for its first notification, or timeout.
func (s *soak) drainAlerts(ctx context.Context, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		s.alerts.mu.Lock()
		reads := s.alerts.reads
		s.alerts.mu.Unlock()
		time.Sleep(time.Second)
		s.alerts.mu.Lock()
		done := s.alerts.reads > reads && s.alerts.pending == 0
		s.alerts.mu.Unlock()
		if done {
			return
		}
	}
}

func parseBig(s string) (*big.Int, bool) { return new(big.Int).SetString(s, 10) }
