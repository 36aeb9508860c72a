package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type rec struct {
	N    uint64
	Name string
}

func TestPutGetScan(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	prefix := []byte("orch")
	for _, n := range []uint64{3, 1, 2} {
		if err := s.Put("rounds", Uint64Key(prefix, n), rec{N: n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put("rounds", Uint64Key([]byte("orcz"), 9), rec{N: 9}); err != nil {
		t.Fatal(err)
	}
	var got rec
	if err := s.Get("rounds", Uint64Key(prefix, 2), &got); err != nil || got.N != 2 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if err := s.Get("rounds", Uint64Key(prefix, 7), &got); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing = %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		Name    string
		Reverse bool
		Want    []uint64
	}{{"Forward", false, []uint64{1, 2, 3}}, {"Reverse", true, []uint64{3, 2, 1}}} {
		t.Run(tc.Name, func(t *testing.T) {
			var seen []uint64
			err := s.Scan("rounds", prefix, tc.Reverse, func(k, v []byte) bool {
				seen = append(seen, uint64(k[len(k)-1]))
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != len(tc.Want) {
				t.Fatalf("scan = %v, want %v", seen, tc.Want)
			}
			for i := range seen {
				if seen[i] != tc.Want[i] {
					t.Fatalf("scan = %v, want %v", seen, tc.Want)
				}
			}
		})
	}
}

func TestFileModeAndLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("second Open on a locked state_dir succeeded")
	}
}

func TestPutAllIsAllOrNothing(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k1, k2 := Uint64Key([]byte("o"), 1), Uint64Key([]byte("o"), 2)
	if err := s.PutAll(Entry{"rounds", k1, rec{N: 1}}, Entry{"rounds", k2, rec{N: 2}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{1, 2} {
		var got rec
		if err := s.Get("rounds", Uint64Key([]byte("o"), n), &got); err != nil || got.N != n {
			t.Fatalf("Get %d = %+v, %v", n, got, err)
		}
	}
	// The second write fails (bbolt refuses an empty bucket name) after the
	// first was made in the same transaction: neither lands.
	err = s.PutAll(Entry{"rounds", k1, rec{N: 1, Name: "changed"}}, Entry{"", k2, rec{N: 2}})
	if err == nil {
		t.Fatal("PutAll with an empty bucket name succeeded")
	}
	var got rec
	if err := s.Get("rounds", k1, &got); err != nil || got.Name != "" {
		t.Fatalf("after a failed PutAll the first entry reads %+v (%v), want it unchanged", got, err)
	}
}

func TestMoveKeepsBytes(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key := Uint64Key([]byte("o"), 7)
	bad := []byte(`{"round": 7, "txs": [`)
	if err := s.PutRaw("rounds", key, bad); err != nil {
		t.Fatal(err)
	}
	var r rec
	if err := s.Get("rounds", key, &r); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get of corrupt bytes = %v, want %v", err, ErrCorrupt)
	}
	if err := s.Move("rounds", key, "quarantine"); err != nil {
		t.Fatal(err)
	}
	if err := s.Get("rounds", key, &r); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Move = %v, want ErrNotFound", err)
	}
	var moved []byte
	if err := s.Scan("quarantine", nil, false, func(k, v []byte) bool {
		moved = append([]byte(nil), v...)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if string(moved) != string(bad) {
		t.Fatalf("quarantined bytes %q, want %q", moved, bad)
	}
	if err := s.Move("rounds", key, "quarantine"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Move of an absent key = %v, want ErrNotFound", err)
	}
}
