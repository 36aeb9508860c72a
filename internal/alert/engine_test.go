package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// fakeClock is the injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is a Notifier that records what it accepted. While down returns
// true it refuses everything, as a channel that is down does.
type recorder struct {
	name string
	down func() bool

	mu       sync.Mutex
	got      []notify.Notification
	attempts int
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Type() string { return "test" }

func (r *recorder) Notify(_ context.Context, n notify.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if r.down != nil && r.down() {
		return errors.New("connection refused")
	}
	r.got = append(r.got, n)
	return nil
}

// received lists what was accepted as "status alertname repeat".
func (r *recorder) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []string{}
	for _, n := range r.got {
		out = append(out, fmt.Sprintf("%s %s %d", n.Status, n.Alertname, n.Repeat))
	}
	return out
}

func (r *recorder) notifications() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notification(nil), r.got...)
}

// harness is an engine over a real store in a temporary directory.
type harness struct {
	t     *testing.T
	dir   string
	clock *fakeClock
	st    *store.Store
	e     *Engine
	reg   *prometheus.Registry
	chans []*recorder
	opts  func(*Options)
}

func newHarness(t *testing.T, opts func(*Options), chans ...*recorder) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), clock: newClock(), chans: chans, opts: opts}
	h.open()
	t.Cleanup(func() { h.st.Close() })
	return h
}

// open opens the store and builds an engine over it.
func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(h.dir)
	if err != nil {
		h.t.Fatal(err)
	}
	h.st = st
	h.build(st)
}

func (h *harness) build(st Store) {
	h.t.Helper()
	h.reg = prometheus.NewRegistry()
	var ns []notify.Notifier
	for _, c := range h.chans {
		ns = append(ns, c)
	}
	o := Options{Store: st, Notifiers: ns, Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler), Registerer: h.reg}
	if h.opts != nil {
		h.opts(&o)
	}
	e, err := New(o)
	if err != nil {
		h.t.Fatal(err)
	}
	h.e = e
}

// restart closes the store, as a killed process leaves it, and starts a new
// engine on it.
func (h *harness) restart() {
	h.t.Helper()
	if err := h.st.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

// step moves the clock, evaluates and runs one delivery pass.
func (h *harness) step(d time.Duration) {
	h.clock.Advance(d)
	h.e.Evaluate()
	h.e.Deliver(context.Background())
}

func (h *harness) observe(obs ...Observation) {
	h.e.Observe(obs...)
	h.e.Deliver(context.Background())
}

func firing(name string, sev Severity, labels ...string) Observation {
	return Observation{Name: name, Labels: labelMap(labels), Severity: sev, Firing: true, Summary: name + " is firing"}
}

func resolved(name string, labels ...string) Observation {
	return Observation{Name: name, Labels: labelMap(labels)}
}

func labelMap(kv []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func want(t *testing.T, r *recorder, w ...string) {
	t.Helper()
	got := r.received()
	if w == nil {
		w = []string{}
	}
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Fatalf("channel %s received:\n  %s\nwant:\n  %s", r.name, strings.Join(got, "\n  "), strings.Join(w, "\n  "))
	}
}

func TestFiringNotifiesEachChannelOnce(t *testing.T) {
	a, b := &recorder{name: "a"}, &recorder{name: "b"}
	h := newHarness(t, nil, a, b)
	obs := firing("NodeDown", Critical, "node", "n1")
	obs.Description = "GET /status: connection refused"
	h.observe(obs)
	h.step(10 * time.Second)
	h.observe(obs)
	want(t, a, "firing NodeDown 0")
	want(t, b, "firing NodeDown 0")
	n := a.notifications()[0]
	if n.Fingerprint != Fingerprint("NodeDown", map[string]string{"node": "n1"}) || n.Severity != "critical" ||
		n.Labels["node"] != "n1" || n.Summary != "NodeDown is firing" || n.Description != obs.Description ||
		!n.StartsAt.Equal(newClock().Now()) || !n.EndsAt.IsZero() || n.ID == "" {
		t.Fatalf("notification %+v", n)
	}
	if got := value(t, h.e.m.firing.WithLabelValues("critical")); got != 1 {
		t.Fatalf("lpops_alerts_firing{severity=critical} = %v, want 1", got)
	}
	if got := value(t, h.e.m.notifications.WithLabelValues("a", "firing", "sent")); got != 1 {
		t.Fatalf("sent = %v, want 1", got)
	}
}

func TestRepeatAfterInterval(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		Severity Severity
		Interval time.Duration
	}{
		{"Critical", Critical, time.Hour},
		{"Warning", Warning, 4 * time.Hour},
		{"Info", Info, 24 * time.Hour},
		{"Configured", Warning, 90 * time.Minute},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := &recorder{name: "ops"}
			h := newHarness(t, func(o *Options) {
				if tc.Name == "Configured" {
					o.RepeatInterval = map[Severity]time.Duration{Warning: tc.Interval}
				}
			}, r)
			h.observe(firing("LowBalance", tc.Severity))
			h.step(tc.Interval - time.Second)
			want(t, r, "firing LowBalance 0")
			h.step(time.Second)
			want(t, r, "firing LowBalance 0", "firing LowBalance 1")
			h.step(tc.Interval)
			want(t, r, "firing LowBalance 0", "firing LowBalance 1", "firing LowBalance 2")
			ns := r.notifications()
			if ns[0].ID == ns[1].ID || !ns[0].StartsAt.Equal(ns[2].StartsAt) {
				t.Fatalf("repeats: ids %q %q, starts %v %v", ns[0].ID, ns[1].ID, ns[0].StartsAt, ns[2].StartsAt)
			}
		})
	}
}

