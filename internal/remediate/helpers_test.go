package remediate

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testenv"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a remediator's surroundings: a real store and a real alert engine
// on the same clock.
type env struct {
	st     *store.Store
	alerts *alert.Engine
	reg    *prometheus.Registry
	now    func() time.Time
}

func newEnv(t *testing.T, now func() time.Time) *env {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if now == nil {
		now = time.Now
	}
	eng, err := alert.New(alert.Options{Store: st, Now: now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{st: st, alerts: eng, reg: prometheus.NewRegistry(), now: now}
}

// remediator builds a Remediator over e with the given runbooks; o's
// Store, Alerts, Sink, Now, Logger and Registerer are filled in when unset.
func (e *env) remediator(t *testing.T, o Options, books ...Runbook) *Remediator {
	t.Helper()
	o.Runbooks = append(o.Runbooks, books...)
	if o.Store == nil {
		o.Store = e.st
	}
	if o.Alerts == nil {
		o.Alerts = e.alerts
	}
	if o.Sink == nil {
		o.Sink = e.alerts
	}
	if o.Now == nil {
		o.Now = e.now
	}
	if o.Logger == nil {
		o.Logger = testLogger(t)
	}
	if o.Registerer == nil {
		e.reg = prometheus.NewRegistry()
		o.Registerer = e.reg
	}
	if o.PollInterval == 0 {
		o.PollInterval = 50 * time.Millisecond
	}
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fire observes a firing alert in the engine.
func (e *env) fire(name string, labels map[string]string) {
	e.alerts.Observe(alert.Observation{Name: name, Labels: labels, Severity: alert.Critical, Firing: true, Summary: name + " fires"})
}

func (e *env) resolve(name string, labels map[string]string) {
	e.alerts.Observe(alert.Observation{Name: name, Labels: labels, Severity: alert.Critical, Firing: false})
}

// alertState returns the state of the alert name{labels}, or "" if the
// engine has none.
func (e *env) alertState(name string, labels map[string]string) string {
	fp := alert.Fingerprint(name, labels)
	for _, a := range e.alerts.Doc().Alerts {
		if a.Fingerprint == fp {
			return a.Status
		}
	}
	return ""
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// runs returns the audit log, newest first.
func runs(t *testing.T, r *Remediator) []Run {
	t.Helper()
	rs, err := r.Runs(1000)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// counter reads a counter or gauge of the remediator's registry.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := want[lp.GetName()]; ok && v != lp.GetValue() {
					continue metric
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	t.Fatalf("no metric %s%v", name, labels)
	return 0
}

// lines counts the lines of a file; 0 if it does not exist.
func lines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// sh is the absolute path of sh, for commands that need a script.
func sh(t *testing.T) string {
	t.Helper()
	p, _ := filepath.Abs(testenv.RequireTool(t, "sh"))
	return p
}

var helpers struct {
	once  sync.Once
	unitd string
	node  string
	err   error
}

// buildHelpers builds the test programs in testdata (unitd, node) once per
// test binary.
func buildHelpers(t *testing.T) (unitd, node string) {
	t.Helper()
	root := testenv.RepoRoot(t)
	helpers.once.Do(func() {
		dir, err := os.MkdirTemp("", "lpops-remediate-helpers-")
		if err != nil {
			helpers.err = err
			return
		}
		cmd := exec.Command("go", "build", "-o", dir+"/",
			"./internal/remediate/testdata/unitd", "./internal/remediate/testdata/node")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			helpers.err = fmt.Errorf("go build helpers: %v\n%s", err, out)
			return
		}
		helpers.unitd, helpers.node = filepath.Join(dir, "unitd"), filepath.Join(dir, "node")
	})
	if helpers.err != nil {
		t.Fatal(helpers.err)
	}
	return helpers.unitd, helpers.node
}

func TestMain(m *testing.M) {
	code := m.Run()
	if helpers.unitd != "" {
		os.RemoveAll(filepath.Dir(helpers.unitd))
	}
	os.Exit(code)
}
