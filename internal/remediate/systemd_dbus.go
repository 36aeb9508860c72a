//go:build lpops_dbus

package remediate

import (
	"context"
	"fmt"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
)

// SystemdUnits restarts units through systemd's D-Bus API on the system
// bus, as systemctl restart does, and waits for the job's result.
type SystemdUnits struct{}

var _ UnitManager = SystemdUnits{}

// RestartUnit implements UnitManager. A fresh connection per restart: the
// call is rare, and a connection held across a restart of dbus.service
// would go stale.
func (SystemdUnits) RestartUnit(ctx context.Context, unit string) (string, error) {
	conn, err := sdbus.NewSystemConnectionContext(ctx)
	if err != nil {
		return "", fmt.Errorf("restart %s: %w: cannot reach systemd on the system bus (is this a systemd host, and /run/dbus/system_bus_socket reachable?): %v", unit, ErrNoSystemBus, err)
	}
	defer conn.Close()
	done := make(chan string, 1)
	job, err := conn.RestartUnitContext(ctx, unit, "replace", done)
	if err != nil {
		return "", fmt.Errorf("restart %s: %w (lpops needs a polkit rule allowing it to manage the unit)", unit, err)
	}
	select {
	case res := <-done:
		if res != "done" {
			return fmt.Sprintf("job %d: %s", job, res), fmt.Errorf("restart %s: job %d ended %q, not done (journalctl -u %s says why)", unit, job, res, unit)
		}
		return fmt.Sprintf("job %d: done", job), nil
	case <-ctx.Done():
		return fmt.Sprintf("job %d: no result", job), fmt.Errorf("restart %s: job %d has no result within the timeout: %w", unit, job, ctx.Err())
	}
}
