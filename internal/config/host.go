package config

// Host describes the orchestrator's machine: what `lpops render` turns into
// host configuration and what `lpops doctor` audits against.
type Host struct{}

// DefaultHost are the host defaults.
func DefaultHost() Host { return Host{} }

func (v *validator) host(h Host) {}
