package probe

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/livepeer"
)

// Alert names of the stake probe.
const (
	// AlertNotInActiveSet (critical): not registered, or not in the active
	// set of the next round (evicted, resigned or unable to join).
	AlertNotInActiveSet = "NotInActiveSet"
	// AlertNearActiveSetCutoff (warning): in a full active set with stake
	// within cutoff_warn_percent above its lowest member.
	AlertNearActiveSetCutoff = "NearActiveSetCutoff"
	// One per event (labels tx, log_index), resolved on a later run.
	AlertStakeChanged            = "StakeChanged"            // info: Bond/Unbond to or from the orchestrator
	AlertStakeDropped            = "StakeDropped"            // warning: such a drop above stake_change_warn_percent
	AlertOrchestratorActivated   = "OrchestratorActivated"   // info
	AlertOrchestratorDeactivated = "OrchestratorDeactivated" // warning
	AlertOrchestratorSlashed     = "OrchestratorSlashed"     // critical
	AlertRewardCutChanged        = "RewardCutChanged"        // warning
)

// defaultPoolRefresh is how long a walk of the transcoder pool is reused
// when nothing suggests its membership changed.
const defaultPoolRefresh = time.Hour

// StakeConfig configures the stake and standing probe.
type StakeConfig struct {
	Orchestrator common.Address
	Contracts    livepeer.Addresses
	// Confirmations and MaxLogRange: probes.stake.
	Confirmations uint64
	MaxLogRange   uint64
	// StakeChangeWarnPercent: a single drop of more than this share of the
	// stake warns (StakeDropped) instead of informing (StakeChanged).
	StakeChangeWarnPercent float64
	// CutoffWarnPercent: NearActiveSetCutoff fires when the stake is less
	// than this percentage above the lowest stake of a full active set.
	CutoffWarnPercent float64
	// EventHold and StartBlock: see CursorConfig.
	EventHold  time.Duration
	StartBlock uint64
	// PoolRefresh is how long one walk of the transcoder pool is reused
	// (0 means one hour). The pool is also walked again when the round, the
	// pool size or its membership (activation events) changes.
	PoolRefresh time.Duration
	// StandingMaxAge is how long the standing read (stake, transcoder
	// parameters, status, pool size) is kept while neither the round nor
	// an event that can change it says otherwise (0 means PoolRefresh).
	StandingMaxAge time.Duration
	// Round, when set, is the current round as another consumer last read
	// it (the keeper's snapshot: lpops' daemon passes its round, which the
	// keeper reads every poll and every few seconds around the round's
	// boundary); a run that keeps the standing then reads only the head.
	// nil, or false: the run reads currentRound itself.
	Round func() (uint64, bool)
}

// Stake watches the orchestrator's stake and standing: total and delegated
// stake, active-set membership and the distance to its cut-off, read from
// state in one batch each run, and the events that change them (Bond,
// Unbond, TranscoderSlashed, TranscoderActivated/Deactivated,
// TranscoderUpdate, Reward), read once each through a LogCursor.
//
// The cut-off is the lowest stake in the transcoder pool, found by walking
// the pool (getFirstTranscoderInPool, getNextTranscoderInPool: one request
// per member, as the real contract has no way to read its tail), at most
// walkStepsPerRun members per run. The walk is reused until the round, the
// pool size or its membership (TranscoderActivated/Deactivated of anyone)
// changes, or PoolRefresh passes.
//
// The standing itself is round-scoped: it is read in full once per protocol
// round, again in the run whose logs carry an event that can change it, and
// at least every StandingMaxAge; the other runs read only the head (the
// pool's head read) and currentRound, unless StakeConfig.Round gives it. The events that
// trigger a new read are every log of the cursor's queries: Bond, Unbond,
// Rebond, EarningsClaimed, Reward, TranscoderSlashed and TranscoderUpdate
// about the orchestrator, Bond away from it, and anyone's
// TranscoderActivated/Deactivated. So a change by one of them is in the
// values and alerts of the run that reads its log (Confirmations blocks
// after it, then at most one chain_interval); a change no event of these
// names (a TransferBond of the orchestrator's own bond, say) within
// StandingMaxAge.
type Stake struct {
	cfg StakeConfig
	c   livepeer.Caller
	cur *LogCursor
	now func() time.Time

	pool    *poolView // the last complete walk
	walking *poolWalk // the walk in progress

	kept   *standing // the last full standing read
	keptAt time.Time
}

