package keeper

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/livepeer"
)

// Status is the keeper's view for `lpops status` and /api/v1/status. Big
// numbers are decimal strings so that JSON consumers never lose precision.
type Status struct {
	Orchestrator common.Address `json:"orchestrator"`
	// Signer is omitted without a signer (observe mode): omitzero, as
	// omitempty never omits an array such as common.Address.
	Signer       common.Address `json:"signer,omitzero"`
	Mode         string         `json:"mode"`
	RewardMethod string         `json:"reward_method,omitempty"`

	ChainOK   bool      `json:"chain_ok"`
	LastRead  time.Time `json:"last_read,omitzero"`
	LastError string    `json:"last_error,omitempty"`

	Round            uint64 `json:"round"`
	BlockNum         uint64 `json:"block_num"`
	RoundStartBlock  uint64 `json:"round_start_block"`
	RoundLength      uint64 `json:"round_length"`
	BlocksLeft       uint64 `json:"blocks_left"`
	SecondsLeft      int64  `json:"seconds_left_estimate,omitempty"`
	RoundInitialized bool   `json:"round_initialized"`
	GraceEndBlock    uint64 `json:"grace_end_block"`

	Registered      bool              `json:"registered"`
	Active          bool              `json:"active"`
	TotalStake      string            `json:"total_stake"`
	LastRewardRound uint64            `json:"last_reward_round"`
	RewardCaller    common.Address    `json:"reward_caller,omitempty"`
	Balances        map[string]string `json:"balances_wei"`

	// LastReward says who called reward in the last rewarded round, from
	// lpops' records (absent when lpops has no record of that round).
	LastReward *LastReward `json:"last_reward,omitempty"`

	State        string `json:"state"`
	Reason       string `json:"reason,omitempty"`
	RewardedBy   string `json:"rewarded_by,omitempty"`
	RewardTx     string `json:"reward_tx,omitempty"`
	RewardAmount string `json:"reward_amount,omitempty"`
	// RewardBlock and RewardSeenAt say when the round was rewarded: the
	// transaction's block and when lpops saw it.
	RewardBlock  uint64    `json:"reward_block,omitempty"`
	RewardSeenAt time.Time `json:"reward_seen_at,omitzero"`
	Txs          []*Tx     `json:"txs"`

	// Quarantined names the round records that could not be decoded and
	// were set aside in the store (bytes kept); the keeper goes on from
	// chain state.
	Quarantined []CorruptRecord `json:"quarantined,omitempty"`
}

// Status returns a copy of the keeper's latest status.
func (k *Keeper) Status() Status {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := k.status
	// Copies without the signed bytes: the API shows what was sent, not a
	// payload anyone could re-broadcast from a status page.
	s.Txs = make([]*Tx, len(k.status.Txs))
	for i, t := range k.status.Txs {
		c := *t
		c.Raw = nil
		s.Txs[i] = &c
	}
	bal := make(map[string]string, len(s.Balances))
	for a, v := range s.Balances {
		bal[a] = v
	}
	s.Balances = bal
	s.Quarantined = slices.Clone(k.status.Quarantined)
	return s
}

// Ready reports whether the keeper has read the chain successfully lately.
func (k *Keeper) Ready() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.status.ChainOK
}

// History returns the newest n round records.
// Signed transaction bytes are left out.
func (k *Keeper) History(n int) ([]*Record, error) {
	recs, err := k.records.Recent(k.cfg.Orchestrator, n)
	for _, r := range recs {
		for _, t := range r.Txs {
			t.Raw = nil
		}
	}
	return recs, err
}

func (k *Keeper) setStatus(snap *livepeer.Snapshot, rec *Record, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := &k.status
	s.ChainOK = err == nil
	s.LastError = ""
	if err != nil {
		s.LastError = err.Error()
	}
	s.LastRead = snap.ReadAt
	s.Round, s.BlockNum, s.RoundStartBlock, s.RoundLength = snap.CurrentRound, snap.BlockNum, snap.RoundStartBlock, snap.RoundLength
	s.BlocksLeft = 0
	if end := snap.RoundEndBlock(); end > snap.BlockNum {
		s.BlocksLeft = end - snap.BlockNum
	}
	s.SecondsLeft = int64((time.Duration(s.BlocksLeft) * k.clock.PerBlock()).Seconds())
	s.RoundInitialized = snap.RoundInitialized
	s.GraceEndBlock = snap.RoundStartBlock + k.cfg.GraceBlocks
	s.Registered, s.Active = snap.Registered, snap.Active
	s.TotalStake = bigStr(snap.TotalStake)
	s.LastRewardRound = snap.Transcoder.LastRewardRound
	s.RewardCaller = snap.RewardCaller
	s.Balances = map[string]string{}
	for a, v := range snap.Balances {
		s.Balances[strings.ToLower(a.Hex())] = v.String()
	}
	if k.signer != nil {
		if m, _, _, err := k.rewardCall(snap); err == nil {
			s.RewardMethod = m
		}
	}
	s.LastReward = k.lastReward(snap, rec)
	if rec == nil {
		return
	}
	s.State, s.Reason = rec.State, rec.Reason
	s.RewardedBy, s.RewardTx = rec.RewardedBy, rec.RewardTx
	s.RewardBlock, s.RewardSeenAt = rec.RewardBlock, rec.RewardSeenAt
	s.RewardAmount = ""
	if rec.RewardAmount != nil {
		s.RewardAmount = rec.RewardAmount.Int().String()
	}
	s.Txs = rec.Txs
}

// LastReward is the last rewarded round and who rewarded it.
type LastReward struct {
	Round  uint64    `json:"round"`
	By     string    `json:"by,omitempty"`
	Tx     string    `json:"tx,omitempty"`
	Amount string    `json:"amount,omitempty"`
	Block  uint64    `json:"block,omitempty"`
	SeenAt time.Time `json:"seen_at,omitzero"`
}

func (k *Keeper) lastReward(snap *livepeer.Snapshot, rec *Record) *LastReward {
	lrr := snap.Transcoder.LastRewardRound
	r := rec
	if r == nil || r.Round != lrr {
		var err error
		if r, err = k.records.Load(k.cfg.Orchestrator, lrr); err != nil || r == nil {
			return nil
		}
	}
	if r.RewardedBy == "" {
		return nil
	}
	lr := &LastReward{Round: r.Round, By: r.RewardedBy, Tx: r.RewardTx, Block: r.RewardBlock, SeenAt: r.RewardSeenAt}
	if r.RewardAmount != nil {
		lr.Amount = r.RewardAmount.String()
	}
	return lr
}

func bigStr(b *big.Int) string {
	if b == nil {
		return "0"
	}
	return b.String()
}
