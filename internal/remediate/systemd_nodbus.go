//go:build !lpops_dbus

package remediate

import (
	"context"
	"fmt"
)

// SystemdUnits restarts units through systemd's D-Bus API. This build has
// no D-Bus client: go.mod lacks github.com/godbus/dbus/v5, which
// go-systemd's dbus package needs, so every restart fails with
// ErrNoSystemBus. Build with -tags lpops_dbus once the module is required.
type SystemdUnits struct{}

var _ UnitManager = SystemdUnits{}

// RestartUnit implements UnitManager; it always fails in this build.
func (SystemdUnits) RestartUnit(_ context.Context, unit string) (string, error) {
	return "", fmt.Errorf("restart %s: %w: this lpops was built without D-Bus support (build tag lpops_dbus)", unit, ErrNoSystemBus)
}
