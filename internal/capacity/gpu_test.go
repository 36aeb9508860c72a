package capacity

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The `nvidia-smi -L` format, with a MIG device under its GPU. There is no
// NVIDIA GPU on the machines these tests run on: detection and the
// arguments built for one are tested, no GPU transcode.
const nvidiaSMIOutput = `GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5d1cd1b5-2a1f-4c3e-9a4f-0b6e3c1d2e3f)
GPU 1: Tesla T4 (UUID: GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)
  MIG 1g.10gb     Device  0: (UUID: MIG-11111111-2222-3333-4444-555555555555)
`

func TestParseNvidiaSMI(t *testing.T) {
	got := ParseNvidiaSMI(nvidiaSMIOutput)
	want := []GPU{
		{Index: "0", Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-5d1cd1b5-2a1f-4c3e-9a4f-0b6e3c1d2e3f"},
		{Index: "1", Name: "Tesla T4", UUID: "GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if g := ParseNvidiaSMI("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"); len(g) != 0 {
		t.Errorf("driver failure parsed as %+v", g)
	}
}

// TestDetectGPUs runs a stand-in nvidia-smi (a shell script printing the
// real format) and a failing one.
func TestDetectGPUs(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "nvidia-smi")
	os.WriteFile(ok, []byte("#!/bin/sh\n[ \"$1\" = -L ] || exit 9\ncat <<'E'\n"+nvidiaSMIOutput+"E\n"), 0o755)
	if g := DetectGPUs(context.Background(), ok); !slices.Equal(Indexes(g), []string{"0", "1"}) {
		t.Errorf("detected %+v", g)
	}
	bad := filepath.Join(dir, "nvidia-smi-bad")
	os.WriteFile(bad, []byte("#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n"), 0o755)
	if g := DetectGPUs(context.Background(), bad); len(g) != 0 {
		t.Errorf("failing nvidia-smi detected %+v", g)
	}
	if g := DetectGPUs(context.Background(), filepath.Join(dir, "missing")); len(g) != 0 {
		t.Errorf("missing nvidia-smi detected %+v", g)
	}
}

func TestFFmpegArgs(t *testing.T) {
	l, err := ParseLadder(DefaultLadder)
	if err != nil {
		t.Fatal(err)
	}
	sw := strings.Join((&FFmpeg{Path: "ffmpeg"}).Args("in.ts", l, 0), " ")
	for _, want := range []string{
		"-threads 1 -filter_complex_threads 1 -i in.ts",
		"[0:v]split=3[s0][s1][s2];[s0]fps=30/1,scale='w=if(gte(iw,ih),426,-2):h=if(lt(iw,ih),240,-2)'[o0];",
		"-map [o2] -map 0:a? -c:v libx264 -threads 1 -preset medium -forced-idr 1 -b:v 4000000 -minrate 4000000 -maxrate 4000000 -bufsize 4000000 -c:a copy -f mpegts /dev/null",
	} {
		if !strings.Contains(sw, want) {
			t.Errorf("software args lack %q:\n%s", want, sw)
		}
	}
	if strings.Contains(sw, "cuda") || strings.Contains(sw, "nvenc") {
		t.Errorf("software args use the GPU: %s", sw)
	}
	g := &FFmpeg{Path: "ffmpeg", GPU: true, Devices: []string{"0", "1"}}
	gpu1 := strings.Join(g.Args("in.ts", l, 1), " ")
	gpu2 := strings.Join(g.Args("in.ts", l, 2), " ")
	for _, want := range []string{"-hwaccel cuda -hwaccel_output_format cuda -hwaccel_device 1 -i in.ts", "scale_cuda='w=if(gte(iw,ih),640,-2)", "-c:v h264_nvenc"} {
		if !strings.Contains(gpu1, want) {
			t.Errorf("gpu args lack %q:\n%s", want, gpu1)
		}
	}
	if !strings.Contains(gpu2, "-hwaccel_device 0 ") {
		t.Errorf("session 2 not on device 0: %s", gpu2)
	}
	if strings.Contains(gpu1, "libx264") {
		t.Errorf("gpu args use libx264: %s", gpu1)
	}
	json, err := ParseLadder("testdata/transcodingOptions.json")
	if err != nil {
		t.Fatal(err)
	}
	a := strings.Join((&FFmpeg{Path: "ffmpeg"}).Args("in.ts", json, 0), " ")
	for _, want := range []string{"[s0]scale=", "-profile:v high -bf 0 -force_key_frames expr:gte(t,n_forced*1)"} {
		if !strings.Contains(a, want) {
			t.Errorf("transcodingOptions.json args lack %q:\n%s", want, a)
		}
	}
}
