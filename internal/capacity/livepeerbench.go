package capacity

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// LivepeerBench drives go-livepeer's livepeer_bench (cmd/livepeer_bench):
// the real transcoder, lpms linked in. One step is one run with
// -concurrentSessions; livepeer_bench paces the segments itself (-live,
// its default: each session sleeps out the rest of a segment's duration
// after transcoding it) and starts a session every 300 ms.
type LivepeerBench struct {
	Path string
	// Nvidia is livepeer_bench's -nvidia: comma-separated device IDs or
	// "all"; empty transcodes in software.
	Nvidia string
}

var _ Engine = (*LivepeerBench)(nil)

// Name implements Engine.
func (e *LivepeerBench) Name() string {
	if e.Nvidia != "" {
		return "livepeer_bench (-nvidia " + e.Nvidia + ")"
	}
	return "livepeer_bench (software)"
}

// Args returns livepeer_bench's arguments for one step. livepeer_bench
// reads one playlist: the first source (every session transcodes it).
func (e *LivepeerBench) Args(spec StepSpec) []string {
	args := []string{"-in", spec.Sources[0].Playlist,
		"-concurrentSessions", strconv.Itoa(spec.Sessions),
		"-transcodingOptions", spec.Ladder.Spec,
		"-live=true"}
	if spec.Segments > 0 {
		args = append(args, "-segs", strconv.Itoa(spec.Segments))
	}
	if e.Nvidia != "" {
		args = append(args, "-nvidia", e.Nvidia)
	}
	return args
}

// Run implements Engine. livepeer_bench reads at most the playlist's
// segments; a step asking for more gets the playlist's count.
func (e *LivepeerBench) Run(ctx context.Context, spec StepSpec) (Measurement, error) {
	if len(spec.Sources) == 0 {
		return Measurement{}, errNoSegments
	}
	cmd := exec.CommandContext(ctx, e.Path, e.Args(spec)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	watch := watchProcs(200 * time.Millisecond)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		watch.finish()
		return Measurement{}, err
	}
	watch.add(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	peak := watch.finish()
	if err != nil {
		if ctx.Err() != nil {
			return Measurement{}, ctx.Err()
		}
		return Measurement{}, fmt.Errorf("%s: %w: %s", filepath.Base(e.Path), err, lastLines(stderr.String(), 3))
	}
	rep, err := ParseBenchOutput(stdout.Bytes(), stderr.Bytes())
	if err != nil {
		return Measurement{}, err
	}
	m := Measurement{Wall: wall, PeakRSSBytes: max(peak, maxRSS(cmd.ProcessState)), Bench: &rep, CPUSeconds: cpuSeconds(cmd.ProcessState)}
	for _, s := range rep.Segments {
		m.Ratios = append(m.Ratios, s.Ratio())
		if s.TranscodeTime > s.Duration {
			m.Late++
		}
	}
	return m, nil
}

// BenchSegment is one CSV line of livepeer_bench's stdout:
// "timestamp,session,segment,seg_dur,transcode_time[,frames]".
type BenchSegment struct {
	Session       int           `json:"session"`
	Segment       int           `json:"segment"`
	Duration      time.Duration `json:"duration_ns"`
	TranscodeTime time.Duration `json:"transcode_time_ns"`
}

// Ratio is the segment's real-time ratio.
func (s BenchSegment) Ratio() float64 { return s.TranscodeTime.Seconds() / s.Duration.Seconds() }

// BenchReport is livepeer_bench's output: its per-segment lines and the
// statistics table it prints on stderr when every session is done (the
// last one, when -repeat ran it several times).
type BenchReport struct {
	Segments                 []BenchSegment `json:"-"`
	ConcurrentSessions       int            `json:"concurrent_sessions"`
	TotalSegs                int            `json:"total_segs_transcoded"`
	RealTimeSegs             int            `json:"real_time_segs_transcoded"`
	RealTimeSegsRatio        float64        `json:"real_time_segs_ratio"`
	SourceDurationSeconds    float64        `json:"total_source_duration_s"`
	TranscodeDurationSeconds float64        `json:"total_transcoding_duration_s"`
	RealTimeDurationRatio    float64        `json:"real_time_duration_ratio"`
}

// ParseBenchOutput reads livepeer_bench's output. Lines may come from
// either stream in any order (glog writes to stderr too); the CSV lines are
// recognised by their shape and the statistics by the table rows
// "| Key | Value |". It fails when the closing table is missing (the run
// died) or a value in it is malformed.
func ParseBenchOutput(stdout, stderr []byte) (BenchReport, error) {
	var rep BenchReport
	seen := map[string]bool{}
	for _, out := range [][]byte{stdout, stderr} {
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "|") {
				if err := rep.tableRow(line, seen); err != nil {
					return BenchReport{}, err
				}
				continue
			}
			if seg, ok := parseBenchCSV(line); ok {
				rep.Segments = append(rep.Segments, seg)
			}
		}
	}
	if !seen["Real-Time Duration Ratio"] || !seen["Total Segs Transcoded"] {
		return BenchReport{}, errors.New("livepeer_bench output has no statistics table (\"* Real-Time Duration Ratio *\"): the run did not finish")
	}
	if rep.TotalSegs != len(rep.Segments) {
		return BenchReport{}, fmt.Errorf("livepeer_bench reported %d segments transcoded but printed %d segment lines", rep.TotalSegs, len(rep.Segments))
	}
	return rep, nil
}

