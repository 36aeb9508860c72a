// Package deploy holds the assets operators deploy beside lpops: the
// Prometheus alerting rules (prometheus/) and the Grafana dashboard
// (grafana/). Its tests check them with the real promtool and keep them, and
// docs/metrics.md and docs/alerts.md, in step with the metrics and alerts the
// code defines.
package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.yaml.in/yaml/v3"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
	"github.com/lpops/lpops/internal/store"

	"github.com/lpops/lpops/internal/testenv"
)

const (
	rulesFile     = "prometheus/lpops-rules.yml"
	rulesTestFile = "prometheus/lpops-rules.test.yml"
	dashboardFile = "grafana/lpops-dashboard.json"
	metricsDoc    = "../docs/metrics.md"
	alertsDoc     = "../docs/alerts.md"
)

// promtool finds promtool in .tools/bin (scripts/install-test-tools.sh
// unpacks Debian's prometheus package there) or on PATH. Without it the test
// fails in CI and is skipped elsewhere.
func promtool(t *testing.T) string {
	t.Helper()
	if p, ok := testenv.LookTool("promtool"); ok {
		return p
	}
	msg := "promtool not found in .tools/bin or on PATH; run scripts/install-test-tools.sh (it unpacks Debian's prometheus package)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func runPromtool(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(promtool(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestRulesPassPromtoolCheck(t *testing.T) {
	runPromtool(t, "prometheus", "check", "rules", filepath.Base(rulesFile))
}

func TestRulesPassPromtoolUnitTests(t *testing.T) {
	runPromtool(t, "prometheus", "test", "rules", filepath.Base(rulesTestFile))
}

// ruleFile is the part of a Prometheus rule file the tests read.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(t *testing.T) ruleFile {
	t.Helper()
	var rf ruleFile
	readYAML(t, rulesFile, &rf)
	if len(rf.Groups) == 0 {
		t.Fatalf("%s: no rule groups", rulesFile)
	}
	return rf
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestEveryRuleIsCompleteAndTestedBothWays: every alert has a severity,
// a summary and a description, and the promtool tests evaluate it at least
// once expecting it to fire and once expecting silence.
func TestEveryRuleIsCompleteAndTestedBothWays(t *testing.T) {
	rf := readRules(t)
	var tf struct {
		Tests []struct {
			AlertRuleTests []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	readYAML(t, rulesTestFile, &tf)
	firing, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range tf.Tests {
		for _, a := range tc.AlertRuleTests {
			if len(a.ExpAlerts) > 0 {
				firing[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			t.Run(r.Alert, func(t *testing.T) {
				if seen[r.Alert] {
					t.Errorf("alert %s defined twice", r.Alert)
				}
				seen[r.Alert] = true
				if s := r.Labels["severity"]; s != "critical" && s != "warning" && s != "info" {
					t.Errorf("severity label %q, want critical, warning or info", s)
				}
				for _, a := range []string{"summary", "description"} {
					if strings.TrimSpace(r.Annotations[a]) == "" {
						t.Errorf("no %s annotation", a)
					}
				}
				if !firing[r.Alert] {
					t.Errorf("%s has no test case where it fires", rulesTestFile)
				}
				if !quiet[r.Alert] {
					t.Errorf("%s has no test case where it stays quiet", rulesTestFile)
				}
			})
		}
	}
}

// metricDoc is one row of a metric table in docs/metrics.md.
type metricDoc struct {
	Name, Type string
	Labels     []string
	Section    string
}

var (
	docRowRe   = regexp.MustCompile("^\\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \\| ([a-z]+) \\| ([^|]*) \\|")
	backtickRe = regexp.MustCompile("`([a-zA-Z_][a-zA-Z0-9_]*)`")
)

// readMetricsDoc parses the metric tables of docs/metrics.md: rows whose first
// cell is a metric name in backticks, then its type and its labels.
func readMetricsDoc(t *testing.T) map[string]metricDoc {
	t.Helper()
	b, err := os.ReadFile(metricsDoc)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]metricDoc{}
	section := ""
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimPrefix(line, "## ")
		}
		m := docRowRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if _, dup := docs[m[1]]; dup {
			t.Errorf("%s:%d: %s listed twice", metricsDoc, i+1, m[1])
		}
		d := metricDoc{Name: m[1], Type: m[2], Section: section}
		for _, l := range backtickRe.FindAllStringSubmatch(m[3], -1) {
			d.Labels = append(d.Labels, l[1])
		}
		switch d.Type {
		case "counter", "gauge", "histogram", "summary":
		default:
			t.Errorf("%s:%d: %s has type %q", metricsDoc, i+1, d.Name, d.Type)
		}
		docs[d.Name] = d
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no metric tables found", metricsDoc)
	}
	return docs
}

// describer records the descriptors of every collector registered through
// it, including the labelled families that have no series yet and so do not
// show in Gather.
type describer struct {
	prometheus.Registerer
	descs map[string]descInfo
}

type descInfo struct {
	labels []string
	help   string
}

var descRe = regexp.MustCompile(`^Desc\{fqName: "([^"]+)", help: "((?:[^"\\]|\\.)*)", constLabels: \{([^}]*)\}, variableLabels: \{([^}]*)\}\}$`)

func (d *describer) Register(c prometheus.Collector) error {
	if err := d.Registerer.Register(c); err != nil {
		return err
	}
	ch := make(chan *prometheus.Desc, 256)
	go func() { c.Describe(ch); close(ch) }()
	for desc := range ch {
		m := descRe.FindStringSubmatch(desc.String())
		if m == nil {
			panic("cannot parse " + desc.String())
		}
		var labels []string
		for _, kv := range strings.Split(m[3], ",") {
			if k, _, ok := strings.Cut(kv, "="); ok {
				labels = append(labels, k)
			}
		}
		for _, l := range strings.Split(m[4], ",") {
			if l = strings.TrimSuffix(strings.TrimPrefix(l, "c("), ")"); l != "" {
				labels = append(labels, l)
			}
		}
		sort.Strings(labels)
		d.descs[m[1]] = descInfo{labels: labels, help: m[2]}
	}
	return nil
}

func (d *describer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := d.Register(c); err != nil {
			panic(err)
		}
	}
}

