package probe_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// TestStakeReorg reorganises a real chain (anvil's evm_snapshot and
// evm_revert, then other blocks mined at the same heights) under a stake
// probe that reads events with no confirmations at all. A Bond before the
// snapshot stays canonical; a Bond mined after it is counted, then reverted;
// a different Bond is mined in its place. The probe finds the checkpoint
// block's hash changed, rewinds and re-scans: the canonical Bond is not
// counted again, the new one is counted once.
func TestStakeReorg(t *testing.T) {
	c := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	owner, orch := c.FundedKey(t, big.NewInt(1000)), c.FundedKey(t, big.NewInt(10))
	dep, err := testchain.Deploy(ctx, c.Client(t), owner, testchain.Params{RoundLength: 1000, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := dep.RegisterOrchestrator(ctx, owner, orch, lpt(5000), 100000, 500000); err != nil {
		t.Fatal(err)
	}
	if err := dep.EnsureRoundInitialized(ctx, owner); err != nil {
		t.Fatal(err)
	}
	kept, gone, replacement := c.FundedKey(t, big.NewInt(1)), c.FundedKey(t, big.NewInt(1)), c.FundedKey(t, big.NewInt(1))
	for _, k := range []*ecdsa.PrivateKey{kept, gone, replacement} {
		if _, err := dep.MintLPT(ctx, owner, addrOf(k), lpt(100)); err != nil {
			t.Fatal(err)
		}
	}
	pool, addrs := c.Pool(t, ctx, dep.Controller)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := probe.NewStake(pool, st, probe.StakeConfig{Orchestrator: addrOf(orch), Contracts: addrs, Confirmations: 0, MaxLogRange: 100,
		StakeChangeWarnPercent: 10, CutoffWarnPercent: 10}, nil)

	var runs []probe.Result
	check := func() probe.Result {
		t.Helper()
		r := p.Check(ctx)
		if !r.Success {
			t.Fatalf("stake probe: %s", r.Error)
		}
		runs = append(runs, r)
		return r
	}
	check() // first start: the checkpoint at the head

	bondKept, err := dep.Bond(ctx, kept, addrOf(orch), lpt(100))
	if err != nil {
		t.Fatal(err)
	}
	if r := check(); r.Values["events_total"] != 1 {
		t.Fatalf("events_total %v after the first bond, want 1", r.Values["events_total"])
	}
	rpc := c.RPC(t)
	var snap hexutil.Big
	if err := rpc.CallContext(ctx, &snap, "evm_snapshot"); err != nil {
		t.Fatal(err)
	}
	bondGone, err := dep.Bond(ctx, gone, addrOf(orch), lpt(100))
	if err != nil {
		t.Fatal(err)
	}
	// The reverted bond's transactions (its approve, then the bond), kept
	// to be mined again after the reorg, as a pool re-includes them.
	var goneTxs []*types.Transaction
	for _, n := range []uint64{bondGone.BlockNumber.Uint64() - 1, bondGone.BlockNumber.Uint64()} {
		b, err := c.Client(t).BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range b.Transactions() {
			if from, err := types.Sender(types.LatestSignerForChainID(c.ChainID), tx); err == nil && from == addrOf(gone) {
				goneTxs = append(goneTxs, tx)
			}
		}
	}
	if len(goneTxs) != 2 || goneTxs[1].Hash() != bondGone.TxHash {
		t.Fatalf("found %d transactions of the bond to revert, want its approve and the bond", len(goneTxs))
	}
	r := check()
	if r.Values["events_total"] != 2 || uint64(r.Values["log_checkpoint_block"]) != bondGone.BlockNumber.Uint64()+1 {
		t.Fatalf("after the bond to be reverted: events_total %v, checkpoint %v; want 2, block %d",
			r.Values["events_total"], r.Values["log_checkpoint_block"], bondGone.BlockNumber.Uint64()+1)
	}

	// The reorg: back to the snapshot, and other blocks at the same heights.
	var ok bool
	if err := rpc.CallContext(ctx, &ok, "evm_revert", &snap); err != nil || !ok {
		t.Fatalf("evm_revert: %v %v", ok, err)
	}
	bondNew, err := dep.Bond(ctx, replacement, addrOf(orch), lpt(100))
	if err != nil {
		t.Fatal(err)
	}
	if bondNew.BlockNumber.Uint64() != bondGone.BlockNumber.Uint64() || bondNew.BlockHash == bondGone.BlockHash {
		t.Fatalf("the replacement bond is in block %d (%s), the reverted one was in %d (%s): not a reorg of that block",
			bondNew.BlockNumber, bondNew.BlockHash, bondGone.BlockNumber, bondGone.BlockHash)
	}
	// The reverted bond comes back in a later block of the new chain: the
	// same event, at another block hash, which must not count twice.
	for _, tx := range goneTxs {
		if err := c.Client(t).SendTransaction(ctx, tx); err != nil {
			t.Fatalf("re-include %s: %v", tx.Hash().Hex(), err)
		}
	}
	again, err := bind.WaitMined(ctx, c.Client(t), goneTxs[1])
	if err != nil || again.Status != types.ReceiptStatusSuccessful || again.BlockHash == bondGone.BlockHash {
		t.Fatalf("the reverted bond mined again: %+v, %v; want it in another block", again, err)
	}
	r = check()
	if reorgs := r.Values["log_reorgs_total"]; reorgs != 1 || r.Evidence["log_reorg"] == "" {
		t.Fatalf("log_reorgs_total %v, evidence %q: the reorg was not seen", reorgs, r.Evidence["log_reorg"])
	}
	check() // the re-scan
	r = check()
	if r.Values["events_total"] != 3 {
		t.Errorf("events_total %v after the reorg, want 3 (kept, reverted and mined again, replacement: each once)", r.Values["events_total"])
	}
	if r.Values["log_reorgs_total"] != 1 {
		t.Errorf("log_reorgs_total %v, want 1", r.Values["log_reorgs_total"])
	}
	fired := eventAlerts(t, observations(runs)) // fails on an event fired twice
	for _, b := range []struct {
		what string
		tx   string
	}{{"kept", bondKept.TxHash.Hex()}, {"reverted", bondGone.TxHash.Hex()}, {"replacement", bondNew.TxHash.Hex()}} {
		n := 0
		for _, o := range fired {
			if o.Labels["tx"] == b.tx {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the %s bond (%s) fired %d event alerts, want 1", b.what, b.tx, n)
		}
	}
}
