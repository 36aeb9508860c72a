package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHAPassword(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("s3cret-etcd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open")
	if err := os.WriteFile(open, []byte("s3cret-etcd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LPOPS_TEST_ETCD_PASSWORD", "s3cret-etcd")
	tests := []struct {
		name    string
		auth    HAAuth
		want    string
		wantErr string
	}{
		{"File", HAAuth{Username: "lpops", PasswordFile: good}, "s3cret-etcd", ""},
		{"Env", HAAuth{Username: "lpops", PasswordEnv: "LPOPS_TEST_ETCD_PASSWORD"}, "s3cret-etcd", ""},
		{"FileOthersMayRead", HAAuth{Username: "lpops", PasswordFile: open}, "", "ha.auth.password_file"},
		{"EmptyFile", HAAuth{Username: "lpops", PasswordFile: empty}, "", "is empty"},
		{"UnsetEnv", HAAuth{Username: "lpops", PasswordEnv: "LPOPS_TEST_NO_SUCH_VAR"}, "", "LPOPS_TEST_NO_SUCH_VAR is not set"},
		{"NoSource", HAAuth{Username: "lpops"}, "", "no password source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.auth.Password()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Password() = %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret-etcd") {
					t.Errorf("error %q reveals the password", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Password() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestHADefaults(t *testing.T) {
	h := Default().HA
	if h.Enabled() || h.KeyPrefix != "/lpops/" || h.LeaseTTL.Seconds() != 10 {
		t.Errorf("default ha = %+v; want off, /lpops/, 10s", h)
	}
	if n := (HA{Name: "lpops-a"}).InstanceName(); n != "lpops-a" {
		t.Errorf("InstanceName = %q; want lpops-a", n)
	}
	host, _ := os.Hostname()
	if n := (HA{}).InstanceName(); host != "" && n != host {
		t.Errorf("InstanceName without a name = %q; want the host name %q", n, host)
	}
}
