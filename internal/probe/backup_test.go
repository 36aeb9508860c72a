package probe

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestBackupStale(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	started := now.Add(-time.Hour)
	for _, tt := range []struct {
		name   string
		state  BackupState
		firing bool
	}{
		{"Fresh", BackupState{LastSuccess: now.Add(-time.Hour), StaleAfter: 12 * time.Hour}, false},
		{"Stale", BackupState{LastSuccess: now.Add(-13 * time.Hour), StaleAfter: 12 * time.Hour, LastError: "put: access denied"}, true},
		{"NoneYetButJustStarted", BackupState{StaleAfter: 12 * time.Hour}, false},
		{"NoneSinceStart", BackupState{StaleAfter: 30 * time.Minute}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.state.Destination = "s3://b/p/"
			p := NewBackup(func() BackupState { return tt.state }, started, func() time.Time { return now })
			r := p.Check(context.Background())
			if len(r.Observations) != 1 || r.Observations[0].Name != AlertBackupStale {
				t.Fatalf("observations %+v", r.Observations)
			}
			o := r.Observations[0]
			if o.Firing != tt.firing || r.Success == tt.firing {
				t.Fatalf("firing %v (success %v), want %v: %s", o.Firing, r.Success, tt.firing, o.Summary)
			}
			if o.Labels["destination"] != "s3://b/p/" {
				t.Fatalf("labels %v", o.Labels)
			}
			if tt.state.LastError != "" && tt.firing && !strings.Contains(o.Description, tt.state.LastError) {
				t.Fatalf("description %q lacks the last error", o.Description)
			}
		})
	}
}
