package signer

import (
	"crypto/rand"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

func openTestKMS(t testing.TB, l *localKMS, keyID string, chainID *big.Int) *KMS {
	t.Helper()
	k, err := OpenKMS(t.Context(), KMSOptions{KeyID: keyID, Region: localKMSRegion, Endpoint: l.Endpoint, Timeout: 30 * time.Second, ChainID: chainID})
	if err != nil {
		t.Fatalf("OpenKMS: %v", err)
	}
	return k
}

// TestKMSSignaturesRecoverToTheKMSAddress signs many transactions with a
// secp256k1 key held by local-kms: each must recover to the address derived
// from GetPublicKey, with both recovery ids seen and every S low, and KMS's
// raw signatures must include high-S ones (so the normalisation ran).
func TestKMSSignaturesRecoverToTheKMSAddress(t *testing.T) {
	l := startLocalKMS(t)
	id := l.createKey(t, kmstypes.KeySpecEccSecgP256k1)
	chainID := big.NewInt(42161)
	k := openTestKMS(t, l, id, chainID)
	if k.Address() == (common.Address{}) || !k.CanSign() {
		t.Fatalf("address %s, can sign %v", k.Address(), k.CanSign())
	}
	// Opened again by ARN: the same account.
	if k2 := openTestKMS(t, l, l.keyARN(t, id), chainID); k2.Address() != k.Address() {
		t.Fatalf("by ARN: address %s, by id %s", k2.Address(), k.Address())
	}
	ls := types.LatestSignerForChainID(chainID)
	to := common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40")
	const n = 48
	seenV := map[uint64]int{}
	for i := range n {
		data := make([]byte, 4+i)
		rand.Read(data)
		var tx *types.Transaction
		if i%2 == 0 {
			tx = types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: uint64(i), GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1e9), Gas: 300000, To: &to, Data: data})
		} else {
			tx = types.NewTx(&types.LegacyTx{Nonce: uint64(i), GasPrice: big.NewInt(1e9), Gas: 300000, To: &to, Data: data})
		}
		signed, err := k.Sign(tx)
		if err != nil {
			t.Fatalf("sign %d: %v", i, err)
		}
		from, err := types.Sender(ls, signed)
		if err != nil || from != k.Address() {
			t.Fatalf("signature %d recovers to %s (err %v), want %s", i, from, err, k.Address())
		}
		v, _, s := signed.RawSignatureValues()
		if s.Cmp(secp256k1HalfN) > 0 {
			t.Fatalf("signature %d has high S", i)
		}
		if signed.Type() == types.DynamicFeeTxType {
			seenV[v.Uint64()]++
		}
	}
	if seenV[0] == 0 || seenV[1] == 0 {
		t.Errorf("recovery ids seen %v over %d typed transactions; want both 0 and 1", seenV, n/2)
	}
	// KMS itself returns high-S signatures about half the time.
	high := 0
	for range 32 {
		h := make([]byte, 32)
		rand.Read(h)
		out, err := l.client.Sign(t.Context(), &kms.SignInput{KeyId: aws.String(id), Message: h,
			MessageType: kmstypes.MessageTypeDigest, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
		if err != nil {
			t.Fatal(err)
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(out.Signature, &rs); err != nil {
			t.Fatal(err)
		}
		if rs.S.Cmp(secp256k1HalfN) > 0 {
			high++
		}
		sig, err := k.recoverable(h, out.Signature)
		if err != nil {
			t.Fatalf("recoverable: %v", err)
		}
		if new(big.Int).SetBytes(sig[32:64]).Cmp(secp256k1HalfN) > 0 {
			t.Fatal("recoverable left S high")
		}
	}
	if high == 0 {
		t.Error("local-kms returned no high-S signature in 32; the normalisation went untested")
	}
}

func TestKMSRefusesKeysItCannotUse(t *testing.T) {
	l := startLocalKMS(t)
	p256 := l.createKey(t, kmstypes.KeySpecEccNistP256)
	for _, tc := range []struct {
		Name, KeyID, Want string
	}{
		{"WrongCurve", p256, "has spec ECC_NIST_P256; lpops needs ECC_SECG_P256K1"},
		{"NoSuchKey", "6d8f0a6e-0000-4000-8000-000000000000", "GetPublicKey 6d8f0a6e-0000-4000-8000-000000000000"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := OpenKMS(t.Context(), KMSOptions{KeyID: tc.KeyID, Region: localKMSRegion, Endpoint: l.Endpoint, Timeout: 30 * time.Second, ChainID: big.NewInt(1)})
			if err == nil || !strings.Contains(err.Error(), tc.Want) {
				t.Fatalf("OpenKMS: %v; want an error saying %q", err, tc.Want)
			}
		})
	}
}

func TestKMSReadOnlyDoesNotSign(t *testing.T) {
	l := startLocalKMS(t)
	id := l.createKey(t, kmstypes.KeySpecEccSecgP256k1)
	k, err := OpenKMS(t.Context(), KMSOptions{KeyID: id, Region: localKMSRegion, Endpoint: l.Endpoint, ChainID: big.NewInt(1), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	to := k.Address()
	if _, err := k.Sign(types.NewTx(&types.LegacyTx{To: &to, Gas: 21000, GasPrice: big.NewInt(1)})); err != ErrReadOnly || k.CanSign() {
		t.Fatalf("read-only Sign: %v, can sign %v; want ErrReadOnly", err, k.CanSign())
	}
}

func TestParseSecp256k1SPKIRejectsOtherKeys(t *testing.T) {
	type algo struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.ObjectIdentifier
	}
	mk := func(a algo, key []byte) []byte {
		b, err := asn1.Marshal(struct {
			Algorithm algo
			PublicKey asn1.BitString
		}{a, asn1.BitString{Bytes: key, BitLength: 8 * len(key)}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	point := make([]byte, 65)
	point[0] = 4
	for _, tc := range []struct {
		Name string
		DER  []byte
		Want string
	}{
		{"NotDER", []byte("not der"), "not a DER SubjectPublicKeyInfo"},
		{"P256", mk(algo{oidECPublicKey, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}}, point), "not an EC key on secp256k1"},
		{"NotOnCurve", mk(algo{oidECPublicKey, oidSecp256k1}, point), "not an uncompressed secp256k1 point"},
		{"Trailing", append(mk(algo{oidECPublicKey, oidSecp256k1}, point), 0), "trailing bytes"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			if _, err := parseSecp256k1SPKI(tc.DER); err == nil || !strings.Contains(err.Error(), tc.Want) {
				t.Fatalf("parse: %v; want %q", err, tc.Want)
			}
		})
	}
}
