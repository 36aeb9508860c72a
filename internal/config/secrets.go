package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ResolvedEndpoint is an endpoint with its URL read from wherever the
// configuration keeps it. URL may hold an API key: log Name, never URL.
type ResolvedEndpoint struct {
	Name string
	URL  string
}

// EndpointURLs returns every endpoint's URL in configuration order, reading
// url_file, url_env and url_secret (surrounding whitespace trimmed) as needed. An error
// names the key path and the file or variable, never what it holds; problems
// with several endpoints are joined.
func (c *Config) EndpointURLs() ([]ResolvedEndpoint, error) {
	out := make([]ResolvedEndpoint, 0, len(c.RPC))
	var errs []error
	for i, e := range c.RPC {
		r, err := e.Resolve(fmt.Sprintf("rpc[%d]", i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Resolve reads one endpoint's URL as EndpointURLs does. field is the key
// path errors name the endpoint by (rpc[1]), so a caller resolving
// endpoints one at a time still names the entry the user wrote.
func (e Endpoint) Resolve(field string) (ResolvedEndpoint, error) {
	p := field
	var raw string
	switch {
	case e.URL != "":
		raw = e.URL
	case e.URLFile != "":
		b, err := os.ReadFile(e.URLFile)
		if err != nil {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_file: %w", p, err)
		}
		if raw = strings.TrimSpace(string(b)); raw == "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_file: %s is empty", p, e.URLFile)
		}
		if msg, _ := checkEndpointURL(raw); msg != "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_file: the URL in %s %s", p, e.URLFile, msg)
		}
	case e.URLEnv != "":
		raw = strings.TrimSpace(os.Getenv(e.URLEnv))
		if raw == "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_env: environment variable %s is not set or empty", p, e.URLEnv)
		}
		if msg, _ := checkEndpointURL(raw); msg != "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_env: the URL in %s %s", p, e.URLEnv, msg)
		}
	case e.URLSecret.IsSet():
		b, err := e.URLSecret.Value(p + ".url_secret")
		if err != nil {
			return ResolvedEndpoint{}, err
		}
		if raw = strings.TrimSpace(string(b)); raw == "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_secret: %s is empty", p, e.URLSecret.Ref)
		}
		if msg, _ := checkEndpointURL(raw); msg != "" {
			return ResolvedEndpoint{}, fmt.Errorf("%s.url_secret: the URL in %s %s", p, e.URLSecret.Ref, msg)
		}
	default:
		return ResolvedEndpoint{}, fmt.Errorf("%s: needs one of url, url_file, url_env or url_secret", p)
	}
	name := e.Name
	if name == "" {
		name = e.defaultName()
	}
	return ResolvedEndpoint{Name: name, URL: raw}, nil
}

// Passphrase reads the keystore passphrase from passphrase_file,
// passphrase_env or passphrase_secret. One trailing newline is stripped (echo and editors add it);
// other whitespace is kept, as it may be part of the passphrase. The caller
// should zero the result once the key is unlocked. Errors never include it.
func (s Signer) Passphrase() ([]byte, error) {
	var pass []byte
	switch {
	case s.PassphraseFile != "":
		b, err := ReadSecretFile("signer.passphrase_file", s.PassphraseFile)
		if err != nil {
			return nil, err
		}
		pass = trimNewline(b)
		if len(pass) == 0 {
			return nil, fmt.Errorf("signer.passphrase_file: %s is empty", s.PassphraseFile)
		}
	case s.PassphraseEnv != "":
		pass = trimNewline([]byte(os.Getenv(s.PassphraseEnv)))
		if len(pass) == 0 {
			return nil, fmt.Errorf("signer.passphrase_env: environment variable %s is not set or empty", s.PassphraseEnv)
		}
	case s.PassphraseSecret.IsSet():
		b, err := s.PassphraseSecret.Value("signer.passphrase_secret")
		if err != nil {
			return nil, err
		}
		pass = trimNewline(b)
		if len(pass) == 0 {
			return nil, fmt.Errorf("signer.passphrase_secret: %s is empty", s.PassphraseSecret.Ref)
		}
	default:
		return nil, errors.New("signer: no passphrase source; set passphrase_file, passphrase_env or passphrase_secret")
	}
	return pass, nil
}

// credentialsDir is where systemd's LoadCredential= and SetCredential= put a
// unit's credentials (also named by $CREDENTIALS_DIRECTORY).
const credentialsDir = "/run/credentials/"

// ReadSecretFile reads the secret file at path (a passphrase, a token, a
// webhook secret), refusing one that others than its owner may read or
// write: any permission bit for others, or for the group, fails with the
// chmod to run. One exception: a file in systemd's credentials directory
// (/run/credentials/<unit>/ or $CREDENTIALS_DIRECTORY) may be group-readable
// (systemd makes credentials 0400 or, for a unit whose user reaches them
// through the group, 0440), since only the unit can enter that directory.
// Errors start with key and name the file, never what it holds.
func ReadSecretFile(key, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	perm := fi.Mode().Perm()
	allowed := os.FileMode(0o700)
	if inCredentialsDir(path) {
		allowed |= 0o040
	}
	if perm&^allowed != 0 {
		return nil, fmt.Errorf("%s: %s is accessible to group or others (mode %04o); run chmod 600 %s", key, path, perm, path)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return b, nil
}

func inCredentialsDir(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if strings.HasPrefix(abs, credentialsDir) {
		return true
	}
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	return dir != "" && strings.HasPrefix(abs, filepath.Clean(dir)+string(filepath.Separator))
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// Redacted returns a copy of c that is safe to print or log: every endpoint
// keeps its name, file and variable names, but its URL is dropped, as it may
// carry an API key. It is for display; it does not load back.
func (c *Config) Redacted() Config {
	r := *c
	r.RPC = make([]Endpoint, len(c.RPC))
	for i, e := range c.RPC {
		if e.Name == "" {
			e.Name = e.defaultName()
		}
		e.URL = ""
		r.RPC[i] = e
	}
	// Webhook and Alertmanager URLs may carry a token.
	r.Alerts.Channels = make([]Channel, len(c.Alerts.Channels))
	for i, ch := range c.Alerts.Channels {
		ch.URL = ""
		r.Alerts.Channels[i] = ch
	}
	return r
}
