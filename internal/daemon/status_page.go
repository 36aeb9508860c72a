package daemon

import (
	"fmt"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/web"
)

// buildPages mounts the status page beside the API on `listen` and, with
// api.public_listen, builds the public page's own listener. Both read the
// daemon's status, alerts and remediation actions; only the public one
// filters them (web.Options.Public).
func (d *Daemon) buildPages(cfg *config.Config) {
	page := func(public bool) *web.Handler {
		o := web.Options{Status: d, Public: public, Logger: d.log}
		if d.alerts != nil {
			o.Alerts = d.alerts
		}
		if d.remediator != nil {
			o.Actions = d.remediator
		}
		return web.New(o)
	}
	d.api.EnableUI(page(false))
	if cfg.API.PublicListen != "" {
		d.public = api.NewPublic(page(true), d.log)
	}
}

// listenPublic binds api.public_listen, when set.
func (d *Daemon) listenPublic() error {
	if d.public == nil {
		return nil
	}
	addr, err := d.public.Listen(d.cfg.API.PublicListen)
	if err != nil {
		return fmt.Errorf("api.public_listen: %w", err)
	}
	d.log.Info("public status page", "listen", addr.String())
	if d.onPublicListen != nil {
		d.onPublicListen(addr)
	}
	return nil
}
