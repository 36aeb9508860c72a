package ha

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/probe"
)

// Alert names of the ha probe.
const (
	// AlertHALeaderMissing: the etcd cluster answers but no instance holds
	// the leadership: nobody sends.
	AlertHALeaderMissing = "HALeaderMissing"
	// AlertHAQuorumLost: this instance cannot reach a quorum of the etcd
	// cluster: no instance can record, so none sends.
	AlertHAQuorumLost = "HAQuorumLost"
)

// Probe reports the election as a probe result, raising HALeaderMissing
// and HAQuorumLost. Every instance runs it, so a quorum loss is notified by
// whichever instances can still reach a channel.
type Probe struct {
	n   *Node
	now func() time.Time
	// noLeaderSince is when the cluster was first seen answering without a
	// leader; a handover (step-down) takes a moment and is not an alert.
	noLeaderSince time.Time
}

var _ probe.Probe = (*Probe)(nil)

// NewProbe returns the ha probe of n.
func NewProbe(n *Node) *Probe { return &Probe{n: n, now: time.Now} }

// Name implements probe.Probe.
func (p *Probe) Name() string { return "ha" }

// Check implements probe.Probe.
func (p *Probe) Check(_ context.Context) probe.Result {
	start := p.now()
	s := p.n.Status()
	r := probe.Result{Probe: p.Name(), Success: true, At: start, Values: map[string]float64{}, Evidence: map[string]string{}}
	r.Evidence["role"], r.Evidence["leader"], r.Evidence["name"] = s.Role, s.Leader, s.Name
	names := make([]string, len(s.Members))
	for i, m := range s.Members {
		names[i] = m.Name
	}
	r.Evidence["members"] = strings.Join(names, ",")
	r.Values["leader"] = b2f(s.Role == RoleLeader)
	r.Values["quorum"] = b2f(s.Quorum)
	r.Values["members"] = float64(len(s.Members))

	// Lost: no answer within a lease TTL and a request that failed (before
	// the first request there is nothing to say).
	lost := !s.Quorum && s.LastError != ""
	quorum := alert.Observation{Name: AlertHAQuorumLost, Severity: alert.Critical, Firing: lost,
		Summary: "this instance reaches the etcd cluster"}
	if lost {
		quorum.Summary = "HA: the etcd cluster does not answer this instance: no lpops instance can record a transaction, so none sends"
		quorum.Description = fmt.Sprintf("Instance %s; last answer from etcd: %s; last error: %s.", s.Name, when(s.LastOK), s.LastError)
		r.Success, r.Error = false, quorum.Summary
	}
	missing := alert.Observation{Name: AlertHALeaderMissing, Severity: alert.Critical, Summary: "an lpops instance leads"}
	if s.Quorum && s.Leader == "" {
		if p.noLeaderSince.IsZero() {
			p.noLeaderSince = start
		}
		if start.Sub(p.noLeaderSince) >= time.Duration(s.LeaseTTL)*time.Second {
			missing.Firing = true
			missing.Summary = "HA: no lpops instance leads: nobody sends"
			missing.Description = fmt.Sprintf("The etcd cluster answers but no instance campaigns under the election key for %s (instance %s sees members: %s).",
				start.Sub(p.noLeaderSince).Round(time.Second), s.Name, r.Evidence["members"])
			r.Success, r.Error = false, missing.Summary
		}
	} else {
		p.noLeaderSince = time.Time{}
	}
	r.Observations = []alert.Observation{quorum, missing}
	r.Duration = p.now().Sub(start)
	return r
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// RegisterMetrics exports the node's view: lpops_ha_leader (1 while this
// instance leads), lpops_ha_quorum, lpops_ha_members and
// lpops_ha_leader_age_seconds (how long the current leader has led, as
// seen here).
func RegisterMetrics(reg prometheus.Registerer, n *Node) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lpops_ha_leader", Help: "1 while this lpops instance holds the HA leadership (and alone may send)."},
			func() float64 { return b2f(n.Status().Role == RoleLeader) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lpops_ha_quorum", Help: "1 while the etcd cluster answered this instance within the lease TTL."},
			func() float64 { return b2f(n.Status().Quorum) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lpops_ha_members", Help: "lpops instances campaigning in the HA election, as last read."},
			func() float64 { return float64(len(n.Status().Members)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lpops_ha_leader_age_seconds", Help: "How long the current HA leader has led, as seen by this instance (0: no leader)."},
			func() float64 { return n.Status().LeaseAgeS }),
	)
}
