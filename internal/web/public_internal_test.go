package web

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestPublicStatusKeysExist checks the public status shape against the
// status document's pinned key paths (internal/daemon's
// status-keys.golden): a field renamed there must be renamed here, or the
// public page would silently lose it.
func TestPublicStatusKeysExist(t *testing.T) {
	b, err := os.ReadFile("../daemon/testdata/status-keys.golden")
	if err != nil {
		t.Fatal(err)
	}
	keys := strings.Fields(string(b))
	paths := publicStatus.paths("")
	if len(paths) < 40 {
		t.Fatalf("the public status shape keeps %d paths: %v", len(paths), paths)
	}
	for _, p := range paths {
		if !slices.Contains(keys, p) {
			t.Errorf("the public view keeps %s, which the status document does not have", p)
		}
	}
	// Free text is never public.
	for _, p := range paths {
		for _, free := range []string{"reason", "error", "last_error", "evidence", "not_ready_reason", "hash", "reward_tx", "tx"} {
			if strings.HasSuffix(p, "."+free) || strings.HasSuffix(p, "."+free+".*") || p == free {
				t.Errorf("the public view keeps the free-text or hash field %s", p)
			}
		}
	}
}
