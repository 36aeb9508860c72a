package secrets

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// VaultOptions configures the Vault store: where it is and how lpops logs
// in. Exactly one of TokenFile, TokenEnv and AppRole is set.
type VaultOptions struct {
	// Address is Vault's base URL, such as https://vault.example.com:8200.
	Address string
	// Namespace is sent as X-Vault-Namespace (Vault Enterprise, HCP).
	Namespace string
	// CAFile is a PEM bundle trusted instead of the system roots.
	CAFile string

	// TokenFile or TokenEnv hold a Vault token (a periodic token, or the
	// sink file Vault Agent keeps fresh: the file is read on every fetch).
	TokenFile string
	TokenEnv  string
	// AppRole logs in with a role id and secret id instead.
	AppRole *AppRoleOptions
}

// AppRoleOptions is AppRole auth: POST /v1/auth/<Mount>/login.
type AppRoleOptions struct {
	// Mount is the auth method's path; "" means approle.
	Mount string
	// RoleID identifies the role. It is not a secret on its own.
	RoleID string
	// SecretIDFile or SecretIDEnv holds the secret id.
	SecretIDFile string
	SecretIDEnv  string
}

// Vault reads KV v2 secrets over Vault's HTTP API.
type Vault struct {
	opts   VaultOptions
	base   *url.URL
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	token    string // AppRole's, while valid
	tokenExp time.Time
}

