package keeper_test

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// fleetMember is one orchestrator of a test fleet: its key, its signer (nil:
// the env's reward caller), and the chain it sends through (nil: the pool).
type fleetMember struct {
	orch   *ecdsa.PrivateKey
	signer *ecdsa.PrivateKey
	chain  keeper.Chain
	reader keeper.StateReader // nil: a livepeer.Reader on the pool
	// standby, when set, is the HA role check (keeper.Options.Standby).
	standby func() string
}

// fleet builds one keeper per member on one store, sharing a NonceBook per
// signing account as the daemon does, and a Fleet over them.
func (e *env) fleet(members []fleetMember, grace uint64, initAuto ...bool) (*keeper.Fleet, []*keeper.Keeper, *store.Store) {
	e.t.Helper()
	st, err := store.Open(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	f, ks := e.fleetOn(st, members, grace, initAuto...)
	return f, ks, st
}

// fleetOn builds a fleet as fleet does, on st: two fleets on one store are
// two HA instances sharing their records.
func (e *env) fleetOn(st *store.Store, members []fleetMember, grace uint64, initAuto ...bool) (*keeper.Fleet, []*keeper.Keeper) {
	e.t.Helper()
	records := keeper.NewRecords(st)
	books := map[common.Address]*keeper.NonceBook{}
	count := map[common.Address]int{}
	for i := range members {
		if members[i].signer == nil {
			members[i].signer = e.caller
		}
		count[addr(members[i].signer)]++
	}
	var keepers []*keeper.Keeper
	var readers keeper.Readers
	for _, m := range members {
		s := signer.FromKey(m.signer, devnet.ChainIDBig())
		var book *keeper.NonceBook
		if count[s.Address()] > 1 {
			if books[s.Address()] == nil {
				books[s.Address()] = keeper.NewNonceBook()
			}
			book = books[s.Address()]
		}
		c := m.chain
		if c == nil {
			c = e.pool
		}
		r := m.reader
		if r == nil {
			r = livepeer.NewReader(e.pool, e.addrs, addr(m.orch), []common.Address{s.Address()}, e.now.Now)
		}
		readers = append(readers, r)
		keepers = append(keepers, keeper.New(keeper.Config{
			Orchestrator: addr(m.orch), ChainID: devnet.ChainIDBig(),
			GraceBlocks: grace, MaxFee: big.NewInt(50e9), StuckAfter: 3 * time.Minute,
			InitEnabled: len(initAuto) > 0 && initAuto[0], InitAfterBlocks: 2, InitMaxFee: big.NewInt(50e9),
			PollInterval: max(time.Second, e.fleetActive), ActivePollInterval: cmp.Or(e.fleetActive, 20*time.Millisecond),
		}, keeper.Options{
			Chain: c, Reader: r, Signer: s, Records: records, Addrs: e.addrs, Now: e.now.Now, Nonces: book,
			Standby: m.standby,
		}))
	}
	return keeper.NewFleet(readers, keepers...), keepers
}

// tickFleetUntil ticks f until cond holds on its keepers' statuses, or fails.
func (e *env) tickFleetUntil(f *keeper.Fleet, what string, cond func([]keeper.Status) bool) []keeper.Status {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		f.Tick(e.ctx)
		var ss []keeper.Status
		for _, k := range f.Keepers() {
			ss = append(ss, k.Status())
		}
		if cond(ss) {
			return ss
		}
		if time.Now().After(deadline) {
			for i, s := range ss {
				e.t.Logf("keeper %d: state=%s reason=%q round=%d txs=%d", i, s.State, s.Reason, s.Round, len(s.Txs))
			}
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func allDone(round uint64) func([]keeper.Status) bool {
	return func(ss []keeper.Status) bool {
		for _, s := range ss {
			if s.Round != round || s.State != keeper.StateDone {
				return false
			}
		}
		return true
	}
}

// eachSentOne holds when every keeper has sent one transaction, not yet
// mined.
func eachSentOne(ss []keeper.Status) bool {
	for _, s := range ss {
		if len(s.Txs) != 1 || s.Txs[0].State != keeper.TxSent {
			return false
		}
	}
	return true
}

// rewardEvents counts the Reward events of orch on chain by round (the round
// of the block each landed in).
func (e *env) rewardEvents(orch common.Address) map[uint64]int {
	e.t.Helper()
	head, err := e.chain.Backend.Client().BlockNumber(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	evs, err := livepeer.RewardEvents(e.ctx, e.pool, e.addrs.BondingManager, orch, 0, head)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[uint64]int{}
	for _, ev := range evs {
		out[ev.Block/e.roundLen]++
	}
	return out
}

func TestFleetSharedCallerRewardsEachOnceWithNoncesInOrder(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	f, _, _ := e.fleet([]fleetMember{{orch: orchs[0]}, {orch: orchs[1]}, {orch: orchs[2]}}, 1)
	var rounds []uint64
	for range 3 {
		r := e.nextActiveRound()
		rounds = append(rounds, r)
		ss := e.tickFleetUntil(f, fmt.Sprintf("round %d rewarded for all three", r), allDone(r))
		var nonces []uint64
		for i, s := range ss {
			if s.RewardedBy != "lpops" {
				t.Fatalf("round %d keeper %d rewarded_by %q, want lpops", r, i, s.RewardedBy)
			}
			for _, tx := range s.Txs {
				if tx.State == keeper.TxMined {
					nonces = append(nonces, tx.Nonce)
				}
			}
		}
		if len(nonces) != 3 || nonces[1] != nonces[0]+1 || nonces[2] != nonces[1]+1 {
			t.Fatalf("round %d: mined nonces %v, want three consecutive in the fleet's order", r, nonces)
		}
	}
	if n := e.nonce(addr(e.caller)); n != 9 {
		t.Fatalf("the reward caller sent %d transactions, want 9 (3 orchestrators × 3 rounds)", n)
	}
	for i, o := range orchs {
		evs := e.rewardEvents(addr(o))
		for _, r := range rounds {
			if evs[r] != 1 {
				t.Errorf("orchestrator %d: %d Reward events in round %d, want 1 (all: %v)", i, evs[r], r, evs)
			}
		}
	}
}

// holdFirst swallows the first broadcast it is asked for (a transaction held
// back: accepted by an endpoint, never reaching a block producer) and
// passes the rest to the chain.
type holdFirst struct {
	keeper.Chain
	mu   sync.Mutex
	held int
}

func (c *holdFirst) Broadcast(ctx context.Context, raw []byte) (common.Hash, error) {
	c.mu.Lock()
	c.held++
	first := c.held == 1
	c.mu.Unlock()
	if first {
		return common.Hash{}, nil
	}
	return c.Chain.Broadcast(ctx, raw)
}

func TestFleetStuckTransactionBlocksNorDoublePaysOthers(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	f, _, _ := e.fleet([]fleetMember{{orch: orchs[0], chain: &holdFirst{Chain: e.pool}}, {orch: orchs[1]}, {orch: orchs[2]}}, 1)
	r := e.nextActiveRound()
	e.chain.PauseMining()
	ss := e.tickFleetUntil(f, "all three sent", func(ss []keeper.Status) bool {
		for _, s := range ss {
			if len(s.Txs) == 0 || s.Txs[len(s.Txs)-1].State != keeper.TxSent {
				return false
			}
		}
		return true
	})
	a, b, c := ss[0].Txs[0].Nonce, ss[1].Txs[0].Nonce, ss[2].Txs[0].Nonce
	if b != a+1 || c != a+2 {
		t.Fatalf("nonces A=%d B=%d C=%d: B and C must follow A's held nonce, not reuse it", a, b, c)
	}
	if pending := e.pendingNonce(addr(e.caller)); pending != a {
		// A's transaction never reached the pool: B's and C's wait queued
		// behind its nonce, so the pool's next nonce is still A's.
		t.Fatalf("pool's pending nonce %d, want %d (B and C queued behind A's held transaction)", pending, a)
	}
	e.now.Advance(4 * time.Minute) // A's transaction is stuck: replaced at its own nonce
	ss = e.tickFleetUntil(f, "A replaced", func(ss []keeper.Status) bool { return len(ss[0].Txs) >= 2 })
	for _, tx := range ss[0].Txs {
		if tx.Nonce != a {
			t.Fatalf("A's replacement took nonce %d, want its own %d", tx.Nonce, a)
		}
	}
	e.chain.ResumeMining()
	ss = e.tickFleetUntil(f, fmt.Sprintf("round %d rewarded for all three", r), allDone(r))
	for i, s := range ss {
		if s.RewardedBy != "lpops" {
			t.Errorf("keeper %d rewarded_by %q, want lpops", i, s.RewardedBy)
		}
		for _, tx := range s.Txs {
			if i > 0 && tx.Nonce == a {
				t.Errorf("keeper %d used A's nonce %d", i, a)
			}
		}
	}
	if n := e.nonce(addr(e.caller)); n != a+3 {
		t.Fatalf("the reward caller's nonce is %d, want %d: one transaction mined per orchestrator", n, a+3)
	}
	for i, o := range orchs {
		if evs := e.rewardEvents(addr(o)); evs[r] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want exactly 1 (all: %v)", i, evs[r], r, evs)
		}
	}
	// The next round goes on from the shared nonce, one reward each.
	r2 := e.nextActiveRound()
	e.tickFleetUntil(f, fmt.Sprintf("round %d rewarded for all three", r2), allDone(r2))
	for i, o := range orchs {
		if evs := e.rewardEvents(addr(o)); evs[r2] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want exactly 1 (all: %v)", i, evs[r2], r2, evs)
		}
	}
	if n := e.nonce(addr(e.caller)); n != a+6 {
		t.Fatalf("the reward caller's nonce is %d, want %d", n, a+6)
	}
}

func TestFleetOwnSignersEachRewardOnce(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 1})
	orchs := []*ecdsa.PrivateKey{e.orch, e.more[0]}
	f, _, _ := e.fleet([]fleetMember{{orch: orchs[0], signer: orchs[0]}, {orch: orchs[1], signer: orchs[1]}}, 1)
	r := e.nextActiveRound()
	ss := e.tickFleetUntil(f, "both rewarded", allDone(r))
	for i, s := range ss {
		if s.RewardedBy != "lpops" || s.Signer != addr(orchs[i]) {
			t.Errorf("keeper %d: rewarded_by %q signer %s, want lpops by the orchestrator itself", i, s.RewardedBy, s.Signer)
		}
		if evs := e.rewardEvents(addr(orchs[i])); evs[r] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want 1", i, evs[r], r)
		}
	}
	if n := e.nonce(addr(e.caller)); n != 0 {
		t.Fatalf("the reward caller sent %d transactions, want 0", n)
	}
}

