package integration

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// Deadlines of the waits. They are generous: CI shares two cores among the
// chains, lpops and the test.
const (
	setupTimeout  = 4 * time.Minute
	statusTimeout = 60 * time.Second
	startTimeout  = 30 * time.Second
)

// Defaults of a scenario.
const (
	defaultRoundLength = 12
	defaultGrace       = 3
	defaultMaxFeeGwei  = 50
	passphrase         = "lpops-integration-passphrase"
)

// stake is the orchestrator's self-bond.
var stake = new(big.Int).Mul(big.NewInt(5000), big.NewInt(params.Ether))

// chainSlots bounds how many chains (and lpops processes) run at once.
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

// envOptions shapes a scenario's chain and accounts.
type envOptions struct {
	// geth runs geth --dev with a block a second instead of anvil.
	geth bool
	// manual turns anvil's mining off after the setup: blocks come only from
	// the test (mine, mineTo, advance).
	manual bool
	// roundLength in blockNum() blocks; 0 = defaultRoundLength.
	roundLength uint64
	// blockNumOffset and blockNumDivisor set the test clock:
	// blockNum() = offset + block.number / divisor.
	blockNumOffset, blockNumDivisor uint64
	// signerIsOrchestrator gives lpops the orchestrator's own key (reward())
	// instead of a separate LIP-118 reward caller (rewardForTranscoder).
	signerIsOrchestrator bool
	// signerWei funds the reward caller; nil = 1 ether.
	signerWei *big.Int
	// grace is the scenario's reward.grace_blocks; 0 = defaultGrace. On
	// geth, where blocks come in real time, a scenario that acts inside the
	// window needs room for a block or two of its own transactions.
	grace uint64
	// rival registers another orchestrator with twice the stake first, in
	// an active set of one: the orchestrator is registered but never active.
	rival bool
}

// onChains runs scenario as parallel subtests on anvil (with o as given)
// and on geth --dev (a block a second, so o.manual does not apply there).
func onChains(t *testing.T, o envOptions, gethOpts func(*envOptions), scenario func(t *testing.T, e *env)) {
	t.Helper()
	for _, c := range []struct {
		name string
		geth bool
	}{{"Anvil", false}, {"GethDev", true}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := o
			if c.geth {
				o.geth, o.manual = true, false
				if gethOpts != nil {
					gethOpts(&o)
				}
			}
			scenario(t, newEnv(t, o))
		})
	}
}

