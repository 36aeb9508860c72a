package livepeer_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/livepeer"
)

// A ViewBatch through Multicall3 answers what the same calls answer one by
// one, balances included, in one aggregate3 eth_call; a call that reverts
// inside it is that call's error alone.
func TestViewBatchMulticallMatchesPlainCalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	fc := devnetFleetChain(t, ctx, true)
	f := setUpFleet(t, ctx, fc) // the chain is held: both reads see one block
	defer fc.release()
	c := newCounted(t, fc.url)
	addrs, err := livepeer.Resolve(ctx, c.caller, fc.dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	bm := addrs.BondingManager
	calls := func() []*livepeer.ViewCall {
		var out []*livepeer.ViewCall
		for _, o := range f.orchs {
			out = append(out,
				livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderTotalStake", o),
				livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "transcoderToRewardCaller", o),
				livepeer.NewBalanceCall(o))
		}
		// No such function at Multicall3: a revert.
		return append(out, livepeer.NewViewCall(livepeer.BondingManagerABI, livepeer.Multicall3Address, "transcoderTotalStake", f.orchs[0]))
	}
	read := func(useMulticall bool) (answers []string, http int, methods map[string]int) {
		cs := calls()
		vb, err := livepeer.NewViewBatch(cs, livepeer.Multicall3Address, useMulticall)
		if err != nil {
			t.Fatal(err)
		}
		before := c.proxy.Counts()
		b := vb.Elems()
		if err := c.caller.BatchCall(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := vb.Done(b); err != nil {
			t.Fatal(err)
		}
		http, _, methods = c.since(before)
		for i, v := range cs {
			var (
				n *big.Int
				a common.Address
			)
			var err error
			if i%3 == 1 && i < len(cs)-1 {
				err = v.Result(&a)
				answers = append(answers, fmt.Sprint(a, err))
				continue
			}
			err = v.Result(&n)
			if i == len(cs)-1 {
				if !livepeer.IsRevert(err) {
					t.Errorf("multicall %v: the reverting call answered %v, %v", useMulticall, n, err)
				}
				continue
			}
			answers = append(answers, fmt.Sprint(n, err))
		}
		return answers, http, methods
	}
	plain, plainHTTP, plainMethods := read(false)
	multi, multiHTTP, multiMethods := read(true)
	if fmt.Sprint(plain) != fmt.Sprint(multi) {
		t.Fatalf("answers differ:\nplain     %v\nmulticall %v", plain, multi)
	}
	if plainMethods["eth_getBalance"] != len(f.orchs) || plainHTTP != 1 {
		t.Errorf("plain: %d requests, methods %v", plainHTTP, plainMethods)
	}
	if multiHTTP != 1 || multiMethods["eth_call aggregate3"] != 1 || len(multiMethods) != 1 {
		t.Errorf("multicall: %d requests, methods %v; want one aggregate3", multiHTTP, multiMethods)
	}
	if plain[0] == "0 <nil>" || plain[2] == "0 <nil>" {
		t.Errorf("the rewarded orchestrator reads no stake or balance: %v", plain)
	}
}
