package testenv

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// modulePath identifies the lpops go.mod while walking up from the test's
// working directory, so a nested module (a tool, a fixture) is not mistaken
// for the repository root.
const modulePath = "github.com/lpops/lpops"

// InstallCommand is the command that installs every tool RequireTool looks for.
const InstallCommand = "scripts/install-test-tools.sh"

// RepoRoot returns the root of the lpops repository: the directory holding the
// lpops go.mod, found by walking up from the working directory (a test's
// working directory is its package directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("find repository root: %v", err)
	}
	return root
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isLpopsModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func isLpopsModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == modulePath
		}
	}
	return false
}

// ToolsEnv names the directory the tools live in when it is not .tools at
// the repository root; scripts/install-test-tools.sh installs there too.
const ToolsEnv = "LPOPS_TOOLS_DIR"

// LookTool returns the path of an external program: <tools>/bin/<name>
// (<tools> is $LPOPS_TOOLS_DIR, else .tools at the repository root), else
// <name> on PATH, else /usr/sbin/<name> or /sbin/<name> (where Debian puts
// the base system's administration programs, off a user's PATH). The tools
// directory comes first, so a test runs what scripts/install-test-tools.sh
// unpacked even where the host has its own copy.
func LookTool(name string) (string, bool) {
	dir := os.Getenv(ToolsEnv)
	if dir == "" {
		if root, err := repoRoot(); err == nil {
			dir = filepath.Join(root, ".tools")
		}
	}
	if dir != "" {
		if p, err := filepath.Abs(filepath.Join(dir, "bin", name)); err == nil && isExecutable(p) {
			return p, true
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	for _, d := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// RequireTool returns the path of an external program a test needs, found by
// LookTool. When it is missing the test is skipped with the install command,
// except under CI (CI=true), where a silently skipped integration test would
// pass a build that never ran it: there the test fails.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	if p, ok := LookTool(name); ok {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found in .tools/bin or PATH (CI=true, so this is a failure): run %s", name, InstallCommand)
		return ""
	}
	t.Skipf("%s not found in .tools/bin or PATH: run %s", name, InstallCommand)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. Another
// process may take it before the caller binds it; StartAnvil and StartGeth
// retry on a new port when that happens.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitFor polls cond until it returns true, and fails the test with what when
// timeout passes first. It is the way to wait in these tests: on a condition,
// with a deadline, never a bare sleep.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !poll(timeout, cond) {
		t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

// poll calls cond with a growing pause until it returns true or timeout
// passes, and reports whether it returned true.
func poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	pause := 10 * time.Millisecond
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
		pause = min(pause*3/2, 250*time.Millisecond)
	}
}
