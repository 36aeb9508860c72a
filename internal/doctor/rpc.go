package doctor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/probe"
)

// localChainNodeName names the host's own chain node (host.chain_node:
// host.geth.http_addr or host.nitro.http_addr) when no rpc entry already
// points at it.
func localChainNodeName(h config.Host) string {
	return "host." + h.ChainNodeKind() + ".http_addr"
}

// resolveEndpoint reads an endpoint's URL, trying first the host file a
// /run/credentials/lpops.service/ url_file comes from.
// field is the entry's key path (rpc[1]), which errors name.
func (d *Doctor) resolveEndpoint(field string, e config.Endpoint) (config.ResolvedEndpoint, error) {
	if src, cred := d.credentialSource(e.URLFile); cred && e.URLFile != "" {
		alt := e
		alt.URLFile = src
		if r, err := alt.Resolve(field); err == nil {
			return r, nil
		}
	}
	return e.Resolve(field)
}

// rpcFix is the fix for rpc[i] whose URL doctor could not read.
func (d *Doctor) rpcFix(i int) string {
	if d.sys.EUID() == 0 {
		return fmt.Sprintf("fix rpc[%d]: its URL file or variable is missing, empty or not a URL", i)
	}
	return fmt.Sprintf("run lpops doctor as root, or fix rpc[%d]", i)
}

// checkRPC asks every configured endpoint (and the host's chain node, when it runs one
// and not listed) whether it is synced: eth_syncing false and a head newer
// than chain.max_head_age, on the right chain. It reuses the daemon's RPC
// probe, so endpoints are named, never shown by URL.
func (d *Doctor) checkRPC(ctx context.Context, _ *runEnv) []Finding {
	var out []Finding
	var eps []chain.EndpointConfig
	urls := map[string]bool{}
	for i, e := range d.cfg.RPC {
		r, err := d.resolveEndpoint(fmt.Sprintf("rpc[%d]", i), e)
		if err != nil {
			out = append(out, Finding{Check: CheckRPCSynced, Status: Warn, Subject: e.Name,
				Evidence: "cannot read its URL: " + shortErr(err),
				Fix:      d.rpcFix(i)})
			continue
		}
		eps = append(eps, chain.EndpointConfig{Name: r.Name, URL: r.URL})
		urls[strings.TrimSuffix(r.URL, "/")] = true
	}
	if u := d.cfg.Host.ChainNodeURL(); u != "" && !urls[u] {
		eps = append(eps, chain.EndpointConfig{Name: localChainNodeName(d.cfg.Host), URL: u})
	}
	if len(eps) == 0 {
		if len(out) == 0 {
			out = append(out, Finding{Check: CheckRPCSynced, Status: Skip, Evidence: "no rpc endpoint is configured"})
		}
		return out
	}
	p, err := probe.NewRPC(probe.RPCOptions{
		Endpoints:    eps,
		ChainID:      d.cfg.ChainID,
		MaxHeadAge:   d.cfg.Chain.MaxHeadAge.Duration,
		MaxLagBlocks: d.cfg.Chain.MaxLagBlocks,
		Timeout:      d.cfg.Chain.RequestTimeout.Duration,
		Now:          d.sys.Now,
	})
	if err != nil {
		return append(out, Finding{Check: CheckRPCSynced, Status: Warn, Evidence: err.Error(), Fix: "fix the rpc section (lpops check-config)"})
	}
	defer p.Close()
	return append(out, rpcFindings(p.Check(ctx), eps, d.cfg)...)
}

// rpcFindings turns the RPC probe's result into one finding per endpoint.
func rpcFindings(res probe.Result, eps []chain.EndpointConfig, c *config.Config) []Finding {
	var out []Finding
	for _, ep := range eps {
		firing := map[string]bool{}
		for _, o := range res.Observations {
			if o.Labels["endpoint"] == ep.Name && o.Firing {
				firing[o.Name] = true
			}
		}
		reason := res.Evidence[ep.Name]
		f := Finding{Check: CheckRPCSynced, Subject: ep.Name}
		local := ep.Name == localChainNodeName(c.Host) && c.Host.ChainNodeURL() != ""
		switch {
		case firing[probe.AlertRPCEndpointDown]:
			f.Status, f.Evidence = Fail, "does not answer: "+reason
			f.Fix = "check that the endpoint is up and reachable from this host"
			if local {
				unit := config.ChainNodeUnits[c.Host.ChainNodeKind()]
				f.Fix = fmt.Sprintf("start it (systemctl status %s; journalctl -u %s)", unit, unit)
			}
		case firing[probe.AlertRPCWrongChain]:
			f.Status, f.Evidence = Fail, "serves the wrong chain: "+reason
			f.Fix = fmt.Sprintf("point it at a node of chain id %d (network %s)", c.ChainID, c.Network)
		case firing[probe.AlertRPCEndpointStale]:
			f.Status, f.Evidence = Fail, "not synced: "+reason
			f.Fix = "wait for it to sync, or check its peers and logs; lpops fails over to a synced endpoint if one is configured"
		case firing[probe.AlertRPCEndpointLagging]:
			f.Status, f.Evidence = Warn, "behind the other endpoints: "+reason
			f.Fix = "check its peers and logs, or replace it"
		default:
			f.Status = Pass
			age := time.Duration(res.Values[ep.Name+"_head_age_seconds"] * float64(time.Second)).Round(time.Second)
			f.Evidence = fmt.Sprintf("synced: head %.0f, %s old (chain.max_head_age %s)", res.Values[ep.Name+"_head_block"], age, c.Chain.MaxHeadAge)
		}
		out = append(out, f)
	}
	return out
}
