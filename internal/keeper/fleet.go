package keeper

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/livepeer"
)

// FleetResult is one orchestrator's snapshot, or why it could not be read
// (livepeer's, so that *livepeer.FleetReader is a FleetReader).
type FleetResult = livepeer.FleetResult

// FleetReader reads every orchestrator's snapshot at one block. Snapshots
// returns one result per orchestrator, in the order of the orchestrators
// it was built for; an error of its own means none could be read.
type FleetReader interface {
	Snapshots(ctx context.Context) ([]FleetResult, error)
}

// Readers is a FleetReader over one StateReader per orchestrator (such as
// *livepeer.Reader), read one after the other: N reads per tick, not one,
// and not at one block. It is the fallback where no batched reader is used.
type Readers []StateReader

// Snapshots reads each orchestrator's snapshot in turn; one's failure is
// its result's Err and does not stop the others.
func (rs Readers) Snapshots(ctx context.Context) ([]FleetResult, error) {
	out := make([]FleetResult, len(rs))
	for i, r := range rs {
		out[i].Snapshot, out[i].Err = r.Snapshot(ctx)
	}
	return out, nil
}

// Fleet keeps several orchestrators in one loop: every tick reads all their
// snapshots once (its FleetReader) and steps each keeper with its own, in
// a fixed order, so a shared signer's nonces are allocated in that order.
// One keeper's failure (an unreadable snapshot or record, a stuck or
// rejected transaction, even a panic) never stops the others.
type Fleet struct {
	keepers []*Keeper
	reader  FleetReader
	wake    chan struct{}
	// primed: the nonce book has been filled from the records; standingBy:
	// the last tick stood by (HA follower).
	primed, standingBy bool

	mu       sync.Mutex
	lastTick time.Time
}

// NewFleet returns a Fleet stepping keepers, in this order, with the
// snapshots reader reads (one per keeper, in the same order). The keepers
// are the Fleet's from now on: their Wake and ChainRecovered wake its Run,
// and only the Fleet ticks them.
func NewFleet(reader FleetReader, keepers ...*Keeper) *Fleet {
	f := &Fleet{keepers: keepers, reader: reader, wake: make(chan struct{}, 1)}
	inits := &initClaims{}
	var logs *rewardLogs
	if len(keepers) > 1 {
		orchs := make([]common.Address, len(keepers))
		for i, k := range keepers {
			orchs[i] = k.cfg.Orchestrator
		}
		logs = newRewardLogs(keepers[0].chain, keepers[0].addrs.BondingManager, orchs)
	}
	for _, k := range keepers {
		k.wake = f.wake
		k.inits = inits
		k.rewardLogs = logs
	}
	return f
}

// Keepers returns the fleet's keepers, in their stepping order.
func (f *Fleet) Keepers() []*Keeper { return slices.Clone(f.keepers) }

// Run ticks until ctx ends.
func (f *Fleet) Run(ctx context.Context) error {
	for {
		d := f.Tick(ctx)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-f.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Wake makes Run tick now.
func (f *Fleet) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// ChainRecovered makes Run read now if some keeper's reads were failing
// (see Keeper.ChainRecovered).
func (f *Fleet) ChainRecovered() {
	for _, k := range f.keepers {
		k.ChainRecovered()
	}
}

// LastTick is when the fleet last finished a tick.
func (f *Fleet) LastTick() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastTick
}

// Tick reads every orchestrator's snapshot once, steps each keeper with its
// own (a keeper whose snapshot failed takes its read-failure path: backoff,
// status, alerts) and returns the shortest of their next-tick delays.
func (f *Fleet) Tick(ctx context.Context) time.Duration {
	defer func() {
		f.mu.Lock()
		f.lastTick = time.Now()
		f.mu.Unlock()
	}()
	if len(f.keepers) == 0 {
		return time.Minute
	}
	// The book learns every keeper's open nonces from the records before
	// the first step, and again when this instance stops standing by (HA:
	// the records were the old leader's).
	standby := f.keepers[0].standby != nil && f.keepers[0].standby() != ""
	if !standby && (!f.primed || f.standingBy) {
		for _, k := range f.keepers {
			k.primeNonces()
		}
		f.primed = true
	}
	f.standingBy = standby
	now := f.keepers[0].now
	start := now()
	res, err := f.reader.Snapshots(ctx)
	took := now().Sub(start)
	if err == nil && len(res) != len(f.keepers) {
		err = fmt.Errorf("the fleet reader returned %d snapshots for %d orchestrators", len(res), len(f.keepers))
	}
	var d time.Duration
	failed := false
	for i, k := range f.keepers {
		var r FleetResult
		switch {
		case err != nil:
			r.Err = err
		default:
			r = res[i]
			if r.Err == nil && r.Snapshot == nil {
				r.Err = fmt.Errorf("no snapshot of orchestrator %s", k.cfg.Orchestrator)
			}
			if r.Err == nil && r.Snapshot.Orchestrator != (common.Address{}) && r.Snapshot.Orchestrator != k.cfg.Orchestrator {
				r.Err = fmt.Errorf("the fleet reader returned orchestrator %s's snapshot in the place of %s's", r.Snapshot.Orchestrator, k.cfg.Orchestrator)
			}
		}
		failed = failed || r.Err != nil
		kd := f.stepOne(ctx, k, r, took)
		if i == 0 || kd < d {
			d = kd
		}
	}
	if failed {
		f.keepers[0].m.readErrors.Inc()
	}
	return d
}

// stepOne steps one keeper with its result; a panic in it is logged and
// costs only this keeper an active interval.
func (f *Fleet) stepOne(ctx context.Context, k *Keeper, r FleetResult, took time.Duration) (d time.Duration) {
	defer k.ticked()
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("keeper step panicked; the other orchestrators go on", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			d = k.cfg.ActivePollInterval
		}
	}()
	if r.Err != nil {
		return k.readFailed(r.Err)
	}
	k.noteRead(took)
	return k.step(ctx, r.Snapshot)
}

