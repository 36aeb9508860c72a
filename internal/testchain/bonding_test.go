package testchain_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/testchain"
)

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// TestGetTranscoderFields checks every getTranscoder field, in order, after a reward and a
// winning ticket, and the fee views and withdrawal that follow.
func TestGetTranscoderFields(t *testing.T) {
	e := newEnv(t, testchain.Params{LIP118: true}, 2)
	orch, broadcaster := e.keys[0], e.keys[1]
	opts := &bind.CallOpts{Context: e.ctx}
	stake := lpt(1000)
	round := e.activeRound(orch, stake)
	if _, err := e.d.Reward(e.ctx, orch); err != nil {
		t.Fatal(err)
	}

	face := big.NewInt(3e15)
	if _, err := e.d.FundDeposit(e.ctx, broadcaster, big.NewInt(1e16)); err != nil {
		t.Fatal(err)
	}
	r, err := e.d.RedeemTicket(e.ctx, broadcaster, addr(broadcaster), addr(orch), face)
	if err != nil {
		t.Fatal(err)
	}
	ev := findLog(t, r, e.d.Contracts.TicketBroker.ParseWinningTicketRedeemed)
	if ev.Sender != addr(broadcaster) || ev.Recipient != addr(orch) || ev.FaceValue.Cmp(face) != 0 {
		t.Fatalf("WinningTicketRedeemed(%s, %s, %s), want (%s, %s, %s)", ev.Sender, ev.Recipient, ev.FaceValue, addr(broadcaster), addr(orch), face)
	}

	got, err := e.d.Contracts.BondingManager.GetTranscoder(opts, addr(orch))
	if err != nil {
		t.Fatal(err)
	}
	mint := testchain.DefaultMintPerRound
	fields := []struct {
		name      string
		got, want *big.Int
	}{
		{"LastRewardRound", got.LastRewardRound, big.NewInt(int64(round))},
		{"RewardCut", got.RewardCut, big.NewInt(100000)},
		{"FeeShare", got.FeeShare, big.NewInt(500000)},
		{"LastActiveStakeUpdateRound", got.LastActiveStakeUpdateRound, big.NewInt(int64(round + 1))},
		{"ActivationRound", got.ActivationRound, big.NewInt(int64(round))},
		{"DeactivationRound", got.DeactivationRound, maxUint256},
		{"ActiveCumulativeRewards", got.ActiveCumulativeRewards, big.NewInt(0)},
		{"CumulativeRewards", got.CumulativeRewards, mint},
		{"CumulativeFees", got.CumulativeFees, face},
		{"LastFeeRound", got.LastFeeRound, big.NewInt(int64(round))},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			if f.got.Cmp(f.want) != 0 {
				t.Fatalf("%s = %s, want %s", f.name, f.got, f.want)
			}
		})
	}

	t.Run("PendingStakeAndFees", func(t *testing.T) {
		ps, err := e.d.Contracts.BondingManager.PendingStake(opts, addr(orch), big.NewInt(int64(round)))
		if want := new(big.Int).Add(stake, mint); err != nil || ps.Cmp(want) != 0 {
			t.Fatalf("pendingStake = %s, %v; want %s", ps, err, want)
		}
		pf, err := e.d.Contracts.BondingManager.PendingFees(opts, addr(orch), big.NewInt(int64(round)))
		if err != nil || pf.Cmp(face) != 0 {
			t.Fatalf("pendingFees = %s, %v; want %s", pf, err, face)
		}
	})
	t.Run("SenderInfo", func(t *testing.T) {
		info, err := e.d.Contracts.TicketBroker.GetSenderInfo(opts, addr(broadcaster))
		if want := big.NewInt(1e16 - 3e15); err != nil || info.Sender.Deposit.Cmp(want) != 0 {
			t.Fatalf("deposit = %v, %v; want %s", info.Sender.Deposit, err, want)
		}
	})
	t.Run("WithdrawFees", func(t *testing.T) {
		to := common.HexToAddress("0x00000000000000000000000000000000000fee01")
		r, err := e.d.WithdrawFees(e.ctx, orch, to, face)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseWithdrawFees)
		if ev.Delegator != addr(orch) || ev.Recipient != to || ev.Amount.Cmp(face) != 0 {
			t.Fatalf("WithdrawFees(%s, %s, %s)", ev.Delegator, ev.Recipient, ev.Amount)
		}
		bal, err := e.chain.client.BalanceAt(e.ctx, to, nil)
		if err != nil || bal.Cmp(face) != 0 {
			t.Fatalf("recipient balance = %s, %v; want %s", bal, err, face)
		}
		pf, err := e.d.Contracts.BondingManager.PendingFees(opts, addr(orch), big.NewInt(0))
		if err != nil || pf.Sign() != 0 {
			t.Fatalf("pendingFees after withdrawal = %s, %v; want 0", pf, err)
		}
	})
	t.Run("TicketToInactiveRecipientReverts", func(t *testing.T) {
		_, err := e.d.RedeemTicket(e.ctx, broadcaster, addr(broadcaster), addr(broadcaster), face)
		wantRevert(t, err, "transcoder must be active")
	})
}

