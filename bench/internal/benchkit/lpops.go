// Package benchkit holds what the benchmark commands under bench/ share:
// building lpops, running it as a separate process, and printing figures.
package benchkit

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// BuildLpops builds ./cmd/lpops of the module the bench runs in into dir,
// as scripts/release.sh builds the binary operators install (CGO_ENABLED=0,
// -trimpath: static, with go-ethereum's pure-Go secp256k1), and returns the
// binary's path. Memory figures depend on it: the cgo build maps the C
// library and its loader, and on this machine an idle cgo build had 48 MB
// resident against the static build's 32 MB.
func BuildLpops(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("find the module: run from inside the lpops module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "lpops")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/lpops")
	build.Dir = filepath.Dir(gomod)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/lpops: %w\n%s", err, b)
	}
	return bin, nil
}

// Lpops is `lpops run` as a separate process.
type Lpops struct {
	cmd     *exec.Cmd
	LogPath string
	// API is the address lpops' HTTP surface listens on, from its start log.
	API  string
	done chan error
}

// StartLpops runs `bin run --config cfg` (JSON logs, listen on port 0),
// logging to logPath, and waits for its start line to learn the API address.
func StartLpops(ctx context.Context, bin, cfg, logPath string) (*Lpops, error) {
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
	p := &Lpops{cmd: cmd, LogPath: logPath, done: make(chan error, 1)}
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

// Pid is the process id.
func (p *Lpops) Pid() int { return p.cmd.Process.Pid }

// Stop sends SIGTERM and waits, killing it after 10 seconds.
func (p *Lpops) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Kill sends SIGKILL, as a crash or an OOM kill would, and waits until the
// process is gone.
func (p *Lpops) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
	p.done <- nil // later Stop and Kill calls return at once
}

// Exited reports whether the process has exited.
func (p *Lpops) Exited() bool {
	select {
	case err := <-p.done:
		p.done <- err
		return true
	default:
		return false
	}
}

// Num prints a figure: whole numbers and anything from 100 up without
// decimals, the rest with one.
func Num(v float64) string {
	if v >= 100 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// KV is one entry of a count table.
type KV struct {
	K string
	V int
}

// SortedCounts orders counts by count, highest first, then name.
func SortedCounts(m map[string]int) []KV {
	out := make([]KV, 0, len(m))
	for k, v := range m {
		out = append(out, KV{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].V != out[j].V {
			return out[i].V > out[j].V
		}
		return out[i].K < out[j].K
	})
	return out
}

// NewKey generates a key; it panics only if the system's randomness fails.
func NewKey() *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
}
