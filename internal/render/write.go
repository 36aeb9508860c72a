package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// ErrNotEmpty is returned by WriteDir for an output directory that already
// holds files, unless told to overwrite.
var ErrNotEmpty = errors.New("output directory is not empty")

// WriteDir writes files under dir, each 0644 (directories 0755), creating dir
// if needed. A non-empty dir is refused unless force is set; with force the
// rendered files are replaced (each written to a temporary file and renamed)
// and other files are left alone. It returns the paths of files in dir that
// this render did not write, such as geth.service from an earlier render
// with geth enabled, so the caller can say so.
func WriteDir(dir string, files []File, force bool) (stale []string, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case len(entries) > 0 && !force:
		return nil, fmt.Errorf("%s: %w; use --force to overwrite the rendered files", dir, ErrNotEmpty)
	}
	written := map[string]bool{}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := replaceFile(p, f.Content); err != nil {
			return nil, err
		}
		written[filepath.Clean(p)] = true
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !written[filepath.Clean(p)] {
			rel, _ := filepath.Rel(dir, p)
			stale = append(stale, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(stale)
	return stale, err
}

// replaceFile replaces p with data, mode 0644 whatever the umask.
func replaceFile(p string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
