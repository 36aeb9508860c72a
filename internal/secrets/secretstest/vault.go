package secretstest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Vault is a stand-in for a HashiCorp Vault server: the Vault binary does
// not build from the Go module proxy (its go.mod replaces its api and sdk
// modules with local directories, so `go install` refuses it), and no
// Vault server can be reached from the test machines. It follows Vault's
// documented HTTP API (developer.hashicorp.com/vault/api-docs):
//
//   - KV v2 at the mount "secret", as `vault server -dev` has it:
//     POST|PUT /v1/secret/data/<path> with {"data":{...}} writes a version,
//     GET /v1/secret/data/<path> answers
//     {"request_id":..,"lease_id":"","renewable":false,"lease_duration":0,
//     "data":{"data":{...},"metadata":{"created_time":..,"custom_metadata":null,
//     "deletion_time":"","destroyed":false,"version":N}},"wrap_info":null,
//     "warnings":null,"auth":null}, or 404 {"errors":[]} when there is none;
//   - AppRole: POST /v1/auth/approle/login with {"role_id","secret_id"}
//     answers {"auth":{"client_token":..,"accessor":..,"policies":[..],
//     "token_policies":[..],"lease_duration":N,"renewable":true,..}}, or
//     400 {"errors":["invalid role or secret ID"]};
//   - the token travels in X-Vault-Token; a missing, unknown or revoked one
//     gets 403 {"errors":["permission denied"]}. X-Vault-Namespace, when a
//     namespace is set, must match it (a request to another namespace finds
//     nothing there: 403, as Vault answers for a path no policy grants).
type Vault struct {
	URL       string
	RootToken string
	RoleID    string
	SecretID  string
	// TokenTTL is the lease_duration AppRole logins get, in seconds.
	TokenTTL int

	srv       *httptest.Server
	namespace string

	mu     sync.Mutex
	tokens map[string]bool
	data   map[string]kvSecret
	logins int
}

type kvSecret struct {
	data    map[string]any
	version int
	created time.Time
}

// NewVault starts the stand-in. namespace is "" for none.
func NewVault(t testing.TB, namespace string) *Vault {
	t.Helper()
	v := &Vault{
		RootToken: "hvs." + randHex(12),
		RoleID:    randUUID(),
		SecretID:  randUUID(),
		TokenTTL:  3600,
		namespace: namespace,
		tokens:    map[string]bool{},
		data:      map[string]kvSecret{},
	}
	v.tokens[v.RootToken] = true
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(v.srv.Close)
	v.URL = v.srv.URL
	return v
}

// Put writes a KV v2 secret as `vault kv put -mount=secret path k=v` does.
func (v *Vault) Put(path string, data map[string]any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.data[path]
	v.data[path] = kvSecret{data: data, version: s.version + 1, created: time.Now().UTC()}
}

// RevokeAll revokes every token but the root token, as when AppRole
// tokens reach their max TTL.
func (v *Vault) RevokeAll() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for tok := range v.tokens {
		if tok != v.RootToken {
			delete(v.tokens, tok)
		}
	}
}

// Logins is how many successful AppRole logins the stand-in answered.
func (v *Vault) Logins() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.logins
}

func (v *Vault) serve(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if r.Header.Get("X-Vault-Namespace") != v.namespace {
		writeErrors(w, http.StatusForbidden, "permission denied")
		return
	}
	if r.URL.Path == "/v1/auth/approle/login" {
		v.login(w, r)
		return
	}
	if !v.tokens[r.Header.Get("X-Vault-Token")] {
		writeErrors(w, http.StatusForbidden, "permission denied")
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/secret/data/")
	if !ok || path == "" {
		writeErrors(w, http.StatusNotFound, "no handler for route \""+strings.TrimPrefix(r.URL.Path, "/v1/")+"\". route entry not found.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		s, ok := v.data[path]
		if !ok {
			writeErrors(w, http.StatusNotFound)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"request_id": randUUID(), "lease_id": "", "renewable": false, "lease_duration": 0,
			"data": map[string]any{
				"data": s.data,
				"metadata": map[string]any{
					"created_time": s.created.Format(time.RFC3339Nano), "custom_metadata": nil,
					"deletion_time": "", "destroyed": false, "version": s.version,
				},
			},
			"wrap_info": nil, "warnings": nil, "auth": nil, "mount_type": "kv",
		})
	case http.MethodPost, http.MethodPut:
		var body struct {
			Data map[string]any `json:"data"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Data == nil {
			writeErrors(w, http.StatusBadRequest, "no data provided")
			return
		}
		s := v.data[path]
		s = kvSecret{data: body.Data, version: s.version + 1, created: time.Now().UTC()}
		v.data[path] = s
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
			"created_time": s.created.Format(time.RFC3339Nano), "custom_metadata": nil,
			"deletion_time": "", "destroyed": false, "version": s.version,
		}})
	default:
		writeErrors(w, http.StatusMethodNotAllowed, "1 error occurred:\n\t* unsupported operation\n\n")
	}
}

func (v *Vault) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		writeErrors(w, http.StatusMethodNotAllowed, "1 error occurred:\n\t* unsupported operation\n\n")
		return
	}
	var body struct {
		RoleID   string `json:"role_id"`
		SecretID string `json:"secret_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, http.StatusBadRequest, "failed to parse JSON input")
		return
	}
	if body.RoleID == "" {
		writeErrors(w, http.StatusBadRequest, "missing role_id")
		return
	}
	if body.RoleID != v.RoleID || body.SecretID != v.SecretID {
		writeErrors(w, http.StatusBadRequest, "invalid role or secret ID")
		return
	}
	tok := "hvs." + randHex(12)
	v.tokens[tok] = true
	v.logins++
	writeJSON(w, http.StatusOK, map[string]any{
		"request_id": randUUID(), "lease_id": "", "renewable": false, "lease_duration": 0,
		"data": nil, "wrap_info": nil, "warnings": nil,
		"auth": map[string]any{
			"client_token": tok, "accessor": randHex(12),
			"policies": []string{"default", "lpops"}, "token_policies": []string{"default", "lpops"},
			"metadata": map[string]string{"role_name": "lpops"}, "lease_duration": v.TokenTTL,
			"renewable": true, "entity_id": randUUID(), "token_type": "service", "orphan": true,
			"mfa_requirement": nil, "num_uses": 0,
		},
	})
}

func writeErrors(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	writeJSON(w, status, map[string]any{"errors": msgs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randUUID() string {
	h := randHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
