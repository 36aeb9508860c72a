package keeper_test

// Sending under adverse conditions: no funds (at read time and at send time),
// a shared account's transaction taking the nonce, a revert on chain, a crash
// between the store write and the broadcast, a deployment without LIP-118.
// The chain is the in-process go-ethereum one of keeper_test.go; base fee
// scenarios run on anvil (base_fee_test.go), which can set the base fee.

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"log/slog"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// countingChain counts the keeper's send preparations: the batches that
// simulate a call (eth_estimateGas), each a full request to the endpoint.
type countingChain struct {
	*chain.Pool
	n atomic.Int64
}

func (c *countingChain) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	for _, e := range b {
		if e.Method == "eth_estimateGas" {
			c.n.Add(1)
			break
		}
	}
	return c.Pool.BatchCall(ctx, b)
}

func (c *countingChain) prepares() int64 { return c.n.Load() }

// logRecorder is a slog handler that keeps every record's level and message.
type logRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// at returns the messages logged at level.
func (h *logRecorder) at(level slog.Level) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.recs {
		if r.Level == level {
			out = append(out, r.Message)
		}
	}
	return out
}

// minedKinds counts the mined transactions of a status by kind.
func minedKinds(s keeper.Status) map[string]int {
	kinds := map[string]int{}
	for _, tx := range s.Txs {
		if tx.State == keeper.TxMined {
			kinds[tx.Kind]++
		}
	}
	return kinds
}

