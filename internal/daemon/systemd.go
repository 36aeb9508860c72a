package daemon

import (
	"context"
	"log/slog"
	"strings"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"

	"github.com/lpops/lpops/internal/config"
)

// systemd integration (Type=notify):
//
//   - READY=1 once the API listens and the alert engine, probes and
//     remediator run, whether or not the chain answers. A host booting with
//     every RPC endpoint down is when the runbooks that restart geth matter
//     most; holding READY until the contracts resolve would let systemd's
//     start timeout kill lpops every 90 s, in the middle of the repair.
//   - STATUS= says what lpops is doing (systemctl status shows it): waiting
//     for the chain with the last error, then keeping the orchestrator
//     earning.
//   - WATCHDOG=1 at half of WatchdogSec while the keeper loop is alive:
//     before the contracts resolve there is no keeper to stall, so the pings
//     go on; a keeper whose last tick ended longer ago than staleAfter (its
//     longest legitimate sleep plus the worst case of one tick) stops them,
//     and systemd restarts lpops WatchdogSec later. Without WATCHDOG_USEC
//     (WatchdogSec unset) no ping is sent.
//   - STOPPING=1 on shutdown.
//
// Without NOTIFY_SOCKET every call is a no-op.

func (d *Daemon) sdNotify(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		d.log.Warn("sd_notify", "state", state, "err", err)
	}
}

// sdStatus sets the one-line status systemctl status shows.
func (d *Daemon) sdStatus(s string) {
	d.sdNotify("STATUS=" + strings.Join(strings.Fields(s), " "))
}

// watchdog pings systemd while the keeper keeps ticking.
func (d *Daemon) watchdog(ctx context.Context) error {
	interval, err := sd.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		return nil
	}
	// The fleet steps its keepers one after the other: a tick's worst case
	// is one keeper's times their number.
	stale := staleAfter(d.cfg.Chain, len(d.cfg.RPC))
	if n := len(d.cfg.Orchestrators()); n > 1 {
		stale += time.Duration(n-1) * worstTick(d.cfg.Chain, len(d.cfg.RPC))
	}
	d.log.Info("systemd watchdog enabled", "watchdog_sec", interval, "keeper_stalled_after", stale)
	var born time.Time // when the watchdog first saw the keeper
	alive := func() (bool, time.Time) {
		f := d.Fleet()
		if f == nil {
			return true, time.Time{} // waiting for the chain: alive, nothing to stall
		}
		last := f.LastTick()
		if last.IsZero() {
			// Still in its first tick: that one may stall too.
			if born.IsZero() {
				born = time.Now()
			}
			last = born
		}
		return !stalled(last, time.Now(), stale), last
	}
	pingWhileAlive(ctx, interval/2, alive, d.sdNotify, d.log)
	return nil
}

// The worst case of one keeper tick (keeper.Tick), counted in what can
// each take a whole request_timeout. Keep these in step with the keeper.
const (
	// tickReads is the most pool round trips one tick makes one after the
	// other: the snapshot (the head, the state at that head, the state again
	// at "latest" when the endpoint lags) 3; finalizing up to 4 earlier
	// rounds, each reading the node's Reward log 4; the receipts of the
	// transactions in flight 1; the current round's Reward log 1; preparing
	// initializeRound and reward, one batch each, 2. A read fails over
	// through every endpoint, each for up to request_timeout.
	tickReads = 11
	// tickBroadcasts is the most broadcasts in one tick: a signed
	// transaction sent again by reconcile, initializeRound and reward. Each
	// goes to every endpoint at once, in up to two waves (the healthy
	// endpoints, then the others).
	tickBroadcasts = 3
	broadcastWaves = 2
	// tickStoreBudget covers the store writes of a tick (a bbolt commit and
	// fsync each, up to 6) on a slow or busy disk.
	tickStoreBudget = 30 * time.Second
)

// worstTick is the longest one keeper tick can legitimately take with
// endpoints RPC endpoints:
//
//	(tickReads × endpoints + tickBroadcasts × broadcastWaves) × request_timeout + tickStoreBudget
func worstTick(c config.Chain, endpoints int) time.Duration {
	trips := tickReads*max(endpoints, 1) + tickBroadcasts*broadcastWaves
	return time.Duration(trips)*c.RequestTimeout.Duration + tickStoreBudget
}

// staleAfter is how long after the end of the keeper's last tick the
// watchdog calls the loop stalled: the longest sleep between two ticks
// (poll_interval, which caps both the next-event delay and the read
// backoff) plus the worst case of the next tick, plus one request_timeout
// of slack for the scheduler.
//
//	staleAfter = poll_interval + worstTick + request_timeout
//
// With the defaults (poll 5m, request timeout 10s) and two endpoints that
// is 5m + 310s + 10s = 10m20s.
func staleAfter(c config.Chain, endpoints int) time.Duration {
	return c.PollInterval.Duration + worstTick(c, endpoints) + c.RequestTimeout.Duration
}

// stalled reports whether a keeper whose last tick ended at last is stuck
// at now: it has ticked, and not within stale.
func stalled(last, now time.Time, stale time.Duration) bool {
	return !last.IsZero() && now.Sub(last) > stale
}

// pingWhileAlive sends WATCHDOG=1 every interval for as long as alive says
// so, until ctx ends. A stalled check withholds that ping (logged once per
// stall).
func pingWhileAlive(ctx context.Context, every time.Duration, alive func() (bool, time.Time), notify func(string), log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	withheld := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, last := alive()
		if !ok {
			if !withheld {
				log.Error("keeper loop stalled; withholding the systemd watchdog ping", "last_tick", last)
			}
			withheld = true
			continue
		}
		if withheld {
			log.Info("keeper loop ticks again; systemd watchdog pings resume")
		}
		withheld = false
		notify(sd.SdNotifyWatchdog)
	}
}
