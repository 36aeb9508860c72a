package remediate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"
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
		return "", fmt.Errorf("restart %s: %w: cannot connect (is this a systemd host, and /run/dbus/system_bus_socket reachable?): %v", unit, ErrNoSystemBus, err)
	}
	defer conn.Close()
	done := make(chan string, 1)
	job, err := conn.RestartUnitContext(ctx, unit, "replace", done)
	if err != nil {
		return "", restartError(unit, err)
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

// restartError explains the D-Bus errors an operator can fix.
func restartError(unit string, err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		switch {
		case de.Name == "org.freedesktop.DBus.Error.ServiceUnknown", de.Name == "org.freedesktop.DBus.Error.NameHasNoOwner",
			strings.HasPrefix(de.Name, "org.freedesktop.DBus.Error.Spawn."):
			return fmt.Errorf("restart %s: %w: systemd (org.freedesktop.systemd1) is not on the bus: %v", unit, ErrNoSystemBus, err)
		case de.Name == "org.freedesktop.DBus.Error.AccessDenied", de.Name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
			return fmt.Errorf("restart %s: %v (allow lpops' user to manage the unit with a polkit rule)", unit, err)
		case de.Name == "org.freedesktop.systemd1.NoSuchUnit":
			return fmt.Errorf("restart %s: no such unit: %v", unit, err)
		}
	}
	return fmt.Errorf("restart %s: %w", unit, err)
}
