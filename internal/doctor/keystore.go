package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
)

// credentialSource maps a path lpops reads inside lpops.service to the file
// on the host it comes from: lpops render loads NAME under
// /run/credentials/lpops.service/ from host.lpops.credentials_dir/NAME, and
// the /run copy exists only for the running service. isCred reports whether
// p was such a path.
func (d *Doctor) credentialSource(p string) (src string, isCred bool) {
	return config.CredentialSource(p, d.cfg.Host.Lpops.CredentialsDir)
}

// secretFile is a key or passphrase file whose ownership and mode are
// audited.
type secretFile struct {
	key  string // configuration key naming it
	path string // on the host
	// owner is the user that must own it: the service's user, or root for
	// a credential systemd loads.
	owner string
	// privateDir: the directory holding it must be 0700 (a keystore
	// directory, the credentials directory).
	privateDir bool
	// mayBeDir: path may be a directory of key files (-ethKeystorePath).
	mayBeDir bool
	// required: missing fails (lpops needs it to sign) rather than warns.
	required bool
}

func (d *Doctor) secretFiles() []secretFile {
	c, h := d.cfg, d.cfg.Host
	var out []secretFile
	add := func(key, p string) {
		if p == "" {
			return
		}
		src, cred := d.credentialSource(p)
		f := secretFile{key: key, path: src, owner: h.Lpops.User, required: true, privateDir: cred}
		if cred {
			f.owner = "root"
		}
		out = append(out, f)
	}
	add("signer.keystore", c.Signer.Keystore)
	add("signer.passphrase_file", c.Signer.PassphraseFile)
	if c.Signer.Kind == config.SignerKindClef {
		// clef.service reads its master password from this root-only
		// credential (lpops render); with it and clef's home, the key signs.
		out = append(out, secretFile{key: "signer.clef (clef master password)", owner: "root", privateDir: true, required: true,
			path: strings.TrimSuffix(h.Lpops.CredentialsDir, "/") + "/" + render.ClefMasterCredential})
	}
	// The secret stores' own credentials unlock the passphrase as surely.
	add("secrets.vault.token_file", c.Secrets.Vault.TokenFile)
	add("secrets.vault.approle.secret_id_file", c.Secrets.Vault.AppRole.SecretIDFile)
	add("secrets.sops.age_key_file", c.Secrets.Sops.AgeKeyFile)
	out = append(out,
		secretFile{key: "host.node.keystore_path", path: h.Node.KeystorePath, owner: h.Node.User, privateDir: true, mayBeDir: true},
		secretFile{key: "host.node.passphrase_credential", path: h.Node.PassphraseCredential, owner: "root", privateDir: true},
	)
	return out
}

// checkKeystore audits each keystore and passphrase file: readable and
// writable by its owner only (0600 or 0400), owned by the user that reads it,
// in a directory no one else can list (0700) where the policy says so.
func (d *Doctor) checkKeystore(_ context.Context, _ *runEnv) []Finding {
	var out []Finding
	for _, s := range d.secretFiles() {
		out = append(out, d.auditSecretFile(s))
	}
	return out
}

func (d *Doctor) auditSecretFile(s secretFile) Finding {
	f := Finding{Check: CheckKeystore, Subject: s.key}
	wantUID, uerr := d.sys.LookupUser(s.owner)
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.Status, f.Evidence = Warn, s.path+" does not exist"
		f.Fix = "install it at " + s.path + ", or correct " + s.key
		if s.required {
			f.Status = Fail
		}
		return f
	case err != nil:
		f.Status, f.Evidence, f.Fix = Warn, "cannot inspect: "+shortErr(err), d.unreadableFix("check "+s.path+" and the directories above it")
		return f
	}

	var problems, fixes, seen []string
	ownerGroup := s.owner + ":" + s.owner
	if uerr != nil {
		problems = append(problems, fmt.Sprintf("user %s does not exist on this host", s.owner))
		fixes = append(fixes, "useradd --system --user-group "+s.owner)
	}
	inspect := func(path string, fi fs.FileInfo, isDir bool) {
		uid := fileUID(fi)
		mode := fi.Mode().Perm()
		seen = append(seen, fmt.Sprintf("%s %04o %s", path, mode, d.sys.UserName(uid)))
		if uerr == nil && uid != wantUID {
			problems = append(problems, fmt.Sprintf("%s is owned by %s, not %s", path, d.sys.UserName(uid), s.owner))
			fixes = append(fixes, "chown "+ownerGroup+" "+path)
		}
		switch {
		case isDir && mode&0o077 != 0:
			problems = append(problems, fmt.Sprintf("directory %s is mode %04o: others may list or change the keys in it", path, mode))
			fixes = append(fixes, "chmod 700 "+path)
		case !isDir && mode&0o177 != 0:
			problems = append(problems, fmt.Sprintf("%s is mode %04o: %s", path, mode, modeRisk(mode)))
			fixes = append(fixes, "chmod 600 "+path)
		}
	}

	switch {
	case fi.IsDir() && s.mayBeDir:
		inspect(s.path, fi, true)
		entries, err := os.ReadDir(s.path)
		if err != nil {
			f.Status, f.Evidence, f.Fix = Warn, "cannot list "+s.path+": "+shortErr(err), d.unreadableFix("check "+s.path)
			return f
		}
		for _, e := range entries {
			p := filepath.Join(s.path, e.Name())
			efi, err := os.Stat(p)
			if err != nil || !efi.Mode().IsRegular() {
				continue
			}
			inspect(p, efi, false)
		}
	case fi.IsDir():
		f.Status, f.Evidence, f.Fix = Fail, s.path+" is a directory; "+s.key+" must name a file", "correct "+s.key
		return f
	default:
		inspect(s.path, fi, false)
		dir := filepath.Dir(s.path)
		if dfi, err := os.Stat(dir); err == nil {
			mode := dfi.Mode().Perm()
			switch {
			case s.privateDir && mode&0o077 != 0:
				problems = append(problems, fmt.Sprintf("directory %s is mode %04o, not 0700", dir, mode))
				fixes = append(fixes, "chmod 700 "+dir)
			case mode&0o022 != 0:
				problems = append(problems, fmt.Sprintf("directory %s is mode %04o: others may replace the file", dir, mode))
				fixes = append(fixes, "chmod go-w "+dir)
			}
		}
	}

	if len(problems) == 0 {
		f.Status, f.Evidence = Pass, strings.Join(seen, ", ")
		return f
	}
	f.Status = Fail
	if uerr != nil && len(problems) == 1 {
		f.Status = Warn // only the user is missing: nothing is exposed
	}
	f.Evidence = strings.Join(problems, "; ")
	f.Fix = strings.Join(dedupe(fixes), " && ")
	return f
}

func modeRisk(mode fs.FileMode) string {
	switch {
	case mode&0o004 != 0:
		return "readable by other users"
	case mode&0o040 != 0:
		return "readable by its group"
	case mode&0o022 != 0:
		return "writable by other users"
	}
	return "executable"
}

func fileUID(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// dedupe keeps the first of each string, in order.
func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func baseName(p string) string { return filepath.Base(p) }
