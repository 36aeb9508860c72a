package livepeer

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// NewBalanceCall is a read of an account's ETH balance at the latest block
// that a ViewBatch can carry: eth_getBalance when sent on its own,
// Multicall3's getEthBalance inside aggregate3. Decode its answer into a
// **big.Int.
func NewBalanceCall(a common.Address) *ViewCall {
	return &ViewCall{bal: &a, block: "latest"}
}

// ViewBatch sends view calls at the latest block with the caller's other
// requests, in one JSON-RPC batch: each as its own eth_call (or
// eth_getBalance), or, through Multicall3, packed into aggregate3 eth_calls
// of at most DefaultMaxMulticall calls each, with allowFailure set so that
// one call's revert stays its own. Through Multicall3 what a fleet's probes
// read for a hundred orchestrators (five calls each) is two calls in one
// request instead of eleven requests; for one orchestrator it changes
// nothing that matters, so the probes use it for fleets only.
//
// Use: NewViewBatch, add Elems to a batch, send it, hand the answered
// elements to Done, then decode each call with its Result. A call pinned to
// a block (AtBlock) always goes as its own eth_call.
type ViewBatch struct {
	calls  []*ViewCall
	elems  []rpc.BatchElem
	own    []int      // for each elem that is one call: its index in calls; -1 for an aggregate3
	outer  []*call    // the aggregate3 calls, in elems' order among the -1s
	chunks [][]*inner // the calls each aggregate3 carries
	mc     common.Address
}

// inner is a call carried by an aggregate3.
type inner struct {
	v *ViewCall
	c *call // v's own call, or getEthBalance for a balance
}

// NewViewBatch plans calls: through the Multicall3 at mc when useMulticall
// (its presence checked by the caller: FleetReader.Multicall3), else each
// on its own.
func NewViewBatch(calls []*ViewCall, mc common.Address, useMulticall bool) (*ViewBatch, error) {
	b := &ViewBatch{calls: calls, mc: mc}
	var packed []*inner
	for i, v := range calls {
		v.done, v.err = false, nil
		if v.c != nil && v.c.err != nil {
			return nil, fmt.Errorf("pack %s: %w", v.c.method, v.c.err)
		}
		if !useMulticall || v.block != "latest" {
			b.elems = append(b.elems, v.Elem())
			b.own = append(b.own, i)
			continue
		}
		c := v.c
		if v.bal != nil {
			c = newCall(Multicall3ABI, mc, "getEthBalance", *v.bal)
		}
		packed = append(packed, &inner{v: v, c: c})
	}
	inner := make([]*call, len(packed))
	for i, in := range packed {
		inner[i] = in.c
	}
	outer, chunks, err := chunkAggregate3(mc, inner, DefaultMaxMulticall)
	if err != nil {
		return nil, err
	}
	for k, agg := range outer {
		lo := k * DefaultMaxMulticall
		b.outer = append(b.outer, agg)
		b.chunks = append(b.chunks, packed[lo:lo+len(chunks[k])])
		b.elems = append(b.elems, agg.elem())
		b.own = append(b.own, -1)
	}
	return b, nil
}

// Elems are the batch's requests.
func (b *ViewBatch) Elems() []rpc.BatchElem { return b.elems }

// Done takes the answered Elems (in Elems' order) and gives every call its
// answer or its own error. An aggregate3 that failed or whose answer does
// not decode is Done's error (and each of its calls'): the batch read
// nothing trustworthy there.
func (b *ViewBatch) Done(answered []rpc.BatchElem) error {
	if len(answered) != len(b.elems) {
		return fmt.Errorf("view calls: %d answers for %d requests", len(answered), len(b.elems))
	}
	var first error
	k := 0
	for i, e := range answered {
		if j := b.own[i]; j >= 0 {
			v := b.calls[j]
			v.done, v.err = true, e.Error
			continue
		}
		agg, chunk := b.outer[k], b.chunks[k]
		k++
		where := fmt.Sprintf("Multicall3 %s aggregate3 chunk %d of %d (%d calls)", b.mc, k, len(b.outer), len(chunk))
		err := e.Error
		var res []mcResult
		if err == nil {
			res, err = decodeAggregate3(agg.result, len(chunk))
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", where, err)
			first = cmpOr(first, err)
			for _, in := range chunk {
				in.v.done, in.v.err = true, err
			}
			continue
		}
		for j, in := range chunk {
			in.v.done = true
			if !res[j].Success {
				in.v.err = &innerRevert{data: res[j].ReturnData}
				continue
			}
			if in.v.bal == nil {
				in.v.c.result = res[j].ReturnData
				continue
			}
			in.c.result = res[j].ReturnData
			var v *big.Int
			if err := in.c.decodeResult(nil, &v); err != nil {
				in.v.err = fmt.Errorf("Multicall3 getEthBalance: %w", err)
				continue
			}
			in.v.balance = (*hexutil.Big)(v)
		}
	}
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Result decodes the call's answer after its ViewBatch's Done, as Decode
// does for an element the caller sent itself.
func (v *ViewCall) Result(out ...any) error {
	if !v.done {
		return errors.New(v.method() + ": not read")
	}
	return v.decodeWith(v.err, out...)
}

func (v *ViewCall) method() string {
	if v.bal != nil {
		return "eth_getBalance"
	}
	return v.c.method
}

// decodeWith decodes the answer unless the call failed with callErr.
func (v *ViewCall) decodeWith(callErr error, out ...any) error {
	if v.bal == nil {
		if err := v.c.decodeResult(callErr, out...); err != nil {
			return fmt.Errorf("%s: %w", v.c.method, err)
		}
		return nil
	}
	if callErr != nil {
		return fmt.Errorf("eth_getBalance %s: %w", v.bal, callErr)
	}
	dst, ok := singleBig(out)
	if !ok {
		return fmt.Errorf("eth_getBalance %s: decode into %T, want one **big.Int", v.bal, out)
	}
	if v.balance == nil {
		return fmt.Errorf("eth_getBalance %s: no answer", v.bal)
	}
	*dst = new(big.Int).Set(v.balance.ToInt())
	return nil
}

func singleBig(out []any) (**big.Int, bool) {
	if len(out) != 1 {
		return nil, false
	}
	p, ok := out[0].(**big.Int)
	return p, ok
}
