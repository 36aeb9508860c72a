package daemon

import (
	"context"
	"log/slog"
	"strings"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
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
//     go on; a keeper stuck longer than its longest legitimate sleep plus
//     two request timeouts stops them, and systemd restarts lpops. Without
//     WATCHDOG_USEC (WatchdogSec unset) no ping is sent.
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
	d.log.Info("systemd watchdog enabled", "watchdog_sec", interval)
	stale := 2*d.cfg.Chain.PollInterval.Duration + 2*d.cfg.Chain.RequestTimeout.Duration
	alive := func() (bool, time.Time) {
		k := d.Keeper()
		if k == nil {
			return true, time.Time{} // waiting for the chain: alive, nothing to stall
		}
		last := k.LastTick()
		return !stalled(last, time.Now(), stale), last
	}
	pingWhileAlive(ctx, interval/2, alive, d.sdNotify, d.log)
	return nil
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