func TestResolvedNotice(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	h.observe(firing("NodeDown", Critical))
	h.step(time.Minute)
	h.observe(resolved("NodeDown"))
	h.step(time.Minute)
	h.observe(resolved("NodeDown"))
	h.step(2 * time.Hour)
	want(t, r, "firing NodeDown 0", "resolved NodeDown 1")
	n := r.notifications()[1]
	if !n.EndsAt.Equal(newClock().Now().Add(time.Minute)) || n.Fingerprint != r.notifications()[0].Fingerprint {
		t.Fatalf("resolved notice %+v", n)
	}
	// Firing again is a new episode: a new start, repeat 0.
	h.observe(firing("NodeDown", Critical))
	want(t, r, "firing NodeDown 0", "resolved NodeDown 1", "firing NodeDown 0")
	if ns := r.notifications(); ns[2].StartsAt.Equal(ns[0].StartsAt) {
		t.Fatal("new episode kept the old StartsAt")
	}
}

func TestNonFiringObservationOfUnknownAlertCreatesNothing(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	h.observe(resolved("NodeDown"))
	if d := h.e.Doc(); len(d.Alerts) != 0 {
		t.Fatalf("alerts %+v", d.Alerts)
	}
	want(t, r)
}

func TestSeverityEscalationNotifiesAtOnce(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	h.observe(firing("LowBalance", Warning))
	h.step(time.Minute)
	h.observe(firing("LowBalance", Critical))
	h.step(time.Minute)
	h.observe(firing("LowBalance", Warning)) // a downgrade waits for the repeat
	want(t, r, "firing LowBalance 0", "firing LowBalance 1")
	if n := r.notifications()[1]; n.Severity != "critical" {
		t.Fatalf("escalation sent as %s", n.Severity)
	}
}

func TestRoutesBySeverity(t *testing.T) {
	pager, chat := &recorder{name: "pager"}, &recorder{name: "chat"}
	h := newHarness(t, func(o *Options) {
		o.Routes = map[string][]Severity{"pager": {Critical}}
	}, pager, chat)
	h.observe(firing("NewRelease", Info))
	h.observe(firing("RewardMissed", Critical))
	h.observe(resolved("NewRelease"))
	h.observe(resolved("RewardMissed"))
	want(t, pager, "firing RewardMissed 0", "resolved RewardMissed 1")
	want(t, chat, "firing NewRelease 0", "firing RewardMissed 0", "resolved NewRelease 1", "resolved RewardMissed 1")
}

// chainDown is the outage alert that inhibits alerts requiring "chain".
func chainDown(firingNow bool) Observation {
	return Observation{Name: "ChainUnreadable", Severity: Critical, Firing: firingNow, Summary: "no RPC endpoint answers", Provides: "chain"}
}

