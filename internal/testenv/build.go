package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var lpopsBuild struct {
	once sync.Once
	path string
	err  error
}

// BuildLpops builds ./cmd/lpops once per test binary and returns the path of
// the binary. A build failure fails every test that asks, with the compiler's
// output, and is not retried.
func BuildLpops(t testing.TB) string {
	t.Helper()
	path, err := buildLpops()
	if err != nil {
		t.Fatalf("build lpops: %v", err)
	}
	return path
}

func buildLpops() (string, error) {
	lpopsBuild.once.Do(func() {
		lpopsBuild.path, lpopsBuild.err = goBuild("./cmd/lpops", "lpops")
	})
	return lpopsBuild.path, lpopsBuild.err
}

// buildDirPrefix names the directories BuildLpops builds into. They outlive
// the test binary (no test owns them), so each build sweeps away those of
// processes that have exited.
const buildDirPrefix = "lpops-testenv-build-"

// goBuild builds pkg of the lpops module into a fresh directory and returns
// the path of the binary.
func goBuild(pkg, name string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	sweepBuildDirs()
	dir, err := os.MkdirTemp("", buildDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	cmd := exec.Command(goCmd, "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// sweepBuildDirs removes build directories left by test binaries that are no
// longer running.
func sweepBuildDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), buildDirPrefix+"*"))
	for _, d := range dirs {
		rest := strings.TrimPrefix(filepath.Base(d), buildDirPrefix)
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); os.IsNotExist(err) {
			os.RemoveAll(d)
		}
	}
}
