package signer

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/config"
)

// ErrReadOnly is what Sign returns for a remote backend opened read-only
// (lpops status): it knows its account but sends nothing to be signed.
var ErrReadOnly = errors.New("signer opened read-only: cannot sign")

// Backend is what every signer kind provides. It satisfies keeper.TxSigner.
type Backend interface {
	// Address is the signing account.
	Address() common.Address
	// Sign returns tx signed for the configured chain.
	Sign(tx *types.Transaction) (*types.Transaction, error)
	// CanSign reports whether Sign can succeed (false when opened read-only).
	CanSign() bool
	// Close releases connections.
	Close() error
}

// Open builds the backend cfg.Kind names. readOnly opens it to learn its
// account only: the keystore is read without its passphrase, clef is not
// contacted, KMS answers GetPublicKey but is never asked to sign. The
// caller checks cfg.Configured first.
func Open(ctx context.Context, cfg config.Signer, chainID *big.Int, readOnly bool) (Backend, error) {
	switch cfg.Kind {
	case config.SignerKindKeystore, "":
		if cfg.Keystore == "" {
			return nil, errors.New("signer.keystore is not set")
		}
		if readOnly {
			return Watch(cfg.Keystore)
		}
		pass, err := cfg.Passphrase()
		if err != nil {
			return nil, err
		}
		defer clear(pass)
		return Load(cfg.Keystore, pass, chainID)
	case config.SignerKindAWSKMS:
		return OpenKMS(ctx, KMSOptions{
			KeyID: cfg.KMS.KeyID, Region: cfg.KMS.Region, Endpoint: cfg.KMS.Endpoint,
			Timeout: cfg.KMS.Timeout.Duration, ChainID: chainID, ReadOnly: readOnly,
		})
	case config.SignerKindClef:
		return OpenClef(ctx, ClefOptions{
			Endpoint: cfg.Clef.Endpoint, Address: common.HexToAddress(cfg.Clef.Address),
			Timeout: cfg.Clef.Timeout.Duration, ChainID: chainID, ReadOnly: readOnly,
		})
	default:
		return nil, fmt.Errorf("signer.kind %q is not keystore, aws-kms or clef", cfg.Kind)
	}
}
