package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lpops/lpops/internal/nodeapi"
)

// inMemory serves requests from a handler without a socket, so a fuzz run
// costs a function call, not a connection.
type inMemory struct{ h http.Handler }

func (m inMemory) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// cannedBody answers every request with one status and body.
func cannedBody(code int, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		_, _ = w.Write(body)
	})
}

// realMetrics is go-livepeer's -monitor exposition of the counters and
// gauges the node probe reads, as fakeNode serves it after errors.
const realMetrics = "# HELP livepeer_current_sessions_total Number of streams currently transcoding\n# TYPE livepeer_current_sessions_total gauge\n" +
	"livepeer_current_sessions_total{node_id=\"orch1\",node_type=\"orch\"} 3\n" +
	"# HELP livepeer_max_sessions_total Max Sessions\n# TYPE livepeer_max_sessions_total gauge\n" +
	"livepeer_max_sessions_total{node_id=\"orch1\",node_type=\"orch\"} 10\n" +
	"# HELP livepeer_winning_tickets_recv Winning tickets received\n# TYPE livepeer_winning_tickets_recv untyped\n" +
	"livepeer_winning_tickets_recv{node_id=\"orch1\",node_type=\"orch\"} 4\n" +
	"# HELP livepeer_reward_call_errors Errors when calling rewards\n# TYPE livepeer_reward_call_errors untyped\n" +
	"livepeer_reward_call_errors{node_id=\"orch1\",node_type=\"orch\"} 1\n" +
	"# HELP livepeer_ticket_redemption_errors Errors when redeeming tickets\n# TYPE livepeer_ticket_redemption_errors untyped\n" +
	"livepeer_ticket_redemption_errors{node_id=\"orch1\",node_type=\"orch\",sender=\"0xabc\"} 2\n" +
	"livepeer_ticket_redemption_errors{node_id=\"orch1\",node_type=\"orch\",sender=\"0xdef\"} 1\n" +
	"# HELP livepeer_value_redeemed Winning ticket value redeemed\n# TYPE livepeer_value_redeemed counter\n" +
	"livepeer_value_redeemed{node_id=\"orch1\",node_type=\"orch\"} 1.5e+07\n"

// memNode is fakeNode, healthy and agreeing with the chain, served in memory.
func memNode() *fakeNode {
	return &fakeNode{addr: testOrch, lastRewardRound: 5, round: 5, active: true, registered: true, chainID: 42161,
		rewardErrors: -1, metricsCode: 200, hang: map[string]bool{}}
}

// checkResult asserts what every probe result must be, whatever the peer
// sent: encodable as JSON for status (no NaN or infinity among the values)
// and failed exactly when it says why.
func checkResult(t *testing.T, res Result) {
	t.Helper()
	for k, v := range res.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("value %s = %v: status cannot encode it", k, v)
		}
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("result does not encode: %v", err)
	}
	if res.Success != (res.Error == "") {
		t.Fatalf("success %t with error %q", res.Success, res.Error)
	}
	for _, o := range res.Observations {
		if o.Name == "" || o.Summary == "" {
			t.Fatalf("observation without a name or summary: %+v", o)
		}
	}
}

