package chain

import (
	"context"
	"errors"
	"fmt"
	"net"
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
// wraps ErrOutcomeUnknown and no rejection sentinel. An endpoint that
// refused the connection never got the transaction and leaves the
// rejection as it is.
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
		lost      error // an answer lost after the request may have arrived
		lastErr   error
	)
	for _, wave := range [][]*endpoint{healthy, rest} {
		if len(wave) == 0 {
			continue
		}
		accepted, rej, l, down := p.sendTx(ctx, wave, rawTx)
		if accepted {
			return hash, nil
		}
		if l != nil {
			lost, lastErr = l, l
		} else if down != nil {
			lastErr = down
		}
		if rej != nil {
			rejection = rej
			break
		}
		if ctx.Err() != nil {
			return hash, fmt.Errorf("send transaction %s: %w", hash, ctx.Err())
		}
	}
	if rejection != nil && lost != nil {
		// %v, not %w: a caller branching on the rejection would treat the
		// transaction as never pooled and take a fresh nonce behind it.
		return hash, fmt.Errorf("send transaction %s: %w: %v, while %v (no answer: it may hold the transaction)", hash, ErrOutcomeUnknown, rejection, lost)
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
// it; if none did, the first rejection in eps order, the first round trip
// lost after the request may have arrived (a timeout, a dropped
// connection, an HTTP error from a proxy), and the first that cannot have
// delivered it (no connection made), each of which may be nil.
func (p *Pool) sendTx(ctx context.Context, eps []*endpoint, rawTx []byte) (accepted bool, rejection, lost, down error) {
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
			return true, nil, nil, nil
		}
	}
	for i, r := range results {
		switch {
		case r.transErr == nil:
			if rejection == nil {
				rejection = fmt.Errorf("%s: %w", eps[i].name, ClassifyTxError(r.err))
			}
		case undelivered(r.transErr):
			if down == nil {
				down = r.transErr
			}
		case lost == nil:
			lost = r.transErr
		}
	}
	return false, rejection, lost, down
}

// undelivered reports a failed round trip that cannot have delivered the
// request: no connection was made (refused, unreachable, name not resolved).
func undelivered(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
