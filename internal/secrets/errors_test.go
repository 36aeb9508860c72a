package secrets_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/secrets"
	"github.com/lpops/lpops/internal/secrets/secretstest"
)

// TestErrors checks what each store says when it cannot hand a value back:
// the error names the reference and the cause, and never the value.
func TestErrors(t *testing.T) {
	awsEnv(t)
	t.Setenv("SOPS_AGE_KEY_FILE", "")
	const value = "the-value-nobody-may-see"
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}

	vault := secretstest.NewVault(t, "")
	vault.Put("lpops", map[string]any{"passphrase": value, "port": 8545})
	ssm := secretstest.NewSSM(t, "us-east-1", "AKIDLPOPSTEST")
	ssm.Put("/lpops/plain", "String", value)
	ssm.Put("/lpops/pass", "SecureString", value)
	right := secretstest.NewAgeIdentity(t, dir)
	wrong := secretstest.NewAgeIdentity(t, dir)
	secretstest.SopsEncrypt(t, filepath.Join(dir, "s.enc.yaml"), []byte("passphrase: "+value+"\nnested:\n  key: "+value+"\n"), right.Recipient)

	tests := []struct {
		name string
		opts secrets.Options
		ref  string
		want string
	}{
		{"VaultNotConfigured", secrets.Options{}, "vault:secret/lpops#passphrase",
			"vault:secret/lpops#passphrase: vault: store not configured: set secrets.vault.address and its auth"},
		{"VaultBadToken", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL, TokenFile: write("bad-token", "hvs.nope", 0o600)}},
			"vault:secret/lpops#passphrase", "vault:secret/lpops#passphrase: vault " + vault.URL + ": read: HTTP 403: permission denied; check the token and its policy (permission denied)"},
		{"VaultTokenFileOpen", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL, TokenFile: write("open-token", vault.RootToken, 0o644)}},
			"vault:secret/lpops#passphrase", "is accessible to group or others (mode 0644)"},
		{"VaultTokenEnvUnset", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL, TokenEnv: "LPOPS_TEST_UNSET_TOKEN"}},
			"vault:secret/lpops#passphrase", "secrets.vault.token_env: environment variable LPOPS_TEST_UNSET_TOKEN is not set or empty"},
		{"VaultWrongSecretID", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL,
			AppRole: &secrets.AppRoleOptions{RoleID: vault.RoleID, SecretIDFile: write("wrong-sid", "not-the-secret-id", 0o600)}}},
			"vault:secret/lpops#passphrase", "approle login: HTTP 400: check the role id and secret id (invalid role or secret ID)"},
		{"VaultNoSuchKey", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL, TokenEnv: "LPOPS_TEST_VAULT_TOKEN"}},
			"vault:secret/lpops#nope", `secret/lpops has no key "nope"`},
		{"VaultNotAString", secrets.Options{Vault: &secrets.VaultOptions{Address: vault.URL, TokenEnv: "LPOPS_TEST_VAULT_TOKEN"}},
			"vault:secret/lpops#port", `secret/lpops key "port" is not a string`},
		{"VaultUnreachable", secrets.Options{Vault: &secrets.VaultOptions{Address: "http://127.0.0.1:1", TokenEnv: "LPOPS_TEST_VAULT_TOKEN"}},
			"vault:secret/lpops#passphrase", "vault http://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"SSMNotFound", secrets.Options{SSM: secrets.SSMOptions{Region: "us-east-1", Endpoint: ssm.URL}},
			"ssm:/lpops/none", "ssm:/lpops/none: ssm " + ssm.URL + ": GetParameter: ParameterNotFound: no such parameter"},
		{"SSMStringParameter", secrets.Options{SSM: secrets.SSMOptions{Region: "us-east-1", Endpoint: ssm.URL}},
			"ssm:/lpops/plain", "/lpops/plain is a String parameter; keep secrets in a SecureString"},
		{"SSMWrongRegion", secrets.Options{SSM: secrets.SSMOptions{Region: "eu-central-1", Endpoint: ssm.URL}},
			"ssm:/lpops/pass", "GetParameter: UnrecognizedClientException (The security token included in the request is invalid.)"},
		{"SopsWrongKey", secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: wrong.KeyFile, BaseDir: dir}},
			"sops:s.enc.yaml#passphrase", "sops:s.enc.yaml#passphrase: sops " + filepath.Join(dir, "s.enc.yaml") + ": decrypt: no identity or key service could decrypt its data key"},
		{"SopsNoSuchKey", secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: right.KeyFile, BaseDir: dir}},
			"sops:s.enc.yaml#nope", `s.enc.yaml: has no key "nope"`},
		{"SopsNotAValue", secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: right.KeyFile, BaseDir: dir}},
			"sops:s.enc.yaml#nested", `key "nested" does not hold a single value`},
		{"SopsNoFile", secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: right.KeyFile, BaseDir: dir}},
			"sops:none.enc.yaml#passphrase", "none.enc.yaml: no such file or directory"},
		{"SopsNoBinary", secrets.Options{Sops: secrets.SopsOptions{Binary: filepath.Join(dir, "no-sops-here"), AgeKeyFile: right.KeyFile, BaseDir: dir}},
			"sops:s.enc.yaml#passphrase", "sops " + filepath.Join(dir, "s.enc.yaml") + ": secrets.sops.binary: exec: \"" + filepath.Join(dir, "no-sops-here") + "\": stat"},
		{"SopsNotOnPath", secrets.Options{Sops: secrets.SopsOptions{AgeKeyFile: right.KeyFile, BaseDir: dir}},
			"sops:s.enc.yaml#passphrase", "the sops command is not on PATH: install sops"},
		{"SopsKeyFileOpen", secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: write("open.key", "AGE-SECRET-KEY-1", 0o640), BaseDir: dir}},
			"sops:s.enc.yaml#passphrase", "secrets.sops.age_key_file: " + filepath.Join(dir, "open.key") + " is accessible to group or others (mode 0640)"},
		{"NotAReference", secrets.Options{}, value, "must be a secret reference"},
	}
	t.Setenv("LPOPS_TEST_VAULT_TOKEN", vault.RootToken)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "SopsNotOnPath" {
				t.Setenv("PATH", t.TempDir())
			}
			_, err := secrets.NewResolver(tc.opts).Resolve(context.Background(), tc.ref)
			if err == nil {
				t.Fatalf("Resolve(%s) succeeded", tc.ref)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Resolve(%s) error:\n  %v\nwant it to contain:\n  %s", tc.ref, err, tc.want)
			}
			t.Log(err)
			if strings.Contains(err.Error(), value) {
				t.Errorf("error holds the value: %v", err)
			}
		})
	}

	// The right identity reads both the flat and the nested key.
	r := secrets.NewResolver(secrets.Options{Sops: secrets.SopsOptions{Binary: secretstest.Sops(t), AgeKeyFile: right.KeyFile, BaseDir: dir}})
	for _, ref := range []string{"sops:s.enc.yaml#passphrase", "sops:s.enc.yaml#nested.key"} {
		if got, err := r.Resolve(context.Background(), ref); err != nil || string(got) != value {
			t.Errorf("Resolve(%s) = %q, %v", ref, got, err)
		}
	}
}

