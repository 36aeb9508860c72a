package capacity

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// DefaultMaxRatio is the p95 real-time ratio a step may reach and still
// pass: Livepeer's guidance leaves 20 % of each segment's time for the
// network.
const DefaultMaxRatio = 0.8

// Step is one measured concurrency.
type Step struct {
	Sessions int `json:"sessions"`
	// Segments transcoded in the step (all sessions).
	Segments    int     `json:"segments"`
	RatioMedian float64 `json:"ratio_median"`
	RatioP95    float64 `json:"ratio_p95"`
	RatioMax    float64 `json:"ratio_max"`
	// Late: segments still transcoding when their session's next one
	// arrived.
	Late int `json:"late_segments"`
	// CPUPercent is the transcoders' CPU time over the step's wall time,
	// in percent of one core (200 = two cores busy); HostCPUPercent the
	// same over all of the host's cores.
	CPUPercent     float64 `json:"cpu_percent"`
	HostCPUPercent float64 `json:"host_cpu_percent"`
	PeakRSSBytes   int64   `json:"peak_rss_bytes"`
	WallSeconds    float64 `json:"wall_seconds"`
	// Pass: RatioP95 ≤ the threshold.
	Pass bool `json:"pass"`
	// LivepeerBench is livepeer_bench's own report of the step.
	LivepeerBench *BenchReport `json:"livepeer_bench,omitempty"`
}

// RampOptions tune the ramp.
type RampOptions struct {
	// MaxRatio is the p95 threshold; 0 means DefaultMaxRatio.
	MaxRatio float64
	// Limit is the most sessions tried; 0 means 256.
	Limit int
	// Segments each session transcodes per step; 0 means 10.
	Segments int
	// OnStep, when set, is called before a step (with its session count)
	// and the step's progress is passed to Progress.
	OnStep   func(sessions int)
	Progress func(sessions, done, total int)
	// Done, when set, is called with each finished step.
	Done func(Step)
}

func (o *RampOptions) defaults() {
	if o.MaxRatio == 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.Limit == 0 {
		o.Limit = 256
	}
	if o.Segments == 0 {
		o.Segments = 10
	}
}

// Ramp finds the highest concurrency whose p95 ratio stays at or under
// o.MaxRatio: 1, 2, 4, … until a step fails (or o.Limit), then bisection
// between the last pass and the first failure. It returns the steps in the
// order run and the capacity (0 when one session fails; o.Limit when
// nothing failed up to it).
func Ramp(ctx context.Context, e Engine, srcs []Source, l Ladder, o RampOptions) ([]Step, int, error) {
	o.defaults()
	var steps []Step
	run := func(n int) (Step, error) {
		if o.OnStep != nil {
			o.OnStep(n)
		}
		spec := StepSpec{Sources: srcs, Ladder: l, Sessions: n, Segments: o.Segments}
		if o.Progress != nil {
			spec.Progress = func(done, total int) { o.Progress(n, done, total) }
		}
		m, err := e.Run(ctx, spec)
		if err != nil {
			return Step{}, fmt.Errorf("step of %d sessions: %w", n, err)
		}
		s := Summarize(n, m, o.MaxRatio)
		steps = append(steps, s)
		if o.Done != nil {
			o.Done(s)
		}
		return s, nil
	}
	pass, fail := 0, 0
	for n := 1; ; n *= 2 {
		n = min(n, o.Limit)
		s, err := run(n)
		if err != nil {
			return steps, 0, err
		}
		if !s.Pass {
			fail = n
			break
		}
		pass = n
		if n == o.Limit {
			return steps, pass, nil
		}
	}
	for fail-pass > 1 {
		mid := pass + (fail-pass)/2
		s, err := run(mid)
		if err != nil {
			return steps, 0, err
		}
		if s.Pass {
			pass = mid
		} else {
			fail = mid
		}
	}
	return steps, pass, nil
}

// Summarize turns a measurement into a step judged against maxRatio.
func Summarize(sessions int, m Measurement, maxRatio float64) Step {
	s := Step{
		Sessions:      sessions,
		Segments:      len(m.Ratios),
		RatioMedian:   quantile(m.Ratios, 0.5),
		RatioP95:      quantile(m.Ratios, 0.95),
		RatioMax:      quantile(m.Ratios, 1),
		Late:          m.Late,
		PeakRSSBytes:  m.PeakRSSBytes,
		WallSeconds:   m.Wall.Seconds(),
		LivepeerBench: m.Bench,
	}
	if m.Wall > 0 {
		s.CPUPercent = 100 * m.CPUSeconds / m.Wall.Seconds()
		s.HostCPUPercent = s.CPUPercent / float64(runtime.NumCPU())
	}
	s.Pass = len(m.Ratios) > 0 && s.RatioP95 <= maxRatio
	return s
}

// StepDuration estimates a step's wall time: the sessions' staggered start
// plus segments × the segment duration.
func StepDuration(src Source, segments int) time.Duration {
	d := src.SegmentDuration()
	return d*time.Duration(segments) + d
}
