package devnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
	"golang.org/x/sync/errgroup"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
)

// DemoOptions shape `lpops demo`.
type DemoOptions struct {
	Listen      string        // lpops API address
	BlockTime   time.Duration // one block every BlockTime
	RoundLength uint64        // blocks per round
	GraceBlocks uint64        // blocks the node gets before lpops acts
	Rounds      int           // stop after this many settled rounds (0: until ctx ends)
	Dir         string        // working directory (config, keystore, state, log); temp if empty
	Keep        bool          // keep the temporary directory made when Dir is empty
	Out         io.Writer     // the round-by-round story
	Log         io.Writer     // lpops' own JSON log (nil: Dir/lpops.log)
	Version     string
	// StatusCommand is how the user runs `lpops status` from where they are
	// (the demo binary's path, or `go run -tags demo ./cmd/lpops status`);
	// the demo prints it with --config. Default "lpops status".
	StatusCommand string
}

// DemoResult counts what happened.
type DemoResult struct {
	RewardedByNode, RewardedByLpops, Missed int
}

// RunDemo starts the embedded devnet, a simulated go-livepeer node whose own
// reward call is switched off every other round, and lpops with its HTTP
// surface, and tells what happens round by round.
func RunDemo(ctx context.Context, o DemoOptions) (*DemoResult, error) {
	if o.BlockTime == 0 {
		o.BlockTime = 200 * time.Millisecond
	}
	if o.RoundLength == 0 {
		o.RoundLength = 20
	}
	if o.GraceBlocks == 0 {
		o.GraceBlocks = 5
	}
	if o.StatusCommand == "" {
		o.StatusCommand = "lpops status"
	}
	out := o.Out
	say := func(f string, a ...any) { fmt.Fprintf(out, f+"\n", a...) }
	if o.Dir == "" {
		d, err := os.MkdirTemp("", "lpops-demo-")
		if err != nil {
			return nil, err
		}
		o.Dir = d
		// It holds a keystore and its passphrase: gone on exit (this defer
		// runs last, after lpops closed its state and log), unless kept.
		defer func() {
			if o.Keep {
				say("demo: kept %s (config, keystore, passphrase, state, log)", d)
				return
			}
			if err := os.RemoveAll(d); err != nil {
				say("demo: remove %s: %v", d, err)
				return
			}
			say("demo: removed %s (--keep keeps it)", d)
		}()
	}

	deployer, orchKey, callerKey := mustKey(), mustKey(), mustKey()
	orch, caller := crypto.PubkeyToAddress(orchKey.PublicKey), crypto.PubkeyToAddress(callerKey.PublicKey)
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	alloc := types.GenesisAlloc{
		crypto.PubkeyToAddress(deployer.PublicKey): {Balance: eth(1000)},
		orch:   {Balance: eth(100)},
		caller: {Balance: eth(1)},
	}
	// Multicall3 at its canonical address, as on Arbitrum One, so that
	// fleet reads batch into aggregate3 here too.
	mc, err := testchain.Multicall3Alloc()
	if err != nil {
		return nil, err
	}
	maps.Copy(alloc, mc)
	ch, err := StartChain(alloc, o.BlockTime)
	if err != nil {
		return nil, err
	}
	defer ch.Close()
	say("devnet: go-ethereum chain %d in-process, JSON-RPC at %s, a block every %s", ChainID, ch.URL, o.BlockTime)

	client := ch.Backend.Client()
	dep, err := testchain.Deploy(ctx, client, deployer, testchain.Params{RoundLength: o.RoundLength, LIP118: true})
	if err != nil {
		return nil, fmt.Errorf("deploy contracts: %w", err)
	}
	dep.PollInterval = o.BlockTime / 2
	say("devnet: Livepeer test contracts deployed; Controller %s, rounds of %d blocks", dep.Controller, o.RoundLength)
	stake := new(big.Int).Mul(big.NewInt(10000), big.NewInt(1e18))
	if err := dep.RegisterOrchestrator(ctx, deployer, orchKey, stake, 100000, 500000); err != nil {
		return nil, err
	}
	if _, err := dep.SetRewardCaller(ctx, orchKey, caller); err != nil {
		return nil, err
	}
	say("devnet: orchestrator %s registered with 10000 LPT; lpops' hot key %s is its LIP-118 reward caller", orch, caller)

	// The simulated node: initializes each round, calls reward only on even rounds.
	rc, err := rpc.DialContext(ctx, ch.URL)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: rc}, dep.Controller)
	if err != nil {
		return nil, err
	}
	nodeReader := livepeer.NewReader(livepeer.RPCCaller{C: rc}, addrs, orch, nil, nil)
	duties := KeyDuties{Dep: dep, Key: orchKey}
	node := NewNode(nodeReader, duties, orch, ChainID, func(r uint64) bool { return r%2 == 0 }, slog.New(slog.DiscardHandler))
	nodeLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	say("devnet: simulated go-livepeer node, CLI API at http://%s; its reward call is switched off on odd rounds", nodeLn.Addr())

	cfgPath, err := writeDemoConfig(o, ch.URL, dep.Controller, orch, callerKey, "http://"+nodeLn.Addr().String())
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	logw := o.Log
	if logw == nil {
		f, err := os.OpenFile(filepath.Join(o.Dir, "lpops.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		logw = f
	}
	listening := make(chan net.Addr, 1)
	d, err := daemon.New(ctx, cfg, daemon.Options{
		Logger:   slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Version:  o.Version,
		OnListen: func(a net.Addr) { listening <- a },
	})
	if err != nil {
		return nil, err
	}
	defer d.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return d.Run(gctx) })
	g.Go(func() error { return node.Serve(gctx, nodeLn) })
	g.Go(func() error { return node.Run(gctx, o.BlockTime) })
	var api net.Addr
	select {
	case api = <-listening:
	case <-gctx.Done():
		return nil, g.Wait()
	}
	if cfg.Listen != api.String() {
		// --listen asked for any port: point the config at the one taken,
		// so `lpops status --config` reaches this demo's API.
		if err := setListen(cfgPath, cfg.Listen, api.String()); err != nil {
			return nil, err
		}
	}
	say("lpops: config %s, log %s", cfgPath, filepath.Join(o.Dir, "lpops.log"))
	say("lpops: status page http://%s/  (open it in a browser)", api)
	say("lpops: API http://%s/api/v1/status  metrics http://%s/metrics", api, api)
	say("lpops: while the demo runs, try: %s --config %s", o.StatusCommand, cfgPath)
	if o.Rounds > 0 {
		say("demo: stops after %d rounds with a reward due, or at Ctrl-C", o.Rounds)
	} else {
		say("demo: runs until Ctrl-C (--rounds N stops after N rounds)")
	}
	say("")

	res := &DemoResult{}
	g.Go(func() error {
		defer cancel()
		return tell(gctx, d, node, o, res, say)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	say("")
	say("summary: %d rounds rewarded by the node, %d by lpops, %d missed", res.RewardedByNode, res.RewardedByLpops, res.Missed)
	return res, err
}

// tell prints the node's actions and each settled round until o.Rounds
// rounds have settled or ctx ends.
func tell(ctx context.Context, d *daemon.Daemon, node *Node, o DemoOptions, res *DemoResult, say func(string, ...any)) error {
	told := map[uint64]bool{}
	first := uint64(0)
	t := time.NewTicker(o.BlockTime)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-node.Events():
			switch ev.Action {
			case "skipped reward":
				say("round %d: the node's reward call is off this round; lpops waits %d blocks of grace, then acts", ev.Round, o.GraceBlocks)
			case "rewarded":
				say("round %d: the node called reward itself", ev.Round)
			case "reward failed", "initialize failed":
				say("round %d: the node's %s: %v", ev.Round, ev.Action, ev.Err)
			}
			continue
		case <-t.C:
		}
		k := d.Keeper()
		if k == nil {
			continue
		}
		recs, err := k.History(8)
		if err != nil {
			return err
		}
		for i := len(recs) - 1; i >= 0; i-- {
			r := recs[i]
			if first == 0 {
				first = r.Round
			}
			if told[r.Round] || !settled(r) {
				continue
			}
			told[r.Round] = true
			amount := ""
			if r.RewardAmount != nil {
				amount = fmt.Sprintf(", +%s LPT", lptString(r.RewardAmount.Int()))
			}
			switch r.Outcome {
			case keeper.OutcomeRewardedByNode:
				res.RewardedByNode++
				say("round %d: settled — rewarded by the node (tx %s%s)", r.Round, short(r.RewardTx), amount)
			case keeper.OutcomeRewardedByLpops:
				res.RewardedByLpops++
				method := ""
				for _, tx := range r.Txs {
					if tx.State == keeper.TxMined && tx.Kind == keeper.KindReward {
						method = tx.Method
					}
				}
				say("round %d: settled — node missed it, lpops called %s (tx %s%s)", r.Round, method, short(r.RewardTx), amount)
			case keeper.OutcomeMissed:
				res.Missed++
				say("round %d: settled — MISSED: %s", r.Round, r.Reason)
			case keeper.OutcomeInactive:
				say("round %d: orchestrator not active yet (it activates the round after registering)", r.Round)
			}
			if o.Rounds > 0 && res.RewardedByNode+res.RewardedByLpops+res.Missed >= o.Rounds {
				return nil
			}
		}
	}
}

