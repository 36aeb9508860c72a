package remediate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/lpops/lpops/internal/testenv"
)

// startBus starts a private dbus-daemon with no service activation (nothing
// can start a systemd on it) and points the system bus address at it.
// dbus-daemon comes from Debian's dbus package (install-test-tools.sh); under
// CI=true its absence fails the test.
func startBus(t *testing.T) string {
	t.Helper()
	bin := testenv.RequireTool(t, "dbus-daemon")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
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
	addr := "unix:path=" + sock
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", addr)
	return addr
}

// TestSystemdRestartOnABusWithoutSystemd speaks real D-Bus to a real
// dbus-daemon on which no systemd is registered: the connection works and
// the restart fails, saying that systemd is not on the bus.
func TestSystemdRestartOnABusWithoutSystemd(t *testing.T) {
	startBus(t)
	out, err := SystemdUnits{}.RestartUnit(t.Context(), "geth.service")
	if !errors.Is(err, ErrNoSystemBus) || !strings.Contains(err.Error(), "org.freedesktop.systemd1") {
		t.Fatalf("RestartUnit = %q, %v; want an error saying systemd is not on the bus", out, err)
	}
}

// standInSystemd owns org.freedesktop.systemd1 on a private bus and serves
// the part of systemd's Manager interface that go-systemd's dbus package
// (v22, methods.go and subscription.go) uses for a restart, in systemd's
// wire format: RestartUnit(s name, s mode) → o job path
// /org/freedesktop/systemd1/job/N; the job's end is the broadcast signal
// org.freedesktop.systemd1.Manager.JobRemoved(u id, o job, s unit, s result),
// which systemd sends to the client that queued the job (and subscribers)
// and go-systemd matches by job path.
type standInSystemd struct {
	conn *dbus.Conn

	mu   sync.Mutex
	next uint32
	// auto, when set, ends every job with this result at once; otherwise
	// jobs wait for finish.
	auto string
	// deny, when set, is the error RestartUnit answers (no job queued).
	deny *dbus.Error

	calls chan restartCall
}

type restartCall struct {
	ID         uint32
	Job        dbus.ObjectPath
	Unit, Mode string
}

// startStandInSystemd connects to the bus at addr and claims systemd's name.
func startStandInSystemd(t *testing.T, addr string) *standInSystemd {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the private bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &standInSystemd{conn: conn, next: 4000, calls: make(chan restartCall, 16)}
	if err := conn.Export(s, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.systemd1", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.systemd1: reply %v, %v", reply, err)
	}
	return s
}