// failingReader never reads.
type failingReader struct{}

func (failingReader) Snapshot(context.Context) (*livepeer.Snapshot, error) {
	return nil, errors.New("endpoint refused the batch")
}

func TestFleetOneUnreadableOrchestratorDoesNotStopTheOthers(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	f, ks, _ := e.fleet([]fleetMember{{orch: orchs[0]}, {orch: orchs[1], reader: failingReader{}}, {orch: orchs[2]}}, 1)
	r := e.nextActiveRound()
	ss := e.tickFleetUntil(f, "A and C rewarded", func(ss []keeper.Status) bool {
		return ss[0].Round == r && ss[0].State == keeper.StateDone && ss[2].Round == r && ss[2].State == keeper.StateDone
	})
	if ss[1].State != "chain_unreadable" || ss[1].ChainOK {
		t.Fatalf("B: state %q chain_ok %v, want chain_unreadable", ss[1].State, ss[1].ChainOK)
	}
	if ks[1].LastTick().IsZero() || f.LastTick().IsZero() {
		t.Fatal("LastTick not set for the unreadable keeper or the fleet")
	}
	if evs := e.rewardEvents(addr(orchs[1])); evs[r] != 0 {
		t.Fatalf("B rewarded %d times in round %d without a snapshot", evs[r], r)
	}
}