var _ Probe = (*Stake)(nil)

// poolView is one walk of the transcoder pool.
type poolView struct {
	members  []common.Address
	stakes   map[common.Address]*big.Int
	round    uint64
	walkedAt time.Time
}

// stakeTotals persist with the checkpoint.
type stakeTotals struct {
	LastReward      string `json:"last_reward,omitempty"` // LPT base units
	LastRewardBlock uint64 `json:"last_reward_block,omitempty"`
	LastRewardTx    string `json:"last_reward_tx,omitempty"`
	Events          uint64 `json:"events"`
}

// NewStake returns the stake probe. kv holds its log checkpoint.
func NewStake(c livepeer.Caller, kv Checkpoints, cfg StakeConfig, now func() time.Time) *Stake {
	if now == nil {
		now = time.Now
	}
	if cfg.PoolRefresh <= 0 {
		cfg.PoolRefresh = defaultPoolRefresh
	}
	if cfg.StandingMaxAge <= 0 {
		cfg.StandingMaxAge = cfg.PoolRefresh
	}
	bm, orch := []common.Address{cfg.Contracts.BondingManager}, livepeer.AddressTopic(cfg.Orchestrator)
	cur := NewLogCursor(kv, CursorConfig{
		Name: "stake", Orchestrator: cfg.Orchestrator, Confirmations: cfg.Confirmations,
		MaxLogRange: cfg.MaxLogRange, EventHold: cfg.EventHold, StartBlock: cfg.StartBlock,
	}, now,
		// Events about the orchestrator (first indexed argument).
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{
			livepeer.TopicBond, livepeer.TopicUnbond, livepeer.TopicReward,
			livepeer.TopicTranscoderSlashed, livepeer.TopicTranscoderUpdate,
			livepeer.TopicRebond, livepeer.TopicEarningsClaimed,
		}, {orch}}},
		// Delegators moving away from it (Bond's oldDelegate).
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{livepeer.TopicBond}, nil, {orch}}},
		// Every membership change of the pool: its own, and others' that
		// move the cut-off.
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{livepeer.TopicTranscoderActivated, livepeer.TopicTranscoderDeactivated}}},
	)
	return &Stake{cfg: cfg, c: c, cur: cur, now: now}
}

// Name implements Probe.
func (p *Stake) Name() string { return "stake" }

// standing is the state read each run.
type standing struct {
	round       uint64
	head        uint64
	transcoder  [10]*big.Int
	totalStake  *big.Int
	registered  bool
	active      bool
	selfBonded  *big.Int
	poolSize    uint64
	poolMaxSize uint64
	poolFirst   common.Address
	fresh       bool // read in this run, not kept from an earlier one
}

func (s *standing) rewardCut() *big.Int       { return s.transcoder[1] }
func (s *standing) feeShare() *big.Int        { return s.transcoder[2] }
func (s *standing) activationRound() *big.Int { return s.transcoder[4] }

// inNextRound reports membership of the next round's active set, the rule of
// isActiveTranscoder applied to currentRound + 1.
func (s *standing) inNextRound() bool {
	next := new(big.Int).SetUint64(s.round + 1)
	return s.registered && s.activationRound().Cmp(next) <= 0 && next.Cmp(s.transcoder[5]) < 0
}

