package signer

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestWatchReadsAddressWithoutPassphrase(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	path, err := WriteKeystore(t.TempDir(), key, "a passphrase nobody gives Watch", true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Watch(path)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if want := crypto.PubkeyToAddress(key.PublicKey); s.Address() != want {
		t.Fatalf("address %s, want %s", s.Address(), want)
	}
	if s.CanSign() {
		t.Fatal("a watched keystore says it can sign")
	}
	to := s.Address()
	if _, err := s.Sign(types.NewTx(&types.LegacyTx{To: &to, Gas: 21000, GasPrice: big.NewInt(1)})); !errors.Is(err, ErrWatchOnly) {
		t.Fatalf("Sign: %v, want ErrWatchOnly", err)
	}
	full, err := Load(path, []byte("a passphrase nobody gives Watch"), big.NewInt(1))
	if err != nil || !full.CanSign() || full.Address() != s.Address() {
		t.Fatalf("Load: %v, can sign %v, address %s; want the same account, able to sign", err, full != nil && full.CanSign(), full.Address())
	}
}

func TestWatchRejectsWhatIsNotAKeystore(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		Name, Body, Want string
	}{
		{"NotJSON", "UTC--not json", "is not a go-ethereum keystore file"},
		{"NoAddress", `{"crypto":{},"version":3}`, `no "address" field`},
		{"ShortAddress", `{"address":"71562b71999873db5b286df957af199ec94617f","crypto":{},"version":3}`, "is not 40 hex digits"},
		{"NotHex", `{"address":"zz562b71999873db5b286df957af199ec94617f7","crypto":{},"version":3}`, "is not 40 hex digits"},
		{"NoCrypto", `{"address":"71562b71999873db5b286df957af199ec94617f7","version":3}`, `no "crypto" field`},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			p := filepath.Join(dir, tc.Name)
			if err := os.WriteFile(p, []byte(tc.Body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Watch(p)
			if err == nil || !strings.Contains(err.Error(), tc.Want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("Watch: %v; want an error naming %s and saying %q", err, p, tc.Want)
			}
		})
	}
	if _, err := Watch(filepath.Join(dir, "missing")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Watch of a missing file: %v, want not exist", err)
	}
}

func TestWatchAcceptsPrefixedAddress(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ks")
	if err := os.WriteFile(p, []byte(`{"address":"0x71562b71999873DB5b286dF957af199Ec94617F7","crypto":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Watch(p)
	if err != nil || s.Address().Hex() != "0x71562b71999873DB5b286dF957af199Ec94617F7" {
		t.Fatalf("Watch: %v, %v", s, err)
	}
}
