package doctor

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/testenv"
)

// helperEnv makes the test binary a stand-in process: it announces itself
// and sleeps until killed, whatever its name and arguments. Started through
// a symlink, it runs under the link's name, as a real livepeer would.
const helperEnv = "LPOPS_DOCTOR_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		fmt.Println("helper ready")
		time.Sleep(time.Hour)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// requirePrlimit returns util-linux's prlimit, or skips (fails under
// CI=true, where a skipped integration test would pass unseen).
func requirePrlimit(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("prlimit"); err == nil {
		return p
	}
	msg := "prlimit not found: install it with `apt-get install util-linux`"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startHelper starts the test binary under name (a symlink in dir) with args
// and waits until it runs.
func startHelper(t *testing.T, dir, name string, args, env []string) *testenv.Proc {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, name)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	p := testenv.StartProc(t, link, args, append([]string{helperEnv + "=1"}, env...))
	p.WaitForLog(t, "helper ready", 30*time.Second)
	return p
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// realHost writes a configuration for doctor on this machine: the node is
// dir/bin/<nodeName>, the signer's passphrase file holds secret, and every
// network peer is a closed local port, so the network checks fail at once.
func realHost(t *testing.T, nodeName, secret string) (cfgPath string, bin string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "bin")
	for _, d := range []string{bin, filepath.Join(dir, "node-keystore"), filepath.Join(dir, "state")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("keystore.json", "{}")
	write("passphrase", secret+"\n")
	closed := testenv.FreePort(t)
	write("lpops.yaml", fmt.Sprintf(`network: arbitrum-one-mainnet
rpc:
  - name: test-rpc
    url: http://127.0.0.1:%[1]d
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
node:
  cli_url: http://127.0.0.1:%[1]d
signer:
  keystore: keystore.json
  passphrase_file: passphrase
state_dir: state
probes:
  releases:
    url: http://127.0.0.1:%[1]d/releases/latest
host:
  node:
    binary: %[2]s/%[3]s
    data_dir: %[4]s/state
    keystore_path: %[4]s/node-keystore
    passphrase_credential: %[4]s/no-such-credential
  volumes:
    data:
      device: ""
`, closed, bin, nodeName, dir))
	return filepath.Join(dir, "lpops.yaml"), bin
}

// failures returns the failing findings of one check.
func failures(r *Report, check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check && f.Status == Fail {
			out = append(out, f)
		}
	}
	return out
}

// finding is the identity of a finding, for comparing a report's complete
// list with the expected one.
type finding struct {
	Check  string
	Status Status
	PID    int
}

func findingsOf(r *Report) []finding {
	var out []finding
	for _, f := range r.Findings {
		out = append(out, finding{f.Check, f.Status, f.PID})
	}
	return out
}

