package backup

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// TestTargets runs one suite over every destination kind: a local
// directory and a real MinIO server.
func TestTargets(t *testing.T) {
	t.Run("Dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "backups")
		tg, err := OpenTarget(dir, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		targetSuite(t, tg)
		des, _ := os.ReadDir(dir)
		for _, de := range des {
			fi, _ := de.Info()
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", de.Name(), fi.Mode().Perm())
			}
		}
	})
	t.Run("MinIO", func(t *testing.T) {
		m := testenv.StartMinIO(t)
		s3, err := NewS3("lpops-backups", "hosts/orch-1", S3Options{Endpoint: m.Endpoint, Region: "us-east-1", AccessKeyID: m.User, SecretAccessKey: m.Password})
		if err != nil {
			t.Fatal(err)
		}
		if err := s3.MakeBucket(t.Context()); err != nil {
			t.Fatal(err)
		}
		targetSuite(t, s3)
		// Credentials from the environment, as the daemon's default chain
		// reads them.
		t.Setenv("AWS_ACCESS_KEY_ID", m.User)
		t.Setenv("AWS_SECRET_ACCESS_KEY", m.Password)
		tg, err := OpenTarget("s3://lpops-backups/hosts/orch-1", S3Options{Endpoint: m.Endpoint, Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		if objs, err := tg.List(t.Context()); err != nil || len(objs) == 0 {
			t.Fatalf("list with env credentials: %v %v", objs, err)
		}
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-key-000000")
		tg, err = OpenTarget("s3://lpops-backups/hosts/orch-1", S3Options{Endpoint: m.Endpoint, Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tg.List(t.Context()); err == nil {
			t.Fatal("a wrong secret key listed the bucket")
		}
	})
}

func targetSuite(t *testing.T, tg Target) {
	ctx := context.Background()
	if objs, err := tg.List(ctx); err != nil || len(objs) != 0 {
		t.Fatalf("empty destination lists %v, %v", objs, err)
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var names []string
	for i := range 5 {
		n := ObjectName(now.Add(time.Duration(i-4) * 24 * time.Hour))
		names = append(names, n)
		if err := tg.Put(ctx, n, []byte("archive "+n)); err != nil {
			t.Fatal(err)
		}
	}
	objs, err := tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Name)
	}
	if !slices.Equal(got, names) {
		t.Fatalf("list %v, want %v (oldest first)", got, names)
	}
	rc, err := tg.Get(ctx, names[2])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "archive "+names[2] {
		t.Fatalf("get %q", b)
	}
	if _, err := tg.Get(ctx, ObjectName(now.Add(time.Hour))); !errors.Is(err, ErrNoObject) {
		t.Fatalf("get missing: %v, want ErrNoObject", err)
	}
	// Keep 3 and nothing older than 1.5 days: the two oldest go by count,
	// then days -2 by age; the newest stays whatever its age.
	deleted, err := Prune(ctx, tg, Retention{Keep: 3, MaxAge: 36 * time.Hour}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, names[:3]) {
		t.Fatalf("pruned %v, want %v", deleted, names[:3])
	}
	deleted, err = Prune(ctx, tg, Retention{MaxAge: time.Hour}, now.Add(100*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, names[3:4]) {
		t.Fatalf("pruned %v, want only %v: the newest is always kept", deleted, names[3:4])
	}
	objs, _ = tg.List(ctx)
	if len(objs) != 1 || objs[0].Name != names[4] {
		t.Fatalf("left %v", objs)
	}
}
