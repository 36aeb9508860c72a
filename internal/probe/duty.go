package probe

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
)

// Alert names of the duty probe. ChainUnreadable Provides "chain" (and
// Requires it: ChainUnavailable inhibits it); every other duty alert
// Requires it. Labels: orchestrator (RewardMissed adds round).
const (
	AlertChainUnreadable   = "ChainUnreadable"   // critical: the keeper cannot read the chain
	AlertRewardMissed      = "RewardMissed"      // critical: a round settled missed
	AlertRewardNotCalled   = "RewardNotCalled"   // warning: grace over in an active round, no reward yet
	AlertRewardTxStuck     = "RewardTxStuck"     // critical: a reward transaction unmined past reward.stuck_after
	AlertInsufficientFunds = "InsufficientFunds" // critical: the signer cannot pay for reward
	AlertFeeAboveCap       = "FeeAboveCap"       // warning: the keeper waits for the fee to fall under the cap
	AlertRewardWouldRevert = "RewardWouldRevert" // critical: the simulated reward reverts
	AlertStateCorrupt      = "StateCorrupt"      // critical: a round record was unreadable and quarantined
)

// stateChainUnreadable is the keeper state while its reads fail.
const stateChainUnreadable = "chain_unreadable"

// defaultDutyRounds is how many round records the duty probe looks at.
const defaultDutyRounds = 32

// defaultSendWindowBlocks: the keeper sends within about two blocks of the
// grace end; five leave room for a retry or two.
const defaultSendWindowBlocks = 5

// DutyConfig configures the duty probe.
type DutyConfig struct {
	// Name is the probe's name: "duty" (the default) for the first
	// orchestrator; a fleet names one duty probe per further orchestrator.
	Name         string
	Orchestrator common.Address
	// StuckAfter is reward.stuck_after: a reward transaction first sent
	// longer ago and still unmined is stuck.
	StuckAfter time.Duration
	// MaxStatusAge: a keeper status older than this counts as the chain
	// being unreadable (the keeper's reads hang). 0 disables; set it above
	// chain.poll_interval, e.g. 3 × poll_interval + request_timeout.
	MaxStatusAge time.Duration
	// Rounds is how many round records are searched for missed rounds
	// (0 means 32).
	Rounds int
	// SendWindowBlocks is how many blockNum() blocks past the grace window
	// lpops' own reward attempt may take in act mode before RewardNotCalled
	// fires (0 means defaultSendWindowBlocks). It fires at the grace end
	// when lpops cannot send (observe mode, no key, no funds, fee above the
	// cap, a reverting simulation, too late in the round).
	SendWindowBlocks uint64
	// UnreadableHold is ChainUnreadable's Observation.Hold: while no
	// endpoint answers, the RPC probe's ChainUnavailable says so and
	// inhibits ChainUnreadable, which is notified only when the keeper alone
	// cannot read for this long. Set it to the time the RPC probe needs to
	// see an outage begin and the keeper to see it end: probes.rpc.interval
	// + chain.request_timeout + chain.poll_interval + probes.interval.
	UnreadableHold time.Duration
}

// Duty turns the keeper's view into alerts. It reads nothing from the chain:
// the keeper already does, and a duty is judged only from a successful read.
//
// While the keeper cannot read the chain, ChainUnreadable fires (critical,
// Provides "chain"; it also Requires "chain", so that ChainUnavailable, the
// same outage seen by the RPC probe, inhibits it and one outage is one
// notice) and no other duty observation is emitted at all: their
// state is unknown, so they neither fire nor resolve, and the alerts already
// firing are inhibited by the engine. A round is never reported missed
// because the source was down: the keeper settles a round missed only from a
// read after the round ended.
//
// RewardMissed has one alert per missed round (label round). It fires while
// no later round has been rewarded or passed inactive (the duty is not back
// on track) and resolves when one has: the operator hears "missed round N"
// and, once things work again, that it is resolved.
type Duty struct {
	cfg     DutyConfig
	status  func() keeper.Status
	history History
	now     func() time.Time

	mu     sync.Mutex
	missed map[uint64]bool // rounds whose RewardMissed this process sent firing
}

