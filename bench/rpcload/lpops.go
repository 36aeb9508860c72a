package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/devnet"
)

// lpopsConfig is what the bench tells lpops.
type lpopsConfig struct {
	RPC                                                          string
	Controller                                                   common.Address
	Orchestrator                                                 common.Address
	PollInterval, ActivePollInterval, HealthInterval, StuckAfter time.Duration
	GraceBlocks                                                  uint64
	StateDir                                                     string
	ProbeInterval, ProbeChain, ProbeRPC                          time.Duration
}

// writeConfig writes an observe-mode configuration (no signer needed).
func writeConfig(path string, c lpopsConfig) error {
	y := strings.Join([]string{
		"# Written by bench/rpcload: every interval is lpops' default divided by the scale factor.",
		"network: custom",
		fmt.Sprintf("chain_id: %d", devnet.ChainID),
		fmt.Sprintf("controller: %q", c.Controller.Hex()),
		"rpc:",
		"  - name: devnet",
		"    url: " + c.RPC,
		"chain:",
		"  poll_interval: " + c.PollInterval.String(),
		"  active_poll_interval: " + c.ActivePollInterval.String(),
		"  health_interval: " + c.HealthInterval.String(),
		fmt.Sprintf("orchestrator: %q", c.Orchestrator.Hex()),
		"reward:",
		"  mode: observe",
		fmt.Sprintf("  grace_blocks: %d", c.GraceBlocks),
		"  stuck_after: " + c.StuckAfter.String(),
		"probes:",
		"  interval: " + c.ProbeInterval.String(),
		"  chain_interval: " + c.ProbeChain.String(),
		"  rpc:",
		"    interval: " + c.ProbeRPC.String(),
		"  releases:",
		"    url: \"\"",
		"state_dir: " + c.StateDir,
		"listen: 127.0.0.1:0",
		"log:",
		"  level: info",
		"",
	}, "\n")
	return os.WriteFile(path, []byte(y), 0o600)
}

// roundsTotal reads lpops_rounds_total by result from lpops' /metrics.
func roundsTotal(ctx context.Context, p *benchkit.Lpops) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.API+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "lpops_rounds_total{") {
			continue
		}
		i := strings.Index(line, `result="`)
		j := strings.LastIndexByte(line, ' ')
		if i < 0 || j < 0 {
			continue
		}
		res := line[i+len(`result="`):]
		res = res[:strings.IndexByte(res, '"')]
		v, err := strconv.ParseFloat(line[j+1:], 64)
		if err == nil {
			out[res] += v
		}
	}
	return out, sc.Err()
}

// procStat is a process's resource use from /proc.
type procStat struct {
	CPU time.Duration // utime + stime
	// VmRSS, VmHWM (peak RSS), RssAnon (heap, stacks) and RssFile (mapped
	// pages of the binary), in bytes.
	RSS, HWM, Anon, File uint64
}

// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat; 100
// on every Linux architecture Go supports.
const clockTick = 100

func readProc(pid int) (procStat, error) {
	var s procStat
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return s, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return s, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	// f[0] is field 3 (state): utime is field 14, stime field 15.
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return s, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	s.CPU = time.Duration(ut+st) * time.Second / clockTick

	b, err = os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		dst := map[string]*uint64{"VmRSS": &s.RSS, "VmHWM": &s.HWM, "RssAnon": &s.Anon, "RssFile": &s.File}[k]
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return s, fmt.Errorf("/proc/%d/status %s: %w", pid, k, err)
		}
		*dst = kb << 10
	}
	return s, nil
}
