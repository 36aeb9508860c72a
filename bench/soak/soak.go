package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
)

// Fees, in wei. lpops runs with max_fee_gwei 5 and max_priority_fee_gwei
// 1.2; the chain's base fee is 1 gwei except during a spike (plan.go).
var (
	gwei        = big.NewInt(1e9)
	baseFeeNorm = new(big.Int).Set(gwei)
	maxFeeGwei  = 5.0
	tipCapGwei  = 1.2
	maxFee      = new(big.Int).Mul(big.NewInt(5), gwei)
	tipCap      = big.NewInt(1.2e9)
	// drained is what the account keeps while drained: far below one call
	// (about 300k gas at 3 gwei).
	drained = big.NewInt(1e12)
)

const passphrase = "soak"

// soak is one run: the chain, the contracts, the node stand-in, the two
// proxies, the sink, lpops, and the driver that mines and injects faults.
type soak struct {
	p      params
	t      timing
	dir    string
	logf   func(string, ...any)
	chain  *devChain
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey
	orch   *ecdsa.PrivateKey
	signer *ecdsa.PrivateKey

	proxies map[string]*rpcproxy.Proxy
	api     *nodeAPI
	node    *devnet.Node
	sink    *sink

	bin, cfg string
	chainID  uint64
	stateDir string
	tmpfs    bool   // state_dir is a small tmpfs, so the disk can be filled
	tmpfsErr string // why not

	mu      sync.Mutex
	lp      *benchkit.Lpops
	starts  int
	baseFee *big.Int
	// initByDriver are the rounds the node stand-in left uninitialized,
	// which the driver initialized.
	initByDriver []uint64
	killMu       sync.Mutex // one kill and restart at a time

	plan   *plan
	alerts *alertLog
	wg     sync.WaitGroup // injections in flight
}

// setup starts everything up to a running lpops, and returns the first
// round the soak counts and its start block.
func (s *soak) setup(ctx context.Context) error {
	root, err := benchkit.RepoRoot()
	if err != nil {
		return err
	}
	s.logf("building lpops")
	if s.bin, err = benchkit.BuildLpops(ctx, s.dir); err != nil {
		return err
	}
	if s.chain, err = startChain(ctx, root, s.p.chain, s.dir); err != nil {
		return err
	}
	s.logf("%s up on %s", s.chain.Kind, s.chain.URL)
	if s.owner, err = s.chain.fundedKey(ctx, 1000); err != nil {
		return err
	}
	s.orch, s.signer = benchkit.NewKey(), benchkit.NewKey()
	orch, caller := crypto.PubkeyToAddress(s.orch.PublicKey), crypto.PubkeyToAddress(s.signer.PublicKey)
	// Long rounds while automine makes a block of every setup transaction,
	// the soak's length once the orchestrator is registered.
	s.dep, err = testchain.Deploy(ctx, s.chain.Eth, s.owner, testchain.Params{RoundLength: 1000, LIP118: true})
	if err != nil {
		return fmt.Errorf("deploy the contracts: %w", err)
	}
	s.dep.PollInterval = 50 * time.Millisecond
	ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	for _, a := range []common.Address{orch, caller} {
		if _, err := s.dep.FundETH(ctx, s.owner, a, ten); err != nil {
			return fmt.Errorf("fund %s: %w", a, err)
		}
	}
	stake := new(big.Int).Mul(big.NewInt(10000), big.NewInt(1e18))
	if err := s.dep.RegisterOrchestrator(ctx, s.owner, s.orch, stake, 100000, 500000); err != nil {
		return err
	}
	if _, err := s.dep.SetRewardCaller(ctx, s.orch, caller); err != nil {
		return fmt.Errorf("setRewardCaller: %w", err)
	}
	if _, err := s.dep.SetRoundLength(ctx, s.owner, s.t.RoundLength); err != nil {
		return fmt.Errorf("setRoundLength: %w", err)
	}
	if err := s.dep.EnsureRoundInitialized(ctx, s.owner); err != nil {
		return err
	}
	if err := s.chain.setAutomine(ctx, false); err != nil {
		return fmt.Errorf("switch automine off: %w", err)
	}
	s.baseFee = new(big.Int).Set(baseFeeNorm)

	// The node stand-in reads the chain directly, not through the proxies.
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: s.chain.RPC}, s.dep.Controller)
	if err != nil {
		return fmt.Errorf("resolve the contracts: %w", err)
	}
	reader := livepeer.NewReader(livepeer.RPCCaller{C: s.chain.RPC}, addrs, orch, []common.Address{orch}, nil)
	chainID, err := s.chain.Eth.ChainID(ctx)
	if err != nil {
		return err
	}
	s.chainID = chainID.Uint64()
	s.node = devnet.NewNode(reader, nodeDuties{dep: s.dep, key: s.orch}, orch, s.chainID, s.nodeRewards, slog.New(slog.DiscardHandler))
	if s.api, err = newNodeAPI(s.node.Handler()); err != nil {
		return err
	}
	s.proxies = map[string]*rpcproxy.Proxy{}
	for _, name := range []string{"a", "b"} {
		if s.proxies[name], err = rpcproxy.New(s.chain.URL, nil); err != nil {
			return err
		}
	}
	secret := []byte("soak-webhook-secret")
	if s.sink, err = newSink(secret); err != nil {
		return err
	}
	return s.writeConfig(ctx, secret)
}