// env is one scenario's chain with the contracts deployed and an
// orchestrator registered (active from the next round).
type env struct {
	t      *testing.T
	ctx    context.Context
	opts   envOptions
	chain  *testenv.Chain
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey // deployer, Controller owner; initializes rounds
	orch   *ecdsa.PrivateKey // the orchestrator; the "node" signs with it
	signer *ecdsa.PrivateKey // lpops' key
	offset uint64
	div    uint64
	length uint64
	grace  uint64
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	acquireChainSlot(t)
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	t.Cleanup(cancel)
	if o.roundLength == 0 {
		o.roundLength = defaultRoundLength
	}
	if o.grace == 0 {
		o.grace = defaultGrace
	}
	e := &env{t: t, ctx: ctx, opts: o, offset: o.blockNumOffset, div: max(o.blockNumDivisor, 1), length: o.roundLength, grace: o.grace}
	if o.geth {
		e.chain = testenv.StartGeth(t, testenv.GethOptions{Period: time.Second})
	} else {
		// Automine for the setup: a block per transaction, no waiting.
		e.chain = testenv.StartAnvil(t, testenv.AnvilOptions{})
	}
	e.owner = e.chain.FundedKey(t, big.NewInt(100))
	e.orch = e.chain.FundedKey(t, big.NewInt(10))
	var err error
	var numActive uint64
	if o.rival {
		numActive = 1
	}
	e.dep, err = testchain.Deploy(ctx, e.chain.Client(t), e.owner, testchain.Params{
		RoundLength: o.roundLength, LIP118: true, NumActive: numActive,
		BlockNumOffset: o.blockNumOffset, BlockNumDivisor: o.blockNumDivisor,
	})
	if err != nil {
		t.Fatalf("deploy contracts: %v", err)
	}
	if o.rival {
		rival := e.chain.FundedKey(t, big.NewInt(1))
		if err := e.dep.RegisterOrchestrator(ctx, e.owner, rival, new(big.Int).Mul(stake, big.NewInt(2)), 100000, 500000); err != nil {
			t.Fatalf("register the rival orchestrator: %v", err)
		}
	}
	if err := e.dep.RegisterOrchestrator(ctx, e.owner, e.orch, stake, 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}
	if o.signerIsOrchestrator {
		e.signer = e.orch
	} else {
		e.signer = newKey(t)
		wei := o.signerWei
		if wei == nil {
			wei = big.NewInt(params.Ether)
		}
		if _, err := e.dep.FundETH(ctx, e.owner, addr(e.signer), wei); err != nil {
			t.Fatalf("fund the reward caller: %v", err)
		}
		if _, err := e.dep.SetRewardCaller(ctx, e.orch, addr(e.signer)); err != nil {
			t.Fatalf("setRewardCaller: %v", err)
		}
	}
	switch {
	case o.geth:
	case o.manual:
		e.chain.SetAutomine(t, false)
	default:
		e.chain.SetIntervalMining(t, 1)
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

func gwei(n float64) *big.Int {
	v, _ := new(big.Float).Mul(big.NewFloat(n), big.NewFloat(params.GWei)).Int(nil)
	return v
}

// l2Block is the first chain block whose blockNum() is at least bn.
func (e *env) l2Block(bn uint64) uint64 { return (bn - e.offset) * e.div }

// blockNumAt is blockNum() in chain block n.
func (e *env) blockNumAt(n uint64) uint64 { return e.offset + n/e.div }

func (e *env) head() uint64 { e.t.Helper(); return e.chain.Head(e.t) }

// mine mines n blocks: by hand on anvil (anvil_mine), by waiting for them
// on geth, which mines a block a second.
func (e *env) mine(n int) {
	e.t.Helper()
	if !e.opts.geth {
		e.chain.Mine(e.t, n)
		return
	}
	e.mineTo(e.head() + uint64(n))
}

// mineTo mines (anvil) or waits (geth) until the head is chain block n.
func (e *env) mineTo(n uint64) {
	e.t.Helper()
	if !e.opts.geth {
		e.chain.MineTo(e.t, n)
		return
	}
	h := e.head()
	if h >= n {
		return
	}
	testenv.WaitFor(e.t, statusTimeout+time.Duration(n-h)*2*time.Second, fmt.Sprintf("chain block %d", n), func() bool {
		return e.head() >= n
	})
}

// advance mines to the first block of blockNum() bn and waits until lpops
// has read the chain there: it had its chance to act on that block.
func (e *env) advance(lp *lpops, bn uint64) {
	e.t.Helper()
	e.mineTo(e.l2Block(bn))
	lp.seen(bn)
}

// roundInfo reads the current round and its first blockNum().
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

// nextRound moves to the start of the next round (anvil mines to it; geth is
// waited for), initializes it as the node would, and returns it.
func (e *env) nextRound() (round, start uint64) {
	e.t.Helper()
	r, s := e.roundInfo()
	if e.opts.geth {
		if err := e.dep.WaitForRound(e.ctx, r+1, 200*time.Millisecond); err != nil {
			e.t.Fatal(err)
		}
	} else {
		e.mineTo(e.l2Block(s + e.length))
	}
	e.initRound()
	round, start = e.roundInfo()
	if round != r+1 {
		e.t.Fatalf("round %d after moving on from round %d", round, r)
	}
	return round, start
}

// nextActiveRound is nextRound where the orchestrator must be active.
func (e *env) nextActiveRound() (round, start uint64) {
	e.t.Helper()
	round, start = e.nextRound()
	if ok, err := e.dep.IsActive(e.ctx, addr(e.orch)); err != nil || !ok {
		e.t.Fatalf("orchestrator not active in round %d (err %v)", round, err)
	}
	return round, start
}

// initRound initializes the current round unless it is.
func (e *env) initRound() {
	e.t.Helper()
	ok, err := e.dep.RoundInitialized(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if !ok {
		e.do("initializeRound", e.owner, e.dep.Contracts.RoundsManager.InitializeRound)
	}
}

// do sends one contract call from key and waits for it to be mined (mining
// its block when mining is manual). A revert fails the test.
func (e *env) do(what string, key *ecdsa.PrivateKey, call func(*bind.TransactOpts) (*types.Transaction, error)) *types.Receipt {
	e.t.Helper()
	opts, err := e.dep.TransactOpts(e.ctx, key)
	if err != nil {
		e.t.Fatal(err)
	}
	tx, err := call(opts)
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
	if e.opts.manual {
		e.mine(1)
	}
	r, err := e.dep.Wait(e.ctx, tx)
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
	return r
}

// fund sends wei from the owner to a.
func (e *env) fund(a common.Address, wei *big.Int) {
	e.t.Helper()
	h := e.chain.SendValue(e.t, e.owner, a, wei)
	if e.opts.manual {
		e.mine(1)
	}
	e.chain.WaitMined(e.t, h)
}

// txsFrom counts the transactions from a, to the BondingManager when toBM,
// mined in chain blocks from through to.
func (e *env) txsFrom(a common.Address, toBM bool, from, to uint64) int {
	e.t.Helper()
	var dst *common.Address
	if toBM {
		dst = &e.dep.BondingManager
	}
	return e.chain.CountTxs(e.t, e.ctx, a, dst, from, to)
}

// nonces returns a's mined and pending nonce: pending > mined means a
// transaction of a waits in the pool.
func (e *env) nonces(a common.Address) (mined, pending uint64) {
	e.t.Helper()
	c := e.chain.Client(e.t)
	mined, err := c.NonceAt(e.ctx, a, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	pending, err = c.PendingNonceAt(e.ctx, a)
	if err != nil {
		e.t.Fatal(err)
	}
	return mined, pending
}

// wantSignerTxs checks that lpops' signer has exactly n transactions mined
// and none waiting in the pool.
func (e *env) wantSignerTxs(n uint64) {
	e.t.Helper()
	mined, pending := e.nonces(addr(e.signer))
	if mined != n || pending != n {
		e.t.Fatalf("lpops' signer %s: %d transactions mined and %d pending; want exactly %d mined, none pending",
			addr(e.signer), mined, pending-mined, n)
	}
}

// ---------------------------------------------------------------- lpops

// rpcEntry is one entry of the config's rpc list.
type rpcEntry struct{ name, url string }

// lpopsOptions are the config settings a scenario varies.
type lpopsOptions struct {
	grace      uint64        // reward.grace_blocks; 0 = the env's
	maxFeeGwei float64       // reward.max_fee_gwei; 0 = defaultMaxFeeGwei
	stuckAfter time.Duration // reward.stuck_after; 0 = 3m
	rpc        []rpcEntry    // default: the chain itself
}

// lpops is a running lpops process.
type lpops struct {
	*testenv.Lpops
	t *testing.T
}

func (e *env) startLpops(o lpopsOptions) *lpops {
	e.t.Helper()
	t := e.t
	dir := t.TempDir()
	cfg := e.config(dir, o)
	return &lpops{t: t, Lpops: testenv.StartLpops(t, testenv.LpopsOptions{
		Dir: dir, Config: cfg, Timeout: startTimeout, ReadyWhat: "lpops to start and read the chain",
		Ready: func(l *testenv.Lpops) bool {
			var s statusDoc
			return l.Status(&s) == nil && s.Ready && s.Keeper != nil
		},
	})}
}

// config writes the signer's keystore and passphrase file into dir and
// returns the configuration lpops runs with there (state in dir/state), with
// o's settings and defaults.
func (e *env) config(dir string, o lpopsOptions) string {
	e.t.Helper()
	t := e.t
	if o.grace == 0 {
		o.grace = e.grace
	}
	if o.maxFeeGwei == 0 {
		o.maxFeeGwei = defaultMaxFeeGwei
	}
	if o.stuckAfter == 0 {
		o.stuckAfter = 3 * time.Minute
	}
	if o.rpc == nil {
		o.rpc = []rpcEntry{{e.chain.Kind, e.chain.URL}}
	}
	keystore, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), e.signer, passphrase, true)
	if err != nil {
		t.Fatal(err)
	}
	passFile := filepath.Join(dir, "passphrase")
	if err := os.WriteFile(passFile, []byte(passphrase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	maxHeadAge := "2m"
	if e.opts.manual {
		maxHeadAge = "0" // blocks come only when the test mines them
	}
	var rpc strings.Builder
	for _, r := range o.rpc {
		fmt.Fprintf(&rpc, "  - name: %s\n    url: %s\n", r.name, r.url)
	}
	return fmt.Sprintf(`# Written by the lpops integration test.
network: custom
chain_id: %d
controller: "%s"
rpc:
%sorchestrator: "%s"
signer:
  keystore: %s
  passphrase_file: %s
reward:
  mode: act
  grace_blocks: %d
  max_fee_gwei: %g
  stuck_after: %s
chain:
  poll_interval: 2s
  active_poll_interval: 200ms
  request_timeout: 5s
  health_interval: 2s
  max_head_age: %s
state_dir: %s
log:
  level: debug
  format: text
`, e.chain.ChainID.Uint64(), e.dep.Controller.Hex(), rpc.String(), addr(e.orch).Hex(), keystore, passFile,
		o.grace, o.maxFeeGwei, o.stuckAfter, maxHeadAge, filepath.Join(dir, "state"))
}

// statusDoc is the part of /api/v1/status the tests read, decoded from the
// wire as any client would.
type statusDoc struct {
	Ready     bool             `json:"ready"`
	NotReady  string           `json:"not_ready_reason"`
	ChainID   uint64           `json:"chain_id"`
	Keeper    *keeperStatus    `json:"keeper"`
	Endpoints []endpointStatus `json:"endpoints"`
}

type keeperStatus struct {
	Signer          common.Address `json:"signer"`
	RewardMethod    string         `json:"reward_method"`
	ChainOK         bool           `json:"chain_ok"`
	LastRead        time.Time      `json:"last_read"`
	Round           uint64         `json:"round"`
	BlockNum        uint64         `json:"block_num"`
	RoundStartBlock uint64         `json:"round_start_block"`
	RoundLength     uint64         `json:"round_length"`
	GraceEndBlock   uint64         `json:"grace_end_block"`
	Registered      bool           `json:"registered"`
	Active          bool           `json:"active"`
	LastRewardRound uint64         `json:"last_reward_round"`
	State           string         `json:"state"`
	Reason          string         `json:"reason"`
	RewardedBy      string         `json:"rewarded_by"`
	RewardTx        string         `json:"reward_tx"`
	Txs             []statusTx     `json:"txs"`
}

type statusTx struct {
	Kind   string         `json:"kind"`
	Method string         `json:"method"`
	Hash   common.Hash    `json:"hash"`
	Nonce  uint64         `json:"nonce"`
	MaxFee wei            `json:"max_fee_per_gas"`
	State  string         `json:"state"`
	From   common.Address `json:"from"`
	Error  string         `json:"error"`
}

// wei is an amount the status writes as a decimal string.
type wei struct{ big.Int }

func (w *wei) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("amount in wei: want a decimal string, got %s", b)
	}
	if _, ok := w.SetString(s, 10); !ok {
		return fmt.Errorf("amount in wei: bad decimal %q", s)
	}
	return nil
}

type endpointStatus struct {
	Name    string `json:"name"`
	Active  bool   `json:"active"`
	Healthy bool   `json:"healthy"`
	Reason  string `json:"reason"`
}

// inRound reports whether the keeper's status is about round r.
func (s *statusDoc) inRound(r uint64) bool { return s.Keeper != nil && s.Keeper.Round == r }

// waitStatus polls the status until it has the keeper's part and cond
// holds, and returns that status. It fails at once if lpops exits.
func (lp *lpops) waitStatus(what string, cond func(*statusDoc) bool) *statusDoc {
	lp.t.Helper()
	return testenv.WaitStatus(lp.Lpops, statusTimeout, what, func(s *statusDoc) bool {
		return s.Keeper != nil && cond(s)
	})
}

// seen waits until lpops has read the chain at blockNum() bn or later.
func (lp *lpops) seen(bn uint64) *statusDoc {
	lp.t.Helper()
	return lp.waitStatus(fmt.Sprintf("lpops to read the chain at blockNum %d", bn), func(s *statusDoc) bool {
		return s.Keeper.BlockNum >= bn
	})
}

// reads waits until lpops has read the chain n more times (n new last_read
// values), checking every status on the way with check.
func (lp *lpops) reads(n int, check func(*statusDoc)) {
	lp.t.Helper()
	seen := map[time.Time]bool{}
	lp.waitStatus(fmt.Sprintf("%d more chain reads by lpops", n), func(s *statusDoc) bool {
		check(s)
		seen[s.Keeper.LastRead] = true
		return len(seen) > n
	})
}

// roundRecord is an entry of /api/v1/rounds.
type roundRecord struct {
	Round      uint64 `json:"round"`
	Outcome    string `json:"outcome"`
	RewardedBy string `json:"rewarded_by"`
	State      string `json:"state"`
}

func (lp *lpops) rounds() []roundRecord {
	lp.t.Helper()
	var rs []roundRecord
	lp.GetJSON("/api/v1/rounds", &rs)
	return rs
}