// quietNotifier is an alert channel that accepts everything.
type quietNotifier struct{}

func (quietNotifier) Name() string                                      { return "test" }
func (quietNotifier) Type() string                                      { return "webhook" }
func (quietNotifier) Notify(context.Context, notify.Notification) error { return nil }

var _ notify.Notifier = quietNotifier{}

// valueProbe is a probe that passes and measures one value.
type valueProbe struct{}

func (valueProbe) Name() string { return "test" }
func (valueProbe) Check(context.Context) probe.Result {
	return probe.Result{Probe: "test", Success: true, Values: map[string]float64{"v": 1}}
}

// lpopsRegistry builds lpops' real metrics the way internal/daemon does:
// the Go and process collectors, the keeper's, the RPC pool's, the alert
// engine's and the probe runner's, each on one registry. It returns the
// registry and every descriptor registered.
func lpopsRegistry(t *testing.T) (*prometheus.Registry, map[string]descInfo) {
	t.Helper()
	reg := prometheus.NewRegistry()
	d := &describer{Registerer: reg, descs: map[string]descInfo{}}
	d.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	discard := slog.New(slog.DiscardHandler)

	m := keeper.NewMetrics(d)
	keeper.New(keeper.Config{Orchestrator: common.HexToAddress("0x1")}, keeper.Options{Metrics: m, Logger: discard})

	// An endpoint that refuses connections: Dial checks it once, which
	// records a request, an error and a round trip.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := chain.Dial(ctx, []chain.EndpointConfig{{Name: "down", URL: url}},
		chain.Options{ChainID: 1, RequestTimeout: 5 * time.Second, Registerer: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })

	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := alert.New(alert.Options{Store: st, Notifiers: []notify.Notifier{quietNotifier{}}, Registerer: d, Logger: discard}); err != nil {
		t.Fatal(err)
	}

	if _, err := remediate.New(remediate.Options{Store: st, Registerer: d, Logger: discard}); err != nil {
		t.Fatal(err)
	}

	backup.NewScheduler(backup.SchedulerOptions{Target: &backup.Dir{Path: t.TempDir()}, Registerer: d, Logger: discard})
	// HA mode's gauges read the node's status; no etcd is needed to register them.
	ha.RegisterMetrics(d, ha.NewNode(nil, ha.Options{Name: "a"}))

	r, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Minute, Registerer: d, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	r.Add(valueProbe{}, probe.Schedule{})
	r.RunOnce(ctx)
	return reg, d.descs
}

