package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a destination directory on this host. Archives are written 0600
// through a temporary file and a rename, so a crash leaves no partial one
// under a backup's name.
type Dir struct{ Path string }

var _ Target = (*Dir)(nil)

func (d *Dir) String() string { return d.Path }

// Put writes name into the directory (created 0700).
func (d *Dir) Put(_ context.Context, name string, b []byte) error {
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return fmt.Errorf("backup directory: %w", err)
	}
	return WriteFileAtomic(filepath.Join(d.Path, name), b)
}

// WriteFileAtomic writes b to path, mode 0600, through a temporary file in
// the same directory, synced before the rename.
func WriteFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lpops-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Get opens name.
func (d *Dir) Get(_ context.Context, name string) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(d.Path, filepath.Base(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s in %s: %w", name, d.Path, ErrNoObject)
	}
	return f, err
}

// List returns the directory's backups (files ObjectName made), oldest
// first; a missing directory has none.
func (d *Dir) List(context.Context) ([]Object, error) {
	des, err := os.ReadDir(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Object
	for _, de := range des {
		t, ok := ParseObjectName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue
		}
		out = append(out, Object{Name: de.Name(), Size: fi.Size(), Time: t})
	}
	sortObjects(out)
	return out, nil
}

// Delete removes name.
func (d *Dir) Delete(_ context.Context, name string) error {
	err := os.Remove(filepath.Join(d.Path, filepath.Base(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
