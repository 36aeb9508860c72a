package secrets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/secrets"
	"github.com/lpops/lpops/internal/secrets/secretstest"
	"go.yaml.in/yaml/v3"
)

// backend is one store under test: a resolver for it, and put, which
// stores value under a new name and returns the reference to it.
type backend struct {
	name     string
	resolver *secrets.Resolver
	put      func(t *testing.T, value string) string
	// missing are references to nothing.
	missing []string
}

var counter int

func nextName() string { counter++; return fmt.Sprintf("s%d", counter) }

// awsEnv gives the SDK static test credentials and keeps it away from the
// host's AWS configuration and instance metadata.
func awsEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLPOPSTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "lpops-test-secret-access-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// backends returns every store, each with its server or files ready.
func backends(t *testing.T) []backend {
	awsEnv(t)
	t.Setenv("SOPS_AGE_KEY_FILE", "")
	var out []backend

	vt := secretstest.NewVault(t, "")
	tokenFile := filepath.Join(t.TempDir(), "vault-token")
	if err := os.WriteFile(tokenFile, []byte(vt.RootToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vaultPut := func(v *secretstest.Vault) func(*testing.T, string) string {
		return func(t *testing.T, value string) string {
			name := nextName()
			v.Put("lpops/"+name, map[string]any{"value": value, "other": "not-this-one"})
			return "vault:secret/lpops/" + name + "#value"
		}
	}
	out = append(out, backend{
		name:     "VaultToken",
		resolver: secrets.NewResolver(secrets.Options{Vault: &secrets.VaultOptions{Address: vt.URL, TokenFile: tokenFile}}),
		put:      vaultPut(vt),
		missing:  []string{"vault:secret/lpops/nothing-here#value", "vault:secret/lpops/" + func() string { n := nextName(); vt.Put("lpops/"+n, map[string]any{"a": "b"}); return n }() + "#value"},
	})

	va := secretstest.NewVault(t, "ops")
	sidFile := filepath.Join(t.TempDir(), "secret-id")
	if err := os.WriteFile(sidFile, []byte(va.SecretID), 0o600); err != nil {
		t.Fatal(err)
	}
	out = append(out, backend{
		name: "VaultAppRole",
		resolver: secrets.NewResolver(secrets.Options{Vault: &secrets.VaultOptions{Address: va.URL, Namespace: "ops",
			AppRole: &secrets.AppRoleOptions{RoleID: va.RoleID, SecretIDFile: sidFile}}}),
		put:     vaultPut(va),
		missing: []string{"vault:secret/lpops/nothing-here#value"},
	})

	ssm := secretstest.NewSSM(t, "eu-west-1", "AKIDLPOPSTEST")
	out = append(out, backend{
		name:     "SSM",
		resolver: secrets.NewResolver(secrets.Options{SSM: secrets.SSMOptions{Region: "eu-west-1", Endpoint: ssm.URL}}),
		put: func(t *testing.T, value string) string {
			name := "/lpops/" + nextName()
			ssm.Put(name, "SecureString", value)
			return "ssm:" + name
		},
		missing: []string{"ssm:/lpops/nothing-here"},
	})

	dir := t.TempDir()
	id := secretstest.NewAgeIdentity(t, dir)
	for _, ext := range []string{"yaml", "json"} {
		out = append(out, backend{
			name:     "Sops" + strings.ToUpper(ext),
			resolver: secrets.NewResolver(secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: id.KeyFile, BaseDir: dir}}),
			put: func(t *testing.T, value string) string {
				name := nextName() + ".enc." + ext
				doc := map[string]any{"value": value, "other": "not-this-one"}
				var plain []byte
				if ext == "yaml" {
					plain, _ = yaml.Marshal(doc)
				} else {
					plain = fmt.Appendf(nil, `{"value": %q, "other": "not-this-one"}`, value)
				}
				secretstest.SopsEncrypt(t, filepath.Join(dir, name), plain, id.Recipient)
				return "sops:" + name + "#value"
			},
			missing: []string{"sops:nothing-here.enc." + ext + "#value"},
		})
	}
	return out
}

// TestStores runs one table over every store: each must hand back exactly
// the value stored, and fail on a missing secret with an error that names
// the reference and holds no stored value.
func TestStores(t *testing.T) {
	values := []struct{ name, value string }{
		{"Passphrase", "correct horse battery staple"},
		{"ProviderURL", "https://arb-mainnet.g.alchemy.com/v2/AbCdEf0123456789"},
		{"KeptWhitespace", "  pâss wörd\t"},
		{"Multiline", "line one\nline two\n"},
		{"Quotes", `it's "quoted" # not a comment`},
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var stored []string
			for _, v := range values {
				t.Run(v.name, func(t *testing.T) {
					ref := b.put(t, v.value)
					stored = append(stored, v.value)
					got, err := b.resolver.Resolve(context.Background(), ref)
					if err != nil {
						t.Fatalf("Resolve(%s): %v", ref, err)
					}
					if string(got) != v.value {
						t.Fatalf("Resolve(%s) = %q, want %q", ref, got, v.value)
					}
				})
			}
			for i, ref := range b.missing {
				t.Run(fmt.Sprintf("Missing%d", i), func(t *testing.T) {
					_, err := b.resolver.Resolve(context.Background(), ref)
					if err == nil {
						t.Fatalf("Resolve(%s) succeeded", ref)
					}
					if !strings.HasPrefix(err.Error(), ref+": ") {
						t.Errorf("error does not start with the reference %s: %v", ref, err)
					}
					for _, v := range append(stored, "not-this-one") {
						if strings.Contains(err.Error(), v) {
							t.Errorf("error holds a stored value %q: %v", v, err)
						}
					}
				})
			}
		})
	}
}
