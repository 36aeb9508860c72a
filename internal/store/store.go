// Package store is lpops' embedded state: a bbolt file under state_dir holding
// JSON records in named buckets. Every state change the daemon must survive a
// SIGKILL with (keeper round records, signed transactions, alert state) is
// written here, synchronously, before the action it describes.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrNotFound is returned by Get when the key is absent.
var ErrNotFound = errors.New("not found")

// ErrCorrupt is wrapped by Get's error when the stored bytes do not decode.
var ErrCorrupt = errors.New("record does not decode")

// FileName is the store's file inside state_dir.
const FileName = "lpops.db"

// Store is a bbolt database of JSON records.
type Store struct {
	db *bolt.DB
}

// Open opens (creating if needed) the store in dir. The directory is created
// 0700 and the file 0600: it holds signed transactions. A second lpops on the
// same state_dir fails fast instead of waiting forever for the file lock.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state_dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open state %s: locked by another process (is another lpops running on this state_dir?)", path)
		}
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// OpenReadOnly opens an existing store without taking the write lock, for
// commands such as `lpops status` that run beside the daemon.
func OpenReadOnly(dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open state %s read-only: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Put stores v as JSON under bucket/key, durably (fsync) before returning.
func (s *Store) Put(bucket string, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", bucket, err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return bk.Put(key, b)
	})
}

// Entry is one record of a PutAll.
type Entry struct {
	Bucket string
	Key    []byte
	Value  any
}

// PutAll stores every entry as JSON in one transaction, durably (fsync)
// before returning: after a crash either all of them are on disk or none
// (the keeper's carry-over of a pending transaction from one round's record
// to the next relies on it).
func (s *Store) PutAll(entries ...Entry) error {
	enc := make([][]byte, len(entries))
	for i, e := range entries {
		b, err := json.Marshal(e.Value)
		if err != nil {
			return fmt.Errorf("encode %s record: %w", e.Bucket, err)
		}
		enc[i] = b
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for i, e := range entries {
			bk, err := tx.CreateBucketIfNotExists([]byte(e.Bucket))
			if err != nil {
				return err
			}
			if err := bk.Put(e.Key, enc[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Move moves the bytes at from/key, unchanged, to the bucket to under the
// same key, in one transaction (a record that cannot be decoded is set
// aside this way, kept for a person to read). An absent key is ErrNotFound.
func (s *Store) Move(from string, key []byte, to string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		src := tx.Bucket([]byte(from))
		if src == nil {
			return ErrNotFound
		}
		v := src.Get(key)
		if v == nil {
			return ErrNotFound
		}
		v = append([]byte(nil), v...) // valid only during the transaction
		dst, err := tx.CreateBucketIfNotExists([]byte(to))
		if err != nil {
			return err
		}
		if err := dst.Put(key, v); err != nil {
			return err
		}
		return src.Delete(key)
	})
}

// PutRaw stores b, unchanged, under bucket/key: for tests that need bytes
// no Put would write (a corrupt record).
func (s *Store) PutRaw(bucket string, key, b []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return bk.Put(key, b)
	})
}

// Get decodes the record at bucket/key into v, or returns ErrNotFound.
func (s *Store) Get(bucket string, key []byte, v any) error {
	return s.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return ErrNotFound
		}
		b := bk.Get(key)
		if b == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("decode %s record %x: %w: %w", bucket, key, ErrCorrupt, err)
		}
		return nil
	})
}

// Delete removes bucket/key; absent keys are not an error.
func (s *Store) Delete(bucket string, key []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		return bk.Delete(key)
	})
}

// Scan calls fn for every record in bucket whose key starts with prefix, in
// key order, newest last; with reverse, newest first. fn returns false to stop.
func (s *Store) Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		c := bk.Cursor()
		if !reverse {
			for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
				if !fn(k, v) {
					return nil
				}
			}
			return nil
		}
		// Seek past the prefix range, then walk back.
		end := prefixEnd(prefix)
		var k, v []byte
		if end != nil {
			k, _ = c.Seek(end)
		}
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && hasPrefix(k, prefix); k, v = c.Prev() {
			if !fn(k, v) {
				return nil
			}
		}
		return nil
	})
}

// Uint64Key encodes n big-endian so keys sort numerically.
func Uint64Key(prefix []byte, n uint64) []byte {
	k := make([]byte, len(prefix)+8)
	copy(k, prefix)
	binary.BigEndian.PutUint64(k[len(prefix):], n)
	return k
}

func hasPrefix(k, p []byte) bool {
	return len(k) >= len(p) && string(k[:len(p)]) == string(p)
}

func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// WriteTo writes a consistent copy of the whole database (one read
// transaction's view, as bbolt's Tx.WriteTo makes it while writers go on)
// to w: a backup of the running daemon's state.
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Snapshot copies the store in dir to w without a running daemon: it opens
// the file read-only, waiting at most wait for the lock. ErrLocked means a
// process (the daemon) holds the store; ask it instead.
func Snapshot(dir string, w io.Writer, wait time.Duration) (int64, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("open state %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: wait})
	if errors.Is(err, berrors.ErrTimeout) {
		return 0, fmt.Errorf("open state %s: %w", path, ErrLocked)
	}
	if err != nil {
		return 0, fmt.Errorf("open state %s read-only: %w", path, err)
	}
	defer db.Close()
	s := &Store{db: db}
	return s.WriteTo(w)
}

// ErrLocked: another process holds the store's file lock.
var ErrLocked = errors.New("locked by another process")
