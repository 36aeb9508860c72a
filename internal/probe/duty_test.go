package probe_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
)

// healthy is the status of a keeper that read the chain a second ago, in an
// active round whose grace window (blocks 100-120) has not ended.
func healthy(now time.Time) keeper.Status {
	return keeper.Status{
		Orchestrator: orchAddr, ChainOK: true, LastRead: now.Add(-time.Second),
		Round: 12, BlockNum: 110, RoundStartBlock: 100, RoundLength: 100, GraceEndBlock: 120, BlocksLeft: 90,
		RoundInitialized: true, Registered: true, Active: true, LastRewardRound: 11,
		State: keeper.StateWaitingGrace,
	}
}

func unreadable(s keeper.Status) keeper.Status {
	s.ChainOK = false
	s.LastError = "read protocol state: Post \"http://127.0.0.1:8545\": dial tcp: connection refused"
	s.State = "chain_unreadable"
	s.Reason = "cannot read the chain: ... (not counted as a missed round)"
	return s
}

var missedRound11 = []*keeper.Record{
	{Round: 12},
	{Round: 11, StartBlock: 0, Length: 100, Outcome: keeper.OutcomeMissed, Reason: "round ended without a reward"},
	{Round: 10, Outcome: keeper.OutcomeRewardedByNode},
}

