package config

import "time"

// Probes configures the checks lpops runs besides the keeper (issue: watch
// and alert). Every probe becomes metrics and a status entry.
type Probes struct {
	// Interval is how often probes run.
	Interval Duration `yaml:"interval"`
}

// DefaultProbes are the probe defaults.
func DefaultProbes() Probes {
	return Probes{Interval: Duration{10 * time.Second}}
}

func (v *validator) probes(p Probes) {
	if p.Interval.Duration <= 0 {
		v.add("probes.interval", p.Interval.String(), "must be positive")
	}
}
