package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Backup configures lpops' encrypted backups of the host's identity and
// state (internal/backup): where they go, who can decrypt them, how often
// the daemon makes one and how many it keeps. An empty Destination means
// the daemon makes none (`lpops backup create --to` still works).
type Backup struct {
	// Destination is s3://bucket[/prefix] or a local directory.
	Destination string `yaml:"destination"`
	// Recipients are age public keys (age1…) or SSH public keys
	// (ssh-ed25519 …, ssh-rsa …) the archive is encrypted to; public keys,
	// so they may sit in the file. RecipientsFile adds those of a file,
	// one a line.
	Recipients     List   `yaml:"recipients"`
	RecipientsFile string `yaml:"recipients_file"`
	// Interval is the time between the daemon's backups.
	Interval Duration `yaml:"interval"`
	// Keep is how many backups to keep in Destination (0: no count limit);
	// MaxAge drops those older (0: no age limit). The newest is always kept.
	Keep   int      `yaml:"keep"`
	MaxAge Duration `yaml:"max_age"`
	// StaleAfter is when BackupStale fires and doctor fails: no successful
	// backup for this long. 0: twice Interval.
	StaleAfter Duration `yaml:"stale_after"`
	// NodeKeystore is go-livepeer's keystore (a directory or one key file,
	// usually host.node.keystore_path) to include; empty: none. The daemon
	// must be able to read it.
	NodeKeystore string `yaml:"node_keystore"`
	// RenderedDir is the directory `lpops render --out` wrote, included
	// when set.
	RenderedDir string `yaml:"rendered_dir"`
	// S3 configures an s3:// destination.
	S3 BackupS3 `yaml:"s3"`
}

// BackupS3 is the S3-compatible server of an s3:// destination. Credentials
// come from the two files, else the environment (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY), the shared credentials file or the instance role;
// never from the command line.
type BackupS3 struct {
	// Endpoint is http(s)://host[:port]; empty: AWS S3 in Region.
	Endpoint            string `yaml:"endpoint"`
	Region              string `yaml:"region"`
	AccessKeyIDFile     string `yaml:"access_key_id_file"`
	SecretAccessKeyFile string `yaml:"secret_access_key_file"`
}

// DefaultBackup is the backup section a file leaves out.
func DefaultBackup() Backup {
	return Backup{Interval: Duration{6 * time.Hour}, Keep: 28}
}

// Enabled reports whether the daemon makes backups.
func (b Backup) Enabled() bool { return b.Destination != "" }

// Stale is how long without a successful backup makes backups stale.
func (b Backup) Stale() time.Duration {
	if b.StaleAfter.Duration > 0 {
		return b.StaleAfter.Duration
	}
	return 2 * b.Interval.Duration
}

// S3Credentials reads the access key pair from the files, if named. Errors
// name the field, never the content.
func (b BackupS3) S3Credentials() (id, secret string, err error) {
	if b.AccessKeyIDFile == "" {
		return "", "", nil
	}
	idb, err := ReadSecretFile("backup.s3.access_key_id_file", b.AccessKeyIDFile)
	if err != nil {
		return "", "", err
	}
	sb, err := ReadSecretFile("backup.s3.secret_access_key_file", b.SecretAccessKeyFile)
	if err != nil {
		return "", "", err
	}
	return string(idb), string(sb), nil
}

func (b *Backup) resolvePaths(abs func(*string)) {
	if !strings.Contains(b.Destination, "://") {
		abs(&b.Destination)
	}
	abs(&b.RecipientsFile)
	abs(&b.NodeKeystore)
	abs(&b.RenderedDir)
	abs(&b.S3.AccessKeyIDFile)
	abs(&b.S3.SecretAccessKeyFile)
}

func (v *validator) backup(b Backup) {
	if d := b.Destination; d != "" && strings.Contains(d, "://") {
		u, err := url.Parse(d)
		if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil || u.RawQuery != "" {
			v.add("backup.destination", d, "must be s3://bucket[/prefix] or a local directory")
		}
	}
	if b.Destination != "" && len(b.Recipients.Items) == 0 && b.RecipientsFile == "" {
		v.add("backup.recipients", "", "is required with backup.destination: the age or SSH public keys that can decrypt the backups")
	}
	for i, r := range b.Recipients.Items {
		r = strings.TrimSpace(r)
		if !strings.HasPrefix(r, "age1") && !strings.HasPrefix(r, "ssh-") {
			v.add(fmt.Sprintf("backup.recipients[%d]", i), shorten(r), "must be an age public key (age1…) or an SSH public key (ssh-ed25519 …); never a secret key")
		}
	}
	if b.Destination != "" {
		v.positive("backup.interval", b.Interval)
	}
	if b.Keep < 0 {
		v.add("backup.keep", fmt.Sprint(b.Keep), "must be 0 (no limit) or more")
	}
	if b.MaxAge.Duration < 0 {
		v.add("backup.max_age", b.MaxAge.String(), "must be 0 (no limit) or more")
	}
	if b.StaleAfter.Duration < 0 {
		v.add("backup.stale_after", b.StaleAfter.String(), "must be 0 (twice interval) or more")
	}
	if b.MaxAge.Duration > 0 && b.MaxAge.Duration < b.Interval.Duration {
		v.add("backup.max_age", b.MaxAge.String(), "must be at least backup.interval, or every backup but the newest is dropped")
	}
	if e := b.S3.Endpoint; e != "" {
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
			v.add("backup.s3.endpoint", e, "must be http(s)://host[:port] without credentials")
		}
	}
	if (b.S3.AccessKeyIDFile == "") != (b.S3.SecretAccessKeyFile == "") {
		v.add("backup.s3", "", "set both access_key_id_file and secret_access_key_file, or neither (then the environment or instance role)")
	}
}

// shorten cuts a value shown in an error: a pasted secret key is not
// echoed whole.
func shorten(s string) string {
	if len(s) > 12 {
		return s[:8] + "…"
	}
	return s
}
