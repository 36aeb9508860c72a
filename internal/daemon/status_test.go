package daemon

import (
	"encoding/json"
	"math/big"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
)

// TestStatusDocumentIsDocumented keeps docs/api.md and the status JSON in
// step: every key the document can carry must be listed there.
func TestStatusDocumentIsDocumented(t *testing.T) {
	doc := StatusDoc{
		NotReady: "x",
		Keeper: &keeper.Status{
			SecondsLeft: 1, LastError: "x", RewardMethod: "reward", Reason: "x", RewardedBy: "node", RewardTx: "0x", RewardAmount: "1",
			Balances:   map[string]string{"0xabc": "1"},
			LastReward: &keeper.LastReward{Round: 1, By: "node", Tx: "0x", Amount: "1"},
			Txs:        []*keeper.Tx{{MaxFee: keeper.NewWei(big.NewInt(1)), Tip: keeper.NewWei(big.NewInt(1)), FeePaid: keeper.NewWei(big.NewInt(1)), Error: "x", Block: 1, GasUsed: 1}},
		},
		Remediation: &remediate.Status{Runbooks: []remediate.RunbookStatus{{Name: "x", Triggers: []string{"A"}, Breaker: "closed",
			BreakerOpenedAt: time.Unix(1, 0), BreakerCooldownEnds: time.Unix(1, 0), Running: 1, LastRun: 1, LastOutcome: "ok",
			LastEnd: time.Unix(1, 0), LastError: "x", NextScheduled: time.Unix(1, 0)}}},
		Probes:    []probe.Result{{Probe: "x", Error: "x", Values: map[string]float64{"v": 1}, Evidence: map[string]string{"e": "x"}, Firing: []string{"A"}}},
		Endpoints: []chain.EndpointStatus{{Reason: "x", LastError: "x", Head: chain.Head{BaseFee: big.NewInt(1)}}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var keys []string
	walk("", v, &keys)
	md, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	for _, k := range keys {
		documented := false
		parts := strings.Split(k, ".")
		for i := range parts { // the full path or any tail of it, as written in a table
			if strings.Contains(string(md), "`"+strings.Join(parts[i:], ".")+"`") {
				documented = true
			}
		}
		if !documented {
			t.Errorf("status key %q is not documented in docs/api.md", k)
		}
	}
}

func walk(prefix string, v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if prefix == "keeper.balances_wei" || strings.HasSuffix(prefix, ".values") || strings.HasSuffix(prefix, ".evidence") {
				continue // keys are addresses
			}
			switch c.(type) {
			case map[string]any, []any: // containers: their keys are checked
			default:
				*out = append(*out, p)
			}
			walk(p, c, out)
		}
	case []any:
		for _, c := range x {
			walk(prefix, c, out)
		}
	}
}

// TestStatusSignerOmittedWithoutSigner: in observe mode without a key the
// document has no keeper.signer (docs/api.md), not the zero address, which
// the page would show as "lpops signs as 0x0000…".
func TestStatusSignerOmittedWithoutSigner(t *testing.T) {
	for _, tc := range []struct {
		Name   string
		Signer common.Address
		Want   bool
	}{
		{"NoSigner", common.Address{}, false},
		{"Signer", common.HexToAddress("0x3b1f9d2c4a6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d"), true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			b, err := json.Marshal(StatusDoc{Keeper: &keeper.Status{Mode: "observe", Signer: tc.Signer}})
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Keeper map[string]any `json:"keeper"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			got, has := doc.Keeper["signer"]
			if has != tc.Want {
				t.Fatalf("keeper.signer present %v (%v), want %v", has, got, tc.Want)
			}
			if has && got != strings.ToLower(tc.Signer.Hex()) {
				t.Errorf("keeper.signer = %v, want %s", got, strings.ToLower(tc.Signer.Hex()))
			}
		})
	}
}