func (e *env) pendingNonce(a common.Address) uint64 {
	e.t.Helper()
	n, err := e.chain.Backend.Client().PendingNonceAt(e.ctx, a)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) balance(a common.Address) *big.Int {
	e.t.Helper()
	b, err := e.chain.Backend.Client().BalanceAt(e.ctx, a, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func TestInitializeRoundWaitsForFundsThenResumes(t *testing.T) {
	// 1 gwei pays for no call. 120 blocks of 25 ms: room in one round for the
	// wait and the resume.
	e := newEnvWith(t, envConfig{callerETH: big.NewInt(1e9), roundLength: 120})
	cc := &countingChain{Pool: e.pool}
	logs := &logRecorder{}
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, initAuto: true, chain: cc, logger: slog.New(logs)})
	r, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	round := r + 1
	if err := e.dep.WaitForRound(e.ctx, round, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Nobody initializes the round: lpops must, and cannot pay for it.
	s := e.tickUntil(k, "insufficient funds for initializeRound", func(s keeper.Status) bool {
		return s.Round == round && s.State == keeper.StateInsufficientFunds
	})
	if !strings.Contains(s.Reason, "insufficient funds") {
		t.Fatalf("reason %q, want it to say insufficient funds", s.Reason)
	}
	before := cc.prepares()
	for i := 0; i < 20; i++ {
		k.Tick(e.ctx)
		if s := k.Status(); s.Round == round && s.State != keeper.StateInsufficientFunds {
			t.Fatalf("unfunded tick %d: state %q (%s), want %q", i, s.State, s.Reason, keeper.StateInsufficientFunds)
		}
	}
	if n := cc.prepares() - before; n != 0 {
		t.Fatalf("%d initializeRound simulations over 20 ticks while unfunded, want none (the recorded shortfall gates them)", n)
	}
	if errs := logs.at(slog.LevelError); len(errs) != 1 {
		t.Fatalf("ERROR logs %q; want exactly one, when funds first fell short", errs)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 0 {
		t.Fatalf("lpops sent %d transactions without funds", n)
	}

	if _, err := e.dep.FundETH(e.ctx, e.owner, addr(e.caller), eth(1)); err != nil {
		t.Fatal(err)
	}
	s = e.tickUntil(k, "round initialized and rewarded", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" {
		t.Fatalf("settled round %d rewarded_by %q; want round %d (the one it was short in) by lpops", s.Round, s.RewardedBy, round)
	}
	if kinds := minedKinds(s); kinds[keeper.KindInitializeRound] != 1 || kinds[keeper.KindReward] != 1 {
		t.Fatalf("mined %v, want one initializeRound and one reward", kinds)
	}
	if n := e.nonce(addr(e.caller)); n != 2 {
		t.Fatalf("%d transactions from lpops, want 2", n)
	}
	if errs := logs.at(slog.LevelError); len(errs) != 1 {
		t.Fatalf("ERROR logs %q; want exactly one", errs)
	}
}

// crashAfterWrite stands for a process killed right after it wrote the
// signed transaction to the store and before the broadcast left: the store
// is closed under the keeper, so no later write lands, and nothing is sent.
type crashAfterWrite struct {
	*chain.Pool
	st      *store.Store
	crashed atomic.Bool
}

func (c *crashAfterWrite) Broadcast(context.Context, []byte) (common.Hash, error) {
	c.crashed.Store(true)
	c.st.Close()
	return common.Hash{}, errors.New("killed")
}

func TestCrashBetweenStoreWriteAndBroadcast(t *testing.T) {
	e := newEnv(t, eth(1))
	crash := &crashAfterWrite{Pool: e.pool}
	k1, st := e.keeper(opts{signer: e.caller, grace: 1, chain: crash})
	crash.st = st
	round := e.nextActiveRound()
	deadline := time.Now().Add(60 * time.Second)
	for !crash.crashed.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("keeper never reached the broadcast; status %+v", k1.Status())
		}
		k1.Tick(e.ctx)
	}

	// What the crash left: one signed transaction, on disk only.
	k2, _ := e.keeper(opts{signer: e.caller, grace: 1})
	recs, err := k2.History(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Round != round || len(recs[0].Txs) != 1 || recs[0].Txs[0].State != keeper.TxSigned {
		t.Fatalf("store after the crash: %+v; want round %d with one %q transaction", recs, round, keeper.TxSigned)
	}
	signed := recs[0].Txs[0].Hash
	if n := e.pendingNonce(addr(e.caller)); n != 0 {
		t.Fatalf("pending nonce %d before the restart: something was broadcast", n)
	}

	s := e.tickUntil(k2, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	if s.RewardedBy != "lpops" || s.RewardTx != signed.Hex() {
		t.Fatalf("rewarded_by %q reward_tx %s; want lpops with the transaction written before the crash, %s", s.RewardedBy, s.RewardTx, signed.Hex())
	}
	if len(s.Txs) != 1 || s.Txs[0].Hash != signed || s.Txs[0].State != keeper.TxMined {
		t.Fatalf("txs %+v; want only %s, mined", s.Txs, signed)
	}
	for i := 0; i < 10; i++ {
		k2.Tick(e.ctx)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 1 {
		t.Fatalf("%d transactions from lpops, want exactly 1", n)
	}
	if got, err := e.chain.Backend.Client().TransactionReceipt(e.ctx, signed); err != nil || got.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("receipt of %s: %v (err %v), want mined", signed, got, err)
	}
}

// nodeTakesNonce plays a node sharing lpops' account whose own transaction
// (a transfer priced far above lpops' cap) reaches the pool with lpops'
// nonce just before lpops' broadcast does.
type nodeTakesNonce struct {
	*chain.Pool
	e    *env
	once sync.Once
}

func (n *nodeTakesNonce) Broadcast(ctx context.Context, raw []byte) (common.Hash, error) {
	n.once.Do(func() {
		var ours types.Transaction
		if err := ours.UnmarshalBinary(raw); err != nil {
			n.e.t.Errorf("decode lpops' transaction: %v", err)
			return
		}
		n.e.sendTransfer(n.e.orch, ours.Nonce(), addr(n.e.owner), big.NewInt(1), gwei(500))
	})
	return n.Pool.Broadcast(ctx, raw)
}

// sendTransfer sends value from key with nonce at fee cap and tip feeCap,
// without waiting for it to be mined.
func (e *env) sendTransfer(key *ecdsa.PrivateKey, nonce uint64, to common.Address, value, feeCap *big.Int) *types.Transaction {
	e.t.Helper()
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(e.dep.ChainID()), &types.DynamicFeeTx{
		ChainID: e.dep.ChainID(), Nonce: nonce, GasTipCap: feeCap, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: value,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.chain.Backend.Client().SendTransaction(e.ctx, tx); err != nil {
		e.t.Fatalf("send transfer: %v", err)
	}
	return tx
}

func gwei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }

func TestReplacementUnderpricedRetriesWithinRound(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120})
	k, _ := e.keeper(opts{signer: e.orch, grace: 1, chain: &nodeTakesNonce{Pool: e.pool, e: e}})
	round := e.nextActiveRound()
	before := e.nonce(addr(e.orch))
	// Blocks wait until both transactions are in the pool.
	e.chain.PauseMining()
	s := e.tickUntil(k, "rejected as underpriced", func(s keeper.Status) bool { return len(s.Txs) > 0 })
	first := s.Txs[0]
	if first.State != keeper.TxRejected || !strings.Contains(first.Error, "replacement transaction underpriced") {
		t.Fatalf("first attempt %+v; want rejected with the node's replacement transaction underpriced", first)
	}
	if s.State != keeper.StateRetrying {
		t.Fatalf("state %q (%s) after the rejection, want %q", s.State, s.Reason, keeper.StateRetrying)
	}
	// The retry does not fight the node's transaction for its nonce: it
	// takes the next one.
	s = e.tickUntil(k, "retry sent", func(s keeper.Status) bool {
		n := len(s.Txs)
		return n > 1 && s.Txs[n-1].State == keeper.TxSent
	})
	retry := s.Txs[len(s.Txs)-1]
	if retry.Nonce != first.Nonce+1 {
		t.Fatalf("retry nonce %d, want %d (after the node's transaction)", retry.Nonce, first.Nonce+1)
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" || s.RewardTx != retry.Hash.Hex() {
		t.Fatalf("round %d rewarded_by %q tx %s; want round %d by lpops with %s", s.Round, s.RewardedBy, s.RewardTx, round, retry.Hash.Hex())
	}
	if n := e.nonce(addr(e.orch)) - before; n != 2 {
		t.Fatalf("%d transactions from the shared account, want 2 (the node's transfer and one reward)", n)
	}
	if kinds := minedKinds(s); kinds[keeper.KindReward] != 1 {
		t.Fatalf("mined %v, want one reward", kinds)
	}
}

