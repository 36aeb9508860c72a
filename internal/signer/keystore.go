package signer

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// ErrWatchOnly is what Sign returns for a Signer opened with Watch.
var ErrWatchOnly = errors.New("keystore read without its passphrase: cannot sign")

// Signer is the keystore backend: it signs transactions for one account on
// one chain with a go-ethereum keystore file (the format go-livepeer uses),
// decrypted in memory with a passphrase that comes from a file or an
// environment variable, never argv.
type Signer struct {
	key    *ecdsa.PrivateKey // nil: opened with Watch
	addr   common.Address
	signer types.Signer
}

// Watch reads the account of the keystore file at path from its "address"
// field (every go-ethereum keystore file carries one) without decrypting the
// key, so without the passphrase: enough to name the signer, read its balance
// and simulate its calls (lpops status, lpops reward without --submit), not
// to sign. Sign returns ErrWatchOnly.
func Watch(path string) (*Signer, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("keystore %s is a directory; name the key file (UTC--...) inside it", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keystore: %w", err)
	}
	var ks struct {
		Address *string         `json:"address"`
		Crypto  json.RawMessage `json:"crypto"`
	}
	if err := json.Unmarshal(b, &ks); err != nil {
		// Not err: a JSON error quotes the file's bytes, and a keystore
		// path pointed by mistake at the passphrase file would show them.
		return nil, fmt.Errorf("keystore %s is not a go-ethereum keystore file", path)
	}
	if ks.Crypto == nil {
		return nil, fmt.Errorf("keystore %s is not a go-ethereum keystore file: no \"crypto\" field", path)
	}
	if ks.Address == nil {
		return nil, fmt.Errorf("keystore %s: no \"address\" field", path)
	}
	hex := strings.TrimPrefix(strings.TrimPrefix(*ks.Address, "0x"), "0X")
	if len(hex) != 40 || !common.IsHexAddress(hex) {
		return nil, fmt.Errorf("keystore %s: address %q is not 40 hex digits", path, *ks.Address)
	}
	return &Signer{addr: common.HexToAddress(hex)}, nil
}

// Load decrypts the keystore file at path.
func Load(path string, passphrase []byte, chainID *big.Int) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keystore: %w", err)
	}
	k, err := keystore.DecryptKey(b, string(passphrase))
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore %s: %w", path, err)
	}
	return FromKey(k.PrivateKey, chainID), nil
}

// FromKey wraps an in-memory key (the demo and tests).
func FromKey(key *ecdsa.PrivateKey, chainID *big.Int) *Signer {
	return &Signer{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), signer: types.LatestSignerForChainID(chainID)}
}

// Address is the signing account.
func (s *Signer) Address() common.Address { return s.addr }

// Sign signs tx for the configured chain.
func (s *Signer) Sign(tx *types.Transaction) (*types.Transaction, error) {
	if s.key == nil {
		return nil, ErrWatchOnly
	}
	return types.SignTx(tx, s.signer, s.key)
}

// CanSign reports whether the key is at hand (false after Watch).
func (s *Signer) CanSign() bool { return s.key != nil }

// Close does nothing: the key lives in this process.
func (s *Signer) Close() error { return nil }

var _ Backend = (*Signer)(nil)

// WriteKeystore encrypts key into a keystore file in dir (0600), with light
// scrypt parameters when light is true (tests and the demo).
func WriteKeystore(dir string, key *ecdsa.PrivateKey, passphrase string, light bool) (string, error) {
	n, p := keystore.StandardScryptN, keystore.StandardScryptP
	if light {
		n, p = keystore.LightScryptN, keystore.LightScryptP
	}
	ks := keystore.NewKeyStore(dir, n, p)
	acct, err := ks.ImportECDSA(key, passphrase)
	if err != nil {
		return "", fmt.Errorf("write keystore: %w", err)
	}
	return acct.URL.Path, nil
}
