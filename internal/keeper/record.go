package keeper

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/store"
)

// Round outcomes, the `result` label of lpops_rounds_total.
const (
	OutcomeRewardedByNode  = "rewarded_by_node"
	OutcomeRewardedByLpops = "rewarded_by_lpops"
	OutcomeMissed          = "missed"
	// OutcomeInactive: the orchestrator was not active, nothing was due.
	OutcomeInactive = "inactive"
	// OutcomeUnknown: lpops could not read the chain late enough in the round
	// to know; never counted as missed.
	OutcomeUnknown = "unknown"
)

// Keeper states, shown in status: what the keeper is doing about this round.
const (
	StateWaitingGrace      = "waiting_grace"       // node's turn
	StateWaitingInit       = "waiting_initialized" // round not initialized yet
	StateNotActive         = "not_active"
	StateNotRegistered     = "not_registered"
	StateDone              = "done"
	StateSending           = "sending"
	StatePending           = "tx_pending"
	StateWouldRevert       = "would_revert"
	StateInsufficientFunds = "insufficient_funds"
	StateFeeAboveCap       = "fee_above_cap"
	StateCannotSign        = "cannot_sign"
	StateObserving         = "observe_only"
	StateRetrying          = "retrying"
	// StateGasAboveBound: the endpoint's gas estimate is above
	// MaxGasEstimate; nothing is signed.
	StateGasAboveBound = "gas_above_bound"
	// StateUnknownInFlight: the round's record (or the previous round's)
	// was unreadable and quarantined, and the account has a transaction in
	// a pool that lpops cannot identify: it may be lpops' own, so nothing
	// is sent until it is mined or dropped.
	StateUnknownInFlight = "unknown_in_flight"
	// StateTooLate: so few blocks are left in the round that a reward sent
	// now would likely be mined in the next round and revert; nothing is
	// sent.
	StateTooLate = "too_late"
	// StateStandby: HA mode, another instance leads and sends; this one
	// watches (its keeper neither decides nor writes).
	StateStandby = "standby"
)

// Transaction kinds.
const (
	KindReward          = "reward"
	KindInitializeRound = "initialize_round"
)

// Transaction states.
const (
	TxSigned   = "signed"   // written to the store, maybe not broadcast yet
	TxSent     = "sent"     // broadcast (or outcome unknown): may be mined
	TxMined    = "mined"    // mined, status 1
	TxReverted = "reverted" // mined, status 0
	TxReplaced = "replaced" // another of our transactions took its nonce
	TxDropped  = "dropped"  // its nonce was consumed by a transaction we did not send
	TxRejected = "rejected" // every endpoint refused it (never in a pool)
)

// Tx is one transaction lpops signed.
type Tx struct {
	Kind     string        `json:"kind"`
	Method   string        `json:"method"`
	Hash     common.Hash   `json:"hash"`
	Nonce    uint64        `json:"nonce"`
	GasLimit uint64        `json:"gas_limit"`
	MaxFee   *Wei          `json:"max_fee_per_gas"`
	Tip      *Wei          `json:"max_priority_fee_per_gas"`
	Raw      hexutil.Bytes `json:"raw,omitempty"`
	State    string        `json:"state"`
	SignedAt time.Time     `json:"signed_at"`
	SentAt   time.Time     `json:"sent_at,omitzero"`
	// SentBlockNum is RoundsManager.blockNum() (the round clock: the L1
	// block on Arbitrum) of the chain read on which lpops signed and first
	// broadcast the transaction, in the same tick; SentHead is that read's
	// L2 head (eth_blockNumber). Compare SentBlockNum with the record's
	// grace_end_block_num: both count blockNum() blocks.
	SentBlockNum uint64 `json:"sent_block_num,omitempty"`
	SentHead     uint64 `json:"sent_head,omitempty"`
	// Block is the block that included the transaction, in the chain's own
	// numbering (the L2 block on Arbitrum, not blockNum()).
	Block   uint64 `json:"block,omitempty"`
	GasUsed uint64 `json:"gas_used,omitempty"`
	FeePaid *Wei   `json:"fee_paid_wei,omitempty"`
	Error   string `json:"error,omitempty"`
	// EarlierRound marks a reward carried over from the previous round that
	// was mined before this round began: it rewarded that round, not this
	// one, so this round's reward is still due.
	EarlierRound bool           `json:"earlier_round,omitempty"`
	From         common.Address `json:"from"`
}

func (t *Tx) inFlight() bool { return t.State == TxSigned || t.State == TxSent }

