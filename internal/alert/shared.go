package alert

import (
	"maps"
	"slices"
	"time"
)

// Lead makes this instance the one that notifies the shared alerts (HA
// mode: call it when the instance starts leading). It reads the shared
// state and outboxes as the previous leader left them, re-applies this
// instance's own newest observation of each alert on top, and queues what
// is then due: an alert the previous leader notified is not notified again
// (its record says so), a notification it queued but did not deliver is
// sent from the shared outbox, and an alert it never recorded is notified
// as new. When the shared store does not answer, Evaluate tries again.
// Without Options.Shared it does nothing.
func (e *Engine) Lead() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.shared == nil || e.leader {
		return
	}
	e.wantLead = true
	e.takeOver(e.now())
}

// Follow stops this instance from writing the shared state and sending the
// shared outboxes (HA mode: call it when the instance stops leading). It
// keeps evaluating its own observations for the API, the page and the
// metrics, and keeps sending its Local alerts.
func (e *Engine) Follow() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.shared == nil {
		return
	}
	if e.leader {
		e.log.Info("following: the leader sends the shared notifications")
	}
	e.leader, e.wantLead = false, false
	for _, ch := range e.channels {
		ch.shared.pending = 0 // the leader's now; not read from here
		if ch.unackedQ == ch.shared {
			ch.unackedQ, ch.unackedID = nil, 0
		}
		e.setPending(ch)
	}
}

// Leading reports whether this instance sends the shared notifications.
func (e *Engine) Leading() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leader
}

// takeOver loads the shared state; see Lead. Called with e.mu held.
func (e *Engine) takeOver(now time.Time) {
	for _, ch := range e.channels {
		if err := e.loadQueue(ch, ch.shared); err != nil {
			e.log.Error("taking over the notifications: cannot read the shared outbox; retrying at the next evaluation", "err", err)
			return
		}
	}
	loaded := map[string]*entry{}
	err := e.shared.Scan(bucketState, nil, false, func(k, v []byte) bool {
		a, err := decodeEntry(v)
		if err != nil {
			e.log.Error("skipping unreadable shared alert record", "fingerprint", string(k), "err", err)
			return true
		}
		if e.isShared(a.Name) {
			loaded[a.Fingerprint] = a
		}
		return true
	})
	if err != nil {
		e.log.Error("taking over the notifications: cannot read the shared alert state; retrying at the next evaluation", "err", err)
		return
	}
	silences, err := e.readSilences(e.shared)
	if err != nil {
		e.log.Error("taking over the notifications: cannot read the shared silences; retrying at the next evaluation", "err", err)
		return
	}
	e.setSilences(silences)
	kept := 0
	for fp, a := range e.alerts {
		if !e.isShared(a.Name) {
			continue
		}
		if loaded[fp] == nil {
			// Never recorded by the previous leader (or pruned): this
			// instance's own view, notified as it is due.
			a.dirty = true
			loaded[fp] = a
			kept++
		}
		delete(e.alerts, fp)
	}
	maps.Copy(e.alerts, loaded)
	// This instance's newest observations are the truth now: the previous
	// leader's may be older (it was dying).
	for _, fp := range slices.Sorted(maps.Keys(e.lastObs)) {
		e.apply(e.lastObs[fp], now)
	}
	e.leader = true
	pending := 0
	for _, ch := range e.channels {
		pending += ch.shared.pending
	}
	e.log.Info("leading: the shared notifications are sent from here", "alerts", len(loaded), "own_alerts", kept,
		"pending", pending)
	e.reconcileAll(now)
	for _, ch := range e.channels {
		select {
		case ch.wake <- struct{}{}:
		default:
		}
	}
}
