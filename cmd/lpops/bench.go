package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/lpops/lpops/internal/capacity"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
)

const benchUsage = `Usage: lpops bench [flags]

Measure how many concurrent live streams this host transcodes in real time
and recommend go-livepeer's -maxSessions.

Test clips are generated (ffmpeg's testsrc2 with a tone, 1080p30 and 720p30,
60 s, H.264, cut into 2 s MPEG-TS segments like an HLS stream; the sessions
alternate between them), or --source FILE is cut the same way. Each step runs N sessions at once, each releasing a segment
every segment duration as a live stream arrives, and transcodes it into the
ladder (--ladder: go-livepeer profile names or a transcodingOptions.json).
A step passes when the 95th percentile of transcode time / segment duration
is at most --max-ratio. N goes 1, 2, 4, ... until a step fails, then bisects.
With --upload-mbps the uplink caps it too: the recommendation is the smaller
of the two, and the report says which.

The transcoder is go-livepeer's livepeer_bench when --livepeer-bench names
it or it is on PATH, else ffmpeg (--ffmpeg, else ffmpeg on PATH) with the
libx264 settings of go-livepeer's software path. --gpu uses NVDEC/NVENC
(livepeer_bench -nvidia, or ffmpeg -hwaccel cuda and h264_nvenc); it is on
by itself when nvidia-smi -L lists a device (--gpu=false turns it off).

Output: a progress bar on a terminal (plain lines otherwise) on stderr; a
table of the steps and the recommendation on stdout, or the JSON report
with --json (schema lpops.bench/v1, docs/cli.md). The report is also saved
as state_dir/capacity/last-bench.json when a configuration is found, where
the node probe reads the measured capacity. --plot writes an SVG of the
ratio against the sessions with the threshold and the recommendation.

--apply sets host.node.max_sessions in the configuration file to the
recommendation (that one value is changed in place; comments stay) and,
with --out DIR, renders the host configuration into DIR again so that
livepeer.service carries -maxSessions=N (as lpops render --force would).

Exit status: 0 measured; 1 a failure (no transcoder, ffmpeg failed, the
configuration could not be updated); 2 a usage error.
`

const benchExample = `lpops bench --upload-mbps 500 --plot bench.svg --apply --out ./host/lp-orch-1`

// gpuFlag is --gpu: unset means detect, --gpu forces it on, --gpu=false off.
type gpuFlag struct {
	set, on bool
}

func (g *gpuFlag) String() string {
	if !g.set {
		return "auto"
	}
	return strconv.FormatBool(g.on)
}

func (g *gpuFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	g.set, g.on = true, v
	return nil
}

func (g *gpuFlag) IsBoolFlag() bool { return true }

