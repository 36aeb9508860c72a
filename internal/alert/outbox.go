package alert

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// channel is one notifier with its outboxes and delivery state. Fields
// below sendMu are guarded by Engine.mu.
type channel struct {
	n        notify.Notifier
	name     string
	receives func(Severity) bool // nil: every severity
	wake     chan struct{}
	// sendMu makes one delivery pass at a time per channel (Run's loop and
	// Deliver may both call it).
	sendMu sync.Mutex

	// local is the outbox in Options.Store; shared, in HA mode only, the
	// one in Options.Shared that the leader alone sends (see Engine.Lead).
	local, shared *queue

	failures     int
	nextAttempt  time.Time
	failingSince time.Time
	lastErr      string
	lastSent     time.Time
	// rejectQ and rejectID are the outbox entry the channel has rejected
	// for good rejections times (consecutive answers of that kind for that
	// entry).
	rejectQ    *queue
	rejectID   uint64
	rejections int
	// deadSinceAccept: an entry was dead-lettered and the channel has
	// accepted nothing since. A second entry rejected for good then says the
	// channel rejects everything (a revoked webhook, a wrong token or chat):
	// its configuration is broken, not the notification, so the entry stays
	// queued, retried with backoff, for when the configuration is fixed.
	deadSinceAccept bool
	// unackedQ and unackedID are an entry the channel accepted that could
	// not be deleted from its outbox (the store failed): the next pass
	// deletes it without sending it again.
	unackedQ  *queue
	unackedID uint64
}

// queue is one outbox of a channel and its dead letters, in one store.
type queue struct {
	st     Store
	shared bool
	bucket string // the outbox
	dead   string // the dead letters

	pending     int
	nextID      uint64
	deadLetters int
}

func newQueue(st Store, name string, shared bool) *queue {
	return &queue{st: st, shared: shared, bucket: bucketOutbox + name, dead: bucketDeadLetter + name}
}

// queue returns the outbox of an alert kept in the shared store (shared)
// or the local one.
func (ch *channel) queue(shared bool) *queue {
	if shared {
		return ch.shared
	}
	return ch.local
}

// queues lists the channel's outboxes, the local one first.
func (ch *channel) queues() []*queue {
	if ch.shared == nil {
		return []*queue{ch.local}
	}
	return []*queue{ch.local, ch.shared}
}

func (ch *channel) pending() int {
	n := 0
	for _, q := range ch.queues() {
		n += q.pending
	}
	return n
}

func (ch *channel) deadLetters() int {
	n := 0
	for _, q := range ch.queues() {
		n += q.deadLetters
	}
	return n
}

// DeadLetter is a notification a channel rejected for good
// (notify.Permanent) MaxRejections times, moved out of its outbox so that
// the channel could go on with the next one. Dead letters stay in the store
// (bucket alert.deadletter.<channel>).
type DeadLetter struct {
	Channel string `json:"channel"`
	// ID is the outbox id it had; dead letters of a channel sort by it.
	ID         uint64    `json:"id"`
	QueuedAt   time.Time `json:"queued_at"`
	RejectedAt time.Time `json:"rejected_at"`
	// Attempts is how many times the channel rejected it.
	Attempts int `json:"attempts"`
	// Error is the channel's last answer, without the channel's secrets.
	Error        string              `json:"error"`
	Notification notify.Notification `json:"notification"`
}

// MaxRetryAfter bounds the wait a service may ask for with Retry-After.
const MaxRetryAfter = time.Hour

// outboxEntry is one notification waiting in a channel's outbox, keyed by ID.
type outboxEntry struct {
	ID           uint64              `json:"id"`
	QueuedAt     time.Time           `json:"queued_at"`
	Notification notify.Notification `json:"notification"`
}