// TestMetricsDocumentedAsExported compares docs/metrics.md with lpops' real
// registry: every lpops_* metric with its labels and type, and every Go and
// process collector metric.
func TestMetricsDocumentedAsExported(t *testing.T) {
	docs := readMetricsDoc(t)
	reg, descs := lpopsRegistry(t)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, f := range fams {
		types[f.GetName()] = strings.ToLower(f.GetType().String())
	}
	for _, name := range slices.Sorted(maps.Keys(descs)) {
		d, ok := docs[name]
		if !ok {
			t.Errorf("%s (%s) is exported but not in %s", name, descs[name].help, metricsDoc)
			continue
		}
		if got := slices.Sorted(slices.Values(d.Labels)); !slices.Equal(got, descs[name].labels) {
			t.Errorf("%s: %s lists labels %v, the code has %v", name, metricsDoc, got, descs[name].labels)
		}
		if typ, ok := types[name]; ok && typ != d.Type {
			t.Errorf("%s: %s says %s, the code exports a %s", name, metricsDoc, d.Type, typ)
		}
	}
	for name := range docs {
		if strings.HasPrefix(name, "lpops_") {
			if _, ok := descs[name]; !ok {
				t.Errorf("%s is in %s but lpops does not export it", name, metricsDoc)
			}
		}
	}
}

// TestMetricsDefinedInSourceAreDocumented catches metrics that the registry
// above does not build (a component added later): every `Name: "lpops_..."`
// in the Go sources of internal/ and cmd/ must be in docs/metrics.md.
func TestMetricsDefinedInSourceAreDocumented(t *testing.T) {
	docs := readMetricsDoc(t)
	for _, lit := range goStringLiterals(t, []string{"../internal", "../cmd"}, func(key string, s string) bool {
		return key == "Name" && strings.HasPrefix(s, "lpops_")
	}) {
		if _, ok := docs[lit.value]; !ok {
			t.Errorf("%s: metric %s is not in %s", lit.pos, lit.value, metricsDoc)
		}
	}
}

// TestLpopsMetricNamesFollowConventions: counters end in _total and nothing
// else does; units are base units.
func TestLpopsMetricNamesFollowConventions(t *testing.T) {
	nonBase := regexp.MustCompile(`_(milliseconds|microseconds|minutes|hours|days|gwei|eth|ether|lpt|percent|kilobytes|megabytes)(_|$)`)
	for name, d := range readMetricsDoc(t) {
		if !strings.HasPrefix(name, "lpops_") {
			continue
		}
		switch total := strings.HasSuffix(name, "_total"); {
		case d.Type == "counter" && !total:
			t.Errorf("%s is a counter without the _total suffix", name)
		case d.Type != "counter" && total:
			t.Errorf("%s is a %s with the _total suffix", name, d.Type)
		}
		for _, s := range []string{"_count", "_sum", "_bucket"} {
			if strings.HasSuffix(name, s) {
				t.Errorf("%s ends in %s, reserved for histograms and summaries", name, s)
			}
		}
		if nonBase.MatchString(name) {
			t.Errorf("%s is not in a base unit (seconds, bytes, wei, ratio)", name)
		}
	}
}

// TestLivepeerMetricsLpopsReadsAreDocumented: the go-livepeer metrics the
// node probe scrapes are in the go-livepeer table.
func TestLivepeerMetricsLpopsReadsAreDocumented(t *testing.T) {
	docs := readMetricsDoc(t)
	lits := goStringLiterals(t, []string{"../internal/probe"}, func(_ string, s string) bool {
		return regexp.MustCompile(`^livepeer_[a-z0-9_]+$`).MatchString(s)
	})
	if len(lits) == 0 {
		t.Fatal("found no livepeer_* names in internal/probe")
	}
	for _, lit := range lits {
		if _, ok := docs[lit.value]; !ok {
			t.Errorf("%s: %s is not in %s", lit.pos, lit.value, metricsDoc)
		}
	}
}

// knownSeries are the series names PromQL may use: every documented metric,
// the _bucket/_sum/_count series of histograms and summaries, and the up
// series Prometheus adds to every target.
func knownSeries(t *testing.T) map[string]bool {
	known := map[string]bool{"up": true}
	for name, d := range readMetricsDoc(t) {
		known[name] = true
		switch d.Type {
		case "histogram":
			known[name+"_bucket"], known[name+"_sum"], known[name+"_count"] = true, true, true
		case "summary":
			known[name+"_sum"], known[name+"_count"] = true, true
		}
	}
	return known
}