func TestInsufficientFundsAtBroadcastBacksOffThenResumes(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120})
	logs := &logRecorder{}
	cc := &countingChain{Pool: e.pool}
	k, _ := e.keeper(opts{signer: e.orch, grace: 1, chain: cc, logger: slog.New(logs)})
	round := e.nextActiveRound()
	e.chain.PauseMining()
	// The node, sharing the account, has a transfer of nearly everything
	// waiting in the pool. The latest balance still covers lpops' call, so
	// only the node's answer to the broadcast tells.
	bal := e.balance(addr(e.orch))
	feeCap := gwei(200)
	keep := big.NewInt(1e9)
	value := new(big.Int).Sub(bal, new(big.Int).Add(new(big.Int).Mul(feeCap, big.NewInt(21000)), keep))
	n0 := e.nonce(addr(e.orch))
	e.sendTransfer(e.orch, n0, addr(e.owner), value, feeCap)

	s := e.tickUntil(k, "insufficient funds at broadcast", func(s keeper.Status) bool { return len(s.Txs) > 0 })
	if tx := s.Txs[0]; tx.State != keeper.TxRejected || !strings.Contains(tx.Error, "insufficient funds") {
		t.Fatalf("attempt %+v; want rejected by the node for insufficient funds", tx)
	}
	if s.State != keeper.StateInsufficientFunds || !strings.Contains(s.Reason, "insufficient funds") {
		t.Fatalf("state %q reason %q; want %q with the reason", s.State, s.Reason, keeper.StateInsufficientFunds)
	}
	// The balance it reads looks sufficient, so attempts go on, but paced
	// by the backoff: the round is not lost, and the log says it once.
	e.tickUntil(k, "a second rejected attempt", func(s keeper.Status) bool { return len(s.Txs) > 1 })
	if errs := logs.at(slog.LevelError); len(errs) != 1 {
		t.Fatalf("ERROR logs %q; want one, when funds first fell short", errs)
	}
	if n := e.pendingNonce(addr(e.orch)); n != n0+1 {
		t.Fatalf("pending nonce %d, want %d: the node's transfer only", n, n0+1)
	}

	// The transfer is mined: now the balance read shows the shortfall, and
	// nothing is tried until it is covered.
	e.chain.ResumeMining()
	e.tickUntil(k, "shortfall visible in the balance", func(s keeper.Status) bool {
		return s.State == keeper.StateInsufficientFunds && strings.Contains(s.Reason, "waiting to be funded")
	})
	before := cc.prepares()
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := cc.prepares() - before; n != 0 {
		t.Fatalf("%d simulations while the balance is short, want none", n)
	}
	if _, err := e.dep.FundETH(e.ctx, e.owner, addr(e.orch), eth(1)); err != nil {
		t.Fatal(err)
	}
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" {
		t.Fatalf("round %d rewarded_by %q; want round %d by lpops", s.Round, s.RewardedBy, round)
	}
	if n := e.nonce(addr(e.orch)) - n0; n != 2 {
		t.Fatalf("%d transactions from the shared account, want 2 (the node's transfer and one reward)", n)
	}
	if errs := logs.at(slog.LevelError); len(errs) != 1 {
		t.Fatalf("ERROR logs %q; want exactly one", errs)
	}
}

