package main

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// TestRenderResolvesClefContracts: with signer.kind clef and no contracts
// in the configuration, render refuses and names the keys; with --resolve
// it reads them from the Controller of a real chain into clef's rule file.
func TestRenderResolvesClefContracts(t *testing.T) {
	chain := testenv.StartAnvil(t, testenv.AnvilOptions{})
	owner := chain.FundedKey(t, big.NewInt(10))
	dep, err := testchain.Deploy(t.Context(), chain.Client(t), owner, testchain.Params{LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(renderSample)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(sample)
	head := cfg[:strings.Index(cfg, "orchestrator:")]
	cfg = strings.Replace(cfg, head, fmt.Sprintf("network: custom\nchain_id: %d\ncontroller: \"%s\"\nrpc:\n  - name: local-nitro\n    url: %s\n",
		chain.ChainID.Uint64(), dep.Controller.Hex(), chain.URL), 1)
	cfg = strings.Replace(cfg, "signer:\n  keystore: /run/credentials/lpops.service/keystore\n  passphrase_file: /run/credentials/lpops.service/passphrase\n",
		"signer:\n  kind: clef\n  clef:\n    endpoint: http://127.0.0.1:8550\n    address: \"0x71562b71999873DB5b286dF957af199Ec94617F7\"\n", 1)
	cfg = strings.Replace(cfg, "extra_flags: [--mainnet]", "extra_flags: []", 1) // the sample's geth follows mainnet
	file := filepath.Join(t.TempDir(), "lpops.yaml")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "host")
	code, _, stderr := renderCmd(t, "--config", file, "--out", out)
	if code != 1 || !strings.Contains(stderr, "signer.clef.bonding_manager: is required to render clef's rule file (lpops render --resolve reads it from the Controller)") {
		t.Fatalf("render without the contracts: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = renderCmd(t, "--config", file, "--out", out, "--resolve")
	if code != 0 {
		t.Fatalf("render --resolve: exit %d:\n%s", code, stderr)
	}
	if want := "signer.clef.bonding_manager: " + dep.BondingManager.Hex(); !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	rules, err := os.ReadFile(filepath.Join(out, "clef", "rules.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`var BONDING_MANAGER = "` + strings.ToLower(dep.BondingManager.Hex()) + `";`,
		`var ROUNDS_MANAGER = "` + strings.ToLower(dep.RoundsManager.Hex()) + `";`,
	} {
		if !strings.Contains(string(rules), want) {
			t.Errorf("clef/rules.js lacks %q", want)
		}
	}
}
