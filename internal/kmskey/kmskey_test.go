package kmskey_test

import (
	"context"
	"encoding/asn1"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/kmskey"
	"github.com/lpops/lpops/internal/testenv"
)

// spkiDER builds a SubjectPublicKeyInfo as RFC 5480 lays it out.
func spkiDER(t *testing.T, alg, curve asn1.ObjectIdentifier, point []byte) []byte {
	t.Helper()
	var v struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			NamedCurve asn1.ObjectIdentifier
		}
		PublicKey asn1.BitString
	}
	v.Algorithm.Algorithm, v.Algorithm.NamedCurve = alg, curve
	v.PublicKey = asn1.BitString{Bytes: point, BitLength: 8 * len(point)}
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAddressFromSPKI(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	point := crypto.FromECDSAPub(&key.PublicKey)
	ecPublicKey := asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	secp256k1 := asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	p256 := asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	good := spkiDER(t, ecPublicKey, secp256k1, point)
	for _, tc := range []struct {
		Name    string
		DER     []byte
		WantErr string
	}{
		{"Secp256k1", good, ""},
		{"P256", spkiDER(t, ecPublicKey, p256, point), "is not secp256k1"},
		{"RSA", spkiDER(t, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, secp256k1, point), "is not id-ecPublicKey"},
		{"NotOnCurve", spkiDER(t, ecPublicKey, secp256k1, append([]byte{4}, make([]byte, 64)...)), "public key point"},
		{"Trailing", append(append([]byte{}, good...), 0), "bytes after"},
		{"Garbage", []byte("not DER"), "not a DER SubjectPublicKeyInfo"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			a, err := kmskey.AddressFromSPKI(tc.DER)
			if tc.WantErr == "" {
				if err != nil || a != crypto.PubkeyToAddress(key.PublicKey) {
					t.Fatalf("address %s (%v), want %s", a, err, crypto.PubkeyToAddress(key.PublicKey))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.WantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.WantErr)
			}
		})
	}
}

// TestCreateOnLocalKMS creates a key on a real KMS-compatible server and
// checks the address independently: KMS signs a digest, and the signer
// recovered from that signature is the address Create derived.
func TestCreateOnLocalKMS(t *testing.T) {
	srv := testenv.StartKMSServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, region, err := kmskey.Client(ctx, "", srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if region != srv.Region {
		t.Errorf("region %q, want %q from AWS_REGION", region, srv.Region)
	}
	k, err := kmskey.Create(ctx, c, "alias/lpops-test")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID == "" || !strings.HasPrefix(k.ARN, "arn:aws:kms:"+srv.Region+":"+srv.AccountID+":key/") || k.Alias != "alias/lpops-test" {
		t.Errorf("key %+v: want an id, an ARN in %s/%s and the alias", k, srv.Region, srv.AccountID)
	}
	desc, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/lpops-test")})
	if err != nil {
		t.Fatal(err)
	}
	md := desc.KeyMetadata
	if aws.ToString(md.KeyId) != k.ID || md.KeySpec != types.KeySpecEccSecgP256k1 || md.KeyUsage != types.KeyUsageTypeSignVerify || aws.ToString(md.Description) != kmskey.Description {
		t.Errorf("KMS describes the key as %s %s %s %q", aws.ToString(md.KeyId), md.KeySpec, md.KeyUsage, aws.ToString(md.Description))
	}
	tags, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(k.ID)})
	if err != nil {
		t.Fatal(err)
	}
	tagged := false
	for _, tg := range tags.Tags {
		tagged = tagged || aws.ToString(tg.TagKey) == kmskey.TagKey && aws.ToString(tg.TagValue) == kmskey.TagValue
	}
	if !tagged {
		t.Errorf("key tags %+v lack %s=%s", tags.Tags, kmskey.TagKey, kmskey.TagValue)
	}

	digest := crypto.Keccak256([]byte("lpops hot key"))
	sig, err := c.Sign(ctx, &kms.SignInput{KeyId: aws.String(k.ID), Message: digest, MessageType: types.MessageTypeDigest, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		t.Fatal(err)
	}
	if got := recoverSigners(t, digest, sig.Signature); !slices.Contains(got, k.Address) {
		t.Fatalf("KMS signs as one of %s, but Create derived %s", got, k.Address)
	}
	t.Logf("KMS key %s: address %s", k.ARN, k.Address)

	again, err := kmskey.Address(ctx, c, "alias/lpops-test")
	if err != nil || again != k.Address {
		t.Errorf("Address by alias: %s (%v), want %s", again, err, k.Address)
	}
}

// recoverSigners returns the addresses that may have signed digest, from a
// DER ECDSA signature (low-S normalised), one per recovery id: the signer's
// is one of them, and a wrong key is neither.
func recoverSigners(t *testing.T, digest, der []byte) []common.Address {
	t.Helper()
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		t.Fatalf("signature is not DER: %v", err)
	}
	n := crypto.S256().Params().N
	if rs.S.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		rs.S.Sub(n, rs.S)
	}
	var found []common.Address
	for v := byte(0); v < 2; v++ {
		sig := make([]byte, 65)
		rs.R.FillBytes(sig[:32])
		rs.S.FillBytes(sig[32:64])
		sig[64] = v
		pub, err := crypto.SigToPub(digest, sig)
		if err == nil {
			found = append(found, crypto.PubkeyToAddress(*pub))
		}
	}
	return found
}
