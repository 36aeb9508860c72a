package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getsops/sops/v3/decrypt"
	"go.yaml.in/yaml/v3"
)

// SopsOptions configures the sops store.
type SopsOptions struct {
	// AgeKeyFile is an age identity file (age-keygen's output) to decrypt
	// with. "": sops finds identities its own way (SOPS_AGE_KEY_FILE,
	// SOPS_AGE_KEY, ~/.config/sops/age/keys.txt), and KMS, GCP KMS, Azure
	// Key Vault, Vault transit and PGP recipients find their credentials
	// as the sops command does.
	AgeKeyFile string
	// BaseDir is what a relative file in a reference is relative to (the
	// configuration file's directory); "" means the working directory.
	BaseDir string
}

// Sops reads values from sops-encrypted files.
type Sops struct {
	opts SopsOptions
}

// NewSops returns the sops store for opts.
func NewSops(opts SopsOptions) (*Sops, error) {
	return &Sops{opts: opts}, nil
}

// sopsEnvMu serializes setting SOPS_AGE_KEY_FILE, the one way sops'
// decrypt package takes an identity file.
var sopsEnvMu sync.Mutex

// Fetch decrypts the file ref names and returns the value at ref.Key (or,
// for a binary file without a key, the whole cleartext).
func (s *Sops) Fetch(ctx context.Context, ref Ref) ([]byte, error) {
	path := ref.Path
	if !filepath.IsAbs(path) && s.opts.BaseDir != "" {
		path = filepath.Join(s.opts.BaseDir, path)
	}
	where := "sops " + path
	if k := s.opts.AgeKeyFile; k != "" {
		b, err := ReadSecretFile("secrets.sops.age_key_file", k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		clear(b)
		sopsEnvMu.Lock()
		err = os.Setenv("SOPS_AGE_KEY_FILE", k)
		sopsEnvMu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	clearText, err := withTimeout(ctx, func() ([]byte, error) { return decrypt.File(path, "") })
	if err != nil {
		return nil, fmt.Errorf("%s: decrypt: %w", where, sopsError(err))
	}
	defer clear(clearText)
	if ref.Key == "" {
		return bytes.Clone(clearText), nil
	}
	v, err := pick(path, clearText, ref.Key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return v, nil
}

// sopsError shortens sops' errors, which spread over several lines.
func sopsError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if strings.Contains(msg, "Error getting data key") {
		msg = "no identity or key service could decrypt its data key (is the right age identity or KMS access configured?): " + msg
	}
	return errors.New(msg)
}

// pick returns the value at key (a.b for a nested key) in a decrypted
// YAML, JSON or dotenv document.
func pick(path string, doc []byte, key string) ([]byte, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		var root any
		if err := yaml.Unmarshal(doc, &root); err != nil {
			return nil, errors.New("the decrypted document does not parse")
		}
		v, ok := lookup(root, key)
		if !ok {
			return nil, fmt.Errorf("has no key %q", key)
		}
		switch v := v.(type) {
		case string:
			return []byte(v), nil
		case nil, map[string]any, []any:
			return nil, fmt.Errorf("key %q does not hold a single value", key)
		default:
			return fmt.Appendf(nil, "%v", v), nil // a number or boolean, as written
		}
	case ".env":
		sc := bufio.NewScanner(bytes.NewReader(doc))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if ok && k == key {
				return []byte(v), nil
			}
		}
		return nil, fmt.Errorf("has no key %q", key)
	}
	return nil, fmt.Errorf("is a binary file: it has no keys; leave out #%s", key)
}

// lookup finds key in a decoded document: the whole key first, then a.b.c
// as nested mappings.
func lookup(root any, key string) (any, bool) {
	m, ok := root.(map[string]any)
	if !ok {
		return nil, false
	}
	if v, ok := m[key]; ok {
		return v, true
	}
	head, rest, ok := strings.Cut(key, ".")
	if !ok {
		return nil, false
	}
	return lookup(m[head], rest)
}