var _ Probe = (*Duty)(nil)

// NewDuty returns the duty probe over the keeper's status and round records
// ((*keeper.Keeper).Status and History).
func NewDuty(status func() keeper.Status, history History, cfg DutyConfig, now func() time.Time) *Duty {
	if now == nil {
		now = time.Now
	}
	if cfg.Name == "" {
		cfg.Name = "duty"
	}
	if cfg.Rounds <= 0 {
		cfg.Rounds = defaultDutyRounds
	}
	if cfg.SendWindowBlocks == 0 {
		cfg.SendWindowBlocks = defaultSendWindowBlocks
	}
	return &Duty{cfg: cfg, status: status, history: history, now: now, missed: map[uint64]bool{}}
}

// Name implements Probe.
func (p *Duty) Name() string { return p.cfg.Name }

// Check implements Probe.
func (p *Duty) Check(ctx context.Context) Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := p.now()
	r := &Result{Probe: p.Name(), Orchestrator: lower(p.cfg.Orchestrator), Values: map[string]float64{}, Evidence: map[string]string{}}
	s := p.status()
	labels := func() map[string]string { return map[string]string{"orchestrator": lower(p.cfg.Orchestrator)} }
	r.Evidence["keeper_state"] = s.State
	if s.Reason != "" {
		r.Evidence["keeper_reason"] = s.Reason
	}
	if s.LastRead.IsZero() && s.LastError == "" {
		// The keeper has not tried yet: nothing is known, nothing is wrong.
		r.Evidence["keeper"] = "no chain read yet"
		r.Success = true
		return finish(r, start, p.now)
	}

	r.Observations = append(r.Observations, p.corrupt(s))

	unreadable := alert.Observation{Name: AlertChainUnreadable, Severity: alert.Critical, Provides: "chain", Requires: "chain",
		Hold: p.cfg.UnreadableHold, Labels: labels()}
	age := time.Duration(0)
	if !s.LastRead.IsZero() {
		age = p.now().Sub(s.LastRead)
		r.Values["status_age_seconds"] = age.Seconds()
	}
	switch {
	case s.State == stateChainUnreadable || !s.ChainOK && s.LastRead.IsZero():
		unreadable.Firing = true
		unreadable.Summary = "lpops cannot read the chain: reward duty status unknown (not counted as missed)"
		unreadable.Description = "Last error: " + s.LastError
		if !s.LastRead.IsZero() {
			unreadable.Description += fmt.Sprintf(". Last successful read %s ago (round %d).", age.Round(time.Second), s.Round)
		}
	case p.cfg.MaxStatusAge > 0 && age > p.cfg.MaxStatusAge:
		unreadable.Firing = true
		unreadable.Summary = fmt.Sprintf("lpops has not read the chain for %s: reward duty status unknown", age.Round(time.Second))
		unreadable.Description = fmt.Sprintf("The keeper's last successful read was at %s (round %d); reads are expected at least every %s.",
			s.LastRead.UTC().Format(time.RFC3339), s.Round, p.cfg.MaxStatusAge)
	default:
		unreadable.Summary = "lpops reads the chain"
	}
	r.Observations = append(r.Observations, unreadable)
	r.Values["chain_readable"] = boolValue(!unreadable.Firing)
	if unreadable.Firing {
		r.Error = unreadable.Summary
		return finish(r, start, p.now)
	}

	r.Evidence["round"] = strconv.FormatUint(s.Round, 10)
	r.Values["round"] = float64(s.Round)
	r.Values["last_reward_round"] = float64(s.LastRewardRound)
	obs := func(name string, sev alert.Severity, firing bool, summary, desc string) {
		r.Observations = append(r.Observations, alert.Observation{
			Name: name, Severity: sev, Firing: firing, Requires: "chain", Labels: labels(), Summary: summary, Description: desc,
		})
	}

	// Active decides, as in the keeper: unbonded mid-round is still owed.
	due := s.Active && s.LastRewardRound < s.Round
	notCalled := due && s.BlockNum >= s.GraceEndBlock && !p.inHand(s)
	obs(AlertRewardNotCalled, alert.Warning, notCalled,
		fmt.Sprintf("Reward not called in round %d, %d blocks after the grace window ended", s.Round, sub(s.BlockNum, s.GraceEndBlock)),
		fmt.Sprintf("Round %d started at block %d; the node's grace window ended at block %d; now block %d, %d blocks left in the round. lpops: %s (%s).",
			s.Round, s.RoundStartBlock, s.GraceEndBlock, s.BlockNum, s.BlocksLeft, s.State, s.Reason))

	stuck, stuckDesc := p.stuckTx(s)
	obs(AlertRewardTxStuck, alert.Critical, stuck, fmt.Sprintf("Reward transaction for round %d not mined", s.Round), stuckDesc)
	obs(AlertInsufficientFunds, alert.Critical, s.State == keeper.StateInsufficientFunds,
		fmt.Sprintf("Signer cannot pay for reward in round %d", s.Round), s.Reason)
	obs(AlertFeeAboveCap, alert.Warning, s.State == keeper.StateFeeAboveCap,
		fmt.Sprintf("Reward for round %d waits: fee above the cap", s.Round), s.Reason)
	obs(AlertRewardWouldRevert, alert.Critical, s.State == keeper.StateWouldRevert,
		fmt.Sprintf("Reward for round %d would revert: %s", s.Round, s.Reason), s.Reason)

	r.Observations = append(r.Observations, p.missedObservations(r)...)
	r.Success = true
	return finish(r, start, p.now)
}

