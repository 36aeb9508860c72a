package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/store"
)

func newIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

const secretMarker = "a-secret-that-must-not-appear-in-clear"

func sampleEntries() []Entry {
	return []Entry{
		{Name: ConfigName, Role: RoleConfig, Data: []byte("network: custom\n")},
		{Name: PassphraseName, Role: RoleSignerPassphrase, Data: []byte(secretMarker)},
		{Name: "keystore/UTC--key", Role: RoleSignerKeystore, Data: []byte(`{"address":"1111111111111111111111111111111111111111"}`)},
	}
}

func TestArchiveRoundTrip(t *testing.T) {
	id := newIdentity(t)
	b, m, err := Bytes([]age.Recipient{id.Recipient()}, Manifest{ChainID: 42161, CreatedAt: time.Now().UTC()}, sampleEntries())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(secretMarker)) || bytes.Contains(b, []byte("manifest")) || bytes.Contains(b, []byte("keystore")) {
		t.Fatal("the encrypted archive holds clear text")
	}
	if !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("not an age file: %q", b[:min(len(b), 30)])
	}
	a, err := Open(bytes.NewReader(b), []age.Identity{id})
	if err != nil {
		t.Fatal(err)
	}
	if a.Manifest.ChainID != 42161 || len(a.Manifest.Files) != 3 || len(m.Files) != 3 {
		t.Fatalf("manifest %+v", a.Manifest)
	}
	if string(a.Files[PassphraseName]) != secretMarker {
		t.Fatalf("passphrase %q", a.Files[PassphraseName])
	}
	// Another identity cannot read it.
	if _, err := Open(bytes.NewReader(b), []age.Identity{newIdentity(t)}); err == nil {
		t.Fatal("a stranger's identity decrypted the archive")
	}
}

func TestSSHRecipient(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := string(ssh.MarshalAuthorizedKey(sshPub))
	r, err := ParseRecipient(line)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(idFile, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	ids, err := ReadIdentities(idFile)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Bytes([]age.Recipient{r}, Manifest{}, sampleEntries())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bytes.NewReader(b), ids); err != nil {
		t.Fatal(err)
	}
}

func TestParseRecipientRejectsSecrets(t *testing.T) {
	id := newIdentity(t)
	for _, s := range []string{id.String(), "", "hello", "age1notakey"} {
		if _, err := ParseRecipient(s); err == nil {
			t.Errorf("ParseRecipient(%.12q) accepted it", s)
		} else if strings.Contains(err.Error(), id.String()) {
			t.Errorf("error quotes the secret key: %v", err)
		}
	}
}