// TestVaultAppRoleLogsInAgain: a token Vault stops honouring (revoked, or
// past its max TTL) is replaced by a fresh AppRole login, once per refusal.
func TestVaultAppRoleLogsInAgain(t *testing.T) {
	v := secretstest.NewVault(t, "")
	v.Put("lpops", map[string]any{"token": "api-token-value"})
	t.Setenv("LPOPS_TEST_SECRET_ID", v.SecretID)
	r := secrets.NewResolver(secrets.Options{Vault: &secrets.VaultOptions{Address: v.URL,
		AppRole: &secrets.AppRoleOptions{RoleID: v.RoleID, SecretIDEnv: "LPOPS_TEST_SECRET_ID"}}})
	read := func() {
		t.Helper()
		got, err := r.Resolve(context.Background(), "vault:secret/lpops#token")
		if err != nil || string(got) != "api-token-value" {
			t.Fatalf("Resolve = %q, %v", got, err)
		}
	}
	read()
	read()
	if n := v.Logins(); n != 1 {
		t.Fatalf("%d logins for two reads, want 1 (the token is reused)", n)
	}
	v.RevokeAll()
	read()
	if n := v.Logins(); n != 2 {
		t.Fatalf("%d logins after the token was revoked, want 2", n)
	}
}

// TestStoreThatDoesNotAnswer: a store that accepts the connection and never
// answers fails the read once the resolver's timeout ends, naming the
// reference, instead of hanging the caller.
func TestStoreThatDoesNotAnswer(t *testing.T) {
	awsEnv(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	t.Setenv("LPOPS_TEST_VAULT_TOKEN", "hvs.any")
	opts := secrets.Options{
		Timeout: 300 * time.Millisecond,
		Vault:   &secrets.VaultOptions{Address: srv.URL, TokenEnv: "LPOPS_TEST_VAULT_TOKEN"},
		SSM:     secrets.SSMOptions{Region: "us-east-1", Endpoint: srv.URL},
	}
	for _, ref := range []string{"vault:secret/lpops#passphrase", "ssm:/lpops/passphrase"} {
		t.Run(strings.Split(ref, ":")[0], func(t *testing.T) {
			_, err := secrets.NewResolver(opts).Resolve(context.Background(), ref)
			t.Log(err)
			if err == nil || !strings.HasPrefix(err.Error(), ref+": ") || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Resolve(%s) error = %v; want the reference and context.DeadlineExceeded", ref, err)
			}
		})
	}
}

