package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// noDefaultConfig makes the test independent of this machine: no
// /etc/lpops/lpops.yaml, no LPOPS_CONFIG, not inside a systemd unit.
func noDefaultConfig(t *testing.T) {
	t.Helper()
	old := defaultConfigPath
	defaultConfigPath = filepath.Join(t.TempDir(), "etc-lpops", "lpops.yaml")
	t.Cleanup(func() { defaultConfigPath = old })
	t.Setenv(configEnv, "")
	t.Setenv("CREDENTIALS_DIRECTORY", "")
}

// minimalConfig writes a configuration that loads, with the given extra
// YAML, and returns its path.
func minimalConfig(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "lpops.yaml")
	cfg := `network: custom
chain_id: 1337
controller: "0x0000000000000000000000000000000000000001"
orchestrator: "0x0000000000000000000000000000000000000002"
reward:
  mode: observe
state_dir: ` + dir + `/state
listen: ` + freeAddr(t) + "\n" + extra
	if !strings.Contains(extra, "rpc:") {
		cfg += "rpc:\n  - url: http://" + freeAddr(t) + "\n"
	}
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExitCodes runs every command with the usage errors each can meet and
// wants exit status 2 from all, and 0 from --help.
func TestExitCodes(t *testing.T) {
	noDefaultConfig(t)
	cfg := minimalConfig(t, "")
	// Commands that read a configuration, and the flags each needs besides.
	readers := map[string][]string{
		"run": nil, "status": nil, "reward": nil, "rounds": nil, "txs": nil,
		"alerts": nil, "ha": nil, "doctor": nil, "check-config": nil, "render": {"--out", t.TempDir()},
		"reward-caller": {"show"},
		// backup: the action first; its create and list read the config.
		"backup": {"create"},
	}
	// Commands whose configuration is optional: without one they still
	// run (lpops bench measures the host; a configuration only names where
	// its report is kept and what --apply changes).
	optional := map[string]bool{"bench": true}
	type tc struct {
		name string
		args []string
		want int
	}
	var tests []tc
	for _, c := range commands() {
		tests = append(tests,
			tc{c.name + "/Help", []string{c.name, "--help"}, 0},
			tc{c.name + "/UnknownFlag", []string{c.name, "--no-such-flag"}, 2},
		)
		extra, reads := readers[c.name]
		if _, help, helpErr := runCLI(t, c.name, "--help"); !reads && !optional[c.name] && strings.Contains(help+helpErr, "-config FILE") {
			t.Errorf("lpops %s takes --config: add it to the commands that read a configuration", c.name)
		}
		if optional[c.name] {
			tests = append(tests,
				tc{c.name + "/ConfigWithoutValue", []string{c.name, "--config"}, 2},
				tc{c.name + "/ExtraArgument", []string{c.name, "--config", cfg, "a", "b"}, 2},
			)
			continue
		}
		if !reads {
			continue
		}
		tests = append(tests,
			tc{c.name + "/NoConfig", append([]string{c.name}, extra...), 2},
			tc{c.name + "/ConfigWithoutValue", []string{c.name, "--config"}, 2},
			tc{c.name + "/ExtraArgument", append([]string{c.name, "--config", cfg, "a", "b"}, extra...), 2},
		)
	}
	tests = append(tests,
		tc{"NoCommand", nil, 2},
		tc{"UnknownCommand", []string{"no-such-command"}, 2},
		tc{"Help", []string{"--help"}, 0},
		tc{"Version", []string{"--version"}, 0},
		tc{"version/ExtraArgument", []string{"version", "x"}, 2},
		tc{"completion/NoShell", []string{"completion"}, 2},
		tc{"completion/UnknownShell", []string{"completion", "tcsh"}, 2},
		tc{"alerts/UnknownAction", []string{"alerts", "--config", cfg, "mute"}, 2},
		tc{"demo/WithoutTheDemoTag", []string{"demo"}, 2},
	)
	for _, tt := range tests {
		t.Run(pascalPath(tt.name), func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.want {
				t.Errorf("lpops %s: exit %d; want %d\n%s", strings.Join(tt.args, " "), code, tt.want, stderr)
			}
		})
	}
}

// pascalPath turns "check-config/NoConfig" into "CheckConfig/NoConfig".
func pascalPath(s string) string {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		var b strings.Builder
		for _, w := range strings.Split(p, "-") {
			if w != "" {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			}
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, "/")
}

