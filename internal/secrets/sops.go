package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// SopsOptions configures the sops store.
type SopsOptions struct {
	// Binary is the sops command: a path, or a name looked up on PATH;
	// "" means "sops" on PATH.
	Binary string
	// AgeKeyFile is an age identity file (age-keygen's output) to decrypt
	// with. "": sops finds identities its own way (SOPS_AGE_KEY_FILE,
	// SOPS_AGE_KEY, ~/.config/sops/age/keys.txt), and KMS, GCP KMS, Azure
	// Key Vault, Vault transit and PGP recipients find their credentials
	// as the sops command always does.
	AgeKeyFile string
	// BaseDir is what a relative file in a reference is relative to (the
	// configuration file's directory); "" means the working directory.
	BaseDir string
}

// Sops reads values from sops-encrypted files by running the sops command
// (`sops decrypt FILE`). lpops does not link sops' Go packages: they bring
// every key service sops supports (GCP, Azure, Vault, PGP, …) and would
// double the daemon's binary and its resident memory, for a read done once
// at start. The command's environment is lpops' own, so each recipient finds
// its credentials as it does for the operator's sops; the cleartext comes
// back on a pipe, never through a file or argv.
type Sops struct {
	opts SopsOptions
}

// NewSops returns the sops store for opts.
func NewSops(opts SopsOptions) (*Sops, error) {
	return &Sops{opts: opts}, nil
}

// maxSopsOutput bounds the cleartext read from sops: a secrets file is a few
// kilobytes.
const maxSopsOutput = 1 << 20

// Fetch decrypts the file ref names and returns the value at ref.Key (or,
// for a binary file without a key, the whole cleartext).
func (s *Sops) Fetch(ctx context.Context, ref Ref) ([]byte, error) {
	path := ref.Path
	if !filepath.IsAbs(path) && s.opts.BaseDir != "" {
		path = filepath.Join(s.opts.BaseDir, path)
	}
	where := "sops " + path
	env := os.Environ()
	if k := s.opts.AgeKeyFile; k != "" {
		b, err := ReadSecretFile("secrets.sops.age_key_file", k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		clear(b)
		env = append(env, "SOPS_AGE_KEY_FILE="+k)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	bin, err := s.binary()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	clearText, err := runSops(ctx, bin, env, path)
	if err != nil {
		return nil, fmt.Errorf("%s: decrypt: %w", where, err)
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

// binary finds the sops command.
func (s *Sops) binary() (string, error) {
	name := s.opts.Binary
	if name == "" {
		name = "sops"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		if s.opts.Binary == "" {
			return "", errors.New("the sops command is not on PATH: install sops (https://github.com/getsops/sops/releases) or set secrets.sops.binary")
		}
		return "", fmt.Errorf("secrets.sops.binary: %w", err)
	}
	return p, nil
}

// runSops runs `sops decrypt path` and returns its standard output. The
// output is sops' cleartext in the file's own format (YAML, JSON, dotenv or
// binary, from the file's extension). A context that ends kills sops, and
// its pipes are closed a second later even if a child of it holds them.
func runSops(ctx context.Context, bin string, env []string, path string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, "decrypt", path)
	cmd.Env = env
	cmd.WaitDelay = time.Second
	stdout := &capped{max: maxSopsOutput}
	stderr := &capped{max: 64 << 10, drop: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	clearText := stdout.buf.Bytes()
	switch {
	case ctx.Err() != nil:
		clear(clearText)
		return nil, ctx.Err()
	case stdout.over:
		clear(clearText)
		return nil, fmt.Errorf("sops wrote more than %d bytes: not a secrets file", maxSopsOutput)
	case err != nil:
		clear(clearText)
		return nil, sopsError(err, stderr.buf.Bytes())
	}
	return clearText, nil
}

// capped keeps what is written to it up to max bytes. Past that it fails
// the write (so sops stops on a broken pipe), or with drop, keeps writing
// nothing and says all went well.
type capped struct {
	buf  bytes.Buffer
	max  int
	drop bool
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) <= room {
		return c.buf.Write(p)
	}
	c.over = true
	c.buf.Write(p[:max(room, 0)])
	if c.drop {
		return len(p), nil
	}
	return 0, errors.New("output too long")
}

// sopsError turns a failed sops run into one line: its exit status and what
// it printed, which spreads over several lines. sops never prints the
// cleartext on its standard error.
func sopsError(err error, stderr []byte) error {
	msg := strings.Join(strings.Fields(string(stderr)), " ")
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if strings.Contains(msg, "Failed to get the data key") || strings.Contains(msg, "Error getting data key") {
			return fmt.Errorf("no identity or key service could decrypt its data key (is the right age identity or KMS access configured?): sops exited %d: %s", ee.ExitCode(), msg)
		}
		if msg == "" {
			return fmt.Errorf("sops exited %d", ee.ExitCode())
		}
		return fmt.Errorf("sops exited %d: %s", ee.ExitCode(), msg)
	}
	return err
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
