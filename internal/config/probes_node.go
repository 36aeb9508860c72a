package config

import (
	"net/url"
	"strings"
)

// probesNode validates probes.node. probes.rpc and probes.releases are
// validated by probesRPC and probesReleases below, which Probes' validation
// calls beside it.
func (v *validator) probesNode(p NodeProbe) {
	v.optionalHTTPURL("probes.node.metrics_url", p.MetricsURL, "http://127.0.0.1:7935/metrics")
	v.optionalHTTPURL("probes.node.service_url", p.ServiceURL, "https://127.0.0.1:8935")
}

// probesRPC validates probes.rpc.
func (v *validator) probesRPC(p RPCProbe) {
	if p.MaxPendingBlocks == 0 {
		v.add("probes.rpc.max_pending_blocks", "0", "must be more than 0")
	}
}

// probesReleases validates probes.releases. An empty url disables the probe,
// and then its interval does not matter.
func (v *validator) probesReleases(p ReleasesProbe) {
	if p.URL == "" {
		return
	}
	v.optionalHTTPURL("probes.releases.url", p.URL, "https://api.github.com/repos/livepeer/go-livepeer/releases/latest")
	v.positive("probes.releases.interval", p.Interval)
}

// optionalHTTPURL checks that s, when set, is an http or https URL with a
// host. The value shown hides any password in it.
func (v *validator) optionalHTTPURL(field, s, example string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil {
		// Nothing can be redacted from what does not parse: show it only
		// when it holds no user info.
		shown := s
		if strings.Contains(s, "@") {
			shown = ""
		}
		v.add(field, shown, "must be an http or https URL, such as "+example)
		return
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(field, u.Redacted(), "must be an http or https URL, such as "+example)
	}
}
