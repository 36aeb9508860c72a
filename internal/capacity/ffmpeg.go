package capacity

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FFmpeg transcodes each segment with one ffmpeg process, the way
// go-livepeer's lpms does in-process: one decode, every rendition encoded
// from it.
type FFmpeg struct {
	// Path of the ffmpeg binary.
	Path string
	// GPU decodes with NVDEC (-hwaccel cuda), scales with scale_cuda and
	// encodes with h264_nvenc on Devices, sessions spread over them round
	// robin. Empty Devices with GPU means device 0.
	GPU     bool
	Devices []string
}

var _ Engine = (*FFmpeg)(nil)

// Name implements Engine.
func (e *FFmpeg) Name() string {
	if e.GPU {
		return "ffmpeg (h264_nvenc, NVDEC; devices " + strings.Join(e.devices(), ",") + ")"
	}
	return "ffmpeg (libx264, lpms software settings)"
}

func (e *FFmpeg) devices() []string {
	if len(e.Devices) == 0 {
		return []string{"0"}
	}
	return e.Devices
}

// Args returns the ffmpeg arguments that transcode in into every rendition
// of l, the output thrown away after MPEG-TS muxing (livepeer_bench's
// default of no output files). Session picks the GPU device.
//
// Software, as lpms' Transcode sets it up (ffmpeg/ffmpeg.go, encoder.c):
// per rendition "fps=N/D," when the profile has a frame rate, then
// scale='w=if(gte(iw,ih),W,-2):h=if(lt(iw,ih),H,-2)' (the larger side
// fits, the aspect ratio kept); libx264 with lpms' one default option
// forced-idr=1, rc_min_rate = bit_rate = rc_max_rate = rc_buffer_size =
// the profile's bitrate, the libx264 default preset (medium) and
// libavcodec's default of one thread (lpms sets no thread count); the
// profile's H.264 profile (constrained high: high without B-frames) and
// GOP; audio copied. GPU: the same graph with scale_cuda on frames decoded
// by NVDEC, and h264_nvenc.
func (e *FFmpeg) Args(in string, l Ladder, session int) []string {
	// -benchmark prints "bench: utime=… stime=… rtime=…" at info level.
	args := []string{"-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-benchmark", "-y"}
	dev := ""
	scale := "scale"
	if e.GPU {
		ds := e.devices()
		dev = ds[session%len(ds)]
		args = append(args, "-hwaccel", "cuda", "-hwaccel_output_format", "cuda", "-hwaccel_device", dev)
		scale = "scale_cuda"
	} else {
		args = append(args, "-threads", "1", "-filter_complex_threads", "1")
	}
	args = append(args, "-i", in)
	var g strings.Builder
	fmt.Fprintf(&g, "[0:v]split=%d", len(l.Renditions))
	for i := range l.Renditions {
		fmt.Fprintf(&g, "[s%d]", i)
	}
	for i, r := range l.Renditions {
		g.WriteString(";")
		fmt.Fprintf(&g, "[s%d]", i)
		if r.FPS > 0 {
			den := r.FPSDen
			if den == 0 {
				den = 1
			}
			fmt.Fprintf(&g, "fps=%d/%d,", r.FPS, den)
		}
		fmt.Fprintf(&g, "%s='w=if(gte(iw,ih),%d,-2):h=if(lt(iw,ih),%d,-2)'[o%d]", scale, r.Width, r.Height, i)
	}
	args = append(args, "-filter_complex", g.String())
	for i, r := range l.Renditions {
		br := strconv.FormatInt(r.BitrateBps, 10)
		args = append(args, "-map", fmt.Sprintf("[o%d]", i), "-map", "0:a?")
		if e.GPU {
			args = append(args, "-c:v", "h264_nvenc", "-gpu", "any")
		} else {
			args = append(args, "-c:v", "libx264", "-threads", "1", "-preset", "medium")
		}
		args = append(args, "-forced-idr", "1", "-b:v", br, "-minrate", br, "-maxrate", br, "-bufsize", br)
		switch r.Profile {
		case "baseline", "main", "high":
			args = append(args, "-profile:v", r.Profile)
		case "constrained_high":
			args = append(args, "-profile:v", "high", "-bf", "0")
		}
		switch {
		case r.GOP == GOPIntraOnly:
			args = append(args, "-g", "1")
		case r.GOP > 0:
			args = append(args, "-force_key_frames", "expr:gte(t,n_forced*"+fmtSecs(r.GOP.Seconds())+")")
		}
		args = append(args, "-c:a", "copy", "-f", "mpegts", "/dev/null")
	}
	return args
}

// benchLine is ffmpeg's -benchmark summary.
var benchLine = regexp.MustCompile(`(?m)^bench: utime=[0-9.]+s stime=[0-9.]+s rtime=([0-9.]+)s`)

// benchRealTime is the rtime of ffmpeg's -benchmark line: the wall time of
// its transcode loop (opening the encoders, decoding, filtering, encoding,
// muxing), without the process's start (exec, loading ~100 shared
// libraries, probing the input: half a second on a loaded machine, which
// lpms, running in-process, never pays).
func benchRealTime(stderr []byte) (time.Duration, bool) {
	m := benchLine.FindSubmatch(stderr)
	if m == nil {
		return 0, false
	}
	secs, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

// Run implements Engine. A segment's transcode time is ffmpeg's own
// measure of its transcode loop (benchRealTime), or the process's wall time
// when that line is missing.
func (e *FFmpeg) Run(ctx context.Context, spec StepSpec) (Measurement, error) {
	watch := watchProcs(200 * time.Millisecond)
	var (
		mu      sync.Mutex
		cpu     float64
		procMax int64
	)
	m, err := runPaced(ctx, spec, func(ctx context.Context, session int, seg Segment) (time.Duration, error) {
		cmd := exec.CommandContext(ctx, e.Path, e.Args(seg.Path, spec.Ladder, session)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		watch.add(cmd.Process.Pid)
		err := cmd.Wait()
		took := time.Since(start)
		watch.remove(cmd.Process.Pid)
		if cmd.ProcessState != nil {
			mu.Lock()
			cpu += cpuSeconds(cmd.ProcessState)
			procMax = max(procMax, maxRSS(cmd.ProcessState))
			mu.Unlock()
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w: %s", filepath.Base(e.Path), err, lastLines(stderr.String(), 3))
		}
		if rt, ok := benchRealTime(stderr.Bytes()); ok {
			return rt, nil
		}
		return took, nil
	})
	peak := watch.finish()
	if err != nil {
		return Measurement{}, err
	}
	m.CPUSeconds = cpu
	m.PeakRSSBytes = max(peak, procMax)
	return m, nil
}
