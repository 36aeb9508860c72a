package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/httpx"
	"github.com/lpops/lpops/internal/nodeapi"
)

// Alerts raised by the releases probe.
const (
	// AlertNodeOutdated: a newer go-livepeer release than the node runs is
	// out. Info when only the patch number differs, warning for a newer minor
	// or major version. Requires "node".
	AlertNodeOutdated = "NodeOutdated"
	// AlertReleaseCheckFailed: the releases API could not be read (rate
	// limit, network, bad answer). One info alert with a stable fingerprint
	// however long it lasts: a probe failure, never a storm.
	AlertReleaseCheckFailed = "ReleaseCheckFailed"
)

// ReleasesOptions configure the releases probe.
type ReleasesOptions struct {
	// URL is the GitHub releases API address (probes.releases.url), either a
	// single release (.../releases/latest) or a list (.../releases).
	URL string
	// CLI reads the node's running version from /status. Required.
	CLI *nodeapi.Client
	// Timeout bounds the API request; zero means nodeapi.DefaultTimeout.
	Timeout    time.Duration
	HTTPClient *http.Client
}

// Releases compares the node's version with the newest go-livepeer release.
// It keeps the API's ETag and sends If-None-Match, so an unchanged answer
// costs nothing against GitHub's rate limit.
type Releases struct {
	o    ReleasesOptions
	http *http.Client

	mu     sync.Mutex
	etag   string
	cached *ghRelease
}

var _ Probe = (*Releases)(nil)