// Check implements Probe.
func (p *Stake) Check(ctx context.Context) Result {
	start := p.now()
	r := &Result{Probe: p.Name(), Values: map[string]float64{}, Evidence: map[string]string{}}
	s, err := p.standingNow(ctx)
	if err != nil {
		r.Error = err.Error()
		return finish(r, start, p.now)
	}
	orch := p.cfg.Orchestrator

	span, err := p.cur.Plan(s.head)
	if err != nil {
		r.Error = err.Error()
		return finish(r, start, p.now)
	}
	elems := span.Elems()
	if len(elems) > 0 {
		if err := p.c.BatchCall(ctx, elems); err != nil {
			r.Error = fmt.Sprintf("read stake events %d-%d: %v", span.From, span.To, err)
			return finish(r, start, p.now)
		}
	}
	logs, err := span.Logs(elems)
	if err != nil {
		r.Error = "read stake events: " + err.Error()
		return finish(r, start, p.now)
	}
	if len(logs) > 0 && !s.fresh {
		// An event that can change the standing: read it again now, so this
		// run's values and alerts describe the state after it.
		head := s.head
		if s, err = p.readStanding(ctx); err != nil {
			r.Error = err.Error()
			return finish(r, start, p.now)
		}
		s.head = head // the span was planned at it
	}
	r.Values["standing_read"] = boolValue(s.fresh)
	r.Values["standing_age_seconds"] = p.now().Sub(p.keptAt).Seconds()
	r.Values["total_stake_lpt"] = units(s.totalStake)
	r.Values["self_bonded_lpt"] = units(s.selfBonded)
	r.Values["delegated_stake_lpt"] = units(new(big.Int).Sub(s.totalStake, s.selfBonded))
	r.Values["registered"] = boolValue(s.registered)
	r.Values["active"] = boolValue(s.active)
	r.Values["in_active_set_next_round"] = boolValue(s.inNextRound())
	r.Values["reward_cut_percent"] = millionthsPercent(s.rewardCut())
	r.Values["fee_share_percent"] = millionthsPercent(s.feeShare())
	r.Values["pool_size"] = float64(s.poolSize)
	r.Values["pool_max_size"] = float64(s.poolMaxSize)
	r.Evidence["round"] = strconv.FormatUint(s.round, 10)
	r.Evidence["total_stake"] = formatUnits(s.totalStake) + " LPT"

	var totals stakeTotals
	if err := p.cur.Data(&totals); err != nil {
		r.Error = err.Error()
		return finish(r, start, p.now)
	}
	events, membership := p.decode(logs)
	fired := p.eventObservations(ctx, events, s, &totals)

	p.walkPool(ctx, s, membership, r)
	r.Observations = append(r.Observations, p.standingObservations(s, r)...)

	if err := ctx.Err(); err != nil {
		// The Runner gave up on this run and will drop its Result: commit
		// nothing, so the events are read and fired again next run.
		r.Error, r.Observations = "stake run cut short: "+err.Error(), nil
		return finish(r, start, p.now)
	}
	out, err := p.cur.Commit(span, fired, totals)
	if err != nil {
		r.Error = err.Error()
		r.Observations = nil
		return finish(r, start, p.now)
	}
	r.Observations = append(r.Observations, out...)
	if totals.LastReward != "" {
		v, _ := new(big.Int).SetString(totals.LastReward, 10)
		r.Values["last_reward_lpt"] = units(v)
		r.Values["last_reward_block"] = float64(totals.LastRewardBlock)
		r.Evidence["last_reward_tx"] = totals.LastRewardTx
	}
	r.Values["events_total"] = float64(totals.Events)
	reportCursor(r, p.cur, span)
	if next := p.cur.Checkpoint(); next > 0 && s.head+1 >= next {
		r.Values["log_lag_blocks"] = float64(s.head + 1 - next)
	}
	r.Evidence["orchestrator"] = lower(orch)
	r.Success = true
	return finish(r, start, p.now)
}

