package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/lpops/lpops/internal/backup"
)

// CheckBackup is "backups are fresh": the newest encrypted backup in
// backup.destination is younger than backup.stale_after.
const CheckBackup = "backup.fresh"

// checkBackup lists backup.destination (the directory or the S3 prefix the
// daemon writes to) and judges its newest archive's age.
func (d *Doctor) checkBackup(ctx context.Context, _ *runEnv) []Finding {
	b := d.cfg.Backup
	f := Finding{Check: CheckBackup, Subject: b.Destination}
	if !b.Enabled() {
		f.Status, f.Evidence = Skip, "backup.destination is not set: lpops makes no scheduled backups"
		return []Finding{f}
	}
	t, err := backup.TargetFromConfig(b, "")
	if err != nil {
		f.Status, f.Evidence, f.Fix = Fail, err.Error(), "fix backup.destination and backup.s3 (lpops check-config)"
		return []Finding{f}
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	objs, err := t.List(ctx)
	if err != nil {
		f.Status, f.Evidence = Warn, "cannot list the backups: "+err.Error()
		f.Fix = "check the destination's credentials and reachability from this host (lpops backup list)"
		return []Finding{f}
	}
	stale := b.Stale()
	if len(objs) == 0 {
		f.Status, f.Evidence = Fail, "no backup in "+t.String()
		f.Fix = "run lpops backup create, and check that the daemon's backups succeed (lpops_backup_last_success_timestamp_seconds, journalctl -u lpops)"
		return []Finding{f}
	}
	last := objs[len(objs)-1]
	age := d.sys.Now().Sub(last.Time)
	f.Evidence = fmt.Sprintf("newest %s, %s old (%d backups; stale after %s)", last.Name, age.Round(time.Second), len(objs), stale)
	if age > stale {
		f.Status = Fail
		f.Fix = "the daemon's backups fail or it is not running: see the BackupStale alert, journalctl -u lpops, then lpops backup create"
		return []Finding{f}
	}
	f.Status = Pass
	return []Finding{f}
}
