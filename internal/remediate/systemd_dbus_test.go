package remediate

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// TestSystemdRestartOnABusWithoutSystemd speaks real D-Bus to a real
// dbus-daemon on which no systemd is registered: the connection works and
// the restart fails, saying that systemd is not on the bus.
func TestSystemdRestartOnABusWithoutSystemd(t *testing.T) {
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon not installed")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	// A bus of its own with no service activation: nothing can start a
	// systemd on it.
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := testenv.StartProc(t, bin, []string{"--config-file=" + conf, "--nofork", "--print-address=1"}, nil)
	p.WaitForLog(t, "unix:path="+sock, 10*time.Second)
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path="+sock)

	out, err := SystemdUnits{}.RestartUnit(t.Context(), "geth.service")
	if !errors.Is(err, ErrNoSystemBus) || !strings.Contains(err.Error(), "org.freedesktop.systemd1") {
		t.Fatalf("RestartUnit = %q, %v; want an error saying systemd is not on the bus", out, err)
	}
}
