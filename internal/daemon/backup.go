package daemon

import (
	"errors"
	"time"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/probe"
)

// buildBackup serves the state snapshot route (for `lpops backup create`
// beside the daemon, with the API token) and, when backup.destination is
// set, assembles the scheduled backups and their probe.
func (d *Daemon) buildBackup(cfg *config.Config, configFile string) error {
	tok, err := api.LoadToken(cfg.API.TokenFile)
	if err != nil {
		return err
	}
	d.api.Handle(backup.PathSnapshot, backup.SnapshotHandler(d.store, tok))
	b := cfg.Backup
	if !b.Enabled() {
		return nil
	}
	if configFile == "" {
		return errors.New("backup: the configuration file's path is unknown, so it cannot be backed up")
	}
	recipients, err := backup.Recipients(b)
	if err != nil {
		return err
	}
	if len(recipients) == 0 {
		return errors.New("backup.recipients: no recipients")
	}
	t, err := backup.TargetFromConfig(b, "")
	if err != nil {
		return err
	}
	d.backups = backup.NewScheduler(backup.SchedulerOptions{
		Host:       backup.Host{Config: cfg, ConfigFile: configFile, Version: d.version, State: backup.StoreState(d.store)},
		Recipients: recipients, Target: t, Retention: backup.Retention{Keep: b.Keep, MaxAge: b.MaxAge.Duration},
		Interval: b.Interval.Duration, StaleAfter: b.Stale(), Logger: d.log, Registerer: d.reg,
	})
	if d.probes != nil {
		started := time.Now()
		d.probes.Add(probe.NewBackup(func() probe.BackupState {
			s := d.backups.Status()
			return probe.BackupState{Destination: s.Destination, LastSuccess: s.LastSuccess, LastError: s.LastError, StaleAfter: b.Stale()}
		}, started, nil), probe.Schedule{})
	}
	return nil
}
