package capacity

import (
	"context"
	"slices"
	"testing"
	"time"
)

// modelEngine is the ramp's input, not a transcoder: each step's ratio is a
// fixed function of its concurrency, so the search itself (doubling, then
// bisection) is what is tested. The transcoders are tested for real in
// TestRampFFmpeg.
type modelEngine struct {
	ratio func(sessions int) float64
	ran   []int
}

func (m *modelEngine) Name() string { return "model" }

func (m *modelEngine) Run(_ context.Context, spec StepSpec) (Measurement, error) {
	m.ran = append(m.ran, spec.Sessions)
	r := m.ratio(spec.Sessions)
	out := Measurement{Wall: time.Second, CPUSeconds: 0.5}
	for range spec.Sessions * spec.Segments {
		out.Ratios = append(out.Ratios, r)
	}
	return out, nil
}

func TestRamp(t *testing.T) {
	src := []Source{{Segments: []Segment{{Path: "x", Duration: 2 * time.Second}}}}
	for _, tc := range []struct {
		name     string
		capacity int // sessions at or under which the ratio is 0.5, above it 0.9
		limit    int
		want     int
		ran      []int
	}{
		{"Bisects", 5, 0, 5, []int{1, 2, 4, 8, 6, 5}},
		{"PowerOfTwo", 4, 0, 4, []int{1, 2, 4, 8, 6, 5}},
		{"OneSession", 1, 0, 1, []int{1, 2}},
		{"NoneInRealTime", 0, 0, 0, []int{1}},
		{"UpToTheLimit", 100, 12, 12, []int{1, 2, 4, 8, 12}},
		{"LimitFails", 10, 12, 10, []int{1, 2, 4, 8, 12, 10, 11}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &modelEngine{ratio: func(n int) float64 {
				if n <= tc.capacity {
					return 0.5
				}
				return 0.9
			}}
			var done []Step
			steps, got, err := Ramp(context.Background(), e, src, Ladder{}, RampOptions{Limit: tc.limit, Segments: 3, Done: func(s Step) { done = append(done, s) }})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("capacity = %d, want %d", got, tc.want)
			}
			if !slices.Equal(e.ran, tc.ran) {
				t.Errorf("ran %v, want %v", e.ran, tc.ran)
			}
			if len(steps) != len(tc.ran) || len(done) != len(steps) {
				t.Fatalf("%d steps, %d reported", len(steps), len(done))
			}
			for _, s := range steps {
				if s.Pass != (s.Sessions <= tc.capacity) || s.Segments != 3*s.Sessions || s.CPUPercent != 50 {
					t.Errorf("step %+v", s)
				}
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	m := Measurement{Ratios: []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 2.0}, Late: 1, Wall: 2 * time.Second, CPUSeconds: 3}
	s := Summarize(4, m, 0.8)
	if s.RatioMedian != 0.6 || s.RatioMax != 2.0 || s.Pass || s.CPUPercent != 150 || s.Segments != 11 {
		t.Errorf("step = %+v", s)
	}
	// p95 of 11 values: rank 9.5 between 1.0 and 2.0.
	if s.RatioP95 < 1.49 || s.RatioP95 > 1.51 {
		t.Errorf("p95 = %v, want 1.5", s.RatioP95)
	}
	if Summarize(1, Measurement{}, 0.8).Pass {
		t.Error("a step without segments passed")
	}
}

// TestRunPacedLate: a segment is late when, on its session's timeline of
// transcode times, it is done after the session's next segment arrives; a
// slow segment delays the next one's start. The transcode times here are
// reported, not slept, so the count does not depend on the machine.
func TestRunPacedLate(t *testing.T) {
	src := []Source{{Segments: []Segment{{Path: "a", Duration: 20 * time.Millisecond}}}}
	for _, tc := range []struct {
		name string
		took []time.Duration // per segment of the session
		late int
	}{
		{"InTime", []time.Duration{5 * time.Millisecond, 19 * time.Millisecond, 20 * time.Millisecond}, 0},
		{"OneSlowThenCatchUp", []time.Duration{30 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond}, 1},
		{"SlowDelaysTheNext", []time.Duration{35 * time.Millisecond, 15 * time.Millisecond, 5 * time.Millisecond}, 2},
		{"AlwaysSlow", []time.Duration{30 * time.Millisecond, 30 * time.Millisecond, 30 * time.Millisecond}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			m, err := runPaced(context.Background(), StepSpec{Sources: src, Sessions: 1, Segments: len(tc.took)},
				func(context.Context, int, Segment) (time.Duration, error) {
					d := tc.took[i]
					i++
					return d, nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if m.Late != tc.late || len(m.Ratios) != len(tc.took) {
				t.Errorf("late %d of %d, want %d", m.Late, len(m.Ratios), tc.late)
			}
		})
	}
}
