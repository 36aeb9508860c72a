package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEndpointURLs(t *testing.T) {
	const key = "https://arb-mainnet.g.alchemy.com/v2/sekrit-api-key"
	tests := []struct {
		name    string
		env     string // value of LPOPS_TEST_RPC; "-" leaves it unset
		file    string // content of the url_file; "-" for no file
		rpc     func(file string) []Endpoint
		want    []ResolvedEndpoint
		wantErr string
	}{
		{
			name: "AllSources", env: "  " + key + "\n", file: "\n ws://10.0.0.2:8546/ws \n",
			rpc: func(file string) []Endpoint {
				return []Endpoint{
					{URL: "http://127.0.0.1:8545"},
					{URLEnv: "LPOPS_TEST_RPC"},
					{Name: "backup", URLFile: file},
					{URL: "/run/geth.ipc"},
				}
			},
			want: []ResolvedEndpoint{
				{Name: "http://127.0.0.1:8545", URL: "http://127.0.0.1:8545"},
				{Name: "env:LPOPS_TEST_RPC", URL: key},
				{Name: "backup", URL: "ws://10.0.0.2:8546/ws"},
				{Name: "ipc:geth.ipc", URL: "/run/geth.ipc"},
			},
		},
		{
			name: "EnvUnset", env: "-", file: "-",
			rpc:     func(string) []Endpoint { return []Endpoint{{URLEnv: "LPOPS_TEST_RPC"}} },
			wantErr: "rpc[0].url_env: environment variable LPOPS_TEST_RPC is not set or empty",
		},
		{
			name: "FileMissing", env: "-", file: "-",
			rpc:     func(string) []Endpoint { return []Endpoint{{URL: "http://a:1"}, {URLFile: "/nonexistent/lpops-rpc"}} },
			wantErr: "rpc[1].url_file: open /nonexistent/lpops-rpc: no such file or directory",
		},
		{
			name: "FileEmpty", env: "-", file: " \n",
			rpc:     func(file string) []Endpoint { return []Endpoint{{URLFile: file}} },
			wantErr: "is empty",
		},
		{
			name: "FileHoldsNoURLAndIsNotEchoed", env: "-", file: "sekrit-api-key\n",
			rpc:     func(file string) []Endpoint { return []Endpoint{{URLFile: file}} },
			wantErr: "must be an http, https, ws or wss URL",
		},
		{
			name: "EnvHoldsBadSchemeAndIsNotEchoed", env: "ftp://host/sekrit-api-key", file: "-",
			rpc:     func(string) []Endpoint { return []Endpoint{{URLEnv: "LPOPS_TEST_RPC"}} },
			wantErr: "rpc[0].url_env: the URL in LPOPS_TEST_RPC must be",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "-" {
				t.Setenv("LPOPS_TEST_RPC", tt.env)
			}
			var file string
			if tt.file != "-" {
				file = writeFile(t, tt.file)
			}
			c := &Config{RPC: tt.rpc(file)}
			got, err := c.EndpointURLs()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("EndpointURLs() error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sekrit") {
					t.Errorf("error %q reveals the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EndpointURLs() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPassphrase(t *testing.T) {
	const pass = "correct horse battery staple"
	tests := []struct {
		name    string
		env     string // value of LPOPS_TEST_PASS; "-" leaves it unset
		file    string // passphrase file content; "-" for none
		useEnv  bool
		want    string
		wantErr string
	}{
		{name: "FileStripsOneNewline", env: "-", file: pass + "\n", want: pass},
		{name: "FileStripsCRLF", env: "-", file: pass + "\r\n", want: pass},
		{name: "FileKeepsOtherWhitespace", env: "-", file: " " + pass + "\n\n", want: " " + pass + "\n"},
		{name: "FileWithoutNewline", env: "-", file: pass, want: pass},
		{name: "Env", env: pass + "\n", file: "-", useEnv: true, want: pass},
		{name: "FileEmpty", env: "-", file: "\n", wantErr: "signer.passphrase_file: "},
		{name: "EnvUnset", env: "-", file: "-", useEnv: true,
			wantErr: "signer.passphrase_env: environment variable LPOPS_TEST_PASS is not set or empty"},
		{name: "NoSource", env: "-", file: "-", wantErr: "signer: no passphrase source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Signer
			if tt.env != "-" {
				t.Setenv("LPOPS_TEST_PASS", tt.env)
			}
			if tt.useEnv {
				s.PassphraseEnv = "LPOPS_TEST_PASS"
			}
			if tt.file != "-" {
				s.PassphraseFile = writeFile(t, tt.file)
			}
			got, err := s.Passphrase()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Passphrase() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Passphrase() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPassphraseMissingFileNamesOnlyThePath(t *testing.T) {
	_, err := Signer{PassphraseFile: "/nonexistent/lpops-pass"}.Passphrase()
	if want := "signer.passphrase_file: open /nonexistent/lpops-pass: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("Passphrase() error = %v, want %q", err, want)
	}
}

// TestSecretFileMode: a passphrase or token file that group or others may
// read is refused with the chmod to run, except group-read in systemd's
// credentials directory, where LoadCredential= puts them 0400 or 0440.
func TestSecretFileMode(t *testing.T) {
	plain := t.TempDir()
	creds := t.TempDir()
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	for _, tc := range []struct {
		Name    string
		Dir     string
		Mode    os.FileMode
		WantErr bool
	}{
		{"OwnerOnly", plain, 0o600, false},
		{"OwnerReadOnly", plain, 0o400, false},
		{"WorldReadable", plain, 0o644, true},
		{"GroupReadable", plain, 0o640, true},
		{"OthersWritable", plain, 0o602, true},
		{"CredentialOwnerOnly", creds, 0o400, false},
		{"CredentialGroupReadable", creds, 0o440, false},
		{"CredentialGroupWritable", creds, 0o460, true},
		{"CredentialWorldReadable", creds, 0o444, true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			p := filepath.Join(tc.Dir, tc.Name)
			if err := os.WriteFile(p, []byte("hunter2\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tc.Mode); err != nil {
				t.Fatal(err)
			}
			pass, err := Signer{PassphraseFile: p}.Passphrase()
			if !tc.WantErr {
				if err != nil || string(pass) != "hunter2" {
					t.Errorf("Passphrase() = %q, %v; want the passphrase", pass, err)
				}
				return
			}
			want := fmt.Sprintf("signer.passphrase_file: %s is accessible to group or others (mode %04o); run chmod 600 %s", p, tc.Mode, p)
			if err == nil || err.Error() != want {
				t.Errorf("Passphrase() error = %v, want %q", err, want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Error("the error reveals the passphrase")
			}
			// Channel secrets (tokens, webhook secrets) follow the same rule.
			if _, err := readSecretFile("alerts.channels[0].token_file", p); err == nil {
				t.Error("a channel token file with the same mode was accepted")
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	c := &Config{RPC: []Endpoint{
		{URL: "https://arb-mainnet.g.alchemy.com/v2/sekrit"},
		{Name: "mine", URL: "wss://user:sekrit@host:8546"},
		{URLEnv: "LPOPS_RPC"},
	}}
	r := c.Redacted()
	want := []Endpoint{
		{Name: "https://arb-mainnet.g.alchemy.com"},
		{Name: "mine"},
		{Name: "env:LPOPS_RPC", URLEnv: "LPOPS_RPC"},
	}
	if !reflect.DeepEqual(r.RPC, want) {
		t.Errorf("Redacted().RPC = %+v, want %+v", r.RPC, want)
	}
	if c.RPC[0].URL == "" || c.RPC[0].Name != "" {
		t.Errorf("Redacted changed the original: %+v", c.RPC[0])
	}
}