func TestRevertedOnChainRetriedWithinRound(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 200})
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	round := e.nextActiveRound()
	e.chain.PauseMining()
	s := e.tickUntil(k, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	first := s.Txs[0]
	// The owner pauses the protocol in the same block, ahead of lpops'
	// transaction (higher tip): it passed simulation and reverts on chain.
	o, err := e.dep.TransactOpts(e.ctx, e.owner)
	if err != nil {
		t.Fatal(err)
	}
	o.GasTipCap, o.GasFeeCap = gwei(100), gwei(200)
	if _, err := e.dep.Contracts.Controller.Pause(o); err != nil {
		t.Fatal(err)
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "revert seen", func(s keeper.Status) bool { return s.Txs[0].State == keeper.TxReverted })
	if s.State != keeper.StateRetrying && s.State != keeper.StateWouldRevert {
		t.Fatalf("state %q (%s) after the revert, want a retry pending", s.State, s.Reason)
	}
	recs, err := k.History(1)
	if err != nil {
		t.Fatal(err)
	}
	if r := recs[0]; r.Attempts < 1 || !r.NextAttemptAt.After(first.SentAt) {
		t.Fatalf("record attempts %d next attempt %v; want a backoff after the revert", r.Attempts, r.NextAttemptAt)
	}
	// While paused the retry simulates, sees the revert coming, and sends nothing.
	e.tickUntil(k, "would revert", func(s keeper.Status) bool { return s.State == keeper.StateWouldRevert })
	if n := e.pendingNonce(addr(e.caller)); n != 1 {
		t.Fatalf("pending nonce %d while paused, want 1 (the reverted one)", n)
	}
	o, err = e.dep.TransactOpts(e.ctx, e.owner)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := e.dep.Contracts.Controller.Unpause(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.dep.Wait(e.ctx, tx); err != nil {
		t.Fatal(err)
	}
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" {
		t.Fatalf("round %d rewarded_by %q; want round %d by lpops", s.Round, s.RewardedBy, round)
	}
	states := map[string]int{}
	for _, tx := range s.Txs {
		states[tx.State]++
	}
	if len(s.Txs) != 2 || states[keeper.TxReverted] != 1 || states[keeper.TxMined] != 1 {
		t.Fatalf("txs %+v; want one reverted and one mined", s.Txs)
	}
	if lrr, err := e.dep.LastRewardRound(e.ctx, addr(e.orch)); err != nil || lrr != round {
		t.Fatalf("lastRewardRound %d (err %v), want %d", lrr, err, round)
	}
}

