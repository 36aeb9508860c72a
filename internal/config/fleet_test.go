package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// fleetBase is a valid configuration without its orchestrator keys.
const fleetBase = `network: custom
chain_id: 54321
controller: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
rpc:
  - url: http://127.0.0.1:8545
signer:
  keystore: /keys/caller.json
  passphrase_file: /keys/caller.pass
state_dir: /var/lib/lpops
`

const (
	orchA = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
	orchB = "0x2c1c9817f4b8f07efb298a17102531cdd09cef68"
	orchC = "0x3c1c9817f4b8f07efb298a17102531cdd09cef68"
)

func TestOrchestratorShorthandIsOneEntryList(t *testing.T) {
	c, err := Parse([]byte(fleetBase+"orchestrator: \""+orchA+"\"\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Orchestrators()
	if len(got) != 1 || got[0].Address != orchA || got[0].Signer.Keystore != "/keys/caller.json" || got[0].OwnSigner {
		t.Fatalf("Orchestrators() = %+v", got)
	}
	if c.PrimaryOrchestrator() != orchA {
		t.Fatalf("PrimaryOrchestrator() = %q", c.PrimaryOrchestrator())
	}
}

func TestOrchestratorsSharedAndOwnSigners(t *testing.T) {
	c, err := Parse([]byte(fleetBase+`orchestrators:
  - address: "`+orchA+`"
  - address: "`+orchB+`"
    signer:
      keystore: /keys/b.json
      passphrase_env: B_PASS
  - address: "`+orchC+`"
    signer:
      kind: clef
      clef:
        endpoint: /run/clef/clef.ipc
        address: "`+orchC+`"
`), "")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Orchestrators()
	if len(got) != 3 {
		t.Fatalf("%d orchestrators, want 3", len(got))
	}
	if got[0].OwnSigner || got[0].Signer.Keystore != "/keys/caller.json" {
		t.Errorf("entry 0 should use the top-level signer: %+v", got[0])
	}
	if !got[1].OwnSigner || got[1].Signer.Kind != SignerKindKeystore || got[1].Signer.Keystore != "/keys/b.json" {
		t.Errorf("entry 1 should use its own keystore: %+v", got[1])
	}
	if !got[2].OwnSigner || got[2].Signer.Kind != SignerKindClef || got[2].Signer.Clef.Timeout.Duration == 0 || got[2].Signer.Clef.MaxGas == 0 {
		t.Errorf("entry 2 should use its own clef signer with defaults filled in: %+v", got[2].Signer)
	}
	if c.PrimaryOrchestrator() != orchA {
		t.Errorf("PrimaryOrchestrator() = %q", c.PrimaryOrchestrator())
	}
}

func TestOrchestratorsEveryEntryOwnSignerNeedsNoTopLevel(t *testing.T) {
	base := strings.Replace(fleetBase, "signer:\n  keystore: /keys/caller.json\n  passphrase_file: /keys/caller.pass\n", "", 1)
	_, err := Parse([]byte(base+`orchestrators:
  - address: "`+orchA+`"
    signer: {keystore: /keys/a.json, passphrase_file: /keys/a.pass}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse([]byte(base+`orchestrators:
  - address: "`+orchA+`"
    signer: {keystore: /keys/a.json, passphrase_file: /keys/a.pass}
  - address: "`+orchB+`"
`), "")
	if err == nil || !strings.Contains(err.Error(), "signer.keystore: is required when reward.mode is act") {
		t.Fatalf("an entry without a signer needs the top-level one; got %v", err)
	}
}

func TestOrchestratorsErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"both", "orchestrator: \"" + orchA + "\"\norchestrators:\n  - address: \"" + orchB + "\"\n",
			"orchestrators: cannot be set together with orchestrator"},
		{"empty", "orchestrators: []\n", "orchestrators: is empty"},
		{"bad address", "orchestrators:\n  - address: \"" + orchA + "\"\n  - address: \"" + orchB + "\"\n  - address: 0x12\n",
			`orchestrators[2].address: must be 0x followed by 40 hex digits (got "0x12")`},
		{"missing address", "orchestrators:\n  - signer: {keystore: /k.json, passphrase_file: /p}\n",
			"orchestrators[0].address: is required"},
		{"duplicate", "orchestrators:\n  - address: \"" + orchA + "\"\n  - address: \"" + strings.ToUpper(orchA[:2]) + strings.ToUpper(orchA[2:]) + "\"\n",
			"orchestrators[1].address: duplicates orchestrators[0].address"},
		{"entry signer", "orchestrators:\n  - address: \"" + orchA + "\"\n    signer:\n      kind: aws-kms\n",
			"orchestrators[0].signer.kms.key_id: is required when orchestrators[0].signer.kind is aws-kms"},
		{"entry signer passphrase", "orchestrators:\n  - address: \"" + orchA + "\"\n    signer:\n      keystore: /k.json\n",
			"orchestrators[0].signer: needs passphrase_file, passphrase_env or passphrase_secret"},
		{"unknown key", "orchestrators:\n  - address: \"" + orchA + "\"\n    signr: {}\n", "orchestrators[0].signr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(fleetBase+tc.yaml), "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestExampleFleetBlock uncomments the example's orchestrators: block in
// place of its orchestrator: and checks that it loads and documents every
// key of an entry (an entry's signer has the top-level signer's keys,
// documented there).
func TestExampleFleetBlock(t *testing.T) {
	const example = "../../examples/lpops.yaml"
	t.Setenv("LPOPS_RPC_ALCHEMY", "https://arb-mainnet.g.alchemy.com/v2/example")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "orchestrator: "):
			continue
		case l == "# orchestrators:":
			in = true
			l = "orchestrators:"
		case in && strings.HasPrefix(l, "#   "):
			l = l[2:]
		default:
			in = false
		}
		out = append(out, l)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "lpops.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(out, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file)
	if err != nil {
		t.Fatalf("the example's fleet block does not load: %v", err)
	}
	if n := len(c.Orchestrators()); n != 2 {
		t.Fatalf("the example's fleet block has %d orchestrators, want 2", n)
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(out, "\n")), &root); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	documentedKeys(&root, "", false, documented)
	for _, p := range []string{"orchestrators", "orchestrators[].address", "orchestrators[].signer"} {
		if !documented[p] {
			t.Errorf("the example's fleet block does not document %s", p)
		}
	}
}

// ForOrchestrator narrows a fleet to one orchestrator with its signer; an
// address not listed is refused.
func TestForOrchestrator(t *testing.T) {
	c, err := Parse([]byte(fleetBase+`orchestrators:
  - address: "`+orchA+`"
  - address: "`+orchB+`"
    signer:
      keystore: /keys/b.json
      passphrase_env: B_PASS
`), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		Name, Addr, Keystore string
	}{
		{"SharedSigner", orchA, "/keys/caller.json"},
		{"OwnSignerAnyCase", strings.ToUpper(orchB[2:]), "/keys/b.json"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			addr := tc.Addr
			if !strings.HasPrefix(addr, "0x") {
				addr = "0x" + addr
			}
			n, ok := c.ForOrchestrator(addr)
			if !ok {
				t.Fatalf("%s not found", addr)
			}
			got := n.Orchestrators()
			if len(got) != 1 || !strings.EqualFold(got[0].Address, addr) || n.Signer.Keystore != tc.Keystore || n.PrimaryOrchestrator() != got[0].Address {
				t.Fatalf("narrowed to %+v with signer %q, want %s signing with %s", got, n.Signer.Keystore, addr, tc.Keystore)
			}
			if err := n.Validate(); err != nil {
				t.Errorf("the narrowed configuration is invalid: %v", err)
			}
		})
	}
	if _, ok := c.ForOrchestrator(orchC); ok {
		t.Error("an orchestrator not in the list was found")
	}
	if len(c.Orchestrators()) != 2 || c.Signer.Keystore != "/keys/caller.json" {
		t.Error("ForOrchestrator changed the configuration it narrowed")
	}
	single, err := Parse([]byte(fleetBase+"orchestrator: \""+orchA+"\"\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := single.ForOrchestrator(orchA); !ok || n.Orchestrator != orchA || n.OrchestratorList != nil {
		t.Errorf("a single orchestrator: %+v, %v", n, ok)
	}
}
