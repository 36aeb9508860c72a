package config

import (
	"fmt"
	"slices"
	"strings"
)

// nitroFlagsSet are the Nitro flags nitro.service sets from host.nitro keys
// or from the network; extra_flags may not set them again.
var nitroFlagsSet = map[string]string{
	"chain.id": "network", "conf.env-prefix": "", "init.latest": "init",
	"http.addr": "http_addr", "http.port": "http_addr", "http.api": "", "http.vhosts": "",
	"parent-chain.connection.url": "l1_credential", "parent-chain.blob-client.beacon-url": "l1_credential",
}

// chainNode checks host.chain_node itself: a known kind, not contradicted
// by host.geth.enabled, and the chosen node's keys. Whether the node fits
// the network is ChainNodeMismatch's, which render refuses and
// check-config warns about: a host run by hand may use the keys for doctor
// alone.
func (v *validator) chainNode(c *Config) {
	h := c.Host
	kinds := []string{ChainNodeNone, ChainNodeNitro, ChainNodeGeth}
	if h.ChainNode.Kind != "" && !slices.Contains(kinds, h.ChainNode.Kind) {
		v.oneOf("host.chain_node.kind", h.ChainNode.Kind, kinds...)
		return
	}
	kind := h.ChainNodeKind()
	if h.Geth.Enabled && kind != ChainNodeGeth {
		v.add("host.geth.enabled", "true", fmt.Sprintf("contradicts host.chain_node.kind %s; leave host.geth.enabled out: host.chain_node.kind chooses the chain node", kind))
		return
	}
	if kind == ChainNodeNitro {
		v.hostNitro(h.Nitro)
	}
}

// ChainNodeMismatch reports a chain node that cannot serve the network's
// chain (geth, an L1 node, for Arbitrum One; Nitro for the L1 deployment),
// naming the key that chose it, or nil. `lpops render` refuses it; the
// daemon and check-config warn.
func (c *Config) ChainNodeMismatch() *ValidationError {
	h := c.Host
	kind := h.ChainNodeKind()
	field, value := "host.chain_node.kind", kind
	if h.ChainNode.Kind == "" {
		field, value = "host.geth.enabled", "true"
	}
	switch {
	case kind == ChainNodeGeth && c.Network == NetworkArbitrumOne:
		return &ValidationError{Field: field, Value: value, Msg: "runs geth, an Ethereum L1 (or devnet) node, but network arbitrum-one-mainnet needs an Arbitrum One node: " +
			"set host.chain_node.kind to nitro (a local Arbitrum full node) or none (hosted Arbitrum RPC endpoints)"}
	case kind == ChainNodeNitro && c.Network == NetworkMainnet:
		return &ValidationError{Field: field, Value: value, Msg: "runs an Arbitrum node, but network mainnet is Ethereum L1: set host.chain_node.kind to geth or none"}
	case kind == ChainNodeGeth:
		for i, f := range c.Host.Geth.ExtraFlags.Items {
			name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
			if id, public := gethNetworks[name]; public && id != c.ChainID {
				return &ValidationError{Field: fmt.Sprintf("host.geth.extra_flags[%d]", i), Value: f,
					Msg: fmt.Sprintf("makes geth follow chain id %d, but chain_id is %d: the node and lpops would read another chain", id, c.ChainID)}
			}
		}
	}
	return nil
}

// gethNetworks are geth's flags for public networks and their chain ids.
var gethNetworks = map[string]uint64{"mainnet": 1, "sepolia": 11155111, "holesky": 17000, "hoodi": 560048}

// ChainNodeRestarts reports every runbook step that restarts a chain node's
// unit (nitro.service, geth.service) the host does not run.
func (c *Config) ChainNodeRestarts() []error {
	kind := c.Host.ChainNodeKind()
	var errs []error
	for i, rb := range c.Remediation.Runbooks {
		for j, s := range rb.Steps {
			if s.Type != StepSystemdRestart {
				continue
			}
			for k, unit := range ChainNodeUnits {
				if s.Unit == unit && k != kind {
					errs = append(errs, &ValidationError{Field: fmt.Sprintf("remediation.runbooks[%d].steps[%d].unit", i, j), Value: s.Unit,
						Msg: fmt.Sprintf("restarts the %s chain node, but host.chain_node.kind is %s: no %s is rendered; %s", k, kind, unit, restartHint(kind))})
				}
			}
		}
	}
	return errs
}

// restartHint says which chain node unit a runbook can restart instead.
func restartHint(kind string) string {
	if u, ok := ChainNodeUnits[kind]; ok {
		return "restart " + u
	}
	return "remove the step, or run a chain node (host.chain_node.kind nitro)"
}

func (v *validator) hostNitro(n HostNitro) {
	if base := n.Runtime[strings.LastIndex(n.Runtime, "/")+1:]; !strings.HasPrefix(n.Runtime, "/") || !argSafe(n.Runtime) || base != "podman" && base != "docker" {
		v.add("host.nitro.runtime", n.Runtime, "must be the absolute path of podman or docker, such as /usr/bin/podman")
	}
	_, tag, tagged := strings.Cut(n.Image[strings.LastIndex(n.Image, "/")+1:], ":")
	switch {
	case !argSafe(n.Image) || !strings.Contains(n.Image, "nitro-node"):
		v.add("host.nitro.image", n.Image, "must be the official Nitro image with a release tag, such as docker.io/offchainlabs/nitro-node:v3.9.5-66e42c4")
	case !tagged || tag == "latest":
		v.add("host.nitro.image", n.Image, "must carry a release tag (not latest): a restart must not upgrade the node behind your back")
	}
	v.hostPath("host.nitro.data_dir", n.DataDir)
	v.hostPort("host.nitro.http_addr", n.HTTPAddr, true)
	v.hostPath("host.nitro.l1_credential", n.L1Credential)
	if n.Init != "" && !argSafe(n.Init) {
		v.add("host.nitro.init", n.Init, "must be one word, such as pruned")
	}
	v.extraFlags("host.nitro.extra_flags", n.ExtraFlags.Items, false, nitroFlagsSet, "nitro.service", "host.nitro.")
}
