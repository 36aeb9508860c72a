package secrets

import (
	"fmt"
	"io"
	"os"
)

// ReadSecretFile reads a file holding a credential (a Vault token, an
// AppRole secret id, an age identity), refusing one that group or others may
// read or write. lpops' configuration passes its own reader, which also
// accepts systemd's credentials directory; this is the default for a
// Resolver built without one. Errors start with key and name the file,
// never what it holds.
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
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%s: %s is accessible to group or others (mode %04o); run chmod 600 %s", key, path, perm, path)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return b, nil
}
