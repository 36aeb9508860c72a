// Command remediate measures how long lpops takes to repair a stalled chain
// node: from the moment a real geth --dev is frozen with SIGSTOP to the
// moment the remediation runbook has restarted it and its head advances
// again.
//
//	go run ./bench/remediate [-reps 5] [-period 1] [-probe-interval 1s] [-probe-timeout 800ms] [-interval 200ms] [-poll 250ms] [-v]
//
// One run starts geth --dev (scripts/geth-dev.sh, a block every -period
// seconds, a datadir kept across restarts) under unitd, the process manager
// lpops' remediation tests use in place of systemd (go build
// ./internal/remediate/testdata/unitd). In the bench process it runs what
// lpops runs: the RPC probe on a probe.Runner feeding the alert engine, and
// the remediator with one runbook bound to RPCEndpointDown and
// RPCEndpointStale of that endpoint:
//
//  1. command: unitd restart (SIGTERM and SIGCONT to the frozen process
//     group, SIGKILL after 15 s, wait until it is gone, start geth again on
//     the same datadir and port), as systemctl restart would;
//  2. wait_rpc_synced: eth_syncing false, the newest block younger than 5 s,
//     and the head past the first one the wait saw.
//
// Each repetition freezes the current geth and times the phases from the
// run's audit record and the alert engine's state:
//
//	detection  SIGSTOP → RPCEndpointDown fires (probe interval + request timeout)
//	pickup     alert fires → the runbook's run starts (remediation.interval)
//	restart    the command action (stop the frozen geth, start a new one)
//	synced     the wait: geth answers, is synced, and seals a new block
//	total      SIGSTOP → run complete with the head advancing
//
// and prints every repetition and the median of each phase.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
	"github.com/lpops/lpops/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type params struct {
	reps          int
	period        int
	probeInterval time.Duration
	probeTimeout  time.Duration
	interval      time.Duration
	poll          time.Duration
	verbose       bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var p params
	fs := flag.NewFlagSet("remediate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&p.reps, "reps", 5, "repetitions")
	fs.IntVar(&p.period, "period", 1, "geth --dev.period: seconds between blocks")
	fs.DurationVar(&p.probeInterval, "probe-interval", time.Second, "probes.interval")
	fs.DurationVar(&p.probeTimeout, "probe-timeout", 800*time.Millisecond, "RPC probe request timeout (chain.request_timeout)")
	fs.DurationVar(&p.interval, "interval", 200*time.Millisecond, "remediation.interval")
	fs.DurationVar(&p.poll, "poll", 250*time.Millisecond, "how often waits re-check")
	fs.BoolVar(&p.verbose, "v", false, "log lpops' components to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if p.reps < 1 || p.period < 1 {
		fmt.Fprintln(stderr, "remediate: -reps and -period must be at least 1")
		return 2
	}
	if err := bench(ctx, p, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "remediate:", err)
		return 1
	}
	return 0
}

// phases are one repetition's timings.
type phases struct {
	detection, pickup, restart, synced, total time.Duration
}

