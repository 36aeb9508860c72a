package testchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// DefaultPollInterval is how often Wait asks for a receipt when Deployment.PollInterval is
// zero. It is shorter than bind.WaitMined's one second because local chains mine at once.
const DefaultPollInterval = 50 * time.Millisecond

// ErrReverted matches (errors.Is) every *RevertError.
var ErrReverted = errors.New("execution reverted")

// RevertError reports a contract call that reverted, during gas estimation or once mined.
type RevertError struct {
	// Method is the contract method, e.g. "reward"; empty when unknown.
	Method string
	// Reason is the Error(string) reason, e.g. "round already initialized"; empty when the
	// revert carried none (as calls to functions a contract lacks do).
	Reason string
	// TxHash is the mined transaction that reverted; zero when the revert surfaced before
	// sending, in gas estimation.
	TxHash common.Hash
}

// Error reads like the node's own message ("execution reverted: <reason>"), prefixed
// with the method.
func (e *RevertError) Error() string {
	var b strings.Builder
	if e.Method != "" {
		b.WriteString(e.Method + ": ")
	}
	b.WriteString("execution reverted")
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.TxHash != (common.Hash{}) {
		b.WriteString(" (tx " + e.TxHash.Hex() + ")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrReverted) true for every RevertError.
func (e *RevertError) Is(target error) bool { return target == ErrReverted }

// RevertReason returns the revert reason carried by err and whether err is a revert at all.
// It understands *RevertError and the raw JSON-RPC errors of geth and anvil.
func RevertReason(err error) (string, bool) {
	var re *RevertError
	if errors.As(err, &re) {
		return re.Reason, true
	}
	if r, ok := asRevert("", err).(*RevertError); ok {
		return r.Reason, true
	}
	return "", false
}

// asRevert turns a node error about a reverted call into a *RevertError and wraps any
// other error with the method name.
func asRevert(method string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	idx := strings.Index(msg, "execution reverted")
	if idx < 0 {
		if method == "" {
			return err
		}
		return fmt.Errorf("%s: %w", method, err)
	}
	re := &RevertError{Method: method}
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok {
			if data, derr := hexutil.Decode(s); derr == nil && len(data) > 0 {
				if reason, uerr := abi.UnpackRevert(data); uerr == nil {
					re.Reason = reason
					return re
				}
			}
		}
	}
	// No decodable revert data: take the reason from the message, if any.
	re.Reason = strings.TrimPrefix(strings.TrimPrefix(msg[idx:], "execution reverted"), ": ")
	return re
}

// TransactOpts returns signing options for key on the deployment's chain, bound to ctx.
func (d *Deployment) TransactOpts(ctx context.Context, key *ecdsa.PrivateKey) (*bind.TransactOpts, error) {
	opts, err := bind.NewKeyedTransactorWithChainID(key, d.chainID)
	if err != nil {
		return nil, fmt.Errorf("transactor: %w", err)
	}
	opts.Context = ctx
	return opts, nil
}

// Wait waits until tx is mined and returns its receipt. A reverted transaction yields the
// receipt and a *RevertError whose reason comes from replaying the call at the mined block.
func (d *Deployment) Wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	return d.wait(ctx, "", tx)
}

func (d *Deployment) wait(ctx context.Context, method string, tx *types.Transaction) (*types.Receipt, error) {
	poll := d.PollInterval
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	var lastErr error
	for {
		receipt, err := d.backend.TransactionReceipt(ctx, tx.Hash())
		if err == nil && receipt != nil {
			if err = d.headReached(ctx, receipt.BlockNumber); err == nil {
				if receipt.Status == types.ReceiptStatusFailed {
					return receipt, d.minedRevert(ctx, method, tx, receipt)
				}
				return receipt, nil
			}
		}
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			lastErr = err // nodes may answer errors while indexing; keep polling
		}
		select {
		case <-ctx.Done():
			err := fmt.Errorf("wait for tx %s: %w", tx.Hash(), ctx.Err())
			if lastErr != nil {
				err = fmt.Errorf("%w (last receipt error: %v)", err, lastErr)
			}
			if method != "" {
				err = fmt.Errorf("%s: %w", method, err)
			}
			return nil, err
		case <-ticker.C:
		}
	}
}

// errHeadBehind says a receipt is visible in a block the node's latest head has not reached.
var errHeadBehind = errors.New("receipt's block is not the latest head yet")

// headReached returns nil once the node's "latest" block is at least block.
//
// A receipt can be visible before its block is the head that "latest" reads resolve to:
// go-ethereum writes a new head's transaction index in one batch and moves its in-memory
// head marker after it (core.BlockChain.writeHeadBlock), and anvil and other nodes give no
// stronger promise. A caller that acts on "mined" with a read at "latest" — bind's gas
// estimate for the next call, a balance check — must not run in that window: on a loaded
// machine a bond estimated right after its approve's receipt reverted with "ERC20:
// insufficient allowance" against the block before the approve.
func (d *Deployment) headReached(ctx context.Context, block *big.Int) error {
	head, err := d.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("latest header: %w", err)
	}
	if head.Number.Cmp(block) < 0 {
		return errHeadBehind
	}
	return nil
}

// minedRevert builds the error for a mined, reverted tx, replaying the call at its block to
// recover the reason.
func (d *Deployment) minedRevert(ctx context.Context, method string, tx *types.Transaction, receipt *types.Receipt) error {
	re := &RevertError{Method: method, TxHash: tx.Hash()}
	from, err := types.Sender(types.LatestSignerForChainID(d.chainID), tx)
	if err != nil {
		return re
	}
	msg := ethereum.CallMsg{From: from, To: tx.To(), Gas: tx.Gas(), Value: tx.Value(), Data: tx.Data()}
	if _, err := d.backend.CallContract(ctx, msg, receipt.BlockNumber); err != nil {
		if r, ok := asRevert("", err).(*RevertError); ok {
			re.Reason = r.Reason
		}
	}
	return re
}

// send signs and sends one contract call from key without waiting for it to be mined.
func (d *Deployment) send(ctx context.Context, method string, key *ecdsa.PrivateKey,
	call func(*bind.TransactOpts) (*types.Transaction, error)) (*types.Transaction, error) {
	opts, err := d.TransactOpts(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	tx, err := call(opts)
	if err != nil {
		return nil, asRevert(method, err)
	}
	return tx, nil
}

// exec sends one contract call from key and waits for it to be mined.
func (d *Deployment) exec(ctx context.Context, method string, key *ecdsa.PrivateKey,
	call func(*bind.TransactOpts) (*types.Transaction, error)) (*types.Receipt, error) {
	tx, err := d.send(ctx, method, key, call)
	if err != nil {
		return nil, err
	}
	return d.wait(ctx, method, tx)
}
