package keeper

import (
	"context"
	"fmt"
	"time"

	"github.com/lpops/lpops/internal/livepeer"
)

// Simulation is what `lpops reward` reports without sending.
type Simulation struct {
	Round        uint64 `json:"round"`
	Method       string `json:"method"`
	Due          bool   `json:"due"`
	WouldSucceed bool   `json:"would_succeed"`
	Reason       string `json:"reason,omitempty"`
	Gas          uint64 `json:"gas,omitempty"`
	MaxFee       string `json:"max_fee_per_gas,omitempty"`
	Tip          string `json:"max_priority_fee_per_gas,omitempty"`
	Balance      string `json:"balance_wei,omitempty"`
}

// Simulate reads the chain and simulates this round's reward call from the
// signer, sending nothing.
func (k *Keeper) Simulate(ctx context.Context) (*Simulation, error) {
	if k.signer == nil {
		return nil, fmt.Errorf("no signer configured (signer.keystore)")
	}
	snap, err := k.reader.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{Round: snap.CurrentRound}
	method, to, data, err := k.rewardCall(snap)
	if err != nil {
		sim.Reason = err.Error()
		return sim, nil
	}
	sim.Method = method
	sim.Due, sim.Reason = rewardDue(snap)
	p, err := k.prepare(ctx, to, data)
	if err != nil {
		return nil, err
	}
	// When the call is not due, why not says more than the revert or the fee
	// that follows from it.
	if e := firstErr(p.callErr, p.estErr); e != nil {
		if sim.Due {
			sim.Reason = "would revert: " + livepeer.RevertReason(e)
		}
		return sim, nil
	}
	maxFee, tip, why := price(p.baseFee(), p.gasPrice.ToInt(), p.tip.ToInt(), k.cfg.MaxFee, k.cfg.MaxTip)
	gas, err := gasLimit(uint64(p.gas))
	sim.Gas, sim.Balance = gas, p.balance.ToInt().String()
	if err != nil {
		if sim.Due {
			sim.Reason = err.Error()
		}
		return sim, nil
	}
	if why != "" {
		if sim.Due {
			sim.Reason = why
		}
		return sim, nil
	}
	sim.MaxFee, sim.Tip = maxFee.String(), tip.String()
	sim.WouldSucceed = true
	return sim, nil
}

func rewardDue(s *livepeer.Snapshot) (bool, string) {
	switch {
	case !s.RoundInitialized:
		return false, "round not initialized"
	case !s.Active && !s.Registered:
		return false, "orchestrator not registered"
	case !s.Active:
		return false, "orchestrator not active"
	case s.Rewarded():
		return false, fmt.Sprintf("already rewarded for round %d", s.CurrentRound)
	}
	return true, ""
}

// RewardNow calls reward for the current round at once (no grace), through
// the same persisted, exactly-once path as the daemon, and waits until the
// round is settled or the keeper is blocked (would revert, no funds, fee above
// cap, nothing due).
//
// An uninitialized round ends it too, unless initialize_round is enabled:
// then the round is initialized at once (no after_blocks either, this being an
// explicit request) and it waits on for the reward.
func (k *Keeper) RewardNow(ctx context.Context, timeout time.Duration) (Status, error) {
	k.cfg.GraceBlocks = 0
	k.cfg.InitAfterBlocks = 0
	deadline := time.Now().Add(timeout)
	for {
		d := k.Tick(ctx)
		s := k.Status()
		switch s.State {
		case StateDone, StateNotActive, StateNotRegistered, StateWouldRevert, StateInsufficientFunds,
			StateFeeAboveCap, StateCannotSign, StateGasAboveBound, StateUnknownInFlight, StateStandby:
			return s, nil
		case StateWaitingInit:
			if !k.cfg.InitEnabled {
				return s, nil
			}
		}
		if !s.ChainOK {
			return s, fmt.Errorf("cannot read the chain: %s", s.LastError)
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("gave up waiting after %s (state %s: %s); the transaction record is kept in state_dir", timeout, s.State, s.Reason)
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(min(d, k.cfg.ActivePollInterval)):
		}
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
