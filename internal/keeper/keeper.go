package keeper

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// Chain is what the keeper needs of the endpoint pool.
type Chain interface {
	BatchCall(ctx context.Context, b []rpc.BatchElem) error
	Broadcast(ctx context.Context, raw []byte) (common.Hash, error)
}

// StateReader reads protocol snapshots; *livepeer.Reader satisfies it.
type StateReader interface {
	Snapshot(ctx context.Context) (*livepeer.Snapshot, error)
}

// TxSigner signs transactions; *signer.Signer satisfies it.
type TxSigner interface {
	Address() common.Address
	Sign(tx *types.Transaction) (*types.Transaction, error)
}

// Config is the keeper's part of the lpops configuration, in chain units.
type Config struct {
	Orchestrator common.Address
	ChainID      *big.Int
	// Observe only reports; it never sends.
	Observe     bool
	GraceBlocks uint64
	MaxFee      *big.Int // wei per gas, hard cap
	MaxTip      *big.Int // wei per gas; nil = no cap beyond MaxFee
	StuckAfter  time.Duration

	InitEnabled     bool
	InitAfterBlocks uint64
	// InitWhenRewardDue initializes a round nobody initialized once the
	// orchestrator's reward is due (the grace end), even with InitEnabled
	// off: a reward cannot be called before, and go-livepeer initializes
	// after a random delay (up to 30 s), which made lpops reward late.
	InitWhenRewardDue bool
	InitMaxFee        *big.Int

	PollInterval       time.Duration
	ActivePollInterval time.Duration
}

// Keeper performs the round duties of one orchestrator.
type Keeper struct {
	cfg     Config
	chain   Chain
	reader  StateReader
	signer  TxSigner // nil: cannot send
	records *Records
	addrs   livepeer.Addresses
	now     func() time.Time
	log     *slog.Logger
	m       *Metrics
	standby func() string
	// rewardLogs is the fleet's shared Reward-event lookup (nil: alone).
	rewardLogs *rewardLogs
	// lookups counts the later looks for the node's reward transaction of
	// the current round (retryRewardLookup).
	lookups map[uint64]int
	// nonces is shared by the keepers of one signing account (nil: this
	// keeper's signer is its own).
	nonces *NonceBook
	// inits is the fleet's claim on initializing each round (nil alone).
	inits *initClaims

	clock blockClock
	wake  chan struct{}
	// prevHead is the chain head of the previous successful read: a new
	// round's Reward event can only lie after it.
	prevHead uint64

	// last is the latest snapshot read (at lastAt), which bounds the read
	// backoff by the time left in its round.
	last   *livepeer.Snapshot
	lastAt time.Time
	// readTook is how long a snapshot read takes, smoothed over the last
	// few: one round trip to the chain, the unit of a send's latency.
	readTook time.Duration
	// unreadable is set while reads fail, so ChainRecovered wakes Run only
	// when it backs off (it is called from the endpoint pool's goroutines).
	unreadable atomic.Bool

	mu       sync.Mutex
	status   Status
	failures int
	lastTick time.Time
}

// LastTick is when the keeper last finished a tick (the systemd watchdog
// uses it to tell a stalled loop from a long legitimate sleep).
func (k *Keeper) LastTick() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lastTick
}

// Options are the keeper's collaborators.
type Options struct {
	Chain   Chain
	Reader  StateReader
	Signer  TxSigner
	Records *Records
	Addrs   livepeer.Addresses
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *Metrics
	// Standby, when set, is asked at every tick whether this instance must
	// stand by (HA mode: another instance leads): a non-empty answer says
	// why. A standby tick reads the chain and the round's record, reports
	// them, and neither decides, writes nor sends.
	Standby func() string
	// Nonces, when set, is the book of the nonces held open by every keeper
	// that signs with the same account (a Fleet's shared reward caller).
	Nonces *NonceBook
}

