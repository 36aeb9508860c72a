package capacity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// Engine transcodes one step of the ramp: Sessions live streams at once.
type Engine interface {
	// Name says which engine and accelerator, for the report.
	Name() string
	// Run transcodes spec.Segments segments in each of spec.Sessions
	// sessions, each releasing a segment every segment duration.
	Run(ctx context.Context, spec StepSpec) (Measurement, error)
}

// StepSpec is one step's work.
type StepSpec struct {
	// Sources are the streams: session k transcodes Sources[k mod
	// len(Sources)], so several sources make a mixed workload (the
	// default clip is 1080p30 and 720p30, alternating).
	Sources  []Source
	Ladder   Ladder
	Sessions int
	// Segments each session transcodes; the source's segments are reused
	// from the start when it has fewer.
	Segments int
	// Progress, when set, is called after each transcoded segment with
	// the count done and the total (Sessions × Segments).
	Progress func(done, total int)
}

// Measurement is what an engine measured in one step.
type Measurement struct {
	// Ratios holds one real-time ratio (transcode time / segment
	// duration) per transcoded segment.
	Ratios []float64
	// Late counts segments that were still being transcoded when the
	// session's next segment arrived, on the session's timeline of
	// transcode times: a segment starts when it is released or when the
	// session's previous segment is done, whichever is later, and takes
	// its transcode time (without a process's start, which lpms does not
	// pay).
	Late int
	// CPUSeconds is the user+system CPU time of the transcoding processes
	// (the kernel's rusage of each reaped process); PeakRSSBytes the
	// highest sum of their resident memory seen in /proc during the step,
	// and at least the largest one process's own peak (rusage maxrss): a
	// process shorter than the /proc sampling interval is never sampled.
	CPUSeconds   float64
	PeakRSSBytes int64
	Wall         time.Duration
	// Bench is livepeer_bench's own closing report, when it ran.
	Bench *BenchReport
}

// pacedTranscode transcodes one segment of one session and returns how long
// the transcode itself took.
type pacedTranscode func(ctx context.Context, session int, seg Segment) (time.Duration, error)

// runPaced runs spec's sessions, each releasing its next segment one segment
// duration after the previous one (the sessions' starts spread over the
// first segment duration, as independent streams are), and collects every
// segment's ratio. A segment whose transcode is still running when the
// next is released makes that one wait, as go-livepeer's per-stream queue
// does; a segment done after its session's next release is counted as late
// (Measurement.Late).
func runPaced(ctx context.Context, spec StepSpec, transcode pacedTranscode) (Measurement, error) {
	if len(spec.Sources) == 0 {
		return Measurement{}, errNoSegments
	}
	for _, src := range spec.Sources {
		if len(src.Segments) == 0 {
			return Measurement{}, errNoSegments
		}
	}
	if spec.Sessions < 1 || spec.Segments < 1 {
		return Measurement{}, fmt.Errorf("step needs at least one session and one segment, got %d and %d", spec.Sessions, spec.Segments)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	segDur := spec.Sources[0].SegmentDuration()
	total := spec.Sessions * spec.Segments
	var (
		mu     sync.Mutex
		m      Measurement
		done   int
		runErr error
		wg     sync.WaitGroup
	)
	start := time.Now()
	for k := range spec.Sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := start.Add(segDur * time.Duration(k) / time.Duration(spec.Sessions))
			free := release // when the session's previous segment is done, on its timeline
			src := spec.Sources[k%len(spec.Sources)]
			for j := range spec.Segments {
				seg := src.Segments[j%len(src.Segments)]
				if err := sleepUntil(ctx, release); err != nil {
					return
				}
				took, err := transcode(ctx, k, seg)
				mu.Lock()
				if err != nil {
					if runErr == nil && ctx.Err() == nil {
						runErr = fmt.Errorf("session %d segment %d (%s): %w", k, j, seg.Path, err)
					}
					mu.Unlock()
					cancel()
					return
				}
				m.Ratios = append(m.Ratios, took.Seconds()/seg.Duration.Seconds())
				if free.Before(release) {
					free = release
				}
				free = free.Add(took)
				release = release.Add(seg.Duration)
				if free.After(release) {
					m.Late++
				}
				done++
				if spec.Progress != nil {
					spec.Progress(done, total)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	m.Wall = time.Since(start)
	if runErr != nil {
		return Measurement{}, runErr
	}
	if err := ctx.Err(); err != nil {
		return Measurement{}, err
	}
	return m, nil
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// procWatch samples the resident memory of a changing set of processes
// from /proc and keeps the highest sum seen.
type procWatch struct {
	mu   sync.Mutex
	pids map[int]struct{}
	peak int64
	fs   procfs.FS
	ok   bool
	stop chan struct{}
	done chan struct{}
}

// watchProcs starts sampling every interval until stopped.
func watchProcs(interval time.Duration) *procWatch {
	w := &procWatch{pids: map[int]struct{}{}, stop: make(chan struct{}), done: make(chan struct{})}
	if fs, err := procfs.NewFS(procfs.DefaultMountPoint); err == nil {
		w.fs, w.ok = fs, true
	}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w
}

func (w *procWatch) add(pid int) {
	w.mu.Lock()
	w.pids[pid] = struct{}{}
	w.mu.Unlock()
	w.sample()
}

func (w *procWatch) remove(pid int) {
	w.mu.Lock()
	delete(w.pids, pid)
	w.mu.Unlock()
}

func (w *procWatch) sample() {
	if !w.ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var sum int64
	for pid := range w.pids {
		p, err := w.fs.Proc(pid)
		if err != nil {
			continue
		}
		st, err := p.Stat()
		if err != nil {
			continue
		}
		sum += int64(st.ResidentMemory())
	}
	w.peak = max(w.peak, sum)
}

// finish stops sampling and returns the peak.
func (w *procWatch) finish() int64 {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// cpuSeconds is a reaped process's user+system time from its rusage.
func cpuSeconds(state interface{ SysUsage() any }) float64 {
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// maxRSS is a reaped process's own peak resident memory in bytes (the
// kernel's rusage maxrss, in KiB on Linux), 0 when unknown.
func maxRSS(state interface{ SysUsage() any }) int64 {
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	return ru.Maxrss << 10
}

// ErrNoEngine: neither livepeer_bench nor ffmpeg could be found.
var ErrNoEngine = errors.New("no transcoder found: install ffmpeg (scripts/install-test-tools.sh puts Debian's under .tools/bin) or give --livepeer-bench PATH")
