package testchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// Revert reasons of the contracts, exactly as the real protocol words them.
const (
	ReasonRoundNotInitialized     = "current round is not initialized"
	ReasonRoundAlreadyInitialized = "round already initialized"
	ReasonNotActive               = "caller must be an active transcoder"
	ReasonAlreadyRewarded         = "caller has already called reward for the current round"
	// ReasonNotRewardCaller is the LIP-118 access check of rewardForTranscoder(WithHint).
	ReasonNotRewardCaller = "caller must be a reward caller set by the transcoder"
)

// MintLPT mints amount LPT (wei) to to. Only the deployer (token owner) may mint.
func (d *Deployment) MintLPT(ctx context.Context, ownerKey *ecdsa.PrivateKey, to common.Address, amount *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "mint", ownerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.Token.Mint(o, to, amount)
	})
}

// FundETH sends amount wei from fromKey to to, for gas or ticket deposits.
func (d *Deployment) FundETH(ctx context.Context, fromKey *ecdsa.PrivateKey, to common.Address, amount *big.Int) (*types.Receipt, error) {
	from := crypto.PubkeyToAddress(fromKey.PublicKey)
	nonce, err := d.backend.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("fund eth: nonce of %s: %w", from, err)
	}
	price, err := d.backend.SuggestGasPrice(ctx)
	if err != nil {
		return nil, fmt.Errorf("fund eth: gas price: %w", err)
	}
	tx, err := types.SignNewTx(fromKey, types.LatestSignerForChainID(d.chainID), &types.LegacyTx{
		Nonce: nonce, GasPrice: price, Gas: 21000, To: &to, Value: amount,
	})
	if err != nil {
		return nil, fmt.Errorf("fund eth: sign: %w", err)
	}
	if err := d.backend.SendTransaction(ctx, tx); err != nil {
		return nil, fmt.Errorf("fund eth: send: %w", err)
	}
	return d.wait(ctx, "fund eth", tx)
}

// RegisterOrchestrator makes orchKey's account a registered transcoder with stake LPT
// self-bonded: the owner mints the stake to it, it approves and bonds to itself, then calls
// transcoder(rewardCut, feeShare) (both in millionths). bond and transcoder need an
// initialized round, so the current round is initialized first (with ownerKey) if it is
// not, and again if the round turns over midway. The orchestrator becomes active from the
// next round and needs ETH for gas.
func (d *Deployment) RegisterOrchestrator(ctx context.Context, ownerKey, orchKey *ecdsa.PrivateKey,
	stake *big.Int, rewardCut, feeShare uint64) error {
	orch := crypto.PubkeyToAddress(orchKey.PublicKey)
	if _, err := d.MintLPT(ctx, ownerKey, orch, stake); err != nil {
		return fmt.Errorf("register orchestrator %s: %w", orch, err)
	}
	if _, err := d.approve(ctx, orchKey, stake); err != nil {
		return fmt.Errorf("register orchestrator %s: %w", orch, err)
	}
	steps := []struct {
		method string
		call   func(*bind.TransactOpts) (*types.Transaction, error)
	}{
		{"bond", func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.BondingManager.Bond(o, stake, orch)
		}},
		{"transcoder", func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.BondingManager.Transcoder(o, new(big.Int).SetUint64(rewardCut), new(big.Int).SetUint64(feeShare))
		}},
	}
	for _, s := range steps {
		if err := d.inInitializedRound(ctx, ownerKey, func() error {
			_, err := d.exec(ctx, s.method, orchKey, s.call)
			return err
		}); err != nil {
			return fmt.Errorf("register orchestrator %s: %w", orch, err)
		}
	}
	return nil
}

// inInitializedRound runs step after making sure the current round is initialized, and runs
// it again (a few times) if it failed because the round turned over in between: on fast
// devnet rounds and a loaded machine that can happen more than once.
func (d *Deployment) inInitializedRound(ctx context.Context, key *ecdsa.PrivateKey, step func() error) error {
	for attempt := 0; ; attempt++ {
		if err := d.EnsureRoundInitialized(ctx, key); err != nil {
			return err
		}
		err := step()
		var re *RevertError
		if attempt < 5 && errors.As(err, &re) && re.Reason == ReasonRoundNotInitialized {
			continue
		}
		return err
	}
}

// EnsureRoundInitialized initializes the current round with key unless it already is.
// Losing a race to another initializer is not an error.
func (d *Deployment) EnsureRoundInitialized(ctx context.Context, key *ecdsa.PrivateKey) error {
	ok, err := d.RoundInitialized(ctx)
	if err != nil || ok {
		return err
	}
	_, err = d.InitializeRound(ctx, key)
	var re *RevertError
	if errors.As(err, &re) && re.Reason == ReasonRoundAlreadyInitialized {
		return nil
	}
	return err
}

// InitializeRound calls RoundsManager.initializeRound from key and waits for it.
func (d *Deployment) InitializeRound(ctx context.Context, key *ecdsa.PrivateKey) (*types.Receipt, error) {
	return d.exec(ctx, "initializeRound", key, d.Contracts.RoundsManager.InitializeRound)
}

