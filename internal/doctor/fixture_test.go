package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// fakeProc is a process of a fixture /proc tree.
type fakeProc struct {
	pid     int
	comm    string
	argv    []string
	environ []string
	// limits is the open-files soft and hard limit ("1024 4096"); empty
	// leaves the limits file out.
	nofile  string
	sockets []uint64
	// cwdFiles are files in the process's working directory.
	cwdFiles []string
}

// fixtureProc builds a /proc tree: testdata/proc (net/tcp, net/tcp6 and pid
// 1's mountinfo, pid 1 standing for doctor itself) plus procs.
func fixtureProc(t *testing.T, procs ...fakeProc) string {
	t.Helper()
	root := t.TempDir()
	err := filepath.WalkDir("testdata/proc", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/proc", path)
		dst := filepath.Join(root, rel)
		if e.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	limits, err := os.ReadFile("testdata/limits")
	if err != nil {
		t.Fatal(err)
	}
	openFiles := regexp.MustCompile(`(?m)^Max open files +\S+ +\S+ `)
	for _, p := range procs {
		dir := filepath.Join(root, strconv.Itoa(p.pid))
		for _, d := range []string{dir, filepath.Join(dir, "fd"), filepath.Join(dir, "cwd")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		write := func(name, content string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("comm", p.comm+"\n")
		write("cmdline", nulJoin(p.argv))
		write("environ", nulJoin(p.environ))
		if p.nofile != "" {
			soft, hard, _ := strings.Cut(p.nofile, " ")
			write("limits", openFiles.ReplaceAllString(string(limits), fmt.Sprintf("Max open files            %-20s %-20s ", soft, hard)))
		}
		for i, ino := range p.sockets {
			if err := os.Symlink(fmt.Sprintf("socket:[%d]", ino), filepath.Join(dir, "fd", strconv.Itoa(3+i))); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range p.cwdFiles {
			if err := os.WriteFile(filepath.Join(dir, "cwd", f), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func nulJoin(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return strings.Join(ss, "\x00") + "\x00"
}

// testConfig parses a minimal valid configuration with extra YAML appended
// (extra may add top-level keys, and host: keys after "host:"). Unless extra
// starts with its own rpc: list, the one endpoint is a closed local port.
func testConfig(t *testing.T, extra string) *config.Config {
	t.Helper()
	rpc := "rpc:\n  - name: main\n    url: http://127.0.0.1:1\n"
	if strings.HasPrefix(extra, "rpc:") {
		rpc = ""
	}
	c, err := config.Parse([]byte(`network: arbitrum-one-mainnet
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
reward:
  mode: observe
`+rpc+extra), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeRunner answers commands from a table keyed by "name arg...";
// anything else is not installed.
type fakeRunner map[string]runnerAnswer

type runnerAnswer struct {
	out string
	err error
}

func (f fakeRunner) run(_ context.Context, name string, args ...string) ([]byte, error) {
	key := strings.TrimSpace(name + " " + strings.Join(args, " "))
	a, ok := f[key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, ErrNotInstalled)
	}
	return []byte(a.out), a.err
}

// fixtureSystem is a System that reads only fixtures: procRoot, no
// programs, a fixed clock, every user with uid 0 unless users says
// otherwise, and doctor itself run by an unprivileged user (uid 1000).
func fixtureSystem(procRoot string) System {
	return System{
		ProcRoot:    procRoot,
		SSHDConfig:  "testdata/sshd/none/sshd_config",
		Now:         func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) },
		Run:         fakeRunner{}.run,
		KernelClock: func() (KernelClock, error) { return KernelClock{}, errors.New("adjtimex: not in this test") },
		LookupUser:  func(name string) (int, error) { return 0, nil },
		UserName:    func(uid int) string { return "u" + strconv.Itoa(uid) },
		SelfPID:     1,
		EUID:        func() int { return 1000 },
		Hostname:    func() (string, error) { return "orch-test", nil },
	}
}

// runOnly runs the checks ids of a Doctor over sys.
func runOnly(t *testing.T, c *config.Config, sys System, opts Options, ids ...string) []Finding {
	t.Helper()
	opts.Checks = ids
	return New(c, sys, opts).Run(context.Background()).Findings
}

// statuses summarises findings as "check subject=status" lines, for
// comparing with a table's expectations.
func statuses(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Check
		if f.Subject != "" {
			s += " " + f.Subject
		}
		out = append(out, s+"="+string(f.Status))
	}
	return out
}
