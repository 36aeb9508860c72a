package secretstest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"github.com/lpops/lpops/internal/testenv"
)

// AgeIdentity is an age X25519 identity generated for a test, written to
// KeyFile (mode 0600) in age-keygen's format.
type AgeIdentity struct {
	KeyFile   string
	Recipient string
}

// NewAgeIdentity generates an age identity in dir.
func NewAgeIdentity(t testing.TB, dir string) AgeIdentity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(dir, "age-*.key")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"); err != nil {
		t.Fatal(err)
	}
	return AgeIdentity{KeyFile: f.Name(), Recipient: id.Recipient().String()}
}

// Sops returns the path of the sops command the tests run: the one
// scripts/install-test-tools.sh installs into .tools/bin (required under CI).
func Sops(t testing.TB) string {
	t.Helper()
	return testenv.RequireTool(t, "sops")
}

// SopsEncrypt encrypts plain (a YAML or JSON document, as path's extension
// says) to recipient with the real sops command, `sops encrypt --age
// <recipient>`, as an operator does, and writes the result to path (0600).
func SopsEncrypt(t testing.TB, path string, plain []byte, recipient string) {
	t.Helper()
	// sops reads the format from the file's extension, so the cleartext sits
	// under path's own name in a directory of its own.
	src := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(src, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Sops(t), "encrypt", "--age", recipient, src)
	cmd.Env = append(os.Environ(), "SOPS_AGE_KEY_FILE=", "SOPS_AGE_KEY=")
	cmd.Dir = filepath.Dir(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sops encrypt %s: %v: %s", filepath.Base(path), err, stderr.String())
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}