var (
	promStringRe   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promMatchersRe = regexp.MustCompile(`\{[^{}]*\}`)
	promRangeRe    = regexp.MustCompile(`\[[^\[\]]*\]`)
	promGroupingRe = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	promIdentRe    = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)`)
	promKeywords   = map[string]bool{"and": true, "or": true, "unless": true, "by": true, "without": true, "on": true,
		"ignoring": true, "group_left": true, "group_right": true, "bool": true, "offset": true, "inf": true, "nan": true}
)

// seriesNames returns the metric names a PromQL expression selects: the
// identifiers left once strings, label matchers, ranges, grouping clauses,
// keywords and function calls are set aside.
func seriesNames(expr string) []string {
	e := promStringRe.ReplaceAllString(expr, `""`)
	e = promMatchersRe.ReplaceAllString(e, " ")
	e = promRangeRe.ReplaceAllString(e, " ")
	e = promGroupingRe.ReplaceAllString(e, " ")
	var names []string
	for _, m := range promIdentRe.FindAllStringSubmatchIndex(e, -1) {
		id := e[m[2]:m[3]]
		if promKeywords[strings.ToLower(id)] || strings.HasPrefix(strings.TrimLeft(e[m[3]:], " \t\n"), "(") {
			continue
		}
		names = append(names, id)
	}
	return names
}

func TestSeriesNames(t *testing.T) {
	for _, tc := range []struct {
		Name, Expr string
		Want       []string
	}{
		{"Selector", `up{job="lpops"} == 0`, []string{"up"}},
		{"Aggregation", `sum by (endpoint) (rate(lpops_rpc_errors_total{instance=~"$instance"}[$__rate_interval]))`, []string{"lpops_rpc_errors_total"}},
		{"Matching", "a < on (job, instance) group_left b\nand on (job) (c == 1)", []string{"a", "b", "c"}},
		{"NumbersAndOffsets", `x / 1e18 < 0.05 unless x offset 1h`, []string{"x", "x"}},
		{"Strings", `label_replace(x, "dst", "$1", "src", "(up)")`, []string{"x"}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			if got := seriesNames(tc.Expr); !slices.Equal(got, tc.Want) {
				t.Errorf("seriesNames(%q) = %v, want %v", tc.Expr, got, tc.Want)
			}
		})
	}
}

func TestRulesUseKnownMetrics(t *testing.T) {
	known := knownSeries(t)
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			names := seriesNames(r.Expr)
			if len(names) == 0 {
				t.Errorf("%s: expression selects no metric: %s", r.Alert, r.Expr)
			}
			for _, n := range names {
				if !known[n] {
					t.Errorf("%s uses %s, which is neither an lpops metric nor a documented go-livepeer one (%s)", r.Alert, n, metricsDoc)
				}
			}
		}
	}
}

// dashboard is the part of a Grafana dashboard the tests read.
type dashboard struct {
	Title         string `json:"title"`
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"`
			Datasource *datasource     `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID         int         `json:"id"`
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *datasource `json:"datasource"`
	GridPos    struct{ H, W, X, Y int }
	Targets    []struct {
		Expr       string      `json:"expr"`
		RefID      string      `json:"refId"`
		Datasource *datasource `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: data after the dashboard object", dashboardFile)
	}
	return d
}

func (d dashboard) allPanels() []panel {
	var out []panel
	for _, p := range d.Panels {
		out = append(out, p)
		out = append(out, p.Panels...)
	}
	return out
}