// TestBondUnbondSlash checks the stake-moving calls emit the real events with the real fields.
func TestBondUnbondSlash(t *testing.T) {
	e := newEnv(t, testchain.Params{LIP118: true}, 3)
	orch, delegator, finder := e.keys[0], e.keys[1], e.keys[2]
	opts := &bind.CallOpts{Context: e.ctx}
	stake, bond := lpt(1000), lpt(200)
	regRound := e.register(orch, stake)

	t.Run("Bond", func(t *testing.T) {
		if _, err := e.d.MintLPT(e.ctx, e.owner, addr(delegator), bond); err != nil {
			t.Fatal(err)
		}
		r, err := e.d.Bond(e.ctx, delegator, addr(orch), bond)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseBond)
		if ev.NewDelegate != addr(orch) || ev.OldDelegate != (common.Address{}) || ev.Delegator != addr(delegator) ||
			ev.AdditionalAmount.Cmp(bond) != 0 || ev.BondedAmount.Cmp(bond) != 0 {
			t.Fatalf("Bond(%s, %s, %s, %s, %s)", ev.NewDelegate, ev.OldDelegate, ev.Delegator, ev.AdditionalAmount, ev.BondedAmount)
		}
		total, err := e.d.Contracts.BondingManager.TranscoderTotalStake(opts, addr(orch))
		if want := new(big.Int).Add(stake, bond); err != nil || total.Cmp(want) != 0 {
			t.Fatalf("transcoderTotalStake = %s, %v; want %s", total, err, want)
		}
		del, err := e.d.Contracts.BondingManager.GetDelegator(opts, addr(delegator))
		if err != nil || del.DelegateAddress != addr(orch) || del.StartRound.Uint64() != regRound+1 {
			t.Fatalf("getDelegator = %+v, %v", del, err)
		}
	})

	round := e.nextRound()
	if _, err := e.d.InitializeRound(e.ctx, e.owner); err != nil {
		t.Fatal(err)
	}

	t.Run("Unbond", func(t *testing.T) {
		part := lpt(50)
		r, err := e.d.Unbond(e.ctx, delegator, part)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseUnbond)
		if ev.Delegate != addr(orch) || ev.Delegator != addr(delegator) || ev.UnbondingLockId.Sign() != 0 ||
			ev.Amount.Cmp(part) != 0 || ev.WithdrawRound.Uint64() != round+testchain.DefaultUnbondingPeriod {
			t.Fatalf("Unbond(%s, %s, %s, %s, %s)", ev.Delegate, ev.Delegator, ev.UnbondingLockId, ev.Amount, ev.WithdrawRound)
		}
	})

	t.Run("Slash", func(t *testing.T) {
		// 10% of the orchestrator's own bond, half of it to the finder.
		r, err := e.d.Slash(e.ctx, e.owner, addr(orch), addr(finder), 100000, 500000)
		if err != nil {
			t.Fatal(err)
		}
		penalty := new(big.Int).Div(stake, big.NewInt(10))
		reward := new(big.Int).Div(penalty, big.NewInt(2))
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseTranscoderSlashed)
		if ev.Transcoder != addr(orch) || ev.Finder != addr(finder) || ev.Penalty.Cmp(penalty) != 0 || ev.FinderReward.Cmp(reward) != 0 {
			t.Fatalf("TranscoderSlashed(%s, %s, %s, %s), want (%s, %s, %s, %s)",
				ev.Transcoder, ev.Finder, ev.Penalty, ev.FinderReward, addr(orch), addr(finder), penalty, reward)
		}
		deact := findLog(t, r, e.d.Contracts.BondingManager.ParseTranscoderDeactivated)
		if deact.Transcoder != addr(orch) || deact.DeactivationRound.Uint64() != round+1 {
			t.Fatalf("TranscoderDeactivated(%s, %s), want (%s, %d)", deact.Transcoder, deact.DeactivationRound, addr(orch), round+1)
		}
		bal, err := e.d.Contracts.Token.BalanceOf(opts, addr(finder))
		if err != nil || bal.Cmp(reward) != 0 {
			t.Fatalf("finder LPT = %s, %v; want %s", bal, err, reward)
		}
		// A slashed transcoder still finishes the round it is active in.
		if active, err := e.d.IsActive(e.ctx, addr(orch)); err != nil || !active {
			t.Fatalf("isActive in the slashing round = %v, %v; want true", active, err)
		}
		e.nextRound()
		if active, err := e.d.IsActive(e.ctx, addr(orch)); err != nil || active {
			t.Fatalf("isActive after the slashing round = %v, %v; want false", active, err)
		}
	})
}