func TestFleetInitializesARoundOnce(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	f, _, _ := e.fleet([]fleetMember{{orch: orchs[0]}, {orch: orchs[1]}, {orch: orchs[2]}}, 4, true)
	r, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	r++
	if err := e.dep.WaitForRound(e.ctx, r, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	before := e.nonce(addr(e.caller))
	ss := e.tickFleetUntil(f, fmt.Sprintf("round %d initialized and rewarded for all three", r), allDone(r))
	inits := 0
	for _, s := range ss {
		for _, tx := range s.Txs {
			if tx.Kind == keeper.KindInitializeRound {
				inits++
				if tx.State != keeper.TxMined {
					t.Errorf("initializeRound %s: %s (%s)", tx.Hash.Hex(), tx.State, tx.Error)
				}
			}
		}
	}
	if inits != 1 {
		t.Fatalf("%d initializeRound transactions in the fleet, want 1", inits)
	}
	if n := e.nonce(addr(e.caller)) - before; n != 4 {
		t.Fatalf("the reward caller sent %d transactions, want 4 (one initializeRound, three rewards)", n)
	}
}

// TestFleetQuarantinedRecordStaysWithItsOrchestrator: three orchestrators on
// one reward caller have their rewards in a pool when A's round record is
// found corrupt after a restart. A waits on the transaction it may have sent
// (the pool holds a nonce no other orchestrator holds); B and C, whose
// nonces the book holds, go on; once mined, each is rewarded once.
func TestFleetQuarantinedRecordStaysWithItsOrchestrator(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	members := func() []fleetMember {
		return []fleetMember{{orch: orchs[0]}, {orch: orchs[1]}, {orch: orchs[2]}}
	}
	f, _, st := e.fleet(members(), 1)
	r := e.nextActiveRound()
	e.chain.PauseMining()
	ss := e.tickFleetUntil(f, "all three sent", eachSentOne)
	first := ss[0].Txs[0]
	// Restart on a store where A's record of the round is corrupt.
	bad := []byte(`{"orchestrator":"0x`)
	if err := st.PutRaw("keeper.rounds", store.Uint64Key(addr(orchs[0]).Bytes(), r), bad); err != nil {
		t.Fatal(err)
	}
	st.Close()
	f2, _, _ := e.fleet(members(), 1)
	ss = e.tickFleetUntil(f2, "A waiting on the unknown transaction", func(ss []keeper.Status) bool {
		return ss[0].State == keeper.StateUnknownInFlight
	})
	if q := ss[0].Quarantined; len(q) != 1 || q[0].Round != r || len(ss[1].Quarantined)+len(ss[2].Quarantined) != 0 {
		t.Fatalf("quarantined A %+v, B %+v, C %+v; want A's record of round %d only", q, ss[1].Quarantined, ss[2].Quarantined, r)
	}
	for range 5 {
		f2.Tick(e.ctx)
	}
	ss = e.tickFleetUntil(f2, "B and C pending", func(ss []keeper.Status) bool {
		return ss[1].State == keeper.StatePending && ss[2].State == keeper.StatePending
	})
	if len(ss[0].Txs) != 0 || e.pendingNonce(addr(e.caller)) != first.Nonce+3 {
		t.Fatalf("A signed %d transactions, pool's pending nonce %d; want none beside %s (pending %d)", len(ss[0].Txs), e.pendingNonce(addr(e.caller)), first.Hash.Hex(), first.Nonce+3)
	}
	e.chain.ResumeMining()
	ss = e.tickFleetUntil(f2, fmt.Sprintf("round %d settled for all three", r), allDone(r))
	if ss[0].RewardTx != first.Hash.Hex() {
		t.Errorf("A's reward tx %s, want its first %s found on chain", ss[0].RewardTx, first.Hash.Hex())
	}
	if n := e.nonce(addr(e.caller)); n != first.Nonce+3 {
		t.Fatalf("the reward caller's nonce is %d, want %d: one transaction per orchestrator", n, first.Nonce+3)
	}
	for i, o := range orchs {
		if evs := e.rewardEvents(addr(o)); evs[r] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want 1", i, evs[r], r)
		}
	}
}