func dependent(name string, firingNow bool) Observation {
	return Observation{Name: name, Severity: Critical, Firing: firingNow, Summary: name, Requires: "chain"}
}

func TestInhibition(t *testing.T) {
	t.Run("OutageSuppressesDependentsAndRaisesItsOwn", func(t *testing.T) {
		r := &recorder{name: "ops"}
		h := newHarness(t, nil, r)
		h.observe(chainDown(true), dependent("RewardMissed", true), dependent("BalanceUnknown", true))
		h.step(2 * time.Hour) // repeats of the outage only
		want(t, r, "firing ChainUnreadable 0", "firing ChainUnreadable 1")
		for _, a := range h.e.Doc().Alerts {
			if a.Name != "ChainUnreadable" && a.InhibitedBy != "ChainUnreadable" {
				t.Fatalf("%s inhibited by %q", a.Name, a.InhibitedBy)
			}
		}
		// The source recovers; one dependent is still firing when observed
		// again, the other is not: only the first is notified, and the one
		// never notified gets no resolved notice.
		h.step(time.Minute)
		h.observe(chainDown(false))
		h.step(10 * time.Second)
		want(t, r, "firing ChainUnreadable 0", "firing ChainUnreadable 1", "resolved ChainUnreadable 2")
		h.observe(dependent("RewardMissed", true), dependent("BalanceUnknown", false))
		h.step(59 * time.Minute)
		want(t, r, "firing ChainUnreadable 0", "firing ChainUnreadable 1", "resolved ChainUnreadable 2",
			"firing RewardMissed 0")
	})
	t.Run("NotifiedDependentResumesAtItsRepeat", func(t *testing.T) {
		r := &recorder{name: "ops"}
		h := newHarness(t, nil, r)
		h.observe(dependent("RewardMissed", true))
		h.step(time.Minute)
		h.observe(chainDown(true))
		h.step(59 * time.Minute) // the dependent's repeat falls due while inhibited
		want(t, r, "firing RewardMissed 0", "firing ChainUnreadable 0")
		h.observe(chainDown(false))
		h.step(time.Second)
		h.observe(dependent("RewardMissed", true))
		h.step(time.Second)
		want(t, r, "firing RewardMissed 0", "firing ChainUnreadable 0", "resolved ChainUnreadable 1", "firing RewardMissed 1")
	})
	t.Run("TwoProbesOneOutageOneNotice", func(t *testing.T) {
		// The keeper's ChainUnreadable provides the chain and requires it
		// too, with a hold; the RPC probe's ChainUnavailable provides it.
		unreadable := func(f bool) Observation {
			o := chainDown(f)
			o.Requires, o.Hold = "chain", 30*time.Second
			return o
		}
		unavailable := func(f bool) Observation {
			return Observation{Name: "ChainUnavailable", Severity: Critical, Firing: f, Summary: "no endpoint", Provides: "chain"}
		}
		r := &recorder{name: "ops"}
		h := newHarness(t, nil, r)
		// The keeper notices first, the RPC probe 20 s later.
		h.observe(unreadable(true), dependent("RewardMissed", true))
		h.step(20 * time.Second)
		h.observe(unavailable(true), unreadable(true))
		h.step(10 * time.Minute)
		want(t, r, "firing ChainUnavailable 0")
		// The RPC probe sees the recovery first; the keeper still fails for
		// 20 s (its backoff), then reads again.
		h.observe(unavailable(false))
		h.step(10 * time.Second)
		h.observe(unreadable(true))
		h.step(10 * time.Second)
		h.observe(unreadable(false), dependent("RewardMissed", false))
		h.step(time.Hour)
		want(t, r, "firing ChainUnavailable 0", "resolved ChainUnavailable 1")

		// The keeper alone cannot read (the endpoints are fine): its alert
		// is notified once the hold is over.
		h.observe(unreadable(true))
		h.step(29 * time.Second)
		h.observe(unreadable(true))
		want(t, r, "firing ChainUnavailable 0", "resolved ChainUnavailable 1")
		h.step(time.Second)
		want(t, r, "firing ChainUnavailable 0", "resolved ChainUnavailable 1", "firing ChainUnreadable 0")
	})
	t.Run("DependentWaitLetsTheOutageArriveFirst", func(t *testing.T) {
		r := &recorder{name: "ops"}
		h := newHarness(t, func(o *Options) { o.DependentWait = 30 * time.Second }, r)
		h.observe(dependent("RewardMissed", true))
		h.step(10 * time.Second)
		h.observe(chainDown(true))
		h.step(time.Minute)
		want(t, r, "firing ChainUnreadable 0")
	})
}

