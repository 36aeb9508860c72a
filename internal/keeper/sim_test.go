package keeper_test

// A simulated chain in virtual time: blocks land every blockTime of a fake
// clock, the keeper's Tick is called whenever its returned delay (plus an RPC
// latency) has passed, and what it broadcasts is mined at the next block. The
// round clock, the keeper's sleeps and its sends can so be measured in
// blocks, deterministically, for rounds of any length.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

// virtualClock is a fake clock the simulation advances.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// simTx is a transaction the simulated chain received.
type simTx struct {
	hash             common.Hash
	nonce            uint64
	sentHead         uint64 // L2 head when broadcast
	sentBlockNum     uint64 // blockNum() when broadcast
	round            uint64 // round when broadcast
	init             bool   // initializeRound, not reward
	minedHead        uint64 // 0 until mined
	minedBlockNum    uint64
	reverted         bool
	graceEndBlockNum uint64
}

// simChain is a Livepeer chain in virtual time. The L2 head advances every
// blockTime; blockNum() is offset + head/divisor (the L1 clock on
// Arbitrum-like chains).
type simChain struct {
	clock     *virtualClock
	start     time.Time
	blockTime time.Duration
	divisor   uint64
	roundLen  uint64
	grace     uint64
	// initDelay is how many blockNum blocks after a round's start it is
	// initialized (by the node).
	initDelay uint64
	// down makes every read fail while true, and so does a time in
	// [downFrom, downUntil).
	down                atomic.Bool
	downFrom, downUntil time.Time
	// After a stall, blocks resume at resume from stalledAt.
	stalledAt uint64
	resume    time.Time

	me        common.Address
	lastRward uint64 // lastRewardRound
	// initialized are the rounds an initializeRound transaction initialized.
	initialized map[uint64]bool
	mined       uint64 // account nonce mined
	txs         []*simTx
	reads       atomic.Int64
	// failPrepares fails that many send preparations (the batch with
	// eth_estimateGas) as a transport error.
	failPrepares int
	// readsAt are the times of the successful snapshot reads.
	readsAt []time.Time
}

func (c *simChain) head() uint64 {
	now := c.clock.Now()
	if now.Before(c.resume) {
		return c.stalledAt
	}
	if !c.resume.IsZero() {
		return c.stalledAt + uint64(now.Sub(c.resume)/c.blockTime)
	}
	return uint64(now.Sub(c.start) / c.blockTime)
}

// stall stops block production for d from now (the chain still answers).
func (c *simChain) stall(d time.Duration) {
	c.stalledAt = c.head()
	c.resume = c.clock.Now().Add(d)
}

func (c *simChain) blockNumAt(head uint64) uint64 { return head / c.divisor }

func (c *simChain) blockNum() uint64 { return c.blockNumAt(c.head()) }

// mine includes every broadcast transaction at the block after it was sent.
func (c *simChain) mine() {
	h := c.head()
	for _, t := range c.txs {
		if t.minedHead != 0 || h <= t.sentHead {
			continue
		}
		t.minedHead = t.sentHead + 1
		t.minedBlockNum = c.blockNumAt(t.minedHead)
		round := t.minedBlockNum / c.roundLen
		if t.init {
			if c.roundInitialized(t.minedBlockNum) {
				t.reverted = true
			} else {
				c.initialized[round] = true
			}
			c.mined = max(c.mined, t.nonce+1)
			continue
		}
		if round != t.round || c.lastRward >= round || !c.roundInitialized(t.minedBlockNum) {
			t.reverted = true
		} else {
			c.lastRward = round
		}
		c.mined = max(c.mined, t.nonce+1)
	}
}

var errSimDown = errors.New("connection refused")

var initializeRoundData, _ = livepeer.RoundsManagerABI.Pack("initializeRound")

// roundInitialized reports whether the round of blockNum bn is initialized
// at bn: by the node initDelay blocks after its start, or by lpops.
func (c *simChain) roundInitialized(bn uint64) bool {
	round := bn / c.roundLen
	return bn >= round*c.roundLen+c.initDelay || c.initialized[round]
}

func (c *simChain) isDown() bool {
	now := c.clock.Now()
	return c.down.Load() || !now.Before(c.downFrom) && now.Before(c.downUntil)
}

func (c *simChain) Snapshot(context.Context) (*livepeer.Snapshot, error) {
	c.reads.Add(1)
	if c.isDown() {
		return nil, errSimDown
	}
	c.readsAt = append(c.readsAt, c.clock.Now())
	c.mine()
	bn := c.blockNum()
	round := bn / c.roundLen
	s := &livepeer.Snapshot{
		BlockNum: bn, CurrentRound: round, RoundStartBlock: round * c.roundLen, RoundLength: c.roundLen,
		RoundInitialized: c.roundInitialized(bn), LastInitializedRound: round,
		Registered: true, Active: true, TotalStake: big.NewInt(1),
		Transcoder: livepeer.Transcoder{LastRewardRound: c.lastRward},
		Balances:   map[common.Address]*big.Int{c.me: eth(10)},
		Head:       c.head(), ReadAt: c.clock.Now(),
	}
	if !s.RoundInitialized {
		s.LastInitializedRound = round - 1
	}
	return s, nil
}

