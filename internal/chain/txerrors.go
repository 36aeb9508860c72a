package chain

import (
	"errors"
	"strings"
)

// Transaction rejections callers branch on. ClassifyTxError returns an error
// that wraps one of them and keeps the node's own message.
var (
	ErrNonceTooLow            = errors.New("nonce too low")
	ErrReplacementUnderpriced = errors.New("replacement transaction underpriced")
	ErrInsufficientFunds      = errors.New("insufficient funds")
	ErrAlreadyKnown           = errors.New("transaction already known")
	// ErrFeeCapTooLow: the max fee per gas is below the block's base fee.
	ErrFeeCapTooLow = errors.New("max fee per gas below base fee")
	// ErrGasLimit: the gas limit is below the intrinsic gas or above the
	// block gas limit.
	ErrGasLimit = errors.New("gas limit out of range")
	// ErrUnderpriced: the tip is below the node's minimum (geth's
	// "transaction underpriced"), as opposed to a replacement too cheap.
	ErrUnderpriced = errors.New("transaction underpriced")
	// ErrOutcomeUnknown: no endpoint accepted the transaction, one refused
	// it, and another's answer was lost (timeout, connection dropped), so it
	// may be in that endpoint's pool and mined. Broadcast's error then
	// wraps none of the rejection sentinels above.
	ErrOutcomeUnknown = errors.New("broadcast outcome unknown")
)

// txErrorPatterns maps lower-cased message fragments to sentinels, in
// matching order ("replacement transaction underpriced" before "transaction
// underpriced"). Sources:
//
//   - geth core/txpool/errors.go: "already known", "replacement transaction
//     underpriced", "transaction underpriced", "transaction gas price below
//     minimum", "exceeds block gas limit";
//   - geth core/error.go: "nonce too low", "insufficient funds for gas *
//     price + value", "insufficient funds for transfer", "intrinsic gas too
//     low", "max fee per gas less than block base fee", "gas limit reached",
//     "transaction gas limit too high". Arbitrum Nitro runs geth's txpool and
//     state transition, so it answers with the same strings;
//   - anvil, foundry-rs/foundry crates/anvil/src/eth/error/mod.rs: RPC
//     messages "nonce too low", "Insufficient funds for gas * price + value",
//     "insufficient funds for transfer", "intrinsic gas too low", "intrinsic
//     gas too high -- ...", "max fee per gas less than block base fee",
//     "Transaction gas limit is greater than the block gas limit, ...",
//     "replacement transaction underpriced", "transaction already imported";
//     its pool errors' own text "Tx: [..] insufficient gas price to replace
//     existing transaction" and "Tx: [..] already Imported"; the variant name
//     FeeCapTooLow (and revm's GasPriceLessThanBasefee, LackOfFundForMaxFee
//     "lack of funds") where a Debug rendering leaks through;
//   - Erigon "fee cap less than base fee"; OpenEthereum "Transaction with the
//     same hash was already imported". (Pre-2020 geth's "known transaction:
//     <hash>" is left out: it would also match "unknown transaction type".)
var txErrorPatterns = []struct {
	fragment string
	sentinel error
}{
	{"already known", ErrAlreadyKnown},
	{"alreadyknown", ErrAlreadyKnown},
	{"already imported", ErrAlreadyKnown},
	{"replacement transaction underpriced", ErrReplacementUnderpriced},
	{"insufficient gas price to replace", ErrReplacementUnderpriced},
	{"nonce too low", ErrNonceTooLow},
	{"insufficient funds", ErrInsufficientFunds},
	{"lack of funds", ErrInsufficientFunds},
	{"lackoffundformaxfee", ErrInsufficientFunds},
	{"max fee per gas less than block base fee", ErrFeeCapTooLow},
	{"feecaptoolow", ErrFeeCapTooLow},
	{"fee cap less than base fee", ErrFeeCapTooLow},
	{"gaspricelessthanbasefee", ErrFeeCapTooLow},
	{"intrinsic gas too low", ErrGasLimit},
	{"intrinsic gas too high", ErrGasLimit},
	{"exceeds block gas limit", ErrGasLimit},
	{"greater than the block gas limit", ErrGasLimit},
	{"gas limit reached", ErrGasLimit},
	{"transaction gas limit too high", ErrGasLimit},
	{"transaction underpriced", ErrUnderpriced},
	{"gas price below minimum", ErrUnderpriced},
}

// ClassifyTxError recognises a node's rejection of a transaction (from
// eth_sendRawTransaction, or eth_estimateGas for funds) and returns an error
// for which errors.Is reports the matching sentinel and whose message is the
// node's own. Matching is case-insensitive. Unrecognised errors, and nil, are
// returned unchanged; so is an error already classified.
func ClassifyTxError(err error) error {
	if err == nil {
		return nil
	}
	var te *txError
	if errors.As(err, &te) {
		return err
	}
	msg := strings.ToLower(err.Error())
	for _, p := range txErrorPatterns {
		if strings.Contains(msg, p.fragment) {
			return &txError{kind: p.sentinel, err: err}
		}
	}
	return err
}

// txError is a classified rejection: it reads as the node's message and
// unwraps to both the sentinel and the original error (an rpc.Error keeps
// its code for errors.As).
type txError struct {
	kind error
	err  error
}

func (e *txError) Error() string   { return e.err.Error() }
func (e *txError) Unwrap() []error { return []error{e.kind, e.err} }
