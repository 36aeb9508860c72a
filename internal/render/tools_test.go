package render

// Tests that check the rendered files with the real tools that consume them:
// systemd-analyze, nft, cloud-init, chronyd, logrotate, shellcheck, findmnt,
// and the volume script run against loop devices. A missing tool fails the
// test under CI=true and skips it elsewhere, naming the package to install
// (scripts/install-test-tools.sh unpacks them into .tools/bin, except the
// base system's util-linux and mount programs).

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"

	"github.com/lpops/lpops/internal/testenv"
)

// requireTool returns the path of a program, found by testenv.LookTool
// (.tools/bin first, where scripts/install-test-tools.sh unpacks Debian's
// packages), or fails (CI=true) or skips the test naming the Debian package
// that provides it.
func requireTool(t *testing.T, name, pkg string) string {
	t.Helper()
	if p, ok := testenv.LookTool(name); ok {
		return p
	}
	msg := fmt.Sprintf("%s not found: run scripts/install-test-tools.sh (it unpacks Debian's %s into .tools)", name, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// renderTo renders c into a new directory and returns it.
func renderTo(t *testing.T, c *config.Config) string {
	t.Helper()
	files, err := Render(c, Options{Source: "lpops.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := WriteDir(dir, files, true); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// stubBinaries points the units at executables that exist, as
// systemd-analyze verify requires.
func stubBinaries(t *testing.T, c *config.Config) {
	t.Helper()
	dir := t.TempDir()
	for _, b := range []*string{&c.Host.Node.Binary, &c.Host.Geth.Binary, &c.Host.Lpops.Binary, &c.Host.Nitro.Runtime} {
		p := filepath.Join(dir, filepath.Base(*b))
		if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		*b = p
	}
}

// verifyUnits runs systemd-analyze verify on the unit files in dir and
// returns what it said about them.
func verifyUnits(t *testing.T, dir string, units ...string) []string {
	t.Helper()
	bin := requireTool(t, "systemd-analyze", "systemd")
	var paths []string
	for _, u := range units {
		paths = append(paths, filepath.Join(dir, u))
	}
	// SYSTEMD_UNIT_PATH lets the units' references to each other resolve;
	// the trailing colon keeps the system's own directories.
	out, err := run(t, dir, []string{"SYSTEMD_UNIT_PATH=" + dir + ":", "SYSTEMD_LOG_LEVEL=info"},
		bin, append([]string{"verify", "--man=no"}, paths...)...)
	var findings []string
	for _, l := range strings.Split(out, "\n") {
		for _, u := range units {
			if strings.Contains(l, u) {
				findings = append(findings, l)
				break
			}
		}
	}
	if err != nil && len(findings) == 0 {
		findings = append(findings, fmt.Sprintf("systemd-analyze verify: %v: %s", err, out))
	}
	return findings
}

func TestSystemdAnalyzeVerify(t *testing.T) {
	c := load(t, sampleConfig)
	stubBinaries(t, c)
	dir := renderTo(t, c)
	if f := verifyUnits(t, dir, "geth.service", "livepeer.service", "lpops.service"); len(f) > 0 {
		t.Errorf("systemd-analyze verify reports:\n%s", strings.Join(f, "\n"))
	}

	// The example's Arbitrum host runs Nitro in a container.
	ex := load(t, exampleConfig)
	stubBinaries(t, ex)
	exDir := renderTo(t, ex)
	if f := verifyUnits(t, exDir, "nitro.service", "livepeer.service", "lpops.service"); len(f) > 0 {
		t.Errorf("systemd-analyze verify reports on the example's units:\n%s", strings.Join(f, "\n"))
	}

	// The check is live: a unit with a typo and a missing binary is caught.
	bad := strings.Replace(string(must(os.ReadFile(filepath.Join(dir, "livepeer.service")))),
		"Restart=always", "Restart=always\nRestrat=always", 1)
	bad = strings.ReplaceAll(bad, c.Host.Node.Binary, "/nonexistent/livepeer")
	if err := os.WriteFile(filepath.Join(dir, "broken.service"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	f := strings.Join(verifyUnits(t, dir, "broken.service"), "\n")
	for _, want := range []string{"Restrat", "/nonexistent/livepeer"} {
		if !strings.Contains(f, want) {
			t.Errorf("systemd-analyze verify did not flag %s in a broken unit; it said:\n%s", want, f)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// nftRule summarises an accepting rule of the input chain.
type nftRule struct {
	DPort  int
	Saddrs []string
}

// acceptRules loads the ruleset into a fresh network namespace and lists the
// input chain's policy and its accepting tcp rules, as the kernel holds them.
func acceptRules(t *testing.T, nft, file string) (policy string, rules []nftRule) {
	t.Helper()
	unshare := requireTool(t, "unshare", "util-linux")
	// Loading needs a network namespace of its own, which takes
	// CAP_SYS_ADMIN: a VM or a privileged container has it, an unprivileged
	// container (Docker's default) does not, and nothing a test does can
	// change that. Only that is skipped, even under CI: a ruleset that a
	// namespace refuses fails the test. Without the namespace the ruleset
	// is still checked by nft -c above, its text by TestGolden, and the
	// ports it opens by TestSecurityGroupMirrorsFirewall.
	if out, err := run(t, filepath.Dir(file), nil, unshare, "--net", "true"); err != nil {
		t.Skipf("this host cannot create a network namespace (%v: %s): an unprivileged container; "+
			"the rules as the kernel holds them are not checked here, only nft -c and the text", err, strings.TrimSpace(out))
	}
	out, err := run(t, filepath.Dir(file), nil, unshare, "--net", "sh", "-c", `"$1" -f "$2" && "$1" -j list ruleset`, "sh", nft, file)
	if err != nil {
		t.Fatalf("load the ruleset into a network namespace: %v\n%s", err, out)
	}
	var doc struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("nft -j: %v\n%s", err, out)
	}
	for _, item := range doc.Nftables {
		if raw, ok := item["chain"]; ok {
			var ch struct{ Name, Hook, Policy string }
			_ = json.Unmarshal(raw, &ch)
			if ch.Hook == "input" {
				policy = ch.Policy
			}
		}
		raw, ok := item["rule"]
		if !ok {
			continue
		}
		var r struct {
			Chain string
			Expr  []map[string]json.RawMessage
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		if r.Chain != "input" {
			continue
		}
		var rule nftRule
		var accept bool
		for _, e := range r.Expr {
			if _, ok := e["accept"]; ok {
				accept = true
			}
			m, ok := e["match"]
			if !ok {
				continue
			}
			var match struct {
				Left struct {
					Payload struct{ Protocol, Field string }
				}
				Right json.RawMessage
			}
			_ = json.Unmarshal(m, &match)
			switch p := match.Left.Payload; {
			case p.Protocol == "tcp" && p.Field == "dport":
				_ = json.Unmarshal(match.Right, &rule.DPort)
			case p.Field == "saddr":
				rule.Saddrs = append(rule.Saddrs, string(match.Right))
			}
		}
		if accept && rule.DPort != 0 {
			rules = append(rules, rule)
		}
	}
	return policy, rules
}

func TestNftRuleset(t *testing.T) {
	nft := requireTool(t, "nft", "nftables")
	dir := renderTo(t, load(t, sampleConfig))
	file := filepath.Join(dir, "nftables.conf")
	if out, err := run(t, dir, nil, nft, "-c", "-f", file); err != nil {
		t.Fatalf("nft -c -f nftables.conf: %v\n%s", err, out)
	}

	policy, rules := acceptRules(t, nft, file)
	if policy != "drop" {
		t.Errorf("input policy %q, want drop", policy)
	}
	open := map[int][]string{}
	for _, r := range rules {
		open[r.DPort] = append(open[r.DPort], r.Saddrs...)
	}
	// ssh only from the bastion networks, v4 and v6.
	if s := open[2222]; len(s) != 2 || !strings.Contains(s[0], "203.0.113.10") || !strings.Contains(s[1], "2001:db8:42::") {
		t.Errorf("ssh (2222) accepted from %q, want only 203.0.113.10/32 and 2001:db8:42::/48", s)
	}
	// The service port from anywhere.
	if s, ok := open[8935]; !ok || len(s) != 0 {
		t.Errorf("service port 8935: open %v, restricted to %q; want open to all", ok, s)
	}
	// CLI, RPC and lpops' API: never accepted from the network.
	for _, p := range []int{7935, 8545, 7940, 22} {
		if _, ok := open[p]; ok {
			t.Errorf("port %d is accepted from the network", p)
		}
	}
	if len(open) != 2 {
		t.Errorf("accepted tcp ports %v, want only 2222 and 8935", open)
	}
}

func TestCloudInitSchema(t *testing.T) {
	ci := requireTool(t, "cloud-init", "cloud-init")
	dir := renderTo(t, load(t, sampleConfig))
	out, err := run(t, dir, nil, ci, "schema", "--config-file", filepath.Join(dir, "user-data.yaml"))
	if err != nil || !strings.Contains(out, "Valid cloud-config") {
		t.Errorf("cloud-init schema: %v\n%s", err, out)
	}
}

func TestChronyConfig(t *testing.T) {
	chronyd := requireTool(t, "chronyd", "chrony")
	dir := renderTo(t, load(t, sampleConfig))
	// -p parses the file and prints it back without starting the daemon.
	out, err := run(t, dir, nil, chronyd, "-p", "-f", filepath.Join(dir, "chrony.conf"))
	if err != nil || !strings.Contains(out, "server 169.254.169.123 iburst prefer") {
		t.Errorf("chronyd -p: %v\n%s", err, out)
	}
}

func TestLogrotateConfig(t *testing.T) {
	logrotate := requireTool(t, "logrotate", "logrotate")
	for _, tt := range []struct {
		name  string
		paths []string
	}{{"WithPaths", []string{"/var/log/livepeer/*.log", "/var/log/geth.log"}}, {"NoPaths", nil}} {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, sampleConfig)
			c.Host.Logrotate.Paths.Items = tt.paths
			dir := renderTo(t, c)
			// -d: a dry run that parses the file and rotates nothing.
			out, err := run(t, dir, nil, logrotate, "-d", "-s", filepath.Join(t.TempDir(), "state"), filepath.Join(dir, "logrotate.d/lpops"))
			if err != nil || strings.Contains(out, "error") {
				t.Errorf("logrotate -d: %v\n%s", err, out)
			}
			for _, p := range tt.paths {
				if !strings.Contains(out, p) {
					t.Errorf("logrotate does not consider %s:\n%s", p, out)
				}
			}
		})
	}
}

func TestVolumesScriptLint(t *testing.T) {
	shellcheck := requireTool(t, "shellcheck", "shellcheck")
	dir := renderTo(t, load(t, sampleConfig))
	script := filepath.Join(dir, "lpops-volumes.sh")
	if out, err := run(t, dir, nil, "bash", "-n", script); err != nil {
		t.Errorf("bash -n: %v\n%s", err, out)
	}
	if out, err := run(t, dir, nil, shellcheck, "-s", "bash", script); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

func TestFstabLines(t *testing.T) {
	findmnt := requireTool(t, "findmnt", "util-linux")
	dir := renderTo(t, load(t, sampleConfig))
	file := filepath.Join(dir, "fstab")
	out, _ := run(t, dir, nil, findmnt, "--verify", "--tab-file", file)
	if !strings.Contains(out, "0 parse errors") {
		t.Errorf("findmnt --verify: parse errors:\n%s", out)
	}
	// The volumes do not exist here; any other finding is about the lines.
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "[E]") && !strings.Contains(l, "unreachable on boot") {
			t.Errorf("findmnt --verify: %s", l)
		}
	}
	var n int
	for _, l := range strings.Split(string(must(os.ReadFile(file))), "\n") {
		if strings.HasPrefix(l, "LABEL=") {
			n++
			if f := strings.Fields(l); len(f) != 6 || !slices.Contains(strings.Split(f[3], ","), "nofail") {
				t.Errorf("fstab line %q: want 6 fields with nofail", l)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d fstab lines, want 2 (data and chain)", n)
	}
}

// loopDevice attaches a new sparse file as a loop device.
func loopDevice(t *testing.T, losetup string, size int64) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "vol.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(losetup, "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Fatalf("attach a loop device: %v: %s", err, out)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command(losetup, "--detach", dev).Run() })
	return dev
}

// TestVolumesScriptOnLoopDevices runs lpops-volumes against two loop
// devices, in a private mount namespace with a scratch /etc/fstab: a blank
// one is formatted and mounted, one holding another filesystem is left
// alone, and a second run formats nothing and keeps one fstab line.
// LPOPS_FSTAB points the script at a scratch fstab; the mounts vanish with
// the namespace.
func TestVolumesScriptOnLoopDevices(t *testing.T) {
	losetup := requireTool(t, "losetup", "mount")
	unshare := requireTool(t, "unshare", "util-linux")
	mkfs := requireTool(t, "mkfs.ext4", "e2fsprogs")
	requireTool(t, "blkid", "util-linux")
	if os.Geteuid() != 0 {
		// CI runs as root; a developer's account may not.
		if os.Getenv("CI") == "true" {
			t.Fatal("needs root to attach loop devices and mount (CI=true, so this is a failure)")
		}
		t.Skip("needs root to attach loop devices and mount")
	}
	// A container has no loop devices of its own unless the host lends
	// them (/dev/loop-control), and cannot create any: that alone is
	// skipped, even under CI, saying so. The script is still checked by
	// bash -n and shellcheck (TestVolumesScriptLint) and its text by
	// TestGolden; what it does to a device is proven only here.
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		t.Skipf("no loop devices on this host (%v): a container; the volume script was not run against devices", err)
	}
	blank := loopDevice(t, losetup, 64<<20)
	foreign := loopDevice(t, losetup, 64<<20)
	if out, err := exec.Command(mkfs, "-q", "-L", "other", foreign).CombinedOutput(); err != nil {
		t.Fatalf("mkfs: %v\n%s", err, out)
	}

	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	tmp := t.TempDir()
	c := load(t, sampleConfig)
	c.Host.Node.User = "nobody" // an existing user to own the mount
	c.Host.Volumes.Data = config.HostVolume{Device: blank, Label: "lpt" + hex.EncodeToString(suffix),
		Mount: filepath.Join(tmp, "data"), FSType: "ext4", Options: "defaults,noatime", Owner: "nobody"}
	c.Host.Volumes.Chain = config.HostVolume{Device: foreign, Label: "lpc" + hex.EncodeToString(suffix),
		Mount: filepath.Join(tmp, "chain"), FSType: "ext4", Options: "defaults", Owner: "nobody"}
	dir := renderTo(t, c)
	fstab := filepath.Join(tmp, "fstab")
	if err := os.WriteFile(fstab, []byte("# scratch fstab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := c.Host.Volumes.Data.Mount
	runScript := func(after string) (string, error) {
		return run(t, dir, []string{"LPOPS_FSTAB=" + fstab}, unshare, "--mount", "bash", "-c",
			`mount --make-rprivate / && bash "$1"; rc=$?; `+after+`; exit $rc`,
			"bash", filepath.Join(dir, "lpops-volumes.sh"))
	}

	out, err := runScript(`mountpoint -q "` + data + `" && echo DATA-MOUNTED && echo kept >"` + data + `/marker"`)
	if err == nil {
		t.Errorf("first run succeeded with a foreign filesystem on the chain device:\n%s", out)
	}
	for _, want := range []string{"formatting " + blank, "DATA-MOUNTED", "labelled 'other'"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run: no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "formatting "+foreign) {
		t.Errorf("first run formatted the device holding another filesystem:\n%s", out)
	}
	if got, _ := exec.Command("blkid", "-p", "-s", "LABEL", "-o", "value", foreign).Output(); strings.TrimSpace(string(got)) != "other" {
		t.Errorf("the foreign filesystem's label is now %q", got)
	}

	out, _ = runScript(`cat "` + data + `/marker"`)
	if strings.Contains(out, "formatting") {
		t.Errorf("second run formatted again:\n%s", out)
	}
	if !strings.Contains(out, "kept") {
		t.Errorf("second run: the data written by the first is gone:\n%s", out)
	}
	lines := strings.Count(string(must(os.ReadFile(fstab))), c.Host.Volumes.Data.Label)
	if lines != 1 {
		t.Errorf("fstab holds %d lines for the data volume after two runs, want 1:\n%s", lines, must(os.ReadFile(fstab)))
	}
	if bytes.Contains(must(os.ReadFile(fstab)), []byte(c.Host.Volumes.Chain.Label)) {
		t.Errorf("fstab names the chain volume, which was not set up")
	}
}
