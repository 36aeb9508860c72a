package config

import (
	"strings"
	"testing"
)

// TestTranscodersConfig: node.transcoders and host.transcoder decode over
// their defaults, and a configuration that renders transcoder hosts without
// watching them is valid but warned about.
func TestTranscodersConfig(t *testing.T) {
	c, err := Parse([]byte(`network: custom
chain_id: 54321
controller: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
rpc:
  - url: http://127.0.0.1:8545
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
reward:
  mode: observe
node:
  cli_url: http://127.0.0.1:7935
  transcoders:
    expected: 3
    min_capacity: 30
host:
  node:
    transcoder: false
  transcoder:
    orch_addr: 10.0.1.10:8935
    nvidia: all
    aws:
      max: 8
alerts:
  channels:
    - name: hook
      type: webhook
      url: https://hooks.example.com/lpops
`), "lpops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Host.Transcoder
	if !c.Node.Transcoders.Enabled() || c.Node.Transcoders.Expected != 3 || c.Node.Transcoders.MinCapacity != 30 {
		t.Errorf("node.transcoders = %+v", c.Node.Transcoders)
	}
	if !tr.Enabled() || tr.Nvidia != "all" || tr.MaxSessions != 10 || tr.SecretCredential != "/etc/lpops/credentials/livepeer-orch-secret" ||
		tr.AWS.Max != 8 || tr.AWS.Min != 1 || tr.AWS.Desired != 1 || tr.AWS.InstanceType != "g4dn.xlarge" {
		t.Errorf("host.transcoder = %+v, want the file's values over the defaults", tr)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %q, want none", w)
	}

	c.Node.Transcoders = NodeTranscoders{}
	if w := c.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "node.transcoders: host.transcoder renders remote transcoders but lpops does not watch them") {
		t.Errorf("Warnings() = %q, want one about node.transcoders", w)
	}
	if Default().Host.Transcoder.Enabled() || Default().Node.Transcoders.Enabled() {
		t.Error("remote transcoders are on by default")
	}
}
