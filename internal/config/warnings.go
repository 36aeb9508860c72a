package config

import (
	"fmt"
	"net"
	"strings"
)

// Warnings lists settings that are valid but risky, one line each, as
// "<field>: <what and why>". `lpops check-config` prints them and the daemon
// logs them at start; neither refuses to run.
func (c *Config) Warnings() []string {
	var w []string
	if host, _, err := net.SplitHostPort(c.Listen); err == nil && !loopbackHost(host) {
		w = append(w, fmt.Sprintf("listen: %s is not a loopback address: the API, /metrics and the full status page "+
			"(accounts, transactions, alert text) are reachable from the network; keep listen on 127.0.0.1 and "+
			"serve the page with api.public_listen, or guard the port with a firewall", c.Listen))
	}
	if len(c.Alerts.Channels) == 0 {
		w = append(w, "alerts.channels: no alert channel is configured: a missed reward, a stuck transaction or a "+
			"down node shows only on the status page and /metrics, and nobody is told; add a channel "+
			"(slack, discord, telegram, pagerduty, email, webhook or alertmanager)")
	}
	if c.Host.Transcoder.Enabled() && !c.Node.Transcoders.Enabled() {
		w = append(w, "node.transcoders: host.transcoder renders remote transcoders but lpops does not watch them: "+
			"set node.transcoders.expected (and min_capacity) so TranscoderMissing tells you when they drop off")
	}
	if m := c.ChainNodeMismatch(); m != nil {
		w = append(w, m.Error()+"; lpops render refuses this host")
	}
	return w
}

// loopbackHost reports whether host (of host:port) binds loopback only: a
// loopback IP or "localhost". An empty host binds every interface.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
