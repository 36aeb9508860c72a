package main

import (
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// gcPercent reads the collector's current target without changing it.
func gcPercent(t *testing.T) uint64 {
	t.Helper()
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("/gc/gogc:percent: kind %v", s[0].Value.Kind())
	}
	return s[0].Value.Uint64()
}

// TestDaemonGCPercent: the daemon collects at 50 % heap growth unless the
// operator set GOGC, which then stands.
func TestDaemonGCPercent(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })

	tuneGC(func(string) string { return "" })
	if got := gcPercent(t); got != daemonGCPercent {
		t.Errorf("GOGC unset: the collector's target is %d %%, want %d %%", got, daemonGCPercent)
	}

	debug.SetGCPercent(200) // what the runtime applied from GOGC=200
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "200"
		}
		return ""
	})
	if got := gcPercent(t); got != 200 {
		t.Errorf("GOGC=200: the collector's target is %d %%, want the operator's 200 %%", got)
	}
}
