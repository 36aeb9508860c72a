package capacity

import (
	"bufio"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// GPU is one NVIDIA device as `nvidia-smi -L` lists it.
type GPU struct {
	Index string `json:"index"`
	Name  string `json:"name"`
	UUID  string `json:"uuid,omitempty"`
}

// gpuLine matches "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5d1c…)".
var gpuLine = regexp.MustCompile(`^GPU (\d+): (.+?)(?: \(UUID: ([^)]+)\))?$`)

// ParseNvidiaSMI reads `nvidia-smi -L` output; lines that are not a GPU
// (MIG devices are indented under theirs) are skipped.
func ParseNvidiaSMI(out string) []GPU {
	var gpus []GPU
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := gpuLine.FindStringSubmatch(strings.TrimRight(sc.Text(), " \r"))
		if m == nil {
			continue
		}
		gpus = append(gpus, GPU{Index: m[1], Name: m[2], UUID: m[3]})
	}
	return gpus
}

// DetectGPUs runs `nvidia-smi -L` (nvidiaSMI is its path; empty looks it
// up on PATH) and returns the devices it lists: none when nvidia-smi is
// missing or fails, which is what a host without an NVIDIA driver looks
// like.
func DetectGPUs(ctx context.Context, nvidiaSMI string) []GPU {
	if nvidiaSMI == "" {
		p, err := exec.LookPath("nvidia-smi")
		if err != nil {
			return nil
		}
		nvidiaSMI = p
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, nvidiaSMI, "-L").Output()
	if err != nil {
		return nil
	}
	return ParseNvidiaSMI(string(out))
}

// Indexes lists the devices' indexes, as -nvidia and -hwaccel_device take them.
func Indexes(gpus []GPU) []string {
	out := make([]string, len(gpus))
	for i, g := range gpus {
		out[i] = g.Index
	}
	return out
}
