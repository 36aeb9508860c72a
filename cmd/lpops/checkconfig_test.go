package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testKeystore is the throwaway key in testdata/keystore.
const testKeystore = "keystore/UTC--2026-01-01T00-00-00.000000000Z--1c1c9817f4b8f07efb298a17102531cdd09cef68"

// TestMain makes the fixture passphrase private to its owner, as lpops
// requires of a passphrase file: git records no read permissions, so a
// checkout leaves it readable by all (0644 under the usual umask).
func TestMain(m *testing.M) {
	if err := os.Chmod("../../testdata/keystore/passphrase", 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func checkConfig(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"check-config"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// pascal turns "invalid-bad-rpc-scheme.yaml" into "InvalidBadRpcScheme".
func pascal(file string) string {
	var b strings.Builder
	for _, w := range strings.Split(strings.TrimSuffix(filepath.Base(file), ".yaml"), "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func TestCheckConfigFixtures(t *testing.T) {
	// From the repository root, errors read as they do for an operator typing
	// `lpops check-config testdata/...`, which is what the .err files hold.
	t.Chdir("../..")
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(pascal(file), func(t *testing.T) {
			code, stdout, stderr := checkConfig(t, file)
			if strings.HasPrefix(filepath.Base(file), "valid-") {
				if code != 0 || stderr != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
				}
				if !strings.HasPrefix(stdout, file+": ok\n") {
					t.Errorf("stdout %q does not start with %q", stdout, file+": ok")
				}
				for _, secret := range []string{"not-a-real-key", "lpops-test-passphrase"} {
					if strings.Contains(stdout, secret) {
						t.Errorf("stdout reveals %q:\n%s", secret, stdout)
					}
				}
				return
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			if stderr != string(want) {
				t.Errorf("stderr\n got: %s\nwant: %s", stderr, want)
			}
		})
	}
}

func TestCheckConfigSummary(t *testing.T) {
	t.Chdir("../..")
	code, stdout, _ := checkConfig(t, "testdata/valid-devnet.yaml")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"network:          custom\n",
		"chain id:         54321\n",
		"controller:       0x5FbDB2315678afecb367f032d93F642f64180aa3\n",
		"orchestrator:     0x1c1c9817f4b8f07efb298a17102531cdd09cef68\n",
		"endpoints:        http://127.0.0.1:8545, devnet-ws\n",
		"reward:           act (grace 5 blocks, max fee 2.5 gwei)\n",
		"signer:           0x1C1c9817f4B8f07efB298A17102531CDd09cEF68 (passphrase from file testdata/keystore/passphrase)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

// writeConfig writes a devnet configuration whose signer section is signer,
// with relative paths resolving into testdata.
func writeConfig(t *testing.T, rpc, signer string) string {
	t.Helper()
	testdata, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	cfg := "network: custom\nchain_id: 54321\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n" +
		"orchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n" +
		"alerts:\n  channels:\n    - name: ops\n      type: webhook\n      url: https://hooks.example.com/lpops\n" + rpc + signer
	cfg = strings.ReplaceAll(cfg, "TESTDATA", testdata)
	path := filepath.Join(t.TempDir(), "lpops.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckConfigResolvesSecrets(t *testing.T) {
	const localRPC = "rpc:\n  - url: http://127.0.0.1:8545\n"
	tests := []struct {
		name       string
		env        map[string]string
		rpc        string
		signer     string
		wantCode   int
		wantStderr []string // lines after "FILE: "
	}{
		{
			name:   "PassphraseFromEnv",
			env:    map[string]string{"LPOPS_TEST_PASS": "lpops-test-passphrase"},
			rpc:    localRPC,
			signer: "signer:\n  keystore: TESTDATA/" + testKeystore + "\n  passphrase_env: LPOPS_TEST_PASS\n",
		},
		{
			name:     "URLFromEnv",
			env:      map[string]string{"LPOPS_TEST_RPC": "https://rpc.example/v2/sekrit"},
			rpc:      "rpc:\n  - url_env: LPOPS_TEST_RPC\n",
			signer:   "reward:\n  mode: observe\n",
			wantCode: 0,
		},
		{
			name:       "KeystoreMissing",
			rpc:        localRPC,
			signer:     "signer:\n  keystore: /nonexistent/UTC--x\n  passphrase_file: TESTDATA/keystore/passphrase\n",
			wantCode:   1,
			wantStderr: []string{"signer.keystore: read keystore: open /nonexistent/UTC--x: no such file or directory"},
		},
		{
			name:       "KeystoreIsDirectory",
			rpc:        localRPC,
			signer:     "signer:\n  keystore: TESTDATA/keystore\n  passphrase_file: TESTDATA/keystore/passphrase\n",
			wantCode:   1,
			wantStderr: []string{"signer.keystore: keystore TESTDATA/keystore is a directory; name the key file (UTC--...) inside it"},
		},
		{
			name:       "KeystoreNotAKeystore",
			rpc:        localRPC,
			signer:     "signer:\n  keystore: TESTDATA/keystore/passphrase\n  passphrase_file: TESTDATA/keystore/passphrase\n",
			wantCode:   1,
			wantStderr: []string{"signer.keystore: keystore TESTDATA/keystore/passphrase is not a go-ethereum keystore file"},
		},
		{
			name:     "EverySecretMissing",
			rpc:      "rpc:\n  - url_env: LPOPS_TEST_UNSET_RPC\n  - url_file: /nonexistent/rpc-url\n",
			signer:   "signer:\n  keystore: TESTDATA/" + testKeystore + "\n  passphrase_env: LPOPS_TEST_UNSET_PASS\n",
			wantCode: 1,
			wantStderr: []string{
				"signer.passphrase_env: environment variable LPOPS_TEST_UNSET_PASS is not set or empty",
				"rpc[0].url_env: environment variable LPOPS_TEST_UNSET_RPC is not set or empty",
				"rpc[1].url_file: open /nonexistent/rpc-url: no such file or directory",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			file := writeConfig(t, tt.rpc, tt.signer)
			code, stdout, stderr := checkConfig(t, file)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			testdata, _ := filepath.Abs("../../testdata")
			var want strings.Builder
			for _, l := range tt.wantStderr {
				want.WriteString(file + ": " + strings.ReplaceAll(l, "TESTDATA", testdata) + "\n")
			}
			// Each problem is about a key in the file, so each line is placed
			// at it (file:line:column:); the text after is what the table holds.
			placedAt := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(file) + `:[0-9]+:[0-9]+: `)
			for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
				if l != "" && !strings.Contains(l, ": note: ") && !placedAt.MatchString(l) {
					t.Errorf("line not placed at its key: %s", l)
				}
			}
			if got := placedAt.ReplaceAllString(stderr, file+": "); got != want.String() {
				t.Errorf("stderr\n got: %s\nwant: %s", stderr, want.String())
			}
			for _, secret := range []string{"sekrit", "lpops-test-passphrase"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("output reveals %q:\n%s%s", secret, stdout, stderr)
				}
			}
			if code == 0 && !strings.HasPrefix(stdout, file+": ok\n") {
				t.Errorf("stdout %q does not start with FILE: ok", stdout)
			}
		})
	}
}

func TestCheckConfigUsage(t *testing.T) {
	noDefaultConfig(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"Help", []string{"--help"}, 0, "Example:\n  lpops check-config /etc/lpops/lpops.yaml\n", ""},
		{"ShortHelp", []string{"-h"}, 0, "Usage: lpops check-config [--syntax-only] [--credentials-dir DIR] [FILE | --config FILE]", ""},
		{"NoFile", nil, 2, "", "no configuration file: give --config FILE, set LPOPS_CONFIG=FILE, or create"},
		{"TwoFiles", []string{"a.yaml", "b.yaml"}, 2, "", "want one FILE argument, got 2"},
		{"UnknownFlag", []string{"--strict", "a.yaml"}, 2, "", "flag provided but not defined: -strict"},
		{"MissingFile", []string{"/nonexistent/lpops.yaml"}, 1, "", "configuration file (from --config): open /nonexistent/lpops.yaml: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := checkConfig(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stdout, tt.wantStdout) || (tt.wantStdout == "" && stdout != "") {
				t.Errorf("stdout %q, want it to contain %q", stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) || (tt.wantStderr == "" && stderr != "") {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestCheckConfigWarnsOnPublicListen(t *testing.T) {
	file := writeConfig(t, "rpc:\n  - url: http://127.0.0.1:8545\nlisten: 0.0.0.0:7940\nreward:\n  mode: observe\n", "")
	code, stdout, stderr := checkConfig(t, file)
	if code != 0 || !strings.HasPrefix(stdout, file+": ok\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and ok", code, stdout, stderr)
	}
	if want := file + ": warning: listen: 0.0.0.0:7940 is not a loopback address"; !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want it to start with %q", stderr, want)
	}
}

func TestCheckConfigRefusesReadablePassphrase(t *testing.T) {
	pass := filepath.Join(t.TempDir(), "passphrase")
	if err := os.WriteFile(pass, []byte("lpops-test-passphrase\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(pass, 0o644); err != nil {
		t.Fatal(err)
	}
	file := writeConfig(t, "rpc:\n  - url: http://127.0.0.1:8545\n",
		"signer:\n  keystore: TESTDATA/"+testKeystore+"\n  passphrase_file: "+pass+"\n")
	code, stdout, stderr := checkConfig(t, file)
	want := file + ":14:20: signer.passphrase_file: " + pass + " is accessible to group or others (mode 0644); run chmod 600 " + pass + "\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr\n got: %s\nwant: %s", code, stdout, stderr, want)
	}
}

// TestCheckConfigReachesRemoteSigner: with signer.kind clef, check-config
// asks clef for its version as the daemon would, and says when it cannot.
func TestCheckConfigReachesRemoteSigner(t *testing.T) {
	port := closedPort(t)
	file := writeConfig(t, "rpc:\n  - url: http://127.0.0.1:8545\n",
		fmt.Sprintf("signer:\n  kind: clef\n  clef:\n    endpoint: http://127.0.0.1:%d\n    address: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n", port))
	code, _, stderr := checkConfig(t, file)
	if want := fmt.Sprintf("signer: clef http://127.0.0.1:%d: ", port); code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "connection refused") {
		t.Fatalf("exit %d, stderr %q; want 1 and %q ... connection refused", code, stderr, want)
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// writeFleetDevnetConfig writes testdata/valid-devnet.yaml as a fleet of two
// orchestrators, the second with the signer mapping secondSigner ({...},
// paths relative to testdata), its keystore paths made absolute and its
// state in a temporary directory, and returns the file's path. The test
// runs from the repository root (t.Chdir).
func writeFleetDevnetConfig(t *testing.T, secondSigner string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/valid-devnet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(data), `orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"`,
		"orchestrators:\n  - address: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n"+
			"  - address: \"0x2c1c9817f4b8f07efb298a17102531cdd09cef68\"\n"+
			"    signer: "+secondSigner+"\n", 1)
	cfg = strings.ReplaceAll(strings.ReplaceAll(cfg, " keystore/", " "+testdata+"/keystore/"), "{keystore: keystore/", "{keystore: "+testdata+"/keystore/")
	cfg = strings.ReplaceAll(cfg, "passphrase_file: keystore/", "passphrase_file: "+testdata+"/keystore/")
	cfg = strings.ReplaceAll(cfg, "state_dir: state", "state_dir: "+t.TempDir())
	path := filepath.Join(t.TempDir(), "lpops.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckConfigSummaryFleet(t *testing.T) {
	t.Chdir("../..")
	path := writeFleetDevnetConfig(t, "{keystore: keystore/UTC--2026-01-01T00-00-00.000000000Z--1c1c9817f4b8f07efb298a17102531cdd09cef68, passphrase_file: keystore/passphrase}")
	code, stdout, stderr := checkConfig(t, path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"orchestrators:    2\n",
		"  [0]:            0x1c1c9817f4b8f07efb298a17102531cdd09cef68, top-level signer\n",
		"  [1]:            0x2c1c9817f4b8f07efb298a17102531cdd09cef68, own signer (keystore)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCheckConfigEntrySignerSecrets(t *testing.T) {
	t.Chdir("../..")
	path := writeFleetDevnetConfig(t, "{keystore: keystore/missing.json, passphrase_file: keystore/no-such-passphrase}")
	code, _, stderr := checkConfig(t, path)
	if code == 0 {
		t.Fatal("check-config passed with an entry's keystore and passphrase missing")
	}
	for _, want := range []string{"orchestrators[1].signer.keystore: read keystore: ", "orchestrators[1].signer.passphrase_file: open "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
