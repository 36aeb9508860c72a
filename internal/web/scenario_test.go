package web_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/web"
)

// scenario is lpops running against the embedded devnet: a registered
// orchestrator whose simulated node calls reward itself on even rounds and
// not on odd ones, where lpops, holding the LIP-118 reward caller's key,
// calls it after the grace period.
type scenario struct {
	d            *daemon.Daemon
	alerts       *alert.Engine
	orch, caller common.Address
}

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
	yaml := fmt.Sprintf(`network: custom
chain_id: %d
controller: %q
rpc:
  - name: devnet
    url: %s
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
state_dir: %s
listen: 127.0.0.1:0
`, devnet.ChainID, dep.Controller.Hex(), ch.URL, sc.orch.Hex(), ks, pass, graceBlocks, 5*blockTime, graceBlocks,
		roundLength*blockTime, blockTime, filepath.Join(dir, "state"))
	cfg, err := config.Parse([]byte(yaml), "web-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.d, err = daemon.New(ctx, cfg, daemon.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.d.Close() })
	// The page's alerts come from a real engine over its own store: the
	// daemon keeps its engine to itself until the lead wires the UI.
	ast, err := store.Open(filepath.Join(dir, "alerts"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ast.Close() })
	if sc.alerts, err = alert.New(alert.Options{Store: ast, Logger: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{}, 3)
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
	run(func() error { return sc.alerts.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		for range 3 {
			<-done
		}
	})

	waitFor(t, 3*time.Minute, fmt.Sprintf("%d rounds rewarded by the node and %d by lpops", want, want), func() bool {
		n, l := sc.outcomes()
		return n >= want && l >= want
	})
	return sc
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

// serveUI serves the daemon's API with the status page mounted, as
// `lpops run` does, on a loopback port of its own.
func (sc *scenario) serveUI(t *testing.T, public bool) string {
	t.Helper()
	s := api.New(sc.d, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	s.EnableAlerts(sc.alerts, "")
	s.EnableUI(web.New(web.Options{Status: sc.d, Alerts: sc.alerts, Public: public}))
	return serve(t, s)
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
