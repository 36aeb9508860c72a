// Package release tests scripts/release.sh: it builds the release for this
// machine's architecture, checks the static binary, SHA256SUMS and the .deb
// (dpkg-deb --info and --contents), installs the .deb with dpkg into a
// temporary root (dpkg --root, maintainer scripts run chrootless with
// DPKG_ROOT set: the host's users, files and systemd are not touched, which
// the test checks), and runs the packaged lpops: `lpops version` and `lpops
// check-config --syntax-only` on the packaged example config.
package release

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/lpops/lpops/internal/testenv"
)

// need returns the path of a program the test needs; missing, it fails the
// test under CI=true and skips it elsewhere.
func need(t *testing.T, name, why string) string {
	t.Helper()
	if p, ok := testenv.LookTool(name); ok {
		return p
	}
	msg := fmt.Sprintf("%s not found: %s", name, why)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true, so this is a failure)")
	}
	t.Skip(msg)
	return ""
}

func TestReleaseDeb(t *testing.T) {
	arch := runtime.GOARCH
	if arch != "amd64" && arch != "arm64" {
		t.Skipf("releases are built for amd64 and arm64, this is %s", arch)
	}
	dpkgDeb := need(t, "dpkg-deb", "it builds the .deb (apt-get install dpkg)")
	dpkg := need(t, "dpkg", "it installs the .deb into a temporary root (apt-get install dpkg)")
	need(t, "git", "the release is stamped with the commit")
	root := testenv.RepoRoot(t)
	out := t.TempDir()

	cmd := exec.Command("bash", filepath.Join(root, "scripts", "release.sh"), "--arch", arch, "--out", out)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-test")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, b)
	} else {
		t.Logf("scripts/release.sh --arch %s:\n%s", arch, b)
	}
	commit := strings.TrimSpace(string(must(exec.Command("git", "-C", root, "rev-parse", "HEAD").Output())))

	// The artifacts, their sizes, and SHA256SUMS over them.
	entries := must(os.ReadDir(out))
	var bin, deb string
	for _, e := range entries {
		fi := must(e.Info())
		t.Logf("artifact %-50s %10d bytes", e.Name(), fi.Size())
		switch {
		case e.Name() == "lpops_v0.0.0-test_linux_"+arch:
			bin = filepath.Join(out, e.Name())
		case e.Name() == "lpops_0.0.0+test_"+arch+".deb":
			deb = filepath.Join(out, e.Name())
		}
	}
	if bin == "" || deb == "" || len(entries) != 3 {
		t.Fatalf("artifacts %v, want lpops_v0.0.0-test_linux_%s, lpops_0.0.0+test_%s.deb and SHA256SUMS", names(entries), arch, arch)
	}
	sums := string(must(os.ReadFile(filepath.Join(out, "SHA256SUMS"))))
	for _, f := range []string{bin, deb} {
		h := sha256.Sum256(must(os.ReadFile(f)))
		if line := hex.EncodeToString(h[:]) + "  " + filepath.Base(f); !strings.Contains(sums, line+"\n") {
			t.Errorf("SHA256SUMS lacks %q:\n%s", line, sums)
		}
	}

	// The binary is static: no interpreter, no shared library.
	ef := must(elf.Open(bin))
	defer ef.Close()
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: not a static binary", filepath.Base(bin))
		}
	}
	if libs, _ := ef.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s links %v: not a static binary", filepath.Base(bin), libs)
	}

	// The package's control fields and conffiles.
	info := string(must(exec.Command(dpkgDeb, "--info", deb).CombinedOutput()))
	for _, re := range []string{`(?m)^ Package: lpops$`, `(?m)^ Version: 0\.0\.0\+test$`, `(?m)^ Architecture: ` + arch + `$`,
		`(?m)^ Depends: systemd \| adduser$`} {
		if !regexp.MustCompile(re).MatchString(info) {
			t.Errorf("dpkg-deb --info: no line matching %s:\n%s", re, info)
		}
	}
	if conf := string(must(exec.Command(dpkgDeb, "--info", deb, "conffiles").CombinedOutput())); strings.TrimSpace(conf) != "/etc/lpops/lpops.yaml" {
		t.Errorf("conffiles %q, want /etc/lpops/lpops.yaml", conf)
	}

	// Its files, with their modes and owners.
	contents := string(must(exec.Command(dpkgDeb, "--contents", deb).CombinedOutput()))
	for path, mode := range map[string]string{
		"./usr/bin/lpops":                              "-rwxr-xr-x",
		"./etc/lpops/lpops.yaml":                       "-rw-r--r--",
		"./lib/systemd/system/lpops.service":           "-rw-r--r--",
		"./usr/lib/sysusers.d/lpops.conf":              "-rw-r--r--",
		"./usr/lib/tmpfiles.d/lpops.conf":              "-rw-r--r--",
		"./usr/share/doc/lpops/README.md":              "-rw-r--r--",
		"./usr/share/doc/lpops/docs/operator-guide.md": "-rw-r--r--",
	} {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(mode) + ` root/root +\d+ \S+ \S+ ` + regexp.QuoteMeta(path) + `$`)
		if !re.MatchString(contents) {
			t.Errorf("dpkg-deb --contents: no %s %s root/root:\n%s", mode, path, contents)
		}
	}

	t.Run("Install", func(t *testing.T) {
		if os.Geteuid() != 0 {
			// dpkg --root makes its files root's and the postinst chowns
			// /var/lib/lpops to the new user: both take root.
			msg := "needs root: dpkg --root and the postinst chown files (in a temporary root)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg + " (CI=true, so this is a failure)")
			}
			t.Skip(msg)
		}
		// The postinst runs systemd-sysusers and systemd-tmpfiles --root:
		// the ones scripts/install-test-tools.sh unpacks, else the host's.
		sysusers := need(t, "systemd-sysusers", "the postinst creates the lpops user with it (run scripts/install-test-tools.sh)")
		tmpfiles := need(t, "systemd-tmpfiles", "the postinst creates /var/lib/lpops with it (run scripts/install-test-tools.sh)")
		path := filepath.Dir(sysusers) + ":" + filepath.Dir(tmpfiles) + ":" + os.Getenv("PATH")
		inst := t.TempDir()
		for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates"} {
			if err := os.MkdirAll(filepath.Join(inst, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(inst, "var/lib/dpkg/status"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		hostBefore := hostFiles(t)
		// --force-script-chrootless: the postinst runs on this system with
		// DPKG_ROOT=inst, and acts only under it. --force-depends: the
		// temporary root has no systemd or adduser package.
		install := exec.Command(dpkg, "--root="+inst, "--log="+filepath.Join(t.TempDir(), "dpkg.log"),
			"--force-script-chrootless", "--force-depends", "--install", deb)
		install.Env = append(os.Environ(), "PATH="+path)
		b, err := install.CombinedOutput()
		if err != nil {
			t.Fatalf("dpkg --root --install: %v\n%s", err, b)
		}
		t.Logf("dpkg --root %s --install %s:\n%s", inst, filepath.Base(deb), b)
		if after := hostFiles(t); after != hostBefore {
			t.Errorf("installing into a temporary root changed the host's users or groups:\n%s\nbecame\n%s", hostBefore, after)
		}

		// The postinst made the user and the directories in the root.
		passwd := string(must(os.ReadFile(filepath.Join(inst, "etc/passwd"))))
		m := regexp.MustCompile(`(?m)^lpops:x:(\d+):(\d+):[^:]*:/var/lib/lpops:/usr/sbin/nologin$`).FindStringSubmatch(passwd)
		if m == nil {
			t.Fatalf("no lpops system user in the root's /etc/passwd:\n%s", passwd)
		}
		for dir, want := range map[string]string{"var/lib/lpops": m[1], "etc/lpops/credentials": "0"} {
			fi, err := os.Stat(filepath.Join(inst, dir))
			if err != nil {
				t.Errorf("postinst did not create /%s: %v", dir, err)
				continue
			}
			if fi.Mode().Perm() != 0o700 || fmt.Sprint(uidOf(fi)) != want {
				t.Errorf("/%s: mode %v owner %d, want 0700 owner %s", dir, fi.Mode().Perm(), uidOf(fi), want)
			}
		}
		unit := string(must(os.ReadFile(filepath.Join(inst, "lib/systemd/system/lpops.service"))))
		if !strings.Contains(unit, "\nExecStart=/usr/bin/lpops ") || !strings.Contains(unit, "\nUser=lpops\n") {
			t.Errorf("lpops.service does not run /usr/bin/lpops as lpops:\n%s", unit)
		}

		// The packaged binary runs, stamped, and accepts the packaged config.
		lpops := filepath.Join(inst, "usr/bin/lpops")
		b, err = exec.Command(lpops, "version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(b), "lpops v0.0.0-test\n") || !strings.Contains(string(b), commit) {
			t.Errorf("packaged lpops version: %v\n%s\nwant version v0.0.0-test and commit %s", err, b, commit)
		}
		t.Logf("packaged lpops version:\n%s", b)
		cfg := filepath.Join(inst, "etc/lpops/lpops.yaml")
		b, err = exec.Command(lpops, "check-config", "--syntax-only", cfg).CombinedOutput()
		if err != nil || !bytes.Contains(b, []byte(cfg+": ok")) {
			t.Errorf("packaged lpops check-config --syntax-only on the packaged config: %v\n%s", err, b)
		}
		if !strings.Contains(string(must(os.ReadFile(cfg))), "\n    binary: /usr/bin/lpops\n") {
			t.Errorf("the packaged config's host.lpops.binary is not /usr/bin/lpops")
		}
	})
}

// hostFiles fingerprints the host's user and group databases.
func hostFiles(t *testing.T) string {
	t.Helper()
	var s strings.Builder
	for _, f := range []string{"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"} {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(&s, "%s: %v\n", f, err)
			continue
		}
		h := sha256.Sum256(b)
		fmt.Fprintf(&s, "%s %x\n", f, h[:8])
	}
	return s.String()
}

func names(es []os.DirEntry) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func uidOf(fi os.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Uid
	}
	return ^uint32(0)
}
