package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CredentialsPrefix is where systemd shows lpops.service the credentials it
// loads with LoadCredential=NAME:<host.lpops.credentials_dir>/NAME. The
// directory exists only for the running unit.
const CredentialsPrefix = "/run/credentials/lpops.service/"

// CredentialPath returns the file to read for the secret file p. A path
// under CredentialsPrefix exists only inside the running unit, so a command
// run from a shell reads the file the unit loads it from, dir/NAME, instead:
// when dir is set, $CREDENTIALS_DIRECTORY is unset (systemd sets it inside
// the unit) and p does not exist. Any other path is returned as it is.
func CredentialPath(p, dir string) string {
	src, ok := CredentialSource(p, dir)
	if !ok || dir == "" || os.Getenv("CREDENTIALS_DIRECTORY") != "" {
		return p
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		return p // there, or there but unreadable: the error will say so
	}
	return src
}

// CredentialSource returns the file on the host that systemd loads the
// credential p from, dir/NAME for p = CredentialsPrefix+NAME, and whether p
// is a credential at all. lpops doctor audits that file.
func CredentialSource(p, dir string) (src string, ok bool) {
	name, ok := strings.CutPrefix(p, CredentialsPrefix)
	if !ok || name == "" {
		return p, false
	}
	return filepath.Join(dir, name), true
}

// MapCredentials rewrites, with CredentialPath, every file path of c that
// may name a systemd credential (the keystore, the passphrase file, endpoint
// and heartbeat url_file, every channel's secret files and CA, the API token
// file, the secret stores' token, secret id, CA and age identity files, ha's
// TLS files and password file), taking them from host.lpops.credentials_dir.
// Every command calls it
// after loading the configuration, so that lpops reads the same secrets in a
// shell as in lpops.service; render and doctor, which name the unit's paths,
// do not. It returns how many paths it rewrote.
func (c *Config) MapCredentials() int {
	dir := c.Host.Lpops.CredentialsDir
	n := 0
	m := func(p *string) {
		if q := CredentialPath(*p, dir); q != *p {
			*p = q
			n++
		}
	}
	m(&c.Signer.Keystore)
	m(&c.Signer.PassphraseFile)
	for i := range c.RPC {
		m(&c.RPC[i].URLFile)
	}
	for i := range c.Alerts.Channels {
		ch := &c.Alerts.Channels[i]
		for _, p := range []*string{&ch.URLFile, &ch.SecretFile, &ch.TokenFile, &ch.RoutingKeyFile, &ch.PasswordFile, &ch.TLSCAFile} {
			m(p)
		}
	}
	m(&c.Alerts.Heartbeat.URLFile)
	m(&c.API.TokenFile)
	for _, p := range []*string{&c.HA.TLS.CAFile, &c.HA.TLS.CertFile, &c.HA.TLS.KeyFile, &c.HA.Auth.PasswordFile} {
		m(p)
	}
	m(&c.Backup.RecipientsFile)
	m(&c.Backup.S3.AccessKeyIDFile)
	m(&c.Backup.S3.SecretAccessKeyFile)
	for _, p := range []*string{&c.Secrets.Vault.TokenFile, &c.Secrets.Vault.TLSCAFile, &c.Secrets.Vault.AppRole.SecretIDFile, &c.Secrets.Sops.AgeKeyFile} {
		m(p)
	}
	if n > 0 {
		c.attachSecrets()
	}
	return n
}
