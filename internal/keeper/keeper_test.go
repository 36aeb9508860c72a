package keeper_test

// These tests drive the keeper tick by tick against a real EVM chain
// (go-ethereum in-process, JSON-RPC over loopback HTTP) running the
// Livepeer-compatible test contracts, through the real endpoint pool and
// store. Integration tests against anvil and geth with the built binary live
// in test/integration.

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
)

const roundLength = 40

type env struct {
	t      *testing.T
	ctx    context.Context
	chain  *devnet.Chain
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey
	orch   *ecdsa.PrivateKey
	caller *ecdsa.PrivateKey
	// more are the orchestrators registered besides orch (envConfig.more),
	// with the same reward caller.
	more     []*ecdsa.PrivateKey
	roundLen uint64
	// fleetActive overrides the active poll interval of e.fleet's keepers.
	fleetActive time.Duration
	pool        *chain.Pool
	addrs       livepeer.Addresses
	dir         string
	now         *fakeNow
}

// fakeNow is wall time plus an offset the test can advance, so "stuck for
// three minutes" needs no waiting.
type fakeNow struct {
	mu  sync.Mutex
	off time.Duration
}

func (f *fakeNow) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.off)
}

func (f *fakeNow) Advance(d time.Duration) {
	f.mu.Lock()
	f.off += d
	f.mu.Unlock()
}

func eth(n float64) *big.Int {
	v, _ := new(big.Float).Mul(big.NewFloat(n), big.NewFloat(1e18)).Int(nil)
	return v
}

func newEnv(t *testing.T, callerETH *big.Int) *env {
	t.Helper()
	return newEnvWith(t, envConfig{callerETH: callerETH})
}

// envConfig varies a test chain from newEnv's.
type envConfig struct {
	callerETH *big.Int
	// roundLength in blocks (25 ms each); 0 = roundLength.
	roundLength uint64
	// noLIP118 deploys a BondingManager without the LIP-118 functions (they
	// revert), so no reward caller is set.
	noLIP118 bool
	// blockTime between blocks; 0 = 25 ms.
	blockTime time.Duration
	// more orchestrators to register besides orch (a fleet).
	more int
}

