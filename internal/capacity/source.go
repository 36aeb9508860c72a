package capacity

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Segment is one piece of the source, as a live stream delivers it.
type Segment struct {
	Path     string        `json:"path"`
	Duration time.Duration `json:"duration_ns"`
}

// Source is a segmented stream: an HLS media playlist and its segments.
type Source struct {
	// Playlist is the .m3u8 file (livepeer_bench's -in).
	Playlist string    `json:"playlist"`
	Segments []Segment `json:"-"`
	// Description says what it is: the generated clip's pattern and size,
	// or the operator's file.
	Description string `json:"description"`
}

// SegmentDuration is the median duration of the source's segments: the
// pace at which a session releases them.
func (s Source) SegmentDuration() time.Duration {
	if len(s.Segments) == 0 {
		return 0
	}
	ds := make([]float64, len(s.Segments))
	for i, seg := range s.Segments {
		ds[i] = float64(seg.Duration)
	}
	return time.Duration(quantile(ds, 0.5))
}

// ClipOptions describe the generated test clip.
type ClipOptions struct {
	// Pattern is an ffmpeg lavfi video source: "testsrc2" (moving, the
	// default) or "smptehdbars" (static bars, the cheapest to encode).
	Pattern string
	Width   int // default 1920
	Height  int // default 1080
	FPS     int // default 30
	// Duration of the whole clip (default 60 s) and of each segment
	// (default 2 s).
	Duration        time.Duration
	SegmentDuration time.Duration
	// BitrateBps of the source's H.264 (default: about what a broadcaster
	// sends at that size, 0.1 bit per pixel per frame).
	BitrateBps int64
}

func (o *ClipOptions) defaults() {
	if o.Pattern == "" {
		o.Pattern = "testsrc2"
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1920, 1080
	}
	if o.FPS == 0 {
		o.FPS = 30
	}
	if o.Duration == 0 {
		o.Duration = 60 * time.Second
	}
	if o.SegmentDuration == 0 {
		o.SegmentDuration = 2 * time.Second
	}
	if o.BitrateBps == 0 {
		o.BitrateBps = int64(o.Width) * int64(o.Height) * int64(o.FPS) / 10
	}
}

// ParseResolution reads "WIDTHxHEIGHT" or a shorthand: 1080p, 720p, 360p.
func ParseResolution(s string) (w, h int, err error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1080p":
		return 1920, 1080, nil
	case "720p":
		return 1280, 720, nil
	case "480p":
		return 854, 480, nil
	case "360p":
		return 640, 360, nil
	}
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err1 := strconv.Atoi(a)
		h, err2 := strconv.Atoi(b)
		if err1 == nil && err2 == nil && w >= 16 && h >= 16 && w%2 == 0 && h%2 == 0 {
			return w, h, nil
		}
	}
	return 0, 0, fmt.Errorf("resolution %q: want WIDTHxHEIGHT (even, at least 16x16) or 1080p, 720p, 480p, 360p", s)
}