func TestSilence(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		Matchers []Matcher
		Silenced bool
	}{
		{"ByName", []Matcher{{"alertname", "NodeDown"}}, true},
		{"ByNameAndLabel", []Matcher{{"alertname", "NodeDown"}, {"node", "n1"}}, true},
		{"OtherLabel", []Matcher{{"alertname", "NodeDown"}, {"node", "n2"}}, false},
		{"OtherName", []Matcher{{"alertname", "LowBalance"}}, false},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := &recorder{name: "ops"}
			h := newHarness(t, nil, r)
			s, err := h.e.AddSilence(Silence{Matchers: tc.Matchers, Until: h.clock.Now().Add(2 * time.Hour), Comment: "maintenance", CreatedBy: "test"})
			if err != nil {
				t.Fatal(err)
			}
			h.observe(firing("NodeDown", Critical, "node", "n1"))
			if !tc.Silenced {
				want(t, r, "firing NodeDown 0")
				return
			}
			h.step(time.Hour + 59*time.Minute)
			want(t, r)
			if a := h.e.Doc().Alerts[0]; a.SilencedBy != s.ID {
				t.Fatalf("silenced_by %q, want %q", a.SilencedBy, s.ID)
			}
			h.step(time.Minute)
			want(t, r, "firing NodeDown 0")
			if d := h.e.Doc(); len(d.Silences) != 0 {
				t.Fatalf("expired silence kept: %+v", d.Silences)
			}
		})
	}
}

