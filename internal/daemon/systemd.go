package daemon

import (
	"context"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// systemd integration: READY=1 once the API listens and the contracts are
// resolved, WATCHDOG=1 at half of WatchdogSec while the keeper loop is alive,
// STOPPING=1 on shutdown. Without NOTIFY_SOCKET every call is a no-op.

func (d *Daemon) sdNotify(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		d.log.Warn("sd_notify", "state", state, "err", err)
	}
}

// watchdog pings systemd while the keeper keeps ticking. A keeper stuck
// longer than its longest legitimate sleep plus a request timeout stops the
// pings, and systemd restarts lpops.
func (d *Daemon) watchdog(ctx context.Context) error {
	interval, err := sd.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		return nil
	}
	d.log.Info("systemd watchdog enabled", "watchdog_sec", interval)
	stale := 2*d.cfg.Chain.PollInterval.Duration + 2*d.cfg.Chain.RequestTimeout.Duration
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if k := d.Keeper(); k != nil {
			if last := k.LastTick(); !last.IsZero() && time.Since(last) > stale {
				d.log.Error("keeper loop stalled; withholding the systemd watchdog ping", "last_tick", last)
				continue
			}
		}
		d.sdNotify(sd.SdNotifyWatchdog)
	}
}