type benchFlags struct {
	cf             *configFlags
	source         string
	resolution     string
	pattern        string
	clipSeconds    float64
	segmentSeconds float64
	segments       int
	duration       time.Duration
	ladder         string
	maxRatio       float64
	uploadMbps     float64
	limit          int
	gpu            gpuFlag
	gpuDevices     string
	livepeerBench  string
	ffmpeg         string
	nvidiaSMI      string
	jsonOut        bool
	plot           string
	apply          bool
	out            string
	workDir        string
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f benchFlags
	f.cf = addConfigFlags(fs, false)
	fs.StringVar(&f.source, "source", "", "transcode this video `FILE` (or an HLS .m3u8) instead of the generated clip")
	fs.StringVar(&f.resolution, "resolution", "1080p,720p", "generated clips' sizes, comma-separated, sessions alternating between them: 1080p, 720p, 480p, 360p or `WxH` (160x90 for a quick check)")
	fs.StringVar(&f.pattern, "pattern", "testsrc2", "generated clip's picture: testsrc2 (moving) or smptehdbars")
	fs.Float64Var(&f.clipSeconds, "clip-seconds", 60, "generated clip's length in `seconds`")
	fs.Float64Var(&f.segmentSeconds, "segment-seconds", 2, "segment length in `seconds` (go-livepeer's is 2)")
	fs.IntVar(&f.segments, "segments", 10, "segments each session transcodes per step (the step's length)")
	fs.DurationVar(&f.duration, "duration", 0, "each step's length instead of --segments (rounded to whole segments)")
	fs.StringVar(&f.ladder, "ladder", capacity.DefaultLadder, "renditions: go-livepeer profile names, comma-separated, or a transcodingOptions.json `FILE`")
	fs.Float64Var(&f.maxRatio, "max-ratio", capacity.DefaultMaxRatio, "highest p95 transcode time / segment duration a step may reach and pass")
	fs.Float64Var(&f.uploadMbps, "upload-mbps", 0, "upload speed in `Mbit/s`; caps the sessions at what the uplink carries (0: not checked)")
	fs.IntVar(&f.limit, "limit", 256, "most sessions the ramp tries")
	fs.Var(&f.gpu, "gpu", "transcode on NVIDIA GPUs (default: when nvidia-smi -L lists one)")
	fs.StringVar(&f.gpuDevices, "gpu-devices", "", "GPU `IDs`, comma-separated (default: every device nvidia-smi lists)")
	fs.StringVar(&f.livepeerBench, "livepeer-bench", "", "go-livepeer's livepeer_bench `PATH` (default: livepeer_bench on PATH, else ffmpeg)")
	fs.StringVar(&f.ffmpeg, "ffmpeg", "", "ffmpeg `PATH` (default: ffmpeg on PATH)")
	fs.StringVar(&f.nvidiaSMI, "nvidia-smi", "", "nvidia-smi `PATH` for GPU detection (default: on PATH)")
	fs.BoolVar(&f.jsonOut, "json", false, "print the JSON report instead of the table")
	fs.StringVar(&f.plot, "plot", "", "write an SVG plot of ratio vs sessions to `FILE`")
	fs.BoolVar(&f.apply, "apply", false, "set host.node.max_sessions in the configuration file to the recommendation")
	fs.StringVar(&f.out, "out", "", "with --apply, render the host configuration into `DIR` again (livepeer.service's -maxSessions)")
	fs.StringVar(&f.workDir, "work-dir", "", "keep the generated clip and segments in `DIR` (default: a temporary directory, removed)")
	fs.Usage = func() {
		fmt.Fprint(stdout, benchUsage, "\nFlags:\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fmt.Fprintf(stdout, "\nExample:\n  %s\n", benchExample)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(stderr, "Run 'lpops bench --help' for usage.")
		return exitUsage
	}
	if msg := f.check(fs); msg != "" {
		fmt.Fprintf(stderr, "lpops bench: %s\nRun 'lpops bench --help' for usage.\n", msg)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := &bench{f: f, stdout: stdout, stderr: stderr, progress: newProgress(stderr)}
	return b.run(ctx)
}

// check returns a usage problem, or "".
func (f *benchFlags) check(fs *flag.FlagSet) string {
	switch {
	case fs.NArg() > 0:
		return "unexpected arguments: " + strings.Join(fs.Args(), " ")
	case f.maxRatio <= 0:
		return "--max-ratio must be positive"
	case f.uploadMbps < 0:
		return "--upload-mbps must not be negative"
	case f.segments < 1:
		return "--segments must be at least 1"
	case f.segmentSeconds <= 0 || f.clipSeconds < f.segmentSeconds:
		return "--segment-seconds must be positive and --clip-seconds at least one segment"
	case f.limit < 1:
		return "--limit must be at least 1"
	case f.out != "" && !f.apply:
		return "--out renders the configuration --apply changed: give --apply too"
	}
	for _, r := range strings.Split(f.resolution, ",") {
		if _, _, err := capacity.ParseResolution(r); err != nil {
			return "--resolution: " + err.Error()
		}
	}
	return ""
}

type bench struct {
	f        benchFlags
	stdout   io.Writer
	stderr   io.Writer
	progress *progress
}

func (b *bench) run(ctx context.Context) int {
	f := &b.f
	// The configuration is optional: it names the state directory (where
	// the report is kept) and is what --apply changes.
	var cfg *config.Config
	if file, _, err := configFile(f.cf.path); err == nil {
		c, code := f.cf.load(b.stderr)
		if code != exitOK {
			return code
		}
		cfg = c
		f.cf.file = file
	} else if f.apply {
		fmt.Fprintf(b.stderr, "lpops bench: --apply changes the configuration file: %v\n", err)
		return exitUsage
	}
	ladder, err := capacity.ParseLadder(f.ladder)
	if err != nil {
		fmt.Fprintln(b.stderr, "lpops bench: --ladder:", err)
		return exitUsage
	}
	engine, gpus, err := b.engine(ctx)
	if err != nil {
		fmt.Fprintln(b.stderr, "lpops bench:", err)
		return exitError
	}
	work := f.workDir
	if work == "" {
		if work, err = os.MkdirTemp("", "lpops-bench-"); err != nil {
			fmt.Fprintln(b.stderr, "lpops bench:", err)
			return exitError
		}
		defer os.RemoveAll(work)
	}
	started := time.Now().UTC()
	srcs, err := b.sources(ctx, work)
	if err != nil {
		fmt.Fprintln(b.stderr, "lpops bench:", err)
		return exitError
	}
	src := srcs[0]
	if _, ok := engine.(*capacity.LivepeerBench); ok && len(srcs) > 1 {
		b.progress.line("livepeer_bench reads one playlist: every session transcodes %s", src.Description)
		srcs = srcs[:1]
	}
	segs := f.segments
	if f.duration > 0 {
		segs = max(1, int(f.duration/src.SegmentDuration()))
	}
	for _, s := range srcs {
		b.progress.line("source: %s (%d segments of %s)", s.Description, len(s.Segments), s.SegmentDuration())
	}
	b.progress.line("ladder %s (%.4g Mbit/s a session); engine %s; sessions alternate between the %d sources",
		strings.Join(ladder.Names(), ","), float64(ladder.BitrateBps())/1e6, engine.Name(), len(srcs))
	steps, compute, err := capacity.Ramp(ctx, engine, srcs, ladder, capacity.RampOptions{
		MaxRatio: f.maxRatio, Limit: f.limit, Segments: segs,
		OnStep:   func(n int) { b.progress.start(n, n*segs, capacity.StepDuration(src, segs)) },
		Progress: func(_, done, total int) { b.progress.update(done, total) },
		Done: func(s capacity.Step) {
			b.progress.done(fmt.Sprintf("%d sessions: p95 %.3f, median %.3f, %s", s.Sessions, s.RatioP95, s.RatioMedian, passWord(s.Pass)))
		},
	})
	if err != nil {
		fmt.Fprintln(b.stderr, "lpops bench:", err)
		return exitError
	}
	rep := &capacity.Report{
		Schema: capacity.Schema, StartedAt: started, FinishedAt: time.Now().UTC(),
		Host: capacity.ThisHost(), Engine: engine.Name(), GPUs: gpus, Sources: srcs,
		SegmentSeconds: src.SegmentDuration().Seconds(), SegmentsPerStep: segs,
		Ladder: ladder, MaxRatio: f.maxRatio, Steps: steps,
		Recommendation: capacity.Recommend(compute, ladder, f.uploadMbps, f.maxRatio),
	}
	if compute == f.limit {
		rep.Recommendation.Reason += fmt.Sprintf("; the ramp stopped at --limit %d, so the host may take more", f.limit)
	}
	if f.workDir == "" {
		for i := range rep.Sources {
			rep.Sources[i].Playlist = "" // removed with the temporary directory
		}
	}
	if f.jsonOut {
		enc := json.NewEncoder(b.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(b.stderr, "lpops bench:", err)
			return exitError
		}
	} else {
		printBenchTable(b.stdout, rep)
	}
	code := exitOK
	if f.plot != "" {
		if err := os.WriteFile(f.plot, capacity.Plot(rep), 0o644); err != nil {
			fmt.Fprintln(b.stderr, "lpops bench: --plot:", err)
			code = exitError
		}
	}
	if cfg != nil {
		path := capacity.LastReportPath(cfg.StateDir)
		if err := rep.Save(path); err != nil {
			fmt.Fprintf(b.stderr, "lpops bench: save the report: %v\n", err)
			code = exitError
		} else {
			b.progress.line("report saved as %s", path)
		}
	}
	if f.apply {
		if err := b.applyMaxSessions(rep.Recommendation.MaxSessions); err != nil {
			fmt.Fprintln(b.stderr, "lpops bench: --apply:", err)
			return exitError
		}
	}
	return code
}

func passWord(p bool) string {
	if p {
		return "pass"
	}
	return "FAIL"
}

// engine picks the transcoder: livepeer_bench when given or on PATH, else
// ffmpeg; GPU when asked or detected.
func (b *bench) engine(ctx context.Context) (capacity.Engine, []capacity.GPU, error) {
	f := &b.f
	gpus := capacity.DetectGPUs(ctx, f.nvidiaSMI)
	if gpus == nil {
		gpus = []capacity.GPU{}
	}
	useGPU := len(gpus) > 0
	if f.gpu.set {
		useGPU = f.gpu.on
	}
	devices := capacity.Indexes(gpus)
	if f.gpuDevices != "" {
		devices = strings.Split(f.gpuDevices, ",")
	}
	if useGPU && len(devices) == 0 {
		return nil, nil, errors.New("--gpu: nvidia-smi -L lists no device; give --gpu-devices or check the NVIDIA driver")
	}
	lb := f.livepeerBench
	if lb == "" {
		lb, _ = exec.LookPath("livepeer_bench")
	}
	if lb != "" {
		e := &capacity.LivepeerBench{Path: lb}
		if useGPU {
			e.Nvidia = strings.Join(devices, ",")
		}
		return e, gpus, nil
	}
	ff := f.ffmpeg
	if ff == "" {
		p, err := exec.LookPath("ffmpeg")
		if err != nil {
			return nil, nil, capacity.ErrNoEngine
		}
		ff = p
	}
	e := &capacity.FFmpeg{Path: ff, GPU: useGPU}
	if useGPU {
		e.Devices = devices
	}
	return e, gpus, nil
}

// sources generates the clips (one per --resolution) or segments --source.
// Clip generation and segmenting use ffmpeg even when livepeer_bench
// transcodes.
func (b *bench) sources(ctx context.Context, work string) ([]capacity.Source, error) {
	f := &b.f
	ff := f.ffmpeg
	if ff == "" {
		ff, _ = exec.LookPath("ffmpeg")
	}
	segDur := time.Duration(f.segmentSeconds * float64(time.Second))
	if f.source != "" {
		if ff == "" && !strings.HasSuffix(strings.ToLower(f.source), ".m3u8") {
			return nil, errors.New("--source: ffmpeg is needed to cut the file into segments (or give an HLS .m3u8)")
		}
		src, err := capacity.SegmentFile(ctx, ff, f.source, filepath.Join(work, "source"), segDur)
		if err != nil {
			return nil, err
		}
		return []capacity.Source{src}, nil
	}
	if ff == "" {
		return nil, errors.New("ffmpeg is needed to generate the test clip (or give --source PLAYLIST.m3u8)")
	}
	var out []capacity.Source
	for _, res := range strings.Split(f.resolution, ",") {
		w, h, _ := capacity.ParseResolution(res)
		b.progress.line("generating the test clip (%s %dx%d@30, %gs)…", f.pattern, w, h, f.clipSeconds)
		src, err := capacity.GenerateClip(ctx, ff, filepath.Join(work, fmt.Sprintf("clip-%dx%d", w, h)), capacity.ClipOptions{
			Pattern: f.pattern, Width: w, Height: h,
			Duration:        time.Duration(f.clipSeconds * float64(time.Second)),
			SegmentDuration: segDur,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

func printBenchTable(w io.Writer, r *capacity.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSIONS\tSEGMENTS\tRATIO MEDIAN\tRATIO P95\tRATIO MAX\tLATE\tCPU %\tHOST CPU %\tPEAK RSS\tRESULT")
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "%d\t%d\t%.3f\t%.3f\t%.3f\t%d\t%.0f\t%.0f\t%.0f MB\t%s\n",
			s.Sessions, s.Segments, s.RatioMedian, s.RatioP95, s.RatioMax, s.Late, s.CPUPercent, s.HostCPUPercent, float64(s.PeakRSSBytes)/1e6, passWord(s.Pass))
	}
	tw.Flush()
	rec := r.Recommendation
	fmt.Fprintf(w, "\nengine: %s; host: %d CPUs; threshold: p95 ratio <= %.2f; %d segments of %gs per session per step\n",
		r.Engine, r.Host.CPUs, r.MaxRatio, r.SegmentsPerStep, r.SegmentSeconds)
	fmt.Fprintf(w, "compute capacity: %d sessions\n", rec.Compute)
	if rec.Bandwidth != nil {
		fmt.Fprintf(w, "bandwidth capacity: %d sessions (%.4g Mbit/s upload, %.4g Mbit/s a session)\n", *rec.Bandwidth, rec.UploadMbps, rec.SessionMbps)
	}
	fmt.Fprintf(w, "recommended: -maxSessions=%d\nreason: %s\n", rec.MaxSessions, rec.Reason)
}

// applyMaxSessions sets host.node.max_sessions in the configuration file
// and, with --out, renders the host configuration again.
func (b *bench) applyMaxSessions(n int) error {
	if n < 1 {
		return errors.New("the recommendation is 0 sessions: host.node.max_sessions must be at least 1, so the configuration is left as it is")
	}
	file := b.f.cf.file
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	updated, err := setMaxSessions(data, n)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	c, err := config.Parse(updated, file)
	if err != nil {
		return fmt.Errorf("the updated configuration does not validate, left unchanged: %w", err)
	}
	if !bytes.Equal(updated, data) {
		if err := writeFileKeepMode(file, updated); err != nil {
			return err
		}
	}
	// With --json, stdout holds the report alone.
	w := b.stdout
	if b.f.jsonOut {
		w = b.stderr
	}
	fmt.Fprintf(w, "%s: host.node.max_sessions: %d\n", file, n)
	if b.f.out == "" {
		fmt.Fprintf(w, "render the unit with: lpops render --config %s --out DIR --force (or give --out DIR), then restart livepeer\n", file)
		return nil
	}
	files, err := render.Render(c, render.Options{Source: file})
	if err != nil {
		return config.InSource(file, err)
	}
	if _, err := render.WriteDir(b.f.out, files, true); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: rendered with -maxSessions=%d; restart livepeer to apply it\n", filepath.Join(b.f.out, "livepeer.service"), n)
	return nil
}

// setMaxSessions returns the configuration with host.node.max_sessions set
// to n. An existing value is replaced where it stands, so the rest of the
// file (comments, layout) is untouched; a missing key is added (and the file
// re-encoded, which keeps comments but not every detail of layout).
func setMaxSessions(data []byte, n int) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, errors.New("the configuration is not a mapping")
	}
	host := mapChild(doc, "host")
	node := mapChild(host, "node")
	if v := mapValue(node, "max_sessions"); v != nil && v.Kind == yaml.ScalarNode {
		lines := bytes.SplitAfter(data, []byte("\n"))
		if v.Line-1 < len(lines) {
			line := lines[v.Line-1]
			col := v.Column - 1
			if col+len(v.Value) <= len(line) && string(line[col:col+len(v.Value)]) == v.Value {
				var out []byte
				out = append(out, line[:col]...)
				out = append(out, strconv.Itoa(n)...)
				out = append(out, line[col+len(v.Value):]...)
				lines[v.Line-1] = out
				return bytes.Join(lines, nil), nil
			}
		}
	}
	setMapValue(node, "max_sessions", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)})
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapChild returns the mapping under key, adding an empty one when missing
// or null.
func mapChild(m *yaml.Node, key string) *yaml.Node {
	if v := mapValue(m, key); v != nil {
		if v.Kind != yaml.MappingNode {
			*v = yaml.Node{Kind: yaml.MappingNode}
		}
		return v
	}
	v := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	return v
}

func setMapValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

// writeFileKeepMode replaces path with data atomically, keeping its mode.
func writeFileKeepMode(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// progress reports the ramp on stderr: a bar redrawn in place on a
// terminal, one line per step otherwise.
type progress struct {
	w        io.Writer
	tty      bool
	sessions int
	started  time.Time
	eta      time.Duration
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
			p.tty = true
		}
	}
	return p
}

func (p *progress) line(format string, args ...any) {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *progress) start(sessions, total int, eta time.Duration) {
	p.sessions, p.started, p.eta = sessions, time.Now(), eta
	if p.tty {
		p.update(0, total)
		return
	}
	fmt.Fprintf(p.w, "step: %d sessions, %d segments, about %s\n", sessions, total, eta.Round(time.Second))
}

func (p *progress) update(done, total int) {
	if !p.tty || total == 0 {
		return
	}
	const width = 30
	fill := done * width / total
	left := max(0, p.eta-time.Since(p.started)).Round(time.Second)
	fmt.Fprintf(p.w, "\r\033[K%3d sessions [%s%s] %d/%d segments, ~%s left",
		p.sessions, strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, total, left)
}

func (p *progress) done(summary string) { p.line("step: %s", summary) }