// nodeRewards is the node stand-in's reward service: it works in the rounds
// the plan says.
func (s *soak) nodeRewards(round uint64) bool {
	for _, r := range s.plan.Rounds {
		if r.Round == round {
			return r.NodeRewards
		}
	}
	return false // before and after the soak's rounds lpops rewards
}

// writeConfig writes lpops' keystore, secrets and config, with state_dir on
// a small tmpfs when it can be mounted.
func (s *soak) writeConfig(ctx context.Context, secret []byte) error {
	keystore, err := signer.WriteKeystore(filepath.Join(s.dir, "keystore"), s.signer, passphrase, true)
	if err != nil {
		return err
	}
	passFile := filepath.Join(s.dir, "passphrase")
	secretFile := filepath.Join(s.dir, "webhook-secret")
	if err := os.WriteFile(passFile, []byte(passphrase+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
		return err
	}
	s.stateDir = filepath.Join(s.dir, "state")
	if err := os.MkdirAll(s.stateDir, 0o700); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, "mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", s.stateDir).CombinedOutput()
	if err != nil {
		s.tmpfsErr = fmt.Sprintf("mount -t tmpfs on %s: %v: %s", s.stateDir, err, strings.TrimSpace(string(out)))
	} else {
		s.tmpfs = true
	}
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("# Written by bench/soak.")
	w("network: custom\nchain_id: %d", s.chainID)
	w("controller: %q", s.dep.Controller.Hex())
	w("orchestrator: %q", crypto.PubkeyToAddress(s.orch.PublicKey).Hex())
	w("rpc:")
	for _, name := range []string{"a", "b"} {
		w("  - name: %s\n    url: %s", name, s.proxies[name].URL)
	}
	// lpops' defaults divided by 10, the soak's time scale (README.md),
	// except stuck_after: see there.
	w("chain:\n  poll_interval: 30s\n  active_poll_interval: 200ms\n  request_timeout: 1s\n  health_interval: 30s\n  max_head_age: 0s\n  max_lag_blocks: 4")
	w("signer:\n  keystore: %s\n  passphrase_file: %s", keystore, passFile)
	w("node:\n  cli_url: %s\n  timeout: 500ms", s.api.URL)
	w("reward:\n  mode: act\n  grace_blocks: %d\n  max_fee_gwei: %g\n  max_priority_fee_gwei: %g\n  stuck_after: 500ms", s.t.Grace, maxFeeGwei, tipCapGwei)
	w("probes:\n  interval: 1s\n  chain_interval: 12s\n  rpc:\n    interval: 3s\n  releases:\n    url: \"\"")
	w("alerts:\n  channels:\n    - name: sink\n      type: webhook\n      url: %s\n      secret_file: %s\n      timeout: 2s\n  outbox:\n    max_backoff: 30s", s.sink.URL, secretFile)
	w("state_dir: %s", s.stateDir)
	w("listen: 127.0.0.1:0")
	w("log:\n  level: debug\n  format: json")
	s.cfg = filepath.Join(s.dir, "lpops.yaml")
	return os.WriteFile(s.cfg, []byte(b.String()), 0o600)
}

