package probe

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/nodeapi"
)

// ghReleaseJSON is a release object as GitHub's REST API documents it
// (GET /repos/{owner}/{repo}/releases/latest, "Get the latest release"),
// abridged to the fields a client sees first.
func ghReleaseJSON(tag string, draft, pre bool) string {
	return fmt.Sprintf(`{"url":"https://api.github.com/repos/livepeer/go-livepeer/releases/1","html_url":"https://github.com/livepeer/go-livepeer/releases/tag/%[1]s",`+
		`"assets_url":"https://api.github.com/repos/livepeer/go-livepeer/releases/1/assets","id":1,"node_id":"MDc6UmVsZWFzZTE=",`+
		`"tag_name":"%[1]s","target_commitish":"master","name":"%[1]s","body":"Changes","draft":%[2]t,"prerelease":%[3]t,`+
		`"created_at":"2026-01-01T00:00:00Z","published_at":"2026-01-01T12:00:00Z","author":{"login":"livepeer-bot","id":2},"assets":[]}`,
		tag, draft, pre)
}

// fakeGitHub serves the releases API. It checks the headers GitHub asks
// clients to send and honours If-None-Match with 304.
type fakeGitHub struct {
	mu       sync.Mutex
	body     string
	code     int
	header   http.Header
	etag     string
	requests []*http.Request
	hang     bool
	release  chan struct{}
}

func (g *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.requests = append(g.requests, r)
	hang, body, code, etag := g.hang, g.body, g.code, g.etag
	for k, v := range g.header {
		w.Header()[k] = v
	}
	g.mu.Unlock()
	if hang {
		select {
		case <-g.release:
		case <-r.Context().Done():
		}
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if etag != "" {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
	}
	if code == 0 {
		code = http.StatusOK
	}
	w.WriteHeader(code)
	fmt.Fprint(w, body)
}

func (g *fakeGitHub) set(f func(g *fakeGitHub)) {
	g.mu.Lock()
	f(g)
	g.mu.Unlock()
}

func (g *fakeGitHub) last() *http.Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests[len(g.requests)-1]
}

// setupReleases gives the probe a timeout no loaded machine reaches; the
// Hangs case uses setupReleasesTimeout with a short one.
func setupReleases(t *testing.T, path string) (*Releases, *fakeGitHub, *fakeNode) {
	t.Helper()
	return setupReleasesTimeout(t, path, 10*time.Second)
}

func setupReleasesTimeout(t *testing.T, path string, timeout time.Duration) (*Releases, *fakeGitHub, *fakeNode) {
	t.Helper()
	gh := &fakeGitHub{release: make(chan struct{})}
	srv := httptest.NewServer(gh)
	t.Cleanup(func() { close(gh.release); srv.Close() })
	node, nodeSrv := newFakeNode(t)
	cli, err := nodeapi.New(nodeSrv.URL, timeout, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewReleases(ReleasesOptions{URL: srv.URL + path, CLI: cli, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return p, gh, node
}

func TestReleasesCompareWithRunningVersion(t *testing.T) {
	tests := []struct {
		tag      string
		outdated bool
		sev      alert.Severity
	}{
		{"v0.9.1", false, alert.Info},
		{"v0.9.2", true, alert.Info},
		{"v0.10.0", true, alert.Warning},
		{"v1.0.0", true, alert.Warning},
		{"v0.9.0", false, alert.Info}, // the node runs something newer
		{"0.9.1", false, alert.Info},
	}
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_").Replace(tt.tag), func(t *testing.T) {
			p, gh, _ := setupReleases(t, "/repos/livepeer/go-livepeer/releases/latest")
			gh.body = ghReleaseJSON(tt.tag, false, false)
			res := check(t, p)
			o := wantObs(t, res, AlertNodeOutdated, tt.outdated)
			if tt.outdated && (o.Severity != tt.sev || !strings.Contains(o.Description, "The node runs 0.9.1; "+tt.tag) ||
				!strings.Contains(o.Description, "https://github.com/livepeer/go-livepeer/releases/tag/"+tt.tag)) {
				t.Errorf("NodeOutdated severity %s, description %q", o.Severity, o.Description)
			}
			if o.Requires != SourceNode {
				t.Errorf("NodeOutdated requires %q", o.Requires)
			}
			wantObs(t, res, AlertReleaseCheckFailed, false)
			if res.Success == tt.outdated || res.Evidence["running_version"] != "0.9.1" || res.Evidence["latest_version"] != tt.tag {
				t.Errorf("success %v, evidence %v", res.Success, res.Evidence)
			}
			r := gh.last()
			if r.Header.Get("Accept") != "application/vnd.github+json" || r.Header.Get("User-Agent") == "" ||
				r.URL.Path != "/repos/livepeer/go-livepeer/releases/latest" {
				t.Errorf("request %s with headers %v", r.URL.Path, r.Header)
			}
		})
	}
}

