package capacity

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Plot draws the report as an SVG: the p95 and median real-time ratio of
// each step against its concurrency, the threshold line, the real-time
// line (ratio 1) and a marker at the recommended -maxSessions. Elements
// carry ids and data- attributes (threshold, recommendation, points with
// data-sessions and data-ratio), so a program can read the plot back.
func Plot(r *Report) []byte {
	const (
		width, height          = 720, 440
		left, right, top, bott = 64, 24, 60, 56
		plotW, plotH           = width - left - right, height - top - bott
	)
	steps := slices.Clone(r.Steps)
	slices.SortFunc(steps, func(a, b Step) int { return cmp.Compare(a.Sessions, b.Sessions) })
	maxX := max(1, r.Recommendation.MaxSessions)
	maxY := max(1.2, r.MaxRatio*1.25)
	for _, s := range steps {
		maxX = max(maxX, s.Sessions)
		if !math.IsNaN(s.RatioP95) {
			maxY = max(maxY, s.RatioP95*1.1)
		}
	}
	maxY = math.Ceil(maxY*5) / 5
	x := func(n float64) float64 { return left + n/float64(maxX)*plotW }
	y := func(v float64) float64 { return top + plotH - v/maxY*plotH }
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text id="title" x="%d" y="22" font-size="14">lpops bench: real-time ratio vs concurrent sessions</text>`+"\n", left)
	fmt.Fprintf(&b, `<text id="subtitle" x="%d" y="40" font-size="11" fill="#555555">%s, %d CPUs, %s</text>`+"\n", left, esc(r.Engine), r.Host.CPUs, esc(strings.Join(r.Ladder.Names(), ",")))
	// Axes, ticks and grid.
	fmt.Fprintf(&b, `<g id="axes" stroke="#333333"><line x1="%d" y1="%d" x2="%d" y2="%d"/><line x1="%d" y1="%d" x2="%d" y2="%d"/></g>`+"\n",
		left, top+plotH, left+plotW, top+plotH, left, top, left, top+plotH)
	xstep := max(1, int(math.Ceil(float64(maxX)/10)))
	for n := 0; n <= maxX; n += xstep {
		fmt.Fprintf(&b, `<text class="xtick" x="%s" y="%d" text-anchor="middle">%d</text>`+"\n", f(x(float64(n))), top+plotH+18, n)
	}
	for v := 0.0; v <= maxY+1e-9; v += 0.2 {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#eeeeee"/>`+"\n", left, f(y(v)), left+plotW, f(y(v)))
		fmt.Fprintf(&b, `<text class="ytick" x="%d" y="%s" text-anchor="end">%.1f</text>`+"\n", left-6, f(y(v)+4), v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">concurrent sessions</text>`+"\n", left+plotW/2, height-12)
	fmt.Fprintf(&b, `<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">transcode time / segment duration</text>`+"\n", top+plotH/2, top+plotH/2)
	// Real time and the threshold.
	fmt.Fprintf(&b, `<line id="realtime" data-ratio="1" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#999999" stroke-dasharray="2 4"/>`+"\n", left, f(y(1)), left+plotW, f(y(1)))
	fmt.Fprintf(&b, `<line id="threshold" data-ratio="%g" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#d62728" stroke-dasharray="6 4"/>`+"\n", r.MaxRatio, left, f(y(r.MaxRatio)), left+plotW, f(y(r.MaxRatio)))
	fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" fill="#d62728">threshold %.2f</text>`+"\n", left+plotW-4, f(y(r.MaxRatio)-5), r.MaxRatio)
	// The series.
	series := func(id, color string, val func(Step) float64) {
		var pts []string
		for _, s := range steps {
			if v := val(s); !math.IsNaN(v) {
				pts = append(pts, f(x(float64(s.Sessions)))+","+f(y(v)))
			}
		}
		fmt.Fprintf(&b, `<g id="%s" fill="%s" stroke="%s">`+"\n", id, color, color)
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" points="%s"/>`+"\n", joinSpace(pts))
		}
		for _, s := range steps {
			v := val(s)
			if math.IsNaN(v) {
				continue
			}
			fmt.Fprintf(&b, `<circle class="point" data-sessions="%d" data-ratio="%.4f" data-pass="%t" cx="%s" cy="%s" r="4"/>`+"\n",
				s.Sessions, v, s.Pass, f(x(float64(s.Sessions))), f(y(v)))
		}
		b.WriteString("</g>\n")
	}
	series("median", "#7f7f7f", func(s Step) float64 { return s.RatioMedian })
	series("p95", "#1f77b4", func(s Step) float64 { return s.RatioP95 })
	// The recommendation.
	rec := r.Recommendation
	fmt.Fprintf(&b, `<g id="recommendation" data-sessions="%d" data-bound-by="%s" stroke="#2ca02c" fill="#2ca02c">`+"\n", rec.MaxSessions, esc(rec.BoundBy))
	fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke-width="2"/>`+"\n", f(x(float64(rec.MaxSessions))), top, f(x(float64(rec.MaxSessions))), top+plotH)
	fmt.Fprintf(&b, `<text x="%s" y="%d" stroke="none">-maxSessions=%d (%s)</text>`+"\n", f(x(float64(rec.MaxSessions))+6), top+14, rec.MaxSessions, esc(rec.BoundBy))
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<g font-size="11"><rect x="%d" y="%d" width="10" height="10" fill="#1f77b4"/><text x="%d" y="%d">p95</text><rect x="%d" y="%d" width="10" height="10" fill="#7f7f7f"/><text x="%d" y="%d">median</text></g>`+"\n",
		width-right-120, 31, width-right-106, 40, width-right-66, 31, width-right-52, 40)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func joinSpace(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}