// TestSopsKilledAtTimeout: a sops that does not answer within
// secrets.timeout is killed, and the read gives up without waiting for a
// child of it that still holds its output (a key service's helper, say).
func TestSopsKilledAtTimeout(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "child-finished")
	script := filepath.Join(dir, "sops")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n(sleep 8; touch "+marker+") &\nwait\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.enc.yaml"), []byte("a: b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := secrets.NewResolver(secrets.Options{Timeout: 300 * time.Millisecond, Sops: secrets.SopsOptions{Binary: script, BaseDir: dir}})
	_, err := r.Resolve(context.Background(), "sops:s.enc.yaml#a")
	if err == nil || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Fatalf("Resolve = %v; want the timeout", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("Resolve waited for sops' child to finish")
	}
}

// TestSSMRetriesWhatAWSSaysToRetry: a 5xx or ThrottlingException is tried
// again (three tries in all, as the SDK's standard retryer), an answer that
// says the request itself is wrong is not, and the error names AWS' code.
func TestSSMRetriesWhatAWSSaysToRetry(t *testing.T) {
	awsEnv(t)
	ssm := secretstest.NewSSM(t, "us-east-1", "AKIDLPOPSTEST")
	ssm.Put("/lpops/pass", "SecureString", "s3cret-value")
	tests := []struct {
		name     string
		fail     int // answers that fail before the stand-in's own
		status   int
		errType  string
		want     string // "" means the value is read
		wantSeen int
	}{
		{"TwoServerErrorsThenTheValue", 2, 500, "InternalServerError", "", 3},
		{"ThrottledThreeTimes", 3, 400, "ThrottlingException", "GetParameter: ThrottlingException (Rate exceeded)", 3},
		{"AccessDeniedOnce", 1, 400, "AccessDeniedException", "GetParameter: AccessDeniedException (Rate exceeded)", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen atomic.Int32
			target, _ := url.Parse(ssm.URL)
			proxy := httputil.NewSingleHostReverseProxy(target)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if int(seen.Add(1)) <= tc.fail {
					w.Header().Set("Content-Type", "application/x-amz-json-1.1")
					w.WriteHeader(tc.status)
					fmt.Fprintf(w, `{"__type":"com.amazonaws.ssm#%s","message":"Rate exceeded"}`, tc.errType)
					return
				}
				proxy.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			r := secrets.NewResolver(secrets.Options{SSM: secrets.SSMOptions{Region: "us-east-1", Endpoint: srv.URL}})
			v, err := r.Resolve(context.Background(), "ssm:/lpops/pass")
			switch {
			case tc.want == "" && (err != nil || string(v) != "s3cret-value"):
				t.Fatalf("Resolve = %q, %v; want the value", v, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Resolve = %v; want an error containing %q", err, tc.want)
			}
			if n := int(seen.Load()); n != tc.wantSeen {
				t.Errorf("the endpoint saw %d requests, want %d", n, tc.wantSeen)
			}
		})
	}
}