func TestReleasesConditionalRequest(t *testing.T) {
	p, gh, _ := setupReleases(t, "/latest")
	gh.set(func(g *fakeGitHub) { g.body, g.etag = ghReleaseJSON("v0.9.3", false, false), `W/"abc"` })
	wantObs(t, check(t, p), AlertNodeOutdated, true)
	res := check(t, p)
	if got := gh.last().Header.Get("If-None-Match"); got != `W/"abc"` {
		t.Errorf("If-None-Match = %q", got)
	}
	wantObs(t, res, AlertNodeOutdated, true)
	if res.Evidence["latest_version"] != "v0.9.3" {
		t.Errorf("evidence after 304: %v", res.Evidence)
	}
}

func TestReleasesList(t *testing.T) {
	p, gh, _ := setupReleases(t, "/repos/livepeer/go-livepeer/releases")
	gh.body = "[" + strings.Join([]string{
		ghReleaseJSON("v0.9.4-rc1", false, true),
		ghReleaseJSON("v0.9.5", true, false),
		ghReleaseJSON("v0.9.2", false, false),
		ghReleaseJSON("v0.9.3", false, false),
		ghReleaseJSON("nightly", false, false),
	}, ",") + "]"
	res := check(t, p)
	wantObs(t, res, AlertNodeOutdated, true)
	if res.Evidence["latest_version"] != "v0.9.3" {
		t.Errorf("picked %q, want the highest published release v0.9.3", res.Evidence["latest_version"])
	}
}

// API errors are the probe's failure and one info alert with a stable
// fingerprint, never NodeOutdated flapping or one alert per attempt.
func TestReleasesAPIErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(g *fakeGitHub)
		want  string
	}{
		{"RateLimited", func(g *fakeGitHub) {
			g.code = http.StatusForbidden
			g.body = `{"message":"API rate limit exceeded for 192.0.2.1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`
			g.header = http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1767326400"}}
		}, "releases api: HTTP 403: API rate limit exceeded for 192.0.2.1.; rate limited until 2026-01-02T04:00:00Z"},
		{"NotFound", func(g *fakeGitHub) {
			g.code = http.StatusNotFound
			g.body = `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`
		}, "releases api: HTTP 404: Not Found"},
		{"Hangs", func(g *fakeGitHub) { g.hang = true }, "releases api: no answer within 200ms"},
		{"NotJSON", func(g *fakeGitHub) { g.body = "<html>" }, "releases api: decode release: "},
		{"NoTag", func(g *fakeGitHub) { g.body = `{"name":"x"}` }, "releases api: the release has no tag_name"},
		{"LongMessage", func(g *fakeGitHub) {
			g.code = http.StatusBadGateway
			g.body = `{"message":"` + strings.Repeat("upstream\\nfailed ", 10000) + `"}`
		}, "releases api: HTTP 502: upstream failed upstream failed"},
		{"HugeAnswer", func(g *fakeGitHub) {
			g.body = `{"tag_name":"v0.9.1","body":"` + strings.Repeat("x", 9<<20) + `"}`
		}, "releases api: response body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := 10 * time.Second
			if tt.name == "Hangs" {
				timeout = 200 * time.Millisecond
			}
			p, gh, _ := setupReleasesTimeout(t, "/latest", timeout)
			gh.set(tt.setup)
			for range 3 {
				res := check(t, p)
				if res.Success || !strings.Contains(res.Error, tt.want) {
					t.Errorf("success %v, error %.300q; want %q", res.Success, res.Error, tt.want)
				}
				if len(res.Error) > 600 {
					t.Errorf("error of %d bytes, want at most 600", len(res.Error))
				}
				if len(res.Observations) != 1 {
					t.Fatalf("%d observations, want only ReleaseCheckFailed: %+v", len(res.Observations), res.Observations)
				}
				o := wantObs(t, res, AlertReleaseCheckFailed, true)
				if o.Severity != alert.Info || len(o.Labels) != 0 {
					t.Errorf("ReleaseCheckFailed severity %s labels %v", o.Severity, o.Labels)
				}
			}
			gh.set(func(g *fakeGitHub) {
				g.hang, g.code, g.header, g.body = false, 0, nil, ghReleaseJSON("v0.9.1", false, false)
			})
			res := check(t, p)
			wantObs(t, res, AlertReleaseCheckFailed, false)
			wantObs(t, res, AlertNodeOutdated, false)
		})
	}
}

func TestReleasesNodeDown(t *testing.T) {
	p, gh, node := setupReleasesTimeout(t, "/latest", 200*time.Millisecond)
	gh.body = ghReleaseJSON("v0.9.9", false, false)
	node.set(func(n *fakeNode) { n.hang["/status"] = true })
	res := check(t, p)
	wantNoObs(t, res, AlertNodeOutdated) // unknown while the node is down
	if res.Success || !strings.Contains(res.Error, "node version unknown: GET /status: ") {
		t.Errorf("success %v, error %q", res.Success, res.Error)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		want version
		ok   bool
	}{
		{"v0.9.1", version{0, 9, 1}, true},
		{"0.9.1", version{0, 9, 1}, true},
		{"0.7.9-b3278dce-dirty", version{0, 7, 9}, true},
		{"v1.2", version{1, 2, 0}, true},
		{"v0.9.4-rc1", version{0, 9, 4}, true},
		{"nightly", version{}, false},
		{"", version{}, false},
		{"1", version{}, false},
		{"1.2.3.4", version{}, false},
	}
	for _, tt := range tests {
		got, ok := parseVersion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseVersion(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
