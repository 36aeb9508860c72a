package signer

import (
	"bytes"
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// KMSOptions configures OpenKMS.
type KMSOptions struct {
	// KeyID is the key's id, ARN, alias/NAME or alias ARN.
	KeyID string
	// Region and Endpoint override the SDK's; empty keeps them.
	Region, Endpoint string
	// Timeout bounds each KMS call.
	Timeout time.Duration
	ChainID *big.Int
	// ReadOnly reads the account and never signs.
	ReadOnly bool
}

// KMS signs with an asymmetric AWS KMS key of spec ECC_SECG_P256K1: the
// private key never leaves KMS.
type KMS struct {
	client   *kms.Client
	keyID    string
	timeout  time.Duration
	pub      []byte // uncompressed secp256k1 public key, 65 bytes
	addr     common.Address
	signer   types.Signer
	readOnly bool
}

var _ Backend = (*KMS)(nil)

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	// secp256k1's group order and half of it: a signature with s above
	// the half is replaced by n - s (EIP-2 accepts only low-S).
	secp256k1N     = crypto.S256().Params().N
	secp256k1HalfN = new(big.Int).Rsh(secp256k1N, 1)
)

// OpenKMS loads AWS credentials the usual way (environment, shared config
// and credentials files, the instance role), reads the key's public key and
// checks it is a secp256k1 signing key.
func OpenKMS(ctx context.Context, o KMSOptions) (*KMS, error) {
	if o.KeyID == "" {
		return nil, errors.New("signer.kms.key_id is not set")
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	var opts []func(*awsconfig.LoadOptions) error
	if o.Region != "" {
		opts = append(opts, awsconfig.WithRegion(o.Region))
	}
	acfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws-kms: load AWS configuration: %w", err)
	}
	if acfg.Region == "" {
		return nil, errors.New("aws-kms: no AWS region: set signer.kms.region, or AWS_REGION, or region in the shared config")
	}
	client := kms.NewFromConfig(acfg, func(ko *kms.Options) {
		if o.Endpoint != "" {
			ko.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	k := &KMS{client: client, keyID: o.KeyID, timeout: o.Timeout, signer: types.LatestSignerForChainID(o.ChainID), readOnly: o.ReadOnly}
	cctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	out, err := client.GetPublicKey(cctx, &kms.GetPublicKeyInput{KeyId: aws.String(o.KeyID)})
	if err != nil {
		return nil, fmt.Errorf("aws-kms: GetPublicKey %s: %w", o.KeyID, err)
	}
	if out.KeySpec != kmstypes.KeySpecEccSecgP256k1 {
		return nil, fmt.Errorf("aws-kms: key %s has spec %s; lpops needs %s (secp256k1)", o.KeyID, out.KeySpec, kmstypes.KeySpecEccSecgP256k1)
	}
	if out.KeyUsage != kmstypes.KeyUsageTypeSignVerify {
		return nil, fmt.Errorf("aws-kms: key %s has usage %s; lpops needs %s", o.KeyID, out.KeyUsage, kmstypes.KeyUsageTypeSignVerify)
	}
	pub, err := parseSecp256k1SPKI(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("aws-kms: key %s: %w", o.KeyID, err)
	}
	k.pub = pub
	k.addr = common.BytesToAddress(crypto.Keccak256(pub[1:])[12:])
	return k, nil
}

// parseSecp256k1SPKI reads the DER SubjectPublicKeyInfo KMS returns for a
// secp256k1 key (RFC 5480; crypto/x509 knows no secp256k1) and returns the
// uncompressed point.
func parseSecp256k1SPKI(der []byte) ([]byte, error) {
	var spki struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.ObjectIdentifier
		}
		PublicKey asn1.BitString
	}
	rest, err := asn1.Unmarshal(der, &spki)
	if err != nil {
		return nil, fmt.Errorf("public key is not a DER SubjectPublicKeyInfo: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("public key has trailing bytes after its SubjectPublicKeyInfo")
	}
	if !spki.Algorithm.Algorithm.Equal(oidECPublicKey) || !spki.Algorithm.Parameters.Equal(oidSecp256k1) {
		return nil, fmt.Errorf("public key is algorithm %v curve %v, not an EC key on secp256k1 (%v)",
			spki.Algorithm.Algorithm, spki.Algorithm.Parameters, oidSecp256k1)
	}
	pub := spki.PublicKey.RightAlign()
	if _, err := crypto.UnmarshalPubkey(pub); err != nil {
		return nil, fmt.Errorf("public key is not an uncompressed secp256k1 point: %w", err)
	}
	return pub, nil
}

// Address is the account of the KMS key.
func (k *KMS) Address() common.Address { return k.addr }

// CanSign is false when opened read-only.
func (k *KMS) CanSign() bool { return !k.readOnly }

// Close does nothing: the SDK's HTTP client needs no closing.
func (k *KMS) Close() error { return nil }

// Sign asks KMS to sign tx's signing hash and attaches the signature.
func (k *KMS) Sign(tx *types.Transaction) (*types.Transaction, error) {
	if k.readOnly {
		return nil, ErrReadOnly
	}
	h := k.signer.Hash(tx)
	ctx, cancel := context.WithTimeout(context.Background(), k.timeout)
	defer cancel()
	out, err := k.client.Sign(ctx, &kms.SignInput{
		KeyId: aws.String(k.keyID), Message: h[:],
		MessageType: kmstypes.MessageTypeDigest, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256,
	})
	if err != nil {
		return nil, fmt.Errorf("aws-kms: sign: %w", err)
	}
	sig, err := k.recoverable(h[:], out.Signature)
	if err != nil {
		return nil, fmt.Errorf("aws-kms: sign: %w", err)
	}
	return tx.WithSignature(k.signer, sig)
}

// recoverable turns KMS's DER ECDSA signature over hash into go-ethereum's
// 65-byte [R || S || V] form: S made low, V the recovery id that yields
// the key's own public key.
func (k *KMS) recoverable(hash, der []byte) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &rs)
	if err != nil {
		return nil, fmt.Errorf("signature is not DER: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("signature has trailing bytes")
	}
	if rs.R == nil || rs.S == nil || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.Cmp(secp256k1N) >= 0 || rs.S.Cmp(secp256k1N) >= 0 {
		return nil, errors.New("signature r or s out of range")
	}
	s := rs.S
	if s.Cmp(secp256k1HalfN) > 0 {
		s = new(big.Int).Sub(secp256k1N, s)
	}
	sig := make([]byte, 65)
	rs.R.FillBytes(sig[:32])
	s.FillBytes(sig[32:64])
	for v := byte(0); v < 2; v++ {
		sig[64] = v
		pub, err := crypto.Ecrecover(hash, sig)
		if err == nil && bytes.Equal(pub, k.pub) {
			return sig, nil
		}
	}
	return nil, errors.New("signature does not recover to the key's public key with either recovery id")
}
