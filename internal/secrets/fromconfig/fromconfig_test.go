package fromconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
	_ "github.com/lpops/lpops/internal/secrets/fromconfig"
	"github.com/lpops/lpops/internal/secrets/secretstest"
)

// TestSecretsFromStores loads a configuration whose every secret comes from
// a store, and reads each through the accessor lpops uses: the passphrase
// from a sops file (encrypted here to an age identity made here; the
// reference is relative to the configuration file), the RPC URL and the
// webhook's HMAC key from Vault (the stand-in, AppRole login), the
// Telegram token and the heartbeat URL from SSM (the stand-in), the
// PagerDuty key and the SMTP password from Vault.
func TestSecretsFromStores(t *testing.T) {
	t.Setenv("SOPS_AGE_KEY_FILE", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLPOPSTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "lpops-test-secret-access-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	dir := t.TempDir()
	id := secretstest.NewAgeIdentity(t, dir)
	secretstest.SopsEncrypt(t, filepath.Join(dir, "secrets.enc.yaml"), []byte("signer:\n  passphrase: \"pass phrase\\n\"\n"), id.Recipient)
	vault := secretstest.NewVault(t, "")
	vault.Put("lpops", map[string]any{
		"rpc_url": "https://arb-mainnet.g.alchemy.com/v2/vault-rpc-key",
		"hmac":    "vault-hmac-key",
		"pd":      "vault-pagerduty-key",
		"smtp":    "vault smtp password\n",
		"api":     "vault-api-token-0123456789",
		"slack":   "https://hooks.slack.com/services/T0/B0/vault-slack",
		"am":      "https://am.example.com:9093",
		"discord": "https://discord.com/api/webhooks/1/vault-discord",
	})
	ssm := secretstest.NewSSM(t, "eu-west-1", "AKIDLPOPSTEST")
	ssm.Put("/lpops/telegram", "SecureString", "123456:ssm-telegram-token")
	ssm.Put("/lpops/heartbeat", "SecureString", "https://hc-ping.com/ssm-heartbeat-uuid")
	if err := os.WriteFile(filepath.Join(dir, "secret-id"), []byte(vault.SecretID+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "lpops.yaml")
	cfg := `network: custom
chain_id: 54321
controller: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
rpc:
  - url_secret: vault:secret/lpops#rpc_url
signer:
  keystore: keystore.json
  passphrase_secret: sops:secrets.enc.yaml#signer.passphrase
alerts:
  channels:
    - {name: hook, type: webhook, url: "https://hooks.example.com/x", secret_secret: "vault:secret/lpops#hmac"}
    - {name: slack, type: slack, url_secret: "vault:secret/lpops#slack"}
    - {name: discord, type: discord, url_secret: "vault:secret/lpops#discord"}
    - {name: am, type: alertmanager, url_secret: "vault:secret/lpops#am"}
    - {name: tg, type: telegram, chat_id: "-100123", token_secret: "ssm:/lpops/telegram"}
    - {name: pd, type: pagerduty, routing_key_secret: "vault:secret/lpops#pd"}
    - {name: mail, type: email, smarthost: "127.0.0.1:25", smtp_tls: none, from: a@example.com, to: b@example.com, username: u, password_secret: "vault:secret/lpops#smtp"}
  heartbeat:
    url_secret: ssm:/lpops/heartbeat
api:
  token_secret: vault:secret/lpops#api
secrets:
  vault:
    address: ` + vault.URL + `
    approle:
      role_id: ` + vault.RoleID + `
      secret_id_file: secret-id
  ssm:
    region: eu-west-1
    endpoint: ` + ssm.URL + `
  sops:
    age_key_file: ` + filepath.Base(id.KeyFile) + `
    binary: ` + secretstest.Sops(t) + `
`
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Signer.PassphraseSecret.Ref; got != "sops:"+filepath.Join(dir, "secrets.enc.yaml")+"#signer.passphrase" {
		t.Errorf("the sops reference is not made relative to the configuration's directory: %s", got)
	}
	pass, err := c.Signer.Passphrase()
	if err != nil || string(pass) != "pass phrase" {
		t.Errorf("Passphrase() = %q, %v; want the sops value less its trailing newline", pass, err)
	}
	eps, err := c.EndpointURLs()
	if err != nil || len(eps) != 1 || eps[0].URL != "https://arb-mainnet.g.alchemy.com/v2/vault-rpc-key" || eps[0].Name != "vault:secret/lpops#rpc_url" {
		t.Errorf("EndpointURLs() = %+v, %v", eps, err)
	}
	ch := c.Alerts.Channels
	check := func(what string, got string, err error, want string) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", what, got, err, want)
		}
	}
	s, err := ch[0].Secret()
	check("webhook Secret()", s, err, "vault-hmac-key")
	s, err = ch[1].TargetURL()
	check("slack TargetURL()", s, err, "https://hooks.slack.com/services/T0/B0/vault-slack")
	s, err = ch[2].TargetURL()
	check("discord TargetURL()", s, err, "https://discord.com/api/webhooks/1/vault-discord")
	s, err = ch[3].TargetURL()
	check("alertmanager TargetURL()", s, err, "https://am.example.com:9093")
	s, err = ch[4].Token()
	check("telegram Token()", s, err, "123456:ssm-telegram-token")
	s, err = ch[5].RoutingKey()
	check("pagerduty RoutingKey()", s, err, "vault-pagerduty-key")
	s, err = ch[6].Password()
	check("email Password()", s, err, "vault smtp password")
	s, err = c.Alerts.Heartbeat.URL()
	check("Heartbeat.URL()", s, err, "https://hc-ping.com/ssm-heartbeat-uuid")
	b, err := c.API.TokenSecret.Value("api.token_secret")
	check("API token", string(b), err, "vault-api-token-0123456789")
	if n := vault.Logins(); n != 1 {
		t.Errorf("%d AppRole logins for every Vault secret, want 1 (one resolver, one token)", n)
	}

	// The printable surface names references, never values.
	if !c.Alerts.Heartbeat.Enabled() {
		t.Error("a heartbeat from url_secret is not enabled")
	}
	r := c.Redacted()
	for _, e := range r.RPC {
		if strings.Contains(e.Name+e.URL, "vault-rpc-key") {
			t.Errorf("Redacted shows the RPC URL: %+v", e)
		}
	}
}

// TestSecretStoreErrorsNameTheKey: a value that cannot be read fails with
// the key path, the reference and the store, and nothing of the value.
func TestSecretStoreErrorsNameTheKey(t *testing.T) {
	vault := secretstest.NewVault(t, "")
	vault.Put("lpops", map[string]any{"other": "hunter2"})
	t.Setenv("LPOPS_TEST_VAULT_TOKEN", vault.RootToken)
	c, err := config.Parse([]byte(`network: custom
chain_id: 54321
controller: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
rpc:
  - url: http://127.0.0.1:8545
signer:
  keystore: keystore.json
  passphrase_secret: vault:secret/lpops#passphrase
secrets:
  vault:
    address: `+vault.URL+`
    token_env: LPOPS_TEST_VAULT_TOKEN
`), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Signer.Passphrase()
	want := `signer.passphrase_secret: vault:secret/lpops#passphrase: vault ` + vault.URL + `: secret/lpops has no key "passphrase"`
	if err == nil || err.Error() != want {
		t.Fatalf("Passphrase() error = %v\nwant %s", err, want)
	}
}
