package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// clefSample is the sample configuration with signer.kind clef.
func clefSample(t *testing.T) *config.Config {
	t.Helper()
	c := load(t, sampleConfig)
	c.Signer = config.Default().Signer
	c.Signer.Kind = config.SignerKindClef
	c.Signer.Clef.Endpoint = "http://127.0.0.1:8550"
	c.Signer.Clef.Address = "0x71562b71999873DB5b286dF957af199Ec94617F7"
	c.Signer.Clef.BondingManager = "0x35Bcf3c30594191d53231E4FF333E8A770453e40"
	c.Signer.Clef.RoundsManager = "0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f"
	return c
}

func TestClefFiles(t *testing.T) {
	c := clefSample(t)
	files, err := Render(c, Options{Source: "lpops.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	for _, p := range []string{"clef.service", "clef/rules.js", "clef/4byte.json"} {
		if !slices.Contains(paths, p) {
			t.Fatalf("files %q lack %s", paths, p)
		}
	}
	unit := string(fileByPath(t, files, "clef.service").Content)
	for _, want := range []string{
		"User=clef\n", "StateDirectoryMode=0700\n",
		"LoadCredential=clef-master-password:/etc/lpops/credentials/clef-master-password\n",
		"--chainid=1 ", "--rules=/etc/clef/rules.js ", "--ipcdisable --http --http.addr=127.0.0.1 --http.port=8550 ",
		`<"$${CREDENTIALS_DIRECTORY}/clef-master-password"'`,
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("clef.service lacks %q:\n%s", want, unit)
		}
	}
	rules := string(fileByPath(t, files, "clef/rules.js").Content)
	for _, want := range []string{
		`var SIGNER = "0x71562b71999873db5b286df957af199ec94617f7";`,
		`var BONDING_MANAGER = "0x35bcf3c30594191d53231e4ff333e8a770453e40";`,
		`var ROUNDS_MANAGER = "0xdd6f56dcc28d3f5f27084381fe8df634985cc39f";`,
		`var REWARD_MAX_FEE = "` + weiOf(t, c.Reward.MaxFeeGwei) + `";`,
		`var INIT_MAX_FEE = "` + weiOf(t, c.InitializeRound.MaxFeeGwei) + `";`,
		// Selectors from /work/shared/LIVEPEER.md.
		`reward: "0x228cb733"`, `rewardWithHint: "0x81871056"`, `rewardForTranscoder: "0x1a8c41f8"`,
		`rewardForTranscoderWithHint: "0xb556966a"`,
		`var ORCHESTRATORS = ["` + strings.ToLower(c.Orchestrator) + `"];`,
	} {
		if !strings.Contains(rules, want) {
			t.Errorf("rules.js lacks %q", want)
		}
	}
	if fb := string(fileByPath(t, files, "clef/4byte.json").Content); !strings.Contains(fb, `"1a8c41f8": "rewardForTranscoder(address)"`) ||
		!strings.Contains(unit, "--4bytedb-custom=/etc/clef/4byte.json ") {
		t.Errorf("clef/4byte.json does not name rewardForTranscoder, or clef.service does not load it:\n%s", fb)
	}
	lp := string(fileByPath(t, files, "lpops.service").Content)
	if !strings.Contains(lp, "After=network-online.target livepeer.service clef.service\n") {
		t.Errorf("lpops.service does not start after clef.service:\n%s", lp)
	}
	ud := string(fileByPath(t, files, "user-data.yaml").Content)
	if !strings.Contains(ud, "name: clef") {
		t.Errorf("user-data.yaml creates no clef user")
	}
	stubBinaries(t, c)
	dir := renderTo(t, c)
	if f := verifyUnits(t, dir, "clef.service", "lpops.service"); len(f) > 0 {
		t.Errorf("systemd-analyze verify reports:\n%s", strings.Join(f, "\n"))
	}
}

func weiOf(t *testing.T, gwei float64) string {
	t.Helper()
	w, err := gweiToWei(gwei)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestClefNeedsItsContracts(t *testing.T) {
	c := clefSample(t)
	c.Signer.Clef.BondingManager = ""
	c.Signer.Clef.Endpoint = "/run/clef/clef.ipc"
	_, err := Render(c, Options{})
	for _, want := range []string{
		"signer.clef.bonding_manager: is required to render clef's rule file (lpops render --resolve reads it from the Controller)",
		"signer.clef.endpoint: must be http://127.0.0.1:PORT to render clef.service",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Render: %v; want %q", err, want)
		}
	}
}

func TestGweiToWei(t *testing.T) {
	for _, tc := range []struct {
		Gwei float64
		Want string
	}{{5, "5000000000"}, {0.1, "100000000"}, {2.5, "2500000000"}, {0.000000001, "1"}, {10000, "10000000000000"}} {
		if got := weiOf(t, tc.Gwei); got != tc.Want {
			t.Errorf("gweiToWei(%v) = %s, want %s", tc.Gwei, got, tc.Want)
		}
	}
}
