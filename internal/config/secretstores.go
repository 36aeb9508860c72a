package config

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/secretref"
	"go.yaml.in/yaml/v3"
)

// Secrets configures the secret stores that *_secret keys read from
// (passphrase_secret, url_secret, token_secret, ...). A store is contacted
// only when a secret it holds is read (check-config, the daemon's start,
// building a notifier), never by Load. See internal/secrets, and
// SecretStores for how a program links them.
type Secrets struct {
	// Timeout bounds one read from a store, a Vault login included.
	Timeout Duration     `yaml:"timeout"`
	Vault   VaultSecrets `yaml:"vault"`
	SSM     SSMSecrets   `yaml:"ssm"`
	Sops    SopsSecrets  `yaml:"sops"`
}

// VaultSecrets is the HashiCorp Vault that vault: references read from (KV
// version 2). Auth is a token from token_file or token_env, or AppRole.
type VaultSecrets struct {
	// Address is Vault's base URL: https, or http on a loopback address
	// (a local Vault Agent or dev server).
	Address   string  `yaml:"address"`
	Namespace string  `yaml:"namespace"`
	TLSCAFile string  `yaml:"tls_ca_file"`
	TokenFile string  `yaml:"token_file"`
	TokenEnv  string  `yaml:"token_env"`
	AppRole   AppRole `yaml:"approle"`
}

// AppRole is Vault AppRole auth.
type AppRole struct {
	// Mount is the auth method's path; empty means approle.
	Mount        string `yaml:"mount"`
	RoleID       string `yaml:"role_id"`
	SecretIDFile string `yaml:"secret_id_file"`
	SecretIDEnv  string `yaml:"secret_id_env"`
}

func (a AppRole) set() bool { return a != AppRole{} }

// SSMSecrets is the AWS SSM Parameter Store that ssm: references read from.
// Credentials come from the AWS SDK's usual chain.
type SSMSecrets struct {
	// Region overrides AWS_REGION and the shared config's region.
	Region string `yaml:"region"`
	// Endpoint overrides the service endpoint (a VPC interface endpoint).
	Endpoint string `yaml:"endpoint"`
}

// SopsSecrets configures reading sops: references.
type SopsSecrets struct {
	// AgeKeyFile is the age identity file sops decrypts with. Empty: sops
	// looks where it always does (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY,
	// ~/.config/sops/age/keys.txt; KMS and other recipients find their own
	// credentials).
	AgeKeyFile string `yaml:"age_key_file"`
	// Binary is the sops command that decrypts (`sops decrypt FILE`): a path,
	// or a name looked up on PATH. Empty: sops on PATH.
	Binary string `yaml:"binary"`
}

// DefaultSecretsTimeout bounds one read from a secret store (internal/secrets'
// DefaultTimeout).
const DefaultSecretsTimeout = 10 * time.Second

// SecretRef is the value of a *_secret key: a reference to a secret in a
// store (vault:secret/lpops#passphrase, ssm:/lpops/passphrase,
// sops:secrets.enc.yaml#passphrase). The reference itself is not secret and
// may be shown; what it names is read only by Value. Load and Parse tie each
// SecretRef that is set to the stores the file's secrets section describes.
type SecretRef struct {
	Ref string
	r   SecretResolver
}

// SecretResolver reads the secret a reference names. internal/secrets'
// Resolver is the one lpops uses.
type SecretResolver interface {
	Resolve(ctx context.Context, ref string) ([]byte, error)
}

// SecretStores builds the resolver for a configuration's secrets section.
// It is nil until a program links the stores: lpops does, by importing
// internal/secrets/fromconfig, which sets it. The configuration package
// itself does not link the stores' clients (the AWS SDK, Vault's and
// sops' readers), so the many packages and tests that only read settings stay
// small. Set it once, before loading a configuration.
var SecretStores func(Secrets) SecretResolver

// errNoStores is Value's error in a program that does not link the stores.
var errNoStores = errors.New("this program reads no secret store (it does not import internal/secrets/fromconfig)")