// NewReleases returns the releases probe.
func NewReleases(o ReleasesOptions) (*Releases, error) {
	if o.CLI == nil {
		return nil, errors.New("releases probe: no CLI API client")
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("releases probe: url must be an http or https URL")
	}
	if o.Timeout <= 0 {
		o.Timeout = nodeapi.DefaultTimeout
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Releases{o: o, http: hc}, nil
}

// Name implements Probe.
func (p *Releases) Name() string { return "releases" }

// ghRelease is the part of GitHub's release object the probe reads
// (https://docs.github.com/en/rest/releases/releases).
type ghRelease struct {
	TagName     string `json:"tag_name"`
	Name        string `json:"name"`
	HTMLURL     string `json:"html_url"`
	Draft       bool   `json:"draft"`
	Prerelease  bool   `json:"prerelease"`
	PublishedAt string `json:"published_at"`
}

// Check implements Probe.
func (p *Releases) Check(ctx context.Context) Result {
	var (
		wg        sync.WaitGroup
		status    *nodeapi.Status
		statusErr error
		rel       *ghRelease
		relErr    error
	)
	wg.Go(func() { status, statusErr = p.o.CLI.Status(ctx) })
	wg.Go(func() { rel, relErr = p.latest(ctx) })
	wg.Wait()

	res := Result{Values: map[string]float64{}, Evidence: map[string]string{}}
	var problems []string
	noLabels := map[string]string{}
	if relErr != nil {
		res.Evidence["releases_error"] = relErr.Error()
		problems = append(problems, relErr.Error())
	} else {
		res.Evidence["latest_version"] = rel.TagName
		res.Evidence["latest_url"] = rel.HTMLURL
		res.Evidence["latest_published_at"] = rel.PublishedAt
	}
	res.Observations = append(res.Observations, alert.Observation{
		Name: AlertReleaseCheckFailed, Labels: noLabels, Severity: alert.Info, Firing: relErr != nil,
		Summary:     "lpops cannot read the newest go-livepeer release",
		Description: orElse(errText(relErr), "The releases API answered."),
	})
	if statusErr != nil {
		res.Evidence["status_error"] = statusErr.Error()
		problems = append(problems, "node version unknown: "+statusErr.Error())
	} else {
		res.Evidence["running_version"] = status.Version
	}
	if relErr != nil || statusErr != nil {
		return concludeResult(res, problems)
	}

	running, okRun := parseVersion(status.Version)
	latest, okLatest := parseVersion(rel.TagName)
	if !okRun || !okLatest {
		problems = append(problems, fmt.Sprintf("cannot compare versions %q (node) and %q (release)", status.Version, rel.TagName))
		return concludeResult(res, problems)
	}
	outdated := running.less(latest)
	res.Values["outdated"] = flag01(outdated)
	sev := alert.Info
	if outdated && (latest[0] > running[0] || latest[1] > running[1]) {
		sev = alert.Warning
	}
	desc := fmt.Sprintf("The node runs %s; the newest release is %s.", status.Version, rel.TagName)
	if outdated {
		desc = fmt.Sprintf("The node runs %s; %s was released %s: %s", status.Version, rel.TagName, rel.PublishedAt, rel.HTMLURL)
	}
	res.Observations = append(res.Observations, alert.Observation{
		Name: AlertNodeOutdated, Labels: noLabels, Severity: sev, Firing: outdated,
		Summary:     "go-livepeer " + rel.TagName + " is out; the node runs " + status.Version,
		Description: desc, Requires: SourceNode,
	})
	if outdated {
		problems = append(problems, desc)
	}
	return concludeResult(res, problems)
}

// latest fetches the newest release, or the cached one when the API answers
// 304 Not Modified.
func (p *Releases) latest(ctx context.Context) (*ghRelease, error) {
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.o.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("releases api: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "lpops")
	p.mu.Lock()
	if p.cached != nil && p.etag != "" {
		req.Header.Set("If-None-Match", p.etag)
	}
	p.mu.Unlock()
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("releases api: %w", plainHTTPError(ctx, err, p.o.Timeout))
	}
	defer resp.Body.Close()
	body, err := httpx.ReadBody(resp.Body, 8<<20)
	if err != nil {
		return nil, fmt.Errorf("releases api: %w", plainHTTPError(ctx, err, p.o.Timeout))
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.cached == nil {
			return nil, errors.New("releases api: 304 Not Modified without a cached release")
		}
		return p.cached, nil
	case resp.StatusCode != http.StatusOK:
		return nil, ghError(resp, body)
	}
	rel, err := pickRelease(body)
	if err != nil {
		return nil, fmt.Errorf("releases api: %w", err)
	}
	p.mu.Lock()
	p.etag, p.cached = resp.Header.Get("ETag"), rel
	p.mu.Unlock()
	return rel, nil
}

// pickRelease reads one release object, or a list of them, from which it
// takes the highest version that is neither a draft nor a pre-release.
func pickRelease(body []byte) (*ghRelease, error) {
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "[") {
		var list []ghRelease
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("decode release list: %w", err)
		}
		var best *ghRelease
		var bestV version
		for i := range list {
			r := &list[i]
			v, ok := parseVersion(r.TagName)
			if r.Draft || r.Prerelease || !ok {
				continue
			}
			if best == nil || bestV.less(v) {
				best, bestV = r, v
			}
		}
		if best == nil {
			return nil, errors.New("the release list holds no published release with a version tag")
		}
		return best, nil
	}
	var r ghRelease
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode release: %w", err)
	}
	if r.TagName == "" {
		return nil, errors.New("the release has no tag_name")
	}
	return &r, nil
}

// ghError describes a failed API answer with GitHub's message and, for a
// rate limit, when it resets.
func ghError(resp *http.Response, body []byte) error {
	var m struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &m)
	msg := fmt.Sprintf("releases api: HTTP %d", resp.StatusCode)
	if m.Message != "" {
		msg += ": " + httpx.Text(m.Message)
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			msg += "; rate limited until " + time.Unix(reset, 0).UTC().Format(time.RFC3339)
		}
	}
	return errors.New(msg)
}

// version is the numeric core of a semantic version: major, minor, patch.
// Suffixes are ignored: go-livepeer builds report "0.9.1-<commit>", which
// is the 0.9.1 release, not a pre-release of it.
type version [3]uint64

// parseVersion reads "v0.9.1", "0.9.1", "0.9.1-abcdef" or "0.9".
func parseVersion(s string) (version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return version{}, false
	}
	var v version
	for i, part := range parts {
		n, err := strconv.ParseUint(part, 10, 64)
		if err != nil {
			return version{}, false
		}
		v[i] = n
	}
	return v, true
}

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}
