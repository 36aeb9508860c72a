package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/capacity"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/testenv"
)

func benchCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"bench"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestBenchHelp(t *testing.T) {
	code, stdout, _ := benchCmd(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Usage: lpops bench [flags]", "-max-ratio", "-upload-mbps", "-livepeer-bench", "-apply", "Example:\n  lpops bench"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestBenchUsageErrors(t *testing.T) {
	noDefaultConfig(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"Stray", []string{"extra"}, "unexpected arguments"},
		{"BadRatio", []string{"--max-ratio", "0"}, "--max-ratio must be positive"},
		{"BadResolution", []string{"--resolution", "huge"}, "--resolution"},
		{"OutWithoutApply", []string{"--out", "x"}, "give --apply too"},
		{"ApplyWithoutConfig", []string{"--apply"}, "--apply changes the configuration file"},
		{"UnknownProfile", []string{"--ladder", "P240p30fps16x9,P4k"}, `unknown profile "P4k"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := benchCmd(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// benchConfig is the render sample with its state_dir in a temporary
// directory, written where --apply may change it.
func benchConfig(t *testing.T) (file, stateDir string) {
	t.Helper()
	data, err := os.ReadFile(renderSample)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stateDir = filepath.Join(dir, "state")
	data = bytes.Replace(data, []byte("state_dir: /var/lib/lpops"), []byte("state_dir: "+stateDir), 1)
	file = filepath.Join(dir, "lpops.yaml")
	if err := os.WriteFile(file, data, 0o640); err != nil {
		t.Fatal(err)
	}
	return file, stateDir
}

// TestBenchRealRun runs lpops bench end to end with Debian's ffmpeg on a
// tiny clip and ladder: the JSON report on stdout, the plot, the report in
// the state directory, and --apply setting host.node.max_sessions and
// rendering livepeer.service with it. The measured figures are not asserted.
func TestBenchRealRun(t *testing.T) {
	ffmpeg := testenv.RequireTool(t, "ffmpeg")
	noDefaultConfig(t)
	file, stateDir := benchConfig(t)
	dir := t.TempDir()
	ladder := filepath.Join(dir, "ladder.json")
	os.WriteFile(ladder, []byte(`[{"name":"96p","width":160,"height":96,"bitrate":150000,"fps":30},{"name":"48p","width":80,"height":48,"bitrate":60000}]`), 0o644)
	plot := filepath.Join(dir, "bench.svg")
	out := filepath.Join(dir, "host")
	before, _ := os.ReadFile(file)

	code, stdout, stderr := benchCmd(t, "--config", file, "--ffmpeg", ffmpeg, "--nvidia-smi", filepath.Join(dir, "no-nvidia-smi"),
		"--resolution", "160x90", "--clip-seconds", "2", "--segment-seconds", "1", "--segments", "1", "--limit", "2",
		"--ladder", ladder, "--upload-mbps", "0.21", "--json", "--plot", plot, "--apply", "--out", out)
	// stdout: the JSON report alone; stderr: progress and what --apply did.
	var rep capacity.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s\nstderr: %s", err, stdout, stderr)
	}
	if rep.Schema != capacity.Schema || len(rep.Steps) == 0 || rep.Engine != "ffmpeg (libx264, lpms software settings)" || len(rep.GPUs) != 0 {
		t.Errorf("report: %+v", rep)
	}
	rec := rep.Recommendation
	// 0.21 Mbit/s of upload carries one session of this ladder.
	if rec.Bandwidth == nil || *rec.Bandwidth != 1 || rec.MaxSessions != min(rec.Compute, 1) {
		t.Errorf("recommendation %+v", rec)
	}
	if !strings.Contains(stderr, "step: 1 sessions") {
		t.Errorf("no progress lines on stderr:\n%s", stderr)
	}
	saved, err := capacity.LoadReport(capacity.LastReportPath(stateDir))
	if err != nil || saved.Recommendation.MaxSessions != rec.MaxSessions || saved.Recommendation.Reason != rec.Reason {
		t.Errorf("saved report: %v %+v", err, saved)
	}
	svg, err := os.ReadFile(plot)
	if err != nil || xml.Unmarshal(svg, new(struct{})) != nil || !bytes.Contains(svg, []byte(`id="threshold"`)) {
		t.Errorf("plot: %v\n%.300s", err, svg)
	}
	after, _ := os.ReadFile(file)
	if rec.MaxSessions == 0 {
		// This machine could not run even one session in real time:
		// --apply refuses and leaves the file alone.
		if code != 1 || !strings.Contains(stderr, "recommendation is 0 sessions") || !bytes.Equal(before, after) {
			t.Errorf("exit %d with a 0 recommendation; stderr %s", code, stderr)
		}
		return
	}
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	c, err := config.Load(file)
	if err != nil || c.Host.Node.MaxSessions != uint(rec.MaxSessions) {
		t.Fatalf("config after --apply: %v, max_sessions %d", err, c.Host.Node.MaxSessions)
	}
	// Only the value changed: comments and layout stay.
	if want := bytes.Replace(before, []byte("max_sessions: 20"), []byte("max_sessions: "+strconv.Itoa(rec.MaxSessions)), 1); !bytes.Equal(after, want) {
		t.Errorf("--apply changed more than max_sessions:\n%s", after)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
	}
	unit, err := os.ReadFile(filepath.Join(out, "livepeer.service"))
	if err != nil || !bytes.Contains(unit, []byte("-maxSessions="+strconv.Itoa(rec.MaxSessions))) {
		t.Errorf("livepeer.service: %v\n%s", err, unit)
	}
	if !strings.Contains(stderr, "host.node.max_sessions: "+strconv.Itoa(rec.MaxSessions)) {
		t.Errorf("stderr does not say what --apply did: %q", stderr)
	}
}

func TestSetMaxSessions(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"InPlace", "# c\nhost:\n  node:\n    max_sessions: 10 # the limit\n    monitor: true\n", "# c\nhost:\n  node:\n    max_sessions: 7 # the limit\n    monitor: true\n"},
		{"AddKey", "host:\n  node:\n    monitor: true # m\n", "host:\n  node:\n    monitor: true # m\n    max_sessions: 7\n"},
		{"AddSections", "network: mainnet\n", "network: mainnet\nhost:\n  node:\n    max_sessions: 7\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := setMaxSessions([]byte(tc.in), 7)
			if err != nil || string(got) != tc.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tc.want)
			}
		})
	}
}

// TestBenchLivepeerBenchOnGPU: with --livepeer-bench and a GPU that
// nvidia-smi -L lists, lpops bench drives livepeer_bench with -nvidia and
// every listed device, without --gpu. Both are stand-ins printing the real
// formats (internal/capacity/testdata/livepeer_bench.sh: ratio 0.15 per
// session; a script printing nvidia-smi -L's lines): this machine has
// neither go-livepeer's binary nor an NVIDIA GPU.
func TestBenchLivepeerBenchOnGPU(t *testing.T) {
	ffmpeg := testenv.RequireTool(t, "ffmpeg") // cuts the test clip
	noDefaultConfig(t)
	dir := t.TempDir()
	smi := filepath.Join(dir, "nvidia-smi")
	os.WriteFile(smi, []byte("#!/bin/sh\necho 'GPU 0: Tesla T4 (UUID: GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)'\necho 'GPU 1: Tesla T4 (UUID: GPU-1a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)'\n"), 0o755)
	lb, err := filepath.Abs("../../internal/capacity/testdata/livepeer_bench.sh")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "args.log")
	t.Setenv("LPB_ARGS_LOG", log)
	code, stdout, stderr := benchCmd(t, "--ffmpeg", ffmpeg, "--nvidia-smi", smi, "--livepeer-bench", lb,
		"--resolution", "160x90,128x72", "--clip-seconds", "2", "--segment-seconds", "1", "--segments", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep capacity.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Engine != "livepeer_bench (-nvidia 0,1)" || len(rep.GPUs) != 2 || rep.GPUs[1].Name != "Tesla T4" {
		t.Errorf("engine %q, gpus %+v", rep.Engine, rep.GPUs)
	}
	if rep.Recommendation.MaxSessions != 5 || len(rep.Sources) != 1 || !strings.Contains(stderr, "livepeer_bench reads one playlist") {
		t.Errorf("recommendation %+v, sources %+v\n%s", rep.Recommendation, rep.Sources, stderr)
	}
	args, _ := os.ReadFile(log)
	if !strings.HasPrefix(string(args), "1 2 0,1\n") {
		t.Errorf("livepeer_bench runs (sessions segs nvidia):\n%s", args)
	}
	// --gpu=false keeps it on the CPU even with a GPU listed.
	os.Remove(log)
	if code, _, stderr := benchCmd(t, "--ffmpeg", ffmpeg, "--nvidia-smi", smi, "--livepeer-bench", lb, "--gpu=false",
		"--resolution", "160x90", "--clip-seconds", "2", "--segment-seconds", "1", "--segments", "1", "--limit", "1"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if args, _ := os.ReadFile(log); string(args) != "1 1 \n" {
		t.Errorf("with --gpu=false livepeer_bench ran with: %q", args)
	}
}

func TestBenchGPUWithoutDevice(t *testing.T) {
	noDefaultConfig(t)
	code, _, stderr := benchCmd(t, "--gpu", "--nvidia-smi", filepath.Join(t.TempDir(), "nvidia-smi"), "--ffmpeg", "ffmpeg")
	if code != 1 || !strings.Contains(stderr, "--gpu: nvidia-smi -L lists no device") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
