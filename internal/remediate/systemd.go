package remediate

import (
	"context"
	"errors"
)

// UnitManager restarts systemd units. The default speaks D-Bus to the
// system's systemd (systemd_dbus.go); tests may inject another.
type UnitManager interface {
	// RestartUnit restarts unit (or starts it if stopped) and returns when
	// systemd reports the job's result: nil for "done", an error naming the
	// result otherwise. The string is a line for the audit log.
	RestartUnit(ctx context.Context, unit string) (string, error)
}

// ErrNoSystemBus is wrapped by RestartUnit's error when lpops cannot reach
// systemd over the system bus (a container, a host without systemd).
var ErrNoSystemBus = errors.New("no system bus")
