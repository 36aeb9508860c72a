package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testenv"
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

// TestBackupRestoreRefusesWhileHALeaderHolds: a restored config with ha:
// asks its (real, 3-member) etcd cluster who leads. An instance holding the
// leadership refuses the restore with exit 3 and leaves nothing behind;
// --force goes on past the check; without a leader the check passes. (The
// chain check after it fails here, on purpose: the config's rpc is closed,
// so the restore stops at exit 1 with nothing left behind either.)
func TestBackupRestoreRefusesWhileHALeaderHolds(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	cfgPath, idFile := backupHost(t)
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString("ha: {endpoints: [" + strings.Join(c.Endpoints, ", ") + "], key_prefix: /lpops-restore/, lease_ttl: 2s, name: old-host}\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "host.tar.age")
	if code, stdout, stderr := runCLI(t, "backup", "create", "--config", cfgPath, "--to", archive); code != 0 {
		t.Fatalf("create: exit %d\n%s%s", code, stdout, stderr)
	}

	h := config.DefaultHA()
	h.Endpoints, h.KeyPrefix = c.Endpoints, "/lpops-restore/"
	cli, err := ha.Dial(h)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	node := ha.NewNode(cli, ha.Options{Prefix: h.KeyPrefix, Name: "old-host", TTL: 2 * time.Second})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = node.Run(ctx) }()
	defer func() { stop(); <-done }()
	testenv.WaitFor(t, 20*time.Second, "old-host to lead", node.Leading)

	to := filepath.Join(t.TempDir(), "restored")
	left := func() {
		t.Helper()
		for _, p := range []string{to, to + ".restoring"} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the stopped restore left %s behind (%v)", p, err)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "backup", "restore", "--from", archive, "--to", to, "--identity", idFile)
	if code != exitLiveSigner || !strings.Contains(stderr, `refused: ha: the identity may still be live elsewhere: instance "old-host" holds the leadership`) || !strings.Contains(stderr, "lease ") {
		t.Fatalf("restore while old-host leads: exit %d, want 3 naming old-host and its lease\n%s%s", code, stdout, stderr)
	}
	left()

	code, stdout, stderr = runCLI(t, "backup", "restore", "--from", archive, "--to", to, "--identity", idFile, "--force", "old host destroyed")
	if !strings.Contains(stderr, "going on because of --force: old host destroyed") || !strings.Contains(stderr, "chain check") || code != exitError {
		t.Fatalf("restore with --force: exit %d, want it past the ha check and stopped at the closed rpc (1)\n%s%s", code, stdout, stderr)
	}
	left()

	stop()
	<-done
	code, stdout, stderr = runCLI(t, "backup", "restore", "--from", archive, "--to", to, "--identity", idFile)
	if !strings.Contains(stdout, "ha: no instance holds the leadership") || code != exitError || strings.Contains(stderr, "restore: refused") {
		t.Fatalf("restore without a leader: exit %d, want the ha check passed and a stop at the closed rpc (1)\n%s%s", code, stdout, stderr)
	}
	left()
}