func bench(ctx context.Context, p params, stdout, stderr io.Writer) error {
	root, err := benchkit.RepoRoot()
	if err != nil {
		return err
	}
	geth, err := findGeth(root)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "lpops-bench-remediate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	unitd := filepath.Join(work, "unitd")
	build := exec.CommandContext(ctx, "go", "build", "-o", unitd, "./internal/remediate/testdata/unitd")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build unitd: %v\n%s", err, out)
	}

	port, err := benchkit.FreePort()
	if err != nil {
		return err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	sock := filepath.Join(work, "geth.sock")
	gethLog := filepath.Join(work, "geth.log")
	sup := exec.Command(unitd, "serve", "-socket", sock, "-log", gethLog, "-stop-timeout", "15s", "--",
		filepath.Join(root, "scripts", "geth-dev.sh"))
	sup.Env = append(os.Environ(), "DEVGETH_BIN="+geth, "DEVGETH_PORT="+strconv.Itoa(port),
		"DEVGETH_PERIOD="+strconv.Itoa(p.period), "DEVGETH_DATADIR="+filepath.Join(work, "datadir"))
	if p.verbose {
		sup.Stderr = stderr
	}
	sup.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := sup.Start(); err != nil {
		return fmt.Errorf("start unitd: %w", err)
	}
	defer func() {
		_ = syscall.Kill(-sup.Process.Pid, syscall.SIGKILL)
		_ = sup.Wait()
	}()
	eth, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return err
	}
	defer eth.Close()
	head := func() (uint64, error) {
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return eth.BlockNumber(c)
	}
	if err := waitFor(ctx, 2*time.Minute, "geth to seal blocks", func() bool { n, err := head(); return err == nil && n >= 2 }); err != nil {
		return fmt.Errorf("%w\n%s", err, tail(gethLog))
	}
	chainID, err := eth.ChainID(ctx)
	if err != nil {
		return err
	}

	logOut := io.Discard
	if p.verbose {
		logOut = stderr
	}
	log := slog.New(slog.NewTextHandler(logOut, nil))
	st, err := store.Open(filepath.Join(work, "state"))
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := alert.New(alert.Options{Store: st, Logger: log})
	if err != nil {
		return err
	}
	endpoint := map[string]string{"endpoint": "local-geth"}
	rpcProbe, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: []chain.EndpointConfig{{Name: "local-geth", URL: url}},
		ChainID:   chainID.Uint64(), MaxHeadAge: time.Duration(10*p.period) * time.Second, Timeout: p.probeTimeout,
	})
	if err != nil {
		return err
	}
	defer rpcProbe.Close()
	runner, err := probe.NewRunner(probe.RunnerOptions{Interval: p.probeInterval, Timeout: max(p.probeTimeout, p.probeInterval),
		Sink: eng, Logger: log})
	if err != nil {
		return err
	}
	runner.Add(rpcProbe, probe.Schedule{})
	const book = "restart-local-geth"
	rem, err := remediate.New(remediate.Options{
		Settings: remediate.Settings{Interval: p.interval, Runbooks: []remediate.Runbook{{
			Name: book,
			When: []remediate.Matcher{{Alertname: probe.AlertRPCEndpointDown, Labels: endpoint}, {Alertname: probe.AlertRPCEndpointStale, Labels: endpoint}},
			Steps: []remediate.Step{
				{Name: "restart geth", Type: remediate.StepCommand, Argv: []string{unitd, "restart", "-socket", sock}, Timeout: time.Minute},
				{Name: "wait synced", Type: remediate.StepWaitRPCSynced, URL: url, Endpoint: "local-geth",
					MaxHeadAge: time.Duration(5*p.period) * time.Second, Timeout: 2 * time.Minute},
			},
			// Repetitions restart geth back to back: the guards are not
			// what is measured.
			RateLimit: remediate.RateLimit{Max: 1000, Per: time.Hour},
		}}},
		Store: st, Alerts: eng, Sink: eng, PollInterval: p.poll, Logger: log,
	})
	if err != nil {
		return err
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = runner.Run(bctx) }()
	remDone := make(chan struct{})
	go func() { _ = rem.Run(bctx); close(remDone) }()
	defer func() { cancel(); <-remDone }()

	fmt.Fprintf(stdout, "remediation benchmark: geth --dev (period %ds) stalled with SIGSTOP, restarted by a runbook\n", p.period)
	fmt.Fprintf(stdout, "probe interval %s, RPC timeout %s, remediation interval %s, wait poll %s, %d repetitions\n\n",
		p.probeInterval, p.probeTimeout, p.interval, p.poll, p.reps)
	fmt.Fprintf(stdout, "%-4s %10s %10s %10s %10s %10s\n", "rep", "detection", "pickup", "restart", "synced", "total")

	var all []phases
	var lastRun uint64
	for rep := 1; rep <= p.reps; rep++ {
		// Steady state first: the probe sees geth healthy and nothing fires.
		err := waitFor(ctx, 2*time.Minute, "geth healthy and no alert firing", func() bool {
			res := runner.Results()
			return len(res) == 1 && res[0].Success && !firing(eng, probe.AlertRPCEndpointDown, endpoint)
		})
		if err != nil {
			return err
		}
		pid, err := unitPid(unitd, sock)
		if err != nil {
			return err
		}
		before, err := head()
		if err != nil {
			return err
		}
		t0 := time.Now()
		if err := syscall.Kill(-pid, syscall.SIGSTOP); err != nil {
			return fmt.Errorf("SIGSTOP geth: %w", err)
		}
		var run *remediate.Run
		err = waitFor(ctx, 3*time.Minute, "the runbook to complete", func() bool {
			runs, err := rem.Runs(1)
			if err != nil || len(runs) == 0 || runs[0].ID == lastRun || runs[0].State == remediate.StateRunning {
				return false
			}
			run = &runs[0]
			return true
		})
		if err != nil {
			return fmt.Errorf("repetition %d: %w\n%s", rep, err, tail(gethLog))
		}
		lastRun = run.ID
		if run.State != remediate.StateSucceeded {
			return fmt.Errorf("repetition %d: run %s: %s\n%s", rep, run.State, run.Error, tail(gethLog))
		}
		after, err := head()
		if err != nil || after <= before {
			return fmt.Errorf("repetition %d: head %d after the run (was %d): %v", rep, after, before, err)
		}
		fired := firedAt(eng, probe.AlertRPCEndpointDown, endpoint, t0)
		if fired.IsZero() {
			return fmt.Errorf("repetition %d: no RPCEndpointDown episode after the stall", rep)
		}
		ph := phases{
			detection: fired.Sub(t0),
			pickup:    run.StartedAt.Sub(fired),
			restart:   run.Steps[0].EndedAt.Sub(run.Steps[0].StartedAt),
			synced:    run.Steps[1].EndedAt.Sub(run.Steps[1].StartedAt),
			total:     run.EndedAt.Sub(t0),
		}
		all = append(all, ph)
		fmt.Fprintf(stdout, "%-4d %10s %10s %10s %10s %10s\n", rep, ms(ph.detection), ms(ph.pickup), ms(ph.restart), ms(ph.synced), ms(ph.total))
	}
	med := func(f func(phases) time.Duration) string {
		var ds []time.Duration
		for _, ph := range all {
			ds = append(ds, f(ph))
		}
		slices.Sort(ds)
		n := len(ds)
		if n%2 == 1 {
			return ms(ds[n/2])
		}
		return ms((ds[n/2-1] + ds[n/2]) / 2)
	}
	fmt.Fprintf(stdout, "%-4s %10s %10s %10s %10s %10s\n", "med",
		med(func(p phases) time.Duration { return p.detection }), med(func(p phases) time.Duration { return p.pickup }),
		med(func(p phases) time.Duration { return p.restart }), med(func(p phases) time.Duration { return p.synced }),
		med(func(p phases) time.Duration { return p.total }))
	return nil
}

