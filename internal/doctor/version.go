package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/lpops/lpops/internal/nodeapi"
	"github.com/lpops/lpops/internal/probe"
)

// nodeCLIURL is where the node's CLI API answers: node.cli_url, else
// host.node.cli_addr.
func (d *Doctor) nodeCLIURL() string {
	if u := d.cfg.Node.CLIURL; u != "" {
		return u
	}
	return "http://" + d.cfg.Host.Node.CLIAddr
}

// checkNodeVersion compares the version the node reports on /status with
// the newest go-livepeer release (probes.releases.url), through the
// daemon's releases probe. Outdated warns; either side unknown warns
// "unknown".
func (d *Doctor) checkNodeVersion(ctx context.Context, _ *runEnv) []Finding {
	f := Finding{Check: CheckNodeVersion}
	rel := d.cfg.Probes.Releases
	if rel.URL == "" {
		f.Status, f.Evidence = Skip, "probes.releases.url is empty: no release to compare with"
		return []Finding{f}
	}
	cli, err := nodeapi.New(d.nodeCLIURL(), d.cfg.Node.Timeout.Duration, d.sys.HTTPClient)
	if err != nil {
		f.Status, f.Evidence, f.Fix = Warn, "unknown: "+err.Error(), "set node.cli_url"
		return []Finding{f}
	}
	p, err := probe.NewReleases(probe.ReleasesOptions{URL: rel.URL, CLI: cli, Timeout: d.cfg.Node.Timeout.Duration, HTTPClient: d.sys.HTTPClient})
	if err != nil {
		f.Status, f.Evidence, f.Fix = Warn, "unknown: "+err.Error(), "fix probes.releases.url"
		return []Finding{f}
	}
	res := p.Check(ctx)
	return []Finding{versionFinding(res, d.nodeCLIURL())}
}

// versionFinding reads the releases probe's result.
func versionFinding(res probe.Result, cliURL string) Finding {
	f := Finding{Check: CheckNodeVersion}
	running, latest := res.Evidence["running_version"], res.Evidence["latest_version"]
	statusErr, relErr := res.Evidence["status_error"], res.Evidence["releases_error"]
	outdated := false
	for _, o := range res.Observations {
		if o.Name == probe.AlertNodeOutdated && o.Firing {
			outdated = true
		}
	}
	switch {
	case statusErr != "" || relErr != "":
		var parts []string
		if statusErr != "" {
			parts = append(parts, "node version unknown ("+statusErr+")")
		} else {
			parts = append(parts, "node runs "+running)
		}
		if relErr != "" {
			parts = append(parts, "newest release unknown ("+relErr+")")
		} else {
			parts = append(parts, "newest release is "+latest)
		}
		f.Status, f.Evidence = Warn, "unknown: "+strings.Join(parts, "; ")
		f.Fix = "check that the node's CLI API answers (curl " + strings.TrimSuffix(cliURL, "/") + "/status) and that this host reaches the releases API"
		if statusErr == "" {
			f.Fix = "check that this host reaches the releases API (probes.releases.url), or compare by hand with https://github.com/livepeer/go-livepeer/releases"
		}
	case outdated:
		f.Status = Warn
		f.Evidence = fmt.Sprintf("the node runs %s; %s is out", running, latest)
		f.Fix = "upgrade go-livepeer to " + latest
		if u := res.Evidence["latest_url"]; u != "" {
			f.Fix += " (" + u + ")"
		}
		f.Fix += ", then systemctl restart livepeer"
	case !res.Success:
		f.Status, f.Evidence = Warn, "unknown: "+res.Error
		f.Fix = "compare by hand with https://github.com/livepeer/go-livepeer/releases"
	default:
		f.Status = Pass
		f.Evidence = fmt.Sprintf("the node runs %s, the newest release is %s", running, latest)
	}
	return f
}
