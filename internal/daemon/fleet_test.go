package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
)

// TestFleetRewardsEveryOrchestrator runs the daemon with three orchestrators
// on an in-process chain: two share a LIP-118 reward caller (the top-level
// signer), the third signs with its own keystore. Nobody else initializes
// rounds or calls reward: lpops does, once per orchestrator, and reports one
// status per orchestrator.
func TestFleetRewardsEveryOrchestrator(t *testing.T) {
	owner, caller := mustKey(t), mustKey(t)
	orchs := []*ecdsa.PrivateKey{mustKey(t), mustKey(t), mustKey(t)}
	eth := new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(owner.PublicKey): {Balance: eth}, crypto.PubkeyToAddress(caller.PublicKey): {Balance: eth}}
	for _, k := range orchs {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: eth}
	}
	c, err := devnet.StartChain(alloc, 25*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: 80, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = 10 * time.Millisecond
	stake := new(big.Int).Mul(big.NewInt(5000), big.NewInt(1e18))
	for _, k := range orchs {
		if err := dep.RegisterOrchestrator(ctx, owner, k, stake, 100000, 500000); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range orchs[:2] {
		if _, err := dep.SetRewardCaller(ctx, k, crypto.PubkeyToAddress(caller.PublicKey)); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	keystore := func(name string, k *ecdsa.PrivateKey) config.Signer {
		ks, err := signer.WriteKeystore(filepath.Join(dir, name), k, "secret-"+name, true)
		if err != nil {
			t.Fatal(err)
		}
		pass := filepath.Join(dir, name+".pass")
		if err := os.WriteFile(pass, []byte("secret-"+name), 0o600); err != nil {
			t.Fatal(err)
		}
		return config.Signer{Kind: config.SignerKindKeystore, Keystore: ks, PassphraseFile: pass}
	}
	cfg := config.Default()
	cfg.Network, cfg.ChainID, cfg.Controller = config.NetworkCustom, devnet.ChainID, dep.Controller.Hex()
	cfg.RPC = []config.Endpoint{{Name: "devnet", URL: c.URL}}
	cfg.Signer = keystore("caller", caller)
	cfg.OrchestratorList = []config.OrchestratorEntry{
		{Address: crypto.PubkeyToAddress(orchs[0].PublicKey).Hex()},
		{Address: crypto.PubkeyToAddress(orchs[1].PublicKey).Hex()},
		{Address: crypto.PubkeyToAddress(orchs[2].PublicKey).Hex(), Signer: keystore("own", orchs[2])},
	}
	cfg.Reward.GraceBlocks = 4
	cfg.InitializeRound.Enabled, cfg.InitializeRound.AfterBlocks = true, 1
	cfg.Chain.PollInterval.Duration, cfg.Chain.ActivePollInterval.Duration = time.Second, 50*time.Millisecond
	cfg.StateDir, cfg.Listen = filepath.Join(dir, "state"), "127.0.0.1:0"
	cfg.Probes.Interval.Duration = time.Second
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan net.Addr, 1)
	d, err := daemon.New(ctx, &cfg, daemon.Options{Logger: slog.New(slog.DiscardHandler), OnListen: func(a net.Addr) { listening <- a }})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	exited := make(chan error, 1)
	go func() { exited <- d.Run(runCtx) }()
	defer func() {
		stop()
		<-exited
		d.Close()
	}()

	start, err := dep.CurrentRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var doc daemon.StatusDoc
	deadline := time.Now().Add(90 * time.Second)
	for {
		doc = d.Status().(daemon.StatusDoc)
		done := len(doc.Keepers) == 3
		for _, s := range doc.Keepers {
			done = done && s.Round > start && s.State == keeper.StateDone && s.RewardedBy == "lpops"
		}
		if done && doc.Keepers[0].Round == doc.Keepers[2].Round {
			break
		}
		if time.Now().After(deadline) {
			for i, s := range doc.Keepers {
				t.Logf("keeper %d: round %d state %s reason %q", i, s.Round, s.State, s.Reason)
			}
			t.Fatalf("timed out waiting for a round rewarded by lpops for all three (%d statuses)", len(doc.Keepers))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if doc.Keeper == nil || doc.Keeper.Orchestrator != doc.Keepers[0].Orchestrator {
		t.Fatalf("keeper is not keepers[0]: %+v", doc.Keeper)
	}
	round := doc.Keepers[0].Round
	for i, k := range orchs {
		a := crypto.PubkeyToAddress(k.PublicKey)
		if s := doc.Keepers[i]; s.Orchestrator != a {
			t.Errorf("keepers[%d] is %s, want %s (config order)", i, s.Orchestrator, a)
		}
		wantSigner := crypto.PubkeyToAddress(caller.PublicKey)
		if i == 2 {
			wantSigner = a
		}
		if s := doc.Keepers[i]; s.Signer != wantSigner {
			t.Errorf("keepers[%d] signs with %s, want %s", i, s.Signer, wantSigner)
		}
		lrr, err := dep.LastRewardRound(ctx, a)
		if err != nil || lrr != round {
			t.Errorf("orchestrator %d lastRewardRound %d (%v), want %d", i, lrr, err, round)
		}
	}
	if ready, why := d.Ready(); !ready {
		t.Errorf("not ready: %s", why)
	}
	if d.Fleet().LastTick().IsZero() {
		t.Error("the fleet never ticked")
	}
	// One duty, accounts, stake and fees result per orchestrator, each
	// naming its orchestrator: its alerts carry it.
	want := map[string]string{}
	for i, k := range orchs {
		a := strings.ToLower(crypto.PubkeyToAddress(k.PublicKey).Hex())
		for _, base := range []string{"duty", "accounts", "stake", "fees"} {
			name := base
			if i > 0 {
				name += "-" + a
			}
			want[name] = a
		}
	}
	var results map[string]probe.Result
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		results = map[string]probe.Result{}
		for _, r := range d.Status().(daemon.StatusDoc).Probes {
			results[r.Probe] = r
		}
		missing := ""
		for w, a := range want {
			if r := results[w]; !r.Success || r.Orchestrator != a {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no successful %s probe result naming its orchestrator; have %v", missing, results[missing])
		}
	}
	// The shared reward caller is the signer account of the first two.
	for _, name := range []string{"accounts", "accounts-" + strings.ToLower(crypto.PubkeyToAddress(orchs[1].PublicKey).Hex())} {
		if r := results[name]; r.Values["balance_eth_signer"] < 99 {
			t.Errorf("%s: signer balance %v, want the caller's (about 100 ETH)", name, r.Values["balance_eth_signer"])
		}
	}
	api := "http://" + (<-listening).String()
	get := func(path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(api + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	// Each orchestrator's rounds by name; one lpops does not keep is a 400.
	third := crypto.PubkeyToAddress(orchs[2].PublicKey)
	code, body := get("/api/v1/rounds?limit=1&orchestrator=" + strings.ToLower(third.Hex()))
	var recs []keeper.Record
	if err := json.Unmarshal(body, &recs); code != http.StatusOK || err != nil || len(recs) != 1 || recs[0].Orchestrator != third || recs[0].Round < round {
		t.Errorf("rounds of the third orchestrator: %d %s (%v), want its newest (round %d or later)", code, body, err, round)
	}
	if code, body := get("/api/v1/rounds?orchestrator=0x00000000000000000000000000000000000000dd"); code != http.StatusBadRequest ||
		!strings.Contains(string(body), "not an orchestrator lpops keeps") {
		t.Errorf("rounds of an orchestrator not kept: %d %s, want 400", code, body)
	}
	// Their metrics, one series per orchestrator.
	_, body = get("/metrics")
	for _, k := range orchs {
		line := fmt.Sprintf("\nlpops_orchestrator_stake_wei{orchestrator=%q} ", strings.ToLower(crypto.PubkeyToAddress(k.PublicKey).Hex()))
		if !strings.Contains(string(body), line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
}

// TestFleetEntrySignerErrorNamesItsPath: an orchestrator's own signer that
// cannot be opened stops the daemon with an error naming its key path.
func TestFleetEntrySignerErrorNamesItsPath(t *testing.T) {
	dir := t.TempDir()
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), mustKey(t), "secret", true)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Network, cfg.ChainID, cfg.Controller = config.NetworkCustom, 54321, "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	cfg.RPC = []config.Endpoint{{URL: "http://127.0.0.1:1"}} // nothing listens: Dial still succeeds
	cfg.Reward.Mode = config.RewardModeObserve
	cfg.OrchestratorList = []config.OrchestratorEntry{
		{Address: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"},
		{Address: "0x2c1c9817f4b8f07efb298a17102531cdd09cef68",
			Signer: config.Signer{Kind: config.SignerKindKeystore, Keystore: ks, PassphraseFile: filepath.Join(dir, "no-such-passphrase")}},
	}
	cfg.StateDir = filepath.Join(dir, "state")
	_, err = daemon.New(context.Background(), &cfg, daemon.Options{Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "orchestrators[1].signer.passphrase_file: ") {
		t.Fatalf("New = %v; want the error to name orchestrators[1].signer.passphrase_file", err)
	}
}