// corrupt is StateCorrupt: it fires while the store holds round records the
// keeper could not decode and set aside. It needs no chain: the store is
// the source. It resolves once the quarantined records are removed.
func (p *Duty) corrupt(s keeper.Status) alert.Observation {
	o := alert.Observation{Name: AlertStateCorrupt, Severity: alert.Critical, Firing: len(s.Quarantined) > 0,
		Labels: map[string]string{"orchestrator": lower(p.cfg.Orchestrator)}, Summary: "lpops' round records are readable"}
	if !o.Firing {
		return o
	}
	rounds := make([]string, len(s.Quarantined))
	for i, c := range s.Quarantined {
		rounds[i] = strconv.FormatUint(c.Round, 10)
	}
	last := s.Quarantined[len(s.Quarantined)-1]
	o.Summary = fmt.Sprintf("Unreadable round record(s) quarantined: round %s", strings.Join(rounds, ", "))
	o.Description = fmt.Sprintf("lpops could not decode its record of round %d (%d bytes: %s) and moved it, bytes intact, to the store's quarantine bucket; "+
		"it goes on from chain state and sends nothing while a transaction it may have sent could still be pending. lpops: %s (%s).",
		last.Round, last.Bytes, last.Error, s.State, s.Reason)
	return o
}

// inHand reports whether, past the grace window, lpops itself is taking
// care of the reward: in act mode, while it sends or waits for its own
// transaction (RewardTxStuck says when that takes too long), and, for
// SendWindowBlocks past the grace end, while it is about to send or retries,
// unless it is in a state where it cannot send at all.
func (p *Duty) inHand(s keeper.Status) bool {
	if s.Mode != "act" {
		return false
	}
	switch s.State {
	case keeper.StateSending, keeper.StatePending:
		return true
	case keeper.StateCannotSign, keeper.StateObserving, keeper.StateInsufficientFunds, keeper.StateFeeAboveCap,
		keeper.StateWouldRevert, keeper.StateTooLate, keeper.StateGasAboveBound, keeper.StateUnknownInFlight:
		return false
	}
	return s.BlockNum < s.GraceEndBlock+p.cfg.SendWindowBlocks
}

