package livepeer

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// This file holds what the watching probes (stake, fees) read beyond the
// keeper's Snapshot: the transcoder pool views, the events that change an
// orchestrator's standing or earnings, and log queries that keep each log's
// position (block, transaction, index) so that an event can be named and
// counted exactly once.

// bondingManagerWatchABI holds the BondingManager functions and events only
// the probes use. Signatures are those of livepeer/protocol (branch delta).
const bondingManagerWatchABI = `[
{"type":"function","name":"getTranscoderPoolMaxSize","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"getTranscoderPoolSize","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
{"type":"function","name":"getFirstTranscoderInPool","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"address"}]},
{"type":"function","name":"getNextTranscoderInPool","stateMutability":"view","inputs":[{"name":"_transcoder","type":"address"}],"outputs":[{"name":"","type":"address"}]},
{"type":"event","name":"TranscoderUpdate","anonymous":false,"inputs":[{"indexed":true,"name":"transcoder","type":"address"},{"indexed":false,"name":"rewardCut","type":"uint256"},{"indexed":false,"name":"feeShare","type":"uint256"}]},
{"type":"event","name":"Rebond","anonymous":false,"inputs":[{"indexed":true,"name":"delegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"unbondingLockId","type":"uint256"},{"indexed":false,"name":"amount","type":"uint256"}]},
{"type":"event","name":"EarningsClaimed","anonymous":false,"inputs":[{"indexed":true,"name":"delegate","type":"address"},{"indexed":true,"name":"delegator","type":"address"},{"indexed":false,"name":"rewards","type":"uint256"},{"indexed":false,"name":"fees","type":"uint256"},{"indexed":false,"name":"startRound","type":"uint256"},{"indexed":false,"name":"endRound","type":"uint256"}]}
]`

// ticketBrokerABI holds the TicketBroker event the fees probe counts.
const ticketBrokerABI = `[
{"type":"event","name":"WinningTicketRedeemed","anonymous":false,"inputs":[{"indexed":true,"name":"sender","type":"address"},{"indexed":true,"name":"recipient","type":"address"},{"indexed":false,"name":"faceValue","type":"uint256"},{"indexed":false,"name":"winProb","type":"uint256"},{"indexed":false,"name":"senderNonce","type":"uint256"},{"indexed":false,"name":"recipientRand","type":"uint256"},{"indexed":false,"name":"auxData","type":"bytes"}]}
]`

// Parsed ABIs of the parts of the contracts only the probes use.
var (
	BondingManagerWatchABI = mustABI(bondingManagerWatchABI)
	TicketBrokerABI        = mustABI(ticketBrokerABI)
)

// Event topics (keccak256 of the signature) of the events the probes watch.
var (
	TopicBond                  = BondingManagerABI.Events["Bond"].ID
	TopicUnbond                = BondingManagerABI.Events["Unbond"].ID
	TopicReward                = BondingManagerABI.Events["Reward"].ID
	TopicTranscoderSlashed     = BondingManagerABI.Events["TranscoderSlashed"].ID
	TopicTranscoderActivated   = BondingManagerABI.Events["TranscoderActivated"].ID
	TopicTranscoderDeactivated = BondingManagerABI.Events["TranscoderDeactivated"].ID
	TopicTranscoderUpdate      = BondingManagerWatchABI.Events["TranscoderUpdate"].ID
	// Rebond and EarningsClaimed change a delegate's stake or a delegator's
	// bonded amount without a Bond or Unbond: the stake probe follows them
	// only to know when to read the standing again (it alerts on neither).
	TopicRebond                = BondingManagerWatchABI.Events["Rebond"].ID
	TopicEarningsClaimed       = BondingManagerWatchABI.Events["EarningsClaimed"].ID
	TopicWinningTicketRedeemed = TicketBrokerABI.Events["WinningTicketRedeemed"].ID
)