// RestartUnit is systemd's Manager.RestartUnit: it queues a job and returns
// its path at once; the job ends later with JobRemoved.
func (s *standInSystemd) RestartUnit(name, mode string) (dbus.ObjectPath, *dbus.Error) {
	s.mu.Lock()
	if s.deny != nil {
		s.mu.Unlock()
		return "", s.deny
	}
	s.next++
	c := restartCall{ID: s.next, Job: dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/systemd1/job/%d", s.next)), Unit: name, Mode: mode}
	auto := s.auto
	s.mu.Unlock()
	s.calls <- c
	if auto != "" {
		// After the reply, as systemd does once the job ran.
		go s.finish(c, auto)
	}
	return c.Job, nil
}

// Subscribe and Unsubscribe are Manager's, accepted as systemd does.
func (s *standInSystemd) Subscribe() *dbus.Error   { return nil }
func (s *standInSystemd) Unsubscribe() *dbus.Error { return nil }

// finish ends the job of c with result, broadcasting JobRemoved.
func (s *standInSystemd) finish(c restartCall, result string) error {
	return s.conn.Emit("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager.JobRemoved", c.ID, c.Job, c.Unit, result)
}

// call waits for the next RestartUnit systemd received.
func (s *standInSystemd) call(t *testing.T) restartCall {
	t.Helper()
	select {
	case c := <-s.calls:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("systemd received no RestartUnit within 10s")
		return restartCall{}
	}
}

// TestSystemdRestartOverDBus restarts a unit through the real D-Bus
// protocol and a real dbus-daemon, against a stand-in systemd: the unit and
// mode systemd receives, RestartUnit waiting for the job's end, and the
// result systemd reports deciding success.
func TestSystemdRestartOverDBus(t *testing.T) {
	addr := startBus(t)
	sd := startStandInSystemd(t, addr)
	tests := []struct {
		result  string
		wantErr string // "" for success
	}{
		{"done", ""},
		{"failed", `ended "failed", not done (journalctl -u geth.service says why)`},
		{"dependency", `ended "dependency", not done`},
		{"canceled", `ended "canceled", not done`},
	}
	for _, tc := range tests {
		t.Run(strings.ToUpper(tc.result[:1])+tc.result[1:], func(t *testing.T) {
			type result struct {
				out string
				err error
			}
			done := make(chan result, 1)
			go func() {
				out, err := SystemdUnits{}.RestartUnit(t.Context(), "geth.service")
				done <- result{out, err}
			}()
			c := sd.call(t)
			if c.Unit != "geth.service" || c.Mode != "replace" {
				t.Errorf("systemd received RestartUnit(%q, %q), want (\"geth.service\", \"replace\")", c.Unit, c.Mode)
			}
			select {
			case r := <-done:
				t.Fatalf("RestartUnit returned %q, %v before the job ended", r.out, r.err)
			default:
			}
			if err := sd.finish(c, tc.result); err != nil {
				t.Fatal(err)
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("RestartUnit did not return within 10s of JobRemoved")
			}
			wantOut := fmt.Sprintf("job %d: %s", c.ID, tc.result)
			if r.out != wantOut {
				t.Errorf("output %q, want %q", r.out, wantOut)
			}
			switch {
			case tc.wantErr == "" && r.err != nil:
				t.Errorf("RestartUnit: %v, want success", r.err)
			case tc.wantErr != "" && (r.err == nil || !strings.Contains(r.err.Error(), tc.wantErr)):
				t.Errorf("RestartUnit error %v, want one containing %q", r.err, tc.wantErr)
			}
		})
	}

	t.Run("AccessDenied", func(t *testing.T) {
		sd.mu.Lock()
		sd.deny = dbus.NewError("org.freedesktop.DBus.Error.AccessDenied", []any{"Interactive authentication required."})
		sd.mu.Unlock()
		defer func() { sd.mu.Lock(); sd.deny = nil; sd.mu.Unlock() }()
		_, err := SystemdUnits{}.RestartUnit(t.Context(), "geth.service")
		if err == nil || !strings.Contains(err.Error(), "polkit rule") || errors.Is(err, ErrNoSystemBus) {
			t.Fatalf("RestartUnit error %v, want access denied with the polkit hint", err)
		}
	})
}

// TestSystemdRestartRunbookOverDBus runs a runbook's systemd_restart step
// with the remediator's default unit manager (D-Bus) against the stand-in
// systemd: the run succeeds only on "done", and the audit log has the job.
func TestSystemdRestartRunbookOverDBus(t *testing.T) {
	addr := startBus(t)
	sd := startStandInSystemd(t, addr)
	e := newEnv(t, nil)
	rb := Runbook{Name: "restart-geth", When: []Matcher{{Alertname: "RPCEndpointDown"}},
		Steps: []Step{{Type: StepSystemdRestart, Unit: "geth.service", Timeout: 10 * time.Second}},
		// A second run right after the first: no backoff or rate limit in the way.
		RateLimit: RateLimit{Max: 10, Per: time.Hour}, Backoff: Backoff{Initial: time.Nanosecond}}
	r := e.remediator(t, Options{}, rb)

	for i, result := range []string{"failed", "done"} {
		sd.mu.Lock()
		sd.auto = result
		sd.mu.Unlock()
		e.fire("RPCEndpointDown", nil)
		r.Evaluate(t.Context())
		r.Wait()
		c := sd.call(t)
		run := runs(t, r)[0]
		if len(runs(t, r)) != i+1 {
			t.Fatalf("after run %d the audit log has %d runs", i+1, len(runs(t, r)))
		}
		want, wantOutcome := StateSucceeded, OutcomeOK
		if result != "done" {
			want, wantOutcome = StateFailed, OutcomeFailed
		}
		s := run.Steps[0]
		if run.State != want || s.Outcome != wantOutcome || s.Output != fmt.Sprintf("job %d: %s", c.ID, result) {
			t.Errorf("systemd answered %q: run %s (%s), step %s output %q; want %s with the job in the output",
				result, run.State, run.Error, s.Outcome, s.Output, want)
		}
	}
}
