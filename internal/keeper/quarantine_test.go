package keeper_test

import (
	"bytes"
	"testing"

	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/store"
)

// TestCorruptRecordQuarantined: the record of the round in which lpops'
// reward is pending becomes unreadable (a disk fault). The restarted keeper
// sets it aside, bytes intact, names it in its status (StateCorrupt fires),
// goes on from chain state, and sends no second reward while the account
// has a transaction in a pool that may be the first.
func TestCorruptRecordQuarantined(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120})
	k1, st := e.keeper(opts{signer: e.caller, grace: 1})
	round := e.nextActiveRound()
	e.chain.PauseMining()
	s := e.tickUntil(k1, "reward sent", func(s keeper.Status) bool { return len(s.Txs) == 1 && s.Txs[0].State == keeper.TxSent })
	sent := s.Txs[0]
	// The keeper's bucket and key: keeper.rounds, orchestrator ‖ round.
	bad := []byte(`{"orchestrator":"0x`)
	if err := st.PutRaw("keeper.rounds", store.Uint64Key(addr(e.orch).Bytes(), round), bad); err != nil {
		t.Fatal(err)
	}
	st.Close()

	k2, st2 := e.keeper(opts{signer: e.caller, grace: 1})
	s = e.tickUntil(k2, "waiting on the unknown transaction", func(s keeper.Status) bool { return s.State == keeper.StateUnknownInFlight })
	if !s.ChainOK || s.Round != round || len(s.Quarantined) != 1 || s.Quarantined[0].Round != round || s.Quarantined[0].Error == "" {
		t.Fatalf("chain_ok %v round %d quarantined %+v; want round %d named with its decode error", s.ChainOK, s.Round, s.Quarantined, round)
	}
	for range 10 {
		k2.Tick(e.ctx)
	}
	if s := k2.Status(); len(s.Txs) != 0 || e.pendingNonce(addr(e.caller)) != 1 {
		t.Fatalf("%d transactions signed, pending nonce %d; want none beside %s (pending nonce 1)", len(s.Txs), e.pendingNonce(addr(e.caller)), sent.Hash.Hex())
	}
	var kept []byte
	if err := st2.Scan("keeper.rounds.quarantine", nil, false, func(_, v []byte) bool {
		kept = append([]byte(nil), v...)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kept, bad) {
		t.Fatalf("quarantined bytes %q, want %q", kept, bad)
	}
	duty := probe.NewDuty(k2.Status, k2.History, probe.DutyConfig{Orchestrator: addr(e.orch)}, nil)
	fired := false
	for _, o := range duty.Check(e.ctx).Observations {
		fired = fired || o.Name == probe.AlertStateCorrupt && o.Firing
	}
	if !fired {
		t.Fatal("StateCorrupt does not fire")
	}

	// The first transaction is mined: the round is settled, with one
	// reward transaction.
	e.chain.ResumeMining()
	s = e.tickUntil(k2, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone && s.Round == round })
	for range 10 {
		k2.Tick(e.ctx)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 1 {
		t.Fatalf("%d transactions from lpops, want 1", n)
	}
	if lrr, err := e.dep.LastRewardRound(e.ctx, addr(e.orch)); err != nil || lrr != round {
		t.Fatalf("lastRewardRound %d (err %v), want %d", lrr, err, round)
	}
	if s.RewardTx != sent.Hash.Hex() {
		t.Fatalf("reward tx %s, want %s found on chain", s.RewardTx, sent.Hash.Hex())
	}
}
