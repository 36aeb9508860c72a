package ha

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testenv"
)

// sink is a notification channel that records every attempt; while down it
// refuses them, as a receiver answering 503 does.
type sink struct {
	name string
	down *atomic.Bool

	mu       sync.Mutex
	attempts []string
	got      []notify.Notification
}

func (s *sink) Name() string { return s.name }
func (s *sink) Type() string { return "test" }

func (s *sink) Notify(_ context.Context, n notify.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, n.ID)
	if s.down.Load() {
		return errors.New("503 Service Unavailable")
	}
	s.got = append(s.got, n)
	return nil
}

// seen returns the attempts and the accepted notifications as
// "status alertname".
func (s *sink) seen() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for _, n := range s.got {
		out = append(out, n.Status+" "+n.Alertname)
	}
	return len(s.attempts), out
}

// clock is the engines' clock, moved past every backoff before a delivery.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time { return time.Unix(0, c.t.Load()) }
func (c *clock) step()          { c.t.Add(int64(time.Minute)) }
func newClock() *clock          { c := &clock{}; c.t.Store(time.Now().UnixNano()); return c }
func (in *instance) alertStore() *Store {
	return NewAlertStore(in.cli, "/lpops-test/", in.node.Fence, 3*time.Second)
}

// engine is an alert engine of instance in, sharing its state through etcd
// (alert.Options.Shared), with HAQuorumLost local, as the daemon builds it.
func engine(t *testing.T, in *instance, ch *sink, c *clock) *alert.Engine {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := alert.New(alert.Options{Store: st, Shared: in.alertStore(), Local: []string{AlertHAQuorumLost, AlertHALeaderMissing},
		Notifiers: []notify.Notifier{ch}, Now: c.now, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var stakeLow = alert.Observation{Name: "StakeLow", Labels: map[string]string{"orchestrator": "0x1c"}, Severity: alert.Warning,
	Firing: true, Summary: "stake low"}

func resolved(o alert.Observation) alert.Observation { o.Firing = false; return o }

// TestAlertStoreFenced: the alert store's writes are the leader's: a
// follower's are refused (ErrNotLeader), and so are a deposed leader's,
// by etcd, even while it still believes it leads (ErrFenced); CheckLeader
// says the same without writing.
func TestAlertStoreFenced(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to see a lead", func() bool { return b.node.Status().Leader == "a" })
	as, bs := a.alertStore(), b.alertStore()
	key := store.Uint64Key(nil, 1)
	if err := as.Put("alert.outbox.ops", key, map[string]string{"id": "n1"}); err != nil {
		t.Fatalf("the leader's write: %v", err)
	}
	if err := as.CheckLeader(); err != nil {
		t.Fatalf("the leader's CheckLeader: %v", err)
	}
	for what, err := range map[string]error{
		"Put":         bs.Put("alert.outbox.ops", store.Uint64Key(nil, 2), map[string]string{"id": "n2"}),
		"Delete":      bs.Delete("alert.outbox.ops", key),
		"CheckLeader": bs.CheckLeader(),
	} {
		if !errors.Is(err, ErrNotLeader) {
			t.Errorf("follower's %s: %v, want ErrNotLeader", what, err)
		}
	}
	k, rev, _ := a.node.Fence()
	stale := NewAlertStore(dial(t, c), "/lpops-test/", func() (string, int64, bool) { return k, rev, true }, 3*time.Second)
	a.node.mu.Lock()
	lease := a.node.lease
	a.node.mu.Unlock()
	if _, err := a.cli.Revoke(context.Background(), lease); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"Put":         stale.Put("alert.outbox.ops", store.Uint64Key(nil, 3), map[string]string{"id": "n3"}),
		"Delete":      stale.Delete("alert.outbox.ops", key),
		"CheckLeader": stale.CheckLeader(),
	} {
		if !errors.Is(err, ErrFenced) {
			t.Errorf("deposed leader's %s (stale revision %d): %v, want ErrFenced", what, rev, err)
		}
	}
	var v map[string]string
	if err := bs.Get("alert.outbox.ops", key, &v); err != nil || v["id"] != "n1" {
		t.Fatalf("entry after the refused delete = %v, %v; want n1 still queued", v, err)
	}
}

// TestAlertTakeover: two instances observe the same alert; only the leader
// queues and sends it. Its notification sits undelivered (the channel
// answers 503) when the leader is deposed without knowing it (lease
// revoked, its engine still believes it leads): it can neither queue a new
// notification nor send the pending one. The new leader delivers the
// pending one once, and the resolved notice once; the follower's local HA
// alert goes out from the follower itself.
func TestAlertTakeover(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to see a lead", func() bool { return b.node.Status().Leader == "a" })
	var down atomic.Bool
	down.Store(true)
	clk := newClock()
	sa, sb := &sink{name: "ops", down: &down}, &sink{name: "ops", down: &down}
	ea, eb := engine(t, a, sa, clk), engine(t, b, sb, clk)
	ea.Lead()
	if !ea.Leading() || eb.Leading() {
		t.Fatalf("leading: a %v, b %v; want a only", ea.Leading(), eb.Leading())
	}
	ctx := context.Background()
	deliver := func() {
		clk.step()
		ea.Deliver(ctx)
		eb.Deliver(ctx)
	}

	ea.Observe(stakeLow)
	eb.Observe(stakeLow)
	deliver()
	deliver()
	na, _ := sa.seen()
	nb, _ := sb.seen()
	if na < 2 || nb != 0 {
		t.Fatalf("attempts: leader %d, follower %d; want the leader's (the channel is down), none from the follower", na, nb)
	}
	if d := eb.Doc(); len(d.Alerts) != 1 || !d.Alerts[0].Firing() {
		t.Fatalf("follower's view %+v; want StakeLow firing", d.Alerts)
	}
	firingID := sa.attempts[0]

	// a is deposed; its engine does not know (a frozen process).
	a.node.mu.Lock()
	lease := a.node.lease
	a.node.mu.Unlock()
	if _, err := a.cli.Revoke(ctx, lease); err != nil {
		t.Fatal(err)
	}
	waitLeader(t, b)
	eb.Lead()
	other := alert.Observation{Name: "FeesUnredeemed", Severity: alert.Warning, Firing: true, Summary: "fees"}
	ea.Observe(other) // refused by etcd: the deposed leader queues nothing
	down.Store(false)
	deliver()
	if na2, got := sa.seen(); na2 != na || len(got) != 0 {
		t.Fatalf("deposed leader sent: %d attempts (had %d), accepted %v; want nothing", na2, na, got)
	}
	if _, got := sb.seen(); fmt.Sprint(got) != "[firing StakeLow]" {
		t.Fatalf("new leader delivered %v; want the pending firing StakeLow once", got)
	}
	if id := sb.got[0].ID; id != firingID {
		t.Fatalf("new leader delivered id %s; want the one a queued, %s", id, firingID)
	}
	deliver()
	if _, got := sb.seen(); len(got) != 1 {
		t.Fatalf("after another pass: %v; want no repeat", got)
	}

	eb.Observe(resolved(stakeLow))
	ea.Observe(resolved(stakeLow))
	deliver()
	if _, got := sb.seen(); fmt.Sprint(got) != "[firing StakeLow resolved StakeLow]" {
		t.Fatalf("new leader delivered %v; want the resolved notice once after the firing one", got)
	}

	// HA alerts are every instance's own: the deposed a sends its own.
	ea.Follow()
	ea.Observe(alert.Observation{Name: AlertHAQuorumLost, Severity: alert.Critical, Firing: true, Summary: "quorum lost"})
	deliver()
	if _, got := sa.seen(); fmt.Sprint(got) != "[firing HAQuorumLost]" {
		t.Fatalf("follower delivered %v; want its own HAQuorumLost only", got)
	}
	if _, got := sb.seen(); len(got) != 2 {
		t.Fatalf("leader delivered %v; want its two StakeLow notices only", got)
	}
}

// TestSilencesShared: silences live in etcd with the alert state: the
// leader adds one, a follower cannot (ErrFollower) but lists it, and a new
// leader keeps honouring it.
func TestSilencesShared(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to see a lead", func() bool { return b.node.Status().Leader == "a" })
	var down atomic.Bool
	clk := newClock()
	sa, sb := &sink{name: "ops", down: &down}, &sink{name: "ops", down: &down}
	ea, eb := engine(t, a, sa, clk), engine(t, b, sb, clk)
	ea.Lead()
	sil := alert.Silence{Matchers: []alert.Matcher{{Name: "alertname", Value: "StakeLow"}}, Until: clk.now().Add(time.Hour),
		Comment: "maintenance"}
	added, err := ea.AddSilence(sil)
	if err != nil {
		t.Fatalf("leader's AddSilence: %v", err)
	}
	if _, err := eb.AddSilence(sil); !errors.Is(err, alert.ErrFollower) {
		t.Fatalf("follower's AddSilence: %v, want ErrFollower", err)
	}
	if err := eb.RemoveSilence(added.ID); !errors.Is(err, alert.ErrFollower) {
		t.Fatalf("follower's RemoveSilence: %v, want ErrFollower", err)
	}
	eb.RefreshSilences()
	if d := eb.Doc(); len(d.Silences) != 1 || d.Silences[0].ID != added.ID {
		t.Fatalf("follower lists silences %+v; want the leader's %s", d.Silences, added.ID)
	}

	a.stop() // resigns
	ea.Follow()
	waitLeader(t, b)
	eb.Lead()
	eb.Observe(stakeLow)
	clk.step()
	eb.Deliver(context.Background())
	if n, got := sb.seen(); n != 0 {
		t.Fatalf("new leader sent %v (%d attempts) for a silenced alert; want nothing", got, n)
	}
	if d := eb.Doc(); len(d.Alerts) != 1 || d.Alerts[0].SilencedBy != added.ID {
		t.Fatalf("new leader's alerts %+v; want StakeLow silenced by %s", d.Alerts, added.ID)
	}
	if err := eb.RemoveSilence(added.ID); err != nil {
		t.Fatalf("new leader's RemoveSilence: %v", err)
	}
	clk.step()
	eb.Deliver(context.Background())
	if _, got := sb.seen(); fmt.Sprint(got) != "[firing StakeLow]" {
		t.Fatalf("after the silence was removed: %v; want StakeLow notified", got)
	}
}

// crashingStore is the leader's alert store that dies, as its process
// would, right after the write that records an alert's state together with
// the notification it owes (the intent), before the outbox holds it: every
// write to an outbox fails from then on.
type crashingStore struct {
	*Store
	dead atomic.Bool
}

func (s *crashingStore) Put(bucket string, key []byte, v any) error {
	if s.dead.Load() && strings.HasPrefix(bucket, "alert.outbox.") {
		return errors.New("killed")
	}
	return s.Store.Put(bucket, key, v)
}

// TestAlertIntentCompletedByNewLeader: the leader recorded an alert's state
// with the notification it owes in etcd and died before queueing it; the
// new leader finds the open intent, queues the notification and delivers
// it once.
func TestAlertIntentCompletedByNewLeader(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to see a lead", func() bool { return b.node.Status().Leader == "a" })
	var down atomic.Bool
	clk := newClock()
	sa, sb := &sink{name: "ops", down: &down}, &sink{name: "ops", down: &down}
	cs := &crashingStore{Store: a.alertStore()}
	cs.dead.Store(true)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ea, err := alert.New(alert.Options{Store: st, Shared: cs, Local: []string{AlertHAQuorumLost}, Notifiers: []notify.Notifier{sa},
		Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	eb := engine(t, b, sb, clk)
	ea.Lead()
	ea.Observe(stakeLow)
	clk.step()
	ea.Deliver(context.Background())
	if n, _ := sa.seen(); n != 0 {
		t.Fatalf("the dying leader sent %d notifications; want none (its outbox write failed)", n)
	}
	a.stop()
	waitLeader(t, b)
	eb.Observe(stakeLow)
	eb.Lead()
	clk.step()
	eb.Deliver(context.Background())
	clk.step()
	eb.Deliver(context.Background())
	if _, got := sb.seen(); fmt.Sprint(got) != "[firing StakeLow]" {
		t.Fatalf("new leader delivered %v; want the owed firing StakeLow once", got)
	}
	if d := eb.Doc(); len(d.Alerts) != 1 || d.Alerts[0].Sent != 1 {
		t.Fatalf("new leader's alert %+v; want StakeLow with 1 notification", d.Alerts)
	}
}
