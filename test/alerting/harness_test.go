package alerting

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// Deadlines of the waits: generous, as CI shares two cores among the chains,
// the lpops processes and the test.
const (
	setupTimeout = 4 * time.Minute
	startTimeout = 30 * time.Second
	waitTimeout  = 45 * time.Second
)

// probeInterval is probes.interval, chain_interval and rpc.interval of every
// lpops the tests run.
const probeInterval = 500 * time.Millisecond

// stakeLPT is the orchestrator's self-bond.
var stakeLPT = lpt(5000)

func eth(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether)) }
func lpt(n int64) *big.Int { return eth(n) }

// milliEth is n thousandths of an ether, in wei.
func milliEth(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether/1000))
}

// chainSlots bounds how many chains (each with its lpops) run at once.
var chainSlots = make(chan struct{}, 3)

func acquireChainSlot(t *testing.T) {
	t.Helper()
	select {
	case chainSlots <- struct{}{}:
	case <-t.Context().Done():
		t.Fatal("test ended while waiting for a chain slot")
	}
	// Registered first, so it runs last: after the chain and lpops are gone.
	t.Cleanup(func() { <-chainSlots })
}

// mining is how anvil produces blocks once the setup is done.
type mining int

const (
	// automine: a block per transaction, none otherwise.
	automine mining = iota
	// everySecond: interval mining, a block a second.
	everySecond
	// manual: blocks only when the test mines them.
	manual
)

// envOptions shape a scenario's chain.
type envOptions struct {
	// roundLength in blocks; 0 = 1000, so no round ends during a test that
	// does not want one.
	roundLength uint64
	mining      mining
}