func TestSilenceOfNotifiedAlert(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	h.observe(firing("NodeDown", Critical))
	h.observe(firing("Other", Info))
	s, err := h.e.AddSilence(Silence{Matchers: []Matcher{{"alertname", "NodeDown"}}, Until: h.clock.Now().Add(6 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	h.step(3 * time.Hour) // no repeat while silenced
	want(t, r, "firing NodeDown 0", "firing Other 0")
	// Removing the silence notifies the still-firing alert at once.
	if err := h.e.RemoveSilence(s.ID); err != nil {
		t.Fatal(err)
	}
	h.step(0)
	want(t, r, "firing NodeDown 0", "firing Other 0", "firing NodeDown 1")
	// Resolved while silenced: the notice waits for the silence to end.
	if _, err := h.e.AddSilence(Silence{Matchers: []Matcher{{"alertname", "NodeDown"}}, Until: h.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.observe(resolved("NodeDown"))
	h.step(59 * time.Minute)
	want(t, r, "firing NodeDown 0", "firing Other 0", "firing NodeDown 1")
	h.step(time.Minute)
	want(t, r, "firing NodeDown 0", "firing Other 0", "firing NodeDown 1", "resolved NodeDown 2")
}

func TestSilenceValidationAndRemoval(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, func(o *Options) {
		o.Silences = []Silence{{Matchers: []Matcher{{"alertname", "NewRelease"}}, Until: newClock().Now().Add(24 * time.Hour)}}
	}, r)
	now := h.clock.Now()
	for _, tc := range []struct {
		Name  string
		S     Silence
		Field string
	}{
		{"NoMatchers", Silence{Until: now.Add(time.Hour)}, "matchers"},
		{"EmptyName", Silence{Matchers: []Matcher{{"", "x"}}, Until: now.Add(time.Hour)}, "matchers[0].name"},
		{"Past", Silence{Matchers: []Matcher{{"alertname", "x"}}, Until: now}, "until"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := h.e.AddSilence(tc.S)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.Field {
				t.Fatalf("AddSilence = %v, want a FieldError on %s", err, tc.Field)
			}
		})
	}
	d := h.e.Doc()
	if len(d.Silences) != 1 || !d.Silences[0].Static {
		t.Fatalf("silences %+v", d.Silences)
	}
	if err := h.e.RemoveSilence(d.Silences[0].ID); !errors.Is(err, ErrStaticSilence) {
		t.Fatalf("remove static = %v", err)
	}
	if err := h.e.RemoveSilence("nope"); !errors.Is(err, ErrSilenceNotFound) {
		t.Fatalf("remove unknown = %v", err)
	}
	h.observe(firing("NewRelease", Info))
	want(t, r)
}

func TestSilencePersists(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	if _, err := h.e.AddSilence(Silence{Matchers: []Matcher{{"alertname", "NodeDown"}}, Until: h.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.restart()
	h.observe(firing("NodeDown", Critical))
	want(t, r)
	h.step(time.Hour)
	want(t, r, "firing NodeDown 0")
}

func TestChannelDownForAnHour(t *testing.T) {
	var down sync.Mutex
	isDown := true
	setDown := func(v bool) { down.Lock(); isDown = v; down.Unlock() }
	flaky := &recorder{name: "flaky", down: func() bool { down.Lock(); defer down.Unlock(); return isDown }}
	healthy := &recorder{name: "healthy"}
	h := newHarness(t, nil, flaky, healthy)

	h.observe(firing("NodeDown", Critical))
	h.observe(firing("LowBalance", Warning))
	for i := 0; i < 360; i++ { // an hour, in 10 s steps
		if i == 180 {
			h.observe(resolved("LowBalance"))
		}
		h.step(10 * time.Second)
	}
	all := []string{"firing NodeDown 0", "firing LowBalance 0", "resolved LowBalance 1", "firing NodeDown 1"}
	want(t, healthy, all...)
	want(t, flaky)
	if st := h.e.Doc().Channels[0]; st.Pending != 4 || st.FailingSince.IsZero() || st.LastError != "connection refused" {
		t.Fatalf("channel status %+v", st)
	}
	attempts := flaky.attempts
	// 10 s doubling to 5 min: 10+20+40+80+160 = 310 s, then every 300 s.
	if attempts < 10 || attempts > 20 {
		t.Fatalf("%d attempts in an hour; want backoff capped at 5 minutes", attempts)
	}
	setDown(false)
	for i := 0; i < 31 && len(flaky.received()) < len(all); i++ {
		h.step(10 * time.Second)
	}
	want(t, flaky, all...)
	h.step(10 * time.Minute)
	want(t, flaky, all...)
	if got := value(t, h.e.m.pending.WithLabelValues("flaky")); got != 0 {
		t.Fatalf("lpops_alert_outbox_pending = %v", got)
	}
	if got := value(t, h.e.m.deliveryErrors.WithLabelValues("flaky")); got != float64(attempts) {
		t.Fatalf("lpops_alert_delivery_errors_total = %v, want %d", got, attempts)
	}
}

func TestRestart(t *testing.T) {
	t.Run("WhileFiring", func(t *testing.T) {
		r := &recorder{name: "ops"}
		h := newHarness(t, nil, r)
		h.observe(firing("NodeDown", Critical))
		h.step(10 * time.Minute)
		h.restart()
		h.observe(firing("NodeDown", Critical))
		h.step(10 * time.Minute)
		want(t, r, "firing NodeDown 0")
		h.step(40 * time.Minute) // the repeat keeps its schedule
		want(t, r, "firing NodeDown 0", "firing NodeDown 1")
		h.restart()
		h.observe(resolved("NodeDown"))
		want(t, r, "firing NodeDown 0", "firing NodeDown 1", "resolved NodeDown 2")
	})
	t.Run("WithUndeliveredOutbox", func(t *testing.T) {
		down := true
		r := &recorder{name: "ops", down: func() bool { return down }}
		h := newHarness(t, nil, r)
		h.observe(firing("NodeDown", Critical))
		h.observe(resolved("NodeDown"))
		h.restart()
		down = false
		h.step(0)
		want(t, r, "firing NodeDown 0", "resolved NodeDown 1")
		h.restart()
		h.step(time.Hour)
		want(t, r, "firing NodeDown 0", "resolved NodeDown 1")
	})
}

// faultyStore fails the first write that fail matches.
type faultyStore struct {
	*store.Store
	fail func(bucket string, v any) bool
	done bool
}

func (f *faultyStore) Put(bucket string, key []byte, v any) error {
	if !f.done && f.fail(bucket, v) {
		f.done = true
		return errors.New("disk full")
	}
	return f.Store.Put(bucket, key, v)
}

func TestCrashWhileQueueing(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Fail func(bucket string, v any) bool
	}{
		// The intent is persisted, the outbox write fails, then the process dies.
		{"BeforeOutbox", func(b string, _ any) bool { return strings.HasPrefix(b, bucketOutbox) }},
		// The outbox has it; clearing the intent fails, then the process dies.
		{"BeforeIntentCleared", func(b string, v any) bool {
			e, ok := v.(*entry)
			return b == bucketState && ok && e.Pending == nil && e.Sent == 1
		}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := &recorder{name: "ops"}
			h := newHarness(t, nil, r)
			fs := &faultyStore{Store: h.st, fail: tc.Fail}
			h.build(fs)
			h.e.Observe(firing("NodeDown", Critical))
			if !fs.done {
				t.Fatal("the fault was not injected")
			}
			h.restart() // without delivering: the crash
			h.step(0)
			h.observe(firing("NodeDown", Critical))
			h.step(time.Minute)
			want(t, r, "firing NodeDown 0")
		})
	}
}

func TestOutboxCap(t *testing.T) {
	down := true
	r := &recorder{name: "ops", down: func() bool { return down }}
	h := newHarness(t, func(o *Options) { o.MaxPending = 3 }, r)
	for i := range 5 {
		h.observe(firing(fmt.Sprintf("Alert%d", i), Warning))
		h.clock.Advance(time.Second)
	}
	if st := h.e.Doc().Channels[0]; st.Pending != 3 {
		t.Fatalf("pending %d, want 3", st.Pending)
	}
	if got := value(t, h.e.m.notifications.WithLabelValues("ops", "firing", "dropped")); got != 2 {
		t.Fatalf("dropped = %v, want 2", got)
	}
	down = false
	h.step(time.Hour)
	want(t, r, "firing Alert2 0", "firing Alert3 0", "firing Alert4 0")
}

func TestRetentionForgetsSettledAlerts(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, func(o *Options) { o.ResolvedRetention = time.Hour }, r)
	h.observe(firing("NodeDown", Critical))
	h.observe(resolved("NodeDown"))
	h.step(59 * time.Minute)
	if n := len(h.e.Doc().Alerts); n != 1 {
		t.Fatalf("%d alerts, want the resolved one listed", n)
	}
	h.step(time.Minute)
	h.restart()
	if n := len(h.e.Doc().Alerts); n != 0 {
		t.Fatalf("%d alerts after the retention", n)
	}
}

func TestFingerprint(t *testing.T) {
	for _, tc := range []struct {
		Name string
		A, B Observation
		Same bool
	}{
		{"LabelOrder", firing("X", Info, "a", "1", "b", "2"), firing("X", Info, "b", "2", "a", "1"), true},
		{"LabelValue", firing("X", Info, "a", "1"), firing("X", Info, "a", "2"), false},
		{"Name", firing("X", Info), firing("Y", Info), false},
		{"NoSplice", firing("X", Info, "a", "bc"), firing("X", Info, "ab", "c"), false},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			fa, fb := Fingerprint(tc.A.Name, tc.A.Labels), Fingerprint(tc.B.Name, tc.B.Labels)
			if (fa == fb) != tc.Same || len(fa) != 16 {
				t.Fatalf("%s vs %s", fa, fb)
			}
		})
	}
}