// SendInitializeRound sends RoundsManager.initializeRound from key without waiting.
func (d *Deployment) SendInitializeRound(ctx context.Context, key *ecdsa.PrivateKey) (*types.Transaction, error) {
	return d.send(ctx, "initializeRound", key, d.Contracts.RoundsManager.InitializeRound)
}

// Reward calls BondingManager.reward from key (the orchestrator) and waits for it.
func (d *Deployment) Reward(ctx context.Context, key *ecdsa.PrivateKey) (*types.Receipt, error) {
	return d.exec(ctx, "reward", key, d.Contracts.BondingManager.Reward)
}

// SendReward sends BondingManager.reward from key without waiting.
func (d *Deployment) SendReward(ctx context.Context, key *ecdsa.PrivateKey) (*types.Transaction, error) {
	return d.send(ctx, "reward", key, d.Contracts.BondingManager.Reward)
}

// RewardForTranscoder calls the LIP-118 rewardForTranscoder(orch) from callerKey and waits.
func (d *Deployment) RewardForTranscoder(ctx context.Context, callerKey *ecdsa.PrivateKey, orch common.Address) (*types.Receipt, error) {
	return d.exec(ctx, "rewardForTranscoder", callerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.RewardForTranscoder(o, orch)
	})
}

// SendRewardForTranscoder sends the LIP-118 rewardForTranscoder(orch) from callerKey without waiting.
func (d *Deployment) SendRewardForTranscoder(ctx context.Context, callerKey *ecdsa.PrivateKey, orch common.Address) (*types.Transaction, error) {
	return d.send(ctx, "rewardForTranscoder", callerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.RewardForTranscoder(o, orch)
	})
}

// SetRewardCaller names caller as orchKey's LIP-118 reward caller (the zero address unsets it).
func (d *Deployment) SetRewardCaller(ctx context.Context, orchKey *ecdsa.PrivateKey, caller common.Address) (*types.Receipt, error) {
	return d.exec(ctx, "setRewardCaller", orchKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.SetRewardCaller(o, caller)
	})
}

// Bond approves and bonds amount LPT from key's account to to, and returns the bond receipt.
// The account must hold the LPT (MintLPT) and the current round must be initialized.
func (d *Deployment) Bond(ctx context.Context, key *ecdsa.PrivateKey, to common.Address, amount *big.Int) (*types.Receipt, error) {
	if _, err := d.approve(ctx, key, amount); err != nil {
		return nil, err
	}
	return d.exec(ctx, "bond", key, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.Bond(o, amount, to)
	})
}

func (d *Deployment) approve(ctx context.Context, key *ecdsa.PrivateKey, amount *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "approve", key, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.Token.Approve(o, d.BondingManager, amount)
	})
}

// Unbond unbonds amount LPT of key's bonded stake. Unbonding everything resigns a
// transcoder from the next round.
func (d *Deployment) Unbond(ctx context.Context, key *ecdsa.PrivateKey, amount *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "unbond", key, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.Unbond(o, amount)
	})
}

// Slash slashes orch by amount (millionths of its bonded stake), paying finder finderFee
// (millionths of the penalty) when finder is not the zero address. ownerKey must be the
// deployer, which Deploy made the Verifier.
func (d *Deployment) Slash(ctx context.Context, ownerKey *ecdsa.PrivateKey, orch, finder common.Address, amount, finderFee uint64) (*types.Receipt, error) {
	return d.exec(ctx, "slashTranscoder", ownerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.SlashTranscoder(o, orch, finder, new(big.Int).SetUint64(amount), new(big.Int).SetUint64(finderFee))
	})
}

// FundDeposit adds amount wei to senderKey's TicketBroker deposit, which winning tickets draw on.
func (d *Deployment) FundDeposit(ctx context.Context, senderKey *ecdsa.PrivateKey, amount *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "fundDeposit", senderKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		o.Value = amount
		return d.Contracts.TicketBroker.FundDeposit(o)
	})
}

// RedeemTicket redeems a winning ticket of faceValue wei from sender to recipient (sent by
// key), paid from sender's deposit and reserve. The fees accrue to the recipient, which
// must be an active transcoder, and show in pendingFees and getTranscoder.cumulativeFees.
func (d *Deployment) RedeemTicket(ctx context.Context, key *ecdsa.PrivateKey, sender, recipient common.Address, faceValue *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "redeemWinningTicketForTest", key, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.TicketBroker.RedeemWinningTicketForTest(o, sender, recipient, faceValue)
	})
}

// WithdrawFees withdraws amount wei of key's earned fees to recipient.
func (d *Deployment) WithdrawFees(ctx context.Context, key *ecdsa.PrivateKey, recipient common.Address, amount *big.Int) (*types.Receipt, error) {
	return d.exec(ctx, "withdrawFees", key, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.WithdrawFees(o, recipient, amount)
	})
}

