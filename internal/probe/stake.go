package probe

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
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
	// Fleet lists the further orchestrators of a fleet, after Orchestrator,
	// in config order. Each has its own Result, named FleetName("stake", o),
	// with its values and alerts; one run reads them all together (see
	// Stake).
	Fleet     []common.Address
	Contracts livepeer.Addresses
	// Multicall says where Multicall3 is and whether to send the standing
	// reads of a fleet through it (aggregate3: five calls per orchestrator
	// in one eth_call); nil, or false: plain eth_calls in one batch.
	Multicall func() (common.Address, bool)
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
//
// # A fleet
//
// With StakeConfig.Fleet the probe watches every orchestrator of the fleet
// in one run (it is a Multi: one Result per orchestrator) at about the cost
// of one: one LogCursor whose queries name every orchestrator in the indexed
// topic (one eth_getLogs per query and range, whatever the fleet's size;
// its checkpoint is the first orchestrator's, as before the fleet), one
// walk of the pool, and one batch for the standing of all (through
// Multicall3 when StakeConfig.Multicall says so). An event re-reads the
// standing of the orchestrators it names (anyone's activation: all). The
// cursor's totals keep each orchestrator's last reward and event count.
type Stake struct {
	cfg   StakeConfig
	c     livepeer.Caller
	cur   *LogCursor
	now   func() time.Time
	orchs []common.Address // Orchestrator, then Fleet
	names []string

	pool    *poolView // the last complete walk
	walking *poolWalk // the walk in progress

	kept   []*standing // the last standing read of each orchestrator
	keptAt []time.Time
}

var (
	_ Probe = (*Stake)(nil)
	_ Multi = (*Stake)(nil)
)

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

// stakeData is what the cursor keeps: the first orchestrator's totals
// where they always were, and the further ones' of a fleet by address.
type stakeData struct {
	stakeTotals
	Fleet map[string]stakeTotals `json:"fleet,omitempty"`
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
	orchs := append([]common.Address{cfg.Orchestrator}, cfg.Fleet...)
	names := []string{"stake"}
	topics := []common.Hash{livepeer.AddressTopic(cfg.Orchestrator)}
	for _, o := range cfg.Fleet {
		names = append(names, FleetName("stake", o))
		topics = append(topics, livepeer.AddressTopic(o))
	}
	bm := []common.Address{cfg.Contracts.BondingManager}
	cur := NewLogCursor(kv, CursorConfig{
		Name: "stake", Orchestrator: cfg.Orchestrator, Confirmations: cfg.Confirmations,
		MaxLogRange: cfg.MaxLogRange, EventHold: cfg.EventHold, StartBlock: cfg.StartBlock,
	}, now,
		// Events about an orchestrator (first indexed argument).
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{
			livepeer.TopicBond, livepeer.TopicUnbond, livepeer.TopicReward,
			livepeer.TopicTranscoderSlashed, livepeer.TopicTranscoderUpdate,
			livepeer.TopicRebond, livepeer.TopicEarningsClaimed,
		}, topics}},
		// Delegators moving away from one (Bond's oldDelegate).
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{livepeer.TopicBond}, nil, topics}},
		// Every membership change of the pool: their own, and others' that
		// move the cut-off.
		livepeer.LogQuery{Addresses: bm, Topics: [][]common.Hash{{livepeer.TopicTranscoderActivated, livepeer.TopicTranscoderDeactivated}}},
	)
	return &Stake{cfg: cfg, c: c, cur: cur, now: now, orchs: orchs, names: names,
		kept: make([]*standing, len(orchs)), keptAt: make([]time.Time, len(orchs))}
}

// Name implements Probe.
func (p *Stake) Name() string { return "stake" }

// Names implements Multi: "stake", then "stake-0x…" for each further
// orchestrator of a fleet.
func (p *Stake) Names() []string { return slices.Clone(p.names) }

// standing is the state read each run, of one orchestrator.
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

// Check implements Probe: the first orchestrator's Result.
func (p *Stake) Check(ctx context.Context) Result { return p.CheckAll(ctx)[0] }

