package probe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/capacity"
	"github.com/lpops/lpops/internal/httpx"
	"github.com/lpops/lpops/internal/nodeapi"
)

// AlertCapacityExhausted: the node's sessions have stayed at -maxSessions
// for CapacityOptions.For and, in the last run, at least
// CapacityOptions.BehindShare of its transcoded segments took longer than
// their duration (livepeer_transcode_score ≤ 1). Warning; Requires "node".
const AlertCapacityExhausted = "CapacityExhausted"

// metricTranscodeScore is go-livepeer's per-segment "source segment
// duration vs. transcode time" distribution (monitor/census.go, view
// transcode_score, buckets 0, .5, 1, 1.5, …): a Prometheus histogram. The
// bucket le="1" counts the segments transcoded no faster than real time.
const metricTranscodeScore = "livepeer_transcode_score"

// Defaults for zero CapacityOptions fields.
const (
	DefaultCapacityFor         = 5 * time.Minute
	DefaultCapacityBehindShare = 0.1
)

// CapacityOptions configure the capacity probe.
type CapacityOptions struct {
	// MetricsURL is the node's Prometheus endpoint (probes.node.metrics_url).
	// Required.
	MetricsURL string
	// ReportPath is the last `lpops bench` report
	// (capacity.LastReportPath(state_dir)); empty or missing: no measured
	// capacity to report.
	ReportPath string
	// Timeout bounds the scrape; zero means nodeapi.DefaultTimeout.
	Timeout time.Duration
	// For is how long the sessions must stay at the limit; BehindShare the
	// share of segments behind real time that then fires the alert.
	For         time.Duration
	BehindShare float64
	Now         func() time.Time
}

// Capacity reports the node's sessions against -maxSessions and against
// the capacity `lpops bench` measured on the host, and raises
// CapacityExhausted when the node is full and falling behind real time.
type Capacity struct {
	o      CapacityOptions
	client *http.Client

	mu        sync.Mutex
	atLimit   time.Time // since when the sessions are at the limit; zero: not
	lastCount float64   // transcode_score samples at the previous run
	lastSlow  float64   // of them at or under 1
	known     bool
}

var _ Probe = (*Capacity)(nil)