// startLpops starts lpops (again), retrying for a while: a restart may
// land while an endpoint is down or the disk full.
func (s *soak) startLpops(ctx context.Context) error {
	var err error
	for range 10 {
		s.mu.Lock()
		s.starts++
		n := s.starts
		s.mu.Unlock()
		var lp *benchkit.Lpops
		lp, err = benchkit.StartLpops(ctx, s.bin, s.cfg, filepath.Join(s.dir, fmt.Sprintf("lpops.%d.log", n)))
		if err == nil {
			s.mu.Lock()
			s.lp = lp
			s.mu.Unlock()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(500 * time.Millisecond)
	}
	return err
}

func (s *soak) lpops() *benchkit.Lpops {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lp
}

// get reads path from lpops' API.
func (s *soak) get(ctx context.Context, path string, v any) error {
	lp := s.lpops()
	if lp == nil {
		return errors.New("lpops not running")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+lp.API+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.Unmarshal(b, v)
}

// currentBaseFee is the base fee of the next block.
func (s *soak) currentBaseFee() *big.Int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return new(big.Int).Set(s.baseFee)
}

func (s *soak) setBaseFee(v *big.Int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseFee = new(big.Int).Set(v)
}

// close stops everything the soak started.
func (s *soak) close() {
	if lp := s.lpops(); lp != nil {
		lp.Stop()
	}
	if s.tmpfs {
		_ = exec.Command("umount", "-l", s.stateDir).Run()
	}
	for _, p := range s.proxies {
		_ = p.Close()
	}
	if s.api != nil {
		s.api.Close()
	}
	if s.sink != nil {
		s.sink.Close()
	}
	if s.chain != nil {
		s.chain.Close()
	}
}

// alertLog follows lpops' /api/v1/alerts: every firing episode it showed,
// and whether it was ever due a notification there.
type alertLog struct {
	mu       sync.Mutex
	episodes map[string]*episode // fingerprint + starts_at
	pending  int                 // the sink channel's outbox, last read
	reads    int
}

type episode struct {
	Name        string    `json:"alertname"`
	Fingerprint string    `json:"fingerprint"`
	StartsAt    time.Time `json:"starts_at"`
	// Due: seen firing, neither inhibited nor silenced, with a notification
	// queued (notifications > 0).
	Due bool `json:"due"`
}

func (a *alertLog) observe(d *alert.Doc) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reads++
	for _, al := range d.Alerts {
		if !al.Firing() {
			continue
		}
		key := al.Fingerprint + "@" + al.StartsAt.UTC().Format(time.RFC3339Nano)
		e := a.episodes[key]
		if e == nil {
			e = &episode{Name: al.Name, Fingerprint: al.Fingerprint, StartsAt: al.StartsAt}
			a.episodes[key] = e
		}
		if al.InhibitedBy == "" && al.SilencedBy == "" && al.Sent > 0 {
			e.Due = true
		}
	}
	a.pending = 0
	for _, c := range d.Channels {
		a.pending += c.Pending
	}
}

// followAlerts reads lpops' alerts every 500 ms until ctx ends.
func (s *soak) followAlerts(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		var d alert.Doc
		if err := s.get(ctx, "/api/v1/alerts", &d); err == nil {
			s.alerts.observe(&d)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// fillDisk writes a file into the tmpfs of state_dir until it is full.
func fillDisk(dir string) error {
	f, err := os.Create(filepath.Join(dir, "soak-filler"))
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			return nil // full
		}
	}
}

func freeDisk(dir string) error { return os.Remove(filepath.Join(dir, "soak-filler")) }