// TestActiveSet checks activation and deactivation from the next round: by eviction when
// the set is full, and by unbonding everything.
func TestActiveSet(t *testing.T) {
	e := newEnv(t, testchain.Params{NumActive: 1, LIP118: true}, 2)
	small, big_ := e.keys[0], e.keys[1]
	round := e.register(small, lpt(100))

	if err := e.d.RegisterOrchestrator(e.ctx, e.owner, big_, lpt(200), 0, 0); err != nil {
		t.Fatal(err)
	}
	deact, err := e.d.Contracts.BondingManager.FilterTranscoderDeactivated(&bind.FilterOpts{Context: e.ctx}, []common.Address{addr(small)})
	if err != nil {
		t.Fatal(err)
	}
	if !deact.Next() || deact.Event.DeactivationRound.Uint64() != round+1 {
		t.Fatalf("no TranscoderDeactivated(%s, %d) on eviction", addr(small), round+1)
	}
	deact.Close()

	tests := []struct {
		name   string
		who    common.Address
		active bool
	}{
		{"EvictedIsInactive", addr(small), false},
		{"LargerStakeIsActive", addr(big_), true},
	}
	next := e.nextRound()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if active, err := e.d.IsActive(e.ctx, tt.who); err != nil || active != tt.active {
				t.Fatalf("isActive(%s) in round %d = %v, %v; want %v", tt.who, next, active, err, tt.active)
			}
		})
	}

	t.Run("UnbondAllDeactivatesNextRound", func(t *testing.T) {
		if _, err := e.d.InitializeRound(e.ctx, e.owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Reward(e.ctx, big_); err != nil {
			t.Fatal(err)
		}
		stake, err := e.d.Contracts.BondingManager.PendingStake(&bind.CallOpts{Context: e.ctx}, addr(big_), big.NewInt(0))
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.d.Unbond(e.ctx, big_, stake)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseTranscoderDeactivated)
		if ev.Transcoder != addr(big_) || ev.DeactivationRound.Uint64() != next+1 {
			t.Fatalf("TranscoderDeactivated(%s, %s), want (%s, %d)", ev.Transcoder, ev.DeactivationRound, addr(big_), next+1)
		}
		if status, err := e.d.Contracts.BondingManager.TranscoderStatus(&bind.CallOpts{Context: e.ctx}, addr(big_)); err != nil || status != 0 {
			t.Fatalf("transcoderStatus after unbonding all = %d, %v; want 0", status, err)
		}
		if active, err := e.d.IsActive(e.ctx, addr(big_)); err != nil || !active {
			t.Fatalf("isActive in the unbonding round = %v, %v; want true", active, err)
		}
		e.nextRound()
		if active, err := e.d.IsActive(e.ctx, addr(big_)); err != nil || active {
			t.Fatalf("isActive after the unbonding round = %v, %v; want false", active, err)
		}
	})
}