// NewCapacity returns the capacity probe.
func NewCapacity(o CapacityOptions) (*Capacity, error) {
	if o.MetricsURL == "" {
		return nil, errors.New("capacity probe: no metrics URL (probes.node.metrics_url)")
	}
	if o.Timeout <= 0 {
		o.Timeout = nodeapi.DefaultTimeout
	}
	if o.For <= 0 {
		o.For = DefaultCapacityFor
	}
	if o.BehindShare <= 0 {
		o.BehindShare = DefaultCapacityBehindShare
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Capacity{o: o, client: httpx.Client(nil, maxMetricsBody)}, nil
}

// Name implements Probe.
func (c *Capacity) Name() string { return "capacity" }

// Check implements Probe.
func (c *Capacity) Check(ctx context.Context) Result {
	start := c.o.Now()
	res := Result{Probe: c.Name(), At: start, Values: map[string]float64{}, Evidence: map[string]string{}}
	var problems []string
	if c.o.ReportPath != "" {
		rep, err := capacity.LoadReport(c.o.ReportPath)
		switch {
		case errors.Is(err, capacity.ErrNoReport):
			res.Evidence["bench"] = "no lpops bench report yet (" + c.o.ReportPath + ")"
		case err != nil:
			res.Evidence["bench"] = err.Error()
		default:
			res.Values["bench_capacity_sessions"] = float64(rep.Recommendation.Compute)
			res.Values["bench_recommended_max_sessions"] = float64(rep.Recommendation.MaxSessions)
			res.Values["bench_age_seconds"] = start.Sub(rep.FinishedAt).Seconds()
			res.Evidence["bench"] = fmt.Sprintf("lpops bench of %s (%s): %d sessions in real time, recommended -maxSessions=%d (%s)",
				rep.FinishedAt.UTC().Format(time.RFC3339), rep.Engine, rep.Recommendation.Compute, rep.Recommendation.MaxSessions, rep.Recommendation.BoundBy)
		}
	}
	fams, err := c.scrape(ctx)
	if err != nil {
		res.Error = err.Error()
		res.Duration = c.o.Now().Sub(start)
		// No observation: the node probe reports the metrics endpoint; an
		// unreadable page says nothing about capacity either way.
		return res
	}
	cur, okCur := sumFamily(fams, metricCurrentSessions)
	maxS, okMax := sumFamily(fams, metricMaxSessions)
	if okCur {
		res.Values["current_sessions"] = cur
	}
	if okMax {
		res.Values["max_sessions"] = maxS
	}
	if bc, ok := res.Values["bench_capacity_sessions"]; ok && okCur {
		res.Values["bench_headroom_sessions"] = bc - cur
		if okMax && maxS > bc {
			res.Evidence["max_sessions_above_bench"] = fmt.Sprintf("-maxSessions=%s is above the %s sessions lpops bench measured in real time: streams past that fall behind",
				fmtNum(maxS), fmtNum(bc))
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.Now()
	full := okCur && okMax && maxS > 0 && cur >= maxS
	if full {
		if c.atLimit.IsZero() {
			c.atLimit = now
		}
		res.Values["at_limit_seconds"] = now.Sub(c.atLimit).Seconds()
	} else {
		c.atLimit = time.Time{}
	}
	count, slow, okScore := scoreCounts(fams)
	share, sharePresent := 0.0, false
	switch {
	case !okScore:
		res.Evidence["behind_real_time"] = metricTranscodeScore + " is not exported (no segment transcoded since the node started, or no -monitor): falling behind cannot be judged"
	case !c.known || count < c.lastCount:
		// A baseline, or the node restarted.
		c.known, c.lastCount, c.lastSlow = true, count, slow
	default:
		if d := count - c.lastCount; d > 0 {
			share, sharePresent = (slow-c.lastSlow)/d, true
			res.Values["segments_behind_share"] = share
			res.Values["segments_transcoded"] = d
		}
		c.lastCount, c.lastSlow = count, slow
	}
	firing := full && now.Sub(c.atLimit) >= c.o.For && sharePresent && share >= c.o.BehindShare
	desc := fmt.Sprintf("sessions %s of -maxSessions=%s", fmtNum(cur), fmtNum(maxS))
	if full {
		desc += fmt.Sprintf(", at the limit for %s", now.Sub(c.atLimit).Round(time.Second))
	}
	if sharePresent {
		desc += fmt.Sprintf("; %.0f %% of the segments transcoded since the last run took longer than their duration", 100*share)
	}
	if b, ok := res.Evidence["bench"]; ok {
		desc += "; " + b
	}
	if firing {
		problems = append(problems, "the node is at -maxSessions and falling behind real time")
		desc += ". Gateways see slow segments and move streams elsewhere: lower -maxSessions to what the host sustains (lpops bench), or add transcoding capacity."
	}
	res.Observations = append(res.Observations, alert.Observation{Name: AlertCapacityExhausted, Severity: alert.Warning, Firing: firing,
		Summary: "The node is full and falling behind real time", Description: desc, Requires: SourceNode,
		Labels: map[string]string{}})
	res.Duration = c.o.Now().Sub(start)
	return concludeResult(res, problems)
}

// scoreCounts sums livepeer_transcode_score's sample count and its le="1"
// bucket over every label set.
func scoreCounts(fams map[string]*dto.MetricFamily) (count, slow float64, ok bool) {
	f, found := fams[metricTranscodeScore]
	if !found {
		return 0, 0, false
	}
	for _, m := range f.GetMetric() {
		h := m.GetHistogram()
		if h == nil {
			continue
		}
		ok = true
		count += float64(h.GetSampleCount())
		for _, b := range h.GetBucket() {
			if b.GetUpperBound() == 1 {
				slow += float64(b.GetCumulativeCount())
			}
		}
	}
	return count, slow, ok
}

func (c *Capacity) scrape(ctx context.Context) (map[string]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.o.MetricsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", plainHTTPError(ctx, err, c.o.Timeout))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: HTTP %d (is the node running with -monitor?)", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("metrics: parse: %w", plainHTTPError(ctx, err, c.o.Timeout))
	}
	return fams, nil
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "?"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
