package alert

import "time"

// Severity of an alert.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// Observation is what a probe (or the keeper) concluded about one condition
// at one moment: firing or not. The engine turns observations into alert
// state; a condition stops firing only when a probe observes it not firing.
type Observation struct {
	Name     string
	Labels   map[string]string
	Severity Severity
	Firing   bool
	Summary  string
	// Description holds the evidence (values, thresholds, last error).
	Description string
	// Requires names the data source the condition is judged from ("chain",
	// "node"). While an alert that Provides that source fires, this one is
	// inhibited: lpops says the source is down instead of crying wolf.
	Requires string
	// Provides names the source whose outage this alert reports.
	Provides string
	// Hold delays the first notification of an alert that Requires a source
	// until it has fired, uninhibited, this long: from its start, and again
	// from the end of an inhibition. An outage seen by two probes at their
	// own pace (ChainUnavailable from the RPC probe, ChainUnreadable from the
	// keeper) is then notified once, by the one that Requires nothing.
	// Options.DependentWait is the floor for every such alert.
	Hold time.Duration
}

// Sink receives observations; the engine implements it.
type Sink interface {
	Observe(obs ...Observation)
}