// NewVault returns the Vault store for opts. It reads the CA file but makes
// no request.
func NewVault(opts VaultOptions) (*Vault, error) {
	u, err := url.Parse(opts.Address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("vault: address must be an http or https URL")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("vault: tls_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("vault: tls_ca_file: %s holds no PEM certificate", opts.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &Vault{
		opts: opts,
		base: u,
		// Redirects are not followed: a redirect would resend the token.
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		now: time.Now,
	}, nil
}

// name is how errors show the store: its address without any user info.
func (v *Vault) name() string { return "vault " + v.base.Scheme + "://" + v.base.Host }

// Fetch reads ref's key from the latest version of a KV v2 secret.
func (v *Vault) Fetch(ctx context.Context, ref Ref) ([]byte, error) {
	tok, err := v.loginToken(ctx)
	if err != nil {
		return nil, err
	}
	body, status, err := v.get(ctx, ref, tok)
	if err == nil && status == http.StatusForbidden && v.opts.AppRole != nil {
		// The AppRole token may have been revoked or reached its max TTL
		// early: log in again once.
		v.dropToken(tok)
		if tok, err = v.loginToken(ctx); err != nil {
			return nil, err
		}
		body, status, err = v.get(ctx, ref, tok)
	}
	if err != nil {
		return nil, err
	}
	defer clear(body)
	if status != http.StatusOK {
		return nil, v.statusError("read", status, body)
	}
	var resp struct {
		Data *struct {
			Data map[string]any `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("%s: read: the answer is not a KV v2 secret (is %s a KV version 2 mount?)", v.name(), ref.Mount)
	}
	if resp.Data == nil {
		return nil, fmt.Errorf("%s: read: the answer is not a KV v2 secret (is %s a KV version 2 mount?)", v.name(), ref.Mount)
	}
	if resp.Data.Data == nil {
		return nil, fmt.Errorf("%s: the latest version of %s/%s is deleted or destroyed", v.name(), ref.Mount, ref.Path)
	}
	val, ok := resp.Data.Data[ref.Key]
	if !ok {
		return nil, fmt.Errorf("%s: %s/%s has no key %q", v.name(), ref.Mount, ref.Path, ref.Key)
	}
	s, ok := val.(string)
	if !ok {
		return nil, fmt.Errorf("%s: %s/%s key %q is not a string", v.name(), ref.Mount, ref.Path, ref.Key)
	}
	return []byte(s), nil
}

// get sends GET /v1/<mount>/data/<path> and returns the body and status.
func (v *Vault) get(ctx context.Context, ref Ref, tok string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.endpoint(ref.Mount+"/data/"+ref.Path), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", v.name(), err)
	}
	req.Header.Set("X-Vault-Token", tok)
	return v.do(req)
}

func (v *Vault) do(req *http.Request) ([]byte, int, error) {
	if v.opts.Namespace != "" {
		req.Header.Set("X-Vault-Namespace", v.opts.Namespace)
	}
	req.Header.Set("X-Vault-Request", "true")
	resp, err := v.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL; the store's name says where
		}
		return nil, 0, fmt.Errorf("%s: %w", v.name(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: read the answer: %w", v.name(), err)
	}
	return b, resp.StatusCode, nil
}

// endpoint returns the URL of API path p (below /v1/), each segment escaped.
func (v *Vault) endpoint(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := *v.base
	u.User = nil
	u.Path = strings.TrimRight(u.Path, "/") + "/v1/" + strings.Join(segs, "/")
	u.RawPath = ""
	return u.String()
}

// statusError explains a refusal by its status and Vault's error messages
// ({"errors":[...]}), which never hold secret data. Nothing else of the
// body is shown.
func (v *Vault) statusError(op string, status int, body []byte) error {
	var e struct {
		Errors []string `json:"errors"`
	}
	var msgs []string
	if json.Unmarshal(body, &e) == nil {
		for _, m := range e.Errors {
			if len(msgs) == 3 {
				break
			}
			if m = strings.TrimSpace(m); m != "" {
				if len(m) > 200 {
					m = m[:200] + "..."
				}
				msgs = append(msgs, m)
			}
		}
	}
	hint := ""
	switch status {
	case http.StatusNotFound:
		hint = ": no such secret (or no KV v2 mount at that path)"
	case http.StatusForbidden:
		hint = ": permission denied; check the token and its policy"
	case http.StatusBadRequest:
		if strings.HasSuffix(op, "login") {
			hint = ": check the role id and secret id"
		}
	case http.StatusServiceUnavailable:
		hint = ": Vault is sealed or in maintenance"
	}
	if len(msgs) > 0 {
		hint += " (" + strings.Join(msgs, "; ") + ")"
	}
	return fmt.Errorf("%s: %s: HTTP %d%s", v.name(), op, status, hint)
}

// loginToken returns the token to send: the static token read now, or the
// AppRole token, logging in when there is none or it is about to expire.
func (v *Vault) loginToken(ctx context.Context) (string, error) {
	o := v.opts
	switch {
	case o.TokenFile != "":
		b, err := ReadSecretFile("secrets.vault.token_file", o.TokenFile)
		if err != nil {
			return "", fmt.Errorf("%s: %w", v.name(), err)
		}
		tok := strings.TrimSpace(string(b))
		clear(b)
		if tok == "" {
			return "", fmt.Errorf("%s: secrets.vault.token_file: %s is empty", v.name(), o.TokenFile)
		}
		return tok, nil
	case o.TokenEnv != "":
		tok := strings.TrimSpace(os.Getenv(o.TokenEnv))
		if tok == "" {
			return "", fmt.Errorf("%s: secrets.vault.token_env: environment variable %s is not set or empty", v.name(), o.TokenEnv)
		}
		return tok, nil
	case o.AppRole != nil:
		return v.appRoleToken(ctx)
	}
	return "", fmt.Errorf("%s: %w: no token_file, token_env or approle", v.name(), ErrNotConfigured)
}

func (v *Vault) appRoleToken(ctx context.Context) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.token != "" && v.now().Before(v.tokenExp) {
		return v.token, nil
	}
	a := v.opts.AppRole
	var sid []byte
	switch {
	case a.SecretIDFile != "":
		b, err := ReadSecretFile("secrets.vault.approle.secret_id_file", a.SecretIDFile)
		if err != nil {
			return "", fmt.Errorf("%s: %w", v.name(), err)
		}
		sid = bytes.TrimSpace(b)
	case a.SecretIDEnv != "":
		sid = []byte(strings.TrimSpace(os.Getenv(a.SecretIDEnv)))
	}
	if len(sid) == 0 {
		return "", fmt.Errorf("%s: approle: the secret id (secret_id_file or secret_id_env) is missing or empty", v.name())
	}
	reqBody, _ := json.Marshal(map[string]string{"role_id": a.RoleID, "secret_id": string(sid)})
	clear(sid)
	defer clear(reqBody)
	mount := a.Mount
	if mount == "" {
		mount = "approle"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.endpoint("auth/"+strings.Trim(mount, "/")+"/login"), bytes.NewReader(reqBody))
	if err != nil {
		return "", fmt.Errorf("%s: %w", v.name(), err)
	}
	req.Header.Set("Content-Type", "application/json")
	body, status, err := v.do(req)
	if err != nil {
		return "", fmt.Errorf("approle login: %w", err)
	}
	defer clear(body)
	if status != http.StatusOK {
		return "", v.statusError("approle login", status, body)
	}
	var resp struct {
		Auth *struct {
			ClientToken   string `json:"client_token"`
			LeaseDuration int64  `json:"lease_duration"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || resp.Auth == nil || resp.Auth.ClientToken == "" {
		return "", fmt.Errorf("%s: approle login: the answer holds no auth.client_token", v.name())
	}
	v.token = resp.Auth.ClientToken
	// Use the token for at most 80% of its lease (0: no expiry, as for a
	// root-issued periodic token), then log in again.
	ttl := time.Duration(resp.Auth.LeaseDuration) * time.Second * 8 / 10
	if ttl <= 0 {
		ttl = time.Hour
	}
	v.tokenExp = v.now().Add(ttl)
	return v.token, nil
}

// dropToken forgets the AppRole token tok after Vault refused it.
func (v *Vault) dropToken(tok string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.token == tok {
		v.token = ""
	}
}