func newEnvWith(t *testing.T, cfg envConfig) *env {
	t.Helper()
	callerETH := cfg.callerETH
	if cfg.roundLength == 0 {
		cfg.roundLength = roundLength
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	e := &env{t: t, ctx: ctx, owner: key(t), orch: key(t), caller: key(t), dir: t.TempDir(), now: &fakeNow{}, roundLen: cfg.roundLength}
	alloc := types.GenesisAlloc{addr(e.owner): {Balance: eth(1000)}, addr(e.orch): {Balance: eth(100)}}
	if callerETH.Sign() > 0 {
		alloc[addr(e.caller)] = types.Account{Balance: callerETH}
	}
	for range cfg.more {
		k := key(t)
		e.more = append(e.more, k)
		alloc[addr(k)] = types.Account{Balance: eth(100)}
	}
	if cfg.blockTime == 0 {
		cfg.blockTime = 25 * time.Millisecond
	}
	c, err := devnet.StartChain(alloc, cfg.blockTime)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e.chain = c
	e.dep, err = testchain.Deploy(ctx, c.Backend.Client(), e.owner, testchain.Params{RoundLength: cfg.roundLength, LIP118: !cfg.noLIP118})
	if err != nil {
		t.Fatal(err)
	}
	e.dep.PollInterval = 10 * time.Millisecond
	if err := e.dep.RegisterOrchestrator(ctx, e.owner, e.orch, eth(5000), 100000, 500000); err != nil {
		t.Fatal(err)
	}
	for _, k := range e.more {
		if err := e.dep.RegisterOrchestrator(ctx, e.owner, k, eth(5000), 100000, 500000); err != nil {
			t.Fatal(err)
		}
	}
	if !cfg.noLIP118 {
		for _, k := range append([]*ecdsa.PrivateKey{e.orch}, e.more...) {
			if _, err := e.dep.SetRewardCaller(ctx, k, addr(e.caller)); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.pool, err = chain.Dial(ctx, []chain.EndpointConfig{{Name: "devnet", URL: c.URL}}, chain.Options{ChainID: devnet.ChainID, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.pool.Close)
	e.addrs, err = livepeer.Resolve(ctx, e.pool, e.dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func key(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// nextActiveRound waits for a fresh round in which the orchestrator is
// active, initializes it (as the node would) and returns it.
func (e *env) nextActiveRound() uint64 {
	e.t.Helper()
	r, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.dep.WaitForRound(e.ctx, r+1, 10*time.Millisecond); err != nil {
		e.t.Fatal(err)
	}
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		e.t.Fatal(err)
	}
	if ok, err := e.dep.IsActive(e.ctx, addr(e.orch)); err != nil || !ok {
		e.t.Fatalf("orchestrator not active in round %d: %v", r+1, err)
	}
	return r + 1
}

type opts struct {
	signer   *ecdsa.PrivateKey
	grace    uint64
	maxFee   *big.Int
	maxTip   *big.Int // nil: no tip cap
	chain    keeper.Chain
	observe  bool
	initAuto bool
	logger   *slog.Logger
}

func (e *env) keeper(o opts) (*keeper.Keeper, *store.Store) {
	e.t.Helper()
	st, err := store.Open(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	if o.maxFee == nil {
		o.maxFee = big.NewInt(50e9)
	}
	var sg keeper.TxSigner
	accounts := []common.Address{}
	if o.signer != nil {
		s := signer.FromKey(o.signer, devnet.ChainIDBig())
		sg, accounts = s, append(accounts, s.Address())
	}
	c := o.chain
	if c == nil {
		c = e.pool
	}
	k := keeper.New(keeper.Config{
		Orchestrator: addr(e.orch), ChainID: devnet.ChainIDBig(), Observe: o.observe,
		GraceBlocks: o.grace, MaxFee: o.maxFee, MaxTip: o.maxTip, StuckAfter: 3 * time.Minute,
		InitEnabled: o.initAuto, InitAfterBlocks: 2, InitMaxFee: big.NewInt(50e9),
		PollInterval: time.Second, ActivePollInterval: 20 * time.Millisecond,
	}, keeper.Options{
		Chain: c, Reader: livepeer.NewReader(e.pool, e.addrs, addr(e.orch), accounts, e.now.Now),
		Signer: sg, Records: keeper.NewRecords(st), Addrs: e.addrs, Now: e.now.Now, Logger: o.logger,
	})
	return k, st
}

// tickUntil ticks k until cond holds on its status, or fails.
func (e *env) tickUntil(k *keeper.Keeper, what string, cond func(keeper.Status) bool) keeper.Status {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		k.Tick(e.ctx)
		s := k.Status()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s; last status: state=%s reason=%q round=%d", what, s.State, s.Reason, s.Round)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) nonce(a common.Address) uint64 {
	e.t.Helper()
	n, err := e.chain.Backend.Client().NonceAt(e.ctx, a, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestNodeRewardsItselfLpopsSendsNothing(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 10})
	k.Tick(e.ctx) // lpops is running before the round starts
	round := e.nextActiveRound()
	if _, err := e.dep.Reward(e.ctx, e.orch); err != nil { // the node, within grace
		t.Fatal(err)
	}
	s := e.tickUntil(k, "round settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "node" || s.RewardTx == "" {
		t.Fatalf("rewarded_by=%q tx=%q, want the node's transaction", s.RewardedBy, s.RewardTx)
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions, want none", n)
	}
}

func TestNodeMissesLpopsRewardsOnce(t *testing.T) {
	for _, tc := range []struct {
		Name         string
		SignerIsOrch bool
		WantMethod   string
	}{
		{"DelegatedRewardCaller", false, "rewardForTranscoder"},
		{"OrchestratorKey", true, "reward"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			e := newEnv(t, eth(1))
			sk := e.caller
			if tc.SignerIsOrch {
				sk = e.orch
			}
			k, _ := e.keeper(opts{signer: sk, grace: 3})
			round := e.nextActiveRound()
			before := e.nonce(addr(sk))
			s := e.tickUntil(k, "reward by lpops", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
			if s.RewardedBy != "lpops" {
				t.Fatalf("rewarded_by=%q, want lpops (reason %q)", s.RewardedBy, s.Reason)
			}
			if len(s.Txs) != 1 || s.Txs[0].Method != tc.WantMethod || s.Txs[0].State != keeper.TxMined {
				t.Fatalf("txs = %+v, want one mined %s", s.Txs, tc.WantMethod)
			}
			lrr, _ := e.dep.LastRewardRound(e.ctx, addr(e.orch))
			if lrr != round {
				t.Fatalf("lastRewardRound = %d, want %d", lrr, round)
			}
			// Keep ticking for the rest of the round: nothing more is sent.
			for i := 0; i < 20; i++ {
				k.Tick(e.ctx)
			}
			if n := e.nonce(addr(sk)) - before; n != 1 {
				t.Fatalf("lpops sent %d transactions, want exactly 1", n)
			}
		})
	}
}

func TestInactiveOrchestratorNothingSent(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	e.nextActiveRound()
	// Unbond everything: inactive from the next round.
	if _, err := e.dep.Unbond(e.ctx, e.orch, eth(5000)); err != nil {
		t.Fatal(err)
	}
	e.nextActiveRoundOrInactive()
	// Unbonding everything also deregisters it, as in the real BondingManager.
	s := e.tickUntil(k, "inactive", func(s keeper.Status) bool {
		return s.State == keeper.StateNotActive || s.State == keeper.StateNotRegistered
	})
	if s.Active {
		t.Fatal("status says active")
	}
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions to an inactive orchestrator's round", n)
	}
}

// nextActiveRoundOrInactive moves to the next initialized round without
// requiring the orchestrator to be active.
func (e *env) nextActiveRoundOrInactive() {
	e.t.Helper()
	r, _ := e.dep.CurrentRound(e.ctx)
	if err := e.dep.WaitForRound(e.ctx, r+1, 10*time.Millisecond); err != nil {
		e.t.Fatal(err)
	}
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		e.t.Fatal(err)
	}
}

func TestRewardThatWouldRevertIsNotSent(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	e.nextActiveRound()
	opts, err := e.dep.TransactOpts(e.ctx, e.owner)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := e.dep.Contracts.Controller.Pause(opts) // every reward now reverts
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.dep.Wait(e.ctx, tx); err != nil {
		t.Fatal(err)
	}
	s := e.tickUntil(k, "would revert", func(s keeper.Status) bool { return s.State == keeper.StateWouldRevert })
	if s.Reason == "" {
		t.Fatal("no reason given")
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions that would revert", n)
	}
}

func TestInsufficientFundsNoStormThenResumes(t *testing.T) {
	e := newEnv(t, big.NewInt(1e12)) // far too little for gas at 50 gwei
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	round := e.nextActiveRound()
	s := e.tickUntil(k, "insufficient funds", func(s keeper.Status) bool { return s.State == keeper.StateInsufficientFunds })
	for i := 0; i < 30; i++ {
		k.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions without funds", n)
	}
	if s.Reason == "" {
		t.Fatal("status gives no reason")
	}
	if _, err := e.dep.FundETH(e.ctx, e.owner, addr(e.caller), eth(1)); err != nil {
		t.Fatal(err)
	}
	s = e.tickUntil(k, "reward after funding", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.RewardedBy != "lpops" || s.Round != round {
		t.Fatalf("after funding: rewarded_by=%q round=%d, want lpops in round %d", s.RewardedBy, s.Round, round)
	}
	if n := e.nonce(addr(e.caller)); n != 1 {
		t.Fatalf("lpops sent %d transactions, want 1", n)
	}
}

func TestStuckTransactionReplacedOnceWithBump(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	e.nextActiveRound()
	e.chain.PauseMining()
	s := e.tickUntil(k, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	first := s.Txs[0]
	for i := 0; i < 5; i++ { // not stuck yet: no replacement
		k.Tick(e.ctx)
	}
	if got := len(k.Status().Txs); got != 1 {
		t.Fatalf("%d transactions before stuck_after, want 1", got)
	}
	e.now.Advance(4 * time.Minute)
	s = e.tickUntil(k, "replacement", func(s keeper.Status) bool { return len(s.Txs) == 2 })
	repl := s.Txs[1]
	if repl.Nonce != first.Nonce {
		t.Fatalf("replacement nonce %d, want %d", repl.Nonce, first.Nonce)
	}
	minFee := new(big.Int).Div(new(big.Int).Mul(first.MaxFee.Int(), big.NewInt(1125)), big.NewInt(1000))
	if repl.MaxFee.Int().Cmp(minFee) < 0 {
		t.Fatalf("replacement max fee %v < 112.5%% of %v", repl.MaxFee.Int(), first.MaxFee.Int())
	}
	if repl.MaxFee.Int().Cmp(big.NewInt(50e9)) > 0 {
		t.Fatalf("replacement max fee %v above the cap", repl.MaxFee.Int())
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.RewardedBy != "lpops" {
		t.Fatalf("rewarded_by %q", s.RewardedBy)
	}
	if n := e.nonce(addr(e.caller)); n != 1 {
		t.Fatalf("%d transactions mined, want exactly 1", n)
	}
	states := map[string]int{}
	for _, tx := range s.Txs {
		states[tx.State]++
	}
	if states[keeper.TxMined] != 1 || states[keeper.TxReplaced] != 1 {
		t.Fatalf("tx states %v, want one mined and one replaced", states)
	}
}

func TestStuckAtCapKeepsOriginalAlive(t *testing.T) {
	e := newEnv(t, eth(1))
	k1, st := e.keeper(opts{signer: e.caller, grace: 1})
	e.nextActiveRound()
	e.chain.PauseMining()
	s := e.tickUntil(k1, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	st.Close()
	// Restart with a cap equal to the first send's fee: no room for a 12.5 % bump.
	capFee := s.Txs[0].MaxFee.Int()
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, maxFee: capFee})
	e.now.Advance(4 * time.Minute)
	for i := 0; i < 5; i++ {
		k.Tick(e.ctx)
	}
	s = k.Status()
	if len(s.Txs) != 1 {
		t.Fatalf("%d transactions, want the original only (no replacement above the cap)", len(s.Txs))
	}
	if s.State != keeper.StatePending || s.Reason == "" {
		t.Fatalf("state %q reason %q, want pending with the cap explained", s.State, s.Reason)
	}
	for _, tx := range s.Txs {
		if tx.MaxFee.Int().Cmp(capFee) > 0 {
			t.Fatalf("max fee %v above cap", tx.MaxFee.Int())
		}
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.RewardedBy != "lpops" || e.nonce(addr(e.caller)) != 1 {
		t.Fatalf("rewarded_by %q, nonce %d", s.RewardedBy, e.nonce(addr(e.caller)))
	}
}

// TestReplacementsRespectTipCap: a transaction stuck for good is replaced
// with 12.5 % higher fees each time, but never above max_priority_fee_gwei
// nor the fee cap: once the next bump would break either, the last one is
// kept alive instead.
func TestReplacementsRespectTipCap(t *testing.T) {
	e := newEnv(t, eth(1))
	k1, st := e.keeper(opts{signer: e.caller, grace: 1})
	round := e.nextActiveRound()
	e.chain.PauseMining()
	s := e.tickUntil(k1, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	st.Close()
	// Restart with a tip cap 20 % above the first send's tip: room for one
	// 12.5 % bump, not two.
	first := s.Txs[0]
	tipCap := new(big.Int).Div(new(big.Int).Mul(first.Tip.Int(), big.NewInt(12)), big.NewInt(10))
	feeCap := big.NewInt(50e9)
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, maxTip: tipCap, maxFee: feeCap})
	var reasons []string
	for range 4 {
		e.now.Advance(4 * time.Minute)
		for range 3 {
			k.Tick(e.ctx)
			reasons = append(reasons, k.Status().Reason)
		}
	}
	s = k.Status()
	for _, tx := range s.Txs {
		if tx.Tip.Int().Cmp(tipCap) > 0 || tx.MaxFee.Int().Cmp(feeCap) > 0 {
			t.Errorf("tx %s (nonce %d): tip %s max fee %s; caps: tip %s, max fee %s", tx.Hash.Hex(), tx.Nonce, tx.Tip.Int(), tx.MaxFee.Int(), tipCap, feeCap)
		}
	}
	if len(s.Txs) != 2 {
		t.Fatalf("%d transactions, want the first and one replacement", len(s.Txs))
	}
	if s.State != keeper.StatePending || !slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, "max_priority_fee_gwei") }) {
		t.Fatalf("state %q reasons %q; want pending with the tip cap explained", s.State, reasons)
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "lpops" || e.nonce(addr(e.caller)) != 1 {
		t.Fatalf("rewarded_by %q, nonce %d; want lpops with one transaction", s.RewardedBy, e.nonce(addr(e.caller)))
	}
}

// lostBroadcast stands for a process killed after the transaction was
// written to the store but before the broadcast left the host.
type lostBroadcast struct{ *chain.Pool }

func (lostBroadcast) Broadcast(context.Context, []byte) (common.Hash, error) {
	return common.Hash{}, errors.New("connection reset by peer")
}

func TestRestartAfterLostBroadcastRewardsExactlyOnce(t *testing.T) {
	e := newEnv(t, eth(1))
	k1, st := e.keeper(opts{signer: e.caller, grace: 1, chain: lostBroadcast{e.pool}})
	round := e.nextActiveRound()
	s := e.tickUntil(k1, "tx recorded", func(s keeper.Status) bool { return len(s.Txs) == 1 })
	if s.Txs[0].State != keeper.TxSent {
		t.Fatalf("unknown broadcast outcome recorded as %q, want %q", s.Txs[0].State, keeper.TxSent)
	}
	st.Close() // "crash"

	k2, _ := e.keeper(opts{signer: e.caller, grace: 1})
	for i := 0; i < 10; i++ {
		k2.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("restarted keeper sent a new transaction before the old one was stuck (nonce %d)", n)
	}
	e.now.Advance(4 * time.Minute)
	s = e.tickUntil(k2, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "lpops" {
		t.Fatalf("rewarded_by %q", s.RewardedBy)
	}
	if n := e.nonce(addr(e.caller)); n != 1 {
		t.Fatalf("%d transactions mined, want exactly 1", n)
	}
}

func TestInitializesRoundWhenNobodyDoes(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, initAuto: true})
	r, _ := e.dep.CurrentRound(e.ctx)
	if err := e.dep.WaitForRound(e.ctx, r+1, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	s := e.tickUntil(k, "rewarded after initializing", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == r+1 })
	kinds := map[string]int{}
	for _, tx := range s.Txs {
		if tx.State == keeper.TxMined {
			kinds[tx.Kind]++
		}
	}
	if kinds[keeper.KindInitializeRound] != 1 || kinds[keeper.KindReward] != 1 {
		t.Fatalf("mined %v, want one initializeRound and one reward", kinds)
	}
}

// lpops reward --submit in a round nobody initialized: with
// initialize_round enabled it initializes the round at once and goes on to
// the reward; without, it says the round is not initialized and sends nothing.
func TestRewardNowInitializesThenRewards(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		InitAuto bool
	}{{"InitializeEnabled", true}, {"InitializeDisabled", false}} {
		t.Run(tc.Name, func(t *testing.T) {
			e := newEnv(t, eth(1))
			k, _ := e.keeper(opts{signer: e.caller, grace: 10, initAuto: tc.InitAuto})
			r, _ := e.dep.CurrentRound(e.ctx)
			if err := e.dep.WaitForRound(e.ctx, r+1, 10*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			s, err := k.RewardNow(e.ctx, time.Minute)
			if err != nil {
				t.Fatalf("RewardNow: %v (state %s: %s)", err, s.State, s.Reason)
			}
			mined := map[string]int{}
			for _, tx := range s.Txs {
				if tx.State == keeper.TxMined {
					mined[tx.Kind]++
				}
			}
			if !tc.InitAuto {
				if s.State != keeper.StateWaitingInit || len(s.Txs) != 0 || e.nonce(addr(e.caller)) != 0 {
					t.Fatalf("state %s, %d txs, nonce %d; want waiting_initialized and nothing sent", s.State, len(s.Txs), e.nonce(addr(e.caller)))
				}
				return
			}
			if s.State != keeper.StateDone || s.RewardedBy != "lpops" || s.Round != r+1 ||
				mined[keeper.KindInitializeRound] != 1 || mined[keeper.KindReward] != 1 {
				t.Fatalf("state %s by %q round %d (want %d), mined %v; want rewarded by lpops after one initializeRound", s.State, s.RewardedBy, s.Round, r+1, mined)
			}
		})
	}
}

func TestObserveModeNeverSends(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, observe: true})
	e.nextActiveRound()
	e.tickUntil(k, "observing", func(s keeper.Status) bool { return s.State == keeper.StateObserving })
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("observe mode sent %d transactions", n)
	}
}

// nodeRacesFirst plays a node that shares lpops' account: just before lpops'
// broadcast leaves, the node's own reward with the same nonce is mined.
type nodeRacesFirst struct {
	*chain.Pool
	e    *env
	once sync.Once
}

func (n *nodeRacesFirst) Broadcast(ctx context.Context, raw []byte) (common.Hash, error) {
	n.once.Do(func() {
		if _, err := n.e.dep.Reward(ctx, n.e.orch); err != nil {
			n.e.t.Errorf("node's reward: %v", err)
		}
	})
	return n.Pool.Broadcast(ctx, raw)
}

func TestSharedAccountNonceTooLowNodeWins(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.orch, grace: 1, chain: &nodeRacesFirst{Pool: e.pool, e: e}})
	round := e.nextActiveRound()
	before := e.nonce(addr(e.orch))
	s := e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "node" {
		t.Fatalf("rewarded_by %q, want node", s.RewardedBy)
	}
	if len(s.Txs) != 1 || s.Txs[0].State != keeper.TxDropped {
		t.Fatalf("txs %+v, want lpops' one transaction dropped (its nonce taken by the node's)", s.Txs)
	}
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.orch)) - before; n != 1 {
		t.Fatalf("%d transactions from the shared account, want the node's one", n)
	}
}

