package probe_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
)

func (e *chainEnv) feesProbe(kv probe.Checkpoints) *probe.Fees {
	return probe.NewFees(e.pool, kv, probe.FeesConfig{
		Orchestrator: addrOf(e.orch), Contracts: e.addrs, Confirmations: 2, MaxLogRange: 4,
	}, nil)
}

func TestFeesCountsTicketsOnceAcrossRestarts(t *testing.T) {
	sender, other := newKey(t), newKey(t)
	e := newChainEnv(t, testchain.Params{}, map[*ecdsa.PrivateKey]*big.Int{sender: eth(10), other: eth(10)})
	e.register(other, lpt(3000)) // another orchestrator: its tickets are not ours
	e.nextRound()
	st := e.openStore()
	p := e.feesProbe(st)
	first := p.Check(e.ctx)
	if r := first; !r.Success || r.Values["pending_fees_eth"] != 0 || r.Values["tickets_redeemed_total"] != 0 || r.Values["pending_fees_read"] != 1 {
		t.Fatalf("first run: success=%v error=%q values=%v, want no fees (read) and no tickets", r.Success, r.Error, r.Values)
	}
	// A quiet run in the same round keeps the pending fees read.
	if r := p.Check(e.ctx); !r.Success || r.Evidence["round"] == first.Evidence["round"] && r.Values["pending_fees_read"] != 0 {
		t.Fatalf("quiet run: success=%v error=%q pending_fees_read=%v, want the kept value", r.Success, r.Error, r.Values["pending_fees_read"])
	}
	if _, err := e.dep.FundDeposit(e.ctx, sender, eth(1)); err != nil {
		t.Fatal(err)
	}
	redeem := func(to *ecdsa.PrivateKey, face *big.Int) *types.Receipt {
		return e.inRound("redeem", func() (*types.Receipt, error) {
			return e.dep.RedeemTicket(e.ctx, e.owner, addrOf(sender), addrOf(to), face)
		})
	}
	redeem(e.orch, eth(0.1))
	redeem(other, eth(0.3))
	rc := redeem(e.orch, eth(0.1))

	runs := e.checkPast(p, rc.BlockNumber.Uint64())
	final := runs[len(runs)-1]
	for _, tc := range []struct {
		Name  string
		Value string
		Want  float64
	}{
		{"TicketCount", "tickets_redeemed_total", 2},
		{"FaceValue", "ticket_face_value_eth_total", 0.2},
		{"PendingFees", "pending_fees_eth", 0.2},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			if got := final.Values[tc.Value]; got != tc.Want {
				t.Fatalf("%s = %v, want %v", tc.Value, got, tc.Want)
			}
		})
	}
	var perRun float64
	for _, r := range runs {
		if r.Values["tickets_redeemed_last_run"] > 0 && r.Values["pending_fees_read"] != 1 {
			t.Errorf("a run that read %v tickets kept the pending fees", r.Values["tickets_redeemed_last_run"])
		}
		perRun += r.Values["tickets_redeemed_last_run"]
		if len(r.Observations) != 0 {
			t.Fatalf("fees probe raised alerts: %v", names(r.Observations))
		}
	}
	if perRun != 2 {
		t.Fatalf("tickets counted per run sum to %v, want 2", perRun)
	}

	// Restart: the totals come back from the store, nothing is counted twice.
	st.Close()
	p2 := e.feesProbe(e.openStore())
	if r := p2.Check(e.ctx); r.Values["tickets_redeemed_total"] != 2 || r.Values["ticket_face_value_eth_total"] != 0.2 {
		t.Fatalf("after restart: %v tickets, %v ETH; want 2 and 0.2", r.Values["tickets_redeemed_total"], r.Values["ticket_face_value_eth_total"])
	}
	rc = redeem(e.orch, eth(0.05))
	runs = e.checkPast(p2, rc.BlockNumber.Uint64())
	if r := runs[len(runs)-1]; r.Values["tickets_redeemed_total"] != 3 || r.Values["ticket_face_value_eth_total"] != 0.25 {
		t.Fatalf("after a new ticket: %v tickets, %v ETH; want 3 and 0.25", r.Values["tickets_redeemed_total"], r.Values["ticket_face_value_eth_total"])
	}
}
