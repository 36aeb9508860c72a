package alert

import (
	"time"

	"github.com/lpops/lpops/internal/config"
)

// FromConfig returns the Options the alerts section configures: repeat
// intervals, retention, static silences, outbox bounds and the heartbeat,
// whose URL it reads from its file or environment variable. The caller adds
// Store, Notifiers, Routes, Healthy, Logger and Registerer.
func FromConfig(c config.Alerts) (Options, error) {
	o := Options{
		RepeatInterval: map[Severity]time.Duration{
			Critical: c.RepeatInterval.Critical.Duration,
			Warning:  c.RepeatInterval.Warning.Duration,
			Info:     c.RepeatInterval.Info.Duration,
		},
		ResolvedRetention: c.ResolvedRetention.Duration,
		MaxPending:        c.Outbox.MaxPending,
		MaxBackoff:        c.Outbox.MaxBackoff.Duration,
		MaxRejections:     c.Outbox.MaxRejections,
		HeartbeatInterval: c.Heartbeat.Interval.Duration,
	}
	for _, s := range c.Silences {
		ms := make([]Matcher, len(s.Matchers))
		for i, m := range s.Matchers {
			ms[i] = Matcher{Name: m.Name, Value: m.Value}
		}
		o.Silences = append(o.Silences, Silence{Matchers: ms, Until: s.Until.Time, Comment: s.Comment, CreatedBy: "config"})
	}
	url, err := c.Heartbeat.URL()
	if err != nil {
		return Options{}, err
	}
	o.HeartbeatURL = url
	return o, nil
}