// env is one scenario's anvil with the contracts deployed and an
// orchestrator registered (active from the next round).
type env struct {
	t      *testing.T
	ctx    context.Context
	opts   envOptions
	chain  *testenv.Chain
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey // deployer: Controller owner, Verifier, LPT minter
	orch   *ecdsa.PrivateKey // the orchestrator
	length uint64
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	acquireChainSlot(t)
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	t.Cleanup(cancel)
	if o.roundLength == 0 {
		o.roundLength = 1000
	}
	e := &env{t: t, ctx: ctx, opts: o, length: o.roundLength}
	// Automine for the setup: a block per transaction, no waiting.
	e.chain = testenv.StartAnvil(t, testenv.AnvilOptions{})
	e.owner = e.chain.FundedKey(t, big.NewInt(1000))
	e.orch = e.chain.FundedKey(t, big.NewInt(10))
	var err error
	e.dep, err = testchain.Deploy(ctx, e.chain.Client(t), e.owner, testchain.Params{RoundLength: o.roundLength, LIP118: true})
	if err != nil {
		t.Fatalf("deploy contracts: %v", err)
	}
	if err := e.dep.RegisterOrchestrator(ctx, e.owner, e.orch, stakeLPT, 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}
	switch o.mining {
	case automine:
		// The setup's mode already.
	case everySecond:
		e.chain.SetIntervalMining(t, 1)
	case manual:
		e.chain.SetAutomine(t, false)
	}
	return e
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// lower is an address as lpops writes it in labels and summaries.
func lower(a common.Address) string { return strings.ToLower(a.Hex()) }

// send transfers wei from key to a and waits until it is mined.
func (e *env) send(key *ecdsa.PrivateKey, a common.Address, wei *big.Int) *types.Receipt {
	e.t.Helper()
	h := e.chain.SendValue(e.t, key, a, wei)
	if e.opts.mining == manual {
		e.chain.Mine(e.t, 1)
	}
	return e.chain.WaitMined(e.t, h)
}

// balance is a's balance in wei at the head.
func (e *env) balance(a common.Address) *big.Int {
	e.t.Helper()
	b, err := e.chain.Client(e.t).BalanceAt(e.ctx, a, nil)
	if err != nil {
		e.t.Fatalf("balance of %s: %v", a, err)
	}
	return b
}

// drainTo leaves key's account with about left wei: it sends the rest, less
// the fee of the transfer, to the owner. It returns the balance left.
func (e *env) drainTo(key *ecdsa.PrivateKey, left *big.Int) *big.Int {
	e.t.Helper()
	a := addr(key)
	// The fee is at most 21000 gas at 2 × base fee + tip: keep 0.001 ETH
	// for it, which the transfer returns unused.
	amount := new(big.Int).Sub(e.balance(a), left)
	amount.Sub(amount, milliEth(1))
	if amount.Sign() <= 0 {
		e.t.Fatalf("%s holds less than %s wei", a, left)
	}
	e.send(key, addr(e.owner), amount)
	return e.balance(a)
}

func (e *env) head() uint64 { e.t.Helper(); return e.chain.Head(e.t) }

// mine mines n blocks by hand (anvil).
func (e *env) mine(n int) { e.t.Helper(); e.chain.Mine(e.t, n) }

// mineTo mines by hand until the head is block n.
func (e *env) mineTo(n uint64) { e.t.Helper(); e.chain.MineTo(e.t, n) }

// roundInfo reads the current round and its first block.
func (e *env) roundInfo() (round, start uint64) {
	e.t.Helper()
	round, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	start, err = e.dep.RoundStartBlock(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return round, start
}

// nextRound mines by hand to the first block of the next round and
// initializes it as the node would, and returns it.
func (e *env) nextRound() (round, start uint64) {
	e.t.Helper()
	_, s := e.roundInfo()
	e.mineTo(s + e.length)
	tx, err := e.dep.SendInitializeRound(e.ctx, e.owner)
	if err != nil {
		e.t.Fatalf("initializeRound: %v", err)
	}
	if e.opts.mining == manual {
		e.mine(1)
	}
	if _, err := e.dep.Wait(e.ctx, tx); err != nil {
		e.t.Fatalf("initializeRound: %v", err)
	}
	return e.roundInfo()
}

// ---------------------------------------------------------------- lpops

// rpcEntry is one entry of the config's rpc list.
type rpcEntry struct{ name, url string }

// lpopsOptions are the config settings a scenario varies.
type lpopsOptions struct {
	hook *receiver
	// rpc defaults to anvil itself, named "anvil".
	rpc []rpcEntry
	// nodeURL is node.cli_url; empty: no node probe.
	nodeURL string
	// transcoders are node.transcoders' expected and min_capacity; zero:
	// not watched.
	transcoders, minCapacity uint
	// signer puts lpops in act mode with this key (the orchestrator's
	// LIP-118 reward caller), initializing rounds too; nil: observe mode.
	signer *ecdsa.PrivateKey
	grace  uint64 // reward.grace_blocks; 0 = 2
	// Thresholds of probes.accounts; zero values take 0.05/0.01 ETH and
	// 30/7 rounds.
	warnETH, criticalETH          float64
	runwayWarn, runwayCritical    float64
	maxLagBlocks                  uint64        // chain.max_lag_blocks; 0 = 100
	maxPendingBlocks              uint64        // probes.rpc.max_pending_blocks; 0 = 20
	repeatWarning, repeatCritical time.Duration // alerts.repeat_interval; 0 = the defaults
}

// lpops is a running lpops process and the API token it was given.
type lpops struct {
	*testenv.Lpops
	t     *testing.T
	token string // api.token_file's content
	// secrets are every secret lpops was configured with; none may ever
	// show in its output or API (checked when the test ends).
	secrets map[string]string // what -> value
	// procs are the processes before the current one (Restart).
	procs []*testenv.Proc
}

// Restart starts lpops again after it exited, keeping the old process's
// output for the secret check.
func (lp *lpops) Restart() {
	lp.t.Helper()
	lp.procs = append(lp.procs, lp.Proc)
	lp.Lpops.Restart()
}

// checkNoSecrets fails the test if any configured secret shows in lpops'
// stdout or stderr (every process it ran) or in what its API serves:
// /api/v1/alerts, /api/v1/status, /metrics.
func (lp *lpops) checkNoSecrets() {
	t := lp.t
	t.Helper()
	docs := map[string]string{}
	for i, p := range append(slices.Clone(lp.procs), lp.Proc) {
		docs[fmt.Sprintf("stdout of process %d", i+1)] = p.Stdout()
		docs[fmt.Sprintf("stderr of process %d", i+1)] = p.Stderr()
	}
	if !lp.Proc.Exited() {
		for _, path := range []string{"/api/v1/alerts", "/api/v1/status", "/metrics"} {
			b, err := lp.Get(path)
			if err != nil {
				t.Errorf("secret check: %v", err)
				continue
			}
			docs["GET "+path] = string(b)
		}
	}
	for where, text := range docs {
		for what, secret := range lp.secrets {
			if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
				t.Errorf("lpops shows the %s in its %s", what, where)
			}
		}
	}
}

func (e *env) startLpops(o lpopsOptions) *lpops {
	e.t.Helper()
	t := e.t
	if o.rpc == nil {
		o.rpc = []rpcEntry{{"anvil", e.chain.URL}}
	}
	if o.grace == 0 {
		o.grace = 2
	}
	if o.warnETH == 0 && o.criticalETH == 0 {
		o.warnETH, o.criticalETH = 0.05, 0.01
	}
	if o.runwayWarn == 0 && o.runwayCritical == 0 {
		o.runwayWarn, o.runwayCritical = 30, 7
	}
	if o.maxLagBlocks == 0 {
		o.maxLagBlocks = 100
	}
	if o.maxPendingBlocks == 0 {
		o.maxPendingBlocks = 20
	}
	if o.repeatWarning == 0 {
		o.repeatWarning = 4 * time.Hour
	}
	if o.repeatCritical == 0 {
		o.repeatCritical = time.Hour
	}
	dir := t.TempDir()
	lp := &lpops{t: t, token: randomHex(t, 32)}
	lp.secrets = map[string]string{"API token": lp.token, "webhook HMAC secret": string(o.hook.secret)}
	tokenFile := filepath.Join(dir, "api-token")
	writeFile(t, tokenFile, lp.token+"\n")
	secretFile := filepath.Join(dir, "hook-secret")
	writeFile(t, secretFile, string(o.hook.secret)+"\n")

	var b strings.Builder
	fmt.Fprintf(&b, "# Written by the lpops alerting test.\nnetwork: custom\nchain_id: %d\ncontroller: %q\norchestrator: %q\nrpc:\n",
		e.chain.ChainID.Uint64(), e.dep.Controller.Hex(), addr(e.orch).Hex())
	for _, r := range o.rpc {
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n", r.name, r.url)
	}
	if o.nodeURL != "" {
		fmt.Fprintf(&b, "node:\n  cli_url: %s\n  timeout: 2s\n", o.nodeURL)
		if o.transcoders > 0 || o.minCapacity > 0 {
			fmt.Fprintf(&b, "  transcoders:\n    expected: %d\n    min_capacity: %d\n", o.transcoders, o.minCapacity)
		}
	}
	if o.signer != nil {
		const pass = "lpops-alerting-passphrase"
		ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), o.signer, pass, true)
		if err != nil {
			t.Fatal(err)
		}
		passFile := filepath.Join(dir, "passphrase")
		writeFile(t, passFile, pass+"\n")
		lp.secrets["keystore passphrase"] = pass
		lp.secrets["signer's private key"] = hex.EncodeToString(crypto.FromECDSA(o.signer))
		fmt.Fprintf(&b, "signer:\n  keystore: %s\n  passphrase_file: %s\n", ks, passFile)
		fmt.Fprintf(&b, "reward:\n  mode: act\n  grace_blocks: %d\n  max_fee_gwei: 50\n", o.grace)
		b.WriteString("initialize_round:\n  enabled: true\n  after_blocks: 1\n  max_fee_gwei: 50\n")
	} else {
		fmt.Fprintf(&b, "reward:\n  mode: observe\n  grace_blocks: %d\n", o.grace)
	}
	// Blocks come only with transactions or from the test: a head a few
	// minutes old is no fault here, so max_head_age is off.
	fmt.Fprintf(&b, `chain:
  poll_interval: 1s
  active_poll_interval: 200ms
  request_timeout: 2s
  health_interval: 1s
  max_head_age: "0"
  max_lag_blocks: %d
probes:
  interval: %s
  chain_interval: %s
  rpc:
    interval: %s
    max_pending_blocks: %d
  releases:
    url: ""
  fees:
    enabled: false
  stake:
    confirmations: 0
  accounts:
    warn_eth: %g
    critical_eth: %g
    runway_warn_rounds: %g
    runway_critical_rounds: %g
alerts:
  channels:
    - name: ops
      type: webhook
      url: %s
      secret_file: %s
  repeat_interval:
    critical: %s
    warning: %s
  outbox:
    max_backoff: 1s
api:
  token_file: %s
state_dir: %s
log:
  level: info
  format: text
`, o.maxLagBlocks, probeInterval, probeInterval, probeInterval, o.maxPendingBlocks, o.warnETH, o.criticalETH, o.runwayWarn, o.runwayCritical,
		o.hook.URL(), secretFile, o.repeatCritical, o.repeatWarning, tokenFile, filepath.Join(dir, "state"))
	lp.Lpops = testenv.StartLpops(t, testenv.LpopsOptions{
		Dir: dir, Config: b.String(), Timeout: startTimeout,
		ReadyWhat: "lpops to start, read the chain and run its probes",
		Ready: func(l *testenv.Lpops) bool {
			var s statusDoc
			return l.Status(&s) == nil && s.Ready && s.Keeper != nil && s.probe("stake") != nil && s.probe("accounts") != nil
		},
	})
	// Registered after StartLpops: it runs first, while lpops still runs.
	t.Cleanup(lp.checkNoSecrets)
	return lp
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n/2)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// statusDoc is the part of /api/v1/status the tests read.
type statusDoc struct {
	Ready  bool `json:"ready"`
	Keeper *struct {
		ChainOK         bool      `json:"chain_ok"`
		LastRead        time.Time `json:"last_read"`
		Round           uint64    `json:"round"`
		BlockNum        uint64    `json:"block_num"`
		Active          bool      `json:"active"`
		LastRewardRound uint64    `json:"last_reward_round"`
		State           string    `json:"state"`
	} `json:"keeper"`
	Probes []probeResult `json:"probes"`
}

