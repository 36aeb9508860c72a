package integration

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/secrets/secretstest"
	"github.com/lpops/lpops/internal/testenv"
)

// TestSecretsFromStores runs the lpops binary with no secret on its disk or
// in its environment but the stores' own credentials: the keystore
// passphrase and a webhook's HMAC key come from Vault (AppRole login), the
// RPC URL (with an API key in its query) from a sops file encrypted here to
// an age identity made here, and the API token from SSM Parameter Store.
// lpops unlocks its key and rewards the round, the API accepts the SSM
// token, and none of the values shows in its log, its status, its metrics
// or its status page.
//
// Vault and SSM are stand-ins (internal/secrets/secretstest) that follow
// the documented HTTP APIs: the Vault server does not build from the Go
// module proxy, and AWS cannot be reached from here. sops is real: sops'
// own Go packages encrypt, lpops decrypts.
func TestSecretsFromStores(t *testing.T) {
	// Not parallel: t.Setenv gives the lpops process its AWS test
	// credentials.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLPOPSTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "lpops-test-secret-access-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("SOPS_AGE_KEY_FILE", "")

	e := newEnv(t, envOptions{})
	dir := t.TempDir()
	cfg := e.config(dir, lpopsOptions{grace: defaultGrace})
	// The passphrase file e.config wrote goes: lpops must get it from Vault.
	passFile := filepath.Join(dir, "passphrase")
	if err := os.Remove(passFile); err != nil {
		t.Fatal(err)
	}

	rnd := func() string { b := make([]byte, 12); _, _ = rand.Read(b); return hex.EncodeToString(b) }
	apiKey, hmacKey, apiToken := "rpc-key-"+rnd(), "hmac-"+rnd(), "api-token-"+rnd()
	rpcURL := e.chain.URL + "/?apikey=" + apiKey // anvil ignores the query

	vault := secretstest.NewVault(t, "")
	vault.Put("lpops", map[string]any{"passphrase": passphrase + "\n", "hook_hmac": hmacKey})
	sidFile := filepath.Join(dir, "vault-secret-id")
	if err := os.WriteFile(sidFile, []byte(vault.SecretID), 0o600); err != nil {
		t.Fatal(err)
	}
	ssm := secretstest.NewSSM(t, "us-east-2", "AKIDLPOPSTEST")
	ssm.Put("/lpops/api-token", "SecureString", apiToken)
	id := secretstest.NewAgeIdentity(t, dir)
	secretstest.SopsEncrypt(t, filepath.Join(dir, "secrets.enc.yaml"), fmt.Appendf(nil, "rpc_url: %q\n", rpcURL), id.Recipient)
	hook := testenv.FreePort(t) // nothing listens: the channel is only built

	cfg = replaceLine(t, cfg, "  passphrase_file: "+passFile, "  passphrase_secret: vault:secret/lpops#passphrase")
	cfg = replaceLine(t, cfg, fmt.Sprintf("  - name: %s\n    url: %s", e.chain.Kind, e.chain.URL), "  - name: provider\n    url_secret: sops:secrets.enc.yaml#rpc_url")
	cfg += fmt.Sprintf(`api:
  token_secret: ssm:/lpops/api-token
alerts:
  channels:
    - name: hook
      type: webhook
      url: http://127.0.0.1:%d/hook
      secret_secret: vault:secret/lpops#hook_hmac
secrets:
  vault:
    address: %s
    approle:
      role_id: %s
      secret_id_file: vault-secret-id
  ssm:
    region: us-east-2
    endpoint: %s
  sops:
    age_key_file: %s
    binary: %s
`, hook, vault.URL, vault.RoleID, ssm.URL, filepath.Base(id.KeyFile), secretstest.Sops(t))

	lp := &lpops{t: t, Lpops: testenv.StartLpops(t, testenv.LpopsOptions{
		Dir: dir, Config: cfg, Timeout: startTimeout, ReadyWhat: "lpops to start with its secrets from the stores",
		Ready: func(l *testenv.Lpops) bool {
			var s statusDoc
			return l.Status(&s) == nil && s.Ready && s.Keeper != nil
		},
	})}
	round, _ := e.nextActiveRound()
	s := lp.waitStatus("lpops to reward the round with the key Vault's passphrase unlocked", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone
	})
	if s.Keeper.RewardedBy != "lpops" || len(s.Keeper.Txs) != 1 || s.Keeper.Txs[0].From != addr(e.signer) {
		t.Fatalf("round %d: rewarded_by %q, txs %+v; want lpops' reward from %s", round, s.Keeper.RewardedBy, s.Keeper.Txs, addr(e.signer))
	}
	if vault.Logins() < 1 {
		t.Error("lpops never logged in to Vault with AppRole")
	}

	// The API token is the one in SSM.
	for _, tc := range []struct {
		token string
		want  int
	}{{apiToken, http.StatusNotFound}, {"wrong-token-0123456789", http.StatusUnauthorized}} {
		req, _ := http.NewRequest(http.MethodDelete, lp.Base+"/api/v1/silences/no-such-silence", nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		resp, err := lp.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("DELETE a silence with token %.10s...: HTTP %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}

	// No value shows anywhere lpops writes or serves.
	seen := map[string]string{"log": lp.Proc.Output()}
	for _, path := range []string{"/api/v1/status", "/metrics", "/", "/api/v1/alerts"} {
		resp, err := lp.Do(mustRequest(t, lp.Base+path))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		seen[path] = string(b)
	}
	for where, text := range seen {
		for name, v := range map[string]string{"passphrase": passphrase, "RPC API key": apiKey, "HMAC key": hmacKey, "API token": apiToken} {
			if strings.Contains(text, v) {
				t.Errorf("the %s shows in lpops' %s", name, where)
			}
		}
	}
	if !strings.Contains(seen["/api/v1/status"], "provider") {
		t.Errorf("the status does not name the endpoint read from sops (provider)")
	}
}

// replaceLine replaces old, which must be in s, with new.
func replaceLine(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the configuration has no %q:\n%s", old, s)
	}
	return strings.Replace(s, old, new, 1)
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