// New returns a Keeper.
func New(cfg Config, o Options) *Keeper {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	k := &Keeper{
		cfg: cfg, chain: o.Chain, reader: o.Reader, signer: o.Signer, records: o.Records,
		addrs: o.Addrs, now: o.Now, log: o.Logger.With("component", "keeper"), m: o.Metrics,
		wake: make(chan struct{}, 1), standby: o.Standby, nonces: o.Nonces,
	}
	k.m.init(cfg.Orchestrator)
	k.status.Orchestrator = cfg.Orchestrator
	k.status.Mode = "act"
	if cfg.Observe {
		k.status.Mode = "observe"
	}
	if o.Signer != nil {
		k.status.Signer = o.Signer.Address()
	}
	return k
}

// Run ticks until ctx ends.
func (k *Keeper) Run(ctx context.Context) error {
	for {
		d := k.Tick(ctx)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-k.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// ChainRecovered makes Run read now if its reads were failing: the endpoint
// pool calls it when an endpoint answers again (chain.Pool.OnRecover), so
// the keeper resumes as soon as the chain does, not when its backoff ends.
func (k *Keeper) ChainRecovered() {
	if k.unreadable.Load() {
		k.log.Info("rpc endpoint answers again; reading the chain now")
		k.Wake()
	}
}

// Wake makes Run tick now (used by the API and tests).
func (k *Keeper) Wake() {
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// Tick reads the chain once, acts if a duty is due, and returns how long to
// sleep before the next tick.
func (k *Keeper) Tick(ctx context.Context) time.Duration {
	defer k.ticked()
	readStart := k.now()
	snap, err := k.reader.Snapshot(ctx)
	if err != nil {
		k.m.readErrors.Inc()
		return k.readFailed(err)
	}
	k.noteRead(k.now().Sub(readStart))
	return k.step(ctx, snap)
}

// ticked marks the end of a tick (LastTick).
func (k *Keeper) ticked() {
	k.mu.Lock()
	k.lastTick = time.Now()
	k.mu.Unlock()
}

// noteRead folds how long a snapshot read took into the smoothed read time.
func (k *Keeper) noteRead(took time.Duration) {
	if k.readTook == 0 {
		k.readTook = took
	} else {
		k.readTook = (3*k.readTook + took) / 4
	}
}

// step acts on a snapshot read for this keeper's orchestrator: it settles,
// decides, sends and saves the round record, and returns how long to sleep
// before the next tick. Tick reads the snapshot itself; a Fleet reads every
// orchestrator's at once and steps each keeper with its own.
func (k *Keeper) step(ctx context.Context, snap *livepeer.Snapshot) time.Duration {
	k.failures = 0
	k.unreadable.Store(false)
	k.last, k.lastAt = snap, k.now()
	k.clock.observe(snap.BlockNum, k.now())
	k.m.observeSnapshot(snap, k.cfg.Orchestrator)
	if k.standby != nil {
		if why := k.standby(); why != "" {
			return k.standbyTick(snap, why)
		}
	}

	if err := k.finalizeOlder(ctx, snap); err != nil {
		k.log.Error("finalize earlier rounds", "err", err)
	}
	rec, err := k.current(snap)
	k.noteQuarantine()
	if err != nil {
		k.log.Error("load round record", "round", snap.CurrentRound, "err", err)
		k.setStatus(snap, nil, err)
		return k.cfg.ActivePollInterval
	}
	// Receipts first: a reward lpops sent that landed before this snapshot
	// must be credited to lpops, not the node.
	if err := k.reconcile(ctx, rec, snap); err != nil {
		k.log.Warn("check transactions", "round", rec.Round, "err", err)
	}
	k.observe(ctx, rec, snap)
	if !rec.final() {
		k.decide(ctx, rec, snap)
	}
	if err := k.records.Save(rec); err != nil {
		k.log.Error("save round record", "round", rec.Round, "err", err)
	}
	k.holdNonces(rec)
	k.setStatus(snap, rec, nil)
	k.prevHead = snap.Head
	return k.nextDelay(rec, snap)
}

// standbyTick reports the round as the leader recorded it (or as the chain
// shows it, before the leader wrote a record), writing nothing.
func (k *Keeper) standbyTick(snap *livepeer.Snapshot, why string) time.Duration {
	rec, err := k.records.Load(k.cfg.Orchestrator, snap.CurrentRound)
	if err != nil {
		k.log.Warn("read the leader's round record", "round", snap.CurrentRound, "err", err)
	}
	if rec == nil {
		rec = &Record{Orchestrator: k.cfg.Orchestrator, Round: snap.CurrentRound,
			StartBlock: snap.RoundStartBlock, Length: snap.RoundLength, State: StateStandby}
	}
	if rec.State == "" || !rec.final() && rec.State != StatePending {
		rec.State = StateStandby
	}
	rec.Reason = why
	k.setStatus(snap, rec, nil)
	k.prevHead = snap.Head
	return k.nextDelay(rec, snap)
}

func (k *Keeper) readFailed(err error) time.Duration {
	k.failures++
	k.log.Warn("cannot read chain state", "err", err, "consecutive_failures", k.failures)
	k.mu.Lock()
	k.status.ChainOK = false
	k.status.LastError = err.Error()
	k.status.State = "chain_unreadable"
	k.status.Reason = "cannot read the chain: " + err.Error() + " (not counted as a missed round)"
	k.mu.Unlock()
	k.unreadable.Store(true)
	active := k.cfg.ActivePollInterval
	d := min(active<<min(k.failures-1, 6), k.cfg.PollInterval)
	// Never back off more than a tenth of what is left of the round: an
	// outage late in a round must leave time to read, and send, once the
	// chain answers (the endpoint pool's recovery also wakes Run).
	if left, ok := k.timeLeftInRound(); ok {
		d = min(d, left/10)
	}
	return max(d, active)
}

// timeLeftInRound estimates how long the current round lasts from now, from
// the last snapshot read and the block clock; false when unknown. Once the
// estimate passes that round's end, it counts in the rounds that followed.
func (k *Keeper) timeLeftInRound() (time.Duration, bool) {
	per := k.clock.PerBlock()
	if k.last == nil || per <= 0 || k.last.RoundLength == 0 {
		return 0, false
	}
	round := time.Duration(k.last.RoundLength) * per
	left := time.Duration(k.last.RoundEndBlock()-min(k.last.BlockNum, k.last.RoundEndBlock()))*per - k.now().Sub(k.lastAt)
	if left <= 0 {
		left = round - (-left)%round
	}
	return left, true
}

// current loads or creates the record of the snapshot's round.
func (k *Keeper) current(snap *livepeer.Snapshot) (*Record, error) {
	rec, err := k.records.Load(k.cfg.Orchestrator, snap.CurrentRound)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		rec = &Record{
			Orchestrator: k.cfg.Orchestrator, Round: snap.CurrentRound,
			StartBlock: snap.RoundStartBlock, Length: snap.RoundLength, FirstSeen: k.now(),
			LastSeenUnrewardedHead: k.prevHead,
		}
		prev, err := k.carryOver(rec)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			// One store transaction: the old round's transaction marked
			// replaced and the new round's copy land together. Saved apart,
			// a crash between the two would leave a transaction that may
			// still be mined tracked by neither record, and the restart
			// would take a fresh nonce behind it.
			if err := k.records.SaveAll(prev, rec); err != nil {
				return nil, fmt.Errorf("carry over round %d's pending transactions: %w", prev.Round, err)
			}
		}
		k.log.Info("new round", "round", rec.Round, "start_block", rec.StartBlock, "length", rec.Length, "block_num", snap.BlockNum)
	}
	rec.LastSeen = k.now()
	return rec, nil
}

// noteQuarantine publishes the round records set aside as unreadable in the
// status (the duty probe's StateCorrupt alert), logging each new one once.
func (k *Keeper) noteQuarantine() {
	q, err := k.records.Quarantined(k.cfg.Orchestrator)
	if err != nil {
		k.log.Warn("list quarantined round records", "err", err)
		return
	}
	k.mu.Lock()
	known := len(k.status.Quarantined)
	k.status.Quarantined = q
	k.mu.Unlock()
	for _, c := range q[min(known, len(q)):] {
		k.log.Error("round record unreadable: set aside in the store's quarantine, going on from chain state",
			"round", c.Round, "bytes", c.Bytes, "err", c.Error)
	}
}

// nearQuarantine reports whether a record of round, or of the round before
// (whose pending transactions round's record would hold), was quarantined:
// lpops may have a transaction in flight it no longer knows.
func (k *Keeper) nearQuarantine(round uint64) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range k.status.Quarantined {
		if c.Round == round || c.Round+1 == round {
			return true
		}
	}
	return false
}

