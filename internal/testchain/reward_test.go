package testchain_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/testchain"
)

// TestRewardLifecycle walks one orchestrator through the reward duty of a round, in order.
func TestRewardLifecycle(t *testing.T) {
	e := newEnv(t, testchain.Params{LIP118: true}, 2)
	orch, stranger := e.keys[0], e.keys[1]
	stake := lpt(1000)
	var regRound, round uint64

	t.Run("RegisterIsNotActiveBeforeNextRound", func(t *testing.T) {
		regRound = e.register(orch, stake)
		status, err := e.d.Contracts.BondingManager.TranscoderStatus(&bind.CallOpts{Context: e.ctx}, addr(orch))
		if err != nil || status != 1 {
			t.Fatalf("transcoderStatus = %d, %v; want 1 (Registered)", status, err)
		}
		active, err := e.d.IsActive(e.ctx, addr(orch))
		if err != nil || active {
			t.Fatalf("isActive in registration round = %v, %v; want false", active, err)
		}
		tr, err := e.d.Contracts.BondingManager.GetTranscoder(&bind.CallOpts{Context: e.ctx}, addr(orch))
		if err != nil {
			t.Fatal(err)
		}
		if tr.ActivationRound.Uint64() != regRound+1 {
			t.Fatalf("activationRound = %s, want %d", tr.ActivationRound, regRound+1)
		}
		_, err = e.d.Reward(e.ctx, orch)
		wantRevert(t, err, testchain.ReasonNotActive)
	})

	t.Run("ActiveInNextRound", func(t *testing.T) {
		round = e.nextRound()
		if round != regRound+1 {
			t.Fatalf("next round = %d, want %d", round, regRound+1)
		}
		active, err := e.d.IsActive(e.ctx, addr(orch))
		if err != nil || !active {
			t.Fatalf("isActive = %v, %v; want true", active, err)
		}
		ok, err := e.d.RoundInitialized(e.ctx)
		if err != nil || ok {
			t.Fatalf("round initialized = %v, %v; want false", ok, err)
		}
	})

	t.Run("RewardBeforeInitializeReverts", func(t *testing.T) {
		_, err := e.d.Reward(e.ctx, orch)
		wantRevert(t, err, testchain.ReasonRoundNotInitialized)
		if !errors.Is(err, testchain.ErrReverted) {
			t.Fatalf("errors.Is(%v, ErrReverted) = false", err)
		}
	})

	t.Run("InitializeRoundEmitsNewRound", func(t *testing.T) {
		r, err := e.d.InitializeRound(e.ctx, stranger)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.RoundsManager.ParseNewRound)
		if ev.Round.Uint64() != round {
			t.Fatalf("NewRound.round = %s, want %d", ev.Round, round)
		}
		ok, err := e.d.RoundInitialized(e.ctx)
		if err != nil || !ok {
			t.Fatalf("round initialized = %v, %v; want true", ok, err)
		}
		mintable, err := e.d.Contracts.Minter.CurrentMintableTokens(&bind.CallOpts{Context: e.ctx})
		if err != nil || mintable.Cmp(testchain.DefaultMintPerRound) != 0 {
			t.Fatalf("currentMintableTokens = %s, %v; want %s", mintable, err, testchain.DefaultMintPerRound)
		}
	})

	t.Run("SecondInitializeReverts", func(t *testing.T) {
		_, err := e.d.InitializeRound(e.ctx, e.owner)
		wantRevert(t, err, testchain.ReasonRoundAlreadyInitialized)
	})

	t.Run("RewardMintsAndEmits", func(t *testing.T) {
		r, err := e.d.Reward(e.ctx, orch)
		if err != nil {
			t.Fatal(err)
		}
		ev := findLog(t, r, e.d.Contracts.BondingManager.ParseReward)
		// The only active transcoder holds all the active stake, so it gets the whole round's mint.
		if ev.Transcoder != addr(orch) || ev.Amount.Cmp(testchain.DefaultMintPerRound) != 0 {
			t.Fatalf("Reward(%s, %s), want Reward(%s, %s)", ev.Transcoder, ev.Amount, addr(orch), testchain.DefaultMintPerRound)
		}
		last, err := e.d.LastRewardRound(e.ctx, addr(orch))
		if err != nil || last != round {
			t.Fatalf("lastRewardRound = %d, %v; want %d", last, err, round)
		}
		total, err := e.d.Contracts.BondingManager.TranscoderTotalStake(&bind.CallOpts{Context: e.ctx}, addr(orch))
		want := new(big.Int).Add(stake, testchain.DefaultMintPerRound)
		if err != nil || total.Cmp(want) != 0 {
			t.Fatalf("transcoderTotalStake = %s, %v; want %s", total, err, want)
		}
		minted, err := e.d.Contracts.Token.BalanceOf(&bind.CallOpts{Context: e.ctx}, e.d.Minter)
		if err != nil || minted.Cmp(want) != 0 {
			t.Fatalf("Minter LPT balance = %s, %v; want %s (bonded + minted)", minted, err, want)
		}
	})

	t.Run("SecondRewardReverts", func(t *testing.T) {
		_, err := e.d.Reward(e.ctx, orch)
		wantRevert(t, err, testchain.ReasonAlreadyRewarded)
	})

	t.Run("InactiveAccountRewardReverts", func(t *testing.T) {
		_, err := e.d.Reward(e.ctx, stranger)
		wantRevert(t, err, testchain.ReasonNotActive)
	})

	t.Run("NextRoundRewardsAgain", func(t *testing.T) {
		next := e.nextRound()
		if _, err := e.d.InitializeRound(e.ctx, e.owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Reward(e.ctx, orch); err != nil {
			t.Fatal(err)
		}
		last, err := e.d.LastRewardRound(e.ctx, addr(orch))
		if err != nil || last != next {
			t.Fatalf("lastRewardRound = %d, %v; want %d", last, err, next)
		}
	})
}

