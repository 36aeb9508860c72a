package chain

import (
	"errors"
	"fmt"
	"testing"
)

// rpcError stands in for the JSON-RPC error a node answers with.
type rpcError struct{ msg string }

func (e *rpcError) Error() string  { return e.msg }
func (e *rpcError) ErrorCode() int { return -32000 }

func TestClassifyTxError(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want error // nil: not classified
	}{
		{"GethNonceTooLow", "nonce too low: address 0xabc, tx: 7 state: 8", ErrNonceTooLow},
		{"AnvilNonceTooLow", "nonce too low", ErrNonceTooLow},
		{"GethReplacementUnderpriced", "replacement transaction underpriced", ErrReplacementUnderpriced},
		{"AnvilPoolReplacement", "Tx: [0x01] insufficient gas price to replace existing transaction", ErrReplacementUnderpriced},
		{"GethInsufficientFunds", "insufficient funds for gas * price + value: address 0xabc have 1 want 2", ErrInsufficientFunds},
		{"AnvilInsufficientFunds", "Insufficient funds for gas * price + value", ErrInsufficientFunds},
		{"InsufficientFundsForTransfer", "insufficient funds for transfer", ErrInsufficientFunds},
		{"RevmLackOfFunds", "lack of funds (1) for max fee (2)", ErrInsufficientFunds},
		{"GethAlreadyKnown", "already known", ErrAlreadyKnown},
		{"AnvilAlreadyImported", "transaction already imported", ErrAlreadyKnown},
		{"AnvilPoolAlreadyImported", "Tx: [0x01] already Imported", ErrAlreadyKnown},
		{"OpenEthereumAlreadyImported", "Transaction with the same hash was already imported.", ErrAlreadyKnown},
		{"GethFeeCapTooLow", "max fee per gas less than block base fee: address 0xabc, maxFeePerGas: 1, baseFee: 2", ErrFeeCapTooLow},
		{"AnvilFeeCapTooLow", "max fee per gas less than block base fee", ErrFeeCapTooLow},
		{"AnvilFeeCapTooLowVariant", "FeeCapTooLow", ErrFeeCapTooLow},
		{"ErigonFeeCapTooLow", "fee cap less than base fee", ErrFeeCapTooLow},
		{"IntrinsicGasTooLow", "intrinsic gas too low: have 20000, want 21000", ErrGasLimit},
		{"AnvilIntrinsicGasTooHigh", "intrinsic gas too high -- CallerGasLimitMoreThanBlock", ErrGasLimit},
		{"GethExceedsBlockGasLimit", "exceeds block gas limit", ErrGasLimit},
		{"AnvilGasLimitAboveBlock", "Transaction gas limit is greater than the block gas limit, gas_limit: 1, cap: 0", ErrGasLimit},
		{"GethUnderpriced", "transaction underpriced: tip needed 1, tip permitted 0", ErrUnderpriced},
		{"Revert", "execution reverted: caller must be an active transcoder", nil},
		{"UnknownTxType", "unknown transaction type not supported", nil},
	}
	sentinels := []error{ErrNonceTooLow, ErrReplacementUnderpriced, ErrInsufficientFunds, ErrAlreadyKnown, ErrFeeCapTooLow, ErrGasLimit, ErrUnderpriced}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := &rpcError{msg: tt.msg}
			got := ClassifyTxError(fmt.Errorf("wrapped: %w", orig))
			for _, s := range sentinels {
				if is := errors.Is(got, s); is != (s == tt.want) {
					t.Errorf("errors.Is(%q, %v) = %v", got, s, is)
				}
			}
			if got.Error() != "wrapped: "+tt.msg {
				t.Errorf("message = %q, want the original", got.Error())
			}
			var re *rpcError
			if !errors.As(got, &re) {
				t.Error("the original error is no longer reachable with errors.As")
			}
			if again := ClassifyTxError(got); again != got {
				t.Error("classifying twice changed the error")
			}
		})
	}
	if ClassifyTxError(nil) != nil {
		t.Error("ClassifyTxError(nil) != nil")
	}
}
