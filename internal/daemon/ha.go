package daemon

import (
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
)

// haParts is HA mode's share of the daemon (ha: in the config): the etcd
// client, this instance's place in the election, and the fenced stores the
// keeper's round records and the alert engine's shared state live in.
type haParts struct {
	cli   *clientv3.Client
	node  *ha.Node // nil in a read-only look
	store *ha.Store
	// alerts holds the alert engine's shared state (nil in a read-only
	// look).
	alerts *ha.Store
	// view is what a read-only look (Options.ReadOnly) read of the
	// election once; nil in a running daemon.
	view *ha.Status
}

// viewTimeout bounds a read-only look's question to etcd.
const viewTimeout = 10 * time.Second

// viewHA is HA mode in a read-only look (lpops status without a daemon):
// the round records are read from etcd through a store that refuses every
// write, and the election is read once; it campaigns for nothing and takes
// no lease. An etcd cluster that does not answer is an error naming its
// endpoints: the local state store holds no records in HA mode.
func (d *Daemon) viewHA(ctx context.Context, cfg *config.Config) error {
	cli, err := ha.Dial(cfg.HA)
	if err != nil {
		return err
	}
	s, err := ha.Look(ctx, cli, cfg.HA.KeyPrefix, cfg.HA.InstanceName(), viewTimeout)
	if err != nil {
		cli.Close()
		return err
	}
	d.ha = &haParts{cli: cli, view: &s, store: ha.NewReadOnlyStore(cli, cfg.HA.KeyPrefix, cfg.Chain.RequestTimeout.Duration)}
	return nil
}

// dialHA connects to etcd (lazily: an unreachable cluster is reported by
// the ha probe, not a failed start) and prepares the election and the
// fenced stores; Run runs the election. It comes before the alert engine,
// which keeps its shared state in etcd.
func (d *Daemon) dialHA(cfg *config.Config) error {
	cli, err := ha.Dial(cfg.HA)
	if err != nil {
		return err
	}
	n := ha.NewNode(cli, ha.Options{Prefix: cfg.HA.KeyPrefix, Name: cfg.HA.InstanceName(), TTL: cfg.HA.LeaseTTL.Duration, Logger: d.log,
		OnChange: func(leading bool) {
			// A new leader acts at once: its keeper may sleep until the
			// round's end as a follower.
			if f := d.Fleet(); f != nil {
				f.Wake()
			}
			// The leader alone sends the shared notifications; it reads
			// what the previous leader left before it goes on.
			if d.alerts != nil {
				if leading {
					d.alerts.Lead()
				} else {
					d.alerts.Follow()
				}
			}
		}})
	timeout := cfg.Chain.RequestTimeout.Duration
	d.ha = &haParts{cli: cli, node: n,
		store:  ha.NewStore(cli, cfg.HA.KeyPrefix, n.Fence, timeout),
		alerts: ha.NewAlertStore(cli, cfg.HA.KeyPrefix, n.Fence, timeout)}
	return nil
}

// buildHA exports the election (metrics, the step-down route, the ha
// probe).
func (d *Daemon) buildHA(cfg *config.Config) error {
	n := d.ha.node
	ha.RegisterMetrics(d.reg, n)
	tok, err := api.LoadToken(cfg.API.TokenFile)
	if err != nil {
		return err
	}
	d.api.Handle(ha.PathStepDown, ha.StepDownHandler(n, tok))
	if d.probes != nil {
		d.probes.Add(ha.NewProbe(n), probe.Schedule{Interval: cfg.HA.LeaseTTL.Duration})
	}
	d.log.Info("high availability on etcd", "name", cfg.HA.InstanceName(), "endpoints", len(cfg.HA.Endpoints), "key_prefix", cfg.HA.KeyPrefix,
		"lease_ttl", cfg.HA.LeaseTTL.Duration)
	return nil
}

// haLocalAlerts are the alerts every instance keeps and sends itself in HA
// mode: they say that nobody leads, or that etcd is out of reach, when the
// shared state cannot be written.
var haLocalAlerts = []string{ha.AlertHAQuorumLost, ha.AlertHALeaderMissing}

// records is where the keeper keeps its round records: etcd, fenced by the
// leadership, in HA mode; the embedded store otherwise.
func (d *Daemon) records() *keeper.Records {
	if d.ha != nil {
		return keeper.NewRecordsOn(d.ha.store)
	}
	return keeper.NewRecords(d.store)
}

// standby is the keeper's question in HA mode: "" while this instance
// leads, else why it stands by.
func (d *Daemon) standby() string {
	s := d.ha.node.Status()
	switch {
	case s.Role == ha.RoleLeader:
		return ""
	case s.Leader != "":
		return fmt.Sprintf("ha follower: %s leads and sends; this instance (%s) watches", s.Leader, s.Name)
	case !s.Quorum:
		return fmt.Sprintf("ha: etcd does not answer this instance (%s): nobody can record a transaction, so nobody sends", s.Name)
	default:
		return fmt.Sprintf("ha: no instance leads yet; this instance (%s) campaigns", s.Name)
	}
}

func (d *Daemon) runHA(ctx context.Context) error { return d.ha.node.Run(ctx) }

// haStatus is the status document's ha section; nil outside HA mode.
func (d *Daemon) haStatus() *ha.Status {
	if d.ha == nil {
		return nil
	}
	if d.ha.view != nil {
		return d.ha.view
	}
	s := d.ha.node.Status()
	return &s
}
