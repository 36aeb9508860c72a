package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCredentialPath(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		path   string
		dir    string
		credir string // $CREDENTIALS_DIRECTORY
		want   string
	}{
		{name: "FromCredentialsDir", path: CredentialsPrefix + "passphrase", dir: dir, want: filepath.Join(dir, "passphrase")},
		{name: "InsideTheUnit", path: CredentialsPrefix + "passphrase", dir: dir, credir: CredentialsPrefix, want: CredentialsPrefix + "passphrase"},
		{name: "NoCredentialsDir", path: CredentialsPrefix + "passphrase", want: CredentialsPrefix + "passphrase"},
		{name: "OtherPath", path: "/etc/lpops/passphrase", dir: dir, want: "/etc/lpops/passphrase"},
		{name: "PrefixAlone", path: CredentialsPrefix, dir: dir, want: CredentialsPrefix},
		{name: "OtherUnit", path: "/run/credentials/livepeer.service/passphrase", dir: dir, want: "/run/credentials/livepeer.service/passphrase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CREDENTIALS_DIRECTORY", tt.credir)
			if got := CredentialPath(tt.path, tt.dir); got != tt.want {
				t.Errorf("CredentialPath(%q, %q) = %q; want %q", tt.path, tt.dir, got, tt.want)
			}
		})
	}
}

// TestMapCredentialsEveryFile sets every *_file key of the configuration
// (but the host's, which name files on the rendered host) to a credential
// and wants each read from the credentials directory, so that a file key
// added later cannot be forgotten.
func TestMapCredentialsEveryFile(t *testing.T) {
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	dir := t.TempDir()
	c := Default()
	c.RPC = make([]Endpoint, 1)
	c.Alerts.Channels = make([]Channel, 1)
	c.Signer.Keystore = CredentialsPrefix + "keystore"
	c.Host.Lpops.CredentialsDir = dir
	var keys []string
	fileFields(reflect.ValueOf(&c).Elem(), "", func(key string, v reflect.Value) {
		v.SetString(CredentialsPrefix + key)
		keys = append(keys, key)
	})
	if len(keys) < 10 {
		t.Fatalf("found only %d file keys: %v", len(keys), keys)
	}
	if n := c.MapCredentials(); n != len(keys)+1 { // and signer.keystore
		t.Errorf("MapCredentials rewrote %d paths; want %d", n, len(keys)+1)
	}
	if want := filepath.Join(dir, "keystore"); c.Signer.Keystore != want {
		t.Errorf("signer.keystore = %q; want %q", c.Signer.Keystore, want)
	}
	fileFields(reflect.ValueOf(&c).Elem(), "", func(key string, v reflect.Value) {
		if want := filepath.Join(dir, key); v.String() != want {
			t.Errorf("%s = %q; want %q", key, v.String(), want)
		}
	})
}

// fileFields calls f with every string field of v, outside host, whose key
// ends in _file, and its key path.
func fileFields(v reflect.Value, path string, f func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() || (path == "" && yamlKey(sf) == "host") {
				continue
			}
			fileFields(v.Field(i), joinPath(path, yamlKey(sf)), f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			fileFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.String:
		if strings.HasSuffix(path, "_file") {
			f(path, v)
		}
	}
}

func TestMapCredentialsKeepsExistingFiles(t *testing.T) {
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	existing := filepath.Join(t.TempDir(), "passphrase")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Host.Lpops.CredentialsDir = t.TempDir()
	c.Signer.PassphraseFile = existing
	c.MapCredentials()
	if c.Signer.PassphraseFile != existing {
		t.Errorf("signer.passphrase_file = %q; want %q kept", c.Signer.PassphraseFile, existing)
	}
}
