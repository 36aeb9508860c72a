package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
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
	"github.com/lpops/lpops/internal/testchain"
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

// TestBackupRestoreRefusesWhileHALeaderHolds: the restored config (a
// reward caller's hot key of an orchestrator registered on anvil) has ha:,
// and restore asks its (real, 3-member) etcd cluster who leads. An instance
// holding the leadership refuses the restore with exit 3, naming it and its
// lease, and leaves nothing behind; --force restores; once the leader has
// resigned, the restore passes the check and restores.
func TestBackupRestoreRefusesWhileHALeaderHolds(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	chain := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	owner := chain.FundedKey(t, big.NewInt(100))
	orchKey := chain.FundedKey(t, big.NewInt(10))
	dep, err := testchain.Deploy(ctx, chain.Client(t), owner, testchain.Params{RoundLength: 50, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := dep.RegisterOrchestrator(ctx, owner, orchKey, new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18)), 100000, 500000); err != nil {
		t.Fatal(err)
	}
	hot, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dep.SetRewardCaller(ctx, orchKey, crypto.PubkeyToAddress(hot.PublicKey)); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), hot, "pw", true)
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
	idFile := filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "lpops.yaml")
	cfg := fmt.Sprintf("network: custom\nchain_id: %s\ncontroller: %q\nrpc: [{url: %q}]\norchestrator: %q\n"+
		"signer: {keystore: %s, passphrase_file: pass}\nstate_dir: state\nlisten: 127.0.0.1:%d\n"+
		"backup: {recipients: [%s]}\nha: {endpoints: [%s], key_prefix: /lpops-restore/, lease_ttl: 2s, name: old-host}\n",
		chain.ChainID, dep.Controller.Hex(), chain.URL, crypto.PubkeyToAddress(orchKey.PublicKey).Hex(), ks, testenv.FreePort(t),
		id.Recipient(), strings.Join(c.Endpoints, ", "))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
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
	nctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = node.Run(nctx) }()
	defer func() { stop(); <-done }()
	testenv.WaitFor(t, 20*time.Second, "old-host to lead", node.Leading)

	to := filepath.Join(t.TempDir(), "restored")
	restore := func(extra ...string) (int, string, string) {
		t.Helper()
		if err := os.RemoveAll(to); err != nil {
			t.Fatal(err)
		}
		return runCLI(t, append([]string{"backup", "restore", "--from", archive, "--to", to, "--identity", idFile, "--idle-blocks", "1"}, extra...)...)
	}
	code, stdout, stderr := restore()
	if code != exitLiveSigner || !strings.Contains(stderr, `refused: ha: the identity may still be live elsewhere: instance "old-host" holds the leadership`) || !strings.Contains(stderr, "lease ") {
		t.Fatalf("restore while old-host leads: exit %d, want 3 naming old-host and its lease\n%s%s", code, stdout, stderr)
	}
	for _, p := range []string{to, to + ".restoring"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the refused restore left %s behind (%v)", p, err)
		}
	}

	code, stdout, stderr = restore("--force", "old host destroyed")
	if code != 0 || !strings.Contains(stderr, "going on because of --force: old host destroyed") || !strings.Contains(stderr, `"old-host"`) {
		t.Fatalf("restore with --force: exit %d, want 0 with the leader named in a warning\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(to, "lpops.yaml")); err != nil {
		t.Fatalf("forced restore: %v", err)
	}

	stop()
	<-done
	code, stdout, stderr = restore()
	if code != 0 || !strings.Contains(stdout, "ha: no instance holds the leadership") || !strings.Contains(stdout, "restored into") {
		t.Fatalf("restore without a leader: exit %d, want 0 with the ha check passed\n%s%s", code, stdout, stderr)
	}
}
