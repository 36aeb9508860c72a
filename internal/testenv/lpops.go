package testenv

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Lpops is an lpops daemon (`lpops run`) that a test started from the built
// binary on a config file it wrote, and an HTTP client for its API.
type Lpops struct {
	// Config is the path of the config file; Base is http://listen.
	Config, Base string
	// Proc is the current process; Restart replaces it.
	Proc *Proc

	t       testing.TB
	bin     string
	ready   func(*Lpops) bool
	what    string
	timeout time.Duration
	client  *http.Client

	// The last status document read and the last error reading one, shown
	// when the test fails.
	last    string
	lastErr error
}

// LpopsOptions configures StartLpops.
type LpopsOptions struct {
	// Dir holds the config file (lpops.yaml); empty = a new t.TempDir().
	Dir string
	// Config is the YAML config without `listen`: StartLpops appends a
	// loopback listen address on a free port.
	Config string
	// Ready reports whether lpops has started far enough for the test to go
	// on; Start and Restart wait for it (Timeout, default 30s). Nil = the
	// status endpoint answers.
	Ready     func(*Lpops) bool
	ReadyWhat string // what Ready waits for, for the failure message
	Timeout   time.Duration
}

// StartLpops writes o.Config with a free listen port into o.Dir, runs
// `lpops run --config` and waits until o.Ready holds. It tries another port
// when lpops cannot bind the first (another process took it between
// FreePort and the bind). The process dies with the test; if the test fails
// the last status document read is logged.
func StartLpops(t testing.TB, o LpopsOptions) *Lpops {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	if o.Ready == nil {
		o.Ready = func(l *Lpops) bool { _, err := l.Get("/api/v1/status"); return err == nil }
	}
	if o.ReadyWhat == "" {
		o.ReadyWhat = "lpops to start"
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	l := &Lpops{
		Config: filepath.Join(o.Dir, "lpops.yaml"),
		t:      t, bin: BuildLpops(t), ready: o.Ready, what: o.ReadyWhat, timeout: o.Timeout,
		client: &http.Client{Timeout: 5 * time.Second},
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if l.last != "" {
			t.Logf("last /api/v1/status of lpops:\n%s", l.last)
		}
		if l.lastErr != nil {
			t.Logf("last error reading the status: %v", l.lastErr)
		}
	})
	for attempt := 1; ; attempt++ {
		port := FreePort(t)
		cfg := o.Config + fmt.Sprintf("listen: 127.0.0.1:%d\n", port)
		if err := os.WriteFile(l.Config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		l.Base = fmt.Sprintf("http://127.0.0.1:%d", port)
		if l.start() || attempt == 3 {
			break
		}
	}
	if l.Proc.Exited() {
		t.Fatalf("lpops exited at start (exit code %d):\n%s", l.Proc.ExitCode(), l.Proc.Output())
	}
	return l
}

// start runs lpops and waits until it is ready or has exited. It returns
// false if lpops could not bind its listen port.
func (l *Lpops) start() bool {
	l.t.Helper()
	l.Proc = StartProc(l.t, l.bin, []string{"run", "--config", l.Config}, nil)
	var bindErr bool
	WaitFor(l.t, l.timeout, l.what, func() bool {
		if l.Proc.Exited() {
			bindErr = strings.Contains(l.Proc.Output(), "address already in use")
			return true
		}
		return l.ready(l)
	})
	return !bindErr
}

// Restart starts lpops again on the same config and state directory (the
// previous process must have exited) and waits until it is ready, as long
// as StartLpops would.
func (l *Lpops) Restart() {
	l.t.Helper()
	if !l.start() {
		l.t.Fatalf("restarted lpops could not bind its port again:\n%s", l.Proc.Output())
	}
	if l.Proc.Exited() {
		l.t.Fatalf("restarted lpops exited (exit code %d):\n%s", l.Proc.ExitCode(), l.Proc.Output())
	}
}

// Stop sends sig to lpops and waits until it has exited; after SIGTERM it
// must exit with status 0.
func (l *Lpops) Stop(sig syscall.Signal) {
	l.t.Helper()
	if err := l.Proc.Signal(sig); err != nil {
		l.t.Fatal(err)
	}
	err := l.Proc.Wait(l.t, 15*time.Second)
	if sig == syscall.SIGTERM && err != nil {
		l.t.Fatalf("lpops exited with %v after SIGTERM, want exit status 0\n%s", err, l.Proc.Output())
	}
}

// Get fetches path from lpops' HTTP API; a status other than 200 is an
// error that carries the body.
func (l *Lpops) Get(path string) ([]byte, error) {
	resp, err := l.client.Get(l.Base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, b)
	}
	return b, nil
}

// Do sends req with the client Get uses (5 s timeout).
func (l *Lpops) Do(req *http.Request) (*http.Response, error) { return l.client.Do(req) }

// GetJSON fetches path and decodes it into v, failing the test on any error.
func (l *Lpops) GetJSON(path string, v any) {
	l.t.Helper()
	b, err := l.Get(path)
	if err != nil {
		l.t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		l.t.Fatalf("decode %s: %v\n%s", path, err, b)
	}
}

// Status reads /api/v1/status into v, keeping the document for the failure
// report.
func (l *Lpops) Status(v any) error {
	b, err := l.Get("/api/v1/status")
	if err != nil {
		l.lastErr = err
		return err
	}
	l.last = string(b)
	if err := json.Unmarshal(b, v); err != nil {
		l.lastErr = fmt.Errorf("decode status: %w", err)
		return l.lastErr
	}
	return nil
}

// WaitStatus polls /api/v1/status, decoded into a T, until cond holds, and
// returns that status. It fails at once if lpops exits.
func WaitStatus[T any](l *Lpops, timeout time.Duration, what string, cond func(*T) bool) *T {
	l.t.Helper()
	return waitDoc(l, timeout, what, l.Status, cond)
}

// WaitGet polls path, decoded into a T, until cond holds, and returns that
// document. It fails at once if lpops exits.
func WaitGet[T any](l *Lpops, path string, timeout time.Duration, what string, cond func(*T) bool) *T {
	l.t.Helper()
	return waitDoc(l, timeout, what, func(v any) error {
		b, err := l.Get(path)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	}, cond)
}

func waitDoc[T any](l *Lpops, timeout time.Duration, what string, read func(any) error, cond func(*T) bool) *T {
	l.t.Helper()
	var got *T
	WaitFor(l.t, timeout, what, func() bool {
		if l.Proc.Exited() {
			l.t.Fatalf("lpops exited (code %d) while waiting for %s:\n%s", l.Proc.ExitCode(), what, l.Proc.Output())
		}
		v := new(T)
		if err := read(v); err != nil || !cond(v) {
			return false
		}
		got = v
		return true
	})
	return got
}

var labelRE = regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)

// Metric returns the value of the first series of name in /metrics whose
// labels include the given name/value pairs; it fails the test if there is
// none.
func (l *Lpops) Metric(name string, labels ...string) float64 {
	l.t.Helper()
	b, err := l.Get("/metrics")
	if err != nil {
		l.t.Fatal(err)
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
lines:
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		i := strings.LastIndex(line, " ")
		if i < 0 {
			continue
		}
		got := map[string]string{}
		for _, m := range labelRE.FindAllStringSubmatch(line[:i], -1) {
			got[m[1]] = m[2]
		}
		for k, v := range want {
			if got[k] != v {
				continue lines
			}
		}
		f, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			l.t.Fatalf("metric line %q: %v", line, err)
		}
		return f
	}
	l.t.Fatalf("no %s%v in /metrics", name, labels)
	return 0
}
