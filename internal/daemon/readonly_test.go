package daemon

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/signer"
)

// TestReadOnlyNeedsNoPassphrase: a read-only look (lpops status without a
// daemon, lpops reward without --submit) reads the signer's account from the
// keystore file and never asks for the passphrase; the daemon still does.
func TestReadOnlyNeedsNoPassphrase(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), key, "secret", true)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Network, cfg.ChainID, cfg.Controller = config.NetworkCustom, 54321, "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	cfg.RPC = []config.Endpoint{{URL: "http://127.0.0.1:1"}} // nothing listens: Dial still succeeds
	cfg.Orchestrator = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
	cfg.Signer = config.Signer{Keystore: ks, PassphraseFile: filepath.Join(dir, "no-such-passphrase")}
	cfg.StateDir = filepath.Join(dir, "state")
	quiet := slog.New(slog.DiscardHandler)

	d, err := New(context.Background(), &cfg, Options{Logger: quiet, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only New without a passphrase: %v", err)
	}
	defer d.Close()
	if got, want := d.signerAddr(), crypto.PubkeyToAddress(key.PublicKey).Hex(); got != want {
		t.Fatalf("signer %s, want %s from the keystore's address field", got, want)
	}
	if c, ok := d.signer.(interface{ CanSign() bool }); !ok || c.CanSign() {
		t.Fatal("the read-only signer holds a key")
	}

	_, err = New(context.Background(), &cfg, Options{Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), "signer.passphrase_file") {
		t.Fatalf("daemon New without a passphrase: %v; want the passphrase_file error", err)
	}
}
