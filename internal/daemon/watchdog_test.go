package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"
)

// TestWatchdogPingsOnlyWhileTheKeeperLives drives the watchdog loop with a
// keeper that ticks, stalls, and ticks again: no ping is sent for a check
// that found it stalled, and pings resume when it recovers. The events are
// compared in order, so the test does not depend on timing.
func TestWatchdogPingsOnlyWhileTheKeeperLives(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	script := []bool{true, true, false, false, false, true}
	var events []string
	i := 0
	alive := func() (bool, time.Time) {
		if i == len(script) {
			cancel()
			return false, time.Time{}
		}
		ok := script[i]
		i++
		if ok {
			events = append(events, "alive")
		} else {
			events = append(events, "stalled")
		}
		return ok, time.Time{}
	}
	notify := func(s string) { events = append(events, s) }
	pingWhileAlive(ctx, time.Millisecond, alive, notify, slog.New(slog.NewTextHandler(io.Discard, nil)))
	want := []string{"alive", "WATCHDOG=1", "alive", "WATCHDOG=1", "stalled", "stalled", "stalled", "alive", "WATCHDOG=1"}
	if !slices.Equal(events, want) {
		t.Errorf("events\n got %q\nwant %q", events, want)
	}
}

func TestStalled(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	stale := time.Minute
	tests := []struct {
		name string
		last time.Time
		want bool
	}{
		{"NeverTicked", time.Time{}, false}, // still on its first chain read
		{"TickedJustNow", now.Add(-time.Second), false},
		{"AtTheLimit", now.Add(-stale), false},
		{"StuckLongerThanStale", now.Add(-stale - time.Second), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stalled(tc.last, now, stale); got != tc.want {
				t.Errorf("stalled = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNoWatchdogWithoutWatchdogUsec: without WATCHDOG_USEC (WatchdogSec
// unset) the watchdog returns at once, so no ping can ever be sent, even
// with NOTIFY_SOCKET set.
func TestNoWatchdogWithoutWatchdogUsec(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "@lpops-test-none")
	t.Setenv("WATCHDOG_USEC", "")
	os.Unsetenv("WATCHDOG_USEC")
	d := &Daemon{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- d.watchdog(t.Context()) }() // t.Context stays live until the test ends
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the watchdog runs without WATCHDOG_USEC")
	}
}
