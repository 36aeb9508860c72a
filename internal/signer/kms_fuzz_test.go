package signer

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

// FuzzKMSSignature feeds arbitrary bytes as KMS's DER signature over a
// fixed hash: recoverable must never panic, and whatever it accepts must be
// low-S and recover to the key's own public key.
func FuzzKMSSignature(f *testing.F) {
	key, err := crypto.HexToECDSA("8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63")
	if err != nil {
		f.Fatal(err)
	}
	k := &KMS{pub: crypto.FromECDSAPub(&key.PublicKey)}
	hash := crypto.Keccak256([]byte("lpops"))
	sig, err := crypto.Sign(hash, key)
	if err != nil {
		f.Fatal(err)
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	for _, ss := range []*big.Int{s, new(big.Int).Sub(secp256k1N, s)} { // low and high S
		der, err := asn1.Marshal(struct{ R, S *big.Int }{r, ss})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		out, err := k.recoverable(hash, der)
		if err != nil {
			return
		}
		if len(out) != 65 || new(big.Int).SetBytes(out[32:64]).Cmp(secp256k1HalfN) > 0 {
			t.Fatalf("accepted signature %x is not 65 bytes with low S", out)
		}
		pub, err := crypto.Ecrecover(hash, out)
		if err != nil || !bytes.Equal(pub, k.pub) {
			t.Fatalf("accepted signature %x recovers to %x (err %v), not the key", out, pub, err)
		}
	})
}

// FuzzSecp256k1SPKI: parsing GetPublicKey's answer never panics, and what
// it accepts is an uncompressed secp256k1 point.
func FuzzSecp256k1SPKI(f *testing.F) {
	key, err := crypto.HexToECDSA("8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63")
	if err != nil {
		f.Fatal(err)
	}
	pub := crypto.FromECDSAPub(&key.PublicKey)
	type algo struct{ Algorithm, Parameters asn1.ObjectIdentifier }
	der, err := asn1.Marshal(struct {
		Algorithm algo
		PublicKey asn1.BitString
	}{algo{oidECPublicKey, oidSecp256k1}, asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
	if err != nil {
		f.Fatal(err)
	}
	if got, err := parseSecp256k1SPKI(der); err != nil || !bytes.Equal(got, pub) {
		f.Fatalf("seed does not parse: %v", err)
	}
	f.Add(der)
	f.Fuzz(func(t *testing.T, der []byte) {
		p, err := parseSecp256k1SPKI(der)
		if err != nil {
			return
		}
		if _, err := crypto.UnmarshalPubkey(p); err != nil || len(p) != 65 {
			t.Fatalf("accepted %x, not an uncompressed point: %v", p, err)
		}
	})
}