func TestWithoutLIP118(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), noLIP118: true})
	round := e.nextActiveRound()

	// A separate key can do nothing on such a deployment: it says so.
	k1, st := e.keeper(opts{signer: e.caller, grace: 1})
	s := e.tickUntil(k1, "cannot sign", func(s keeper.Status) bool { return s.State == keeper.StateCannotSign })
	if s.ChainOK == false || !strings.Contains(s.Reason, "neither the orchestrator nor its LIP-118 reward caller") {
		t.Fatalf("chain_ok %v reason %q; want the chain read and the signer explained", s.ChainOK, s.Reason)
	}
	if s.RewardCaller != (common.Address{}) {
		t.Fatalf("reward caller %s on a deployment without LIP-118, want none", s.RewardCaller)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 0 {
		t.Fatalf("the separate key sent %d transactions", n)
	}
	st.Close()

	// The orchestrator's own key calls reward().
	k2, _ := e.keeper(opts{signer: e.orch, grace: 1})
	s = e.tickUntil(k2, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" || s.RewardMethod != "reward" {
		t.Fatalf("round %d rewarded_by %q method %q; want round %d by lpops with reward()", s.Round, s.RewardedBy, s.RewardMethod, round)
	}
	if len(s.Txs) != 1 || s.Txs[0].Method != "reward" || s.Txs[0].State != keeper.TxMined {
		t.Fatalf("txs %+v, want one mined reward()", s.Txs)
	}
}

// TestWatchOnlySignerSimulatesButNeverSends is the read-only look of lpops
// status and lpops reward without --submit: the keystore read without its
// passphrase names the account, simulation works, nothing is sent.
func TestWatchOnlySignerSimulatesButNeverSends(t *testing.T) {
	e := newEnv(t, eth(1))
	path, err := signer.WriteKeystore(t.TempDir(), e.caller, "unused", true)
	if err != nil {
		t.Fatal(err)
	}
	watch, err := signer.Watch(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k := keeper.New(keeper.Config{
		Orchestrator: addr(e.orch), ChainID: devnet.ChainIDBig(), GraceBlocks: 1, MaxFee: big.NewInt(50e9),
		StuckAfter: time.Minute, PollInterval: time.Second, ActivePollInterval: 20 * time.Millisecond,
	}, keeper.Options{
		Chain: e.pool, Reader: livepeer.NewReader(e.pool, e.addrs, addr(e.orch), []common.Address{watch.Address()}, nil),
		Signer: watch, Records: keeper.NewRecords(st), Addrs: e.addrs,
	})
	round := e.nextActiveRound()
	s := e.tickUntil(k, "past the grace window", func(s keeper.Status) bool { return s.State == keeper.StateCannotSign && s.Round == round })
	if s.Mode != "act" || !strings.Contains(s.Reason, "read-only") || s.Signer != addr(e.caller) {
		t.Fatalf("mode %q signer %s reason %q; want act, the keystore's account, and the read-only look explained", s.Mode, s.Signer, s.Reason)
	}
	sim, err := k.Simulate(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sim.Round != round || sim.Method != "rewardForTranscoder" || !sim.Due || !sim.WouldSucceed {
		t.Fatalf("simulation %+v; want rewardForTranscoder due and succeeding in round %d", sim, round)
	}
	for i := 0; i < 10; i++ {
		k.Tick(e.ctx)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 0 {
		t.Fatalf("a watch-only signer sent %d transactions", n)
	}
}

// inflatedEstimate is an endpoint whose eth_estimateGas answers estimate,
// whatever the call.
type inflatedEstimate struct {
	*chain.Pool
	estimate uint64
}

func (c *inflatedEstimate) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	if err := c.Pool.BatchCall(ctx, b); err != nil {
		return err
	}
	for _, e := range b {
		if g, ok := e.Result.(*hexutil.Uint64); ok && e.Method == "eth_estimateGas" && e.Error == nil {
			*g = hexutil.Uint64(c.estimate)
		}
	}
	return nil
}

func TestGasEstimateAboveBoundNotSigned(t *testing.T) {
	e := newEnv(t, eth(1))
	est := uint64(keeper.MaxGasEstimate * 5)
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, chain: &inflatedEstimate{Pool: e.pool, estimate: est}})
	round := e.nextActiveRound()
	s := e.tickUntil(k, "gas above bound", func(s keeper.Status) bool { return s.State == keeper.StateGasAboveBound })
	if s.Round != round || !strings.Contains(s.Reason, strconv.FormatUint(est, 10)) {
		t.Fatalf("round %d reason %q; want round %d with the estimate %d named", s.Round, s.Reason, round, est)
	}
	for range 10 {
		k.Tick(e.ctx)
	}
	if s := k.Status(); len(s.Txs) != 0 || e.pendingNonce(addr(e.caller)) != 0 {
		t.Fatalf("%d transactions signed, pending nonce %d; want nothing signed on an absurd estimate", len(s.Txs), e.pendingNonce(addr(e.caller)))
	}
}

