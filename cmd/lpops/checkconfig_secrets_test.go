package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/secrets/secretstest"
)

// TestCheckConfigSecretStores: check-config reads every secret from its
// store (the passphrase from a sops file encrypted here to an age identity
// made here, the RPC URL from Vault, the API token from SSM; Vault and SSM
// are the documented-API stand-ins of secretstest), says where the
// passphrase came from by its reference, and prints no value, also when a
// store refuses.
func TestCheckConfigSecretStores(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLPOPSTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "lpops-test-secret-access-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("SOPS_AGE_KEY_FILE", "")

	const pass, rpcURL, apiToken = "lpops-test-passphrase", "https://arb.example/v2/vault-rpc-key-5f3a", "ssm-api-token-0123456789abcdef"
	dir := t.TempDir()
	id := secretstest.NewAgeIdentity(t, dir)
	other := secretstest.NewAgeIdentity(t, dir)
	secretstest.SopsEncrypt(t, filepath.Join(dir, "secrets.enc.json"), []byte(`{"passphrase": "`+pass+`"}`), id.Recipient)
	vault := secretstest.NewVault(t, "")
	vault.Put("lpops", map[string]any{"rpc_url": rpcURL})
	t.Setenv("LPOPS_TEST_VAULT_TOKEN", vault.RootToken)
	ssm := secretstest.NewSSM(t, "us-east-1", "AKIDLPOPSTEST")
	ssm.Put("/lpops/api-token", "SecureString", apiToken)

	secretsSection := func(ageKey string) string {
		return "api:\n  token_secret: ssm:/lpops/api-token\nsecrets:\n  vault:\n    address: " + vault.URL +
			"\n    token_env: LPOPS_TEST_VAULT_TOKEN\n  ssm:\n    region: us-east-1\n    endpoint: " + ssm.URL +
			"\n  sops:\n    age_key_file: " + ageKey + "\n    binary: " + secretstest.Sops(t) + "\n"
	}
	rpc := "rpc:\n  - url_secret: vault:secret/lpops#rpc_url\n"
	signer := "signer:\n  keystore: TESTDATA/" + testKeystore + "\n  passphrase_secret: sops:" + filepath.Join(dir, "secrets.enc.json") + "#passphrase\n"
	noValue := func(t *testing.T, out string) {
		t.Helper()
		for _, v := range []string{pass, rpcURL, "vault-rpc-key", apiToken} {
			if strings.Contains(out, v) {
				t.Errorf("check-config printed a secret value (%.8s...):\n%s", v, out)
			}
		}
	}

	t.Run("Resolved", func(t *testing.T) {
		code, stdout, stderr := checkConfig(t, writeConfig(t, rpc, signer+secretsSection(id.KeyFile)))
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 0", code, stderr)
		}
		want := "(passphrase from secret sops:" + filepath.Join(dir, "secrets.enc.json") + "#passphrase)"
		if !strings.Contains(stdout, want) || !strings.Contains(stdout, "endpoints:        vault:secret/lpops#rpc_url\n") {
			t.Errorf("summary lacks %q or the endpoint's reference:\n%s", want, stdout)
		}
		noValue(t, stdout)
	})
	t.Run("WrongAgeKey", func(t *testing.T) {
		code, stdout, stderr := checkConfig(t, writeConfig(t, rpc, signer+secretsSection(other.KeyFile)))
		want := "signer.passphrase_secret: sops:" + filepath.Join(dir, "secrets.enc.json") + "#passphrase: sops " +
			filepath.Join(dir, "secrets.enc.json") + ": decrypt: no identity or key service could decrypt its data key"
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
		noValue(t, stdout+stderr)
	})
	t.Run("StoreRefuses", func(t *testing.T) {
		t.Setenv("LPOPS_TEST_VAULT_TOKEN", "hvs.revoked")
		code, stdout, stderr := checkConfig(t, writeConfig(t, rpc, signer+secretsSection(id.KeyFile)))
		want := "rpc[0].url_secret: vault:secret/lpops#rpc_url: vault " + vault.URL + ": read: HTTP 403: permission denied"
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
		noValue(t, stdout+stderr)
	})
}