// NonceBook holds the nonces that the keepers sharing one signing account
// (a LIP-118 reward caller of several orchestrators) hold open: sent or
// signed, not yet mined, replaced, dropped or rejected. A keeper choosing a
// fresh nonce takes one above every nonce another keeper of the account
// holds, and never replaces a transaction at a nonce another holds: no
// orchestrator's reward is double-paid or cancelled by another's.
type NonceBook struct {
	mu   sync.Mutex
	held map[common.Address][]uint64 // orchestrator → its open nonces
}

// NewNonceBook returns an empty book for one signing account.
func NewNonceBook() *NonceBook { return &NonceBook{held: map[common.Address][]uint64{}} }

// Hold records the nonces orch holds open now, in place of what it held.
func (b *NonceBook) Hold(orch common.Address, nonces []uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.held[orch] = slices.Clone(nonces)
}

// NextAfterOthers returns 1 + the highest nonce held open by an orchestrator
// other than orch (0 when they hold none): the least fresh nonce orch may
// take.
func (b *NonceBook) NextAfterOthers(orch common.Address) uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var next uint64
	for o, ns := range b.held {
		if o == orch {
			continue
		}
		for _, n := range ns {
			next = max(next, n+1)
		}
	}
	return next
}

// HeldByOther returns the orchestrator other than orch that holds nonce n
// open, if one does.
func (b *NonceBook) HeldByOther(orch common.Address, n uint64) (common.Address, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for o, ns := range b.held {
		if o != orch && slices.Contains(ns, n) {
			return o, true
		}
	}
	return common.Address{}, false
}

// holdNonces publishes the nonces rec holds open (of this keeper's signer)
// in the shared book, if there is one.
func (k *Keeper) holdNonces(rec *Record) {
	if k.nonces == nil || k.signer == nil {
		return
	}
	k.nonces.Hold(k.cfg.Orchestrator, openNonces(k.signer.Address(), rec))
}

// primeNonces publishes, before the fleet's first step, the nonces this
// keeper's latest records hold open: a keeper stepped earlier must not take
// one of them after a restart.
func (k *Keeper) primeNonces() {
	if k.nonces == nil || k.signer == nil {
		return
	}
	recs, err := k.records.Recent(k.cfg.Orchestrator, 2)
	if err != nil {
		k.log.Warn("read the latest round records for their open nonces", "err", err)
		return
	}
	k.nonces.Hold(k.cfg.Orchestrator, openNonces(k.signer.Address(), recs...))
}

func openNonces(from common.Address, recs ...*Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		if r == nil {
			continue
		}
		for _, t := range r.Txs {
			if t.inFlight() && t.From == from && !slices.Contains(out, t.Nonce) {
				out = append(out, t.Nonce)
			}
		}
	}
	return out
}

// initClaims makes a fleet initialize each round once: initializeRound is
// one call for the whole protocol, and every keeper of the fleet sees the
// same uninitialized round. The first keeper to decide to initialize a
// round claims it; the others leave it to that one (which retries it).
type initClaims struct {
	mu    sync.Mutex
	round uint64
	by    common.Address
}

// initClaimedByOther claims round for k's orchestrator unless another
// keeper of the fleet claimed it, and reports whether one did.
func (k *Keeper) initClaimedByOther(round uint64) bool {
	c := k.inits
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.round == round && c.by != k.cfg.Orchestrator {
		return true
	}
	c.round, c.by = round, k.cfg.Orchestrator
	return false
}