// firing lists the firing observations as "Name" or "Name{round}".
func firingList(obs []alert.Observation) []string {
	var out []string
	for _, o := range obs {
		if !o.Firing {
			continue
		}
		n := o.Name
		if r := o.Labels["round"]; r != "" {
			n += "{" + r + "}"
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestDutyObservations(t *testing.T) {
	now := newClock()
	at := now.Now()
	for _, tc := range []struct {
		Name    string
		Status  func(keeper.Status) keeper.Status
		Records []*keeper.Record
		Want    []string // firing
		// Emitted lists names that must be observed (firing or not); Absent
		// names that must not be observed at all.
		Emitted, Absent []string
	}{
		{
			Name:    "NoReadYet",
			Status:  func(keeper.Status) keeper.Status { return keeper.Status{Orchestrator: orchAddr} },
			Records: missedRound11,
			Absent:  []string{probe.AlertChainUnreadable, probe.AlertRewardMissed, probe.AlertRewardNotCalled},
		},
		{
			Name:    "AllWell",
			Status:  func(s keeper.Status) keeper.Status { return s },
			Emitted: []string{probe.AlertChainUnreadable, probe.AlertRewardNotCalled, probe.AlertRewardTxStuck, probe.AlertInsufficientFunds, probe.AlertFeeAboveCap, probe.AlertRewardWouldRevert},
		},
		{
			Name:    "ChainUnreadableNoMissedNoNotCalled",
			Status:  func(s keeper.Status) keeper.Status { s.BlockNum = 190; return unreadable(s) },
			Records: missedRound11,
			Want:    []string{probe.AlertChainUnreadable},
			Absent:  []string{probe.AlertRewardMissed, probe.AlertRewardNotCalled, probe.AlertRewardTxStuck, probe.AlertInsufficientFunds},
		},
		{
			Name: "ChainNeverRead",
			Status: func(keeper.Status) keeper.Status {
				return unreadable(keeper.Status{Orchestrator: orchAddr})
			},
			Want:   []string{probe.AlertChainUnreadable},
			Absent: []string{probe.AlertRewardNotCalled},
		},
		{
			Name:   "StatusStale",
			Status: func(s keeper.Status) keeper.Status { s.LastRead = at.Add(-10 * time.Minute); return s },
			Want:   []string{probe.AlertChainUnreadable},
			Absent: []string{probe.AlertRewardNotCalled},
		},
		{
			Name:   "GraceOverNotRewarded",
			Status: func(s keeper.Status) keeper.Status { s.BlockNum = 125; return s },
			Want:   []string{probe.AlertRewardNotCalled},
		},
		{
			Name:   "GraceOverRewarded",
			Status: func(s keeper.Status) keeper.Status { s.BlockNum, s.LastRewardRound = 125, 12; return s },
			Want:   nil,
		},
		{
			Name:   "GraceOverInactive",
			Status: func(s keeper.Status) keeper.Status { s.BlockNum, s.Active = 125, false; return s },
			Want:   nil,
		},
		{
			Name: "InsufficientFunds",
			Status: func(s keeper.Status) keeper.Status {
				s.BlockNum, s.State, s.Reason = 125, keeper.StateInsufficientFunds, "balance 1000 wei, need 62500000000000 wei"
				return s
			},
			Want: []string{probe.AlertInsufficientFunds, probe.AlertRewardNotCalled},
		},
		{
			Name: "FeeAboveCap",
			Status: func(s keeper.Status) keeper.Status {
				s.BlockNum, s.State = 125, keeper.StateFeeAboveCap
				return s
			},
			Want: []string{probe.AlertFeeAboveCap, probe.AlertRewardNotCalled},
		},
		{
			Name: "WouldRevert",
			Status: func(s keeper.Status) keeper.Status {
				s.BlockNum, s.State, s.Reason = 125, keeper.StateWouldRevert, "reward would revert: Pausable: paused"
				return s
			},
			Want: []string{probe.AlertRewardNotCalled, probe.AlertRewardWouldRevert},
		},
		{
			Name: "TxStuck",
			Status: func(s keeper.Status) keeper.Status {
				s.BlockNum, s.State = 125, keeper.StatePending
				s.Txs = []*keeper.Tx{
					{Kind: keeper.KindReward, State: keeper.TxSent, SignedAt: at.Add(-5 * time.Minute), SentAt: at.Add(-5 * time.Minute)},
					{Kind: keeper.KindReward, State: keeper.TxSent, SignedAt: at.Add(-time.Minute), SentAt: at.Add(-time.Minute)}, // its replacement
				}
				return s
			},
			Want: []string{probe.AlertRewardNotCalled, probe.AlertRewardTxStuck},
		},
		{
			// In act mode lpops' own pending reward is the duty in hand:
			// no "not called" warning while it is not stuck.
			Name: "ActModeTxPendingInHand",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State = "act", 125, keeper.StatePending
				s.Txs = []*keeper.Tx{{Kind: keeper.KindReward, State: keeper.TxSent, SignedAt: at.Add(-time.Minute), SentAt: at.Add(-time.Minute)}}
				return s
			},
			Want: nil,
		},
		{
			// In act mode lpops sends at the end of the grace window itself:
			// no warning while it is about to (its last read was the grace
			// window's last block, or its first attempt is being retried
			// within its own window of blocks).
			Name:   "ActModeAboutToSendAtGraceEnd",
			Status: func(s keeper.Status) keeper.Status { s.Mode, s.BlockNum = "act", 120; return s },
			Want:   nil,
		},
		{
			Name: "ActModeRetryingWithinOwnWindow",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State, s.Reason = "act", 122, keeper.StateRetrying, "prepare reward: timeout"
				return s
			},
			Want: nil,
		},
		{
			Name: "ActModeRetryingPastOwnWindow",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State, s.Reason = "act", 125, keeper.StateRetrying, "prepare reward: timeout"
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			Name: "ActModeWaitingForInitializationPastOwnWindow",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State, s.RoundInitialized = "act", 125, keeper.StateWaitingInit, false
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			// lpops cannot send: no waiting for its own attempt.
			Name: "ActModeCannotSignAtGraceEnd",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State = "act", 120, keeper.StateCannotSign
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			Name: "ActModeInsufficientFundsAtGraceEnd",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State = "act", 121, keeper.StateInsufficientFunds
				return s
			},
			Want: []string{probe.AlertInsufficientFunds, probe.AlertRewardNotCalled},
		},
		{
			Name: "ActModeTooLate",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.BlocksLeft, s.State = "act", 121, 1, keeper.StateTooLate
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			Name: "ObserveModeAtGraceEnd",
			Status: func(s keeper.Status) keeper.Status {
				s.Mode, s.BlockNum, s.State = "observe", 120, keeper.StateObserving
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			Name: "TxPendingNotStuckYet",
			Status: func(s keeper.Status) keeper.Status {
				s.BlockNum, s.State = 125, keeper.StatePending
				s.Txs = []*keeper.Tx{{Kind: keeper.KindReward, State: keeper.TxSent, SignedAt: at.Add(-time.Minute), SentAt: at.Add(-time.Minute)}}
				return s
			},
			Want: []string{probe.AlertRewardNotCalled},
		},
		{
			Name:    "MissedRound",
			Status:  func(s keeper.Status) keeper.Status { return s },
			Records: missedRound11,
			Want:    []string{probe.AlertRewardMissed + "{11}"},
		},
		{
			Name:   "MissedRoundThenRewarded",
			Status: func(s keeper.Status) keeper.Status { s.Round, s.LastRewardRound = 13, 13; return s },
			Records: append([]*keeper.Record{{Round: 13}, {Round: 12, Outcome: keeper.OutcomeRewardedByLpops}},
				missedRound11[1:]...),
			Want:    nil,
			Emitted: []string{probe.AlertRewardMissed},
		},
		{
			Name:    "UnknownOutcomeIsNotMissed",
			Status:  func(s keeper.Status) keeper.Status { return s },
			Records: []*keeper.Record{{Round: 12}, {Round: 11, Outcome: keeper.OutcomeUnknown}},
			Want:    nil,
			Absent:  []string{probe.AlertRewardMissed},
		},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := tc.Status(healthy(at))
			p := probe.NewDuty(func() keeper.Status { return s }, history(tc.Records, nil), probe.DutyConfig{
				Orchestrator: orchAddr, StuckAfter: 3 * time.Minute, MaxStatusAge: 5 * time.Minute,
			}, now.Now)
			r := p.Check(context.Background())
			if g := firingList(r.Observations); !slices.Equal(g, tc.Want) {
				t.Fatalf("firing %v, want %v (all: %v)", g, tc.Want, names(r.Observations))
			}
			for _, o := range r.Observations {
				want := "chain"
				if o.Name == probe.AlertChainUnreadable {
					// Requires it too: ChainUnavailable, the same outage seen
					// by the RPC probe, inhibits it.
					if o.Provides != "chain" || o.Requires != "chain" {
						t.Errorf("ChainUnreadable provides %q requires %q, want provides and requires chain", o.Provides, o.Requires)
					}
					continue
				}
				if o.Name == probe.AlertStateCorrupt {
					continue // the store is its source, not the chain
				}
				if o.Requires != want {
					t.Errorf("%s requires %q, want %q", o.Name, o.Requires, want)
				}
			}
			for _, n := range tc.Emitted {
				if len(find(r.Observations, n, true))+len(find(r.Observations, n, false)) == 0 {
					t.Errorf("no %s observation", n)
				}
			}
			for _, n := range tc.Absent {
				if len(find(r.Observations, n, true))+len(find(r.Observations, n, false)) != 0 {
					t.Errorf("%s observed: %v", n, names(r.Observations))
				}
			}
		})
	}
}

