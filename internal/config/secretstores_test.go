package config

import (
	"strings"
	"testing"
)

// TestSecretRefWithoutStores: a program that does not link the stores
// (config.SecretStores nil, as in this package's tests) says so when a
// secret is read from one; internal/secrets/fromconfig tests the stores.
func TestSecretRefWithoutStores(t *testing.T) {
	c, err := Parse([]byte(minimal+"api:\n  token_secret: ssm:/lpops/api-token\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.API.TokenSecret.Value("api.token_secret")
	if err == nil || !strings.HasPrefix(err.Error(), "api.token_secret: ssm:/lpops/api-token: this program reads no secret store") {
		t.Fatalf("Value() error = %v", err)
	}
}

// TestMapCredentialsSecretStores: the stores' own credential files follow
// host.lpops.credentials_dir like every other secret file.
func TestMapCredentialsSecretStores(t *testing.T) {
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	c, err := Parse([]byte(minimal+`secrets:
  vault:
    address: https://vault.example.com
    token_file: `+CredentialsPrefix+`vault-token
  sops:
    age_key_file: `+CredentialsPrefix+`age.key
host:
  lpops:
    credentials_dir: /etc/lpops/credentials
`), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := c.MapCredentials(); n != 2 {
		t.Fatalf("MapCredentials() = %d, want 2", n)
	}
	if c.Secrets.Vault.TokenFile != "/etc/lpops/credentials/vault-token" || c.Secrets.Sops.AgeKeyFile != "/etc/lpops/credentials/age.key" {
		t.Errorf("secrets after MapCredentials: %+v", c.Secrets)
	}
}