// downReader fails while down is set.
type downReader struct {
	keeper.StateReader
	down atomic.Bool
}

func (r *downReader) Snapshot(ctx context.Context) (*livepeer.Snapshot, error) {
	if r.down.Load() {
		return nil, errors.New("connection refused")
	}
	return r.StateReader.Snapshot(ctx)
}

// TestFleetRunWakesOnRecoveryAndWake: a fleet whose reads fail backs off
// (here for an hour, its active interval); the pool's recovery notice
// (ChainRecovered) makes it read at once, and a keeper's Wake (the API's
// reward-now) makes the fleet tick.
func TestFleetRunWakesOnRecoveryAndWake(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 80, more: 1})
	e.fleetActive = time.Hour
	orchs := []*ecdsa.PrivateKey{e.orch, e.more[0]}
	var rs []*downReader
	var ms []fleetMember
	for _, o := range orchs {
		r := &downReader{StateReader: livepeer.NewReader(e.pool, e.addrs, addr(o), []common.Address{addr(e.caller)}, e.now.Now)}
		r.down.Store(true)
		rs = append(rs, r)
		ms = append(ms, fleetMember{orch: o, reader: r})
	}
	f, ks, _ := e.fleet(ms, 1)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	waitFor(t, "failed reads", func() bool {
		return ks[0].Status().State == "chain_unreadable" && ks[1].Status().State == "chain_unreadable"
	})
	for _, r := range rs {
		r.down.Store(false)
	}
	f.ChainRecovered()
	waitFor(t, "reads after the recovery", func() bool { return ks[0].Status().ChainOK && ks[1].Status().ChainOK })
	last := f.LastTick()
	ks[1].Wake()
	waitFor(t, "a tick after Wake", func() bool { return f.LastTick().After(last) })
}

