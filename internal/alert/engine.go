package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// Store is the part of the embedded store the engine uses.
type Store interface {
	Put(bucket string, key []byte, v any) error
	Get(bucket string, key []byte, v any) error
	Delete(bucket string, key []byte) error
	Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error
}

// SharedStore keeps what the instances of lpops in HA mode share: the
// alert state, outboxes and dead letters of every alert but the Local ones.
// Any instance reads it; only the leader writes it: a write is refused once
// its leadership ended, checked by the store itself (internal/ha fences
// every write on the leader key's create revision). CheckLeader asks the
// store whether a write made now would be accepted.
type SharedStore interface {
	Store
	CheckLeader() error
}

var (
	_ Store = (*store.Store)(nil)
	_ Sink  = (*Engine)(nil)
)

// router is a notifier that filters severities itself (config.Channel's
// severities key).
type router interface {
	Receives(severity string) bool
}

// Buckets of the store the engine owns.
const (
	bucketState   = "alert.state"
	bucketSilence = "alert.silence"
	// bucketOutbox is followed by the channel name.
	bucketOutbox = "alert.outbox."
	// bucketDeadLetter is followed by the channel name.
	bucketDeadLetter = "alert.deadletter."
)

// AlertNotificationRejected is the engine's own alert: a channel rejected a
// notification for good (notify.Permanent) MaxRejections times, and it was
// moved to the channel's dead letters. Warning; label channel; notified on
// the other channels only; resolved when the channel accepts one again.
const AlertNotificationRejected = "NotificationRejected"

// Defaults of Options.
const (
	DefaultMaxPending        = 10000
	DefaultMaxRejections     = 3
	DefaultMinBackoff        = 10 * time.Second
	DefaultMaxBackoff        = 5 * time.Minute
	DefaultSendTimeout       = 30 * time.Second
	DefaultEvalInterval      = 10 * time.Second
	DefaultResolvedRetention = 24 * time.Hour
	DefaultHeartbeatInterval = time.Minute
)

// DefaultRepeatInterval is the re-notification interval of each severity.
var DefaultRepeatInterval = map[Severity]time.Duration{
	Critical: time.Hour,
	Warning:  4 * time.Hour,
	Info:     24 * time.Hour,
}

