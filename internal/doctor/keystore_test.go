package doctor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestKeystore(t *testing.T) {
	me := os.Getuid()
	// layout writes the files of a well-kept host under dir: lpops' signer
	// key and passphrase in dir/lpops (0700), the node's keystore directory
	// and its root-only passphrase credential in dir/creds.
	layout := func(t *testing.T, dir string) {
		t.Helper()
		for _, d := range []string{"lpops", "node-keystore", "creds"} {
			if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		for name, mode := range map[string]os.FileMode{
			"lpops/key.json": 0o600, "lpops/passphrase": 0o400, "node-keystore/UTC--2026-key": 0o600,
			"creds/livepeer-passphrase": 0o600, "creds/passphrase": 0o600,
		} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte("x"), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil { // past the umask
				t.Fatal(err)
			}
		}
	}
	config := func(dir string) string {
		return fmt.Sprintf(`signer:
  keystore: %[1]s/lpops/key.json
  passphrase_file: %[1]s/lpops/passphrase
host:
  node:
    keystore_path: %[1]s/node-keystore
    passphrase_credential: %[1]s/creds/livepeer-passphrase
  lpops:
    credentials_dir: %[1]s/creds
`, dir)
	}
	chmod := func(name string, mode os.FileMode) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		config func(dir string) string
		// uids of users other than the test's own
		uids  map[string]int
		want  []string
		texts []string
	}{
		{name: "AllPrivate", want: []string{"pass", "pass", "pass", "pass"}},
		{name: "KeyReadableByOthers", change: chmod("lpops/key.json", 0o644),
			want: []string{"fail", "pass", "pass", "pass"}, texts: []string{"key.json is mode 0644: readable by other users", "chmod 600 "}},
		{name: "PassphraseGroupReadable", change: chmod("lpops/passphrase", 0o440),
			want: []string{"pass", "fail", "pass", "pass"}, texts: []string{"passphrase is mode 0440: readable by its group", "chmod 600 "}},
		{name: "PassphraseWorldReadable", change: chmod("lpops/passphrase", 0o604),
			want: []string{"pass", "fail", "pass", "pass"}, texts: []string{"passphrase is mode 0604: readable by other users"}},
		{name: "NodeKeyFileOpen", change: chmod("node-keystore/UTC--2026-key", 0o640),
			want: []string{"pass", "pass", "fail", "pass"}, texts: []string{"UTC--2026-key is mode 0640: readable by its group"}},
		{name: "KeystoreDirOpen", change: chmod("node-keystore", 0o755),
			want: []string{"pass", "pass", "fail", "pass"}, texts: []string{"node-keystore is mode 0755: others may list", "chmod 700 "}},
		{name: "CredentialsDirOpen", change: chmod("creds", 0o711),
			want: []string{"pass", "pass", "pass", "fail"}, texts: []string{"creds is mode 0711, not 0700"}},
		{name: "SignerDirWritable", change: chmod("lpops", 0o777),
			want: []string{"fail", "fail", "pass", "pass"}, texts: []string{"others may replace the file", "chmod go-w "}},
		{name: "WrongOwner", uids: map[string]int{"livepeer": me + 1},
			want: []string{"pass", "pass", "fail", "pass"}, texts: []string{fmt.Sprintf("is owned by u%d, not livepeer", me), "chown livepeer:livepeer "}},
		{name: "UserMissing", uids: map[string]int{"lpops": -1},
			want: []string{"warn", "warn", "pass", "pass"}, texts: []string{"user lpops does not exist", "useradd --system --user-group lpops"}},
		{name: "Missing", change: func(t *testing.T, dir string) {
			for _, p := range []string{"lpops/key.json", "node-keystore"} {
				if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
					t.Fatal(err)
				}
			}
		}, want: []string{"fail", "pass", "warn", "pass"}, texts: []string{"key.json does not exist"}},
		{name: "CredentialReadFromItsSource", change: chmod("creds/passphrase", 0o644),
			config: func(dir string) string {
				return strings.Replace(config(dir), dir+"/lpops/passphrase", "/run/credentials/lpops.service/passphrase", 1)
			},
			uids: map[string]int{"lpops": me + 1}, // a credential belongs to root, not lpops
			want: []string{"fail", "fail", "pass", "pass"}, texts: []string{"/creds/passphrase is mode 0644"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			layout(t, dir)
			if tt.change != nil {
				tt.change(t, dir)
			}
			cfg := config
			if tt.config != nil {
				cfg = tt.config
			}
			sys := fixtureSystem(t.TempDir())
			sys.LookupUser = func(name string) (int, error) {
				if uid, ok := tt.uids[name]; ok {
					if uid < 0 {
						return 0, errors.New("unknown user " + name)
					}
					return uid, nil
				}
				return me, nil
			}
			got := runOnly(t, testConfig(t, cfg(dir)), sys, Options{}, CheckKeystore)
			var st, subjects []string
			var all strings.Builder
			for _, f := range got {
				st = append(st, string(f.Status))
				subjects = append(subjects, f.Subject)
				all.WriteString(f.Evidence + " | " + f.Fix + "\n")
			}
			wantSubjects := []string{"signer.keystore", "signer.passphrase_file", "host.node.keystore_path", "host.node.passphrase_credential"}
			if !slices.Equal(subjects, wantSubjects) || !slices.Equal(st, tt.want) {
				t.Fatalf("findings %q %q, want %q %q\n%s", subjects, st, wantSubjects, tt.want, all.String())
			}
			for _, s := range tt.texts {
				if !strings.Contains(all.String(), s) {
					t.Errorf("findings lack %q:\n%s", s, all.String())
				}
			}
		})
	}
}

// TestKeystoreClefMasterPassword: with signer.kind clef, clef's master
// password credential is audited like the passphrases: root's, private.
func TestKeystoreClefMasterPassword(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Mode os.FileMode
		Want Status
		Text string
	}{
		{"Private", 0o600, Pass, ""},
		{"GroupReadable", 0o640, Fail, "clef-master-password is mode 0640: readable by its group"},
		{"WorldReadable", 0o644, Fail, "clef-master-password is mode 0644: readable by other users"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			dir := t.TempDir()
			creds := filepath.Join(dir, "creds")
			if err := os.Mkdir(creds, 0o700); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(creds, "clef-master-password")
			if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tc.Mode); err != nil {
				t.Fatal(err)
			}
			cfg := fmt.Sprintf(`signer:
  kind: clef
  clef:
    endpoint: http://127.0.0.1:8550
    address: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
host:
  lpops:
    credentials_dir: %s
`, creds)
			sys := fixtureSystem(t.TempDir())
			me := os.Getuid()
			sys.LookupUser = func(string) (int, error) { return me, nil }
			var got *Finding
			for _, f := range runOnly(t, testConfig(t, cfg), sys, Options{}, CheckKeystore) {
				if f.Subject == "signer.clef (clef master password)" {
					got = &f
				}
			}
			if got == nil {
				t.Fatal("no finding for clef's master password")
			}
			if got.Status != tc.Want || !strings.Contains(got.Evidence, tc.Text) {
				t.Fatalf("finding %+v; want %s saying %q", *got, tc.Want, tc.Text)
			}
		})
	}
}
