package secretstest

import (
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/cmd/sops/common"
	"github.com/getsops/sops/v3/cmd/sops/formats"
	sopsconfig "github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/version"
)

// AgeIdentity is an age X25519 identity generated for a test, written to
// KeyFile (mode 0600) in age-keygen's format.
type AgeIdentity struct {
	KeyFile   string
	Recipient string
}

// NewAgeIdentity generates an age identity in dir.
func NewAgeIdentity(t testing.TB, dir string) AgeIdentity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(dir, "age-*.key")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"); err != nil {
		t.Fatal(err)
	}
	return AgeIdentity{KeyFile: f.Name(), Recipient: id.Recipient().String()}
}

// SopsEncrypt encrypts plain (a YAML or JSON document, as path's extension
// says) to recipient with sops' own Go packages, as `sops encrypt --age
// <recipient>` does, and writes the result to path.
func SopsEncrypt(t testing.TB, path string, plain []byte, recipient string) {
	t.Helper()
	store := common.StoreForFormat(formats.FormatForPath(path), sopsconfig.NewStoresConfig())
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		t.Fatalf("sops: load %s: %v", filepath.Base(path), err)
	}
	mk, err := sopsage.MasterKeyFromRecipient(recipient)
	if err != nil {
		t.Fatal(err)
	}
	tree := sops.Tree{
		Branches: branches,
		Metadata: sops.Metadata{
			KeyGroups:         []sops.KeyGroup{{mk}},
			UnencryptedSuffix: "_unencrypted",
			Version:           version.Version,
		},
		FilePath: path,
	}
	dataKey, errs := tree.GenerateDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()})
	if len(errs) > 0 {
		t.Fatalf("sops: generate data key: %v", errs)
	}
	if err := common.EncryptTree(common.EncryptTreeOpts{DataKey: dataKey, Tree: &tree, Cipher: aes.NewCipher()}); err != nil {
		t.Fatal(err)
	}
	out, err := store.EmitEncryptedFile(tree)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}
