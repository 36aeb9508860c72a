package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPassphrase(t *testing.T) {
	const (
		signerSecret = "s3cret-horse"
		nodeSecret   = "nodepass-xyz"
	)
	lp := func(pid int, args ...string) fakeProc {
		return fakeProc{pid: pid, comm: "livepeer", argv: append([]string{"/usr/local/bin/livepeer"}, args...)}
	}
	tests := []struct {
		name   string
		secret string // signer.passphrase_file's content; default signerSecret
		env    bool   // the signer's passphrase comes from $LPOPS_TEST_PASS
		procs  []fakeProc
		want   []string
		texts  []string
	}{
		{name: "CredentialPathIsFine", procs: []fakeProc{
			lp(100, "-orchestrator", "-ethPassword=${CREDENTIALS_DIRECTORY}/passphrase"),
			lp(101, "-ethPassword", "/etc/livepeer/pass"),
			{pid: 102, comm: "livepeer", argv: []string{"livepeer", "-ethPassword", "passfile"}, cwdFiles: []string{"passfile"}},
		}, want: []string{"passphrase.exposed=pass"}, texts: []string{"searched the command lines and environments of 3 processes"}},
		{name: "SignerPassphraseOnCommandLine", procs: []fakeProc{
			{pid: 200, comm: "launcher", argv: []string{"launcher", "-ethPassword", signerSecret}},
		}, want: []string{"passphrase.exposed pid 200 (launcher)=fail"},
			texts: []string{"the passphrase of signer.passphrase_file on its command line", "/proc/200/cmdline"}},
		{name: "NodePassphraseInsideAnArgument", procs: []fakeProc{
			{pid: 201, comm: "bash", argv: []string{"bash", "-c", "echo " + nodeSecret + " | livepeer"}},
		}, want: []string{"passphrase.exposed pid 201 (bash)=fail"}, texts: []string{"host.node.passphrase_credential"}},
		{name: "LiteralEthPassword", procs: []fakeProc{lp(202, "-ethPassword=literal123")},
			want: []string{"passphrase.exposed pid 202 (livepeer)=fail"}, texts: []string{"a literal -ethPassword value (10 characters, not a file)"}},
		{name: "LiteralOrchSecret", procs: []fakeProc{
			lp(203, "-transcoder", "-orchAddr=10.0.1.10:8935", "-orchSecret", "hunter2hunter2"),
			lp(204, "-orchestrator", "-orchSecret=${CREDENTIALS_DIRECTORY}/orch-secret"),
		}, want: []string{"passphrase.exposed pid 203 (livepeer)=fail"},
			texts: []string{"a literal -orchSecret value (14 characters, not a file)", "-orchSecret=${CREDENTIALS_DIRECTORY}/orch-secret"}},
		{name: "Environment", procs: []fakeProc{
			{pid: 300, comm: "sh", argv: []string{"sh"}, environ: []string{"HOME=/root", "PW=" + signerSecret}},
			{pid: 301, comm: "livepeer", argv: []string{"livepeer"}, environ: []string{"LP_ETHPASSWORD=abcdef"}},
			{pid: 302, comm: "livepeer", argv: []string{"livepeer"}, environ: []string{"LP_ETHPASSWORD=/run/credentials/x"}},
		}, want: []string{"passphrase.exposed pid 300 (sh)=fail", "passphrase.exposed pid 301 (livepeer)=fail"},
			texts: []string{"the passphrase of signer.passphrase_file (in $PW) in its environment (/proc/300/environ)", "a literal LP_ETHPASSWORD value"}},
		{name: "BothPlaces", procs: []fakeProc{
			{pid: 400, comm: "x", argv: []string{"x", signerSecret}, environ: []string{"Y=" + nodeSecret}},
		}, want: []string{"passphrase.exposed pid 400 (x)=fail", "passphrase.exposed pid 400 (x)=fail"}},
		{name: "ShortSecretMatchedWhole", secret: "abc", procs: []fakeProc{
			{pid: 500, comm: "a", argv: []string{"a", "xabcx", "cabc"}},
			{pid: 501, comm: "b", argv: []string{"b", "--pw=abc"}},
			{pid: 502, comm: "c", argv: []string{"c", "abc"}},
		}, want: []string{"passphrase.exposed pid 501 (b)=fail", "passphrase.exposed pid 502 (c)=fail"}},
		{name: "LpopsEnvByDesign", env: true, procs: []fakeProc{
			{pid: 600, comm: "lpops", argv: []string{"lpops", "run"}, environ: []string{"LPOPS_TEST_PASS=" + signerSecret}},
			{pid: 601, comm: "other", argv: []string{"other"}, environ: []string{"COPY=" + signerSecret}},
		}, want: []string{"passphrase.exposed pid 600 (lpops)=warn", "passphrase.exposed pid 601 (other)=fail"},
			texts: []string{"as signer.passphrase_env asks", "the passphrase of signer.passphrase_env (in $COPY)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			secret := tt.secret
			if secret == "" {
				secret = signerSecret
			}
			for name, content := range map[string]string{"passphrase": secret + "\n", "node-passphrase": nodeSecret} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			signer := "  passphrase_file: " + dir + "/passphrase\n"
			if tt.env {
				t.Setenv("LPOPS_TEST_PASS", secret)
				signer = "  passphrase_env: LPOPS_TEST_PASS\n"
			}
			c := testConfig(t, fmt.Sprintf("signer:\n%shost:\n  node:\n    passphrase_credential: %s/node-passphrase\n", signer, dir))
			r := New(c, fixtureSystem(fixtureProc(t, tt.procs...)), Options{Checks: []string{CheckPassphrase}}).Run(t.Context())
			if !slices.Equal(statuses(r.Findings), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(r.Findings), tt.want, r.Findings)
			}
			var text strings.Builder
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteJSON(&text); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.texts {
				if !strings.Contains(text.String(), s) {
					t.Errorf("report lacks %q:\n%s", s, text.String())
				}
			}
			for _, s := range []string{secret, nodeSecret, "literal123", "abcdef", "hunter2hunter2"} {
				if len(s) > 3 && strings.Contains(text.String(), s) {
					t.Errorf("report shows secret %q:\n%s", s, text.String())
				}
			}
			if tt.want[0] != "passphrase.exposed=pass" && r.Findings[0].Fix == "" {
				t.Errorf("no fix: %+v", r.Findings[0])
			}
		})
	}
}

func TestEthPasswordArg(t *testing.T) {
	tests := []struct {
		argv  []string
		value string
		ok    bool
	}{
		{[]string{"livepeer", "-ethPassword", "x"}, "x", true},
		{[]string{"livepeer", "--ethPassword=y"}, "y", true},
		{[]string{"livepeer", "-ethpassword=z"}, "z", true},
		{[]string{"livepeer", "-ethPassword"}, "", false},
		{[]string{"livepeer", "ethPassword", "x"}, "", false},
		{[]string{"livepeer", "-ethPasswordFile", "x"}, "", false},
	}
	for _, tt := range tests {
		if v, ok := ethPasswordArg(tt.argv); v != tt.value || ok != tt.ok {
			t.Errorf("ethPasswordArg(%q) = %q, %v; want %q, %v", tt.argv, v, ok, tt.value, tt.ok)
		}
	}
}