// standingNow returns the standing for this run: the kept one, with this
// run's head, while the round is the same and it is younger than
// StandingMaxAge; else a full read.
func (p *Stake) standingNow(ctx context.Context) (*standing, error) {
	now := p.now()
	if p.kept == nil || now.Before(p.keptAt) || now.Sub(p.keptAt) >= p.cfg.StandingMaxAge {
		return p.readStanding(ctx)
	}
	cur, shared := uint64(0), false
	if p.cfg.Round != nil {
		cur, shared = p.cfg.Round()
	}
	round := livepeer.NewViewCall(livepeer.RoundsManagerABI, p.cfg.Contracts.RoundsManager, "currentRound")
	var head hexutil.Uint64
	b := []rpc.BatchElem{{Method: "eth_blockNumber", Result: &head}}
	if !shared {
		b = append(b, round.Elem())
	}
	if err := p.c.BatchCall(ctx, b); err != nil {
		return nil, fmt.Errorf("read round of %s: %w", p.cfg.Orchestrator, err)
	}
	if b[0].Error != nil {
		return nil, fmt.Errorf("read round: eth_blockNumber: %w", b[0].Error)
	}
	if !shared {
		var v *big.Int
		if err := round.Decode(b[1], &v); err != nil {
			return nil, fmt.Errorf("read round: %w", err)
		}
		cur = v.Uint64()
	}
	if cur != p.kept.round {
		return p.readStanding(ctx) // a new round: membership and stake may have moved
	}
	s := *p.kept
	s.head, s.fresh = uint64(head), false
	return &s, nil
}

// readStanding reads the orchestrator's standing in one batch and keeps it.
func (p *Stake) readStanding(ctx context.Context) (*standing, error) {
	bm, rm, o := p.cfg.Contracts.BondingManager, p.cfg.Contracts.RoundsManager, p.cfg.Orchestrator
	calls := []*livepeer.ViewCall{
		livepeer.NewViewCall(livepeer.RoundsManagerABI, rm, "currentRound"),
		livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getTranscoder", o),
		livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", o),
		livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderStatus", o),
		livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "isActiveTranscoder", o),
		livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getDelegator", o),
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getTranscoderPoolSize"),
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getTranscoderPoolMaxSize"),
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getFirstTranscoderInPool"),
	}
	batch := make([]rpc.BatchElem, 0, len(calls)+1)
	for _, c := range calls {
		batch = append(batch, c.Elem())
	}
	var head hexutil.Uint64
	batch = append(batch, rpc.BatchElem{Method: "eth_blockNumber", Result: &head})
	if err := p.c.BatchCall(ctx, batch); err != nil {
		return nil, fmt.Errorf("read standing of %s: %w", o, err)
	}
	s := &standing{}
	var (
		round, size, maxSize *big.Int
		status               uint8
		delegateAddr         common.Address
		d                    [6]*big.Int
	)
	tr := make([]any, 10)
	for i := range s.transcoder {
		tr[i] = &s.transcoder[i]
	}
	outs := [][]any{
		{&round}, tr, {&s.totalStake}, {&status}, {&s.active},
		{&s.selfBonded, &d[0], &delegateAddr, &d[1], &d[2], &d[3], &d[4]},
		{&size}, {&maxSize}, {&s.poolFirst},
	}
	for i, c := range calls {
		if err := c.Decode(batch[i], outs[i]...); err != nil {
			return nil, fmt.Errorf("read standing of %s: %w", o, err)
		}
	}
	if e := batch[len(calls)]; e.Error != nil {
		return nil, fmt.Errorf("read standing: eth_blockNumber: %w", e.Error)
	}
	s.round, s.poolSize, s.poolMaxSize = round.Uint64(), size.Uint64(), maxSize.Uint64()
	s.registered = status == 1
	s.head = uint64(head)
	s.fresh = true
	p.kept, p.keptAt = s, p.now()
	return s, nil
}

func (p *Stake) decode(logs []livepeer.EventLog) (events []any, membership bool) {
	for _, l := range logs {
		ev, ok := livepeer.DecodeBondingEvent(p.cfg.Contracts.BondingManager, l)
		if !ok {
			continue
		}
		if _, ok := ev.(livepeer.ActivationEvent); ok {
			membership = true
		}
		events = append(events, ev)
	}
	return events, membership
}