// carryOver moves transactions of the previous round that may still be mined
// into rec: if one lands now it acts in this round, and new attempts must
// replace it rather than add a second. It returns the previous round's
// record when it changed it; the caller saves both together.
func (k *Keeper) carryOver(rec *Record) (*Record, error) {
	prev, err := k.records.Recent(k.cfg.Orchestrator, 1)
	if err != nil || len(prev) == 0 || prev[0].Round >= rec.Round {
		return nil, err
	}
	p := prev[0]
	moved := false
	for _, t := range p.Txs {
		if t.inFlight() {
			c := *t
			rec.Txs = append(rec.Txs, &c)
			t.State = TxReplaced
			t.Error = fmt.Sprintf("carried over to round %d while pending", rec.Round)
			moved = true
		}
	}
	if !moved {
		return nil, nil
	}
	return p, nil
}

// finalizeOlder settles earlier rounds that ended without an outcome.
func (k *Keeper) finalizeOlder(ctx context.Context, snap *livepeer.Snapshot) error {
	recent, err := k.records.Recent(k.cfg.Orchestrator, 4)
	if err != nil {
		return err
	}
	for _, r := range recent {
		if r.Round >= snap.CurrentRound || r.final() {
			continue
		}
		lrr := snap.Transcoder.LastRewardRound
		switch {
		case r.minedReward() != nil:
			k.settleRewarded(ctx, r, snap, OutcomeRewardedByLpops)
		case !r.WasActive:
			r.Outcome = OutcomeInactive
		case lrr == r.Round:
			k.settleRewarded(ctx, r, snap, OutcomeRewardedByNode)
		case lrr > r.Round:
			// Rewarded again since; whether round r was rewarded is no longer
			// readable from state. Don't guess.
			r.Outcome = OutcomeUnknown
			r.Reason = fmt.Sprintf("lpops did not read the chain between the end of round %d and a later reward", r.Round)
		default:
			r.Outcome = OutcomeMissed
			if r.Reason == "" {
				r.Reason = "round ended without a reward"
			}
			k.log.Error("reward missed", "round", r.Round, "last_state", r.State, "reason", r.Reason)
		}
		r.State = StateDone
		k.m.countRound(k.cfg.Orchestrator, r.Outcome)
		if err := k.records.Save(r); err != nil {
			return err
		}
	}
	return nil
}