// SetBlockNumParams sets the test clock: blockNum() = offset + block.number / divisor.
// The contract refuses settings that would move blockNum() backwards.
func (d *Deployment) SetBlockNumParams(ctx context.Context, ownerKey *ecdsa.PrivateKey, offset, divisor uint64) (*types.Receipt, error) {
	return d.exec(ctx, "setBlockNumParams", ownerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.RoundsManager.SetBlockNumParams(o, new(big.Int).SetUint64(offset), new(big.Int).SetUint64(divisor))
	})
}

// SetLIP118Enabled turns the LIP-118 functions on or off (off: they revert without data).
func (d *Deployment) SetLIP118Enabled(ctx context.Context, ownerKey *ecdsa.PrivateKey, enabled bool) (*types.Receipt, error) {
	return d.exec(ctx, "setLIP118Enabled", ownerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.BondingManager.SetLIP118Enabled(o, enabled)
	})
}

// SetRoundLength changes the round length as the real setRoundLength does: the new length
// counts from the current round's start.
func (d *Deployment) SetRoundLength(ctx context.Context, ownerKey *ecdsa.PrivateKey, length uint64) (*types.Receipt, error) {
	return d.exec(ctx, "setRoundLength", ownerKey, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.Contracts.RoundsManager.SetRoundLength(o, new(big.Int).SetUint64(length))
	})
}

// CurrentRound returns RoundsManager.currentRound().
func (d *Deployment) CurrentRound(ctx context.Context) (uint64, error) {
	return toUint64("currentRound")(d.Contracts.RoundsManager.CurrentRound(d.callOpts(ctx)))
}

// BlockNum returns RoundsManager.blockNum(), the protocol clock.
func (d *Deployment) BlockNum(ctx context.Context) (uint64, error) {
	return toUint64("blockNum")(d.Contracts.RoundsManager.BlockNum(d.callOpts(ctx)))
}

// RoundStartBlock returns RoundsManager.currentRoundStartBlock().
func (d *Deployment) RoundStartBlock(ctx context.Context) (uint64, error) {
	return toUint64("currentRoundStartBlock")(d.Contracts.RoundsManager.CurrentRoundStartBlock(d.callOpts(ctx)))
}

// RoundLength returns RoundsManager.roundLength().
func (d *Deployment) RoundLength(ctx context.Context) (uint64, error) {
	return toUint64("roundLength")(d.Contracts.RoundsManager.RoundLength(d.callOpts(ctx)))
}

// RoundInitialized returns RoundsManager.currentRoundInitialized().
func (d *Deployment) RoundInitialized(ctx context.Context) (bool, error) {
	ok, err := d.Contracts.RoundsManager.CurrentRoundInitialized(d.callOpts(ctx))
	if err != nil {
		return false, fmt.Errorf("currentRoundInitialized: %w", err)
	}
	return ok, nil
}

// LastRewardRound returns the lastRewardRound field of getTranscoder(orch).
func (d *Deployment) LastRewardRound(ctx context.Context, orch common.Address) (uint64, error) {
	t, err := d.Contracts.BondingManager.GetTranscoder(d.callOpts(ctx), orch)
	if err != nil {
		return 0, fmt.Errorf("getTranscoder %s: %w", orch, err)
	}
	return toUint64("lastRewardRound")(t.LastRewardRound, nil)
}

// IsActive returns BondingManager.isActiveTranscoder(orch) for the current round.
func (d *Deployment) IsActive(ctx context.Context, orch common.Address) (bool, error) {
	ok, err := d.Contracts.BondingManager.IsActiveTranscoder(d.callOpts(ctx), orch)
	if err != nil {
		return false, fmt.Errorf("isActiveTranscoder %s: %w", orch, err)
	}
	return ok, nil
}

// WaitForBlockNum polls blockNum() every poll until it reaches target. The chain must be
// producing blocks on its own (or the offset must be moved).
func (d *Deployment) WaitForBlockNum(ctx context.Context, target uint64, poll time.Duration) error {
	return d.waitFor(ctx, poll, fmt.Sprintf("blockNum %d", target), func() (bool, error) {
		n, err := d.BlockNum(ctx)
		return n >= target, err
	})
}

// WaitForRound polls currentRound() every poll until it reaches round.
func (d *Deployment) WaitForRound(ctx context.Context, round uint64, poll time.Duration) error {
	return d.waitFor(ctx, poll, fmt.Sprintf("round %d", round), func() (bool, error) {
		r, err := d.CurrentRound(ctx)
		return r >= round, err
	})
}

func (d *Deployment) waitFor(ctx context.Context, poll time.Duration, what string, done func() (bool, error)) error {
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		ok, err := done()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-ticker.C:
		}
	}
}

func (d *Deployment) callOpts(ctx context.Context) *bind.CallOpts {
	return &bind.CallOpts{Context: ctx}
}

// toUint64 adapts a (*big.Int, error) contract read to uint64, naming the read in errors.
func toUint64(what string) func(*big.Int, error) (uint64, error) {
	return func(v *big.Int, err error) (uint64, error) {
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		if !v.IsUint64() {
			return 0, fmt.Errorf("%s: %s does not fit in uint64", what, v)
		}
		return v.Uint64(), nil
	}
}