func (ch *channel) status() ChannelStatus {
	s := ChannelStatus{Name: ch.name, Type: ch.n.Type(), Pending: ch.pending(), DeadLetters: ch.deadLetters(),
		FailingSince: ch.failingSince, LastError: ch.lastErr, LastSent: ch.lastSent}
	if ch.failures > 0 {
		s.NextAttempt = ch.nextAttempt
	}
	return s
}

func (e *Engine) setPending(ch *channel) {
	e.m.pending.WithLabelValues(ch.name).Set(float64(ch.pending()))
}

// loadQueue counts an outbox's queued entries and dead letters and
// continues its ids.
func (e *Engine) loadQueue(ch *channel, q *queue) error {
	var last uint64
	pending, dead := 0, 0
	err := q.st.Scan(q.bucket, nil, false, func(k, _ []byte) bool {
		pending++
		if len(k) == 8 {
			last = binary.BigEndian.Uint64(k)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("load outbox %s: %w", ch.name, err)
	}
	err = q.st.Scan(q.dead, nil, false, func(k, _ []byte) bool {
		dead++
		if len(k) == 8 {
			last = max(last, binary.BigEndian.Uint64(k))
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("load dead letters %s: %w", ch.name, err)
	}
	q.pending, q.deadLetters, q.nextID = pending, dead, last+1
	e.setPending(ch)
	return nil
}

// enqueue appends n to the outbox q of ch, dropping the oldest entries
// beyond the cap. Called with e.mu held.
func (e *Engine) enqueue(ch *channel, q *queue, n notify.Notification) error {
	ent := outboxEntry{ID: q.nextID, QueuedAt: e.now(), Notification: n}
	if err := q.st.Put(q.bucket, store.Uint64Key(nil, ent.ID), ent); err != nil {
		return fmt.Errorf("queue for %s: %w", ch.name, err)
	}
	q.nextID++
	q.pending++
	e.m.notifications.WithLabelValues(ch.name, n.Status, resultQueued).Inc()
	for q.pending > e.maxPending {
		if !e.dropOldest(ch, q) {
			break
		}
	}
	e.setPending(ch)
	select {
	case ch.wake <- struct{}{}:
	default:
	}
	return nil
}

// dropOldest deletes the head of the outbox q and reports whether it did.
func (e *Engine) dropOldest(ch *channel, q *queue) bool {
	ent, ok, err := e.peek(ch, q)
	if err == nil && ok {
		err = q.st.Delete(q.bucket, store.Uint64Key(nil, ent.ID))
	}
	if err != nil || !ok {
		if err != nil {
			e.log.Error("drop from full outbox", "channel", ch.name, "err", err)
		}
		return false
	}
	q.pending--
	e.m.notifications.WithLabelValues(ch.name, ent.Notification.Status, resultDropped).Inc()
	e.log.Warn("outbox full: dropped the oldest notification", "channel", ch.name, "max_pending", e.maxPending,
		"id", ent.Notification.ID, "alert", ent.Notification.Alertname, "queued_at", ent.QueuedAt)
	return true
}

// peek returns the head of the outbox q, deleting unreadable entries that
// would otherwise block it forever. Called with e.mu held.
func (e *Engine) peek(ch *channel, q *queue) (outboxEntry, bool, error) {
	for {
		var ent outboxEntry
		var key []byte
		var bad error
		err := q.st.Scan(q.bucket, nil, false, func(k, v []byte) bool {
			key = append([]byte(nil), k...)
			bad = json.Unmarshal(v, &ent)
			return false
		})
		// The key, not the copy of the id inside the entry, names it: ack,
		// dropOldest and reject delete by ent.ID, and an entry whose copy
		// disagreed would be delivered again and again without end.
		// An entry without a notification id (a null, or a pending intent
		// read back empty) is no notification: sent, it would reach the
		// channel as a blank message.
		switch {
		case bad == nil && len(key) != 8:
			bad = errors.New("key is not an outbox id")
		case bad == nil && ent.Notification.ID == "":
			bad = errors.New("no notification id")
		}
		switch {
		case err != nil:
			return outboxEntry{}, false, err
		case key == nil:
			return outboxEntry{}, false, nil
		case bad == nil:
			ent.ID = binary.BigEndian.Uint64(key)
			return ent, true, nil
		}
		e.log.Error("deleting unreadable outbox entry", "channel", ch.name, "key", fmt.Sprintf("%x", key), "err", bad)
		if err := q.st.Delete(q.bucket, key); err != nil {
			return outboxEntry{}, false, err
		}
		q.pending--
		e.setPending(ch)
	}
}

// outboxHas reports whether the outbox q holds the notification id.
func (e *Engine) outboxHas(q *queue, id string) (bool, error) {
	var has bool
	err := q.st.Scan(q.bucket, nil, false, func(_, v []byte) bool {
		var ent outboxEntry
		if json.Unmarshal(v, &ent) == nil && ent.Notification.ID == id {
			has = true
			return false
		}
		return true
	})
	return has, err
}

// Deliver runs one delivery pass on every channel: each sends its queued
// notifications in order until its outbox is empty, a send fails, or it is
// waiting out its backoff. Run does this continuously; tests step it.
func (e *Engine) Deliver(ctx context.Context) {
	for _, ch := range e.channels {
		e.deliverChannel(ctx, ch)
	}
}

// head returns the next entry to send on ch: the local outbox's head,
// else, while this instance leads (HA), the shared outbox's. Called with
// e.mu held.
func (e *Engine) head(ch *channel) (*queue, outboxEntry, bool, error) {
	ent, ok, err := e.peek(ch, ch.local)
	if err != nil || ok || ch.shared == nil || !e.leader {
		return ch.local, ent, ok, err
	}
	ent, ok, err = e.peek(ch, ch.shared)
	return ch.shared, ent, ok, err
}

// deliverChannel runs one delivery pass on ch and returns how long to wait
// before the next (0: until something is queued).
func (e *Engine) deliverChannel(ctx context.Context, ch *channel) time.Duration {
	ch.sendMu.Lock()
	defer ch.sendMu.Unlock()
	for ctx.Err() == nil {
		// Read the head under e.mu: a notification is visible only once
		// its whole state change is persisted (see flushPending).
		e.mu.Lock()
		now := e.now()
		if now.Before(ch.nextAttempt) {
			e.mu.Unlock()
			return ch.nextAttempt.Sub(now)
		}
		q, ent, ok, err := e.head(ch)
		acked := ok && q == ch.unackedQ && ent.ID == ch.unackedID
		e.mu.Unlock()
		if err != nil {
			e.log.Error("read outbox", "channel", ch.name, "shared", q.shared, "err", err)
			return e.minBackoff
		}
		if !ok {
			return 0
		}
		if q.shared && !acked {
			// Asked of etcd, not of this instance's belief: a leader that
			// was frozen past its lease must not send what its successor
			// sends.
			if err := e.shared.CheckLeader(); err != nil {
				e.log.Warn("shared notification not sent: this instance's leadership is not confirmed", "channel", ch.name,
					"id", ent.Notification.ID, "err", err)
				return e.minBackoff
			}
		}
		if !acked {
			sctx, cancel := context.WithTimeout(ctx, e.sendTimeout)
			err = ch.n.Notify(sctx, ent.Notification)
			cancel()
			if err != nil && ctx.Err() != nil {
				return 0 // shutting down: not the channel's fault
			}
		}
		e.mu.Lock()
		n := ent.Notification
		if err != nil {
			now := e.now()
			if notify.Permanent(err) && e.reject(ch, q, ent, err, now) {
				e.mu.Unlock()
				continue // the next entry, at once
			}
			ch.failures++
			backoff := min(e.minBackoff<<min(ch.failures-1, 20), e.maxBackoff)
			// A service that said how long to wait is not asked sooner.
			backoff = max(backoff, min(notify.RetryAfter(err), MaxRetryAfter))
			ch.nextAttempt = now.Add(backoff)
			if ch.failingSince.IsZero() {
				ch.failingSince = now
			}
			ch.lastErr = redact(err)
			e.m.deliveryErrors.WithLabelValues(ch.name).Inc()
			e.m.notifications.WithLabelValues(ch.name, n.Status, resultError).Inc()
			e.log.Warn("notification not delivered; kept in the outbox", "channel", ch.name, "id", n.ID,
				"alert", n.Alertname, "attempt", ch.failures, "retry_in", backoff, "pending", ch.pending(), "err", ch.lastErr)
			e.mu.Unlock()
			return backoff
		}
		if !acked {
			ch.failures, ch.nextAttempt, ch.failingSince, ch.lastErr, ch.lastSent = 0, time.Time{}, time.Time{}, "", e.now()
			ch.rejectQ, ch.rejectID, ch.rejections, ch.deadSinceAccept = nil, 0, 0, false
			e.m.notifications.WithLabelValues(ch.name, n.Status, resultSent).Inc()
			e.log.Debug("notification delivered", "channel", ch.name, "id", n.ID, "alert", n.Alertname, "status", n.Status,
				"shared", q.shared)
		}
		// Delete right after the channel accepted it: a crash in between
		// is the one way a notification goes out twice (same ID).
		if err := e.ack(ch, q, ent.ID); err != nil {
			ch.unackedQ, ch.unackedID = q, ent.ID
			e.log.Error("notification delivered but not deleted from its outbox; deleting it again later", "channel", ch.name,
				"id", n.ID, "shared", q.shared, "err", err)
			e.mu.Unlock()
			return e.minBackoff
		}
		ch.unackedQ, ch.unackedID = nil, 0
		if !acked {
			e.channelAccepts(ch)
		}
		e.mu.Unlock()
	}
	return 0
}

// reject counts a permanent rejection of ent (in the outbox q) by ch and,
// at the MaxRejections-th, moves ent to the outbox's dead letters and
// raises NotificationRejected. It reports whether ent was moved (the
// channel goes on with its next entry). Called with e.mu held.
func (e *Engine) reject(ch *channel, q *queue, ent outboxEntry, err error, now time.Time) bool {
	if ch.deadSinceAccept {
		return false // the channel rejects everything: keep it queued
	}
	if ch.rejectQ != q || ch.rejectID != ent.ID {
		ch.rejectQ, ch.rejectID, ch.rejections = q, ent.ID, 0
	}
	ch.rejections++
	if ch.rejections < e.maxRejections {
		return false
	}
	n := ent.Notification
	dl := DeadLetter{Channel: ch.name, ID: ent.ID, QueuedAt: ent.QueuedAt, RejectedAt: now, Attempts: ch.rejections,
		Error: redact(err), Notification: n}
	key := store.Uint64Key(nil, ent.ID)
	// Written before the outbox entry goes: a crash in between leaves it in
	// both, and it is moved again (same key) after the restart.
	if perr := q.st.Put(q.dead, key, dl); perr != nil {
		e.log.Error("move rejected notification to the dead letters; kept in the outbox", "channel", ch.name, "id", n.ID, "err", perr)
		return false
	}
	if derr := q.st.Delete(q.bucket, key); derr != nil {
		e.log.Error("delete dead-lettered notification from the outbox", "channel", ch.name, "id", n.ID, "err", derr)
		return false
	}
	q.pending--
	q.deadLetters++
	ch.deadSinceAccept = true
	ch.rejectQ, ch.rejectID, ch.rejections = nil, 0, 0
	ch.failures, ch.nextAttempt, ch.failingSince = 0, time.Time{}, time.Time{}
	ch.lastErr = dl.Error
	e.setPending(ch)
	e.m.deadLetters.WithLabelValues(ch.name).Inc()
	e.m.notifications.WithLabelValues(ch.name, n.Status, resultRejected).Inc()
	e.log.Warn("notification rejected by the channel for good; moved to its dead letters", "channel", ch.name, "id", n.ID,
		"alert", n.Alertname, "status", n.Status, "attempts", dl.Attempts, "dead_letters", ch.deadLetters(), "err", dl.Error)
	e.apply(Observation{
		Name: AlertNotificationRejected, Labels: map[string]string{"channel": ch.name}, Severity: Warning, Firing: true,
		Summary: fmt.Sprintf("Channel %s rejects notifications: %d in its dead letters", ch.name, ch.deadLetters()),
		Description: fmt.Sprintf("%s (%s) rejected the %s notification of %s (id %s) %d times: %s. It was moved to the channel's dead letters (GET /api/v1/alerts lists them) and the channel went on with the next notification. Fix the channel's configuration (URL, token, routing key).",
			ch.name, ch.n.Type(), n.Status, n.Alertname, n.ID, dl.Attempts, dl.Error),
	}, now)
	e.reconcileAll(now)
	return true
}

// channelAccepts resolves ch's NotificationRejected once the channel
// accepts a notification again. Called with e.mu held.
func (e *Engine) channelAccepts(ch *channel) {
	labels := map[string]string{"channel": ch.name}
	if a := e.alerts[Fingerprint(AlertNotificationRejected, labels)]; a == nil || !a.Firing() {
		return
	}
	now := e.now()
	e.apply(Observation{Name: AlertNotificationRejected, Labels: labels,
		Description: fmt.Sprintf("%s accepts notifications again; %d stay in its dead letters.", ch.name, ch.deadLetters())}, now)
	e.reconcileAll(now)
}

// DeadLetters returns up to limit dead letters of every channel, newest
// first (limit <= 0: all).
func (e *Engine) DeadLetters(limit int) ([]DeadLetter, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.deadLetters(limit)
}

// deadLetters reads the dead letters of the local outboxes and, while this
// instance leads, of the shared ones (a follower does not wait on etcd to
// answer the API).
func (e *Engine) deadLetters(limit int) ([]DeadLetter, error) {
	var out []DeadLetter
	for _, ch := range e.channels {
		for _, q := range ch.queues() {
			if q.shared && !e.leader {
				continue
			}
			n := 0
			err := q.st.Scan(q.dead, nil, true, func(_, v []byte) bool {
				var dl DeadLetter
				if json.Unmarshal(v, &dl) == nil {
					out = append(out, dl)
					n++
				}
				return limit <= 0 || n < limit
			})
			if err != nil {
				return nil, fmt.Errorf("read dead letters of %s: %w", ch.name, err)
			}
		}
	}
	slices.SortFunc(out, func(a, b DeadLetter) int { return b.RejectedAt.Compare(a.RejectedAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ack deletes a delivered entry from the outbox q. Called with e.mu held.
func (e *Engine) ack(ch *channel, q *queue, id uint64) error {
	key := store.Uint64Key(nil, id)
	var ent outboxEntry
	if err := q.st.Get(q.bucket, key, &ent); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil // dropped by the cap while it was being sent
		}
		return err
	}
	if err := q.st.Delete(q.bucket, key); err != nil {
		return err
	}
	q.pending--
	e.setPending(ch)
	return nil
}

// deliveryLoop delivers ch's outbox until ctx ends.
func (e *Engine) deliveryLoop(ctx context.Context, ch *channel) {
	for {
		wait := e.deliverChannel(ctx, ch)
		var timer *time.Timer
		var fire <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-ch.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// redact keeps a URL out of an error: Slack, Discord and Telegram URLs
// carry their token, and net/http quotes the whole URL.
func redact(err error) string {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		shown := "<url>"
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			shown = u.Scheme + "://" + u.Host + "/..."
		}
		msg = strings.ReplaceAll(msg, ue.URL, shown)
	}
	return msg
}