func settled(r *keeper.Record) bool {
	return r.Outcome != "" && r.Outcome != keeper.OutcomeUnknown
}

func short(h string) string {
	if len(h) > 12 {
		return h[:10] + "…"
	}
	if h == "" {
		return "?"
	}
	return h
}

func lptString(v *big.Int) string {
	f := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18))
	return f.Text('f', 2)
}

func writeDemoConfig(o DemoOptions, rpcURL string, controller, orch common.Address, callerKey *ecdsa.PrivateKey, nodeURL string) (string, error) {
	ksDir := filepath.Join(o.Dir, "keystore")
	const pass = "lpops-demo"
	ks, err := signer.WriteKeystore(ksDir, callerKey, pass, true)
	if err != nil {
		return "", err
	}
	passFile := filepath.Join(o.Dir, "passphrase")
	if err := os.WriteFile(passFile, []byte(pass+"\n"), 0o600); err != nil {
		return "", err
	}
	listen := o.Listen
	if listen == "" {
		listen = "127.0.0.1:7940"
	}
	// Every interval is scaled to the demo's rounds of seconds, so the page's
	// stake, balances and head are as fresh as the keeper's round: the
	// defaults (probes every 10s, chain probes every 2m, RPC checks every
	// 30s) suit rounds of hours.
	bt := o.BlockTime
	round := bt * time.Duration(o.RoundLength)
	quarter := max(round/4, bt)
	y := strings.Join([]string{
		"# Written by `lpops demo` for its embedded devnet.",
		"network: custom",
		fmt.Sprintf("chain_id: %d", ChainID),
		fmt.Sprintf("controller: %q", controller.Hex()),
		"rpc:",
		fmt.Sprintf("  - name: devnet\n    url: %s", rpcURL),
		"chain:",
		fmt.Sprintf("  poll_interval: %s", round),
		fmt.Sprintf("  active_poll_interval: %s", bt),
		fmt.Sprintf("  health_interval: %s", round),
		fmt.Sprintf("orchestrator: %q", orch.Hex()),
		"node:",
		fmt.Sprintf("  cli_url: %s", nodeURL),
		"signer:",
		fmt.Sprintf("  keystore: %s", ks),
		fmt.Sprintf("  passphrase_file: %s", passFile),
		"reward:",
		"  mode: act",
		fmt.Sprintf("  grace_blocks: %d", o.GraceBlocks),
		"  max_fee_gwei: 50",
		fmt.Sprintf("  stuck_after: %s", bt*5),
		"initialize_round:",
		"  enabled: true",
		fmt.Sprintf("  after_blocks: %d", o.GraceBlocks),
		"  max_fee_gwei: 50",
		"probes:",
		fmt.Sprintf("  interval: %s", quarter),
		fmt.Sprintf("  chain_interval: %s", quarter),
		"  rpc:",
		fmt.Sprintf("    interval: %s", quarter),
		"  releases:",
		"    url: \"\"   # the devnet is offline",
		fmt.Sprintf("state_dir: %s", filepath.Join(o.Dir, "state")),
		fmt.Sprintf("listen: %s", listen),
		"log:",
		"  level: debug",
		"",
	}, "\n")
	path := filepath.Join(o.Dir, "lpops.yaml")
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// setListen rewrites the listen line writeConfig wrote.
func setListen(path, from, to string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	line := "\nlisten: " + from + "\n"
	if !strings.Contains(string(b), line) {
		return fmt.Errorf("demo config %s: no line %q", path, strings.TrimSpace(line))
	}
	return os.WriteFile(path, []byte(strings.Replace(string(b), line, "\nlisten: "+to+"\n", 1)), 0o600)
}

func mustKey() *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
}

// KeyDuties sends the simulated node's transactions with its own key.
type KeyDuties struct {
	Dep *testchain.Deployment
	Key *ecdsa.PrivateKey
}

var _ NodeDuties = KeyDuties{}

// InitializeRound calls RoundsManager.initializeRound and waits for it.
func (n KeyDuties) InitializeRound(ctx context.Context) error {
	_, err := n.Dep.InitializeRound(ctx, n.Key)
	return err
}

// Reward calls BondingManager.reward and waits for it.
func (n KeyDuties) Reward(ctx context.Context) error {
	_, err := n.Dep.Reward(ctx, n.Key)
	return err
}
