// Command capacity validates lpops bench's recommendation: it runs the ramp
// (internal/capacity, the code behind `lpops bench`), then sustained runs of
// several minutes at the recommended concurrency and at 1.5 times it, and
// finds the highest concurrency that sustains real time (p95 ratio ≤ 1.0)
// over that length by bisection between them. It prints the p95 ratio of
// each sustained run and whether the recommendation is within ±10 % of
// that highest concurrency, the baseline measured in the same run.
//
//	go run ./bench/capacity [-resolution 720p] [-ladder P240p30fps16x9,P360p30fps16x9] [-sustain 3m] [-v]
//
// Exit status 1 when a goal breaks: the recommendation does not sustain
// real time, 1.5 times it does, or it is more than 10 % from the highest
// sustaining concurrency. See bench/capacity/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lpops/lpops/internal/capacity"
	"github.com/lpops/lpops/internal/testenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type params struct {
	resolution string
	clip       time.Duration
	segment    time.Duration
	ladder     string
	maxRatio   float64
	segments   int
	sustain    time.Duration
	limit      int
	ffmpeg     string
	verbose    bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("capacity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p params
	fs.StringVar(&p.resolution, "resolution", "720p", "test clip size (1080p, 720p, WxH)")
	fs.DurationVar(&p.clip, "clip", time.Minute, "test clip length")
	fs.DurationVar(&p.segment, "segment", 2*time.Second, "segment length")
	fs.StringVar(&p.ladder, "ladder", capacity.DefaultLadder, "ladder: go-livepeer profile names or a transcodingOptions.json")
	fs.Float64Var(&p.maxRatio, "max-ratio", capacity.DefaultMaxRatio, "the ramp's p95 threshold")
	fs.IntVar(&p.segments, "segments", 10, "segments per session in each ramp step")
	fs.DurationVar(&p.sustain, "sustain", 3*time.Minute, "length of each sustained run")
	fs.IntVar(&p.limit, "limit", 64, "most sessions the ramp tries")
	fs.StringVar(&p.ffmpeg, "ffmpeg", "", "ffmpeg (default: .tools/bin/ffmpeg, else PATH)")
	fs.BoolVar(&p.verbose, "v", false, "print each step as it finishes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if p.ffmpeg == "" {
		ff, ok := testenv.LookTool("ffmpeg")
		if !ok {
			fmt.Fprintln(stderr, "capacity: ffmpeg not found: run scripts/install-test-tools.sh or give -ffmpeg")
			return 1
		}
		p.ffmpeg = ff
	}
	res, err := validate(ctx, p, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "capacity:", err)
		return 1
	}
	if !res.ok() {
		return 1
	}
	return 0
}

// sustained is one long run at a fixed concurrency.
type sustained struct {
	step capacity.Step
}

func (s sustained) realTime() bool { return s.step.RatioP95 <= 1.0 }

type result struct {
	recommended int
	atRec       sustained
	at15        sustained
	highest     int
}

func (r result) within() (float64, bool) {
	if r.highest == 0 {
		return math.Inf(1), r.recommended == 0
	}
	dev := float64(r.recommended-r.highest) / float64(r.highest)
	return dev, math.Abs(dev) <= 0.10
}

func (r result) ok() bool {
	_, in := r.within()
	return r.atRec.realTime() && !r.at15.realTime() && in
}