// observe folds what the snapshot shows into the record.
func (k *Keeper) observe(ctx context.Context, rec *Record, snap *livepeer.Snapshot) {
	rec.Initialized = snap.RoundInitialized
	rec.GraceEndBlockNum = snap.RoundStartBlock + k.cfg.GraceBlocks
	if snap.Active {
		rec.WasActive = true
	}
	if rec.final() {
		k.retryRewardLookup(ctx, rec, snap)
		return
	}
	if !snap.Rewarded() {
		rec.LastSeenUnrewardedHead = snap.Head
		return
	}
	if !rec.WasActive {
		// lastRewardRound >= currentRound while never active: the
		// registration round, where nothing is due.
		return
	}
	by := OutcomeRewardedByNode
	if rec.minedReward() != nil {
		by = OutcomeRewardedByLpops
	}
	k.settleRewarded(ctx, rec, snap, by)
	k.m.countRound(k.cfg.Orchestrator, rec.Outcome)
}

// settleRewarded records who rewarded the round and, for the node, finds its
// transaction in the logs since lpops last saw the round unrewarded.
func (k *Keeper) settleRewarded(ctx context.Context, rec *Record, snap *livepeer.Snapshot, outcome string) {
	rec.Outcome = outcome
	rec.State = StateDone
	rec.Reason = ""
	rec.RewardSeenAt = snap.ReadAt
	if t := rec.minedReward(); t != nil && outcome == OutcomeRewardedByLpops {
		rec.RewardedBy = "lpops"
		rec.RewardTx = t.Hash.Hex()
		rec.RewardBlock = t.Block
		k.log.Info("reward called by lpops", "round", rec.Round, "tx", t.Hash, "amount", rec.RewardAmount)
		return
	}
	rec.RewardedBy = "node"
	if !k.records.Available() {
		// Without lpops' own transaction history, who called is unknown.
		rec.RewardedBy = ""
	}
	if k.findNodeReward(ctx, rec, snap) {
		return
	}
	k.log.Info("reward called by the node", "round", rec.Round, "tx", rec.RewardTx)
}