type probeResult struct {
	Probe   string             `json:"probe"`
	Success bool               `json:"success"`
	Error   string             `json:"error"`
	At      time.Time          `json:"at"`
	Values  map[string]float64 `json:"values"`
	Firing  []string           `json:"firing"`
}

func (s *statusDoc) probe(name string) *probeResult {
	for i := range s.Probes {
		if s.Probes[i].Probe == name {
			return &s.Probes[i]
		}
	}
	return nil
}

// waitStatus polls the status until cond holds and returns that status. It
// fails at once if lpops exits.
func (lp *lpops) waitStatus(what string, cond func(*statusDoc) bool) *statusDoc {
	lp.t.Helper()
	return testenv.WaitStatus(lp.Lpops, waitTimeout, what, cond)
}

// probeRuns waits until the named probe has finished n more runs, and
// returns the status of the last one. Waiting for runs, not for time, is how
// a test gives lpops the chance to notify something it must not.
func (lp *lpops) probeRuns(name string, n int) *statusDoc {
	lp.t.Helper()
	seen := map[time.Time]bool{}
	return lp.waitStatus(fmt.Sprintf("%d more runs of the %s probe", n, name), func(s *statusDoc) bool {
		if p := s.probe(name); p != nil {
			seen[p.At] = true
		}
		return len(seen) > n
	})
}

// alertsDoc is the part of GET /api/v1/alerts the tests read.
type alertsDoc struct {
	Alerts []struct {
		Fingerprint string            `json:"fingerprint"`
		Name        string            `json:"alertname"`
		Labels      map[string]string `json:"labels"`
		Status      string            `json:"status"`
		SilencedBy  string            `json:"silenced_by"`
		InhibitedBy string            `json:"inhibited_by"`
	} `json:"alerts"`
	Channels []struct {
		Name      string `json:"name"`
		Pending   int    `json:"pending"`
		LastError string `json:"last_error"`
	} `json:"channels"`
}

// waitAlerts polls GET /api/v1/alerts until cond holds.
func (lp *lpops) waitAlerts(what string, cond func(*alertsDoc) bool) *alertsDoc {
	lp.t.Helper()
	return testenv.WaitGet(lp.Lpops, "/api/v1/alerts", waitTimeout, what, cond)
}
