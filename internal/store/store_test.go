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