// findNodeReward looks for the Reward event of a round someone else rewarded,
// in the logs since lpops last saw it unrewarded, and records its
// transaction. It reports whether the transaction was lpops' own after all
// (settled before its receipt was read: mined just before a round change, or
// a kill), in which case the round is credited to lpops.
func (k *Keeper) findNodeReward(ctx context.Context, rec *Record, snap *livepeer.Snapshot) bool {
	if rec.LastSeenUnrewardedHead == 0 || snap.Head < rec.LastSeenUnrewardedHead {
		return false
	}
	evs, err := k.rewardEvents(ctx, rec.LastSeenUnrewardedHead, snap.Head)
	if err != nil {
		k.log.Warn("find the node's reward transaction", "round", rec.Round, "err", err)
		return false
	}
	if len(evs) == 0 {
		return false
	}
	ev := evs[len(evs)-1]
	rec.RewardTx = ev.TxHash.Hex()
	rec.RewardAmount = (*Wei)(ev.Amount)
	rec.RewardBlock = ev.Block
	for _, t := range rec.Txs {
		if t.Kind == KindReward && t.Hash == ev.TxHash {
			rec.Outcome, rec.RewardedBy = OutcomeRewardedByLpops, "lpops"
			k.log.Info("reward called by lpops", "round", rec.Round, "tx", ev.TxHash, "amount", rec.RewardAmount)
			return true
		}
	}
	return false
}

// rewardLookupTries bounds how many later reads look again for the node's
// Reward event when the lookup at settling found none: a provider's log
// index can lag the state it serves (anvil's can, by a block), so the event
// may show up a read or two later.
const rewardLookupTries = 5

// retryRewardLookup looks again for the transaction of a round the node
// rewarded when none was found yet, at most rewardLookupTries times a round.
func (k *Keeper) retryRewardLookup(ctx context.Context, rec *Record, snap *livepeer.Snapshot) {
	if rec.Outcome != OutcomeRewardedByNode || rec.RewardTx != "" || rec.Round != snap.CurrentRound {
		return
	}
	if k.lookups == nil {
		k.lookups = map[uint64]int{}
	}
	for r := range k.lookups {
		if r != rec.Round {
			delete(k.lookups, r)
		}
	}
	if k.lookups[rec.Round] >= rewardLookupTries {
		return
	}
	k.lookups[rec.Round]++
	if !k.findNodeReward(ctx, rec, snap) && rec.RewardTx != "" {
		k.log.Info("found the node's reward transaction", "round", rec.Round, "tx", rec.RewardTx)
	}
}