// TestObserveModeNeverBroadcastsASignedTransaction: act mode wrote a signed
// transaction and died before broadcasting it; restarted in observe mode,
// lpops tracks it but never broadcasts it (observe never sends).
func TestObserveModeNeverBroadcastsASignedTransaction(t *testing.T) {
	e := newEnv(t, eth(1))
	crash := &crashAfterWrite{Pool: e.pool}
	k1, st := e.keeper(opts{signer: e.caller, grace: 1, chain: crash})
	crash.st = st
	e.nextActiveRound()
	deadline := time.Now().Add(60 * time.Second)
	for !crash.crashed.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("keeper never reached the broadcast; status %+v", k1.Status())
		}
		k1.Tick(e.ctx)
	}
	k2, _ := e.keeper(opts{signer: e.caller, grace: 1, observe: true})
	for range 20 {
		k2.Tick(e.ctx)
	}
	// The pending nonce counts the pool too: a broadcast shows at once.
	if n := e.pendingNonce(addr(e.caller)); n != 0 {
		t.Fatalf("observe mode broadcast %d transaction(s)", n)
	}
}

// TestRewardMinedAtRoundEndIsNotCarriedIntoTheNext: lpops' reward of round R
// is mined in R's last blocks, and the keeper's next read is already in
// R+1, so R's pending transaction is carried over before its receipt is read.
// It must count for R (rewarded by lpops), and R+1's reward is still due:
// lpops rewards R+1 too, one transaction each.
func TestRewardMinedAtRoundEndIsNotCarriedIntoTheNext(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120})
	k, _ := e.keeper(opts{signer: e.caller, grace: 1})
	round := e.nextActiveRound()
	before := e.nonce(addr(e.caller))
	e.chain.PauseMining()
	s := e.tickUntil(k, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	sent := s.Txs[0].Hash
	e.chain.ResumeMining()
	var mined *types.Receipt
	for mined == nil {
		mined, _ = e.chain.Backend.Client().TransactionReceipt(e.ctx, sent)
		if e.ctx.Err() != nil {
			t.Fatal(e.ctx.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if lrr, err := e.dep.LastRewardRound(e.ctx, addr(e.orch)); err != nil || lrr != round {
		t.Fatalf("lastRewardRound %d (%v) after lpops' transaction, want %d: mined outside the round", lrr, err, round)
	}
	// No read until the next round has begun and been initialized.
	if err := e.dep.WaitForRound(e.ctx, round+1, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		t.Fatal(err)
	}
	s = e.tickUntil(k, "the next round rewarded", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round+1 })
	if s.RewardedBy != "lpops" || s.RewardTx == sent.Hex() {
		t.Fatalf("round %d: rewarded_by %q with %s; want lpops with a new transaction", round+1, s.RewardedBy, s.RewardTx)
	}
	recs, err := k.History(5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Round == round && (r.Outcome != keeper.OutcomeRewardedByLpops || r.RewardTx != sent.Hex()) {
			t.Fatalf("round %d: outcome %q reward_tx %s; want rewarded_by_lpops with %s", round, r.Outcome, r.RewardTx, sent.Hex())
		}
	}
	if n := e.nonce(addr(e.caller)) - before; n != 2 {
		t.Fatalf("%d transactions from lpops over two rounds, want 2", n)
	}
}
