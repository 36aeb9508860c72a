package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/store"
)

// roundsConfig writes a configuration whose listen address is listen, whose
// state_dir is empty and whose RPC endpoint does not answer.
func roundsConfig(t *testing.T, listen string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := "network: custom\nchain_id: 54321\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n" +
		"rpc:\n  - url: http://" + freeAddr(t) + "\norchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n" +
		"reward:\n  mode: observe\nstate_dir: " + filepath.Join(dir, "state") + "\nlisten: " + listen + "\n"
	path := filepath.Join(dir, "lpops.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRoundsOutcomes renders every outcome the daemon's API can report.
func TestRoundsOutcomes(t *testing.T) {
	h1, h2 := "0x"+strings.Repeat("01", 32), "0x"+strings.Repeat("ab", 32)
	body := strings.NewReplacer("H1", h1, "H2", h2).Replace(`[
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":105,"outcome":"","state":"tx_pending","txs":[
   {"kind":"reward","method":"rewardForTranscoder","hash":"H1","state":"sent","from":"0x0000000000000000000000000000000000000001"}]},
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":104,"outcome":"missed","reason":"reward would revert","txs":[]},
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":103,"outcome":"unknown","txs":[]},
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":102,"outcome":"rewarded_by_lpops","reward_tx":"H2",
  "reward_amount":"1500000000000000000","txs":[{"kind":"reward","method":"reward","hash":"H2","state":"mined","fee_paid_wei":"21000000000000",
  "from":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68"}]},
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":101,"outcome":"rewarded_by_node","reward_tx":"","txs":[]},
 {"orchestrator":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","round":100,"outcome":"inactive","txs":[]}
]`)
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	cfg := roundsConfig(t, strings.TrimPrefix(srv.URL, "http://"))
	code, out, errOut := runCLI(t, "rounds", "--config", cfg, "--limit", "6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if asked != "/api/v1/rounds?limit=6" {
		t.Errorf("asked %s", asked)
	}
	if !strings.Contains(out, "(from the daemon at 127.0.0.1:") {
		t.Errorf("source not named:\n%s", out)
	}
	rows := map[string][]string{
		"105": {"in progress (tx_pending)", "rewardForTranscoder sent"},
		"104": {"MISSED"},
		"103": {"unknown"},
		"102": {"rewarded by lpops", h2, "1.5", "reward mined 0.000021 ETH", "0.000021"},
		"101": {"rewarded by node", " ? "},
		"100": {"inactive"},
		"6 rounds:": {"1 rewarded by the node, 1 by lpops, 1 missed, 1 inactive, 1 unknown, 1 in progress; 1.5 LPT earned; " +
			"lpops signed 2 transactions, 0.000021 ETH in fees."},
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		key := f[0]
		if len(f) > 1 && f[1] == "rounds:" {
			key += " rounds:"
		}
		for _, want := range rows[key] {
			if !strings.Contains(line, want) {
				t.Errorf("row %s lacks %q: %s", key, want, line)
			}
		}
		delete(rows, key)
	}
	if len(rows) > 0 {
		t.Errorf("no rows %v in:\n%s", rows, out)
	}
}

func TestRoundsErrors(t *testing.T) {
	noDefaultConfig(t)
	cfg := roundsConfig(t, freeAddr(t))
	for _, tc := range []struct {
		Name     string
		Args     []string
		WantCode int
		WantErr  string
	}{
		{"LimitTooLarge", []string{"rounds", "--config", cfg, "--limit", "1001"}, 2, "--limit: want 1 to 1000"},
		{"NoConfig", []string{"rounds"}, 2, "no configuration file: give --config FILE, set LPOPS_CONFIG=FILE"},
		{"NoDaemonNoStore", []string{"rounds", "--config", cfg}, 1, "daemon not reachable"},
		{"TxsBothRanges", []string{"txs", "--config", cfg, "--blocks", "10", "--from-block", "5"}, 2, "not both"},
		{"TxsBadAccount", []string{"txs", "--config", cfg, "--account", "orchestrator"}, 2, `want a 0x address, got "orchestrator"`},
		{"TxsNoChain", []string{"txs", "--config", cfg}, 1, "lpops txs:"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.Args...)
			if code != tc.WantCode || !strings.Contains(errOut, tc.WantErr) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tc.WantCode, tc.WantErr)
			}
		})
	}
}

