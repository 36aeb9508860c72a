// Package secretref parses references to secrets kept in a store
// (vault:, ssm:, sops:). It is apart from internal/secrets, which reads
// them, so that the configuration can check a reference's form without
// linking the stores' clients.
package secretref

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Schemes a reference may start with.
const (
	SchemeVault = "vault"
	SchemeSSM   = "ssm"
	SchemeSops  = "sops"
)

// ErrNotReference is returned by Parse for a string that does not start
// with a known scheme. Its message never repeats the string: a value put
// where a reference belongs is most likely the secret itself.
var ErrNotReference = errors.New("must be a secret reference: vault:<mount>/<path>#<key>, ssm:<parameter name> or sops:<file>#<key>")

// Ref is a parsed secret reference.
type Ref struct {
	// Scheme is vault, ssm or sops.
	Scheme string
	// Path is the KV v2 secret path below Mount (vault), the parameter name
	// or ARN (ssm), or the encrypted file (sops).
	Path string
	// Mount is the KV v2 secrets engine's mount path (vault only).
	Mount string
	// Key picks one field of the secret: a key of the KV v2 secret (vault),
	// a key of the decrypted document (sops; a.b reaches a nested key).
	Key string
}

// String returns the reference as it is written in the configuration.
func (r Ref) String() string {
	s := r.Scheme + ":"
	switch r.Scheme {
	case SchemeVault:
		s += r.Mount + "/" + r.Path
	default:
		s += r.Path
	}
	if r.Key != "" {
		s += "#" + r.Key
	}
	return s
}

// Parse parses a secret reference. A Vault reference names its KV v2
// mount as its first path segment (vault:secret/lpops#passphrase); a mount
// whose own path has several segments is written with the API's /data/
// between mount and path (vault:team/kv/data/lpops#passphrase). Errors
// quote the reference only once its scheme is known to be one of ours.
func Parse(s string) (Ref, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Ref{}, ErrNotReference
	}
	switch scheme {
	case SchemeVault, SchemeSSM, SchemeSops:
	default:
		return Ref{}, ErrNotReference
	}
	if strings.TrimSpace(rest) != rest || strings.ContainsAny(rest, "\n\r\t") {
		return Ref{}, fmt.Errorf("%s reference must not hold spaces around it or control characters", scheme)
	}
	r := Ref{Scheme: scheme}
	path, key, hasKey := strings.Cut(rest, "#")
	if hasKey && key == "" {
		return Ref{}, fmt.Errorf("%s: nothing after #: name the key to read", s)
	}
	r.Key = key
	switch scheme {
	case SchemeVault:
		mount, p, ok := strings.Cut(path, "/data/")
		if !ok {
			mount, p, ok = strings.Cut(path, "/")
		}
		mount, p = strings.Trim(mount, "/"), strings.Trim(p, "/")
		if !ok || mount == "" || p == "" {
			return Ref{}, fmt.Errorf("%s: must be vault:<mount>/<path>#<key>, such as vault:secret/lpops#passphrase", s)
		}
		if !hasKey {
			return Ref{}, fmt.Errorf("%s: names no key: a KV v2 secret holds several, add #<key>, such as vault:%s/%s#passphrase", s, mount, p)
		}
		r.Mount, r.Path = mount, p
	case SchemeSSM:
		if hasKey {
			return Ref{}, fmt.Errorf("%s: an SSM parameter holds one value: leave out #%s", s, key)
		}
		if path == "" {
			return Ref{}, fmt.Errorf("%s: names no parameter, such as ssm:/lpops/passphrase", s)
		}
		r.Path = path
	case SchemeSops:
		if path == "" {
			return Ref{}, fmt.Errorf("%s: names no file, such as sops:secrets.enc.yaml#passphrase", s)
		}
		if !hasKey && sopsStructured(path) {
			return Ref{}, fmt.Errorf("%s: names no key: add #<key> to pick one value of the %s document", s, filepath.Ext(path))
		}
		r.Path = path
	}
	return r, nil
}

// sopsStructured reports whether sops reads the file at path as a document
// of keys (YAML, JSON, dotenv, INI) rather than one binary blob.
func sopsStructured(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json", ".env", ".ini":
		return true
	}
	return false
}