// TestDoctorFindsRealProcesses runs the two process checks against real
// processes the test starts: two nodes (one whose open-file limit prlimit
// lowered, one raised to the policy's), a launcher with the signer's
// passphrase on its command line and one that passes -ethPassword the
// passphrase's file, as it should. The report holds exactly: the low node
// failing, the good node passing, the leaking launcher failing, and nothing
// about the careful one.
func TestDoctorFindsRealProcesses(t *testing.T) {
	prlimit := requirePrlimit(t)
	secret := "pp-" + randomHex(t, 12)
	// A name of our own (still "livepeer..."), so a livepeer some other test
	// on this machine runs is not ours to judge.
	nodeName := "livepeer" + randomHex(t, 3)
	cfgPath, bin := realHost(t, nodeName, secret)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	setLimit := func(p *testenv.Proc, n uint64) {
		t.Helper()
		if out, err := exec.Command(prlimit, "--pid", strconv.Itoa(p.Pid()), fmt.Sprintf("--nofile=%d:%d", n, n)).CombinedOutput(); err != nil {
			t.Fatalf("prlimit: %v\n%s", err, out)
		}
	}

	node := startHelper(t, bin, nodeName, nil, nil)
	setLimit(node, 1024)
	// The same binary name from another directory: a second node.
	bin2 := filepath.Join(t.TempDir(), "bin")
	if err := os.Mkdir(bin2, 0o700); err != nil {
		t.Fatal(err)
	}
	goodNode := startHelper(t, bin2, nodeName, nil, nil)
	nodes := []finding{{CheckNodeNOFILE, Fail, node.Pid()}, {CheckNodeNOFILE, Pass, goodNode.Pid()}}
	good := cfg.Host.Node.LimitNOFILE
	if out, err := exec.Command(prlimit, "--pid", strconv.Itoa(goodNode.Pid()), fmt.Sprintf("--nofile=%d:%d", good, good)).CombinedOutput(); err != nil {
		// Raising a limit above the hard one takes CAP_SYS_RESOURCE, which
		// a sandbox may withhold even from root (this workplace's machines
		// run with a hard limit of 20000 and cannot raise
		// it). That is the host, not a missing tool: the passing side of
		// the check is then proven by TestNOFILE's fixtures alone.
		t.Logf("cannot raise a process's open-file limit to %d here (%v: %s); the good node is left out", good, err, strings.TrimSpace(string(out)))
		goodNode.Signal(syscall.SIGKILL)
		if err := goodNode.Wait(t, 30*time.Second); err == nil {
			t.Log("the good node exited")
		}
		nodes = nodes[:1]
	}
	leaky := startHelper(t, bin, "launcher", []string{"-ethPassword", secret, "-orchestrator"}, nil)
	careful := startHelper(t, bin, "careful", []string{"-ethPassword", cfg.Signer.PassphraseFile, "-orchestrator"}, nil)

	// The node's passphrase credential exists, so the passphrase search
	// covers every source the configuration names.
	if err := os.WriteFile(cfg.Host.Node.PassphraseCredential, []byte("node-"+randomHex(t, 12)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := New(cfg, DefaultSystem(), Options{Checks: []string{CheckNodeNOFILE, CheckPassphrase}}).Run(ctx)

	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", text.String())

	slices.SortFunc(nodes, func(a, b finding) int { return a.PID - b.PID }) // processes in PID order
	want := append(nodes, finding{CheckPassphrase, Fail, leaky.Pid()})
	got := findingsOf(r)
	// Where some process's environment is unreadable (not root, or a
	// sandbox hiding pid 1's, as on this workplace's machines and CI),
	// doctor adds that its search was incomplete.
	// That note is about the host, not about the processes this test
	// started, so it is set aside when it names none of them.
	if n := len(r.Findings); n > 0 {
		ours := false
		for _, p := range []*testenv.Proc{node, goodNode, leaky, careful} {
			ours = ours || strings.Contains(r.Findings[n-1].Evidence, fmt.Sprintf("pid %d ", p.Pid()))
		}
		if f := r.Findings[n-1]; f.Check == CheckPassphrase && f.Status == Warn && !ours &&
			strings.Contains(f.Evidence, "could not read the environment of") {
			got = got[:n-1]
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n got %+v\nwant %+v (the careful launcher is pid %d)", got, want, careful.Pid())
	}

	nofile := failures(r, CheckNodeNOFILE)
	if len(nofile) != 1 || nofile[0].PID != node.Pid() {
		t.Errorf("%s failures = %+v, want one for pid %d", CheckNodeNOFILE, nofile, node.Pid())
	} else {
		for _, want := range []string{"1024", "50000", fmt.Sprintf("prlimit --pid %d --nofile=65536:65536", node.Pid()), "LimitNOFILE=65536"} {
			if !strings.Contains(nofile[0].Evidence+nofile[0].Fix, want) {
				t.Errorf("limits finding lacks %q: %+v", want, nofile[0])
			}
		}
	}
	exposed := failures(r, CheckPassphrase)
	if len(exposed) != 1 || exposed[0].PID != leaky.Pid() {
		t.Errorf("%s failures = %+v, want one for pid %d", CheckPassphrase, exposed, leaky.Pid())
	} else if want := fmt.Sprintf("pid %d (launcher)", leaky.Pid()); exposed[0].Subject != want ||
		!strings.Contains(exposed[0].Evidence, "signer.passphrase_file") || !strings.Contains(exposed[0].Evidence, "command line") {
		t.Errorf("passphrase finding = %+v, want subject %q naming signer.passphrase_file and the command line", exposed[0], want)
	}
	if r.ExitCode != 2 || r.Status != Fail || r.Counts.Fail != 2 {
		t.Errorf("status %s, exit %d, counts %+v; want fail, 2 and 2 failures", r.Status, r.ExitCode, r.Counts)
	}
	for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s report shows the passphrase", name)
		}
	}
	var decoded Report
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatalf("the JSON report does not decode: %v", err)
	}
	if decoded.Version != ReportVersion || len(decoded.Findings) != len(r.Findings) {
		t.Errorf("decoded report: version %d, %d findings; want %d, %d", decoded.Version, len(decoded.Findings), ReportVersion, len(r.Findings))
	}
}

func TestDoctorNodePIDFlagAndEnvironment(t *testing.T) {
	secret := "env-" + randomHex(t, 12)
	cfgPath, bin := realHost(t, "livepeer"+randomHex(t, 3), secret)
	// Not named like host.node.binary: found only through Options.NodePIDs.
	node := startHelper(t, bin, "orchestrator", nil, nil)
	holder := startHelper(t, bin, "envholder", nil, []string{"SOME_PASSWORD=" + secret})

	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	r := New(cfg, DefaultSystem(), Options{
		NodePIDs: []int{node.Pid()},
		Checks:   []string{CheckNodeNOFILE, CheckPassphrase},
	}).Run(context.Background())

	var limits []Finding
	for _, f := range r.Findings {
		if !slices.Contains([]string{CheckNodeNOFILE, CheckPassphrase}, f.Check) {
			t.Errorf("finding of a check not asked for: %+v", f)
		}
		if f.Check == CheckNodeNOFILE {
			limits = append(limits, f)
		}
	}
	if len(limits) != 1 || limits[0].PID != node.Pid() {
		t.Errorf("limits findings = %+v, want one for pid %d", limits, node.Pid())
	}
	exposed := failures(r, CheckPassphrase)
	if len(exposed) != 1 || exposed[0].PID != holder.Pid() || !strings.Contains(exposed[0].Evidence, "$SOME_PASSWORD") {
		t.Errorf("%s failures = %+v, want one for pid %d naming $SOME_PASSWORD", CheckPassphrase, exposed, holder.Pid())
	}
}

// TestUnreadableFixAsRoot: doctor tells an unprivileged user to run it as
// root, and root what else to check, never to become root.
func TestUnreadableFixAsRoot(t *testing.T) {
	c := testConfig(t, "")
	for _, tc := range []struct {
		name string
		euid int
		want string
	}{
		{"Unprivileged", 1000, "run lpops doctor as root"},
		{"Root", 0, "check /etc/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := fixtureSystem(t.TempDir())
			sys.EUID = func() int { return tc.euid }
			if got := New(c, sys, Options{}).unreadableFix("check /etc/x"); got != tc.want {
				t.Errorf("fix %q, want %q", got, tc.want)
			}
		})
	}
}
