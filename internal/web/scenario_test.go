package web_test

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
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/remediate"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
)

// scenario is lpops running against the embedded devnet: a registered
// orchestrator whose simulated node calls reward itself on even rounds and
// not on odd ones, where lpops, holding the LIP-118 reward caller's key,
// calls it after the grace period. Its second RPC endpoint, "backup",
// refuses every request, so RPCEndpointDown fires and a runbook bound to it
// runs a command whose output quotes an IP address and a path. The page is
// the daemon's own: daemon.New wires it with the alert engine and the
// remediator on `listen` (private) and api.public_listen (public).
type scenario struct {
	d               *daemon.Daemon
	orch, caller    common.Address
	private, public string // base URLs of the two listeners
}

// actionOutput is what the scenario's runbook prints: the private page may
// show it, the public page must not.
const actionOutput = "reads moved off backup at 10.9.8.7; see /var/log/lpops/failover.log"

const (
	blockTime   = 100 * time.Millisecond
	roundLength = 20
	graceBlocks = 5
)

// startScenario runs the scenario until lpops has recorded want rounds
// rewarded by the node and want rewarded by lpops.
func startScenario(t *testing.T, want int) *scenario {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	deployer, orchKey, callerKey := newKey(t), newKey(t), newKey(t)
	sc := &scenario{orch: crypto.PubkeyToAddress(orchKey.PublicKey), caller: crypto.PubkeyToAddress(callerKey.PublicKey)}
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	ch, err := devnet.StartChain(types.GenesisAlloc{
		crypto.PubkeyToAddress(deployer.PublicKey): {Balance: eth(1000)},
		sc.orch:   {Balance: eth(100)},
		sc.caller: {Balance: eth(1)},
	}, blockTime)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	t.Cleanup(cancel)
	dep, err := testchain.Deploy(ctx, ch.Backend.Client(), deployer, testchain.Params{RoundLength: roundLength, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = blockTime / 2
	stake := eth(10000)
	if err := dep.RegisterOrchestrator(ctx, deployer, orchKey, stake, 100000, 500000); err != nil {
		t.Fatal(err)
	}
	if _, err := dep.SetRewardCaller(ctx, orchKey, sc.caller); err != nil {
		t.Fatal(err)
	}

	// The simulated node initializes every round and calls reward on even ones.
	rc, err := rpc.DialContext(ctx, ch.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: rc}, dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	node := devnet.NewNode(livepeer.NewReader(livepeer.RPCCaller{C: rc}, addrs, sc.orch, nil, nil), devnet.KeyDuties{Dep: dep, Key: orchKey},
		sc.orch, devnet.ChainID, func(r uint64) bool { return r%2 == 0 }, slog.New(slog.DiscardHandler))

	dir := t.TempDir()
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), callerKey, "web-test", true)
	if err != nil {
		t.Fatal(err)
	}
	pass := filepath.Join(dir, "passphrase")
	if err := os.WriteFile(pass, []byte("web-test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backup := refuser(t)
	yaml := fmt.Sprintf(`network: custom
chain_id: %d
controller: %q
rpc:
  - name: devnet
    url: %s
  - name: backup
    url: http://%s
orchestrator: %q
signer:
  keystore: %s
  passphrase_file: %s
reward:
  mode: act
  grace_blocks: %d
  max_fee_gwei: 50
  stuck_after: %s
initialize_round:
  enabled: true
  after_blocks: %d
  max_fee_gwei: 50
chain:
  poll_interval: %s
  active_poll_interval: %s
  health_interval: 1s
  request_timeout: 2s
probes:
  interval: 1s
  chain_interval: 1s
  rpc:
    interval: 1s
remediation:
  interval: 500ms
  runbooks:
    - name: rpc-backup
      when:
        - alertname: RPCEndpointDown
          labels: {endpoint: backup}
      steps:
        - name: note the failover
          type: command
          argv: [/bin/echo, %q]
state_dir: %s
listen: 127.0.0.1:0
api:
  public_listen: 127.0.0.1:0
`, devnet.ChainID, dep.Controller.Hex(), ch.URL, backup, sc.orch.Hex(), ks, pass, graceBlocks, 5*blockTime, graceBlocks,
		roundLength*blockTime, blockTime, actionOutput, filepath.Join(dir, "state"))
	cfg, err := config.Parse([]byte(yaml), "web-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 2)
	sc.d, err = daemon.New(ctx, cfg, daemon.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		OnListen:       func(a net.Addr) { sc.private = "http://" + a.String(); listening <- "listen" },
		OnPublicListen: func(a net.Addr) { sc.public = "http://" + a.String(); listening <- "public_listen" },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.d.Close() })

	done := make(chan struct{}, 2)
	run := func(f func() error) {
		go func() {
			defer func() { done <- struct{}{} }()
			if err := f(); err != nil && ctx.Err() == nil {
				t.Errorf("scenario: %v", err)
			}
		}()
	}
	run(func() error { return sc.d.Run(ctx) })
	run(func() error { return node.Run(ctx, blockTime) })
	t.Cleanup(func() {
		cancel()
		for range 2 {
			<-done
		}
	})
	for range 2 {
		select {
		case <-listening:
		case <-time.After(time.Minute):
			t.Fatal("the daemon did not bind its listeners")
		}
	}

	waitFor(t, 3*time.Minute, fmt.Sprintf("%d rounds rewarded by the node and %d by lpops, RPCEndpointDown firing, the runbook run, the runway known", want, want), func() bool {
		n, l := sc.outcomes()
		return n >= want && l >= want && sc.firing("RPCEndpointDown") && sc.acted("rpc-backup") && sc.runway()
	})
	return sc
}

// firing reports whether the daemon's alert engine has the alert firing.
func (sc *scenario) firing(name string) bool {
	var doc alert.Doc
	if !getJSON(sc.private+"/ui/alerts.json", &doc) {
		return false
	}
	for _, a := range doc.Alerts {
		if a.Name == name && a.Firing() {
			return true
		}
	}
	return false
}

// acted reports whether the runbook has a finished action in the audit log.
func (sc *scenario) acted(runbook string) bool {
	var actions []remediate.Action
	if !getJSON(sc.private+"/ui/actions.json", &actions) {
		return false
	}
	for _, a := range actions {
		if a.Runbook == runbook && a.Outcome == remediate.OutcomeOK {
			return true
		}
	}
	return false
}

// runway reports whether the accounts probe has measured the signer's runway.
func (sc *scenario) runway() bool {
	var doc struct {
		Probes []probe.Result `json:"probes"`
	}
	if !getJSON(sc.private+"/ui/status.json", &doc) {
		return false
	}
	for _, p := range doc.Probes {
		if _, ok := p.Values["runway_rounds_signer"]; ok && p.Probe == "accounts" {
			return true
		}
	}
	return false
}

func getJSON(url string, v any) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(v) == nil
}

// refuser is an RPC endpoint that accepts connections and closes them at
// once, for the life of the test.
func refuser(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// outcomes counts the recorded rounds rewarded by the node and by lpops.
func (sc *scenario) outcomes() (node, lpops int) {
	k := sc.d.Keeper()
	if k == nil {
		return 0, 0
	}
	recs, _ := k.History(50)
	for _, r := range recs {
		switch r.Outcome {
		case keeper.OutcomeRewardedByNode:
			node++
		case keeper.OutcomeRewardedByLpops:
			lpops++
		}
	}
	return node, lpops
}

func serve(t *testing.T, s *api.Server) string {
	t.Helper()
	addr, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + addr.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		<-tick.C
	}
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
