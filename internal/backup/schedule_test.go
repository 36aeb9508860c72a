package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testenv"
)

// TestSchedulerBacksUpTheRunningStore: the daemon's scheduler archives its
// open store, sets the success metric, and prunes to backup.keep.
func TestSchedulerBacksUpTheRunningStore(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "lpops.yaml")
	if err := os.WriteFile(cfgPath, []byte("network: custom\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.StateDir = filepath.Join(dir, "state")
	s, err := store.Open(cfg.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put("rounds", []byte("r"), "v"); err != nil {
		t.Fatal(err)
	}
	dest := &Dir{Path: filepath.Join(dir, "backups")}
	// Two older backups already there; keep 2 leaves the newest old one and
	// the new one.
	for _, d := range []time.Duration{-2 * time.Hour, -time.Hour} {
		if err := dest.Put(context.Background(), ObjectName(time.Now().Add(d)), []byte("old")); err != nil {
			t.Fatal(err)
		}
	}
	id := newIdentity(t)
	reg := prometheus.NewRegistry()
	sc := NewScheduler(SchedulerOptions{
		Host:       Host{Config: &cfg, ConfigFile: cfgPath, Version: "test", State: StoreState(s)},
		Recipients: []age.Recipient{id.Recipient()}, Target: dest, Retention: Retention{Keep: 2},
		Interval: time.Hour, StaleAfter: 2 * time.Hour, Registerer: reg,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sc.Run(ctx) }()
	var st Status
	testenv.WaitFor(t, 30*time.Second, "the first scheduled backup", func() bool {
		st = sc.Status()
		return st.LastName != "" && st.LastBytes > 0
	})
	cancel()
	<-done
	if st.LastError != "" {
		t.Fatal(st.LastError)
	}
	if got := testutil.ToFloat64(sc.success); got != float64(st.LastSuccess.UnixNano())/1e9 {
		t.Fatalf("lpops_backup_last_success_timestamp_seconds %v, want %v", got, st.LastSuccess)
	}
	objs, err := dest.List(context.Background())
	if err != nil || len(objs) != 2 || objs[1].Name != st.LastName {
		t.Fatalf("destination holds %v (%v), want the newest old backup and %s", objs, err, st.LastName)
	}
	rc, err := dest.Get(context.Background(), st.LastName)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	a, err := Open(rc, []age.Identity{id})
	if err != nil {
		t.Fatal(err)
	}
	if a.Manifest.StateSource != "daemon" || !bytes.Contains(a.Files[StateName], []byte("rounds")) {
		t.Fatalf("manifest %+v", a.Manifest)
	}
}
