package capacity

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseBenchOutput reads livepeer_bench's output exactly as Livepeer's
// benchmarking guide prints it (testdata/README.md).
func TestParseBenchOutput(t *testing.T) {
	stdout, stderr := readTestdata(t, "livepeer_bench.stdout"), readTestdata(t, "livepeer_bench.stderr")
	rep, err := ParseBenchOutput(stdout, stderr)
	if err != nil {
		t.Fatal(err)
	}
	want := BenchReport{ConcurrentSessions: 1, TotalSegs: 10, RealTimeSegs: 10, RealTimeSegsRatio: 1,
		SourceDurationSeconds: 20, TranscodeDurationSeconds: 1.1165546499999999, RealTimeDurationRatio: 0.05583}
	got := rep
	got.Segments = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report = %+v\nwant     %+v", got, want)
	}
	if len(rep.Segments) != 10 {
		t.Fatalf("%d segments, want 10", len(rep.Segments))
	}
	if s := rep.Segments[0]; s.Session != 0 || s.Segment != 0 || s.Duration != 2*time.Second || s.TranscodeTime != 254500*time.Microsecond {
		t.Errorf("segment 0 = %+v", s)
	}
	if r := rep.Segments[0].Ratio(); r < 0.127 || r > 0.128 {
		t.Errorf("segment 0 ratio = %v, want 0.12725", r)
	}

	t.Run("NewerFormat", func(t *testing.T) {
		// Newer livepeer_bench adds a frames column and prints its
		// settings on stdout as "data [[...]]"; glog lines go to stderr.
		out := "data [[Source File bbb/source.m3u8] [Live Mode true]] \n" +
			"timestamp,session,segment,seg_dur,transcode_time,frames\n" +
			"2024-05-01 10:00:01.5,0,0,2,1.9,60\n2024-05-01 10:00:01.8,1,0,2,2.1,60\n"
		errOut := "I0501 10:00:00.000000   1 livepeer_bench.go:80] log level is: 24\n" + string(stderr)
		errOut = strings.Replace(errOut, "| Total Segs Transcoded        | 10 ", "| Total Segs Transcoded        | 2  ", 1)
		rep, err := ParseBenchOutput([]byte(out), []byte(errOut))
		if err != nil {
			t.Fatal(err)
		}
		var ratios []float64
		for _, s := range rep.Segments {
			ratios = append(ratios, s.Ratio())
		}
		if !slices.Equal(ratios, []float64{0.95, 1.05}) {
			t.Errorf("ratios = %v", ratios)
		}
	})
	t.Run("RunDied", func(t *testing.T) {
		cut := strings.Split(string(stderr), "\n")[:7]
		_, err := ParseBenchOutput(stdout, []byte(strings.Join(cut, "\n")))
		if err == nil || !strings.Contains(err.Error(), "did not finish") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("BadValue", func(t *testing.T) {
		bad := strings.Replace(string(stderr), "0.05583", "fast", 1)
		_, err := ParseBenchOutput(stdout, []byte(bad))
		if err == nil || !strings.Contains(err.Error(), `Real-Time Duration Ratio: bad value "fast"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("CountMismatch", func(t *testing.T) {
		short := strings.Join(strings.Split(string(stdout), "\n")[:5], "\n")
		_, err := ParseBenchOutput([]byte(short), stderr)
		if err == nil || !strings.Contains(err.Error(), "reported 10 segments") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestLivepeerBenchArgs(t *testing.T) {
	src := []Source{{Playlist: "/tmp/clip/source.m3u8"}, {Playlist: "/tmp/clip2/source.m3u8"}}
	l := Ladder{Spec: DefaultLadder}
	sw := (&LivepeerBench{Path: "livepeer_bench"}).Args(StepSpec{Sources: src, Ladder: l, Sessions: 3, Segments: 5})
	want := []string{"-in", "/tmp/clip/source.m3u8", "-concurrentSessions", "3", "-transcodingOptions", DefaultLadder, "-live=true", "-segs", "5"}
	if !slices.Equal(sw, want) {
		t.Errorf("software args = %q\nwant %q", sw, want)
	}
	gpu := (&LivepeerBench{Path: "livepeer_bench", Nvidia: "0,1"}).Args(StepSpec{Sources: src, Ladder: l, Sessions: 8, Segments: 5})
	if !slices.Equal(gpu[len(gpu)-2:], []string{"-nvidia", "0,1"}) {
		t.Errorf("gpu args = %q", gpu)
	}
}

// TestLivepeerBenchRamp drives testdata/livepeer_bench.sh, a stand-in that
// prints livepeer_bench's output format with a ratio of 0.15 per session
// (go-livepeer's binary cannot be built here), through the whole ramp: the
// process is run with lpops' flags, its output parsed, and the ramp finds
// the 5 sessions the stand-in sustains under 0.8.
func TestLivepeerBenchRamp(t *testing.T) {
	dir := t.TempDir()
	playlist := filepath.Join(dir, "source.m3u8")
	os.WriteFile(playlist, []byte("#EXTM3U\n#EXTINF:2.0,\na.ts\n#EXT-X-ENDLIST\n"), 0o644)
	src, err := ReadPlaylist(playlist)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "args.log")
	t.Setenv("LPB_ARGS_LOG", log)
	script, _ := filepath.Abs(filepath.Join("testdata", "livepeer_bench.sh"))
	e := &LivepeerBench{Path: script, Nvidia: "0"}
	l, _ := ParseLadder(DefaultLadder)
	steps, capacity, err := Ramp(context.Background(), e, []Source{src}, l, RampOptions{Segments: 3})
	if err != nil {
		t.Fatal(err)
	}
	if capacity != 5 {
		t.Errorf("capacity %d, want 5", capacity)
	}
	var ran []int
	for _, s := range steps {
		ran = append(ran, s.Sessions)
		if s.LivepeerBench == nil || s.LivepeerBench.ConcurrentSessions != s.Sessions || s.Segments != 3*s.Sessions {
			t.Errorf("step %+v", s)
		}
		if want := 0.15 * float64(s.Sessions); math.Abs(s.RatioP95-want) > 1e-9 || math.Abs(s.LivepeerBench.RealTimeDurationRatio-want) > 1e-3 {
			t.Errorf("step %d: p95 %v, livepeer_bench's ratio %v, want %v", s.Sessions, s.RatioP95, s.LivepeerBench.RealTimeDurationRatio, want)
		}
	}
	if !slices.Equal(ran, []int{1, 2, 4, 8, 6, 5}) {
		t.Errorf("ran %v", ran)
	}
	args, _ := os.ReadFile(log)
	if !strings.HasPrefix(string(args), "1 3 0\n2 3 0\n4 3 0\n") {
		t.Errorf("livepeer_bench was run with (sessions segs nvidia):\n%s", args)
	}

	// A run that dies is an error naming it, not a step.
	e.Path = filepath.Join(dir, "missing")
	if _, _, err := Ramp(context.Background(), e, []Source{src}, l, RampOptions{Segments: 1}); err == nil {
		t.Error("no error for a missing livepeer_bench")
	}
	bad := src
	bad.Playlist = filepath.Join(dir, "none.m3u8")
	e.Path = script
	if _, _, err := Ramp(context.Background(), e, []Source{bad}, l, RampOptions{Segments: 1}); err == nil || !strings.Contains(err.Error(), "Couldn't open input manifest") {
		t.Errorf("err = %v", err)
	}
}
