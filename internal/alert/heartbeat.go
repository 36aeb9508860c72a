package alert

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// heartbeat is the dead-man's switch configuration and state (state
// guarded by Engine.mu).
type heartbeat struct {
	url      string
	interval time.Duration
	client   *http.Client
	healthy  func() error
	status   HeartbeatStatus
}

// HeartbeatStatus is the dead-man's switch as the API shows it.
type HeartbeatStatus struct {
	IntervalSeconds float64 `json:"interval_seconds"`
	// Pinging is false while a critical alert fires, lpops is unhealthy or a
	// channel cannot deliver; Reason says which.
	Pinging    bool      `json:"pinging"`
	Reason     string    `json:"reason,omitempty"`
	LastPing   time.Time `json:"last_ping,omitzero"`
	LastResult string    `json:"last_result,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
}

// Heartbeat pings the heartbeat URL once if lpops is healthy: no critical
// alert fires unsilenced and uninhibited, Options.Healthy reports nothing,
// and no channel with queued notifications has been failing for longer
// than the heartbeat interval. Otherwise it skips the ping, so the external
// service raises its own alert. Run calls it every HeartbeatInterval.
func (e *Engine) Heartbeat(ctx context.Context) error {
	if e.hb.url == "" {
		return nil
	}
	e.mu.Lock()
	reason := e.unhealthy(e.now())
	e.mu.Unlock()
	if reason == "" && e.hb.healthy != nil {
		if err := e.hb.healthy(); err != nil {
			reason = "lpops unhealthy: " + err.Error()
		}
	}
	if reason != "" {
		e.m.heartbeat.WithLabelValues(heartbeatSkipped).Inc()
		e.mu.Lock()
		if e.hb.status.Pinging || e.hb.status.Reason != reason {
			e.log.Warn("heartbeat paused", "reason", reason)
		}
		e.hb.status.Pinging, e.hb.status.Reason = false, reason
		e.mu.Unlock()
		return nil
	}
	err := e.ping(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.hb.status.Pinging && e.hb.status.Reason != "" {
		e.log.Info("heartbeat resumed")
	}
	e.hb.status.Pinging, e.hb.status.Reason, e.hb.status.LastPing = true, "", e.now()
	if err != nil {
		e.m.heartbeat.WithLabelValues(heartbeatError).Inc()
		e.hb.status.LastResult, e.hb.status.LastError = heartbeatError, redact(err)
		e.log.Warn("heartbeat ping failed", "err", e.hb.status.LastError)
		return fmt.Errorf("heartbeat: %s", e.hb.status.LastError)
	}
	e.m.heartbeat.WithLabelValues(heartbeatOK).Inc()
	e.hb.status.LastResult, e.hb.status.LastError = heartbeatOK, ""
	return nil
}

func (e *Engine) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.hb.url, nil)
	if err != nil {
		return fmt.Errorf("bad heartbeat URL")
	}
	resp, err := e.hb.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("heartbeat answered %s", resp.Status)
	}
	return nil
}

// unhealthy says why the heartbeat must not be pinged ("" when it may).
// Called with e.mu held.
func (e *Engine) unhealthy(now time.Time) string {
	for _, a := range e.sortedAlerts() {
		if a.Firing() && a.Severity == Critical && a.SilencedBy == "" && a.InhibitedBy == "" {
			return fmt.Sprintf("critical alert %s firing since %s", a.Name, a.StartsAt.UTC().Format(time.RFC3339))
		}
	}
	for _, ch := range e.channels {
		if ch.pending() > 0 && !ch.failingSince.IsZero() && now.Sub(ch.failingSince) >= e.hb.interval {
			return fmt.Sprintf("channel %s failing since %s: %s", ch.name, ch.failingSince.UTC().Format(time.RFC3339), ch.lastErr)
		}
	}
	return ""
}

// heartbeatLoop pings at once, then every interval, until ctx ends.
func (e *Engine) heartbeatLoop(ctx context.Context) {
	t := time.NewTicker(e.hb.interval)
	defer t.Stop()
	for {
		_ = e.Heartbeat(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
