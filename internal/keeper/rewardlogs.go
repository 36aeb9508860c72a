package keeper

import (
	"context"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/livepeer"
)

// rewardLogs finds the Reward events a keeper looks for when its
// orchestrator was rewarded by someone else (settleRewarded). In a fleet the
// orchestrators' nodes usually reward within the same few blocks, and every
// keeper of a tick sees the chain at the same head: the first keeper's query
// asks for the events of every orchestrator of the fleet over its range, and
// the others of that tick take theirs from the answer instead of sending one
// eth_getLogs each. An answer is reused only for the same head (one tick's
// view of the chain), never across ticks, so a reorg between two ticks is
// read afresh.
type rewardLogs struct {
	chain Chain
	bm    common.Address
	orchs []common.Address

	mu       sync.Mutex
	ok       bool
	from, to uint64
	evs      []livepeer.RewardEvent
}

func newRewardLogs(chain Chain, bm common.Address, orchs []common.Address) *rewardLogs {
	return &rewardLogs{chain: chain, bm: bm, orchs: slices.Clone(orchs)}
}

// events returns orch's Reward events in blocks [from, to].
func (r *rewardLogs) events(ctx context.Context, orch common.Address, from, to uint64) ([]livepeer.RewardEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ok || to != r.to || from < r.from {
		evs, err := livepeer.RewardEventsOf(ctx, r.chain, r.bm, r.orchs, from, to)
		if err != nil {
			r.ok = false
			return nil, err
		}
		r.ok, r.from, r.to, r.evs = true, from, to, evs
	}
	var out []livepeer.RewardEvent
	for _, ev := range r.evs {
		if ev.Transcoder == orch && ev.Block >= from && ev.Block <= to {
			out = append(out, ev)
		}
	}
	return out, nil
}

// rewardEvents is orch's Reward events in [from, to]: from the fleet's
// shared lookup when the keeper is in a fleet, else one query of its own.
func (k *Keeper) rewardEvents(ctx context.Context, from, to uint64) ([]livepeer.RewardEvent, error) {
	if k.rewardLogs != nil {
		return k.rewardLogs.events(ctx, k.cfg.Orchestrator, from, to)
	}
	return livepeer.RewardEvents(ctx, k.chain, k.addrs.BondingManager, k.cfg.Orchestrator, from, to)
}