func TestLIP118RewardCaller(t *testing.T) {
	tests := []struct {
		name   string
		lip118 bool
		// setup runs as the orchestrator after the round is initialized; callerAddr is the caller account.
		setup      func(t *testing.T, e *env, callerAddr common.Address)
		fromOther  bool   // call from an account that is not the named caller
		wantReason string // empty: the call succeeds
		wantRevert bool
	}{
		{
			name: "CallerRewardsForOrchestrator", lip118: true,
			setup: func(t *testing.T, e *env, c common.Address) { setCaller(t, e, c) },
		},
		{
			name: "OtherAccountReverts", lip118: true,
			setup:     func(t *testing.T, e *env, c common.Address) { setCaller(t, e, c) },
			fromOther: true, wantRevert: true, wantReason: testchain.ReasonNotRewardCaller,
		},
		{
			name: "NoCallerSetReverts", lip118: true,
			setup:      func(t *testing.T, e *env, c common.Address) {},
			wantRevert: true, wantReason: testchain.ReasonNotRewardCaller,
		},
		{
			name: "UnsetCallerReverts", lip118: true,
			setup: func(t *testing.T, e *env, c common.Address) {
				setCaller(t, e, c)
				setCaller(t, e, common.Address{})
			},
			wantRevert: true, wantReason: testchain.ReasonNotRewardCaller,
		},
		{
			name: "AfterOrchestratorRewardedReverts", lip118: true,
			setup: func(t *testing.T, e *env, c common.Address) {
				setCaller(t, e, c)
				if _, err := e.d.Reward(e.ctx, e.keys[0]); err != nil {
					t.Fatal(err)
				}
			},
			wantRevert: true, wantReason: testchain.ReasonAlreadyRewarded,
		},
		{
			name: "PreLIP118DeploymentReverts", lip118: false,
			setup:      func(t *testing.T, e *env, c common.Address) {},
			wantRevert: true, wantReason: "",
		},
		{
			name: "DisabledAfterSetReverts", lip118: true,
			setup: func(t *testing.T, e *env, c common.Address) {
				setCaller(t, e, c)
				if _, err := e.d.SetLIP118Enabled(e.ctx, e.owner, false); err != nil {
					t.Fatal(err)
				}
			},
			wantRevert: true, wantReason: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, testchain.Params{LIP118: tt.lip118}, 3)
			orch, caller, other := e.keys[0], e.keys[1], e.keys[2]
			round := e.activeRound(orch, lpt(500))
			tt.setup(t, e, addr(caller))

			from := caller
			if tt.fromOther {
				from = other
			}
			r, err := e.d.RewardForTranscoder(e.ctx, from, addr(orch))
			if tt.wantRevert {
				wantRevert(t, err, tt.wantReason)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev := findLog(t, r, e.d.Contracts.BondingManager.ParseReward)
			if ev.Transcoder != addr(orch) {
				t.Fatalf("Reward for %s, want the orchestrator %s", ev.Transcoder, addr(orch))
			}
			if last, err := e.d.LastRewardRound(e.ctx, addr(orch)); err != nil || last != round {
				t.Fatalf("lastRewardRound = %d, %v; want %d", last, err, round)
			}
			if last, err := e.d.LastRewardRound(e.ctx, addr(caller)); err != nil || last != 0 {
				t.Fatalf("caller's lastRewardRound = %d, %v; want 0", last, err)
			}
		})
	}

	t.Run("PreLIP118ViewsAndSetterRevert", func(t *testing.T) {
		e := newEnv(t, testchain.Params{LIP118: false}, 2)
		orch, caller := e.keys[0], e.keys[1]
		_, err := e.d.SetRewardCaller(e.ctx, orch, addr(caller))
		wantRevert(t, err, "")
		if _, err := e.d.Contracts.BondingManager.TranscoderToRewardCaller(&bind.CallOpts{Context: e.ctx}, addr(orch)); err == nil {
			t.Fatal("transcoderToRewardCaller succeeded on a pre-LIP-118 deployment")
		}
	})
}