// AddressTopic is the topic an indexed address argument is filtered by.
func AddressTopic(a common.Address) common.Hash { return common.BytesToHash(a.Bytes()) }

// EventLog is one eth_getLogs entry with the position that identifies it on
// chain: (TxHash, Index) names a log uniquely, and survives restarts.
type EventLog struct {
	Address     common.Address `json:"address"`
	Topics      []common.Hash  `json:"topics"`
	Data        hexutil.Bytes  `json:"data"`
	BlockNumber hexutil.Uint64 `json:"blockNumber"`
	BlockHash   common.Hash    `json:"blockHash"`
	TxHash      common.Hash    `json:"transactionHash"`
	Index       hexutil.Uint   `json:"logIndex"`
	Removed     bool           `json:"removed"`
}

// Block is the log's block number.
func (l EventLog) Block() uint64 { return uint64(l.BlockNumber) }

// LogQuery is one eth_getLogs filter without its block range: logs of any of
// Addresses whose topics match Topics position by position (each position a
// list of alternatives; an empty list matches anything).
type LogQuery struct {
	Addresses []common.Address
	Topics    [][]common.Hash
}

// Elem returns the eth_getLogs request of q over blocks [from, to], decoding
// into out, for callers that assemble their own batch.
func (q LogQuery) Elem(from, to uint64, out *[]EventLog) rpc.BatchElem {
	topics := make([]any, len(q.Topics))
	for i, alts := range q.Topics {
		switch len(alts) {
		case 0:
			topics[i] = nil
		case 1:
			topics[i] = alts[0]
		default:
			topics[i] = alts
		}
	}
	filter := map[string]any{
		"fromBlock": hexutil.Uint64(from),
		"toBlock":   hexutil.Uint64(to),
		"topics":    topics,
	}
	if len(q.Addresses) == 1 {
		filter["address"] = q.Addresses[0]
	} else {
		filter["address"] = q.Addresses
	}
	return rpc.BatchElem{Method: "eth_getLogs", Args: []any{filter}, Result: out}
}

// MergeLogs joins the answers of several queries: removed logs are dropped,
// a log matched by two queries is kept once, and the result is in chain
// order (block, then log index).
func MergeLogs(sets ...[]EventLog) []EventLog {
	type key struct {
		tx  common.Hash
		idx uint
	}
	seen := map[key]bool{}
	var out []EventLog
	for _, set := range sets {
		for _, l := range set {
			k := key{l.TxHash, uint(l.Index)}
			if l.Removed || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].BlockNumber != out[j].BlockNumber {
			return out[i].BlockNumber < out[j].BlockNumber
		}
		return out[i].Index < out[j].Index
	})
	return out
}

// GetLogs runs the queries over blocks [from, to] in one batch and merges
// their answers (see MergeLogs).
func GetLogs(ctx context.Context, c Caller, from, to uint64, qs ...LogQuery) ([]EventLog, error) {
	results := make([][]EventLog, len(qs))
	batch := make([]rpc.BatchElem, len(qs))
	for i, q := range qs {
		batch[i] = q.Elem(from, to, &results[i])
	}
	if err := c.BatchCall(ctx, batch); err != nil {
		return nil, fmt.Errorf("get logs %d-%d: %w", from, to, err)
	}
	for _, e := range batch {
		if e.Error != nil {
			return nil, fmt.Errorf("get logs %d-%d: %w", from, to, e.Error)
		}
	}
	return MergeLogs(results...), nil
}

// BondEvent is BondingManager Bond(newDelegate, oldDelegate, delegator,
// additionalAmount, bondedAmount). The new delegate gains bondedAmount when
// the delegator moves to it (additionalAmount when it stays); the old delegate
// loses bondedAmount - additionalAmount.
type BondEvent struct {
	NewDelegate, OldDelegate, Delegator common.Address
	AdditionalAmount, BondedAmount      *big.Int
	Log                                 EventLog
}