func (rep *BenchReport) tableRow(line string, seen map[string]bool) error {
	cells := strings.Split(strings.Trim(line, "|"), "|")
	if len(cells) != 2 {
		return nil
	}
	key := strings.TrimSpace(strings.Trim(strings.TrimSpace(cells[0]), "*"))
	val := strings.TrimSpace(cells[1])
	num := func() (float64, error) {
		f, err := strconv.ParseFloat(strings.TrimSuffix(val, "s"), 64)
		if err != nil {
			return 0, fmt.Errorf("livepeer_bench statistics: %s: bad value %q", key, val)
		}
		return f, nil
	}
	var err error
	var f float64
	switch key {
	case "Concurrent Sessions":
		// The opening table has this row too; the closing one follows it.
		f, err = num()
		rep.ConcurrentSessions = int(f)
	case "Total Segs Transcoded":
		f, err = num()
		rep.TotalSegs = int(f)
	case "Real-Time Segs Transcoded":
		f, err = num()
		rep.RealTimeSegs = int(f)
	case "Real-Time Segs Ratio":
		rep.RealTimeSegsRatio, err = num()
	case "Total Source Duration":
		rep.SourceDurationSeconds, err = num()
	case "Total Transcoding Duration":
		rep.TranscodeDurationSeconds, err = num()
	case "Real-Time Duration Ratio":
		rep.RealTimeDurationRatio, err = num()
	default:
		return nil
	}
	seen[key] = true
	return err
}

// parseBenchCSV reads "2021-03-12 00:21:29.1412,0,0,2,0.2545" (and the
// newer form with a trailing frame count).
func parseBenchCSV(line string) (BenchSegment, bool) {
	f := strings.Split(line, ",")
	if len(f) != 5 && len(f) != 6 {
		return BenchSegment{}, false
	}
	if _, err := time.Parse("2006-01-02 15:04:05.9999", f[0]); err != nil {
		return BenchSegment{}, false
	}
	sess, err1 := strconv.Atoi(f[1])
	seg, err2 := strconv.Atoi(f[2])
	dur, err3 := strconv.ParseFloat(f[3], 64)
	tt, err4 := strconv.ParseFloat(f[4], 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || dur <= 0 || tt < 0 {
		return BenchSegment{}, false
	}
	return BenchSegment{Session: sess, Segment: seg,
		Duration:      time.Duration(dur * float64(time.Second)),
		TranscodeTime: time.Duration(tt * float64(time.Second))}, true
}