// stuckTx reports a reward attempt whose first transaction was signed
// longer than StuckAfter ago and is still not mined.
func (p *Duty) stuckTx(s keeper.Status) (bool, string) {
	var first *keeper.Tx
	open := 0
	for _, t := range s.Txs {
		if t.Kind != keeper.KindReward || (t.State != keeper.TxSigned && t.State != keeper.TxSent) {
			continue
		}
		open++
		if first == nil || t.SignedAt.Before(first.SignedAt) {
			first = t
		}
	}
	if first == nil {
		return false, "no reward transaction in flight"
	}
	// SignedAt, not SentAt: a re-broadcast refreshes SentAt, and a
	// replacement leaves the first transaction in flight until its nonce is
	// mined, so the first one's signing time is when the attempt began.
	age := p.now().Sub(first.SignedAt)
	desc := fmt.Sprintf("%d reward transaction(s) in flight; the first, %s (nonce %d), signed %s ago at up to %s wei/gas. lpops: %s (%s).",
		open, first.Hash.Hex(), first.Nonce, age.Round(time.Second), first.MaxFee, s.State, s.Reason)
	return p.cfg.StuckAfter > 0 && age >= p.cfg.StuckAfter, desc
}

// missedObservations reports missed rounds from the keeper's records.
func (p *Duty) missedObservations(r *Result) []alert.Observation {
	if p.history == nil {
		return nil
	}
	recs, err := p.history(p.cfg.Rounds)
	if err != nil {
		r.Evidence["history_error"] = err.Error()
		return nil
	}
	var good uint64 // newest round rewarded or passed inactive
	var missed []*keeper.Record
	inWindow := map[uint64]bool{}
	for _, rec := range recs {
		inWindow[rec.Round] = true
		switch rec.Outcome {
		case keeper.OutcomeRewardedByNode, keeper.OutcomeRewardedByLpops, keeper.OutcomeInactive:
			good = max(good, rec.Round)
		case keeper.OutcomeMissed:
			missed = append(missed, rec)
		}
	}
	sort.Slice(missed, func(i, j int) bool { return missed[i].Round < missed[j].Round })
	var out []alert.Observation
	firing := 0
	for _, rec := range missed {
		o := p.missed1(rec.Round)
		o.Firing = rec.Round > good
		o.Description = fmt.Sprintf("Round %d (blocks %d-%d) ended without a reward while the orchestrator was active; its LPT inflation is lost. Last keeper state: %s.",
			rec.Round, rec.StartBlock, rec.StartBlock+rec.Length-1, rec.Reason)
		if !o.Firing {
			o.Description += fmt.Sprintf(" Round %d was settled since.", good)
		}
		if o.Firing {
			p.missed[rec.Round] = true
			firing++
		} else {
			delete(p.missed, rec.Round)
		}
		out = append(out, o)
	}
	// Rounds sent firing that left the window: resolve them once a later
	// round is fine.
	for round := range p.missed {
		if !inWindow[round] && good > round {
			o := p.missed1(round)
			o.Description = fmt.Sprintf("Round %d was settled since.", good)
			out = append(out, o)
			delete(p.missed, round)
		}
	}
	r.Values["missed_rounds_firing"] = float64(firing)
	return out
}

func (p *Duty) missed1(round uint64) alert.Observation {
	return alert.Observation{
		Name: AlertRewardMissed, Severity: alert.Critical, Requires: "chain",
		Labels:  map[string]string{"orchestrator": lower(p.cfg.Orchestrator), "round": strconv.FormatUint(round, 10)},
		Summary: fmt.Sprintf("Reward missed in round %d", round),
	}
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}
