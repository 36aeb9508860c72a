package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
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

// TestStaleAfterCoversTheWorstTick: the watchdog calls the keeper stalled
// only after its longest sleep and the slowest tick it can make: every read
// failing over through every endpoint after a full request timeout, every
// broadcast waiting out two waves, the store writes on a slow disk. The old
// threshold (2·poll + 2·timeout) was shorter than such a tick with a short
// poll interval and three endpoints, so a healthy but slow lpops was
// restarted mid-tick, maybe between signing and broadcasting.
func TestStaleAfterCoversTheWorstTick(t *testing.T) {
	chain := func(poll, timeout time.Duration) config.Chain {
		return config.Chain{PollInterval: config.Duration{Duration: poll}, ActivePollInterval: config.Duration{Duration: 2 * time.Second},
			RequestTimeout: config.Duration{Duration: timeout}}
	}
	for _, tc := range []struct {
		Name      string
		Chain     config.Chain
		Endpoints int
		Want      time.Duration
	}{
		// 5m + (11×2 + 3×2)×10s + 30s + 10s
		{"DefaultsTwoEndpoints", chain(5*time.Minute, 10*time.Second), 2, 5*time.Minute + 280*time.Second + 40*time.Second},
		// 30s + (11×3 + 6)×10s + 30s + 10s
		{"FastPollThreeEndpoints", chain(30*time.Second, 10*time.Second), 3, 30*time.Second + 390*time.Second + 40*time.Second},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got := staleAfter(tc.Chain, tc.Endpoints)
			if got != tc.Want {
				t.Errorf("staleAfter = %s, want %s", got, tc.Want)
			}
			// The slowest tick after the longest sleep is not a stall.
			slowest := tc.Chain.PollInterval.Duration +
				time.Duration(tickReads*tc.Endpoints+tickBroadcasts*broadcastWaves)*tc.Chain.RequestTimeout.Duration + tickStoreBudget
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			if stalled(now.Add(-slowest), now, got) {
				t.Errorf("a tick of %s after a sleep of %s is called stalled (threshold %s)", slowest-tc.Chain.PollInterval.Duration, tc.Chain.PollInterval.Duration, got)
			}
			old := 2*tc.Chain.PollInterval.Duration + 2*tc.Chain.RequestTimeout.Duration
			if tc.Name == "FastPollThreeEndpoints" && !stalled(now.Add(-slowest), now, old) {
				t.Errorf("the old threshold %s already covered a %s wait; the case proves nothing", old, slowest)
			}
		})
	}
}
