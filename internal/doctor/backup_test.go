package doctor

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/config"
)

func TestCheckBackup(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	put := func(at time.Time) {
		if err := os.WriteFile(filepath.Join(dir, backup.ObjectName(at)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Default()
	check := func(want Status) Finding {
		t.Helper()
		d := New(&cfg, System{Now: func() time.Time { return now }}, Options{})
		fs := d.checkBackup(context.Background(), &runEnv{})
		if len(fs) != 1 || fs[0].Status != want || fs[0].Check != CheckBackup {
			t.Fatalf("findings %+v, want one %s", fs, want)
		}
		if want == Fail && fs[0].Fix == "" {
			t.Fatalf("a failure without a fix: %+v", fs[0])
		}
		return fs[0]
	}
	check(Skip)
	cfg.Backup.Destination = dir
	check(Fail) // none yet
	put(now.Add(-13 * time.Hour))
	check(Fail) // older than twice the 6h interval
	put(now.Add(-time.Hour))
	if f := check(Pass); f.Evidence == "" {
		t.Fatal("no evidence")
	}
	cfg.Backup.StaleAfter = config.Duration{Duration: 30 * time.Minute}
	check(Fail)
}