// TestDashboardStructure: the dashboard imports into Grafana 10/11 with the
// data source chosen on import, and has the rows and variables operators
// rely on.
func TestDashboardStructure(t *testing.T) {
	d := readDashboard(t)
	if d.Title == "" || d.UID == "" {
		t.Error("dashboard has no title or uid")
	}
	if d.SchemaVersion < 36 {
		t.Errorf("schemaVersion %d, want 36 or later (Grafana 9+)", d.SchemaVersion)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
		if v.Type == "query" && (v.Datasource == nil || v.Datasource.UID != "${DS_PROMETHEUS}") {
			t.Errorf("variable %s does not query ${DS_PROMETHEUS}", v.Name)
		}
	}
	if vars["DS_PROMETHEUS"] != "datasource" {
		t.Errorf("no datasource variable DS_PROMETHEUS (variables: %v)", vars)
	}
	for _, v := range []string{"job", "instance", "orchestrator", "livepeer_job"} {
		if vars[v] != "query" {
			t.Errorf("no query variable %s", v)
		}
	}
	var rows []string
	ids := map[int]string{}
	for _, p := range d.allPanels() {
		if prev, dup := ids[p.ID]; dup {
			t.Errorf("panels %q and %q share id %d", prev, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		if p.Type == "row" {
			rows = append(rows, p.Title)
			continue
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: bad gridPos %+v", p.Title, p.GridPos)
		}
		if p.Datasource == nil || p.Datasource.UID != "${DS_PROMETHEUS}" {
			t.Errorf("panel %q: datasource %+v, want uid ${DS_PROMETHEUS}", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			if q.Datasource == nil || q.Datasource.UID != "${DS_PROMETHEUS}" {
				t.Errorf("panel %q query %s: datasource %+v, want uid ${DS_PROMETHEUS}", p.Title, q.RefID, q.Datasource)
			}
		}
	}
	for _, want := range []string{"Earning", "Account", "RPC", "Alerts", "Remediation", "go-livepeer", "Process"} {
		if !slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, want) }) {
			t.Errorf("no row %q (rows: %v)", want, rows)
		}
	}
}

// dashboardQueries returns every PromQL expression of the dashboard, with
// where it is, and the metric of every label_values() variable query.
func dashboardQueries(t *testing.T) (exprs map[string]string, varMetrics map[string]string) {
	d := readDashboard(t)
	exprs, varMetrics = map[string]string{}, map[string]string{}
	for _, p := range d.allPanels() {
		for _, q := range p.Targets {
			exprs[fmt.Sprintf("panel %q query %s", p.Title, q.RefID)] = q.Expr
		}
	}
	labelValues := regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)`)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			var s string
			if json.Unmarshal(v.Query, &s) != nil {
				t.Fatalf("variable %s: query is %s", v.Name, v.Query)
			}
			q.Query = s
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Errorf("variable %s: query %q is not label_values(metric, label)", v.Name, q.Query)
			continue
		}
		varMetrics["variable "+v.Name] = m[1]
	}
	return exprs, varMetrics
}

func TestDashboardUsesKnownMetrics(t *testing.T) {
	known := knownSeries(t)
	exprs, vars := dashboardQueries(t)
	for where, expr := range exprs {
		names := seriesNames(expr)
		if len(names) == 0 {
			t.Errorf("%s selects no metric: %s", where, expr)
		}
		for _, n := range names {
			if !known[n] {
				t.Errorf("%s uses %s, which is neither an lpops metric nor a documented go-livepeer one (%s)", where, n, metricsDoc)
			}
		}
	}
	for where, n := range vars {
		if !known[n] {
			t.Errorf("%s uses %s, which is not documented", where, n)
		}
	}
}

// TestAssetsUseTypedMetrics: the rules and the dashboard read the typed
// probe metrics (base units, real labels), never lpops_probe_value, whose
// names are not a stable interface; and they show the remediation metrics,
// the round clock and the endpoints' heads.
func TestAssetsUseTypedMetrics(t *testing.T) {
	uses := map[string]bool{}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			for _, n := range seriesNames(r.Expr) {
				if n == "lpops_probe_value" {
					t.Errorf("rule %s uses lpops_probe_value: use the typed metric (%s)", r.Alert, metricsDoc)
				}
			}
		}
	}
	exprs, _ := dashboardQueries(t)
	for where, expr := range exprs {
		for _, n := range seriesNames(expr) {
			uses[n] = true
			if n == "lpops_probe_value" {
				t.Errorf("%s uses lpops_probe_value: use the typed metric (%s)", where, metricsDoc)
			}
		}
	}
	for _, want := range []string{"lpops_remediation_runs_total", "lpops_remediation_actions_total", "lpops_remediation_breaker_open",
		"lpops_remediation_run_duration_seconds_bucket", "lpops_round_block_num", "lpops_rpc_endpoint_head_block",
		"lpops_account_runway_rounds", "lpops_orchestrator_stake_wei", "lpops_orchestrator_reward_cut_ratio"} {
		if !uses[want] {
			t.Errorf("the dashboard has no panel for %s", want)
		}
	}
}

// TestDashboardQueriesParse has promtool parse every dashboard expression, as
// a recording rule, with Grafana's variables replaced by sample values.
func TestDashboardQueriesParse(t *testing.T) {
	pt := promtool(t)
	exprs, _ := dashboardQueries(t)
	durations := regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)
	vars := regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}?`)
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	index := map[string]string{}
	for _, where := range slices.Sorted(maps.Keys(exprs)) {
		e := durations.ReplaceAllString(exprs[where], "5m")
		e = vars.ReplaceAllString(e, "x")
		name := "dashboard:query_" + strconv.Itoa(len(rules))
		index[name] = where
		rules = append(rules, rule{Record: name, Expr: e})
	}
	b, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pt, "check", "rules", path).CombinedOutput()
	if err != nil {
		t.Errorf("promtool cannot parse the dashboard's queries: %v\n%s", err, out)
		for name, where := range index {
			if strings.Contains(string(out), strconv.Quote(name)) {
				t.Errorf("%s: %s", name, where)
			}
		}
	}
}

