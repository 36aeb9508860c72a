package integration

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lpops/lpops/internal/testenv"
)

// TestInvalidConfigs runs the built binary's check-config on every
// testdata/invalid-*.yaml from the repository root, as an operator would type
// it, and wants exactly the error of the sibling .err file and exit code 1.
func TestInvalidConfigs(t *testing.T) {
	t.Parallel()
	bin := testenv.BuildLpops(t)
	root := testenv.RepoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "testdata", "invalid-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/invalid-*.yaml")
	}
	for _, f := range files {
		rel := filepath.Join("testdata", filepath.Base(f))
		t.Run(pascal(filepath.Base(f)), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "check-config", rel)
			cmd.Dir = root
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("lpops check-config %s: %v; want exit status 1", rel, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if got := stderr.String(); got != string(want) {
				t.Errorf("stderr\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// pascal turns "invalid-bad-rpc-scheme.yaml" into "InvalidBadRpcScheme".
func pascal(file string) string {
	var b strings.Builder
	for _, w := range strings.Split(strings.TrimSuffix(file, ".yaml"), "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// TestSigtermStopsCleanly stops a running lpops as systemd would.
func TestSigtermStopsCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	lp := e.startLpops(lpopsOptions{})
	lp.waitStatus("lpops to be ready", func(s *statusDoc) bool { return s.Ready })
	lp.Stop(syscall.SIGTERM) // fails unless the exit status is 0
	if !strings.Contains(lp.Proc.Output(), "lpops stopped") {
		t.Errorf("log does not say lpops stopped:\n%s", lp.Proc.Output())
	}
	// What it left in state_dir opens again.
	lp.Restart()
}
