package livepeer

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// RewardEvent is one BondingManager Reward(transcoder, amount) log.
type RewardEvent struct {
	Transcoder common.Address
	Amount     *big.Int
	TxHash     common.Hash
	Block      uint64
}

// Log is the subset of an eth_getLogs / receipt log lpops decodes. Arbitrum
// and anvil add fields; they are ignored.
type Log struct {
	Address     common.Address `json:"address"`
	Topics      []common.Hash  `json:"topics"`
	Data        hexutil.Bytes  `json:"data"`
	BlockNumber hexutil.Uint64 `json:"blockNumber"`
	TxHash      common.Hash    `json:"transactionHash"`
}

// DecodeReward decodes l if it is a Reward event of the BondingManager bm.
func DecodeReward(bm common.Address, l Log) (RewardEvent, bool) {
	ev := BondingManagerABI.Events["Reward"]
	if l.Address != bm || len(l.Topics) != 2 || l.Topics[0] != ev.ID {
		return RewardEvent{}, false
	}
	vals, err := ev.Inputs.NonIndexed().Unpack(l.Data)
	if err != nil || len(vals) != 1 {
		return RewardEvent{}, false
	}
	amt, _ := vals[0].(*big.Int)
	return RewardEvent{
		Transcoder: common.BytesToAddress(l.Topics[1].Bytes()),
		Amount:     amt, TxHash: l.TxHash, Block: uint64(l.BlockNumber),
	}, true
}

// RewardEvents returns the Reward events of orch in blocks [from, to] of the
// chain's own numbering (L2 blocks on Arbitrum).
func RewardEvents(ctx context.Context, c Caller, bm, orch common.Address, from, to uint64) ([]RewardEvent, error) {
	return RewardEventsOf(ctx, c, bm, []common.Address{orch}, from, to)
}

// RewardEventsOf returns the Reward events of any of orchs in blocks
// [from, to], in one eth_getLogs (the orchestrators are one OR-ed topic).
// Logs of other transcoders, should the endpoint return any, are dropped.
func RewardEventsOf(ctx context.Context, c Caller, bm common.Address, orchs []common.Address, from, to uint64) ([]RewardEvent, error) {
	want := make(map[common.Address]bool, len(orchs))
	var topic any
	if len(orchs) == 1 {
		topic = common.BytesToHash(orchs[0].Bytes())
	} else {
		t := make([]common.Hash, len(orchs))
		for i, o := range orchs {
			t[i] = common.BytesToHash(o.Bytes())
		}
		topic = t
	}
	for _, o := range orchs {
		want[o] = true
	}
	var logs []Log
	filter := map[string]any{
		"address":   bm,
		"fromBlock": hexutil.Uint64(from),
		"toBlock":   hexutil.Uint64(to),
		"topics":    []any{BondingManagerABI.Events["Reward"].ID, topic},
	}
	b := []rpc.BatchElem{{Method: "eth_getLogs", Args: []any{filter}, Result: &logs}}
	if err := c.BatchCall(ctx, b); err != nil {
		return nil, fmt.Errorf("get Reward logs: %w", err)
	}
	if b[0].Error != nil {
		return nil, fmt.Errorf("get Reward logs: %w", b[0].Error)
	}
	var out []RewardEvent
	for _, l := range logs {
		if ev, ok := DecodeReward(bm, l); ok && want[ev.Transcoder] && ev.Block >= from && ev.Block <= to {
			out = append(out, ev)
		}
	}
	return out, nil
}