// fleetRoundsConfig writes a configuration keeping three orchestrators
// (observe mode) whose listen address is listen and whose RPC endpoint
// does not answer; it returns its path and the orchestrators.
func fleetRoundsConfig(t *testing.T, listen string) (*fleetCLI, string) {
	t.Helper()
	dir := t.TempDir()
	f := &fleetCLI{cfg: filepath.Join(dir, "lpops.yaml"), a: common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68"),
		b: common.HexToAddress("0x2c1c9817f4b8f07efb298a17102531cdd09cef68"), c: common.HexToAddress("0x3c1c9817f4b8f07efb298a17102531cdd09cef68")}
	stateDir := filepath.Join(dir, "state")
	cfg := "network: custom\nchain_id: 54321\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n" +
		"rpc:\n  - url: http://" + freeAddr(t) + "\norchestrators:\n" +
		"  - address: \"" + f.a.Hex() + "\"\n  - address: \"" + f.b.Hex() + "\"\n  - address: \"" + f.c.Hex() + "\"\n" +
		"reward:\n  mode: observe\nstate_dir: " + stateDir + "\nlisten: " + listen + "\n"
	if err := os.WriteFile(f.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return f, stateDir
}

// TestRoundsOrchestratorFlag: lpops rounds shows the rounds of the
// orchestrator --orchestrator names (the first by default), from the
// daemon's API (?orchestrator=) or from the state store; a daemon that
// answers another orchestrator's rounds is an error, not a wrong table.
func TestRoundsOrchestratorFlag(t *testing.T) {
	var asked string
	answer := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, answer)
	}))
	defer srv.Close()
	f, _ := fleetRoundsConfig(t, strings.TrimPrefix(srv.URL, "http://"))
	rec := func(o common.Address, round int) string {
		return fmt.Sprintf(`{"orchestrator":%q,"round":%d,"outcome":"rewarded_by_node","txs":[]}`, lower(o), round)
	}
	for _, tc := range []struct {
		Name, Answer string
		Args         []string
		WantCode     int
		WantAsked    string
		Want         string
	}{
		{"Named", "[" + rec(f.b, 21) + "," + rec(f.b, 20) + "]", []string{"--orchestrator", f.b.Hex(), "--limit", "5"}, 0,
			"/api/v1/rounds?limit=5&orchestrator=" + lower(f.b), "Rounds of orchestrator " + lower(f.b)},
		{"DefaultFirst", "[" + rec(f.a, 21) + "]", nil, 0, "/api/v1/rounds?limit=20&orchestrator=" + lower(f.a), "Rounds of orchestrator " + lower(f.a)},
		{"OlderDaemon", "[" + rec(f.a, 21) + "]", []string{"--orchestrator", lower(f.c)}, 1, "/api/v1/rounds?limit=20&orchestrator=" + lower(f.c),
			"answered with the rounds of orchestrator " + lower(f.a) + ", not " + lower(f.c)},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			answer = tc.Answer
			code, out, errOut := runCLI(t, append([]string{"rounds", "--config", f.cfg}, tc.Args...)...)
			if code != tc.WantCode || asked != tc.WantAsked || !strings.Contains(out+errOut, tc.Want) {
				t.Fatalf("exit %d, asked %s:\n%s%s\nwant exit %d, %s and %q", code, asked, out, errOut, tc.WantCode, tc.WantAsked, tc.Want)
			}
		})
	}
	f.usageErrors(t, "rounds")
}

// Without a daemon, lpops rounds --orchestrator reads that orchestrator's
// records from the state store.
func TestRoundsOrchestratorFromStore(t *testing.T) {
	f, stateDir := fleetRoundsConfig(t, freeAddr(t))
	st, err := store.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	recs := keeper.NewRecords(st)
	for _, r := range []*keeper.Record{
		{Orchestrator: f.a, Round: 10, Outcome: keeper.OutcomeMissed},
		{Orchestrator: f.b, Round: 20, Outcome: keeper.OutcomeRewardedByNode},
		{Orchestrator: f.b, Round: 21, Outcome: keeper.OutcomeRewardedByNode},
	} {
		if err := recs.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, errOut := runCLI(t, "rounds", "--config", f.cfg, "--orchestrator", f.b.Hex(), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []keeper.Record
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(got) != 2 || got[0].Orchestrator != f.b || got[0].Round != 21 || got[1].Round != 20 {
		t.Fatalf("rounds of b from the store: %+v", got)
	}
}
