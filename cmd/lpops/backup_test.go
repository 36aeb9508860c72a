package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// backupHost writes a host's files (keystore, passphrase, config with
// recipients, a state store) and returns the config path and the identity
// file that decrypts its backups.
func backupHost(t *testing.T) (cfgPath, idFile string) {
	t.Helper()
	dir := t.TempDir()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), key, "pw", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pass"), []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	idFile = filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "lpops.yaml")
	cfg := "network: custom\nchain_id: 412346\ncontroller: \"0x00000000000000000000000000000000000000c1\"\n" +
		"rpc: [{url: \"http://127.0.0.1:1\"}]\norchestrator: \"0x00000000000000000000000000000000000000a1\"\n" +
		"signer: {keystore: " + ks + ", passphrase_file: pass}\nstate_dir: state\n" +
		"backup: {recipients: [" + id.Recipient().String() + "]}\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return cfgPath, idFile
}

func TestBackupCreateVerifyList(t *testing.T) {
	cfgPath, idFile := backupHost(t)
	out := filepath.Join(t.TempDir(), "host.tar.age")
	code, stdout, stderr := runCLI(t, "backup", "create", "--config", cfgPath, "--to", out)
	if code != 0 || !strings.Contains(stdout, "state from file") {
		t.Fatalf("create: exit %d\n%s%s", code, stdout, stderr)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive %v, %v: want mode 0600", fi, err)
	}
	code, stdout, stderr = runCLI(t, "backup", "verify", "--from", out, "--identity", idFile)
	if code != 0 || !strings.Contains(stdout, "every file matches the manifest") || !strings.Contains(stdout, "secrets/signer-passphrase") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	// The identity from the environment; another identity cannot read it.
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(t.TempDir(), "other.txt")
	if err := os.WriteFile(otherFile, []byte(other.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(identityEnv, otherFile)
	if code, _, stderr = runCLI(t, "backup", "verify", "--from", out); code != exitError || strings.Contains(stderr, other.String()) {
		t.Fatalf("verify with a stranger's identity: exit %d, want 1:\n%s", code, stderr)
	}
	// A destination directory: create twice, list.
	dest := t.TempDir()
	for range 2 {
		if code, stdout, stderr = runCLI(t, "backup", "create", "--config", cfgPath, "--to", dest); code != 0 {
			t.Fatalf("create into a directory: exit %d\n%s%s", code, stdout, stderr)
		}
	}
	if code, stdout, stderr = runCLI(t, "backup", "list", "--from", dest); code != 0 || !strings.Contains(stdout, "2 backup(s)") {
		t.Fatalf("list: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestBackupUsageErrors(t *testing.T) {
	cfgPath, idFile := backupHost(t)
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"NoAction", []string{"backup"}},
		{"UnknownAction", []string{"backup", "send"}},
		{"VerifyWithoutFrom", []string{"backup", "verify"}},
		{"RestoreWithoutTo", []string{"backup", "restore", "--from", "x"}},
		{"ForceWithoutReason", []string{"backup", "restore", "--from", "x", "--to", t.TempDir() + "/n", "--force", " "}},
		{"RestoreIntoFullDir", []string{"backup", "restore", "--from", "x", "--to", full, "--identity", idFile}},
		{"CreateWithoutDestination", []string{"backup", "create", "--config", cfgPath}},
		{"SecretAsArgument", []string{"backup", "verify", "--from", "x", "--identity-key", "AGE-SECRET-KEY-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, stdout, stderr := runCLI(t, tc.args...); code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout, stderr)
			}
		})
	}
}