// TestOpenRefusesTamperedArchive: an archive whose manifest and files
// disagree is refused, whoever encrypted it.
func TestOpenRefusesTamperedArchive(t *testing.T) {
	id := newIdentity(t)
	rec := []age.Recipient{id.Recipient()}
	good, _, err := Bytes(rec, Manifest{}, sampleEntries())
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(bytes.NewReader(good), []age.Identity{id})
	if err != nil {
		t.Fatal(err)
	}
	// Rebuild the archive with one file changed and the old manifest.
	var buf bytes.Buffer
	if err := writeRaw(&buf, rec, a.Manifest, map[string][]byte{ConfigName: []byte("changed\n"), PassphraseName: a.Files[PassphraseName], "keystore/UTC--key": a.Files["keystore/UTC--key"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(&buf, []age.Identity{id}); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("altered file: err %v, want ErrIntegrity", err)
	}
	buf.Reset()
	if err := writeRaw(&buf, rec, a.Manifest, map[string][]byte{ConfigName: a.Files[ConfigName], PassphraseName: a.Files[PassphraseName]}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(&buf, []age.Identity{id}); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("missing file: err %v, want ErrIntegrity", err)
	}
	// A flipped byte of the ciphertext fails age's authentication.
	bad := bytes.Clone(good)
	bad[len(bad)-5] ^= 1
	if _, err := Open(bytes.NewReader(bad), []age.Identity{id}); err == nil {
		t.Fatal("a corrupted archive opened")
	}
}

// writeRaw writes an archive with the manifest as given (no hashes
// recomputed): what a tamperer holding a recipient's public key can make.
func writeRaw(w io.Writer, rec []age.Recipient, m Manifest, files map[string][]byte) error {
	enc, err := age.Encrypt(w, rec...)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(enc)
	mb, _ := json.Marshal(m)
	put := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := put(ManifestName, mb); err != nil {
		return err
	}
	for _, f := range m.Files {
		if b, ok := files[f.Name]; ok {
			if err := put(f.Name, b); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return enc.Close()
}

func TestWriteRefusesEscapingNames(t *testing.T) {
	id := newIdentity(t)
	for _, n := range []string{"../x", "/etc/passwd", "a/../../b", ""} {
		if _, _, err := Bytes([]age.Recipient{id.Recipient()}, Manifest{}, []Entry{{Name: n, Data: []byte("x")}}); err == nil {
			t.Errorf("name %q accepted", n)
		}
	}
}

func TestObjectName(t *testing.T) {
	at := time.Date(2026, 12, 7, 5, 13, 2, 345e6, time.UTC)
	n := ObjectName(at)
	if n != "lpops-20261207T051302.345Z.tar.age" {
		t.Fatal(n)
	}
	got, ok := ParseObjectName("prefix/" + n)
	if !ok || !got.Equal(at) {
		t.Fatalf("%v %v", got, ok)
	}
	if _, ok := ParseObjectName("other.tar.age"); ok {
		t.Fatal("parsed a foreign name")
	}
}

// TestStateSnapshotWhileOpen: a read-only open of the store waits for the
// daemon's lock (ErrLocked), and the daemon's own copy is consistent and
// opens as a store.
func TestStateSnapshotWhileOpen(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("rounds", []byte("k"), map[string]int{"round": 7}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := FileState(dir)(context.Background(), &buf); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("snapshot beside an open store: %v, want ErrLocked", err)
	}
	src, err := StoreState(s)(context.Background(), &buf)
	if err != nil || src != "daemon" {
		t.Fatal(src, err)
	}
	s.Close()
	restored := t.TempDir()
	if err := os.WriteFile(filepath.Join(restored, store.FileName), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var v map[string]int
	if err := r.Get("rounds", []byte("k"), &v); err != nil || v["round"] != 7 {
		t.Fatalf("restored record %v, %v", v, err)
	}
	// Closed: the file path works.
	buf.Reset()
	if src, err := FileState(dir)(context.Background(), &buf); err != nil || src != "file" || buf.Len() == 0 {
		t.Fatalf("snapshot of a closed store: %s %v", src, err)
	}
}

// TestCollectAndRestore archives a host's files and restores them into a
// new directory whose rewritten config loads and names the restored files.
func TestCollectAndRestore(t *testing.T) {
	src := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("keys/UTC--signer", `{"address":"2222222222222222222222222222222222222222","crypto":{}}`, 0o600)
	write("pass", "passphrase\n", 0o600)
	write("token", "0123456789abcdef0123456789abcdef\n", 0o600)
	write("rpcurl", "http://127.0.0.1:8545\n", 0o600)
	write("node/keystore/UTC--node", `{"address":"3333333333333333333333333333333333333333"}`, 0o600)
	write("rendered/lpops.service", "[Unit]\n", 0o644)
	write("recipients.txt", "# ops\nage10y5qs5d8s8c732dkwr3tgd65x3s8yt7943u3ywv78dchlr2xk4aql8sy6n\n", 0o644)
	cfgText := `# the operator's comment stays
network: custom
chain_id: 412346
controller: "0x0000000000000000000000000000000000000001"
orchestrator: "0x0000000000000000000000000000000000000002"
rpc:
  - url_file: rpcurl
signer:
  keystore: keys/UTC--signer # lpops' hot key
  passphrase_file: pass
api:
  token_file: token
state_dir: state
backup:
  node_keystore: node/keystore
  rendered_dir: rendered
  recipients_file: recipients.txt
`
	cfgPath := write("lpops.yaml", cfgText, 0o600)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(cfg.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("b", []byte("k"), 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	m, entries, err := Collect(context.Background(), Host{Config: cfg, ConfigFile: cfgPath, Version: "test", State: FileState(cfg.StateDir)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Signer != "0x2222222222222222222222222222222222222222" || len(m.NodeAccounts) != 1 || m.StateSource != "file" {
		t.Fatalf("manifest %+v", m)
	}
	id := newIdentity(t)
	b, _, err := Bytes([]age.Recipient{id.Recipient()}, m, entries)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(bytes.NewReader(b), []age.Identity{id})
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	if err := Restore(a, dst); err != nil {
		t.Fatal(err)
	}
	if err := Restore(a, dst); err == nil {
		t.Fatal("a second restore into the same directory overwrote it")
	}
	rcfg, err := config.Load(filepath.Join(dst, ConfigName))
	if err != nil {
		t.Fatal(err)
	}
	for field, p := range map[string]string{"signer.keystore": rcfg.Signer.Keystore, "signer.passphrase_file": rcfg.Signer.PassphraseFile,
		"api.token_file": rcfg.API.TokenFile, "rpc[0].url_file": rcfg.RPC[0].URLFile, "state_dir": rcfg.StateDir,
		"backup.recipients_file": rcfg.Backup.RecipientsFile} {
		if !strings.HasPrefix(p, dst+string(filepath.Separator)) {
			t.Errorf("%s = %s, not under %s", field, p, dst)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dst, ConfigName))
	if !strings.Contains(string(raw), "the operator's comment stays") || !strings.Contains(string(raw), "lpops' hot key") {
		t.Errorf("comments lost:\n%s", raw)
	}
	err = filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = 0o700 | os.ModeDir
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := store.Open(rcfg.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var v int
	if err := rs.Get("b", []byte("k"), &v); err != nil || v != 1 {
		t.Fatalf("restored state: %v %v", v, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "node-keystore", "UTC--node")); err != nil {
		t.Error(err)
	}
}