func validate(ctx context.Context, p params, stdout, stderr io.Writer) (result, error) {
	var res result
	w, h, err := capacity.ParseResolution(p.resolution)
	if err != nil {
		return res, err
	}
	ladder, err := capacity.ParseLadder(p.ladder)
	if err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "lpops-bench-capacity-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	src, err := capacity.GenerateClip(ctx, p.ffmpeg, filepath.Join(dir, "clip"), capacity.ClipOptions{Width: w, Height: h, Duration: p.clip, SegmentDuration: p.segment})
	if err != nil {
		return res, err
	}
	e := &capacity.FFmpeg{Path: p.ffmpeg}
	started := time.Now()
	load := func() string {
		b, err := os.ReadFile("/proc/loadavg")
		if err != nil {
			return "?"
		}
		return strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Fprintf(stdout, "host: %d CPUs, load average %s at start\n", runtime.NumCPU(), load())
	fmt.Fprintf(stdout, "source: %s; ladder %s (%.4g Mbit/s a session); engine %s\n\n", src.Description, strings.Join(ladder.Names(), ","), float64(ladder.BitrateBps())/1e6, e.Name())

	// 1. The ramp, as lpops bench runs it.
	steps, compute, err := capacity.Ramp(ctx, e, []capacity.Source{src}, ladder, capacity.RampOptions{MaxRatio: p.maxRatio, Limit: p.limit, Segments: p.segments,
		Done: func(s capacity.Step) {
			if p.verbose {
				fmt.Fprintf(stderr, "ramp: %d sessions p95 %.3f\n", s.Sessions, s.RatioP95)
			}
		}})
	if err != nil {
		return res, err
	}
	rec := capacity.Recommend(compute, ladder, 0, p.maxRatio)
	res.recommended = rec.MaxSessions
	fmt.Fprintf(stdout, "ramp (%d segments per session per step, threshold p95 <= %.2f):\n", p.segments, p.maxRatio)
	printSteps(stdout, steps)
	fmt.Fprintf(stdout, "recommended: -maxSessions=%d\n\n", rec.MaxSessions)
	if rec.MaxSessions == 0 {
		return res, errors.New("the ramp recommends 0 sessions (one session is not real time): use a smaller -resolution or -ladder")
	}

	// 2. Sustained runs.
	segs := max(1, int(p.sustain/src.SegmentDuration()))
	cache := map[int]sustained{}
	sustain := func(n int) (sustained, error) {
		if s, ok := cache[n]; ok {
			return s, nil
		}
		if p.verbose {
			fmt.Fprintf(stderr, "sustained: %d sessions for %s…\n", n, p.sustain)
		}
		m, err := e.Run(ctx, capacity.StepSpec{Sources: []capacity.Source{src}, Ladder: ladder, Sessions: n, Segments: segs})
		if err != nil {
			return sustained{}, fmt.Errorf("sustained run of %d sessions: %w", n, err)
		}
		s := sustained{step: capacity.Summarize(n, m, 1.0)}
		cache[n] = s
		if p.verbose {
			fmt.Fprintf(stderr, "sustained: %d sessions p95 %.3f\n", n, s.step.RatioP95)
		}
		return s, nil
	}
	n15 := int(math.Ceil(1.5 * float64(rec.MaxSessions)))
	if res.atRec, err = sustain(rec.MaxSessions); err != nil {
		return res, err
	}
	if res.at15, err = sustain(n15); err != nil {
		return res, err
	}
	// 3. The highest concurrency that sustains real time, by bisection
	// between a sustaining and a failing count.
	lo, hi := 0, 0
	switch {
	case res.atRec.realTime() && !res.at15.realTime():
		lo, hi = rec.MaxSessions, n15
	case !res.atRec.realTime():
		lo, hi = 0, rec.MaxSessions
	default: // 1.5× still sustains: search upward, doubling.
		lo, hi = n15, 2*n15
		for {
			s, err := sustain(hi)
			if err != nil {
				return res, err
			}
			if !s.realTime() || hi >= p.limit {
				break
			}
			lo, hi = hi, 2*hi
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		s, err := sustain(mid)
		if err != nil {
			return res, err
		}
		if s.realTime() {
			lo = mid
		} else {
			hi = mid
		}
	}
	res.highest = lo

	fmt.Fprintf(stdout, "sustained runs (%s each, %d segments per session; real time = p95 <= 1.0):\n", p.sustain, segs)
	var runs []capacity.Step
	for _, s := range cache {
		runs = append(runs, s.step)
	}
	sortSteps(runs)
	printSteps(stdout, runs)
	dev, in := res.within()
	fmt.Fprintf(stdout, "\nat the recommendation (%d sessions): p95 ratio %.3f: %s\n", rec.MaxSessions, res.atRec.step.RatioP95, verdict(res.atRec.realTime(), "sustains real time", "does NOT sustain real time"))
	fmt.Fprintf(stdout, "at 1.5x (%d sessions):             p95 ratio %.3f: %s\n", n15, res.at15.step.RatioP95, verdict(!res.at15.realTime(), "falls behind real time", "still sustains real time"))
	fmt.Fprintf(stdout, "highest concurrency sustaining real time: %d sessions (baseline)\n", res.highest)
	if res.highest == 0 {
		fmt.Fprintf(stdout, "recommendation / baseline: %d / 0: no concurrency sustained real time, not even 1 (goal NOT met)\n", rec.MaxSessions)
	} else {
		fmt.Fprintf(stdout, "recommendation / baseline: %d / %d = %.2f (%+.0f %%): %s\n", rec.MaxSessions, res.highest, float64(rec.MaxSessions)/float64(res.highest), 100*dev,
			verdict(in, "within ±10 % (goal met)", "outside ±10 % (goal NOT met)"))
	}
	fmt.Fprintf(stdout, "wall time %s; load average %s at the end\n", time.Since(started).Round(time.Second), load())
	return res, nil
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func sortSteps(s []capacity.Step) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Sessions < s[j-1].Sessions; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func printSteps(w io.Writer, steps []capacity.Step) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSIONS\tSEGMENTS\tRATIO MEDIAN\tRATIO P95\tRATIO MAX\tLATE\tCPU %\tPEAK RSS")
	for _, s := range steps {
		fmt.Fprintf(tw, "%d\t%d\t%.3f\t%.3f\t%.3f\t%d\t%.0f\t%.0f MB\n", s.Sessions, s.Segments, s.RatioMedian, s.RatioP95, s.RatioMax, s.Late, s.CPUPercent, float64(s.PeakRSSBytes)/1e6)
	}
	tw.Flush()
}
