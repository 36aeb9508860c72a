package capacity

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/report.golden.json")

func fixedReport(t *testing.T) *Report {
	t.Helper()
	l, err := ParseLadder(DefaultLadder)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	steps := []Step{
		{Sessions: 1, Segments: 10, RatioMedian: 0.21, RatioP95: 0.25, RatioMax: 0.26, CPUPercent: 98, HostCPUPercent: 49, PeakRSSBytes: 90e6, WallSeconds: 22, Pass: true},
		{Sessions: 2, Segments: 20, RatioMedian: 0.42, RatioP95: 0.55, RatioMax: 0.6, CPUPercent: 190, HostCPUPercent: 95, PeakRSSBytes: 180e6, WallSeconds: 22, Pass: true},
		{Sessions: 4, Segments: 40, RatioMedian: 0.9, RatioP95: 1.3, RatioMax: 1.4, Late: 12, CPUPercent: 199, HostCPUPercent: 99.5, PeakRSSBytes: 360e6, WallSeconds: 24},
		{Sessions: 3, Segments: 30, RatioMedian: 0.7, RatioP95: 0.86, RatioMax: 0.9, Late: 1, CPUPercent: 198, HostCPUPercent: 99, PeakRSSBytes: 270e6, WallSeconds: 22},
	}
	return &Report{
		Schema: Schema, StartedAt: start, FinishedAt: start.Add(90 * time.Second),
		Host:   Host{Hostname: "orch-1", CPUs: 2, OS: "linux", Arch: "amd64"},
		Engine: "ffmpeg (libx264, lpms software settings)", GPUs: []GPU{},
		Sources: []Source{{Playlist: "/tmp/lpops-bench/clip-1920x1080/source.m3u8", Description: "generated testsrc2 1920x1080@30, 1m0s, 2s segments"},
			{Playlist: "/tmp/lpops-bench/clip-1280x720/source.m3u8", Description: "generated testsrc2 1280x720@30, 1m0s, 2s segments"}},
		SegmentSeconds: 2, SegmentsPerStep: 10, Ladder: l, MaxRatio: 0.8, Steps: steps,
		Recommendation: Recommend(2, l, 100, 0.8),
	}
}

// TestReportSchema: the JSON a report encodes to is the documented one
// (testdata/report.golden.json; docs/cli.md lists the fields), and it loads
// back.
func TestReportSchema(t *testing.T) {
	r := fixedReport(t)
	path := filepath.Join(t.TempDir(), "state", "capacity", "last-bench.json")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden.json")
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report JSON differs from %s (go test -run TestReportSchema -update rewrites it):\n%s", golden, got)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(got, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "started_at", "finished_at", "host", "engine", "gpus", "segment_seconds",
		"segments_per_step", "ladder", "max_ratio", "steps", "recommendation", "sources"} {
		if _, ok := top[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	back, err := LoadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Recommendation.MaxSessions != 2 || len(back.Steps) != 4 || back.Schema != Schema {
		t.Errorf("loaded %+v", back)
	}
	if _, err := LoadReport(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "no bench report") {
		t.Errorf("missing report: %v", err)
	}
	os.WriteFile(path, []byte(`{"schema":"other/v9"}`), 0o644)
	if _, err := LoadReport(path); err == nil || !strings.Contains(err.Error(), `schema "other/v9"`) {
		t.Errorf("wrong schema: %v", err)
	}
}

// svgElem is any element of the plot, with its attributes and children.
type svgElem struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []svgElem  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (e svgElem) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e svgElem) walk(f func(svgElem)) {
	f(e)
	for _, c := range e.Children {
		c.walk(f)
	}
}

// TestPlot decodes the SVG and finds what the issue asks the plot to show:
// the threshold line, a point per step, and the recommendation marker.
func TestPlot(t *testing.T) {
	r := fixedReport(t)
	svg := Plot(r)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var root svgElem
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("plot is not XML: %v\n%s", err, svg)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 {
			t.Fatalf("content after </svg>: %v %v", tok, err)
		}
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root = %v", root.XMLName)
	}
	byID := map[string]svgElem{}
	root.walk(func(e svgElem) {
		if id := e.attr("id"); id != "" {
			byID[id] = e
		}
	})
	th, ok := byID["threshold"]
	if !ok || th.XMLName.Local != "line" || th.attr("data-ratio") != "0.8" {
		t.Fatalf("threshold line = %+v", th)
	}
	// The threshold is drawn at 0.8 on the y axis: between the points of
	// the steps below and above it.
	thY, _ := strconv.ParseFloat(th.attr("y1"), 64)
	var sessions []string
	for _, c := range byID["p95"].Children {
		if c.attr("class") != "point" {
			continue
		}
		sessions = append(sessions, c.attr("data-sessions"))
		ratio, _ := strconv.ParseFloat(c.attr("data-ratio"), 64)
		cy, _ := strconv.ParseFloat(c.attr("cy"), 64)
		if (ratio <= 0.8) != (cy >= thY) {
			t.Errorf("point %s (ratio %v) at y=%v is on the wrong side of the threshold at y=%v", c.attr("data-sessions"), ratio, cy, thY)
		}
		if (ratio <= 0.8) != (c.attr("data-pass") == "true") {
			t.Errorf("point %s: data-pass %s", c.attr("data-sessions"), c.attr("data-pass"))
		}
	}
	if !slices.Equal(sessions, []string{"1", "2", "3", "4"}) {
		t.Errorf("p95 points for sessions %v, want 1 2 3 4 (sorted)", sessions)
	}
	rec, ok := byID["recommendation"]
	if !ok || rec.attr("data-sessions") != "2" || rec.attr("data-bound-by") != "compute" {
		t.Fatalf("recommendation = %+v", rec)
	}
	var label string
	rec.walk(func(e svgElem) {
		if e.XMLName.Local == "text" {
			label = e.Text
		}
	})
	if label != "-maxSessions=2 (compute)" {
		t.Errorf("recommendation label = %q", label)
	}
}