// CheckAll implements Multi.
func (p *Stake) CheckAll(ctx context.Context) []Result {
	run := newRunResults(p.names, p.orchs, p.now)
	rs, fail := run.rs, run.fail
	ss, err := p.standingNow(ctx)
	if err != nil {
		return fail(err.Error())
	}
	head := ss[0].head

	span, err := p.cur.Plan(head)
	if err != nil {
		return fail(err.Error())
	}
	elems := span.Elems()
	if len(elems) > 0 {
		if err := p.c.BatchCall(ctx, elems); err != nil {
			return fail(fmt.Sprintf("read stake events %d-%d: %v", span.From, span.To, err))
		}
	}
	logs, err := span.Logs(elems)
	if err != nil {
		return fail("read stake events: " + err.Error())
	}
	// An event that can change a standing: read it again now, so this
	// run's values and alerts describe the state after it.
	var again []int
	for i, t := range p.touched(logs) {
		if t && !ss[i].fresh {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		if ss, err = p.readStanding(ctx, again); err != nil {
			return fail(err.Error())
		}
		for _, s := range ss {
			s.head = head // the span was planned at it
		}
	}
	for i, r := range rs {
		s := ss[i]
		r.Values["standing_read"] = boolValue(s.fresh)
		r.Values["standing_age_seconds"] = p.now().Sub(p.keptAt[i]).Seconds()
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
	}

	var data stakeData
	if err := p.cur.Data(&data); err != nil {
		return fail(err.Error())
	}
	totals := make([]stakeTotals, len(p.orchs))
	totals[0] = data.stakeTotals
	for i, o := range p.orchs[1:] {
		totals[i+1] = data.Fleet[lower(o)]
	}
	events, membership := p.decode(logs)
	stakeAfter, paramsBefore := p.atBlock(ctx, events)
	var fired []alert.Observation
	for i, o := range p.orchs {
		fired = append(fired, p.eventObservations(o, events, ss[i], &totals[i], stakeAfter[o], paramsBefore[o])...)
	}

	evidence := p.walkPool(ctx, ss[0], membership)
	for i, r := range rs {
		maps.Copy(r.Evidence, evidence)
		r.Observations = append(r.Observations, p.standingObservations(p.orchs[i], ss[i], r)...)
	}

	if err := ctx.Err(); err != nil {
		// The Runner gave up on this run and will drop its Result: commit
		// nothing, so the events are read and fired again next run.
		return fail("stake run cut short: " + err.Error())
	}
	data.stakeTotals = totals[0]
	if len(p.orchs) > 1 {
		data.Fleet = make(map[string]stakeTotals, len(p.orchs)-1)
		for i, o := range p.orchs[1:] {
			data.Fleet[lower(o)] = totals[i+1]
		}
	}
	out, err := p.cur.Commit(span, fired, data)
	if err != nil {
		return fail(err.Error())
	}
	for _, o := range out {
		r := rs[p.indexOf(o.Labels["orchestrator"])]
		r.Observations = append(r.Observations, o)
	}
	for i, r := range rs {
		t := totals[i]
		if t.LastReward != "" {
			v, _ := new(big.Int).SetString(t.LastReward, 10)
			r.Values["last_reward_lpt"] = units(v)
			r.Values["last_reward_block"] = float64(t.LastRewardBlock)
			r.Evidence["last_reward_tx"] = t.LastRewardTx
		}
		r.Values["events_total"] = float64(t.Events)
		reportCursor(r, p.cur, span)
		if next := p.cur.Checkpoint(); next > 0 && head+1 >= next {
			r.Values["log_lag_blocks"] = float64(head + 1 - next)
		}
		r.Evidence["orchestrator"] = lower(p.orchs[i])
	}
	return run.done(true)
}

// indexOf is the place of an orchestrator (lower-case hex) among the
// watched; the first for any other (an alert persisted before a fleet
// changed).
func (p *Stake) indexOf(orch string) int {
	for i, o := range p.orchs {
		if lower(o) == orch {
			return i
		}
	}
	return 0
}

// touched reports, for each orchestrator, whether a log may have changed
// its standing: a log that names it in an indexed argument, and anyone's
// activation or deactivation (the pool's membership: every one's).
func (p *Stake) touched(logs []livepeer.EventLog) []bool {
	out := make([]bool, len(p.orchs))
	for _, l := range logs {
		if len(l.Topics) > 0 && (l.Topics[0] == livepeer.TopicTranscoderActivated || l.Topics[0] == livepeer.TopicTranscoderDeactivated) {
			for i := range out {
				out[i] = true
			}
			return out
		}
		for i, o := range p.orchs {
			if len(l.Topics) > 1 && slices.Contains(l.Topics[1:], livepeer.AddressTopic(o)) {
				out[i] = true
			}
		}
	}
	return out
}

// standingNow returns the standings for this run: the kept ones, with this
// run's head, while the round is the same and each is younger than
// StandingMaxAge; else a full read.
func (p *Stake) standingNow(ctx context.Context) ([]*standing, error) {
	now := p.now()
	all := make([]int, len(p.orchs))
	for i := range all {
		all[i] = i
	}
	for i := range p.orchs {
		if p.kept[i] == nil || now.Before(p.keptAt[i]) || now.Sub(p.keptAt[i]) >= p.cfg.StandingMaxAge {
			return p.readStanding(ctx, all)
		}
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
	if cur != p.kept[0].round {
		return p.readStanding(ctx, all) // a new round: membership and stake may have moved
	}
	out := make([]*standing, len(p.kept))
	for i, k := range p.kept {
		s := *k
		s.head, s.fresh = uint64(head), false
		out[i] = &s
	}
	return out, nil
}

// readStanding reads, in one batch, the round and the pool's size of the
// whole fleet and the standing of the orchestrators at the indexes which,
// keeps them, and returns every orchestrator's standing for this run: the
// others' kept one with the round and pool just read.
func (p *Stake) readStanding(ctx context.Context, which []int) ([]*standing, error) {
	bm, rm := p.cfg.Contracts.BondingManager, p.cfg.Contracts.RoundsManager
	calls := []*livepeer.ViewCall{livepeer.NewViewCall(livepeer.RoundsManagerABI, rm, "currentRound")}
	for _, i := range which {
		o := p.orchs[i]
		calls = append(calls,
			livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getTranscoder", o),
			livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", o),
			livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderStatus", o),
			livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "isActiveTranscoder", o),
			livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getDelegator", o),
		)
	}
	calls = append(calls,
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getTranscoderPoolSize"),
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getTranscoderPoolMaxSize"),
		livepeer.NewViewCall(livepeer.BondingManagerWatchABI, bm, "getFirstTranscoderInPool"),
	)
	who := p.cfg.Orchestrator.Hex()
	if len(which) > 1 {
		who = fmt.Sprintf("%d orchestrators", len(which))
	} else if len(which) == 1 {
		who = p.orchs[which[0]].Hex()
	}
	vb, err := newViews(calls, p.cfg.Multicall)
	if err != nil {
		return nil, fmt.Errorf("read standing of %s: %w", who, err)
	}
	var head hexutil.Uint64
	batch := append(slices.Clip(vb.Elems()), rpc.BatchElem{Method: "eth_blockNumber", Result: &head})
	if err := p.c.BatchCall(ctx, batch); err != nil {
		return nil, fmt.Errorf("read standing of %s: %w", who, err)
	}
	if err := vb.Done(batch[:len(batch)-1]); err != nil {
		return nil, fmt.Errorf("read standing of %s: %w", who, err)
	}
	var (
		round, size, maxSize *big.Int
		first                common.Address
	)
	n := len(calls)
	for _, c := range []struct {
		call *livepeer.ViewCall
		out  any
	}{{calls[0], &round}, {calls[n-3], &size}, {calls[n-2], &maxSize}, {calls[n-1], &first}} {
		if err := c.call.Result(c.out); err != nil {
			return nil, fmt.Errorf("read standing of %s: %w", who, err)
		}
	}
	if e := batch[len(batch)-1]; e.Error != nil {
		return nil, fmt.Errorf("read standing: eth_blockNumber: %w", e.Error)
	}
	now := p.now()
	for k, i := range which {
		o := p.orchs[i]
		s := &standing{}
		var (
			status       uint8
			delegateAddr common.Address
			d            [6]*big.Int
		)
		tr := make([]any, 10)
		for j := range s.transcoder {
			tr[j] = &s.transcoder[j]
		}
		outs := [][]any{
			tr, {&s.totalStake}, {&status}, {&s.active},
			{&s.selfBonded, &d[0], &delegateAddr, &d[1], &d[2], &d[3], &d[4]},
		}
		for j, out := range outs {
			if err := calls[1+5*k+j].Result(out...); err != nil {
				return nil, fmt.Errorf("read standing of %s: %w", o, err)
			}
		}
		s.registered = status == 1
		s.fresh = true
		p.kept[i], p.keptAt[i] = s, now
	}
	out := make([]*standing, len(p.orchs))
	for i, k := range p.kept {
		if k == nil {
			return nil, fmt.Errorf("read standing of %s: not read yet", p.orchs[i])
		}
		k.round, k.poolSize, k.poolMaxSize, k.poolFirst = round.Uint64(), size.Uint64(), maxSize.Uint64(), first
		k.head = uint64(head)
		s := *k
		s.fresh = slices.Contains(which, i)
		out[i] = &s
	}
	return out, nil
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

// stakeDelta is how an event changed orchestrator o's stake (nil: not at all).
func stakeDelta(o common.Address, ev any) (delta *big.Int, delegator common.Address) {
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

// atBlock reads, best effort in one batch, each orchestrator's total stake
// after each of its stake-changing events' blocks and its transcoder
// parameters before each of its TranscoderUpdates, by orchestrator. A node
// that pruned that state answers with an error, and the descriptions fall
// back to the latest state.
func (p *Stake) atBlock(ctx context.Context, events []any) (stakeAfter map[common.Address]map[uint64]*big.Int, paramsBefore map[common.Address]map[uint64][2]*big.Int) {
	stakeAfter, paramsBefore = map[common.Address]map[uint64]*big.Int{}, map[common.Address]map[uint64][2]*big.Int{}
	for _, o := range p.orchs {
		stakeAfter[o], paramsBefore[o] = map[uint64]*big.Int{}, map[uint64][2]*big.Int{}
	}
	bm := p.cfg.Contracts.BondingManager
	type req struct {
		orch   common.Address
		block  uint64
		params bool
		call   *livepeer.ViewCall
	}
	type at struct {
		orch   common.Address
		block  uint64
		params bool
	}
	var reqs []req
	seen := map[at]bool{}
	for _, o := range p.orchs {
		for _, ev := range events {
			if d, _ := stakeDelta(o, ev); d != nil {
				b := logOf(ev).Block()
				if !seen[at{o, b, false}] {
					seen[at{o, b, false}] = true
					reqs = append(reqs, req{o, b, false, livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", o).AtBlock(b)})
				}
			}
			if u, ok := ev.(livepeer.TranscoderUpdateEvent); ok && u.Transcoder == o && u.Log.Block() > 0 {
				b := u.Log.Block() - 1
				if !seen[at{o, b, true}] {
					seen[at{o, b, true}] = true
					reqs = append(reqs, req{o, u.Log.Block(), true, livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "getTranscoder", o).AtBlock(b)})
				}
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
				stakeAfter[q.orch][q.block] = v
			}
			continue
		}
		var tr [10]*big.Int
		outs := make([]any, 10)
		for j := range tr {
			outs[j] = &tr[j]
		}
		if q.call.Decode(batch[i], outs...) == nil {
			paramsBefore[q.orch][q.block] = [2]*big.Int{tr[1], tr[2]}
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

// eventObservations turns the span's events about orchestrator o into
// one-off alerts and folds its rewards into its totals; stakeAfter and
// paramsBefore are o's reads at the events' blocks (atBlock).
func (p *Stake) eventObservations(o common.Address, events []any, s *standing, totals *stakeTotals,
	stakeAfter map[uint64]*big.Int, paramsBefore map[uint64][2]*big.Int) []alert.Observation {
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
			delta, delegator := stakeDelta(o, ev)
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
// any, stands in. It returns what the results' evidence says of the walk.
func (p *Stake) walkPool(ctx context.Context, s *standing, membership bool) map[string]string {
	evidence := map[string]string{}
	w := p.walking
	stale := p.pool == nil || membership || p.pool.round != s.round || uint64(len(p.pool.members)) != s.poolSize ||
		p.now().Sub(p.pool.walkedAt) >= p.cfg.PoolRefresh
	if w != nil && (membership || w.view.round != s.round || w.size != s.poolSize) {
		w = nil // the pool changed under the walk: start over
	}
	if w == nil && !stale {
		return evidence
	}
	if w == nil {
		w = &poolWalk{view: &poolView{stakes: map[common.Address]*big.Int{}, round: s.round}, next: s.poolFirst, size: s.poolSize}
	}
	p.walking = w
	done, err := p.walkSteps(ctx, w, max(s.poolMaxSize, s.poolSize)+1)
	switch {
	case err != nil:
		evidence["pool_error"] = err.Error()
		p.walking = nil
	case done:
		w.view.walkedAt = p.now()
		p.pool, p.walking = w.view, nil
	default:
		evidence["pool_walk"] = fmt.Sprintf("%d of %d members read", len(w.view.members), s.poolSize)
	}
	return evidence
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

// standingObservations judges orchestrator o's membership and the cut-off
// from this run's state.
func (p *Stake) standingObservations(o common.Address, s *standing, r *Result) []alert.Observation {
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
