// Package probe runs lpops' checks of the node, the RPC endpoints, the
// accounts, stake and fees. A failed probe is a result, not a log line: every
// check becomes metrics and a status entry with its last evidence, and its
// conclusions go to the alert engine as observations.
package probe

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
)

// Probe is one check.
type Probe interface {
	Name() string
	// Check runs the probe once. It never blocks past ctx.
	Check(ctx context.Context) Result
}

// Multi is a probe whose one run checks several subjects together (every
// orchestrator of a fleet, read in one batch) and reports one Result for
// each, under its own name: "stake" for the first orchestrator,
// "stake-0x…" for the others (FleetName). The Runner schedules it as one
// probe and records, exports and forwards each Result as a probe's own.
// Check returns the first subject's Result.
type Multi interface {
	Probe
	// Names are the names of the Results of a run, in CheckAll's order;
	// the first is Name(). They do not change.
	Names() []string
	// CheckAll runs the probe once and returns one Result per name.
	CheckAll(ctx context.Context) []Result
}

// FleetName is the name of a fleet probe's Result for an orchestrator after
// the first: "stake-0x…" (the address in lower case), as the duty probes of
// a fleet are named.
func FleetName(base string, orch common.Address) string { return base + "-" + lower(orch) }

// Result is one run of a probe.
type Result struct {
	Probe string `json:"probe"`
	// Orchestrator is the orchestrator the result is about, for the probes
	// that watch one (duty, accounts, stake, fees): in a fleet, the typed
	// metrics of its values carry it as their orchestrator label.
	Orchestrator string        `json:"orchestrator,omitempty"`
	Success      bool          `json:"success"`
	Error        string        `json:"error,omitempty"`
	At           time.Time     `json:"at"`
	Duration     time.Duration `json:"duration_ns"`
	// Values are exported as lpops_probe_value{probe,name} and shown in status.
	Values map[string]float64 `json:"values,omitempty"`
	// Evidence is what the probe saw, for status and alert descriptions.
	Evidence map[string]string `json:"evidence,omitempty"`
	// Firing names the observations of this run that were firing; the
	// Runner fills it in for status.
	Firing []string `json:"firing,omitempty"`
	// Observations go to the alert engine.
	Observations []alert.Observation `json:"-"`
}

// Group is several probes run as one Multi: a run checks each in turn and
// reports its Result under its own name, and the Runner hands all their
// observations to the alert engine at once. The daemon groups a fleet's duty
// probes so: a hundred orchestrators cost one reconcile of the alerts per
// interval, not a hundred.
type Group struct{ ps []Probe }

var _ Multi = (*Group)(nil)

// NewGroup returns the probes as one; it needs at least one.
func NewGroup(ps ...Probe) *Group { return &Group{ps: ps} }

// Name implements Probe: the first probe's name.
func (g *Group) Name() string { return g.ps[0].Name() }

// Names implements Multi: each probe's name, in order.
func (g *Group) Names() []string {
	out := make([]string, len(g.ps))
	for i, p := range g.ps {
		out[i] = p.Name()
	}
	return out
}

// Check implements Probe: the first probe's Result.
func (g *Group) Check(ctx context.Context) Result { return g.ps[0].Check(ctx) }

// CheckAll implements Multi.
func (g *Group) CheckAll(ctx context.Context) []Result {
	out := make([]Result, len(g.ps))
	for i, p := range g.ps {
		out[i] = p.Check(ctx)
	}
	return out
}
