// Package kmskey creates the AWS KMS key that lpops signs with as an
// orchestrator's LIP-118 reward caller (`lpops signer new --kind aws-kms`) and
// derives its Ethereum address.
//
// The key is an asymmetric KMS key of spec ECC_SECG_P256K1 (secp256k1, the
// curve of Ethereum accounts) and usage SIGN_VERIFY: its private half is
// generated inside KMS and never leaves it. The address is keccak256 of the
// public key that GetPublicKey returns, a DER SubjectPublicKeyInfo (RFC 5480),
// which Go's crypto/x509 refuses because it knows no secp256k1: Address
// unpacks it with encoding/asn1 and hands the point to go-ethereum.
//
// Credentials and region come the usual AWS way (environment, shared config
// and credentials files, the instance role) through the AWS SDK for Go v2;
// an endpoint may be given for a KMS-compatible server (local-kms in tests).
package kmskey

import (
	"context"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// API is the part of the KMS client that creating a key needs;
// *kms.Client satisfies it.
type API interface {
	CreateKey(ctx context.Context, in *kms.CreateKeyInput, opts ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	CreateAlias(ctx context.Context, in *kms.CreateAliasInput, opts ...func(*kms.Options)) (*kms.CreateAliasOutput, error)
	GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, opts ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

var _ API = (*kms.Client)(nil)

// Description and Tag mark the keys lpops creates, so that an operator
// browsing the KMS console knows what each is for.
const (
	Description = "lpops: Livepeer orchestrator reward caller (LIP-118 hot key), created by lpops signer new"
	TagKey      = "created-by"
	TagValue    = "lpops"
)

// Client returns a KMS client for region (empty: AWS_REGION, else the shared
// config), at endpoint when set, with the SDK's default credential chain.
// It returns the region it settled on.
func Client(ctx context.Context, region, endpoint string) (*kms.Client, string, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, "", fmt.Errorf("aws config: %w", err)
	}
	if cfg.Region == "" {
		return nil, "", errors.New("no AWS region: give --region, or set AWS_REGION or a region in the shared config")
	}
	c := kms.NewFromConfig(cfg, func(o *kms.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return c, cfg.Region, nil
}

// Key is a KMS key lpops created.
type Key struct {
	ID      string
	ARN     string
	Alias   string // "" when none was asked for
	Address common.Address
}

// Create creates a secp256k1 signing key in KMS, tagged as lpops', with
// alias when not empty, and returns its id, ARN and address.
func Create(ctx context.Context, c API, alias string) (*Key, error) {
	out, err := c.CreateKey(ctx, &kms.CreateKeyInput{
		KeySpec:     types.KeySpecEccSecgP256k1,
		KeyUsage:    types.KeyUsageTypeSignVerify,
		Description: aws.String(Description),
		Tags:        []types.Tag{{TagKey: aws.String(TagKey), TagValue: aws.String(TagValue)}},
	})
	if err != nil {
		return nil, fmt.Errorf("kms CreateKey: %w", err)
	}
	if out.KeyMetadata == nil || out.KeyMetadata.KeyId == nil {
		return nil, errors.New("kms CreateKey: the answer names no key")
	}
	k := &Key{ID: aws.ToString(out.KeyMetadata.KeyId), ARN: aws.ToString(out.KeyMetadata.Arn)}
	if k.Address, err = Address(ctx, c, k.ID); err != nil {
		return nil, fmt.Errorf("key %s created, but: %w", k.ID, err)
	}
	if alias != "" {
		if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ID)}); err != nil {
			return nil, fmt.Errorf("key %s (address %s) created, but kms CreateAlias %s: %w", k.ID, k.Address, alias, err)
		}
		k.Alias = alias
	}
	return k, nil
}

// Address reads the public key of keyID (an id, ARN or alias) and returns
// its Ethereum address. A key of another spec or usage is refused.
func Address(ctx context.Context, c API, keyID string) (common.Address, error) {
	out, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return common.Address{}, fmt.Errorf("kms GetPublicKey %s: %w", keyID, err)
	}
	if out.KeySpec != "" && out.KeySpec != types.KeySpecEccSecgP256k1 {
		return common.Address{}, fmt.Errorf("kms key %s has spec %s, not %s: it cannot sign Ethereum transactions", keyID, out.KeySpec, types.KeySpecEccSecgP256k1)
	}
	if out.KeyUsage != "" && out.KeyUsage != types.KeyUsageTypeSignVerify {
		return common.Address{}, fmt.Errorf("kms key %s has usage %s, not %s", keyID, out.KeyUsage, types.KeyUsageTypeSignVerify)
	}
	a, err := AddressFromSPKI(out.PublicKey)
	if err != nil {
		return common.Address{}, fmt.Errorf("kms key %s: %w", keyID, err)
	}
	return a, nil
}

// OIDs of RFC 5480 (id-ecPublicKey) and SEC 2 (secp256k1).
var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
)

// spki is RFC 5280's SubjectPublicKeyInfo with RFC 5480's EC parameters: a
// named curve.
type spki struct {
	Algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		NamedCurve asn1.ObjectIdentifier
	}
	PublicKey asn1.BitString
}

// AddressFromSPKI returns the Ethereum address of a secp256k1 public key in
// DER SubjectPublicKeyInfo form, as KMS GetPublicKey returns it.
func AddressFromSPKI(der []byte) (common.Address, error) {
	var k spki
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil {
		return common.Address{}, fmt.Errorf("public key is not a DER SubjectPublicKeyInfo: %w", err)
	}
	if len(rest) > 0 {
		return common.Address{}, fmt.Errorf("public key: %d bytes after the SubjectPublicKeyInfo", len(rest))
	}
	if !k.Algorithm.Algorithm.Equal(oidECPublicKey) {
		return common.Address{}, fmt.Errorf("public key algorithm %s is not id-ecPublicKey (%s)", k.Algorithm.Algorithm, oidECPublicKey)
	}
	if !k.Algorithm.NamedCurve.Equal(oidSecp256k1) {
		return common.Address{}, fmt.Errorf("public key curve %s is not secp256k1 (%s)", k.Algorithm.NamedCurve, oidSecp256k1)
	}
	if k.PublicKey.BitLength != 8*len(k.PublicKey.Bytes) {
		return common.Address{}, errors.New("public key bit string is not whole bytes")
	}
	pub, err := crypto.UnmarshalPubkey(k.PublicKey.Bytes)
	if err != nil {
		return common.Address{}, fmt.Errorf("public key point: %w", err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}