// FuzzNodeMetrics scrapes two arbitrary /metrics answers in a row (the first
// is the counters' baseline, the second may show them rising), seeded with
// go-livepeer's exposition. The probe must judge them without panicking,
// produce a result status can encode, and read every answer the Prometheus
// parser accepts.
func FuzzNodeMetrics(f *testing.F) {
	f.Add([]byte(realMetrics), []byte(strings.ReplaceAll(realMetrics, "} 1\n", "} 2\n")))
	f.Add([]byte(realMetrics), []byte(""))
	f.Add([]byte(""), []byte(realMetrics))
	f.Add([]byte("livepeer_reward_call_errors NaN\n"), []byte("livepeer_reward_call_errors +Inf\n"))
	f.Add([]byte("livepeer_max_sessions_total 0\nlivepeer_current_sessions_total 1\n"), []byte("livepeer_max_sessions_total -Inf\n"))
	f.Add([]byte("# TYPE livepeer_reward_call_errors histogram\nlivepeer_reward_call_errors_bucket{le=\"+Inf\"} 1\n"), []byte("<html>404</html>"))

	f.Fuzz(func(t *testing.T, first, second []byte) {
		cli, err := nodeapi.New("http://127.0.0.1:7935", time.Second, &http.Client{Transport: inMemory{memNode()}})
		if err != nil {
			t.Fatal(err)
		}
		clock := newClock()
		st := agreeingState(clock)
		p, err := NewNode(NodeOptions{CLI: cli, Orchestrator: testOrch, ChainID: 42161, State: st.get,
			MetricsURL: "http://127.0.0.1:7935/metrics", Timeout: time.Second, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range [][]byte{first, second} {
			p.metrics = &http.Client{Transport: inMemory{cannedBody(200, body)}}
			res := p.Check(context.Background())
			checkResult(t, res)
			parser := expfmt.NewTextParser(model.UTF8Validation)
			_, perr := parser.TextToMetricFamilies(bytes.NewReader(body))
			gotErr, failed := res.Evidence["metrics_error"]
			if perr == nil && failed {
				t.Fatalf("the parser accepts the answer but the probe reports %q", gotErr)
			}
			if perr != nil && !strings.HasPrefix(gotErr, "metrics: ") {
				t.Fatalf("unparsable answer (%v): metrics_error %q does not name the source", perr, gotErr)
			}
			clock.Advance(time.Minute)
		}
	})
}

// FuzzReleases reads arbitrary answers of GitHub's releases API, a single
// release or a list, seeded with GitHub's documented release objects. An
// accepted answer yields a release with a tag; from a list, the highest
// published version; an error names the releases API and stays bounded.
func FuzzReleases(f *testing.F) {
	f.Add(200, []byte(ghReleaseJSON("v0.9.1", false, false)))
	f.Add(200, []byte("["+ghReleaseJSON("v0.9.2", false, true)+","+ghReleaseJSON("v0.9.1", false, false)+","+ghReleaseJSON("v0.10.0", true, false)+"]"))
	f.Add(200, []byte(`[]`))
	f.Add(200, []byte(`{"name":"x"}`))
	f.Add(403, []byte(`{"message":"API rate limit exceeded for 192.0.2.1. (But here's the good news: Authenticated requests get a higher rate limit.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`))
	f.Add(404, []byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest/releases/releases#get-the-latest-release"}`))
	f.Add(502, []byte("<html>\n<body>502 Bad Gateway</body>\n</html>"))
	f.Add(304, []byte(""))

	f.Fuzz(func(t *testing.T, code int, body []byte) {
		if code < 100 || code > 999 {
			code = 200 + (code%800+800)%800
		}
		cli, err := nodeapi.New("http://127.0.0.1:7935", time.Second, &http.Client{Transport: inMemory{memNode()}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewReleases(ReleasesOptions{URL: "https://api.github.com/repos/livepeer/go-livepeer/releases",
			CLI: cli, Timeout: time.Second, HTTPClient: &http.Client{Transport: inMemory{cannedBody(code, body)}}})
		if err != nil {
			t.Fatal(err)
		}
		rel, err := p.latest(context.Background())
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "releases api: ") || len(msg) > 2048 || strings.Contains(msg, "\n") {
				t.Fatalf("error %.300q: want one bounded line naming the releases api", msg)
			}
		} else {
			if code != http.StatusOK {
				t.Fatalf("HTTP %d answer accepted", code)
			}
			if rel.TagName == "" {
				t.Fatalf("accepted a release without a tag: %+v", rel)
			}
			var list []ghRelease
			if json.Unmarshal(body, &list) == nil && strings.HasPrefix(strings.TrimSpace(string(body)), "[") {
				v, ok := parseVersion(rel.TagName)
				if !ok || rel.Draft || rel.Prerelease {
					t.Fatalf("picked %+v from a list: not a published version", rel)
				}
				for _, r := range list {
					if w, ok := parseVersion(r.TagName); ok && !r.Draft && !r.Prerelease && v.less(w) {
						t.Fatalf("picked %s over the higher %s", rel.TagName, r.TagName)
					}
				}
			}
		}
		checkResult(t, p.Check(context.Background()))
	})
}