// firing reports whether the alert name{labels} fires.
func firing(eng *alert.Engine, name string, labels map[string]string) bool {
	fp := alert.Fingerprint(name, labels)
	for _, a := range eng.Doc().Alerts {
		if a.Fingerprint == fp && a.Firing() {
			return true
		}
	}
	return false
}

// firedAt returns the start of the alert's episode that began after t0, or
// zero. The engine keeps the newest episode of each alert.
func firedAt(eng *alert.Engine, name string, labels map[string]string, t0 time.Time) time.Time {
	fp := alert.Fingerprint(name, labels)
	for _, a := range eng.Doc().Alerts {
		if a.Fingerprint == fp && a.StartsAt.After(t0) {
			return a.StartsAt
		}
	}
	return time.Time{}
}

func unitPid(unitd, sock string) (int, error) {
	out, err := exec.Command(unitd, "status", "-socket", sock).Output()
	if err != nil {
		return 0, fmt.Errorf("unitd status: %w", err)
	}
	var s struct {
		Pid     int  `json:"pid"`
		Running bool `json:"running"`
	}
	if err := json.Unmarshal(out, &s); err != nil || !s.Running {
		return 0, fmt.Errorf("unitd status %q: not running (%v)", out, err)
	}
	return s.Pid, nil
}

func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 0, 64) + " ms"
}

// findGeth returns .tools/bin/geth, else geth on PATH.
func findGeth(root string) (string, error) {
	p := filepath.Join(root, ".tools", "bin", "geth")
	if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
		return p, nil
	}
	if p, err := exec.LookPath("geth"); err == nil {
		return p, nil
	}
	return "", errors.New("geth not found in .tools/bin or PATH: run scripts/install-test-tools.sh")
}

// tail returns the end of a log file for error messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "--- geth output ---\n" + string(b)
}