// decide acts on the round's duties.
func (k *Keeper) decide(ctx context.Context, rec *Record, snap *livepeer.Snapshot) {
	now := k.now()
	due := !now.Before(rec.NextAttemptAt)
	canSend := k.canSend()

	initDue := k.cfg.InitEnabled && snap.BlockNum >= snap.RoundStartBlock+k.cfg.InitAfterBlocks
	if k.cfg.InitWhenRewardDue && snap.Active && snap.BlockNum >= snap.RoundStartBlock+k.cfg.GraceBlocks {
		initDue = true
	}
	if !snap.RoundInitialized && initDue && canSend && k.initClaimedByOther(snap.CurrentRound) {
		// A fleet initializes a round once: the keeper that first decided
		// to (initClaims) does it and retries it; the others wait for it.
		initDue = false
	}
	if !snap.RoundInitialized && initDue && canSend {
		inflight := rec.inFlight(KindInitializeRound)
		if len(inflight) > 0 && !k.stuck(inflight) {
			rec.State = StatePending
			rec.Reason = "initializeRound transaction pending"
			return
		}
		// The gate comes before the state: while a shortfall or a backoff
		// holds, the status keeps saying why.
		if !k.ready(rec, snap, KindInitializeRound, due) {
			return
		}
		rec.State = StateWaitingInit
		rec.Reason = fmt.Sprintf("round %d not initialized %d blocks after its start; initializing it", snap.CurrentRound, snap.BlockNum-snap.RoundStartBlock)
		data, _ := livepeer.RoundsManagerABI.Pack("initializeRound")
		k.send(ctx, rec, snap, KindInitializeRound, "initializeRound", k.addrs.RoundsManager, data, k.cfg.InitMaxFee)
		return
	}
	// Active decides: an orchestrator that unbonded everything during the
	// round is no longer registered but stays active, and owed its reward,
	// until the round ends.
	if !snap.Active {
		rec.State, rec.Reason = StateNotActive, "orchestrator is not active this round: no reward due"
		if !snap.Registered {
			rec.State, rec.Reason = StateNotRegistered, "orchestrator is not registered: no reward due"
		}
		return
	}
	if !snap.RoundInitialized {
		rec.State = StateWaitingInit
		rec.Reason = fmt.Sprintf("round %d not initialized (block %d, started at %d); reward cannot be called before", snap.CurrentRound, snap.BlockNum, snap.RoundStartBlock)
		if canSend && !k.cfg.InitEnabled && !k.cfg.InitWhenRewardDue && snap.BlockNum >= snap.RoundStartBlock+k.cfg.GraceBlocks {
			// The usual reason lpops rewards late: the node initializes
			// rounds after a random delay (go-livepeer: up to 30 s).
			rec.Reason += "; the grace window is over and initialize_round is disabled (enabled and when_reward_due both false), so lpops waits for someone else to initialize it"
		}
		return
	}
	if rec.minedReward() != nil {
		rec.State, rec.Reason = StatePending, "reward transaction mined; waiting to read lastRewardRound"
		return
	}
	inflight := rec.inFlight(KindReward)
	if len(inflight) > 0 && !k.stuck(inflight) {
		rec.State = StatePending
		rec.Reason = fmt.Sprintf("reward transaction %s pending", inflight[len(inflight)-1].Hash.Hex())
		return
	}
	graceEnd := snap.RoundStartBlock + k.cfg.GraceBlocks
	if snap.BlockNum < graceEnd && len(inflight) == 0 {
		rec.State = StateWaitingGrace
		rec.Reason = fmt.Sprintf("node's turn until block %d (%d blocks left)", graceEnd, graceEnd-snap.BlockNum)
		return
	}
	if !canSend {
		rec.State = StateObserving
		rec.Reason = fmt.Sprintf("reward not called %d blocks into round %d", snap.BlockNum-snap.RoundStartBlock, snap.CurrentRound)
		switch {
		case k.signer == nil && !k.cfg.Observe:
			rec.State = StateCannotSign
			rec.Reason += "; no signer configured"
		case k.watchOnly():
			rec.State = StateCannotSign
			rec.Reason += "; a read-only look (keystore read without its passphrase) sends nothing: 'lpops run' or 'lpops reward --submit' sends"
		}
		return
	}
	method, to, data, err := k.rewardCall(snap)
	if err != nil {
		rec.State, rec.Reason = StateCannotSign, err.Error()
		return
	}
	if !k.ready(rec, snap, KindReward, due) {
		return
	}
	if left, need := k.inclusionMargin(snap); left <= need {
		rec.State = StateTooLate
		rec.Reason = fmt.Sprintf("too late in round %d: %d blocks left, inclusion needs ~%d; a reward mined in the next round would revert, so none is sent",
			snap.CurrentRound, left, need)
		k.log.Warn("not sending: too late in the round", "round", snap.CurrentRound, "blocks_left", left, "blocks_needed", need)
		return
	}
	k.send(ctx, rec, snap, KindReward, method, to, data, k.cfg.MaxFee)
}