// minedThenNonceTooLow plays an endpoint that takes lpops' transaction, mines
// it, and answers the broadcast with "nonce too low" (a re-broadcast racing
// its own inclusion, or a load balancer's second node): the transaction is
// lpops' own and mined, not another sender's.
type minedThenNonceTooLow struct {
	*chain.Pool
	e *env
}

func (m *minedThenNonceTooLow) Broadcast(ctx context.Context, raw []byte) (common.Hash, error) {
	h, err := m.Pool.Broadcast(ctx, raw)
	if err != nil {
		return h, err
	}
	for {
		if r, _ := m.e.chain.Backend.Client().TransactionReceipt(ctx, h); r != nil {
			return h, fmt.Errorf("send transaction %s: devnet: %w", h.Hex(), chain.ErrNonceTooLow)
		}
		select {
		case <-ctx.Done():
			return h, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestNonceTooLowForItsOwnMinedTransactionCreditsLpops(t *testing.T) {
	e := newEnv(t, eth(1))
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, chain: &minedThenNonceTooLow{Pool: e.pool, e: e}})
	round := e.nextActiveRound()
	before := e.nonce(addr(e.caller))
	s := e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "lpops" {
		t.Fatalf("rewarded_by %q, want lpops: its own transaction was mined", s.RewardedBy)
	}
	if len(s.Txs) != 1 || s.Txs[0].State != keeper.TxMined {
		t.Fatalf("txs %+v, want lpops' one transaction mined", s.Txs)
	}
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := e.nonce(addr(e.caller)) - before; n != 1 {
		t.Fatalf("%d transactions from lpops' account, want 1", n)
	}
}