func TestRunDelivers(t *testing.T) {
	r := &recorder{name: "ops"}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := New(Options{Store: st, Notifiers: []notify.Notifier{r}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	e.Observe(firing("NodeDown", Critical))
	deadline := time.Now().Add(5 * time.Second)
	for len(r.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want(t, r, "firing NodeDown 0")
}

// value reads the one counter or gauge c collects (prometheus/testutil
// needs a module go.mod does not require).
func value(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	go func() { c.Collect(ch); close(ch) }()
	var values []float64
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		switch {
		case pb.Counter != nil:
			values = append(values, pb.Counter.GetValue())
		case pb.Gauge != nil:
			values = append(values, pb.Gauge.GetValue())
		}
	}
	if len(values) != 1 {
		t.Fatalf("collected %d values, want 1", len(values))
	}
	return values[0]
}

// routedRecorder filters severities itself, as notify's channels do with
// their severities key.
type routedRecorder struct {
	*recorder
	only string
}

func (r routedRecorder) Receives(severity string) bool { return severity == r.only }

func TestNotifierRoutes(t *testing.T) {
	pager := &recorder{name: "pager"}
	h := newHarness(t, nil)
	e, err := New(Options{Store: h.st, Notifiers: []notify.Notifier{routedRecorder{pager, "critical"}},
		Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.Observe(firing("NewRelease", Info))
	e.Observe(firing("NodeDown", Critical))
	e.Deliver(context.Background())
	want(t, pager, "firing NodeDown 0")
}

func TestFromConfig(t *testing.T) {
	c := config.DefaultAlerts()
	c.RepeatInterval.Warning = config.Duration{Duration: 2 * time.Hour}
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Silences = []config.Silence{{Matchers: []config.Matcher{{Name: "alertname", Value: "NewRelease"}}, Until: config.Time{Time: until}, Comment: "later"}}
	t.Setenv("LPOPS_TEST_HEARTBEAT", "https://hc-ping.com/x")
	c.Heartbeat.URLEnv = "LPOPS_TEST_HEARTBEAT"
	o, err := FromConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if o.RepeatInterval[Warning] != 2*time.Hour || o.RepeatInterval[Critical] != time.Hour || o.MaxPending != 10000 ||
		o.MaxBackoff != 5*time.Minute || o.HeartbeatURL != "https://hc-ping.com/x" || o.HeartbeatInterval != time.Minute ||
		len(o.Silences) != 1 || !o.Silences[0].Until.Equal(until) || o.Silences[0].Matchers[0].Value != "NewRelease" {
		t.Fatalf("options %+v", o)
	}
}

// TestChannelsRouteThemselves keeps the contract with package notify: its
// notifiers apply the channel's severities key through Receives.
func TestChannelsRouteThemselves(t *testing.T) {
	c, err := config.Parse([]byte(`
rpc: [{url: "http://127.0.0.1:8545"}]
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
reward: {mode: observe}
alerts:
  channels:
    - {name: ops, type: webhook, url: "http://127.0.0.1:9/hook", severities: [critical]}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notify.NewAll(c.Alerts.Channels)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := ns[0].(router)
	if !ok || r.Receives("warning") || !r.Receives("critical") {
		t.Fatalf("notifier %T does not route by severity", ns[0])
	}
}

func TestUnreadableRecordsAreSkipped(t *testing.T) {
	r := &recorder{name: "ops"}
	h := newHarness(t, nil, r)
	h.observe(firing("NodeDown", Critical))
	for _, b := range []string{bucketState, bucketSilence, bucketOutbox + "ops"} {
		if err := h.st.Put(b, store.Uint64Key(nil, 0), "not a record"); err != nil {
			t.Fatal(err)
		}
	}
	h.restart()
	h.observe(firing("LowBalance", Warning))
	want(t, r, "firing NodeDown 0", "firing LowBalance 0")
	if st := h.e.Doc().Channels[0]; st.Pending != 0 {
		t.Fatalf("pending %d after the unreadable entry", st.Pending)
	}
}

// BenchmarkObserveFleet: one probe run's observations for a fleet of 100
// orchestrators against an engine holding 300 alerts, a third of them
// firing (a stake alert each), a third providing "chain" (a duty alert
// each), all requiring it: what the daemon's Runner hands over per run.
func BenchmarkObserveFleet(b *testing.B) {
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e, err := New(Options{Store: st, Notifiers: []notify.Notifier{&recorder{name: "ops"}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	var obs []Observation
	for i := range 100 {
		orch := map[string]string{"orchestrator": fmt.Sprintf("0x%040x", i)}
		obs = append(obs,
			Observation{Name: "NearActiveSetCutoff", Severity: Warning, Firing: true, Requires: "chain", Labels: orch},
			Observation{Name: "ChainUnreadable", Severity: Critical, Firing: i == 0, Requires: "chain", Provides: "chain", Labels: orch},
			Observation{Name: "BalanceLow", Severity: Warning, Firing: i%2 == 0, Requires: "chain", Labels: orch})
	}
	e.Observe(obs...)
	b.ResetTimer()
	for range b.N {
		e.Observe(obs...)
	}
}
