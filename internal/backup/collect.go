package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/store"
)

// Layout: where each file goes in the archive, which is where restore puts
// it under its directory. The restored lpops.yaml names these, relative to
// itself.
const (
	ConfigName     = "lpops.yaml"
	StateName      = "state/" + store.FileName
	PassphraseName = "secrets/signer-passphrase"
	APITokenName   = "secrets/api-token"
	RecipientsName = "backup-recipients"
	keystoreDir    = "keystore/"
	nodeKeystore   = "node-keystore/"
	renderedDir    = "rendered/"
)

// StateFunc writes a consistent copy of the state store to w: the daemon's
// own store, or a command's way to it (the file, else the daemon's API).
// It returns how it got the copy ("file" or "daemon").
type StateFunc func(ctx context.Context, w io.Writer) (source string, err error)

// Host is what Collect reads.
type Host struct {
	Config *config.Config
	// ConfigFile is the configuration file's path (its bytes are archived
	// as they are).
	ConfigFile string
	Version    string
	// State copies the state store; nil: the store is not archived.
	State StateFunc
	Now   func() time.Time
}

// Collect reads every file a backup holds and the manifest's description of
// the host. Secrets are read the way the daemon reads them (files the
// config names, after the unit's credentials are mapped).
func Collect(ctx context.Context, h Host) (Manifest, []Entry, error) {
	c := h.Config
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	host, _ := os.Hostname()
	m := Manifest{
		LpopsVersion: h.Version, CreatedAt: now().UTC(), Hostname: host,
		Network: c.Network, ChainID: c.ChainID, Orchestrator: c.PrimaryOrchestrator(), StateSource: "none",
	}
	var entries []Entry
	add := func(name, role, orig string) error {
		b, err := os.ReadFile(orig)
		if err != nil {
			return fmt.Errorf("read %s: %w", role, err)
		}
		entries = append(entries, Entry{Name: name, Role: role, Original: orig, Data: b})
		return nil
	}
	if err := add(ConfigName, RoleConfig, h.ConfigFile); err != nil {
		return m, nil, err
	}
	if ks := c.Signer.Keystore; ks != "" {
		if err := add(keystoreDir+filepath.Base(ks), RoleSignerKeystore, ks); err != nil {
			return m, nil, err
		}
		addr, err := KeystoreAddress(entries[len(entries)-1].Data)
		if err != nil {
			return m, nil, fmt.Errorf("signer.keystore %s: %w", ks, err)
		}
		m.Signer = addr
	}
	if p := c.Signer.PassphraseFile; p != "" {
		if err := add(PassphraseName, RoleSignerPassphrase, p); err != nil {
			return m, nil, err
		}
	}
	if p := c.API.TokenFile; p != "" {
		if err := add(APITokenName, RoleAPIToken, p); err != nil {
			return m, nil, err
		}
	}
	for i, e := range c.RPC {
		if e.URLFile != "" {
			if err := add("secrets/rpc-"+strconv.Itoa(i), RoleRPCURL, e.URLFile); err != nil {
				return m, nil, err
			}
		}
	}
	if p := c.Backup.RecipientsFile; p != "" {
		if err := add(RecipientsName, RoleRecipients, p); err != nil {
			return m, nil, err
		}
	}
	if p := c.Backup.NodeKeystore; p != "" {
		files, err := walkFiles(p)
		if err != nil {
			return m, nil, fmt.Errorf("backup.node_keystore: %w", err)
		}
		for rel, orig := range files {
			if err := add(nodeKeystore+rel, RoleNodeKeystore, orig); err != nil {
				return m, nil, err
			}
			if addr, err := KeystoreAddress(entries[len(entries)-1].Data); err == nil {
				m.NodeAccounts = append(m.NodeAccounts, addr)
			}
		}
	}
	if p := c.Backup.RenderedDir; p != "" {
		files, err := walkFiles(p)
		if err != nil {
			return m, nil, fmt.Errorf("backup.rendered_dir: %w", err)
		}
		for rel, orig := range files {
			if err := add(renderedDir+rel, RoleRendered, orig); err != nil {
				return m, nil, err
			}
		}
	}
	if h.State != nil {
		var buf bytes.Buffer
		src, err := h.State(ctx, &buf)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// A host that never ran the daemon has no state yet.
		case err != nil:
			return m, nil, fmt.Errorf("state store: %w", err)
		default:
			m.StateSource = src
			entries = append(entries, Entry{Name: StateName, Role: RoleState, Original: filepath.Join(c.StateDir, store.FileName), Data: buf.Bytes()})
		}
	}
	return m, entries, nil
}

// walkFiles lists the regular files under root (or root itself when it is
// a file), by their path relative to root's parent for a file and to root
// for a directory.
func walkFiles(root string) (map[string]string, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if !fi.IsDir() {
		out[filepath.Base(root)] = root
		return out, nil
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = p
		return nil
	})
	return out, err
}

// KeystoreAddress reads the address of a go-ethereum keystore file without
// its passphrase.
func KeystoreAddress(b []byte) (string, error) {
	var k struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal(b, &k); err != nil || len(strings.TrimPrefix(k.Address, "0x")) != 40 {
		return "", errors.New("not a keystore file (no address)")
	}
	return "0x" + strings.ToLower(strings.TrimPrefix(k.Address, "0x")), nil
}

// FileState copies the store in stateDir through its file: it works while
// no process holds the store (store.ErrLocked when one does).
func FileState(stateDir string) StateFunc {
	return func(_ context.Context, w io.Writer) (string, error) {
		_, err := store.Snapshot(stateDir, w, 500*time.Millisecond)
		return "file", err
	}
}

// StoreState copies an open store (the daemon's own).
func StoreState(s *store.Store) StateFunc {
	return func(_ context.Context, w io.Writer) (string, error) {
		_, err := s.WriteTo(w)
		return "daemon", err
	}
}

// Recipients parses the config's recipients and recipients_file, with
// errors naming the field.
func Recipients(b config.Backup) ([]age.Recipient, error) {
	var out []age.Recipient
	for i, s := range b.Recipients.Items {
		r, err := ParseRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("backup.recipients[%d]: %w", i, err)
		}
		out = append(out, r)
	}
	if b.RecipientsFile != "" {
		txt, err := os.ReadFile(b.RecipientsFile)
		if err != nil {
			return nil, fmt.Errorf("backup.recipients_file: %w", err)
		}
		rs, err := ParseRecipients(string(txt))
		if err != nil {
			return nil, fmt.Errorf("backup.recipients_file %s: %w", b.RecipientsFile, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

// TargetFromConfig opens the configured destination (or dest, when not
// empty, in its place).
func TargetFromConfig(b config.Backup, dest string) (Target, error) {
	if dest == "" {
		dest = b.Destination
	}
	id, secret, err := b.S3.S3Credentials()
	if err != nil {
		return nil, err
	}
	return OpenTarget(dest, S3Options{Endpoint: b.S3.Endpoint, Region: b.S3.Region, AccessKeyID: id, SecretAccessKey: secret})
}

// Create collects h, encrypts it to recipients and stores it in t; it
// returns the object name and manifest.
func Create(ctx context.Context, h Host, recipients []age.Recipient, t Target) (string, Manifest, error) {
	m, entries, err := Collect(ctx, h)
	if err != nil {
		return "", m, err
	}
	b, m, err := Bytes(recipients, m, entries)
	if err != nil {
		return "", m, err
	}
	name := ObjectName(m.CreatedAt)
	if err := t.Put(ctx, name, b); err != nil {
		return "", m, err
	}
	return name, m, nil
}