// TestEveryAlertDocumented: docs/alerts.md has an entry for every Prometheus
// rule and for every alert lpops raises itself (the Alert* constants of
// internal/probe, internal/alert, internal/keeper, internal/remediate and
// internal/ha).
func TestEveryAlertDocumented(t *testing.T) {
	b, err := os.ReadFile(alertsDoc)
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile("(?m)^#{2,4} `([A-Za-z0-9]+)`\\s*$")
	documented := map[string]bool{}
	for _, m := range heading.FindAllStringSubmatch(string(b), -1) {
		documented[m[1]] = true
	}
	want := map[string]string{}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				want[r.Alert] = rulesFile
			}
		}
	}
	consts := alertConstants(t, []string{"../internal/probe", "../internal/alert", "../internal/keeper", "../internal/remediate", "../internal/ha"})
	if len(consts) == 0 {
		t.Fatal("found no Alert* constants")
	}
	for name, pos := range consts {
		want[name] = pos
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if !documented[name] {
			t.Errorf("alert %s (%s) has no \"### `%s`\" entry in %s", name, want[name], name, alertsDoc)
		}
	}
	for name := range documented {
		if _, ok := want[name]; !ok {
			t.Errorf("%s documents %s, which no rule or code raises", alertsDoc, name)
		}
	}
}

// alertConstants returns the string constants named Alert* in the non-test
// Go files of dirs, by value, with where each is defined.
func alertConstants(t *testing.T, dirs []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		fset := token.NewFileSet()
		for _, f := range parseGoFiles(t, fset, dir) {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if !strings.HasPrefix(id.Name, "Alert") || i >= len(vs.Values) {
							continue
						}
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, err := strconv.Unquote(lit.Value)
							if err != nil {
								t.Fatal(err)
							}
							out[v] = fset.Position(id.Pos()).String()
						}
					}
				}
			}
		}
	}
	return out
}

type stringLit struct {
	value, pos string
}

// goStringLiterals returns the string literals of the non-test Go files under
// dirs that keep accepts; key is the composite-literal key the string is the
// value of, if any.
func goStringLiterals(t *testing.T, dirs []string, keep func(key, s string) bool) []stringLit {
	t.Helper()
	var out []stringLit
	for _, root := range dirs {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || !e.IsDir() {
				return err
			}
			if n := e.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			fset := token.NewFileSet()
			for _, f := range parseGoFiles(t, fset, path) {
				ast.Inspect(f, func(n ast.Node) bool {
					key := ""
					var lit *ast.BasicLit
					switch n := n.(type) {
					case *ast.KeyValueExpr:
						if id, ok := n.Key.(*ast.Ident); ok {
							key = id.Name
						}
						lit, _ = n.Value.(*ast.BasicLit)
					case *ast.ValueSpec:
						for _, v := range n.Values {
							if l, ok := v.(*ast.BasicLit); ok && l.Kind == token.STRING {
								if s, err := strconv.Unquote(l.Value); err == nil && keep("", s) {
									out = append(out, stringLit{s, fset.Position(l.Pos()).String()})
								}
							}
						}
						return true
					}
					if lit == nil || lit.Kind != token.STRING {
						return true
					}
					if s, err := strconv.Unquote(lit.Value); err == nil && keep(key, s) {
						out = append(out, stringLit{s, fset.Position(lit.Pos()).String()})
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// parseGoFiles parses the non-test .go files directly in dir.
func parseGoFiles(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}