// inclusionMargin returns the blockNum() blocks left in the snapshot's round
// and how many a reward sent now needs to be mined within it: two for
// inclusion (the next block, and one to spare), plus the send's own latency
// (about two round trips: the simulation batch and the broadcast) in blocks
// of the block clock, but never more than a tenth of the round: a slow
// moment of the host must not cost a round that still has room.
func (k *Keeper) inclusionMargin(snap *livepeer.Snapshot) (left, need uint64) {
	if end := snap.RoundEndBlock(); end > snap.BlockNum {
		left = end - snap.BlockNum
	}
	need = 2
	if per := k.clock.PerBlock(); per > 0 {
		need += uint64((2*k.readTook + per - 1) / per)
	}
	return left, min(need, max(2, snap.RoundLength/10))
}

// canSend reports whether this keeper may send at all: act mode, with a
// signer that holds its key.
func (k *Keeper) canSend() bool {
	return !k.cfg.Observe && k.signer != nil && !k.watchOnly()
}

// watchOnly reports a signer that names its account but holds no key (a
// keystore read without its passphrase, for a read-only look).
func (k *Keeper) watchOnly() bool {
	c, ok := k.signer.(interface{ CanSign() bool })
	return ok && !c.CanSign()
}

// rewardCall picks reward() or LIP-118's rewardForTranscoder(orch).
func (k *Keeper) rewardCall(snap *livepeer.Snapshot) (method string, to common.Address, data []byte, err error) {
	me := k.signer.Address()
	to = k.addrs.BondingManager
	switch {
	case me == k.cfg.Orchestrator:
		data, err = livepeer.BondingManagerABI.Pack("reward")
		return "reward", to, data, err
	case snap.LIP118 && snap.RewardCaller == me:
		data, err = livepeer.BondingManagerABI.Pack("rewardForTranscoder", k.cfg.Orchestrator)
		return "rewardForTranscoder", to, data, err
	default:
		return "", to, nil, fmt.Errorf("signer %s is neither the orchestrator nor its LIP-118 reward caller (transcoderToRewardCaller = %s)", me, snap.RewardCaller)
	}
}

// ready reports whether an attempt of kind may be sent now. While the
// balance is short of what the last attempt of kind needed, it says so in the
// record and sends nothing (no simulation, no pricing: not a request more);
// it lets the keeper resume as soon as the balance covers the shortfall, and
// otherwise once a backoff has run out.
func (k *Keeper) ready(rec *Record, snap *livepeer.Snapshot, kind string, due bool) bool {
	if rec.FundsNeeded != nil && rec.FundsKind == kind {
		me := k.signer.Address()
		bal := snap.Balances[me]
		if bal == nil || bal.Cmp(rec.FundsNeeded.Int()) < 0 {
			rec.State = StateInsufficientFunds
			rec.Reason = fmt.Sprintf("insufficient funds: account %s needs %s wei for %s, has %s wei; waiting to be funded",
				me, rec.FundsNeeded.Int(), kind, bigStr(bal))
			return false
		}
		if due && rec.State == StateInsufficientFunds {
			k.log.Info("balance covers the call again; resuming", "kind", kind, "round", rec.Round,
				"balance_wei", bal, "needed_wei", rec.FundsNeeded.Int())
		}
	}
	return due
}

