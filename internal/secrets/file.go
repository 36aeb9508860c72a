package secrets

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// credentialsDir is where systemd's LoadCredential= and SetCredential= put a
// unit's credentials (also named by $CREDENTIALS_DIRECTORY).
const credentialsDir = "/run/credentials/"

// ReadSecretFile reads the secret file at path (a passphrase, a token, a
// Vault secret id, an age identity), refusing one that others than its
// owner may read or write: any permission bit for others, or for the group,
// fails with the chmod to run. One exception: a file in systemd's
// credentials directory (/run/credentials/<unit>/ or $CREDENTIALS_DIRECTORY)
// may be group-readable (systemd makes credentials 0400 or, for a unit whose
// user reaches them through the group, 0440), since only the unit can enter
// that directory. Errors start with key and name the file, never what it
// holds. It is config.ReadSecretFile's twin: the configuration package
// does not import this one (see config.SecretStores), and this one does not
// import the configuration.
func ReadSecretFile(key, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	perm := fi.Mode().Perm()
	allowed := os.FileMode(0o700)
	if inCredentialsDir(path) {
		allowed |= 0o040
	}
	if perm&^allowed != 0 {
		return nil, fmt.Errorf("%s: %s is accessible to group or others (mode %04o); run chmod 600 %s", key, path, perm, path)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return b, nil
}

func inCredentialsDir(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if strings.HasPrefix(abs, credentialsDir) {
		return true
	}
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	return dir != "" && strings.HasPrefix(abs, filepath.Clean(dir)+string(filepath.Separator))
}