// setCaller names c as the reward caller of e.keys[0] and checks the event and the view.
func setCaller(t *testing.T, e *env, c common.Address) {
	t.Helper()
	orch := e.keys[0]
	r, err := e.d.SetRewardCaller(e.ctx, orch, c)
	if err != nil {
		t.Fatal(err)
	}
	ev := findLog(t, r, e.d.Contracts.BondingManager.ParseRewardCallerSet)
	if ev.Transcoder != addr(orch) || ev.RewardCaller != c {
		t.Fatalf("RewardCallerSet(%s, %s), want (%s, %s)", ev.Transcoder, ev.RewardCaller, addr(orch), c)
	}
	got, err := e.d.Contracts.BondingManager.TranscoderToRewardCaller(&bind.CallOpts{Context: e.ctx}, addr(orch))
	if err != nil || got != c {
		t.Fatalf("transcoderToRewardCaller = %s, %v; want %s", got, err, c)
	}
}

// TestSendWithoutWaiting drives the contracts from a client that does not mine, as a test
// with anvil's automine off would: the Send variants return at once and Wait collects the
// receipts after the test mines.
func TestSendWithoutWaiting(t *testing.T) {
	e := newEnv(t, testchain.Params{LIP118: true}, 1)
	orch := e.keys[0]
	e.register(orch, lpt(100))
	round := e.nextRound()

	manual, err := testchain.Attach(e.ctx, e.chain.client, e.d.Controller)
	if err != nil {
		t.Fatal(err)
	}
	manual.PollInterval = e.d.PollInterval

	initTx, err := manual.SendInitializeRound(e.ctx, e.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.chain.client.TransactionReceipt(e.ctx, initTx.Hash()); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("receipt before mining: %v, want not found", err)
	}
	e.chain.commit()
	r, err := manual.Wait(e.ctx, initTx)
	if err != nil {
		t.Fatal(err)
	}
	if ev := findLog(t, r, manual.Contracts.RoundsManager.ParseNewRound); ev.Round.Uint64() != round {
		t.Fatalf("NewRound.round = %s, want %d", ev.Round, round)
	}

	// Two reward calls in one block: gas estimation passes for both, the second reverts on chain.
	first, err := manual.SendReward(e.ctx, orch)
	if err != nil {
		t.Fatal(err)
	}
	second, err := manual.SendReward(e.ctx, orch)
	if err != nil {
		t.Fatal(err)
	}
	e.chain.commit()
	if _, err := manual.Wait(e.ctx, first); err != nil {
		t.Fatalf("first reward: %v", err)
	}
	r, err = manual.Wait(e.ctx, second)
	wantRevert(t, err, testchain.ReasonAlreadyRewarded)
	var re *testchain.RevertError
	if !errors.As(err, &re) || re.TxHash != second.Hash() || r == nil || r.Status != 0 {
		t.Fatalf("second reward: error %v, receipt %v; want a mined revert of %s", err, r, second.Hash())
	}
}