// Record is the persisted keeper state of one orchestrator in one round.
type Record struct {
	Orchestrator common.Address `json:"orchestrator"`
	Round        uint64         `json:"round"`
	StartBlock   uint64         `json:"start_block"`
	Length       uint64         `json:"length"`
	FirstSeen    time.Time      `json:"first_seen"`
	LastSeen     time.Time      `json:"last_seen"`
	// LastSeenUnrewardedHead is the L2 head of the last read that saw the
	// round unrewarded: the node's Reward event lies after it.
	LastSeenUnrewardedHead uint64 `json:"last_seen_unrewarded_head,omitempty"`

	// GraceEndBlockNum is the blockNum() at which the node's grace window
	// ends and lpops may send (start_block + reward.grace_blocks).
	GraceEndBlockNum uint64 `json:"grace_end_block_num,omitempty"`

	Initialized bool   `json:"initialized"`
	WasActive   bool   `json:"was_active"`
	Outcome     string `json:"outcome,omitempty"`
	RewardedBy  string `json:"rewarded_by,omitempty"` // node | lpops
	RewardTx    string `json:"reward_tx,omitempty"`
	// RewardAmount is the LPT minted to the orchestrator (wei of LPT).
	RewardAmount *Wei `json:"reward_amount,omitempty"`
	// RewardBlock is the block of the reward transaction (0: not found);
	// RewardSeenAt is when lpops saw the round rewarded, within one chain
	// read of the call.
	RewardBlock  uint64    `json:"reward_block,omitempty"`
	RewardSeenAt time.Time `json:"reward_seen_at,omitzero"`

	State         string    `json:"state"`
	Reason        string    `json:"reason,omitempty"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	// FundsNeeded is what the last attempt needed in wei when the balance
	// fell short; sending resumes once the balance covers it.
	FundsNeeded *Wei `json:"funds_needed_wei,omitempty"`
	// FundsKind is the transaction kind FundsNeeded was computed for.
	FundsKind string `json:"funds_kind,omitempty"`

	Txs []*Tx `json:"txs"`
}

// UnmarshalJSON decodes a stored record, refusing one whose transaction list
// holds a null: every helper walks the list, so such a record would crash
// the keeper on each tick instead of being reported as corrupt.
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	for i, t := range p.Txs {
		if t == nil {
			return fmt.Errorf("round record: txs[%d] is null", i)
		}
	}
	*r = Record(p)
	return nil
}

// final reports whether the round's outcome is settled.
func (r *Record) final() bool { return r.Outcome != "" }

func (r *Record) inFlight(kind string) []*Tx {
	var out []*Tx
	for _, t := range r.Txs {
		if t.Kind == kind && t.inFlight() {
			out = append(out, t)
		}
	}
	return out
}

// openNonce returns the nonce of the newest transaction of kind that may
// still be mined, so retries replace rather than add. Rejected transactions
// never reached a pool and hold no nonce: after one, the account's pending
// nonce is right, and it steps past a transaction of a shared account's
// other sender that took the nonce first (replacement underpriced).
func (r *Record) openNonce(kind string) (uint64, bool) {
	for i := len(r.Txs) - 1; i >= 0; i-- {
		t := r.Txs[i]
		if t.Kind != kind || t.State == TxRejected {
			continue
		}
		if t.inFlight() {
			return t.Nonce, true
		}
		return 0, false
	}
	return 0, false
}

// highestFee returns the highest fees of any transaction with nonce, which a
// replacement must outbid.
func (r *Record) highestFee(nonce uint64) (maxFee, tip *big.Int) {
	for _, t := range r.Txs {
		if t.Nonce != nonce || t.State == TxRejected {
			continue
		}
		if maxFee == nil || t.MaxFee.Int().Cmp(maxFee) > 0 {
			maxFee = t.MaxFee.Int()
		}
		if tip == nil || t.Tip.Int().Cmp(tip) > 0 {
			tip = t.Tip.Int()
		}
	}
	return maxFee, tip
}

func (r *Record) minedReward() *Tx {
	for _, t := range r.Txs {
		if t.Kind == KindReward && t.State == TxMined && !t.EarlierRound {
			return t
		}
	}
	return nil
}

const roundsBucket = "keeper.rounds"

func roundKey(orch common.Address, round uint64) []byte {
	return store.Uint64Key(orch.Bytes(), round)
}

// Backend is where round records are kept: *store.Store, the embedded
// bbolt file of a single host, or, in HA mode, etcd under the leader's lease
// (internal/ha), where every write is fenced: an instance that is no longer
// the leader cannot write, and since a signed transaction is written before
// it is broadcast, it cannot send. Writes are durable when they return;
// PutAll is all or nothing. Get returns store.ErrNotFound for an absent key
// and wraps store.ErrCorrupt for bytes that do not decode.
type Backend interface {
	Get(bucket string, key []byte, v any) error
	Put(bucket string, key []byte, v any) error
	PutAll(entries ...store.Entry) error
	Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error
	Move(from string, key []byte, to string) error
}

var _ Backend = (*store.Store)(nil)

// Records persists Records.
type Records struct {
	s Backend
	// beforeWrite, set by tests, runs before every Save and SaveAll; an
	// error fails the write (a process killed there).
	beforeWrite func() error
}

// NewRecords wraps a store; a nil store (a read-only look while the daemon
// holds it) gives Records that know no history.
func NewRecords(s *store.Store) *Records {
	if s == nil {
		return &Records{}
	}
	return &Records{s: s}
}

// NewRecordsOn keeps the records in b (etcd in HA mode).
func NewRecordsOn(b Backend) *Records { return &Records{s: b} }

// Available reports whether records can be read and written; without a
// store (a read-only look while the daemon holds it) history is unknown.
func (rs *Records) Available() bool { return rs.s != nil }

// Load returns the record of orch in round, or nil if none. A record that
// cannot be decoded is quarantined (see Quarantined) and reads as none.
func (rs *Records) Load(orch common.Address, round uint64) (*Record, error) {
	if rs.s == nil {
		return nil, nil
	}
	var r Record
	err := rs.s.Get(roundsBucket, roundKey(orch, round), &r)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if errors.Is(err, store.ErrCorrupt) {
		if qerr := rs.quarantine(roundKey(orch, round)); qerr != nil {
			return nil, fmt.Errorf("load round %d: %w (and set it aside: %w)", round, err, qerr)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load round %d: %w", round, err)
	}
	return &r, nil
}

// Save writes r durably.
func (rs *Records) Save(r *Record) error {
	if rs.s == nil {
		return errors.New("no writable state store")
	}
	if rs.beforeWrite != nil {
		if err := rs.beforeWrite(); err != nil {
			return fmt.Errorf("save round %d: %w", r.Round, err)
		}
	}
	if err := rs.s.Put(roundsBucket, roundKey(r.Orchestrator, r.Round), r); err != nil {
		return fmt.Errorf("save round %d: %w", r.Round, err)
	}
	return nil
}

// SaveAll writes every record of rs in one store transaction: after a
// crash either all of them are on disk or none.
func (rs *Records) SaveAll(recs ...*Record) error {
	if rs.s == nil {
		return errors.New("no writable state store")
	}
	if rs.beforeWrite != nil {
		if err := rs.beforeWrite(); err != nil {
			return err
		}
	}
	entries := make([]store.Entry, len(recs))
	rounds := make([]uint64, len(recs))
	for i, r := range recs {
		entries[i] = store.Entry{Bucket: roundsBucket, Key: roundKey(r.Orchestrator, r.Round), Value: r}
		rounds[i] = r.Round
	}
	if err := rs.s.PutAll(entries...); err != nil {
		return fmt.Errorf("save rounds %v: %w", rounds, err)
	}
	return nil
}

// Recent returns up to n records of orch, newest first. Records that cannot
// be decoded are quarantined (see Quarantined) and skipped.
func (rs *Records) Recent(orch common.Address, n int) ([]*Record, error) {
	if rs.s == nil {
		return nil, nil
	}
	var out []*Record
	var corrupt [][]byte
	err := rs.s.Scan(roundsBucket, orch.Bytes(), true, func(k, v []byte) bool {
		var r Record
		if err := json.Unmarshal(v, &r); err != nil {
			corrupt = append(corrupt, append([]byte(nil), k...))
			return true
		}
		out = append(out, &r)
		return len(out) < n
	})
	if err != nil {
		return nil, err
	}
	for _, k := range corrupt {
		// A read-only store cannot move it: it is skipped all the same.
		_ = rs.quarantine(k)
	}
	return out, nil
}

// quarantineBucket holds round records that could not be decoded, under
// their own key, bytes unchanged, for a person to read.
const quarantineBucket = "keeper.rounds.quarantine"

// CorruptRecord names a round record that could not be decoded and was set
// aside in the store's quarantine bucket.
type CorruptRecord struct {
	Round uint64 `json:"round"`
	Error string `json:"error"`
	Bytes int    `json:"bytes"`
}

func (rs *Records) quarantine(key []byte) error {
	err := rs.s.Move(roundsBucket, key, quarantineBucket)
	if errors.Is(err, store.ErrNotFound) {
		return nil // set aside already
	}
	return err
}

// Quarantined lists orch's round records set aside as undecodable, oldest
// first.
func (rs *Records) Quarantined(orch common.Address) ([]CorruptRecord, error) {
	if rs.s == nil {
		return nil, nil
	}
	var out []CorruptRecord
	err := rs.s.Scan(quarantineBucket, orch.Bytes(), false, func(k, v []byte) bool {
		c := CorruptRecord{Bytes: len(v), Error: "unreadable"}
		if len(k) == len(orch.Bytes())+8 {
			c.Round = binary.BigEndian.Uint64(k[len(orch.Bytes()):])
		}
		var r Record
		if err := json.Unmarshal(v, &r); err != nil {
			c.Error = err.Error()
		}
		out = append(out, c)
		return true
	})
	return out, err
}
