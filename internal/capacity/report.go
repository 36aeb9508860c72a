package capacity

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Schema names the report's JSON layout. A change that removes or renames
// a field gets a new name; new fields may appear under the same one.
const Schema = "lpops.bench/v1"

// Report is what `lpops bench` measured and recommends, as --json prints it
// and the state directory keeps it (docs/cli.md documents every field).
type Report struct {
	Schema     string    `json:"schema"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Host       Host      `json:"host"`
	Engine     string    `json:"engine"`
	GPUs       []GPU     `json:"gpus"`
	// Sources are the streams, sessions alternating between them.
	Sources []Source `json:"sources"`
	// SegmentSeconds is the source's segment duration; SegmentsPerStep
	// how many each session transcodes in a step.
	SegmentSeconds  float64        `json:"segment_seconds"`
	SegmentsPerStep int            `json:"segments_per_step"`
	Ladder          Ladder         `json:"ladder"`
	MaxRatio        float64        `json:"max_ratio"`
	Steps           []Step         `json:"steps"`
	Recommendation  Recommendation `json:"recommendation"`
}

// Host describes the machine measured.
type Host struct {
	Hostname string `json:"hostname"`
	CPUs     int    `json:"cpus"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// ThisHost describes the running machine.
func ThisHost() Host {
	h, _ := os.Hostname()
	return Host{Hostname: h, CPUs: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH}
}

// LastReportPath is where the last report is kept under the state directory.
func LastReportPath(stateDir string) string {
	return filepath.Join(stateDir, "capacity", "last-bench.json")
}

// Save writes r to path atomically (a temporary file renamed over it),
// mode 0644: it holds no secret.
func (r *Report) Save(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bench-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ErrNoReport: no bench report has been saved.
var ErrNoReport = errors.New("no bench report")

// LoadReport reads a saved report; ErrNoReport when there is none, an error
// naming the file when it is not a report of this schema.
func LoadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s (run lpops bench)", ErrNoReport, path)
	}
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("bench report %s: %w", path, err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("bench report %s: schema %q, want %q", path, r.Schema, Schema)
	}
	return &r, nil
}
