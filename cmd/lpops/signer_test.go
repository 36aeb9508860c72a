package main

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/kmskey"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testenv"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestSignerNewKeystore: a keystore with production scrypt parameters and a
// generated passphrase, both private, that open to the printed address; a
// second run refuses to overwrite either.
func TestSignerNewKeystore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hot")
	code, out, errOut := runCLI(t, "signer", "new", "--dir", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var k newKey
	if err := json.Unmarshal([]byte(out), &k); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if k.Kind != "keystore" || filepath.Dir(k.Keystore) != filepath.Join(dir, "keystore") || k.PassphraseFile != filepath.Join(dir, "passphrase") {
		t.Errorf("created %+v, want a keystore in %s/keystore and %s/passphrase", k, dir, dir)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "keystore"): 0o700, k.Keystore: 0o600, k.PassphraseFile: 0o600} {
		if got := mode(t, path); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
	pass, err := os.ReadFile(k.PassphraseFile)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).Match(pass) {
		t.Errorf("passphrase file holds %d bytes, want 64 hex digits (256 bits) and a newline", len(pass))
	}
	var ks struct {
		Crypto struct {
			KDFParams struct {
				N int `json:"n"`
				P int `json:"p"`
			} `json:"kdfparams"`
		} `json:"crypto"`
	}
	raw, err := os.ReadFile(k.Keystore)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ks); err != nil {
		t.Fatal(err)
	}
	if ks.Crypto.KDFParams.N != keystore.StandardScryptN || ks.Crypto.KDFParams.P != keystore.StandardScryptP {
		t.Errorf("scrypt n=%d p=%d, want the standard n=%d p=%d", ks.Crypto.KDFParams.N, ks.Crypto.KDFParams.P, keystore.StandardScryptN, keystore.StandardScryptP)
	}
	s, err := signer.Load(k.Keystore, []byte(strings.TrimSuffix(string(pass), "\n")), big.NewInt(1))
	if err != nil {
		t.Fatalf("the keystore does not open with the written passphrase: %v", err)
	}
	if s.Address() != common.HexToAddress(k.Address) {
		t.Errorf("keystore holds %s, printed %s", s.Address(), k.Address)
	}

	t.Run("RefusesToOverwrite", func(t *testing.T) {
		before, _ := os.ReadFile(k.PassphraseFile)
		code, out, errOut := runCLI(t, "signer", "new", "--dir", dir)
		if code != 1 || !strings.Contains(errOut, "refusing") {
			t.Errorf("second run: exit %d, want 1 and \"refusing\":\n%s%s", code, out, errOut)
		}
		if after, _ := os.ReadFile(k.PassphraseFile); string(after) != string(before) {
			t.Error("the second run changed the passphrase file")
		}
		// An existing passphrase file stops it before any key is written.
		other := filepath.Join(t.TempDir(), "other")
		code, _, errOut = runCLI(t, "signer", "new", "--dir", other, "--passphrase-out", k.PassphraseFile)
		if code != 1 || !strings.Contains(errOut, "refusing to overwrite") {
			t.Errorf("existing --passphrase-out: exit %d, want 1 and \"refusing to overwrite\":\n%s", code, errOut)
		}
		if ents, _ := os.ReadDir(filepath.Join(other, "keystore")); len(ents) != 0 {
			t.Errorf("a key was written beside a refused passphrase: %v", ents)
		}
	})
	t.Run("Text", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "hot")
		code, out, errOut := runCLI(t, "signer", "new", "--dir", dir)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		for _, want := range []string{"address:", "signer:\n  keystore: " + dir + "/keystore/UTC--", "  passphrase_file: " + dir + "/passphrase\n", "lpops reward-caller set --caller 0x"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestSignerNewAWSKMS creates the key on a real KMS-compatible server
// (local-kms) and checks what it prints against the server.
func TestSignerNewAWSKMS(t *testing.T) {
	srv := testenv.StartKMSServer(t)
	code, out, errOut := runCLI(t, "signer", "new", "--kind", "aws-kms", "--endpoint", srv.Endpoint, "--alias", "alias/lpops-reward-caller", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var k newKey
	if err := json.Unmarshal([]byte(out), &k); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, _, err := kmskey.Client(ctx, srv.Region, srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/lpops-reward-caller")})
	if err != nil {
		t.Fatalf("the alias names no key: %v", err)
	}
	if aws.ToString(d.KeyMetadata.KeyId) != k.KeyID || aws.ToString(d.KeyMetadata.Arn) != k.KeyARN || k.Region != srv.Region {
		t.Errorf("printed key %s (%s) in %s; KMS has %s (%s)", k.KeyID, k.KeyARN, k.Region, aws.ToString(d.KeyMetadata.KeyId), aws.ToString(d.KeyMetadata.Arn))
	}
	a, err := kmskey.Address(ctx, c, k.KeyID)
	if err != nil || a != common.HexToAddress(k.Address) {
		t.Errorf("printed address %s; the key's public key gives %s (%v)", k.Address, a, err)
	}
	t.Logf("lpops signer new --kind aws-kms: %s, address %s", k.KeyARN, k.Address)

	code, out, errOut = runCLI(t, "signer", "new", "--kind", "aws-kms", "--endpoint", srv.Endpoint)
	if code != 0 || !strings.Contains(out, "kind: aws-kms") || !strings.Contains(out, "key arn:     arn:aws:kms:"+srv.Region) {
		t.Errorf("text output: exit %d\n%s%s", code, out, errOut)
	}
}

func TestSignerNewUsage(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Args []string
		Want string
	}{
		{"UnknownKind", []string{"new", "--kind", "yubikey"}, `--kind "yubikey"`},
		{"RegionForKeystore", []string{"new", "--region", "eu-west-1"}, "are for --kind aws-kms"},
		{"DirForKMS", []string{"new", "--kind", "aws-kms", "--dir", "x"}, "are for --kind keystore"},
		{"UnknownAction", []string{"rotate"}, "unknown action"},
		{"Extra", []string{"new", "extra"}, "unexpected arguments"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"signer"}, tc.Args...)...)
			if code != 2 || !strings.Contains(errOut, tc.Want) {
				t.Errorf("exit %d, want 2 and %q in:\n%s", code, tc.Want, errOut)
			}
		})
	}
}
