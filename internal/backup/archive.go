package backup

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
)

// MaxFileSize bounds one archived file (and the manifest) when reading: a
// state store larger than this is not one lpops wrote.
const MaxFileSize = 1 << 30

// ErrIntegrity is wrapped by Open's error when an entry is missing, extra or
// does not match the manifest's hash.
var ErrIntegrity = errors.New("archive does not match its manifest")

// Entry is one file to archive: its name inside the archive (the restored
// layout), role, where it came from, and its bytes.
type Entry struct {
	Name     string
	Role     string
	Original string
	Data     []byte
}

// Archive is a decrypted, verified backup.
type Archive struct {
	Manifest Manifest
	// Files maps each manifest file's Name to its bytes.
	Files map[string][]byte
}

// Write encrypts to every recipient a tar stream of the manifest (m, with
// Files filled from entries) followed by the entries, and returns the
// manifest it wrote.
func Write(w io.Writer, recipients []age.Recipient, m Manifest, entries []Entry) (Manifest, error) {
	if len(recipients) == 0 {
		return m, errors.New("no age recipients: the archive would be unreadable")
	}
	m.Format = FormatVersion
	m.Files = nil
	seen := map[string]bool{ManifestName: true}
	for _, e := range entries {
		if err := checkName(e.Name); err != nil {
			return m, err
		}
		if seen[e.Name] {
			return m, fmt.Errorf("two files named %s in one archive", e.Name)
		}
		seen[e.Name] = true
		sum := sha256.Sum256(e.Data)
		m.Files = append(m.Files, File{Name: e.Name, Role: e.Role, Original: e.Original, Size: int64(len(e.Data)), SHA256: hex.EncodeToString(sum[:])})
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return m, fmt.Errorf("age: %w", err)
	}
	tw := tar.NewWriter(enc)
	put := func(name string, b []byte) error {
		h := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := put(ManifestName, mb); err != nil {
		return m, fmt.Errorf("write archive: %w", err)
	}
	for _, e := range entries {
		if err := put(e.Name, e.Data); err != nil {
			return m, fmt.Errorf("write archive: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("write archive: %w", err)
	}
	if err := enc.Close(); err != nil {
		return m, fmt.Errorf("write archive: %w", err)
	}
	return m, nil
}

// checkName refuses names that would escape restore's directory.
func checkName(name string) error {
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "\\") {
		return fmt.Errorf("archive entry %q: must be a clean relative path", name)
	}
	return nil
}

// Open decrypts r with one of identities, reads the whole archive and checks
// every file against the manifest: a file missing, one the manifest does not
// name, or a hash that differs is ErrIntegrity.
func Open(r io.Reader, identities []age.Identity) (*Archive, error) {
	dec, err := age.Decrypt(r, identities...)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	tr := tar.NewReader(dec)
	a := &Archive{Files: map[string][]byte{}}
	var haveManifest bool
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: entry %q is not a regular file", ErrIntegrity, h.Name)
		}
		if err := checkName(h.Name); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrIntegrity, err)
		}
		if h.Size > MaxFileSize {
			return nil, fmt.Errorf("%w: entry %q is %d bytes, above the %d limit", ErrIntegrity, h.Name, h.Size, MaxFileSize)
		}
		b, err := io.ReadAll(io.LimitReader(tr, MaxFileSize+1))
		if err != nil {
			return nil, fmt.Errorf("read archive entry %s: %w", h.Name, err)
		}
		if h.Name == ManifestName {
			if haveManifest {
				return nil, fmt.Errorf("%w: two manifests", ErrIntegrity)
			}
			if err := json.Unmarshal(b, &a.Manifest); err != nil {
				return nil, fmt.Errorf("%w: manifest does not decode: %v", ErrIntegrity, err)
			}
			haveManifest = true
			continue
		}
		if _, dup := a.Files[h.Name]; dup {
			return nil, fmt.Errorf("%w: entry %q appears twice", ErrIntegrity, h.Name)
		}
		a.Files[h.Name] = b
	}
	if !haveManifest {
		return nil, fmt.Errorf("%w: no %s", ErrIntegrity, ManifestName)
	}
	if a.Manifest.Format != FormatVersion {
		return nil, fmt.Errorf("archive format %d: this lpops reads format %d", a.Manifest.Format, FormatVersion)
	}
	named := map[string]bool{}
	for _, f := range a.Manifest.Files {
		b, ok := a.Files[f.Name]
		if !ok {
			return nil, fmt.Errorf("%w: %s is in the manifest but not in the archive", ErrIntegrity, f.Name)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(b)) != f.Size {
			return nil, fmt.Errorf("%w: %s has sha256 %s (%d bytes), the manifest says %s (%d bytes)", ErrIntegrity, f.Name, got, len(b), f.SHA256, f.Size)
		}
		named[f.Name] = true
	}
	for name := range a.Files {
		if !named[name] {
			return nil, fmt.Errorf("%w: %s is in the archive but not in the manifest", ErrIntegrity, name)
		}
	}
	return a, nil
}

// Names returns the archive's file names, sorted.
func (a *Archive) Names() []string {
	var out []string
	for n := range a.Files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ObjectName is the name a backup made at t gets in its destination; it
// sorts by time.
func ObjectName(t time.Time) string {
	return "lpops-" + t.UTC().Format("20060102T150405.000Z") + ".tar.age"
}

// ParseObjectName returns the time in a name ObjectName made.
func ParseObjectName(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(path.Base(name), "lpops-")
	if !ok {
		return time.Time{}, false
	}
	s, ok = strings.CutSuffix(s, ".tar.age")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405.000Z", s)
	return t, err == nil
}

// Bytes encrypts an archive into memory (see Write).
func Bytes(recipients []age.Recipient, m Manifest, entries []Entry) ([]byte, Manifest, error) {
	var buf bytes.Buffer
	m, err := Write(&buf, recipients, m, entries)
	return buf.Bytes(), m, err
}