var (
	_ yaml.Unmarshaler = (*SecretRef)(nil)
	_ yaml.Marshaler   = SecretRef{}
)

// UnmarshalYAML decodes a single string. Its message never quotes the
// value: a mapping or list put here shows nothing worth repeating.
func (s *SecretRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be a secret reference such as vault:secret/lpops#passphrase, ssm:/lpops/passphrase or sops:secrets.enc.yaml#passphrase")
	}
	s.Ref = n.Value
	return nil
}

// MarshalYAML encodes the reference.
func (s SecretRef) MarshalYAML() (any, error) { return s.Ref, nil }

// IsSet reports whether the key is set.
func (s SecretRef) IsSet() bool { return s.Ref != "" }

// Value reads the secret from its store, within secrets.timeout. Errors
// start with field (signer.passphrase_secret) and the reference, name the
// store, and never hold the value.
func (s SecretRef) Value(field string) ([]byte, error) {
	if s.r == nil {
		return nil, fmt.Errorf("%s: %s: %w", field, s.Ref, errNoStores)
	}
	b, err := s.r.Resolve(context.Background(), s.Ref)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return b, nil
}

// resolvePath makes the file of a sops: reference relative to dir, as Load
// does for every other path in the file.
func (s *SecretRef) resolvePath(dir string) {
	r, err := secretref.Parse(s.Ref)
	if err != nil || r.Scheme != secretref.SchemeSops || filepath.IsAbs(r.Path) {
		return
	}
	r.Path = filepath.Join(dir, r.Path)
	s.Ref = r.String()
}

// secretRefs returns every *_secret key of c with its key path.
func (c *Config) secretRefs() map[string]*SecretRef {
	refs := map[string]*SecretRef{"signer.passphrase_secret": &c.Signer.PassphraseSecret}
	for i := range c.OrchestratorList {
		refs[fmt.Sprintf("orchestrators[%d].signer.passphrase_secret", i)] = &c.OrchestratorList[i].Signer.PassphraseSecret
	}
	for i := range c.RPC {
		refs[fmt.Sprintf("rpc[%d].url_secret", i)] = &c.RPC[i].URLSecret
	}
	for i := range c.Alerts.Channels {
		ch := &c.Alerts.Channels[i]
		p := fmt.Sprintf("alerts.channels[%d].", i)
		refs[p+"url_secret"] = &ch.URLSecret
		refs[p+"secret_secret"] = &ch.SecretSecret
		refs[p+"token_secret"] = &ch.TokenSecret
		refs[p+"routing_key_secret"] = &ch.RoutingKeySecret
		refs[p+"password_secret"] = &ch.PasswordSecret
	}
	refs["alerts.heartbeat.url_secret"] = &c.Alerts.Heartbeat.URLSecret
	refs["api.token_secret"] = &c.API.TokenSecret
	return refs
}

// SecretReferences returns the reference of every *_secret key of c that
// is set, by its key path (`lpops render` grants the instance role the
// ssm: parameters named here).
func (c *Config) SecretReferences() map[string]string {
	out := map[string]string{}
	for field, ref := range c.secretRefs() {
		if ref.IsSet() {
			out[field] = ref.Ref
		}
	}
	return out
}

// attachSecrets ties every SecretRef of c that is set to one resolver
// built from the secrets section (none when SecretStores is nil). It builds
// no store and touches nothing outside the process.
func (c *Config) attachSecrets() {
	var r SecretResolver
	if SecretStores != nil {
		r = SecretStores(c.Secrets)
	}
	for _, ref := range c.secretRefs() {
		if ref.IsSet() { // an unset key stays the zero SecretRef
			ref.r = r
		}
	}
}

// secretSource is one way a secret may be given: a key and whether it is set.
type secretSource struct {
	key string
	set bool
}