// Options configure an Engine. Zero values take the defaults.
type Options struct {
	// Store persists alert state, silences and outboxes. Required.
	Store Store
	// Shared, in HA mode, keeps the state, outboxes and dead letters of
	// every alert not named in Local, shared by the instances: each
	// evaluates its own observations, but only the leader (between Lead and
	// Follow) writes them and sends their notifications. nil: everything
	// lives in Store and this instance sends it.
	Shared SharedStore
	// Local names the alerts kept in Store and sent by this instance
	// itself even with Shared: the HA alerts, raised when nobody can lead.
	Local     []string
	Notifiers []notify.Notifier
	// Routes lists, by channel name, the severities a channel receives. A
	// channel absent from Routes, or with an empty list, receives those its
	// notifier's Receives method accepts (the channel's severities key), or
	// all when it has none.
	Routes map[string][]Severity
	// RepeatInterval per severity; a missing severity takes
	// DefaultRepeatInterval's.
	RepeatInterval map[Severity]time.Duration
	// ResolvedRetention is how long a resolved alert stays in the state.
	ResolvedRetention time.Duration
	// Silences are static silences (alerts.silences).
	Silences []Silence
	// MaxPending caps each channel's outbox; the oldest entry is dropped.
	MaxPending int
	// MinBackoff and MaxBackoff bound the wait between delivery attempts to
	// a failing channel; it doubles on every failure, and is at least the
	// Retry-After the service answered (notify.RetryAfter, at most
	// MaxRetryAfter).
	MinBackoff, MaxBackoff time.Duration
	// MaxRejections is how many times a channel may reject one notification
	// for good (notify.Permanent) before it becomes a dead letter.
	MaxRejections int
	// SendTimeout bounds one Notify call.
	SendTimeout time.Duration
	// EvalInterval is how often Run re-evaluates repeats, silence expiry and
	// retention.
	EvalInterval time.Duration
	// DependentWait holds the first notification of an alert that Requires
	// a source this long, so that an outage of the source observed a moment
	// later by another probe still inhibits it. 0: no wait.
	DependentWait time.Duration
	// HeartbeatURL is the dead-man's switch, pinged with GET every
	// HeartbeatInterval while healthy. Empty: no heartbeat.
	HeartbeatURL      string
	HeartbeatInterval time.Duration
	// HTTPClient pings the heartbeat; nil: a client with a 10 s timeout.
	HTTPClient *http.Client
	// Healthy reports why lpops is unhealthy (nil when healthy); while it
	// returns an error the heartbeat stops. Optional.
	Healthy func() error

	Now        func() time.Time
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Engine turns observations into alert state and notifications. See the
// package documentation for its design.
type Engine struct {
	st            Store
	now           func() time.Time
	log           *slog.Logger
	m             *metrics
	repeat        map[Severity]time.Duration
	retention     time.Duration
	maxPending    int
	maxRejections int
	minBackoff    time.Duration
	maxBackoff    time.Duration
	sendTimeout   time.Duration
	evalInterval  time.Duration
	dependentWait time.Duration
	hb            heartbeat
	shared        SharedStore
	local         map[string]bool

	// mu guards everything below and every channel's queue and delivery
	// state. It is held across the store writes of one state change, so
	// the delivery loops never see half of one.
	mu       sync.Mutex
	alerts   map[string]*entry
	silences map[string]*Silence
	channels []*channel
	byName   map[string]*channel
	// leader: the shared state is loaded and this instance writes it and
	// sends its outboxes; wantLead: it should (Lead was called), and
	// Evaluate retries the load until it succeeds.
	leader, wantLead bool
	// lastObs is the newest observation of each shared alert, re-applied
	// to the shared state when this instance takes over.
	lastObs map[string]Observation
}

// entry is an alert as persisted in bucketState.
type entry struct {
	Alert
	// Pending is a notification being queued: written with the state
	// change it belongs to, cleared once every channel's outbox holds it.
	Pending *intent `json:"pending,omitempty"`
	// Escalate is set when the severity rose while firing: notify at once.
	Escalate bool `json:"escalate,omitempty"`
	// dirty marks in-memory changes not yet persisted.
	dirty bool
}

// intent is a notification and the channels it goes to.
type intent struct {
	Notification notify.Notification `json:"notification"`
	Channels     []string            `json:"channels"`
	// done holds the channels whose outbox has it; nil for an intent read
	// back from the store, whose outboxes must be checked.
	done map[string]bool
}

func (a *entry) clone() *entry {
	c := *a
	c.Labels = maps.Clone(a.Labels)
	c.LastNotified = maps.Clone(a.LastNotified)
	return &c
}

// New loads the engine's state from o.Store and completes notifications a
// crash left half-queued. Nothing is sent until Run or Deliver.
func New(o Options) (*Engine, error) {
	if o.Store == nil {
		return nil, errors.New("alert engine: no store")
	}
	e := &Engine{
		st:            o.Store,
		now:           o.Now,
		log:           o.Logger,
		repeat:        maps.Clone(DefaultRepeatInterval),
		retention:     orDefault(o.ResolvedRetention, DefaultResolvedRetention),
		maxPending:    o.MaxPending,
		maxRejections: o.MaxRejections,
		minBackoff:    orDefault(o.MinBackoff, DefaultMinBackoff),
		maxBackoff:    orDefault(o.MaxBackoff, DefaultMaxBackoff),
		sendTimeout:   orDefault(o.SendTimeout, DefaultSendTimeout),
		evalInterval:  orDefault(o.EvalInterval, DefaultEvalInterval),
		dependentWait: o.DependentWait,
		alerts:        map[string]*entry{},
		silences:      map[string]*Silence{},
		byName:        map[string]*channel{},
		shared:        o.Shared,
		local:         map[string]bool{},
		lastObs:       map[string]Observation{},
	}
	for _, n := range o.Local {
		e.local[n] = true
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	e.log = e.log.With("component", "alert")
	if e.maxPending <= 0 {
		e.maxPending = DefaultMaxPending
	}
	if e.maxRejections <= 0 {
		e.maxRejections = DefaultMaxRejections
	}
	e.minBackoff = min(e.minBackoff, e.maxBackoff) // MaxBackoff caps every wait, the first included
	for s, d := range o.RepeatInterval {
		if d > 0 {
			e.repeat[s] = d
		}
	}
	e.hb = heartbeat{url: o.HeartbeatURL, interval: orDefault(o.HeartbeatInterval, DefaultHeartbeatInterval),
		client: o.HTTPClient, healthy: o.Healthy}
	e.hb.status.IntervalSeconds = e.hb.interval.Seconds()
	if e.hb.client == nil {
		e.hb.client = &http.Client{Timeout: 10 * time.Second}
	}
	var names []string
	for _, n := range o.Notifiers {
		name := n.Name()
		if e.byName[name] != nil {
			return nil, fmt.Errorf("alert engine: two channels named %q", name)
		}
		ch := &channel{n: n, name: name, local: newQueue(o.Store, name, false), wake: make(chan struct{}, 1)}
		if o.Shared != nil {
			ch.shared = newQueue(o.Shared, name, true)
		}
		if sev := o.Routes[name]; len(sev) > 0 {
			set := map[Severity]bool{}
			for _, s := range sev {
				set[s] = true
			}
			ch.receives = func(s Severity) bool { return set[s] }
		} else if r, ok := n.(router); ok {
			ch.receives = func(s Severity) bool { return r.Receives(string(s)) }
		}
		e.channels = append(e.channels, ch)
		e.byName[name] = ch
		names = append(names, name)
	}
	e.m = newMetrics(o.Registerer, names)

	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	for _, ch := range e.channels {
		if err := e.loadQueue(ch, ch.local); err != nil {
			return nil, err
		}
	}
	if err := e.loadSilences(o.Silences, now); err != nil {
		return nil, err
	}
	err := e.st.Scan(bucketState, nil, false, func(k, v []byte) bool {
		a, err := decodeEntry(v)
		if err != nil {
			// One unreadable record must not keep lpops from starting.
			e.log.Error("skipping unreadable alert record", "fingerprint", string(k), "err", err)
			return true
		}
		if e.isShared(a.Name) {
			// From before HA mode: the shared store holds this now.
			e.log.Info("HA mode: ignoring the local state of a shared alert", "alert", a.Name, "fingerprint", a.Fingerprint)
			return true
		}
		e.alerts[a.Fingerprint] = a
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("load alert state: %w", err)
	}
	e.reconcileAll(now)
	return e, nil
}

// decodeEntry reads one alert record.
func decodeEntry(v []byte) (*entry, error) {
	a := new(entry)
	err := json.Unmarshal(v, a)
	if err == nil && (a.Fingerprint == "" || a.Name == "" || a.Status != StatusFiring && a.Status != StatusResolved) {
		// Valid JSON but no alert (a torn write, an edit): kept, it
		// would be notified as a blank message.
		err = errors.New("no fingerprint, name or status")
	}
	return a, err
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Observe records observations: a firing one creates or updates its alert,
// a non-firing one resolves it. Notifications due are queued before Observe
// returns; delivery happens in Run (or Deliver).
func (e *Engine) Observe(obs ...Observation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	for _, o := range obs {
		e.apply(o, now)
	}
	e.reconcileAll(now)
}

// apply updates the in-memory state of one observation's alert.
func (e *Engine) apply(o Observation, now time.Time) {
	if o.Name == "" {
		e.log.Error("observation without a name ignored", "summary", o.Summary)
		return
	}
	fp := Fingerprint(o.Name, o.Labels)
	if e.isShared(o.Name) {
		e.lastObs[fp] = o
	}
	a := e.alerts[fp]
	if !o.Firing {
		if a == nil {
			return
		}
		a.LastSeen = now
		if a.Firing() {
			a.Status, a.EndsAt, a.dirty = StatusResolved, now, true
			if o.Description != "" {
				a.Description = o.Description
			}
			e.log.Info("alert resolved", "alert", o.Name, "labels", o.Labels, "fingerprint", fp)
		}
		return
	}
	sev := o.Severity
	if _, err := ParseSeverity(string(sev)); err != nil {
		e.log.Error("observation with an unknown severity; treating it as warning", "alert", o.Name, "severity", sev)
		sev = Warning
	}
	if a == nil || !a.Firing() {
		if a != nil && a.Pending != nil {
			e.flushPending(a) // the resolved notice of the last episode
		}
		a = &entry{Alert: Alert{Fingerprint: fp, Name: o.Name, Labels: maps.Clone(o.Labels), Status: StatusFiring,
			StartsAt: now}, dirty: true}
		if a.Labels == nil {
			a.Labels = map[string]string{}
		}
		e.alerts[fp] = a
		e.log.Info("alert firing", "alert", o.Name, "labels", o.Labels, "severity", sev, "fingerprint", fp, "summary", o.Summary)
	} else if sev != a.Severity {
		a.Escalate = a.Escalate || rank(sev) < rank(a.Severity)
		a.dirty = true
	}
	if a.Requires != o.Requires || a.Provides != o.Provides || a.Hold != o.Hold {
		a.dirty = true
	}
	a.Severity, a.Summary, a.Description, a.Requires, a.Provides, a.Hold = sev, o.Summary, o.Description, o.Requires, o.Provides, o.Hold
	a.LastSeen = now
}

// Evaluate re-notifies alerts whose repeat interval passed, lifts expired
// silences and forgets alerts resolved longer than the retention. Run calls
// it every EvalInterval; tests call it after moving the clock.
func (e *Engine) Evaluate() {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if e.wantLead && !e.leader {
		e.takeOver(now)
	}
	e.pruneSilences(now)
	e.reconcileAll(now)
	e.pruneResolved(now)
}

// reconcileAll brings every alert's notifications up to date, oldest first.
func (e *Engine) reconcileAll(now time.Time) {
	all := e.sortedAlerts()
	// What each data source's outage alerts are, found once: a fleet has
	// hundreds of alerts, and every one asks (inhibitedBy).
	providers := map[string][]*entry{}
	for _, a := range all {
		if a.Provides != "" {
			providers[a.Provides] = append(providers[a.Provides], a)
		}
	}
	for _, a := range all {
		e.reconcile(a, now, providers)
	}
	e.updateGauges()
}

func (e *Engine) sortedAlerts() []*entry {
	all := slices.Collect(maps.Values(e.alerts))
	slices.SortFunc(all, alertOrder)
	return all
}

// alertOrder orders alerts by when they started, then by fingerprint.
func alertOrder(a, b *entry) int {
	if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
		return c
	}
	return strings.Compare(a.Fingerprint, b.Fingerprint)
}

// reconcile decides whether a's state calls for a notification and, if so,
// persists the state change together with the notification (the intent),
// then queues it on every channel and clears the intent. providers are the
// alerts that provide each data source, in sortedAlerts' order.
func (e *Engine) reconcile(a *entry, now time.Time, providers map[string][]*entry) {
	if !e.writable(a) {
		// An HA follower keeps its own view for the API, the page and the
		// metrics; the leader notifies.
		a.SilencedBy = e.silencedBy(&a.Alert, now)
		inh := inhibitedBy(&a.Alert, providers)
		if a.InhibitedBy != "" && inh == "" {
			a.UninhibitedAt = now
		}
		a.InhibitedBy = inh
		return
	}
	if a.Pending != nil && !e.flushPending(a) {
		return
	}
	next := a.clone()
	next.SilencedBy = e.silencedBy(&a.Alert, now)
	next.InhibitedBy = inhibitedBy(&a.Alert, providers)
	if a.InhibitedBy != "" && next.InhibitedBy == "" {
		next.UninhibitedAt = now
	}
	chans, send := e.due(a, next, now)
	switch {
	case send && len(chans) == 0: // every channel that had the alert is gone
		next.ResolvedSent = true
	case send:
		next.Pending = &intent{Notification: a.notification(), Channels: chans, done: map[string]bool{}}
		if a.Firing() {
			next.Sent++
			next.Escalate = false
		} else {
			next.ResolvedSent = true
		}
		if next.LastNotified == nil {
			next.LastNotified = map[string]time.Time{}
		}
		for _, ch := range chans {
			next.LastNotified[ch] = now
		}
	case !a.dirty && next.SilencedBy == a.SilencedBy && next.InhibitedBy == a.InhibitedBy:
		return
	}
	if err := e.put(next); err != nil {
		e.log.Error("persist alert state; nothing queued, retrying at the next evaluation", "alert", a.Name, "err", err)
		return
	}
	if next.SilencedBy != a.SilencedBy {
		e.log.Info("alert silence changed", "alert", a.Name, "fingerprint", a.Fingerprint, "silenced_by", next.SilencedBy)
	}
	if next.InhibitedBy != a.InhibitedBy {
		e.log.Info("alert inhibition changed", "alert", a.Name, "fingerprint", a.Fingerprint, "inhibited_by", next.InhibitedBy)
	}
	next.dirty = false
	*a = *next
	if a.Pending != nil {
		e.flushPending(a)
	}
}

// due reports whether the alert (old state a, suppression in next) needs a
// notification now, and on which channels.
func (e *Engine) due(a, next *entry, now time.Time) ([]string, bool) {
	if next.SilencedBy != "" || next.InhibitedBy != "" {
		return nil, false
	}
	if !a.Firing() {
		if a.Sent == 0 || a.ResolvedSent {
			return nil, false
		}
		// The resolved notice goes where the firing ones went.
		var chans []string
		for _, name := range slices.Sorted(maps.Keys(a.LastNotified)) {
			if e.byName[name] != nil {
				chans = append(chans, name)
			}
		}
		return chans, true
	}
	chans := e.routed(a.Severity)
	if a.Name == AlertNotificationRejected {
		// Not to the channel that rejects: it would refuse this too.
		chans = slices.DeleteFunc(chans, func(c string) bool { return c == a.Labels["channel"] })
	}
	if len(chans) == 0 {
		return nil, false
	}
	switch {
	case a.Sent == 0:
		// Let the outage of its source, seen by another probe, arrive
		// first (and, after an inhibition, the alert resolve with it).
		if hold := max(e.dependentWait, a.Hold); a.Requires != "" && now.Before(maxTime(a.StartsAt, next.UninhibitedAt).Add(hold)) {
			return nil, false
		}
		return chans, true
	case a.SilencedBy != "": // a silence just ended
		return chans, true
	case a.Escalate:
		return chans, true
	case !now.Before(a.lastNotified().Add(e.repeat[a.Severity])):
		return chans, true
	}
	return nil, false
}

// routed lists the channels that receive severity s, in configuration order.
func (e *Engine) routed(s Severity) []string {
	var out []string
	for _, ch := range e.channels {
		if ch.receives == nil || ch.receives(s) {
			out = append(out, ch.name)
		}
	}
	return out
}

// silencedBy returns the id of an active silence matching a.
func (e *Engine) silencedBy(a *Alert, now time.Time) string {
	ids := slices.Sorted(maps.Keys(e.silences))
	for _, id := range ids {
		if s := e.silences[id]; s.Active(now) && s.Matches(a) {
			return id
		}
	}
	return ""
}

// inhibitedBy names the alert whose source outage suppresses a. A firing
// alert stays inhibited after its source recovers until it is observed
// again: the observation that kept it firing may predate the recovery.
func inhibitedBy(a *Alert, providers map[string][]*entry) string {
	if a.Requires == "" {
		return ""
	}
	for _, b := range providers[a.Requires] {
		if b.Fingerprint == a.Fingerprint {
			continue
		}
		if b.Firing() {
			return b.Name
		}
		if a.Firing() && a.LastSeen.Before(b.EndsAt) {
			return b.Name + " (recovered; waiting for a new observation)"
		}
	}
	return ""
}

// flushPending queues a's pending notification on every channel that does
// not hold it yet, then clears the intent. It reports whether it finished.
func (e *Engine) flushPending(a *entry) bool {
	p := a.Pending
	shared := e.isShared(a.Name)
	if p.done == nil {
		// Read back after a restart: the crash may have come after some
		// outboxes got it. No delivery has run since, so an outbox that
		// got it still holds it.
		done := map[string]bool{}
		for _, name := range p.Channels {
			ch := e.byName[name]
			if ch == nil {
				done[name] = true
				continue
			}
			has, err := e.outboxHas(ch.queue(shared), p.Notification.ID)
			if err != nil {
				e.log.Error("check outbox", "channel", name, "err", err)
				return false
			}
			done[name] = has
		}
		p.done = done
	}
	for _, name := range p.Channels {
		if p.done[name] {
			continue
		}
		ch := e.byName[name]
		if err := e.enqueue(ch, ch.queue(shared), p.Notification); err != nil {
			e.log.Error("queue notification; retrying at the next evaluation", "channel", name, "id", p.Notification.ID, "err", err)
			return false
		}
		p.done[name] = true
	}
	next := a.clone()
	next.Pending = nil
	if err := e.put(next); err != nil {
		// Every outbox has it; keep going and persist with the next change.
		e.log.Error("persist alert state after queueing", "alert", a.Name, "err", err)
		next.dirty = true
	}
	*a = *next
	return true
}

func (e *Engine) put(a *entry) error {
	return e.stateStore(a.Name).Put(bucketState, []byte(a.Fingerprint), a)
}

// isShared reports whether the alert named name lives in the shared store
// (HA mode, not a Local alert).
func (e *Engine) isShared(name string) bool { return e.shared != nil && !e.local[name] }

// stateStore is where the alert named name is persisted.
func (e *Engine) stateStore(name string) Store {
	if e.isShared(name) {
		return e.shared
	}
	return e.st
}

// writable reports whether this instance persists and notifies a: a local
// alert always, a shared one while it leads.
func (e *Engine) writable(a *entry) bool { return !e.isShared(a.Name) || e.leader }

// pruneResolved forgets alerts resolved longer ago than the retention whose
// notices are settled.
func (e *Engine) pruneResolved(now time.Time) {
	for fp, a := range e.alerts {
		if a.Firing() || (e.writable(a) && (a.Pending != nil || (a.Sent > 0 && !a.ResolvedSent))) || now.Before(a.EndsAt.Add(e.retention)) {
			continue
		}
		if !e.writable(a) {
			delete(e.alerts, fp) // the leader deletes the shared record
			delete(e.lastObs, fp)
			continue
		}
		if err := e.stateStore(a.Name).Delete(bucketState, []byte(fp)); err != nil {
			e.log.Error("delete resolved alert", "alert", a.Name, "err", err)
			continue
		}
		delete(e.alerts, fp)
		delete(e.lastObs, fp)
	}
}

func (e *Engine) updateGauges() {
	n := map[Severity]int{}
	for _, a := range e.alerts {
		if a.Firing() {
			n[a.Severity]++
		}
	}
	for _, s := range Severities {
		e.m.firing.WithLabelValues(string(s)).Set(float64(n[s]))
	}
}

// loadSilences reads persisted silences, dropping expired ones, and adds
// the static ones.
// In HA mode the persisted ones live in the shared store and are read when
// this instance takes over or refreshes its view (RefreshSilences), not
// here: a cluster out of reach must not keep lpops from starting.
func (e *Engine) loadSilences(static []Silence, now time.Time) error {
	if e.shared == nil {
		m, err := e.readSilences(e.st)
		if err != nil {
			return err
		}
		maps.Copy(e.silences, m)
	}
	for _, s := range static {
		s.ID, s.Static = staticSilenceID(s), true
		if s.CreatedBy == "" {
			s.CreatedBy = "config"
		}
		if s.Active(now) {
			e.silences[s.ID] = &s
		}
	}
	e.pruneSilences(now)
	return nil
}

// readSilences reads the silences persisted in st.
func (e *Engine) readSilences(st Store) (map[string]*Silence, error) {
	m := map[string]*Silence{}
	err := st.Scan(bucketSilence, nil, false, func(k, v []byte) bool {
		s := new(Silence)
		if err := json.Unmarshal(v, s); err != nil {
			e.log.Error("skipping unreadable silence record", "id", string(k), "err", err)
			return true
		}
		s.Static = false
		m[s.ID] = s
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("load silences: %w", err)
	}
	return m, nil
}

// setSilences replaces the persisted silences in memory with m, keeping
// the static ones. Called with e.mu held.
func (e *Engine) setSilences(m map[string]*Silence) {
	maps.DeleteFunc(e.silences, func(_ string, s *Silence) bool { return !s.Static })
	for id, s := range m {
		if e.silences[id] == nil {
			e.silences[id] = s
		}
	}
}

// silenceStore is where silences added over the API are persisted: the
// shared store in HA mode (the leader writes them), else Store.
func (e *Engine) silenceStore() Store {
	if e.shared != nil {
		return e.shared
	}
	return e.st
}

// ErrFollower is returned by AddSilence and RemoveSilence on an HA
// follower: silences are shared, and written by the leader.
var ErrFollower = errors.New("this lpops instance follows: silences are shared by the instances and added or removed on the HA leader (its API; GET /api/v1/status names it in ha.leader)")

// RefreshSilences gives an HA follower the leader's silences, read from
// the shared store outside the engine's lock (a cluster out of reach does
// not hold up the probes or the API). The leader's own are the truth; a
// store that does not answer keeps the last view. Run calls it every
// EvalInterval; without Options.Shared it does nothing.
func (e *Engine) RefreshSilences() {
	if e.shared == nil {
		return
	}
	e.mu.Lock()
	leader := e.leader
	e.mu.Unlock()
	if leader {
		return
	}
	m, err := e.readSilences(e.shared)
	if err != nil {
		e.log.Debug("shared silences not refreshed", "err", err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.leader {
		return
	}
	e.setSilences(m)
	now := e.now()
	e.pruneSilences(now)
	e.reconcileAll(now)
}

// pruneSilences deletes expired silences (in HA mode, from memory only on
// a follower: the leader deletes the shared record).
func (e *Engine) pruneSilences(now time.Time) {
	for id, s := range e.silences {
		if s.Active(now) {
			continue
		}
		if !s.Static && (e.shared == nil || e.leader) {
			if err := e.silenceStore().Delete(bucketSilence, []byte(id)); err != nil {
				e.log.Error("delete expired silence", "id", id, "err", err)
				continue
			}
		}
		delete(e.silences, id)
		e.log.Info("silence expired", "id", id, "comment", s.Comment)
	}
}

// AddSilence validates s, gives it an id and its creation time, persists
// it and applies it at once. Until must be in the future; s.ID is ignored.
// A *FieldError names what is wrong with s; an HA follower returns
// ErrFollower (silences are shared, written by the leader).
func (e *Engine) AddSilence(s Silence) (Silence, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if err := s.validate(now); err != nil {
		return Silence{}, err
	}
	if e.shared != nil && !e.leader {
		return Silence{}, ErrFollower
	}
	s.ID, s.CreatedAt, s.Static = newSilenceID(), now, false
	s.Matchers = slices.Clone(s.Matchers)
	if err := e.silenceStore().Put(bucketSilence, []byte(s.ID), s); err != nil {
		return Silence{}, fmt.Errorf("persist silence: %w", err)
	}
	e.silences[s.ID] = &s
	e.log.Info("silence added", "id", s.ID, "matchers", s.Matchers, "until", s.Until, "comment", s.Comment, "created_by", s.CreatedBy)
	e.reconcileAll(now)
	return s, nil
}

// RemoveSilence deletes a silence; alerts it muted that still fire are
// notified at once. It returns ErrSilenceNotFound, ErrStaticSilence, or
// ErrFollower on an HA follower.
func (e *Engine) RemoveSilence(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.silences[id]
	switch {
	case e.shared != nil && !e.leader: // its view may lag the leader's
		return ErrFollower
	case s == nil:
		return ErrSilenceNotFound
	case s.Static:
		return ErrStaticSilence
	}
	if err := e.silenceStore().Delete(bucketSilence, []byte(id)); err != nil {
		return fmt.Errorf("delete silence: %w", err)
	}
	delete(e.silences, id)
	e.log.Info("silence removed", "id", id)
	e.reconcileAll(e.now())
	return nil
}

// Doc is the /api/v1/alerts document.
type Doc struct {
	// Alerts lists firing alerts, then resolved ones, newest first.
	Alerts   []Alert         `json:"alerts"`
	Silences []Silence       `json:"silences"`
	Channels []ChannelStatus `json:"channels"`
	// DeadLetters are the newest DocDeadLetters dead letters of all
	// channels, newest first.
	DeadLetters []DeadLetter     `json:"dead_letters"`
	Heartbeat   *HeartbeatStatus `json:"heartbeat,omitempty"`
}

// DocDeadLetters bounds the dead letters Doc lists.
const DocDeadLetters = 100

// ChannelStatus is one channel's delivery state.
type ChannelStatus struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Pending int    `json:"pending"`
	// DeadLetters counts the notifications it rejected for good.
	DeadLetters int `json:"dead_letters,omitempty"`
	// FailingSince is the first failed attempt of the current failure run.
	FailingSince time.Time `json:"failing_since,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	NextAttempt  time.Time `json:"next_attempt,omitzero"`
	LastSent     time.Time `json:"last_sent,omitzero"`
}

// Doc returns the alerts, silences and channel states.
func (e *Engine) Doc() Doc {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := Doc{Alerts: []Alert{}, Silences: []Silence{}, Channels: []ChannelStatus{}}
	for _, a := range e.alerts {
		v := a.Alert
		v.Labels, v.LastNotified = maps.Clone(a.Labels), maps.Clone(a.LastNotified)
		d.Alerts = append(d.Alerts, v)
	}
	slices.SortFunc(d.Alerts, func(a, b Alert) int {
		if a.Firing() != b.Firing() {
			if a.Firing() {
				return -1
			}
			return 1
		}
		return b.StartsAt.Compare(a.StartsAt)
	})
	for _, s := range e.silences {
		d.Silences = append(d.Silences, *s)
	}
	slices.SortFunc(d.Silences, func(a, b Silence) int { return a.Until.Compare(b.Until) })
	for _, ch := range e.channels {
		d.Channels = append(d.Channels, ch.status())
	}
	d.DeadLetters = []DeadLetter{}
	if dls, err := e.deadLetters(DocDeadLetters); err != nil {
		e.log.Error("list dead letters", "err", err)
	} else if dls != nil {
		d.DeadLetters = dls
	}
	if e.hb.url != "" {
		h := e.hb.status
		d.Heartbeat = &h
	}
	return d
}

// Run delivers outboxes, re-evaluates and pings the heartbeat until ctx ends.
func (e *Engine) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, ch := range e.channels {
		wg.Go(func() { e.deliveryLoop(ctx, ch) })
	}
	if e.hb.url != "" {
		wg.Go(func() { e.heartbeatLoop(ctx) })
	}
	t := time.NewTicker(e.evalInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-t.C:
			e.RefreshSilences()
			e.Evaluate()
		}
	}
}