func (c *simChain) BatchCall(_ context.Context, b []rpc.BatchElem) error {
	if c.isDown() {
		return errSimDown
	}
	c.mine()
	for _, e := range b {
		if e.Method == "eth_estimateGas" && c.failPrepares > 0 {
			c.failPrepares--
			return errSimDown
		}
	}
	for i := range b {
		e := &b[i]
		var v any
		switch e.Method {
		case "eth_getTransactionCount":
			n := c.mined
			if e.Args[1] == "pending" {
				for _, t := range c.txs {
					n = max(n, t.nonce+1)
				}
			}
			v = hexutil.Uint64(n)
		case "eth_getTransactionReceipt":
			h := e.Args[0].(common.Hash)
			v = nil
			for _, t := range c.txs {
				if t.hash == h && t.minedHead != 0 {
					st := hexutil.Uint64(1)
					if t.reverted {
						st = 0
					}
					v = map[string]any{"status": st, "blockNumber": hexutil.Uint64(t.minedHead), "gasUsed": hexutil.Uint64(300000), "logs": []any{}}
				}
			}
		case "eth_call":
			v = hexutil.Bytes{}
		case "eth_estimateGas":
			v = hexutil.Uint64(300000)
		case "eth_getBlockByNumber":
			v = map[string]any{"baseFeePerGas": (*hexutil.Big)(big.NewInt(1e8))}
		case "eth_gasPrice", "eth_maxPriorityFeePerGas":
			v = (*hexutil.Big)(big.NewInt(1e8))
		case "eth_getBalance":
			v = (*hexutil.Big)(eth(10))
		case "eth_getLogs":
			v = []any{}
		default:
			return fmt.Errorf("simulated chain: unexpected %s", e.Method)
		}
		raw, _ := json.Marshal(v)
		if err := json.Unmarshal(raw, e.Result); err != nil {
			return fmt.Errorf("%s: %w", e.Method, err)
		}
	}
	return nil
}

func (c *simChain) Broadcast(_ context.Context, raw []byte) (common.Hash, error) {
	if c.isDown() {
		return common.Hash{}, errSimDown
	}
	var tx types.Transaction
	if err := tx.UnmarshalBinary(raw); err != nil {
		return common.Hash{}, err
	}
	bn := c.blockNum()
	c.txs = append(c.txs, &simTx{hash: tx.Hash(), nonce: tx.Nonce(), sentHead: c.head(), sentBlockNum: bn,
		round: bn / c.roundLen, graceEndBlockNum: bn/c.roundLen*c.roundLen + c.grace,
		init: bytes.Equal(tx.Data(), initializeRoundData)})
	return tx.Hash(), nil
}

// simKeeper is a keeper over a simulated chain.
type simKeeper struct {
	t     *testing.T
	chain *simChain
	clock *virtualClock
	k     *keeper.Keeper
	// latency is how long each tick's reads take, in virtual time.
	latency time.Duration
}

type simConfig struct {
	blockTime, poll, active, latency time.Duration
	divisor, roundLen, grace         uint64
	initDelay                        uint64
	// initAfter enables initialize_round with after_blocks initAfter.
	initAfter uint64
	initOn    bool
	// initWhenDue is initialize_round.when_reward_due.
	initWhenDue bool
}

func newSim(t *testing.T, sc simConfig) *simKeeper {
	t.Helper()
	k0, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	me := crypto.PubkeyToAddress(k0.PublicKey)
	clock := &virtualClock{t: time.Unix(1_700_000_000, 0)}
	c := &simChain{clock: clock, start: clock.Now(), blockTime: sc.blockTime, divisor: max(sc.divisor, 1),
		roundLen: sc.roundLen, grace: sc.grace, initDelay: sc.initDelay, me: me, initialized: map[uint64]bool{}}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k := keeper.New(keeper.Config{
		Orchestrator: me, ChainID: big.NewInt(1337), GraceBlocks: sc.grace, MaxFee: big.NewInt(50e9),
		StuckAfter: 3 * time.Minute, PollInterval: sc.poll, ActivePollInterval: sc.active,
		InitEnabled: sc.initOn, InitAfterBlocks: sc.initAfter, InitMaxFee: big.NewInt(50e9), InitWhenRewardDue: sc.initWhenDue,
	}, keeper.Options{
		Chain: c, Reader: c, Signer: signer.FromKey(k0, big.NewInt(1337)),
		Records: keeper.NewRecords(st), Addrs: livepeer.Addresses{BondingManager: common.HexToAddress("0xb0")}, Now: clock.Now,
	})
	return &simKeeper{t: t, chain: c, clock: clock, k: k, latency: sc.latency}
}