// UnbondEvent is BondingManager Unbond(delegate, delegator, unbondingLockId,
// amount, withdrawRound).
type UnbondEvent struct {
	Delegate, Delegator                    common.Address
	UnbondingLockID, Amount, WithdrawRound *big.Int
	Log                                    EventLog
}

// SlashEvent is BondingManager TranscoderSlashed(transcoder, finder, penalty,
// finderReward).
type SlashEvent struct {
	Transcoder, Finder    common.Address
	Penalty, FinderReward *big.Int
	Log                   EventLog
}

// ActivationEvent is BondingManager TranscoderActivated(transcoder,
// activationRound), or TranscoderDeactivated(transcoder, deactivationRound)
// when Deactivated is true.
type ActivationEvent struct {
	Transcoder  common.Address
	Round       *big.Int
	Deactivated bool
	Log         EventLog
}

// TranscoderUpdateEvent is BondingManager TranscoderUpdate(transcoder,
// rewardCut, feeShare), both in millionths.
type TranscoderUpdateEvent struct {
	Transcoder          common.Address
	RewardCut, FeeShare *big.Int
	Log                 EventLog
}

// RewardLogEvent is BondingManager Reward(transcoder, amount) with its log.
type RewardLogEvent struct {
	Transcoder common.Address
	Amount     *big.Int
	Log        EventLog
}

// TicketEvent is TicketBroker WinningTicketRedeemed(sender, recipient,
// faceValue, winProb, senderNonce, recipientRand, auxData).
type TicketEvent struct {
	Sender, Recipient common.Address
	FaceValue         *big.Int
	WinProb           *big.Int
	Log               EventLog
}

// DecodeBondingEvent decodes l if it is one of the BondingManager bm events
// the probes watch. It returns a BondEvent, UnbondEvent, SlashEvent,
// ActivationEvent, TranscoderUpdateEvent or RewardLogEvent.
func DecodeBondingEvent(bm common.Address, l EventLog) (any, bool) {
	if l.Address != bm || len(l.Topics) == 0 {
		return nil, false
	}
	switch l.Topics[0] {
	case TopicBond:
		v, ok := unpackEvent(BondingManagerABI, "Bond", l, 3, 2)
		if !ok {
			return nil, false
		}
		return BondEvent{
			NewDelegate: topicAddress(l, 1), OldDelegate: topicAddress(l, 2), Delegator: topicAddress(l, 3),
			AdditionalAmount: bigAt(v, 0), BondedAmount: bigAt(v, 1), Log: l,
		}, true
	case TopicUnbond:
		v, ok := unpackEvent(BondingManagerABI, "Unbond", l, 2, 3)
		if !ok {
			return nil, false
		}
		return UnbondEvent{
			Delegate: topicAddress(l, 1), Delegator: topicAddress(l, 2),
			UnbondingLockID: bigAt(v, 0), Amount: bigAt(v, 1), WithdrawRound: bigAt(v, 2), Log: l,
		}, true
	case TopicTranscoderSlashed:
		v, ok := unpackEvent(BondingManagerABI, "TranscoderSlashed", l, 1, 3)
		if !ok {
			return nil, false
		}
		finder, _ := v[0].(common.Address)
		return SlashEvent{Transcoder: topicAddress(l, 1), Finder: finder, Penalty: bigAt(v, 1), FinderReward: bigAt(v, 2), Log: l}, true
	case TopicTranscoderActivated, TopicTranscoderDeactivated:
		name, deact := "TranscoderActivated", l.Topics[0] == TopicTranscoderDeactivated
		if deact {
			name = "TranscoderDeactivated"
		}
		v, ok := unpackEvent(BondingManagerABI, name, l, 1, 1)
		if !ok {
			return nil, false
		}
		return ActivationEvent{Transcoder: topicAddress(l, 1), Round: bigAt(v, 0), Deactivated: deact, Log: l}, true
	case TopicTranscoderUpdate:
		v, ok := unpackEvent(BondingManagerWatchABI, "TranscoderUpdate", l, 1, 2)
		if !ok {
			return nil, false
		}
		return TranscoderUpdateEvent{Transcoder: topicAddress(l, 1), RewardCut: bigAt(v, 0), FeeShare: bigAt(v, 1), Log: l}, true
	case TopicReward:
		v, ok := unpackEvent(BondingManagerABI, "Reward", l, 1, 1)
		if !ok {
			return nil, false
		}
		return RewardLogEvent{Transcoder: topicAddress(l, 1), Amount: bigAt(v, 0), Log: l}, true
	}
	return nil, false
}