// stakeDelta is how an event changed the orchestrator's stake (nil: not at all).
func (p *Stake) stakeDelta(ev any) (delta *big.Int, delegator common.Address) {
	o := p.cfg.Orchestrator
	switch e := ev.(type) {
	case livepeer.BondEvent:
		switch {
		case e.NewDelegate == o && e.OldDelegate == o:
			return new(big.Int).Set(e.AdditionalAmount), e.Delegator
		case e.NewDelegate == o:
			return new(big.Int).Set(e.BondedAmount), e.Delegator
		case e.OldDelegate == o:
			return new(big.Int).Neg(new(big.Int).Sub(e.BondedAmount, e.AdditionalAmount)), e.Delegator
		}
	case livepeer.UnbondEvent:
		if e.Delegate == o {
			return new(big.Int).Neg(e.Amount), e.Delegator
		}
	case livepeer.SlashEvent:
		if e.Transcoder == o {
			return new(big.Int).Neg(e.Penalty), common.Address{}
		}
	}
	return nil, common.Address{}
}

// atBlock reads, best effort in one batch, the orchestrator's total stake
// after each stake-changing event's block and its transcoder parameters
// before each TranscoderUpdate. A node that pruned that state answers with
// an error, and the descriptions fall back to the latest state.
func (p *Stake) atBlock(ctx context.Context, events []any) (stakeAfter map[uint64]*big.Int, paramsBefore map[uint64][2]*big.Int) {
	stakeAfter, paramsBefore = map[uint64]*big.Int{}, map[uint64][2]*big.Int{}
	bm, o := p.cfg.Contracts.BondingManager, p.cfg.Orchestrator
	type req struct {
		block  uint64
		params bool
		call   *livepeer.ViewCall
	}
	var reqs []req
	seen := map[[2]uint64]bool{}
	for _, ev := range events {
		if d, _ := p.stakeDelta(ev); d != nil {
			b := logOf(ev).Block()
			if !seen[[2]uint64{b, 0}] {
				seen[[2]uint64{b, 0}] = true
				reqs = append(reqs, req{b, false, livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", o).AtBlock(b)})
			}
		}
		if u, ok := ev.(livepeer.TranscoderUpdateEvent); ok && u.Transcoder == o && u.Log.Block() > 0 {
			b := u.Log.Block() - 1
			if !seen[[2]uint64{b, 1}] {
				seen[[2]uint64{b, 1}] = true
				reqs = append(reqs, req{u.Log.Block(), true, livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getTranscoder", o).AtBlock(b)})
			}
		}
	}
	if len(reqs) == 0 {
		return stakeAfter, paramsBefore
	}
	batch := make([]rpc.BatchElem, len(reqs))
	for i, q := range reqs {
		batch[i] = q.call.Elem()
	}
	if err := p.c.BatchCall(ctx, batch); err != nil {
		return stakeAfter, paramsBefore
	}
	for i, q := range reqs {
		if !q.params {
			var v *big.Int
			if q.call.Decode(batch[i], &v) == nil {
				stakeAfter[q.block] = v
			}
			continue
		}
		var tr [10]*big.Int
		outs := make([]any, 10)
		for j := range tr {
			outs[j] = &tr[j]
		}
		if q.call.Decode(batch[i], outs...) == nil {
			paramsBefore[q.block] = [2]*big.Int{tr[1], tr[2]}
		}
	}
	return stakeAfter, paramsBefore
}

func logOf(ev any) livepeer.EventLog {
	switch e := ev.(type) {
	case livepeer.BondEvent:
		return e.Log
	case livepeer.UnbondEvent:
		return e.Log
	case livepeer.SlashEvent:
		return e.Log
	case livepeer.ActivationEvent:
		return e.Log
	case livepeer.TranscoderUpdateEvent:
		return e.Log
	case livepeer.RewardLogEvent:
		return e.Log
	}
	return livepeer.EventLog{}
}

// eventObservations turns the span's events into one-off alerts and folds
// rewards into totals.
func (p *Stake) eventObservations(ctx context.Context, events []any, s *standing, totals *stakeTotals) []alert.Observation {
	o := p.cfg.Orchestrator
	stakeAfter, paramsBefore := p.atBlock(ctx, events)
	var out []alert.Observation
	for _, ev := range events {
		l := logOf(ev)
		where := fmt.Sprintf("block %d, tx %s, log %d", l.Block(), l.TxHash.Hex(), l.Index)
		after, exact := stakeAfter[l.Block()], true
		if after == nil {
			after, exact = s.totalStake, false
		}
		afterText := formatUnits(after) + " LPT"
		if !exact {
			afterText += " (latest; the state at the event's block is not available)"
		}
		switch e := ev.(type) {
		case livepeer.BondEvent, livepeer.UnbondEvent:
			delta, delegator := p.stakeDelta(ev)
			if delta == nil {
				continue
			}
			totals.Events++
			name, sev := AlertStakeChanged, alert.Info
			verb := "bonded"
			amount := new(big.Int).Abs(delta)
			var dropPct float64
			if delta.Sign() < 0 {
				verb = "moved away"
				if _, unbond := ev.(livepeer.UnbondEvent); unbond {
					verb = "unbonded"
				}
				dropPct = percentOf(amount, new(big.Int).Add(after, amount))
				if dropPct > p.cfg.StakeChangeWarnPercent {
					name, sev = AlertStakeDropped, alert.Warning
				}
			}
			event := "Bond"
			if _, unbond := ev.(livepeer.UnbondEvent); unbond {
				event = "Unbond"
			}
			summary := fmt.Sprintf("Delegator %s %s %s LPT (orchestrator %s); stake now %s LPT",
				lower(delegator), verb, formatUnits(amount), lower(o), formatUnits(after))
			desc := fmt.Sprintf("%s at %s. Stake after the event: %s.", event, where, afterText)
			if delta.Sign() < 0 {
				desc += fmt.Sprintf(" Drop: %.2f %% of the stake (warning above %s %%).", dropPct, formatFloat(p.cfg.StakeChangeWarnPercent))
			}
			out = append(out, alert.Observation{
				Name: name, Severity: sev, Firing: true, Summary: summary, Description: desc,
				Labels: eventLabels(o, l, "delegator", lower(delegator)),
			})
		case livepeer.SlashEvent:
			if e.Transcoder != o {
				continue
			}
			totals.Events++
			desc := fmt.Sprintf("TranscoderSlashed at %s: penalty %s LPT, finder %s, finder reward %s LPT. Stake after the event: %s.",
				where, formatUnits(e.Penalty), lower(e.Finder), formatUnits(e.FinderReward), afterText)
			out = append(out, alert.Observation{
				Name: AlertOrchestratorSlashed, Severity: alert.Critical, Firing: true,
				Summary:     fmt.Sprintf("Orchestrator %s slashed: penalty %s LPT", lower(o), formatUnits(e.Penalty)),
				Description: desc, Labels: eventLabels(o, l),
			})
		case livepeer.ActivationEvent:
			if e.Transcoder != o {
				continue
			}
			totals.Events++
			if e.Deactivated {
				out = append(out, alert.Observation{
					Name: AlertOrchestratorDeactivated, Severity: alert.Warning, Firing: true,
					Summary:     fmt.Sprintf("Orchestrator %s leaves the active set in round %s", lower(o), e.Round),
					Description: fmt.Sprintf("TranscoderDeactivated at %s: not active from round %s (evicted by a larger stake, resigned, unbonded or slashed).", where, e.Round),
					Labels:      eventLabels(o, l),
				})
				continue
			}
			out = append(out, alert.Observation{
				Name: AlertOrchestratorActivated, Severity: alert.Info, Firing: true,
				Summary:     fmt.Sprintf("Orchestrator %s joins the active set in round %s", lower(o), e.Round),
				Description: fmt.Sprintf("TranscoderActivated at %s: active from round %s.", where, e.Round),
				Labels:      eventLabels(o, l),
			})
		case livepeer.TranscoderUpdateEvent:
			if e.Transcoder != o {
				continue
			}
			totals.Events++
			now := fmt.Sprintf("reward cut %.2f %%, fee share %.2f %%", millionthsPercent(e.RewardCut), millionthsPercent(e.FeeShare))
			summary := fmt.Sprintf("Orchestrator %s parameters set: %s", lower(o), now)
			if before, ok := paramsBefore[l.Block()]; ok {
				if before[0].Cmp(e.RewardCut) == 0 && before[1].Cmp(e.FeeShare) == 0 {
					continue // set to the same values: nothing changed
				}
				summary = fmt.Sprintf("Orchestrator %s reward cut %.2f %% -> %.2f %%, fee share %.2f %% -> %.2f %%", lower(o),
					millionthsPercent(before[0]), millionthsPercent(e.RewardCut), millionthsPercent(before[1]), millionthsPercent(e.FeeShare))
			}
			out = append(out, alert.Observation{
				Name: AlertRewardCutChanged, Severity: alert.Warning, Firing: true, Summary: summary,
				Description: fmt.Sprintf("TranscoderUpdate at %s: %s. Delegators see the change; make sure it was intended.", where, now),
				Labels:      eventLabels(o, l),
			})
		case livepeer.RewardLogEvent:
			if e.Transcoder != o {
				continue
			}
			totals.Events++
			totals.LastReward, totals.LastRewardBlock, totals.LastRewardTx = e.Amount.String(), l.Block(), l.TxHash.Hex()
		}
	}
	return out
}

// walkStepsPerRun bounds the pool members one run reads: the walk is one
// request per member (100 on Arbitrum), so a full walk spans a few runs and
// no run outlasts its timeout.
const walkStepsPerRun = 25

// poolWalk is a walk of the transcoder pool in progress.
type poolWalk struct {
	view *poolView
	next common.Address
	size uint64
}

// walkPool starts a walk when the last one is stale and advances the walk in
// progress; a finished walk replaces p.pool. Until then the previous walk, if
// any, stands in.
func (p *Stake) walkPool(ctx context.Context, s *standing, membership bool, r *Result) {
	w := p.walking
	stale := p.pool == nil || membership || p.pool.round != s.round || uint64(len(p.pool.members)) != s.poolSize ||
		p.now().Sub(p.pool.walkedAt) >= p.cfg.PoolRefresh
	if w != nil && (membership || w.view.round != s.round || w.size != s.poolSize) {
		w = nil // the pool changed under the walk: start over
	}
	if w == nil && !stale {
		return
	}
	if w == nil {
		w = &poolWalk{view: &poolView{stakes: map[common.Address]*big.Int{}, round: s.round}, next: s.poolFirst, size: s.poolSize}
	}
	p.walking = w
	done, err := p.walkSteps(ctx, w, max(s.poolMaxSize, s.poolSize)+1)
	switch {
	case err != nil:
		r.Evidence["pool_error"] = err.Error()
		p.walking = nil
	case done:
		w.view.walkedAt = p.now()
		p.pool, p.walking = w.view, nil
	default:
		r.Evidence["pool_walk"] = fmt.Sprintf("%d of %d members read", len(w.view.members), s.poolSize)
	}
}

// walkSteps reads up to walkStepsPerRun members with their stakes, one
// request each, and reports whether the walk reached the end of the pool.
func (p *Stake) walkSteps(ctx context.Context, w *poolWalk, limit uint64) (bool, error) {
	bm := p.cfg.Contracts.BondingManager
	for range walkStepsPerRun {
		m := w.next
		if m == (common.Address{}) {
			return true, nil
		}
		if uint64(len(w.view.members)) >= limit {
			return false, fmt.Errorf("transcoder pool walk: more than %d members", limit-1)
		}
		next := livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getNextTranscoderInPool", m)
		stake := livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", m)
		b := []rpc.BatchElem{next.Elem(), stake.Elem()}
		if err := p.c.BatchCall(ctx, b); err != nil {
			return false, fmt.Errorf("transcoder pool walk: %w", err)
		}
		var n common.Address
		var st *big.Int
		if err := next.Decode(b[0], &n); err != nil {
			return false, fmt.Errorf("transcoder pool walk: %w", err)
		}
		if err := stake.Decode(b[1], &st); err != nil {
			return false, fmt.Errorf("transcoder pool walk: %w", err)
		}
		if _, dup := w.view.stakes[m]; dup {
			return false, fmt.Errorf("transcoder pool walk: %s listed twice (the pool changed during the walk)", m)
		}
		w.view.members = append(w.view.members, m)
		w.view.stakes[m] = st
		w.next = n
	}
	return w.next == (common.Address{}), nil
}

// standingObservations judges membership and the cut-off from this run's state.
func (p *Stake) standingObservations(s *standing, r *Result) []alert.Observation {
	o := p.cfg.Orchestrator
	labels := func() map[string]string { return map[string]string{"orchestrator": lower(o)} }
	out := alert.Observation{Name: AlertNotInActiveSet, Severity: alert.Critical, Requires: "chain", Labels: labels()}
	near := alert.Observation{Name: AlertNearActiveSetCutoff, Severity: alert.Warning, Requires: "chain", Labels: labels()}

	var cutoff *big.Int
	full := s.poolMaxSize > 0 && s.poolSize >= s.poolMaxSize
	if p.pool != nil && full {
		for _, m := range p.pool.members {
			st := p.pool.stakes[m]
			if m == o {
				st = s.totalStake // fresher than the walk
			}
			if cutoff == nil || st.Cmp(cutoff) < 0 {
				cutoff = st
			}
		}
	}
	if cutoff != nil {
		r.Values["cutoff_stake_lpt"] = units(cutoff)
		r.Evidence["cutoff_stake"] = formatUnits(cutoff) + " LPT"
	} else if !full {
		r.Values["cutoff_stake_lpt"] = 0
	}

	switch {
	case !s.registered:
		out.Firing = true
		out.Summary = fmt.Sprintf("Orchestrator %s is not registered: it earns nothing", lower(o))
		out.Description = fmt.Sprintf("transcoderStatus is NotRegistered in round %d (total stake %s LPT).", s.round, formatUnits(s.totalStake))
	case !s.inNextRound():
		out.Firing = true
		out.Summary = fmt.Sprintf("Orchestrator %s is not in the active set (round %d) and will not be in round %d", lower(o), s.round, s.round+1)
		if s.active {
			out.Summary = fmt.Sprintf("Orchestrator %s leaves the active set after round %d", lower(o), s.round)
		}
		out.Description = fmt.Sprintf("Registered with %s LPT; activation round %s, deactivation round %s, current round %d.",
			formatUnits(s.totalStake), s.activationRound(), s.transcoder[5], s.round)
		if cutoff != nil {
			out.Description += fmt.Sprintf(" The active set is full (%d of %d); its lowest stake is %s LPT: bond more than that to join.",
				s.poolSize, s.poolMaxSize, formatUnits(cutoff))
		}
	}
	if out.Firing {
		// Near is moot when out; emitted not firing so a warning that was
		// firing resolves.
		near.Summary = fmt.Sprintf("Orchestrator %s is out of the active set, not near its cut-off", lower(o))
		return []alert.Observation{out, near}
	}
	out.Summary = fmt.Sprintf("Orchestrator %s is in the active set", lower(o))
	if !s.active {
		out.Summary = fmt.Sprintf("Orchestrator %s joins the active set in round %d", lower(o), s.round+1)
	}
	if cutoff == nil {
		if !full || p.pool != nil {
			near.Summary = fmt.Sprintf("Orchestrator %s: the active set is not full (%d of %d)", lower(o), s.poolSize, s.poolMaxSize)
			return []alert.Observation{out, near}
		}
		return []alert.Observation{out} // cut-off unknown this run
	}
	margin := percentOf(new(big.Int).Sub(s.totalStake, cutoff), cutoff)
	r.Values["cutoff_margin_percent"] = margin
	near.Firing = margin < p.cfg.CutoffWarnPercent
	near.Summary = fmt.Sprintf("Orchestrator %s stake is %.2f %% above the active set's cut-off", lower(o), margin)
	near.Description = fmt.Sprintf("Stake %s LPT; lowest stake in the full active set (%d of %d) %s LPT; warning below %s %% above it.",
		formatUnits(s.totalStake), s.poolSize, s.poolMaxSize, formatUnits(cutoff), formatFloat(p.cfg.CutoffWarnPercent))
	if s.totalStake.Cmp(cutoff) <= 0 {
		near.Summary = fmt.Sprintf("Orchestrator %s has the lowest stake of the full active set: the first to be evicted", lower(o))
	}
	return []alert.Observation{out, near}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