// run ticks the keeper as Run would until the chain's blockNum reaches
// until, and returns the delays it slept.
func (s *simKeeper) run(until uint64) {
	ctx := context.Background()
	for s.chain.blockNum() < until {
		s.clock.Advance(s.latency)
		d := s.k.Tick(ctx)
		if d <= 0 {
			s.t.Fatalf("tick returned a delay of %v", d)
		}
		s.clock.Advance(d)
	}
}

// TestRewardSentWithinTwoBlocksOfGraceEnd runs the keeper for ten 50-block
// rounds of 1-second blocks with grace_blocks 10, the node never rewarding,
// and measures, from lpops' own records (what /api/v1/rounds shows), the
// blockNum() blocks from the end of the grace window to the broadcast. A
// stall of the chain early on (no block for minutes) must not make the
// keeper oversleep later grace windows, nor must an active_poll_interval
// longer than a block.
func TestRewardSentWithinTwoBlocksOfGraceEnd(t *testing.T) {
	for _, tc := range []struct {
		Name    string
		Config  simConfig
		StallAt uint64
		Stall   time.Duration
	}{
		{Name: "OneSecondBlocks", Config: simConfig{blockTime: time.Second, active: 2 * time.Second}},
		{Name: "AfterFiveMinuteStall", Config: simConfig{blockTime: time.Second, active: 2 * time.Second}, StallAt: 30, Stall: 5 * time.Minute},
		{Name: "AfterOneMinuteStall", Config: simConfig{blockTime: time.Second, active: 2 * time.Second}, StallAt: 30, Stall: time.Minute},
		{Name: "ActivePollOfFiveBlocks", Config: simConfig{blockTime: time.Second, active: 5 * time.Second}},
		{Name: "L1ClockEveryFourL2Blocks", Config: simConfig{blockTime: 250 * time.Millisecond, divisor: 4, active: 2 * time.Second}, StallAt: 30, Stall: 5 * time.Minute},
		// The node initializes each round 25 blocks in (go-livepeer waits a
		// random delay of up to 30 s): with initialize_round enabled and
		// after_blocks at the grace end, lpops initializes the round and
		// rewards right after its initializeRound is mined.
		{Name: "NodeInitializesLateLpopsInitializes", Config: simConfig{blockTime: time.Second, active: 5 * time.Second, initDelay: 25, initOn: true, initAfter: 10}},
		// The same with the defaults (initialize_round.enabled false,
		// when_reward_due true): lpops initializes at the grace end because
		// its reward is due. Without when_reward_due it would reward 16
		// blocks late, after the node's initializeRound.
		{Name: "NodeInitializesLateDefaults", Config: simConfig{blockTime: time.Second, active: 5 * time.Second, initDelay: 25, initWhenDue: true}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			sc := tc.Config
			sc.poll, sc.latency, sc.roundLen, sc.grace = 5*time.Minute, 100*time.Millisecond, 50, 10
			s := newSim(t, sc)
			if tc.Stall > 0 {
				s.run(tc.StallAt)
				s.chain.stall(tc.Stall)
			}
			s.run(11 * 50)
			recs, err := s.k.History(20)
			if err != nil {
				t.Fatal(err)
			}
			rounds := 0
			for _, rec := range recs {
				if rec.Round == 0 || rec.Round >= 11 {
					continue
				}
				rounds++
				var sent []*keeper.Tx
				for _, tx := range rec.Txs {
					if tx.Kind == keeper.KindReward {
						sent = append(sent, tx)
					}
				}
				if len(sent) != 1 || sent[0].State != keeper.TxMined || rec.Outcome != keeper.OutcomeRewardedByLpops {
					t.Fatalf("round %d: %d reward transactions, outcome %q, want one mined by lpops", rec.Round, len(sent), rec.Outcome)
				}
				if late := int64(sent[0].SentBlockNum) - int64(rec.GraceEndBlockNum); late < 0 || late > 2 {
					t.Errorf("round %d: sent at blockNum %d, %d blocks after the grace window ended at %d; want at most 2",
						rec.Round, sent[0].SentBlockNum, late, rec.GraceEndBlockNum)
				}
			}
			if rounds != 10 {
				t.Fatalf("%d rounds recorded, want 10", rounds)
			}
		})
	}
}

// record returns the keeper's record of round.
func (s *simKeeper) record(round uint64) *keeper.Record {
	s.t.Helper()
	recs, err := s.k.History(50)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, r := range recs {
		if r.Round == round {
			return r
		}
	}
	s.t.Fatalf("no record of round %d", round)
	return nil
}