// oneSecretSource reports a secret given more than one way, or none when it
// is required: p is the key path of the object holding the keys.
func (v *validator) oneSecretSource(p, what string, required bool, srcs ...secretSource) {
	var set, all []string
	for _, s := range srcs {
		all = append(all, s.key)
		if s.set {
			set = append(set, s.key)
		}
	}
	list := strings.Join(all[:len(all)-1], ", ") + " or " + all[len(all)-1]
	switch {
	case len(set) == 0 && required:
		v.add(p, "", fmt.Sprintf("needs %s: one of %s", what, list))
	case len(set) == 2:
		v.add(p, "", fmt.Sprintf("sets both %s and %s; set only one", set[0], set[1]))
	case len(set) > 2:
		v.add(p, "", fmt.Sprintf("sets %s and %s; set only one", strings.Join(set[:len(set)-1], ", "), set[len(set)-1]))
	}
}

// secretsSection validates the secrets section and every *_secret key.
func (v *validator) secretsSection(c *Config) {
	s := c.Secrets
	v.positive("secrets.timeout", s.Timeout)
	usesVault := false
	refs := c.secretRefs()
	for _, field := range slices.Sorted(maps.Keys(refs)) {
		ref := refs[field].Ref
		if ref == "" {
			continue
		}
		r, err := secretref.Parse(ref)
		switch {
		case errors.Is(err, secretref.ErrNotReference):
			v.add(field, "", err.Error()) // not a reference: it may be the secret itself
		case err != nil:
			v.add(field, "", err.Error()) // the message quotes the reference
		case r.Scheme == secretref.SchemeVault:
			usesVault = true
		}
	}
	vs := s.Vault
	vaultSet := vs != VaultSecrets{}
	if !vaultSet {
		if usesVault {
			v.add("secrets.vault.address", "", "is required: a *_secret key names a vault: reference")
		}
	} else {
		if vs.Address == "" {
			v.add("secrets.vault.address", "", "is required: Vault's URL, such as https://vault.example.com:8200")
		} else if msg := checkVaultAddress(vs.Address); msg != "" {
			v.add("secrets.vault.address", vs.Address, msg)
		}
		v.oneSecretSource("secrets.vault", "a way to log in", true,
			secretSource{"token_file", vs.TokenFile != ""}, secretSource{"token_env", vs.TokenEnv != ""}, secretSource{"approle", vs.AppRole.set()})
		if vs.TokenEnv != "" {
			v.envName("secrets.vault.token_env", vs.TokenEnv)
		}
		if a := vs.AppRole; a.set() {
			if a.RoleID == "" {
				v.add("secrets.vault.approle.role_id", "", "is required for AppRole login")
			}
			v.oneSecretSource("secrets.vault.approle", "the secret id", true,
				secretSource{"secret_id_file", a.SecretIDFile != ""}, secretSource{"secret_id_env", a.SecretIDEnv != ""})
			if a.SecretIDEnv != "" {
				v.envName("secrets.vault.approle.secret_id_env", a.SecretIDEnv)
			}
		}
	}
	if e := s.SSM.Endpoint; e != "" {
		if u, err := url.Parse(e); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			v.add("secrets.ssm.endpoint", e, "must be an http or https URL, such as https://ssm.eu-west-1.amazonaws.com")
		}
	}
}

// checkVaultAddress returns what is wrong with Vault's address, or "".
// Plain http is accepted only on a loopback address: the token travels in
// every request.
func checkVaultAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an https URL, such as https://vault.example.com:8200"
	}
	if u.User != nil {
		return "must not hold a user or password"
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "must be https: plain http would send the Vault token in clear (http is accepted only on a loopback address, for a local Vault Agent)"
		}
	}
	return ""
}

// resolvePaths makes the secrets section's file paths relative to dir.
func (s *Secrets) resolvePaths(dir string) {
	for _, p := range []*string{&s.Vault.TLSCAFile, &s.Vault.TokenFile, &s.Vault.AppRole.SecretIDFile, &s.Sops.AgeKeyFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}