// mineMidBatch answers the first armed batch that simulates a call
// (eth_estimateGas) in two parts: its first two elements, then, once mine
// has returned, the rest: a block landing while the node works through the
// batch.
type mineMidBatch struct {
	keeper.Chain
	armed atomic.Bool
	fired atomic.Bool
	mine  func()
}

func (c *mineMidBatch) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	simulates := slices.ContainsFunc(b, func(e rpc.BatchElem) bool { return e.Method == "eth_estimateGas" })
	if !simulates || len(b) < 3 || !c.armed.CompareAndSwap(true, false) {
		return c.Chain.BatchCall(ctx, b)
	}
	if err := c.Chain.BatchCall(ctx, b[:2]); err != nil {
		return err
	}
	c.mine()
	c.fired.Store(true)
	return c.Chain.BatchCall(ctx, b[2:])
}

// TestFleetQuarantinedRewardMinedMidPrepare: A's record is lost while its
// reward waits in the pool (behind it, B's and C's), so A waits on the pool.
// The block that mines all three lands while A's next prepare batch is being
// answered. A must see its reward done, not send a second one: the nonces
// are read before the simulation, so a simulation from before the block can
// never pair with nonces from after it.
func TestFleetQuarantinedRewardMinedMidPrepare(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	f, _, st := e.fleet([]fleetMember{{orch: orchs[0]}, {orch: orchs[1]}, {orch: orchs[2]}}, 1)
	r := e.nextActiveRound()
	e.chain.PauseMining()
	ss := e.tickFleetUntil(f, "all three sent", eachSentOne)
	first := ss[0].Txs[0]
	if err := st.PutRaw("keeper.rounds", store.Uint64Key(addr(orchs[0]).Bytes(), r), []byte(`{"orchestrator":"0x`)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	mid := &mineMidBatch{Chain: e.pool, mine: func() {
		e.chain.ResumeMining()
		deadline := time.Now().Add(30 * time.Second)
		for e.nonce(addr(e.caller)) < first.Nonce+3 {
			if time.Now().After(deadline) {
				t.Error("the three rewards were not mined")
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}}
	f2, _, _ := e.fleet([]fleetMember{{orch: orchs[0], chain: mid}, {orch: orchs[1]}, {orch: orchs[2]}}, 1)
	e.tickFleetUntil(f2, "A waiting on the unknown transaction", func(ss []keeper.Status) bool {
		return ss[0].State == keeper.StateUnknownInFlight
	})
	mid.armed.Store(true)
	e.now.Advance(time.Minute) // A's next attempt is due
	ss = e.tickFleetUntil(f2, fmt.Sprintf("round %d settled for all three", r), allDone(r))
	if !mid.fired.Load() {
		t.Fatal("no prepare batch of A's ran while its reward was mined")
	}
	if n := e.nonce(addr(e.caller)); n != first.Nonce+3 {
		t.Fatalf("the reward caller's nonce is %d, want %d: A sent a second reward", n, first.Nonce+3)
	}
	if ss[0].RewardTx != first.Hash.Hex() || len(ss[0].Txs) != 0 {
		t.Errorf("A's reward tx %s and %d transactions signed, want its first %s found on chain and none signed", ss[0].RewardTx, len(ss[0].Txs), first.Hash.Hex())
	}
	for i, o := range orchs {
		if evs := e.rewardEvents(addr(o)); evs[r] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want 1", i, evs[r], r)
		}
	}
}

// TestFleetTakeoverRefillsTheNonceBook: in HA mode a fleet that leads
// again after following learns, from the records, the nonces the other
// instance left open, before any keeper steps. Here the other instance sent
// C's reward (held back: it never reached the pool) and died; when this
// instance leads again, A and B, stepped before C, take fresh nonces after
// C's instead of C's own, and C's recorded transaction goes out at its
// nonce: one reward each, nonces in order.
func TestFleetTakeoverRefillsTheNonceBook(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120, more: 2})
	orchs := append([]*ecdsa.PrivateKey{e.orch}, e.more...)
	st, err := store.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// This instance leads round r1 and rewards all three: its book is
	// primed, and holds nothing open afterwards.
	var role atomic.Value
	role.Store("")
	standby := func() string { return role.Load().(string) }
	ours, _ := e.fleetOn(st, []fleetMember{{orch: orchs[0], standby: standby}, {orch: orchs[1], standby: standby}, {orch: orchs[2], standby: standby}}, 1)
	r1 := e.nextActiveRound()
	e.tickFleetUntil(ours, fmt.Sprintf("round %d rewarded for all three", r1), allDone(r1))

	// It loses the lease and follows.
	role.Store("follower: another instance leads")
	ours.Tick(e.ctx)

	// The other instance leads round r2. A's and B's reads fail there, so it
	// sends only C's reward, which its endpoint swallows; then it dies.
	r2 := e.nextActiveRound()
	e.chain.PauseMining()
	var theirs []fleetMember
	for i, o := range orchs {
		m := fleetMember{orch: o}
		if i < 2 {
			d := &downReader{StateReader: livepeer.NewReader(e.pool, e.addrs, addr(o), []common.Address{addr(e.caller)}, e.now.Now)}
			d.down.Store(true)
			m.reader = d
		} else {
			m.chain = &holdFirst{Chain: e.pool}
		}
		theirs = append(theirs, m)
	}
	other, _ := e.fleetOn(st, theirs, 1)
	ss := e.tickFleetUntil(other, "C's reward signed and sent by the other instance", func(ss []keeper.Status) bool {
		return len(ss[2].Txs) == 1 && ss[2].Txs[0].State == keeper.TxSent
	})
	c := ss[2].Txs[0]
	if pending := e.pendingNonce(addr(e.caller)); pending != c.Nonce {
		t.Fatalf("pool's pending nonce %d, want C's %d (its transaction was held back)", pending, c.Nonce)
	}

	// This instance leads again.
	role.Store("")
	ss = e.tickFleetUntil(ours, "A and B sent", func(ss []keeper.Status) bool {
		return len(ss[0].Txs) > 0 && len(ss[1].Txs) > 0
	})
	a, b := ss[0].Txs[0].Nonce, ss[1].Txs[0].Nonce
	if a == c.Nonce || b == c.Nonce || !(a == c.Nonce+1 && b == c.Nonce+2) {
		t.Fatalf("nonces A=%d B=%d with C's %d open: want A=%d B=%d, after the nonce the other instance left open",
			a, b, c.Nonce, c.Nonce+1, c.Nonce+2)
	}
	e.chain.ResumeMining()
	e.now.Advance(4 * time.Minute) // C's transaction is stuck: re-sent at its own nonce
	ss = e.tickFleetUntil(ours, fmt.Sprintf("round %d settled for all three", r2), allDone(r2))
	for i, s := range ss {
		for _, tx := range s.Txs {
			if i < 2 && tx.Nonce == c.Nonce {
				t.Errorf("keeper %d used C's nonce %d", i, c.Nonce)
			}
		}
	}
	if n := e.nonce(addr(e.caller)); n != c.Nonce+3 {
		t.Fatalf("the reward caller's nonce is %d, want %d: one transaction per orchestrator", n, c.Nonce+3)
	}
	for i, o := range orchs {
		if evs := e.rewardEvents(addr(o)); evs[r2] != 1 {
			t.Errorf("orchestrator %d: %d Reward events in round %d, want 1 (all: %v)", i, evs[r2], r2, evs)
		}
	}
}
