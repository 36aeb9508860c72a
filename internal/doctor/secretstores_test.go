package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestKeystoreSecretStoreFiles: the files that unlock a secret store (a
// Vault token or AppRole secret id, an age identity) are audited like the
// passphrase file they replace.
func TestKeystoreSecretStoreFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"key.json": 0o600, "secret-id": 0o600, "age.key": 0o644} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testConfig(t, fmt.Sprintf(`signer:
  keystore: %[1]s/key.json
  passphrase_secret: sops:%[1]s/secrets.enc.yaml#passphrase
secrets:
  vault:
    address: https://vault.example.com
    approle:
      role_id: lpops
      secret_id_file: %[1]s/secret-id
  sops:
    age_key_file: %[1]s/age.key
`, dir))
	sys := fixtureSystem(t.TempDir())
	sys.LookupUser = func(string) (int, error) { return os.Getuid(), nil }
	got := runOnly(t, cfg, sys, Options{}, CheckKeystore)
	status := map[string]string{}
	var all strings.Builder
	for _, f := range got {
		status[f.Subject] = string(f.Status)
		all.WriteString(f.Subject + ": " + f.Evidence + " | " + f.Fix + "\n")
	}
	for subject, want := range map[string]string{
		"signer.keystore": "pass", "secrets.vault.approle.secret_id_file": "pass", "secrets.sops.age_key_file": "fail",
	} {
		if status[subject] != want {
			t.Errorf("%s: %q, want %q\n%s", subject, status[subject], want, all.String())
		}
	}
	if !slices.ContainsFunc(got, func(f Finding) bool { return strings.Contains(f.Evidence, "age.key is mode 0644") }) {
		t.Errorf("no finding names the open age identity:\n%s", all.String())
	}
}
