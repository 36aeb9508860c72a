package chain

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Broadcast sends a signed transaction with eth_sendRawTransaction to every
// healthy endpoint at once (to every endpoint on the right chain when none is
// healthy, or when every healthy one failed to answer). It returns the hash
// computed from rawTx when any endpoint accepts it or reports it already
// known. Otherwise it returns the first rejection in configuration order,
// classified by ClassifyTxError, or, when no endpoint answered, an error
// wrapping ErrNoEndpoint. A rejection next to a lost answer (an endpoint
// that timed out or dropped the connection, in this wave or an earlier one)
// is neither: the transaction may sit in that endpoint's pool, so the error
// wraps ErrOutcomeUnknown and no rejection sentinel.
func (p *Pool) Broadcast(ctx context.Context, rawTx []byte) (common.Hash, error) {
	var tx types.Transaction
	if err := tx.UnmarshalBinary(rawTx); err != nil {
		return common.Hash{}, fmt.Errorf("decode raw transaction: %w", err)
	}
	hash := tx.Hash()
	cands, err := p.candidates()
	if err != nil {
		return hash, err
	}
	var healthy, rest []*endpoint
	for _, c := range cands {
		if c.wasHealthy {
			healthy = append(healthy, c.ep)
		} else {
			rest = append(rest, c.ep)
		}
	}
	var (
		rejection error
		lastErr   error
	)
	for _, wave := range [][]*endpoint{healthy, rest} {
		if len(wave) == 0 {
			continue
		}
		accepted, rej, lost := p.sendTx(ctx, wave, rawTx)
		if accepted {
			return hash, nil
		}
		if lost != nil {
			lastErr = lost
		}
		if rej != nil {
			rejection = rej
			break
		}
		if ctx.Err() != nil {
			return hash, fmt.Errorf("send transaction %s: %w", hash, ctx.Err())
		}
	}
	if rejection != nil && lastErr != nil {
		// %v, not %w: a caller branching on the rejection would treat the
		// transaction as never pooled and take a fresh nonce behind it.
		return hash, fmt.Errorf("send transaction %s: %w: rejected by %v; but %v", hash, ErrOutcomeUnknown, rejection, lastErr)
	}
	if rejection != nil {
		return hash, fmt.Errorf("send transaction %s: %w", hash, rejection)
	}
	if lastErr == nil {
		lastErr = errors.New("every endpoint is on the wrong chain")
	}
	return hash, fmt.Errorf("send transaction %s: %w: %w", hash, ErrNoEndpoint, lastErr)
}

// sendTx sends rawTx to eps concurrently. It reports whether any accepted
// it; if none did, the first rejection in eps order and the first lost round
// trip (named by its endpoint), either of which may be nil.
func (p *Pool) sendTx(ctx context.Context, eps []*endpoint, rawTx []byte) (accepted bool, rejection, lost error) {
	type result struct {
		err      error // JSON-RPC answer: nil is acceptance
		transErr error // lost round trip
	}
	results := make([]result, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			b := []rpc.BatchElem{{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(rawTx)}, Result: new(common.Hash)}}
			ans, err := p.exchange(ctx, ep, b, "eth_sendRawTransaction")
			if err != nil {
				results[i].transErr = err
				return
			}
			_ = ans.deliver(b)
			results[i].err = b[0].Error
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.transErr == nil && (r.err == nil || errors.Is(ClassifyTxError(r.err), ErrAlreadyKnown)) {
			return true, nil, nil
		}
	}
	for i, r := range results {
		switch {
		case r.transErr != nil && lost == nil:
			lost = fmt.Errorf("%s did not answer: %w", eps[i].name, r.transErr)
		case r.transErr == nil && rejection == nil:
			rejection = fmt.Errorf("%s: %w", eps[i].name, ClassifyTxError(r.err))
		}
	}
	return false, rejection, lost
}
