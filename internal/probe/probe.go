// Package probe runs lpops' checks of the node, the RPC endpoints, the
// accounts, stake and fees. A failed probe is a result, not a log line: every
// check becomes metrics and a status entry with its last evidence, and its
// conclusions go to the alert engine as observations.
package probe

import (
	"context"
	"time"

	"github.com/lpops/lpops/internal/alert"
)

// Probe is one check.
type Probe interface {
	Name() string
	// Check runs the probe once. It never blocks past ctx.
	Check(ctx context.Context) Result
}

// Result is one run of a probe.
type Result struct {
	Probe    string        `json:"probe"`
	Success  bool          `json:"success"`
	Error    string        `json:"error,omitempty"`
	At       time.Time     `json:"at"`
	Duration time.Duration `json:"duration_ns"`
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