// TestConfigFilePrecedence: --config wins over LPOPS_CONFIG, which wins over
// /etc/lpops/lpops.yaml; with none, the error names all three.
func TestConfigFilePrecedence(t *testing.T) {
	noDefaultConfig(t)
	flagFile, envFile := minimalConfig(t, ""), minimalConfig(t, "")
	check := func(t *testing.T, want string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{"check-config", "--syntax-only"}, args...)...)
		if code != 0 || !strings.HasPrefix(out, want+": ok") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 0 and %s checked", code, out, errOut, want)
		}
	}
	code, _, errOut := runCLI(t, "check-config", "--syntax-only")
	if want := "no configuration file: give --config FILE, set LPOPS_CONFIG=FILE, or create " + defaultConfigPath; code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("no configuration: exit %d, stderr %q; want 2 and %q", code, errOut, want)
	}

	if err := os.MkdirAll(filepath.Dir(defaultConfigPath), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(flagFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(defaultConfigPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("Default", func(t *testing.T) { check(t, defaultConfigPath) })
	t.Setenv(configEnv, envFile)
	t.Run("Environment", func(t *testing.T) { check(t, envFile) })
	t.Run("Flag", func(t *testing.T) { check(t, flagFile, "--config", flagFile) })
	t.Run("Argument", func(t *testing.T) { check(t, flagFile, flagFile) })

	t.Setenv(configEnv, envFile+".missing")
	code, _, errOut = runCLI(t, "status")
	if want := "configuration file (from LPOPS_CONFIG): open " + envFile + ".missing"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("LPOPS_CONFIG names a missing file: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
}

// TestCheckConfigArgumentAndFlag: FILE and a different --config is a usage
// error; the same file twice is not.
func TestCheckConfigArgumentAndFlag(t *testing.T) {
	noDefaultConfig(t)
	a, b := minimalConfig(t, ""), minimalConfig(t, "")
	if code, _, errOut := runCLI(t, "check-config", "--syntax-only", "--config", a, b); code != 2 || !strings.Contains(errOut, "not both") {
		t.Errorf("exit %d, stderr %q; want 2", code, errOut)
	}
	if code, _, errOut := runCLI(t, "check-config", "--syntax-only", "--config", a, a); code != 0 {
		t.Errorf("exit %d, stderr %q; want 0", code, errOut)
	}
}

// TestCheckConfigSyntaxOnlyExample: the example configuration names secrets
// in /run/credentials/lpops.service/, in /etc/lpops and in environment
// variables, none of which exists here. check-config fails on them;
// --syntax-only checks the file alone and passes.
func TestCheckConfigSyntaxOnlyExample(t *testing.T) {
	noDefaultConfig(t)
	for _, v := range []string{"LPOPS_RPC_ALCHEMY", "LPOPS_DISCORD_WEBHOOK"} {
		t.Setenv(v, "")
	}
	t.Chdir("../..")
	const file = "examples/lpops.yaml"
	code, out, errOut := runCLI(t, "check-config", "--syntax-only", file)
	if code != 0 || errOut != "" || !strings.HasPrefix(out, file+": ok (syntax only: no secret was read)\n") {
		t.Errorf("--syntax-only: exit %d, stdout %q, stderr %q; want 0 and ok", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "check-config", "--credentials-dir", t.TempDir(), file)
	if code != 1 || !strings.Contains(errOut, "signer.passphrase_file") || !strings.Contains(errOut, "LPOPS_RPC_ALCHEMY") ||
		!strings.Contains(errOut, "note: outside lpops.service, the 9 files under /run/credentials/lpops.service/ were read from") {
		t.Errorf("without --syntax-only: exit %d, stderr %q; want 1, the missing secrets and where the credentials were looked for", code, errOut)
	}
	// An error in the file itself is still found.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, append(data, []byte("\nreward_typo: 1\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "check-config", "--syntax-only", bad); code != 1 || !strings.Contains(errOut, "reward_typo") {
		t.Errorf("--syntax-only on a bad file: exit %d, stderr %q; want 1 and the unknown key", code, errOut)
	}
}

// rpcRecorder is a JSON-RPC endpoint that answers every call with an error
// and counts the calls: a call proves lpops read its URL.
func rpcRecorder(t *testing.T) (url string, calls *atomic.Int64) {
	calls = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"recorder"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// credentialsConfig writes a configuration whose RPC URL and keystore are
// systemd credentials, and a credentials directory holding them.
func credentialsConfig(t *testing.T) (cfg, credDir string, calls *atomic.Int64) {
	t.Helper()
	url, calls := rpcRecorder(t)
	credDir = t.TempDir()
	ks, err := os.ReadFile(filepath.Join("..", "..", "testdata", testKeystore))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"rpc": []byte(url + "\n"), "keystore": ks, "passphrase": []byte("lpops-test-passphrase\n")} {
		if err := os.WriteFile(filepath.Join(credDir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg = minimalConfig(t, `rpc:
  - name: provider
    url_file: `+config.CredentialsPrefix+`rpc
signer:
  keystore: `+config.CredentialsPrefix+`keystore
  passphrase_file: `+config.CredentialsPrefix+`passphrase
host:
  lpops:
    credentials_dir: /nonexistent/lpops-credentials
`)
	return cfg, credDir, calls
}

// TestCommandsReadCredentialsDir: status (with no daemon) and reward read
// the secrets the configuration names in /run/credentials/lpops.service/
// from --credentials-dir when run from a shell, and from
// host.lpops.credentials_dir without the flag. Both call the RPC URL read
// from there (the recorder answers with errors, so both exit 1 after); reward
// opens the keystore from there before it calls, or would fail naming it.
func TestCommandsReadCredentialsDir(t *testing.T) {
	noDefaultConfig(t)
	for _, cmd := range []string{"status", "reward"} {
		t.Run(pascalPath(cmd), func(t *testing.T) {
			cfg, credDir, calls := credentialsConfig(t)
			code, _, errOut := runCLI(t, cmd, "--config", cfg)
			if code != 1 || !strings.Contains(errOut, "/nonexistent/lpops-credentials/rpc: no such file or directory") {
				t.Errorf("without --credentials-dir: exit %d, stderr %q; want 1 and the file in host.lpops.credentials_dir named", code, errOut)
			}
			code, _, errOut = runCLI(t, cmd, "--config", cfg, "--credentials-dir", credDir)
			if strings.Contains(errOut, "no such file") || strings.Contains(errOut, "credentials") {
				t.Errorf("with --credentials-dir: exit %d, stderr %q; want the credentials read", code, errOut)
			}
			if calls.Load() == 0 {
				t.Errorf("with --credentials-dir: the RPC URL in %s/rpc was never called (exit %d, stderr %q)", credDir, code, errOut)
			}
		})
	}
}