// DecodeTicket decodes l if it is a WinningTicketRedeemed event of the
// TicketBroker tb.
func DecodeTicket(tb common.Address, l EventLog) (TicketEvent, bool) {
	if l.Address != tb || len(l.Topics) == 0 || l.Topics[0] != TopicWinningTicketRedeemed {
		return TicketEvent{}, false
	}
	v, ok := unpackEvent(TicketBrokerABI, "WinningTicketRedeemed", l, 2, 5)
	if !ok {
		return TicketEvent{}, false
	}
	return TicketEvent{Sender: topicAddress(l, 1), Recipient: topicAddress(l, 2), FaceValue: bigAt(v, 0), WinProb: bigAt(v, 1), Log: l}, true
}

// unpackEvent checks that l has the event's topic count and decodes its
// non-indexed arguments, all of which must be present.
func unpackEvent(a abi.ABI, name string, l EventLog, indexed, values int) ([]any, bool) {
	if len(l.Topics) != 1+indexed {
		return nil, false
	}
	v, err := a.Events[name].Inputs.NonIndexed().Unpack(l.Data)
	if err != nil || len(v) != values {
		return nil, false
	}
	for _, x := range v {
		if b, isBig := x.(*big.Int); isBig && b == nil {
			return nil, false
		}
	}
	return v, true
}

func topicAddress(l EventLog, i int) common.Address {
	return common.BytesToAddress(l.Topics[i].Bytes())
}

func bigAt(v []any, i int) *big.Int {
	if b, ok := v[i].(*big.Int); ok {
		return b
	}
	return new(big.Int)
}

// ViewCall is one eth_call of a contract view for callers that assemble their
// own batch (a probe reading several contracts, or state at an older block),
// or a balance read (NewBalanceCall).
type ViewCall struct {
	c     *call
	block string

	bal     *common.Address // a balance read (NewBalanceCall): no c
	balance *hexutil.Big    // its answer

	// Set by a ViewBatch's Done.
	done bool
	err  error
}

// NewViewCall packs a call of method on the contract at to, at the latest block.
func NewViewCall(a abi.ABI, to common.Address, method string, args ...any) *ViewCall {
	return &ViewCall{c: newCall(a, to, method, args...), block: "latest"}
}

// AtBlock makes the call read the state after block n.
func (v *ViewCall) AtBlock(n uint64) *ViewCall {
	v.block = hexutil.Uint64(n).String()
	return v
}

// Elem is the batch element of the call.
func (v *ViewCall) Elem() rpc.BatchElem {
	if v.bal != nil {
		v.balance = new(hexutil.Big)
		return rpc.BatchElem{Method: "eth_getBalance", Args: []any{*v.bal, v.block}, Result: v.balance}
	}
	return rpc.BatchElem{
		Method: "eth_call",
		Args:   []any{map[string]any{"to": v.c.to, "data": hexutil.Bytes(v.c.data)}, v.block},
		Result: &v.c.result,
	}
}

// Decode unpacks the answer in e into out (*bool, *uint8, *common.Address or
// **big.Int, one per return value).
func (v *ViewCall) Decode(e rpc.BatchElem, out ...any) error {
	return v.decodeWith(e.Error, out...)
}
