package alert

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// channel is one notifier with its outbox and delivery state. Fields below
// sendMu are guarded by Engine.mu.
type channel struct {
	n        notify.Notifier
	name     string
	bucket   string
	receives func(Severity) bool // nil: every severity
	wake     chan struct{}
	// sendMu makes one delivery pass at a time per channel (Run's loop and
	// Deliver may both call it).
	sendMu sync.Mutex

	pending      int
	nextID       uint64
	failures     int
	nextAttempt  time.Time
	failingSince time.Time
	lastErr      string
	lastSent     time.Time
}

// outboxEntry is one notification waiting in a channel's outbox, keyed by ID.
type outboxEntry struct {
	ID           uint64              `json:"id"`
	QueuedAt     time.Time           `json:"queued_at"`
	Notification notify.Notification `json:"notification"`
}

func (ch *channel) status() ChannelStatus {
	s := ChannelStatus{Name: ch.name, Type: ch.n.Type(), Pending: ch.pending, FailingSince: ch.failingSince,
		LastError: ch.lastErr, LastSent: ch.lastSent}
	if ch.failures > 0 {
		s.NextAttempt = ch.nextAttempt
	}
	return s
}

// loadOutbox counts a channel's queued entries and continues its ids.
func (e *Engine) loadOutbox(ch *channel) error {
	var last uint64
	err := e.st.Scan(ch.bucket, nil, false, func(k, _ []byte) bool {
		ch.pending++
		if len(k) == 8 {
			last = binary.BigEndian.Uint64(k)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("load outbox %s: %w", ch.name, err)
	}
	ch.nextID = last + 1
	e.m.pending.WithLabelValues(ch.name).Set(float64(ch.pending))
	return nil
}

// enqueue appends n to ch's outbox, dropping the oldest entries beyond
// the cap. Called with e.mu held.
func (e *Engine) enqueue(ch *channel, n notify.Notification) error {
	ent := outboxEntry{ID: ch.nextID, QueuedAt: e.now(), Notification: n}
	if err := e.st.Put(ch.bucket, store.Uint64Key(nil, ent.ID), ent); err != nil {
		return fmt.Errorf("queue for %s: %w", ch.name, err)
	}
	ch.nextID++
	ch.pending++
	e.m.notifications.WithLabelValues(ch.name, n.Status, resultQueued).Inc()
	for ch.pending > e.maxPending {
		if !e.dropOldest(ch) {
			break
		}
	}
	e.m.pending.WithLabelValues(ch.name).Set(float64(ch.pending))
	select {
	case ch.wake <- struct{}{}:
	default:
	}
	return nil
}

// dropOldest deletes the head of ch's outbox and reports whether it did.
func (e *Engine) dropOldest(ch *channel) bool {
	ent, ok, err := e.peek(ch)
	if err == nil && ok {
		err = e.st.Delete(ch.bucket, store.Uint64Key(nil, ent.ID))
	}
	if err != nil || !ok {
		if err != nil {
			e.log.Error("drop from full outbox", "channel", ch.name, "err", err)
		}
		return false
	}
	ch.pending--
	e.m.notifications.WithLabelValues(ch.name, ent.Notification.Status, resultDropped).Inc()
	e.log.Warn("outbox full: dropped the oldest notification", "channel", ch.name, "max_pending", e.maxPending,
		"id", ent.Notification.ID, "alert", ent.Notification.Alertname, "queued_at", ent.QueuedAt)
	return true
}

// peek returns the head of ch's outbox, deleting unreadable entries that
// would otherwise block it forever. Called with e.mu held.
func (e *Engine) peek(ch *channel) (outboxEntry, bool, error) {
	for {
		var ent outboxEntry
		var key []byte
		var bad error
		err := e.st.Scan(ch.bucket, nil, false, func(k, v []byte) bool {
			key = append([]byte(nil), k...)
			bad = json.Unmarshal(v, &ent)
			return false
		})
		switch {
		case err != nil:
			return outboxEntry{}, false, err
		case key == nil:
			return outboxEntry{}, false, nil
		case bad == nil:
			return ent, true, nil
		}
		e.log.Error("deleting unreadable outbox entry", "channel", ch.name, "key", fmt.Sprintf("%x", key), "err", bad)
		if err := e.st.Delete(ch.bucket, key); err != nil {
			return outboxEntry{}, false, err
		}
		ch.pending--
		e.m.pending.WithLabelValues(ch.name).Set(float64(ch.pending))
	}
}

// outboxHas reports whether ch's outbox holds the notification id.
func (e *Engine) outboxHas(ch *channel, id string) (bool, error) {
	var has bool
	err := e.st.Scan(ch.bucket, nil, false, func(_, v []byte) bool {
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
		ent, ok, err := e.peek(ch)
		e.mu.Unlock()
		if err != nil {
			e.log.Error("read outbox", "channel", ch.name, "err", err)
			return e.minBackoff
		}
		if !ok {
			return 0
		}
		sctx, cancel := context.WithTimeout(ctx, e.sendTimeout)
		err = ch.n.Notify(sctx, ent.Notification)
		cancel()
		if err != nil && ctx.Err() != nil {
			return 0 // shutting down: not the channel's fault
		}
		e.mu.Lock()
		n := ent.Notification
		if err != nil {
			now := e.now()
			ch.failures++
			backoff := min(e.minBackoff<<min(ch.failures-1, 20), e.maxBackoff)
			ch.nextAttempt = now.Add(backoff)
			if ch.failingSince.IsZero() {
				ch.failingSince = now
			}
			ch.lastErr = redact(err)
			e.m.deliveryErrors.WithLabelValues(ch.name).Inc()
			e.m.notifications.WithLabelValues(ch.name, n.Status, resultError).Inc()
			e.log.Warn("notification not delivered; kept in the outbox", "channel", ch.name, "id", n.ID,
				"alert", n.Alertname, "attempt", ch.failures, "retry_in", backoff, "pending", ch.pending, "err", ch.lastErr)
			e.mu.Unlock()
			return backoff
		}
		// Delete right after the channel accepted it: a crash in between
		// is the one way a notification goes out twice (same ID).
		e.ack(ch, ent.ID)
		ch.failures, ch.nextAttempt, ch.failingSince, ch.lastErr, ch.lastSent = 0, time.Time{}, time.Time{}, "", e.now()
		e.m.notifications.WithLabelValues(ch.name, n.Status, resultSent).Inc()
		e.log.Debug("notification delivered", "channel", ch.name, "id", n.ID, "alert", n.Alertname, "status", n.Status)
		e.mu.Unlock()
	}
	return 0
}

// ack deletes a delivered entry. Called with e.mu held.
func (e *Engine) ack(ch *channel, id uint64) {
	key := store.Uint64Key(nil, id)
	var ent outboxEntry
	if err := e.st.Get(ch.bucket, key, &ent); err != nil {
		return // dropped by the cap while it was being sent
	}
	if err := e.st.Delete(ch.bucket, key); err != nil {
		e.log.Error("delete delivered notification; it will be sent again", "channel", ch.name, "err", err)
		return
	}
	ch.pending--
	e.m.pending.WithLabelValues(ch.name).Set(float64(ch.pending))
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