// GenerateClip writes a test clip into dir: ffmpeg's lavfi pattern with a
// 1 kHz tone, H.264 (keyframes on segment boundaries) and AAC, cut by the
// segment muxer into MPEG-TS segments listed in dir/source.m3u8.
func GenerateClip(ctx context.Context, ffmpeg, dir string, o ClipOptions) (Source, error) {
	o.defaults()
	switch o.Pattern {
	case "testsrc2", "smptehdbars", "testsrc", "smptebars":
	default:
		return Source{}, fmt.Errorf("clip pattern %q: want testsrc2 or smptehdbars", o.Pattern)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Source{}, err
	}
	segSecs := o.SegmentDuration.Seconds()
	playlist := filepath.Join(dir, "source.m3u8")
	br := strconv.FormatInt(o.BitrateBps, 10)
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("%s=size=%dx%d:rate=%d", o.Pattern, o.Width, o.Height, o.FPS),
		"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
		"-t", fmtSecs(o.Duration.Seconds()),
		"-map", "0:v", "-map", "1:a",
		"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
		"-b:v", br, "-maxrate", br, "-bufsize", br,
		"-force_key_frames", "expr:gte(t,n_forced*" + fmtSecs(segSecs) + ")",
		"-c:a", "aac", "-b:a", "96k",
		"-f", "segment", "-segment_time", fmtSecs(segSecs),
		"-segment_list", playlist, "-segment_list_type", "m3u8",
		"-segment_format", "mpegts",
		filepath.Join(dir, "seg%04d.ts"),
	}
	if err := runFFmpeg(ctx, ffmpeg, args); err != nil {
		return Source{}, fmt.Errorf("generate test clip: %w", err)
	}
	src, err := ReadPlaylist(playlist)
	if err != nil {
		return Source{}, err
	}
	src.Description = fmt.Sprintf("generated %s %dx%d@%d, %s, %s segments", o.Pattern, o.Width, o.Height, o.FPS, o.Duration, o.SegmentDuration)
	return src, nil
}

// SegmentFile cuts the operator's file into segments of about segDur
// (at its keyframes, without re-encoding) in dir. A .m3u8 is read as it is.
func SegmentFile(ctx context.Context, ffmpeg, file, dir string, segDur time.Duration) (Source, error) {
	if strings.HasSuffix(strings.ToLower(file), ".m3u8") {
		return ReadPlaylist(file)
	}
	if _, err := os.Stat(file); err != nil {
		return Source{}, fmt.Errorf("source: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Source{}, err
	}
	playlist := filepath.Join(dir, "source.m3u8")
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", file,
		"-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
		"-f", "segment", "-segment_time", fmtSecs(segDur.Seconds()),
		"-segment_list", playlist, "-segment_list_type", "m3u8", "-segment_format", "mpegts",
		filepath.Join(dir, "seg%04d.ts")}
	if err := runFFmpeg(ctx, ffmpeg, args); err != nil {
		return Source{}, fmt.Errorf("segment %s: %w", file, err)
	}
	src, err := ReadPlaylist(playlist)
	if err != nil {
		return Source{}, err
	}
	src.Description = "file " + file
	return src, nil
}

// ReadPlaylist reads an HLS media playlist: each #EXTINF duration and the
// segment URI after it, relative to the playlist's directory.
func ReadPlaylist(path string) (Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Source{}, fmt.Errorf("playlist: %w", err)
	}
	dir := filepath.Dir(path)
	src := Source{Playlist: path, Description: "playlist " + path}
	var pending time.Duration = -1
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		switch {
		case t == "":
		case strings.HasPrefix(t, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(t, "#EXTINF:"), ",")
			secs, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || secs <= 0 {
				return Source{}, fmt.Errorf("playlist %s:%d: bad #EXTINF duration %q", path, line, v)
			}
			pending = time.Duration(secs * float64(time.Second))
		case strings.HasPrefix(t, "#"):
		default:
			if pending < 0 {
				return Source{}, fmt.Errorf("playlist %s:%d: segment %q has no #EXTINF before it", path, line, t)
			}
			p := t
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			src.Segments = append(src.Segments, Segment{Path: p, Duration: pending})
			pending = -1
		}
	}
	if len(src.Segments) == 0 {
		return Source{}, fmt.Errorf("playlist %s: no segments", path)
	}
	return src, nil
}

// runFFmpeg runs ffmpeg and returns its stderr's last lines with the error.
func runFFmpeg(ctx context.Context, ffmpeg string, args []string) error {
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: %w: %s", filepath.Base(ffmpeg), err, lastLines(stderr.String(), 3))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, " / ")
	if out == "" {
		return "(no output)"
	}
	return out
}

func fmtSecs(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) }

// errNoSegments: a step was asked to run with a source without segments.
var errNoSegments = errors.New("source has no segments")
