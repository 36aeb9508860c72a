// Package fromconfig links the secret stores of internal/secrets into a
// program: importing it sets config.SecretStores, so the *_secret keys of
// every configuration the program loads read Vault, SSM Parameter Store and
// sops files as the configuration's secrets section says. cmd/lpops imports
// it; a package that only reads settings does not, and stays free of the
// stores' clients (the AWS SDK).
package fromconfig

import (
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/secrets"
)

func init() { config.SecretStores = New }

var _ config.SecretResolver = (*secrets.Resolver)(nil)

// New returns the resolver for a configuration's secrets section. It builds
// no store: each is built when a reference first needs it.
func New(s config.Secrets) config.SecretResolver {
	return secrets.NewResolver(Options(s))
}

// Options turns the secrets section into internal/secrets' options.
func Options(s config.Secrets) secrets.Options {
	opts := secrets.Options{
		Timeout: s.Timeout.Duration,
		SSM:     secrets.SSMOptions{Region: s.SSM.Region, Endpoint: s.SSM.Endpoint},
		Sops:    secrets.SopsOptions{AgeKeyFile: s.Sops.AgeKeyFile, Binary: s.Sops.Binary},
	}
	if v := s.Vault; v.Address != "" {
		opts.Vault = &secrets.VaultOptions{
			Address: v.Address, Namespace: v.Namespace, CAFile: v.TLSCAFile,
			TokenFile: v.TokenFile, TokenEnv: v.TokenEnv,
		}
		if a := v.AppRole; a != (config.AppRole{}) {
			opts.Vault.AppRole = &secrets.AppRoleOptions{Mount: a.Mount, RoleID: a.RoleID,
				SecretIDFile: a.SecretIDFile, SecretIDEnv: a.SecretIDEnv}
		}
	}
	return opts
}
