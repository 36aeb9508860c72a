package capacity

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// tinyLadder is a two-rendition ladder small enough that a loaded 2-core
// machine transcodes it many times over in real time.
const tinyLadder = `[
{"name": "96p", "width": 160, "height": 96, "bitrate": 150000, "fps": 30, "profile": "h264constrainedhigh", "gop": "1"},
{"name": "48p", "width": 80, "height": 48, "bitrate": 60000, "fps": 15}
]`

// realSource generates a 160x90 clip of 3 one-second segments with
// Debian's ffmpeg, and the tiny ladder.
func realSource(t *testing.T) (string, Source, Ladder) {
	t.Helper()
	ffmpeg := testenv.RequireTool(t, "ffmpeg")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, err := GenerateClip(ctx, ffmpeg, filepath.Join(dir, "clip"), ClipOptions{Width: 160, Height: 90, Duration: 3 * time.Second, SegmentDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	lp := filepath.Join(dir, "ladder.json")
	if err := os.WriteFile(lp, []byte(tinyLadder), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ParseLadder(lp)
	if err != nil {
		t.Fatal(err)
	}
	return ffmpeg, src, l
}

func TestGenerateClip(t *testing.T) {
	_, src, _ := realSource(t)
	if len(src.Segments) < 3 || len(src.Segments) > 4 {
		t.Fatalf("%d segments, want 3 (a short last one may be cut): %+v", len(src.Segments), src.Segments)
	}
	for _, s := range src.Segments {
		if fi, err := os.Stat(s.Path); err != nil || fi.Size() == 0 {
			t.Errorf("segment %s: %v", s.Path, err)
		}
	}
	if d := src.SegmentDuration(); d < 900*time.Millisecond || d > 1100*time.Millisecond {
		t.Errorf("segment duration %s, want about 1s", d)
	}
}

// TestRampFFmpeg runs the ramp for real: Debian's ffmpeg transcodes the
// generated clip into the tiny ladder with lpms' software settings, paced
// as live streams. No figure is asserted (the machine's speed is not a
// test result); what is checked is that every step measured what it ran,
// that the capacity is the one the steps imply, and that a threshold no
// transcode can meet gives 0.
func TestRampFFmpeg(t *testing.T) {
	ffmpeg, src, l := realSource(t)
	e := &FFmpeg{Path: ffmpeg}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A second, smaller clip: sessions alternate between the two, the
	// mixed workload lpops bench's default 1080p and 720p clips make.
	small, err := GenerateClip(ctx, ffmpeg, filepath.Join(t.TempDir(), "small"), ClipOptions{Width: 128, Height: 72, Duration: 3 * time.Second, SegmentDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Ramp", func(t *testing.T) {
		progress := map[int]int{} // sessions -> segments done
		steps, capacity, err := Ramp(ctx, e, []Source{src, small}, l, RampOptions{Limit: 4, Segments: 2,
			Progress: func(n, done, total int) { progress[n] = max(progress[n], done) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) == 0 {
			t.Fatal("no steps")
		}
		pass := map[int]bool{}
		for _, s := range steps {
			pass[s.Sessions] = s.Pass
			if s.Segments != 2*s.Sessions {
				t.Errorf("step %d: %d segments, want %d", s.Sessions, s.Segments, 2*s.Sessions)
			}
			if !(s.RatioMedian > 0 && s.RatioP95 >= s.RatioMedian && s.RatioMax >= s.RatioP95) {
				t.Errorf("step %d ratios: median %v p95 %v max %v", s.Sessions, s.RatioMedian, s.RatioP95, s.RatioMax)
			}
			if s.CPUPercent <= 0 || s.PeakRSSBytes <= 0 || s.WallSeconds <= 0 {
				t.Errorf("step %d: cpu %v%%, rss %d, wall %vs: not measured", s.Sessions, s.CPUPercent, s.PeakRSSBytes, s.WallSeconds)
			}
			if s.Pass != (s.RatioP95 <= DefaultMaxRatio) {
				t.Errorf("step %d: pass %v with p95 %v", s.Sessions, s.Pass, s.RatioP95)
			}
		}
		for _, s := range steps {
			if progress[s.Sessions] != 2*s.Sessions {
				t.Errorf("step %d: progress reached %d segments, want %d", s.Sessions, progress[s.Sessions], 2*s.Sessions)
			}
		}
		// The capacity passed, and the next count up failed or is the limit.
		if capacity > 0 && !pass[capacity] {
			t.Errorf("capacity %d did not pass its step", capacity)
		}
		if capacity < 4 {
			if p, ran := pass[capacity+1]; !ran || p {
				t.Errorf("capacity %d but %d sessions ran=%v passed=%v", capacity, capacity+1, ran, p)
			}
		}
		rec := Recommend(capacity, l, 1, DefaultMaxRatio) // 1 Mbit/s carries 4 sessions of 0.21
		if rec.MaxSessions != min(capacity, 4) {
			t.Errorf("recommendation %+v for capacity %d", rec, capacity)
		}
	})
	t.Run("ImpossibleThreshold", func(t *testing.T) {
		steps, capacity, err := Ramp(ctx, e, []Source{src}, l, RampOptions{MaxRatio: 1e-9, Segments: 1})
		if err != nil {
			t.Fatal(err)
		}
		if capacity != 0 || len(steps) != 1 || steps[0].Pass {
			t.Errorf("capacity %d after %+v", capacity, steps)
		}
	})
	t.Run("BrokenSegment", func(t *testing.T) {
		bad := src
		bad.Segments = []Segment{{Path: filepath.Join(t.TempDir(), "missing.ts"), Duration: time.Second}}
		_, _, err := Ramp(ctx, e, []Source{src, bad}, l, RampOptions{MaxRatio: 1e9, Limit: 2, Segments: 1})
		if err == nil {
			t.Fatal("no error for a missing segment")
		}
		t.Log(err)
	})
}

// TestSourceFile cuts an operator's file (here an MP4 made with ffmpeg
// from smptehdbars) into segments, as --source does.
func TestSourceFile(t *testing.T) {
	ffmpeg := testenv.RequireTool(t, "ffmpeg")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bars, err := GenerateClip(ctx, ffmpeg, filepath.Join(dir, "bars"), ClipOptions{Pattern: "smptehdbars", Width: 160, Height: 90, Duration: 2 * time.Second, SegmentDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mp4 := filepath.Join(dir, "recording.mp4")
	if err := runFFmpeg(ctx, ffmpeg, []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", bars.Playlist, "-c", "copy", mp4}); err != nil {
		t.Fatal(err)
	}
	src, err := SegmentFile(ctx, ffmpeg, mp4, filepath.Join(dir, "cut"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Segments) < 2 || src.Description != "file "+mp4 {
		t.Errorf("source %+v", src)
	}
	if _, err := SegmentFile(ctx, ffmpeg, filepath.Join(dir, "missing.mp4"), filepath.Join(dir, "x"), time.Second); err == nil {
		t.Error("no error for a missing file")
	}
	if _, err := GenerateClip(ctx, ffmpeg, filepath.Join(dir, "y"), ClipOptions{Pattern: "mandelbrot"}); err == nil {
		t.Error("no error for an unknown pattern")
	}
}