// A missed round fires while the chain is readable, is left alone while it
// is not, and resolves once a later round is rewarded, even after it left
// the records window.
func TestDutyMissedRoundLifecycle(t *testing.T) {
	now := newClock()
	s := healthy(now.Now())
	recs := missedRound11
	p := probe.NewDuty(func() keeper.Status { return s }, func(n int) ([]*keeper.Record, error) {
		return recs[:min(n, len(recs))], nil
	}, probe.DutyConfig{Orchestrator: orchAddr, Rounds: 2}, now.Now)

	steps := []struct {
		Name    string
		Change  func()
		Firing  []string
		Resolve []string // RewardMissed rounds observed not firing
	}{
		{"Missed", func() {}, []string{"RewardMissed{11}"}, nil},
		{"SourceDown", func() { s = unreadable(s) }, []string{"ChainUnreadable"}, nil},
		{"SourceBack", func() { s = healthy(now.Now()) }, []string{"RewardMissed{11}"}, nil},
		{"LaterRoundsRewarded", func() {
			// Round 11 leaves the two-record window as 12 and 13 settle.
			recs = []*keeper.Record{{Round: 13, Outcome: keeper.OutcomeRewardedByNode}, {Round: 12, Outcome: keeper.OutcomeRewardedByNode}}
		}, nil, []string{"11"}},
		{"Quiet", func() {}, nil, nil},
	}
	for _, st := range steps {
		st.Change()
		r := p.Check(context.Background())
		if g := firingList(r.Observations); !slices.Equal(g, st.Firing) {
			t.Fatalf("%s: firing %v, want %v", st.Name, g, st.Firing)
		}
		var res []string
		for _, o := range find(r.Observations, probe.AlertRewardMissed, false) {
			res = append(res, o.Labels["round"])
		}
		if !slices.Equal(res, st.Resolve) {
			t.Fatalf("%s: RewardMissed resolved for rounds %v, want %v", st.Name, res, st.Resolve)
		}
	}
}

// StateCorrupt fires while the keeper names quarantined round records,
// whether or not the chain is readable (the store is its source), and names
// the rounds; it resolves once none is left.
func TestDutyStateCorrupt(t *testing.T) {
	now := newClock()
	for _, tc := range []struct {
		Name   string
		Status func(keeper.Status) keeper.Status
		Firing bool
	}{
		{"NoneQuarantined", func(s keeper.Status) keeper.Status { return s }, false},
		{"Quarantined", func(s keeper.Status) keeper.Status {
			s.Quarantined = []keeper.CorruptRecord{{Round: 12, Bytes: 20, Error: "unexpected end of JSON input"}}
			return s
		}, true},
		{"QuarantinedChainUnreadable", func(s keeper.Status) keeper.Status {
			s = unreadable(s)
			s.Quarantined = []keeper.CorruptRecord{{Round: 12, Bytes: 20, Error: "unexpected end of JSON input"}}
			return s
		}, true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s := tc.Status(healthy(now.Now()))
			p := probe.NewDuty(func() keeper.Status { return s }, nil, probe.DutyConfig{Orchestrator: orchAddr}, now.Now)
			r := p.Check(context.Background())
			got := find(r.Observations, probe.AlertStateCorrupt, true)
			if !tc.Firing {
				if len(got) != 0 || len(find(r.Observations, probe.AlertStateCorrupt, false)) != 1 {
					t.Fatalf("observations %v; want StateCorrupt observed, not firing", names(r.Observations))
				}
				return
			}
			if len(got) != 1 || got[0].Requires != "" || !strings.Contains(got[0].Summary, "12") || !strings.Contains(got[0].Description, "unexpected end of JSON input") {
				t.Fatalf("StateCorrupt %+v; want one firing, requiring no source, naming round 12 and the error", got)
			}
		})
	}
}
