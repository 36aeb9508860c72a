package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/devnet"
)

// lpopsProc is `lpops run` as a separate process.
type lpopsProc struct {
	cmd     *exec.Cmd
	LogPath string
	// API is the address lpops' HTTP surface listens on, from its start log.
	API  string
	done chan error
}

// buildLpops builds ./cmd/lpops of the module the bench runs in into dir.
func buildLpops(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("find the module: run from inside the lpops module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "lpops")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/lpops")
	build.Dir = filepath.Dir(gomod)
	if b, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/lpops: %w\n%s", err, b)
	}
	return bin, nil
}

// endpoint is one entry of the config's rpc list.
type endpoint struct{ Name, URL string }

// lpopsConfig is what the bench tells lpops. Everything it leaves out takes
// lpops' default.
type lpopsConfig struct {
	RPC           []endpoint
	Controller    common.Address
	Orchestrator  common.Address
	NodeURL       string
	ProbeInterval time.Duration
	// ChainInterval and RPCInterval are probes.chain_interval and
	// probes.rpc.interval.
	ChainInterval, RPCInterval time.Duration
	MaxLagBlocks               uint64
	WarnETH                    float64
	// Hook and SecretFile configure the webhook channel; empty: no channel.
	Hook, SecretFile string
	StateDir         string
}

// writeConfig writes an observe-mode configuration (no signer needed).
func writeConfig(path string, c lpopsConfig) error {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("# Written by bench/detect.")
	w("network: custom")
	w("chain_id: %d", devnet.ChainID)
	w("controller: %q", c.Controller.Hex())
	w("orchestrator: %q", c.Orchestrator.Hex())
	w("rpc:")
	for _, e := range c.RPC {
		w("  - name: %s\n    url: %s", e.Name, e.URL)
	}
	if c.MaxLagBlocks > 0 {
		w("chain:\n  max_lag_blocks: %d", c.MaxLagBlocks)
	}
	w("node:\n  cli_url: %s", c.NodeURL)
	w("reward:\n  mode: observe")
	w("probes:\n  interval: %s\n  chain_interval: %s\n  rpc:\n    interval: %s\n  releases:\n    url: \"\"", c.ProbeInterval, c.ChainInterval, c.RPCInterval)
	if c.WarnETH > 0 {
		w("  accounts:\n    warn_eth: %g", c.WarnETH)
	}
	if c.Hook != "" {
		w("alerts:\n  channels:\n    - name: bench\n      type: webhook\n      url: %s\n      secret_file: %s", c.Hook, c.SecretFile)
	}
	w("state_dir: %s", c.StateDir)
	w("listen: 127.0.0.1:0")
	w("log:\n  level: info")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// startLpops runs `bin run --config cfg`, logging to logPath, and waits for
// its start line to learn the API address.
func startLpops(ctx context.Context, bin, cfg, logPath string) (*lpopsProc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "run", "--config", cfg)
	cmd.Stdout = logf
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start lpops: %w", err)
	}
	p := &lpopsProc{cmd: cmd, LogPath: logPath, done: make(chan error, 1)}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = logf.Write(append(line, '\n'))
			var ev struct {
				Msg    string `json:"msg"`
				Listen string `json:"listen"`
			}
			if json.Unmarshal(line, &ev) == nil && ev.Msg == "lpops started" {
				select {
				case listening <- ev.Listen:
				default:
				}
			}
		}
		_, _ = io.Copy(logf, stderr)
		p.done <- cmd.Wait()
		logf.Close()
	}()
	select {
	case p.API = <-listening:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("lpops exited before starting (%v); see %s", err, logPath)
	case <-time.After(30 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("lpops did not start within 30s; see %s", logPath)
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	}
}

// Stop sends SIGTERM and waits, killing it after 10 seconds.
func (p *lpopsProc) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