func (k *Keeper) stuck(inflight []*Tx) bool {
	newest := inflight[len(inflight)-1]
	return newest.State == TxSent && k.now().Sub(newest.SentAt) >= k.cfg.StuckAfter
}

func (k *Keeper) backoff(rec *Record, state, reason string) {
	rec.State, rec.Reason = state, reason
	k.retryLater(rec)
}

// retryLater puts the next attempt off, exponentially longer with every
// failed attempt of the round, at most poll_interval and at most a tenth of
// the time left in the round (at least active_poll_interval): a few failures
// late in a short round must not push the next attempt past its end.
func (k *Keeper) retryLater(rec *Record) {
	rec.Attempts++
	active := k.cfg.ActivePollInterval
	d := min(active<<min(rec.Attempts-1, 8), k.cfg.PollInterval)
	if left, ok := k.timeLeftInRound(); ok {
		d = max(min(d, left/10), active)
	}
	rec.NextAttemptAt = k.now().Add(d)
}

// nextDelay sleeps until the next event that can change a decision, between
// active_poll_interval and poll_interval (less than active_poll_interval
// only to wake at a deadline that is closer than that).
func (k *Keeper) nextDelay(rec *Record, snap *livepeer.Snapshot) time.Duration {
	active, poll := k.cfg.ActivePollInterval, k.cfg.PollInterval
	clamp := func(d time.Duration) time.Duration { return max(active, min(d, poll)) }
	untilBlock := func(b uint64) time.Duration {
		if b <= snap.BlockNum {
			return active
		}
		return k.clock.eta(b-snap.BlockNum, active)
	}
	// aim sleeps toward a block at which the keeper acts (the end of the
	// grace window, the initialization deadline). Closer than one active
	// interval, it sleeps less than that: on a chain whose blocks are
	// faster than active_poll_interval, a whole interval would overshoot
	// the deadline by several blocks. It never sleeps less than half a
	// block (the last block before the deadline costs two or three reads).
	aim := func(b uint64) time.Duration {
		d := untilBlock(b)
		if per := k.clock.PerBlock(); per > 0 && b > snap.BlockNum && d < active {
			return max(d, min(active, per/2))
		}
		return clamp(d)
	}
	nextRound := untilBlock(snap.RoundEndBlock())
	if rec.final() || rec.State == StateNotActive || rec.State == StateNotRegistered {
		return clamp(nextRound)
	}
	switch rec.State {
	case StateWaitingGrace:
		return aim(snap.RoundStartBlock + k.cfg.GraceBlocks)
	case StateWaitingInit:
		if k.cfg.InitEnabled && !k.cfg.Observe && (!k.cfg.InitWhenRewardDue || k.cfg.InitAfterBlocks < k.cfg.GraceBlocks) {
			return aim(snap.RoundStartBlock + k.cfg.InitAfterBlocks)
		}
		return aim(snap.RoundStartBlock + k.cfg.GraceBlocks)
	case StateObserving, StateCannotSign, StateTooLate, StateStandby:
		return clamp(nextRound)
	case StatePending:
		// Our transaction can be mined in the next block, and what
		// follows it (the reward after an initializeRound) should go out
		// in the block after: look at the next block, at most one active
		// interval away.
		return min(active, aim(snap.BlockNum+1))
	case StateInsufficientFunds:
		// Nothing to send until someone funds the account: look every few
		// active intervals, and at least ten times in what is left of the
		// round, soon enough to act within it once funded.
		d := 10 * active
		if left, ok := k.timeLeftInRound(); ok {
			d = min(d, left/10)
		}
		return clamp(d)
	}
	if d := rec.NextAttemptAt.Sub(k.now()); d > active {
		return clamp(d)
	}
	return active
}
