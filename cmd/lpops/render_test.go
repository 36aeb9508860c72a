package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// renderSample is the configuration internal/render's golden files come from.
const renderSample = "../../internal/render/testdata/lpops.yaml"

func renderCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"render"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRenderHelp(t *testing.T) {
	code, stdout, _ := renderCmd(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Usage: lpops render [--config FILE] --out DIR", "-force", "Example:\n  lpops render --config"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
}

func TestRenderUsageErrors(t *testing.T) {
	noDefaultConfig(t)
	tests := []struct {
		name string
		args []string
	}{
		{"NoFlags", nil},
		{"NoOut", []string{"--config", renderSample}},
		{"Stray", []string{"--config", renderSample, "--out", "x", "extra"}},
		{"UnknownFlag", []string{"--bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, stderr := renderCmd(t, tt.args...); code != 2 || stderr == "" {
				t.Errorf("exit %d, stderr %q; want 2 and a message", code, stderr)
			}
		})
	}
}

func TestRenderWritesDir(t *testing.T) {
	out := filepath.Join(t.TempDir(), "host")
	code, stdout, stderr := renderCmd(t, "--config", renderSample, "--out", out)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 14 || lines[0] != out+"/README.txt" {
		t.Errorf("stdout lists %d files starting %q, want 14 starting with README.txt:\n%s", len(lines), lines[0], stdout)
	}
	for _, l := range lines {
		fi, err := os.Stat(l)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", l, fi.Mode().Perm())
		}
	}
	// The output is what the golden files hold.
	for _, name := range []string{"livepeer.service", "nftables.conf", "aws/cloudformation.yaml"} {
		got, _ := os.ReadFile(filepath.Join(out, name))
		want, _ := os.ReadFile(filepath.Join("../../internal/render/testdata/golden", name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file", name)
		}
	}

	// A non-empty DIR is refused without --force.
	if code, _, stderr := renderCmd(t, "--config", renderSample, "--out", out); code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("second render: exit %d, stderr %q; want 1 naming --force", code, stderr)
	}
	if code, _, stderr := renderCmd(t, "--config", renderSample, "--out", out, "--force"); code != 0 || stderr != "" {
		t.Errorf("--force: exit %d, stderr %q", code, stderr)
	}
}

func TestRenderReportsWhatIsMissing(t *testing.T) {
	// A configuration that check-config accepts but lacks what a host needs.
	t.Chdir("../..")
	code, stdout, stderr := renderCmd(t, "--config", "testdata/valid-devnet.yaml", "--out", t.TempDir())
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	for _, want := range []string{
		"testdata/valid-devnet.yaml: host.node.service_addr: is required",
		"testdata/valid-devnet.yaml: host.node.price_per_unit: is required",
		"testdata/valid-devnet.yaml: host.firewall.ssh_cidrs: is required",
		// Relative paths would mean nothing on the host.
		`testdata/valid-devnet.yaml:11:13: signer.keystore: must be an absolute path`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, _, stderr = renderCmd(t, "--config", "testdata/invalid-host-low-nofile.yaml", "--out", t.TempDir())
	if want, _ := os.ReadFile("testdata/invalid-host-low-nofile.err"); code != 1 || stderr != string(want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}
