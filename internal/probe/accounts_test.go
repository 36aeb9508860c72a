package probe_test

import (
	"crypto/ecdsa"
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
)

func paid(from common.Address, kind string, wei *big.Int) *keeper.Tx {
	return &keeper.Tx{Kind: kind, From: from, State: keeper.TxMined, FeePaid: keeper.NewWei(wei)}
}

func history(recs []*keeper.Record, err error) probe.History {
	return func(n int) ([]*keeper.Record, error) {
		if len(recs) > n {
			recs = recs[:n]
		}
		return recs, err
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestAccountsBalanceAndRunway(t *testing.T) {
	signer := newKey(t)
	e := newChainEnv(t, testchain.Params{}, map[*ecdsa.PrivateKey]*big.Int{signer: eth(0.03)})
	e.nextRound()
	// The node's own reward transaction, paid by the orchestrator account.
	rw, err := e.dep.Reward(e.ctx, e.orch)
	if err != nil {
		t.Fatal(err)
	}
	nodeFee := new(big.Int).Mul(rw.EffectiveGasPrice, new(big.Int).SetUint64(rw.GasUsed))
	s, o := addrOf(signer), addrOf(e.orch)
	spent := []*keeper.Record{ // newest first, as keeper.History returns them
		{Round: 11}, // current round, not settled: left out
		{Round: 10, Outcome: keeper.OutcomeRewardedByLpops, Txs: []*keeper.Tx{paid(s, keeper.KindReward, eth(0.002))}},
		{Round: 9, Outcome: keeper.OutcomeRewardedByLpops, Txs: []*keeper.Tx{
			paid(s, keeper.KindInitializeRound, eth(0.0004)), paid(s, keeper.KindReward, eth(0.0006)),
		}},
		{Round: 8, Outcome: keeper.OutcomeRewardedByNode, RewardedBy: "node", RewardTx: rw.TxHash.Hex()},
		{Round: 7, Outcome: keeper.OutcomeRewardedByNode, RewardedBy: "node"}, // its transaction unknown: left out
		{Round: 6, Outcome: keeper.OutcomeInactive},                           // nothing due, nothing paid
	}
	newProbe := func(h probe.History, maxFee *big.Int) *probe.Accounts {
		return probe.NewAccounts(e.pool, h, probe.AccountsConfig{
			Orchestrator: o,
			Accounts:     []probe.Account{{Role: "orchestrator", Address: o}, {Role: "signer", Address: s}},
			WarnETH:      0.05, CriticalETH: 0.01, RunwayWarnRounds: 40, RunwayCriticalRounds: 10,
			MaxFee: maxFee,
		}, nil)
	}

	for _, tc := range []struct {
		Name          string
		History       probe.History
		Rounds        float64
		SignerRunway  float64 // 0: unknown
		RunwayFiring  string  // the runway alert firing for the signer, if any
		OrchPerRoundE float64
	}{
		{"NothingSpentYet", history([]*keeper.Record{{Round: 3, Outcome: keeper.OutcomeInactive}}, nil), 0, 0, "", 0},
		{"HistoryUnreadable", history(nil, errors.New("store closed")), 0, 0, "", 0},
		// 0.003 ETH over 3 counted rounds: 0.001 per round, 30 rounds of 0.03 ETH.
		{"LpopsAndNodeSpend", history(spent, nil), 3, 30, probe.AlertRunwayLow, units(nodeFee) / 3},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := newProbe(tc.History, nil).Check(e.ctx)
			if !r.Success {
				t.Fatal(r.Error)
			}
			if r.Values["balance_eth_signer"] != 0.03 || r.Values["fee_rounds"] != tc.Rounds {
				t.Fatalf("signer balance %v over %v rounds, want 0.03 over %v", r.Values["balance_eth_signer"], r.Values["fee_rounds"], tc.Rounds)
			}
			// 0.03 ETH is between the thresholds: a warning, not critical.
			assertFiring(t, r.Observations, "signer", map[string]bool{probe.AlertBalanceLow: true, probe.AlertBalanceCritical: false})
			assertFiring(t, r.Observations, "orchestrator", map[string]bool{probe.AlertBalanceLow: false, probe.AlertBalanceCritical: false})
			runway, known := r.Values["runway_rounds_signer"]
			if tc.SignerRunway == 0 {
				if known || len(find(r.Observations, probe.AlertRunwayLow, true))+len(find(r.Observations, probe.AlertRunwayLow, false)) > 0 {
					t.Fatalf("runway %v known with nothing spent; observations %v", runway, names(r.Observations))
				}
				return
			}
			if !near(runway, tc.SignerRunway) || !near(r.Values["fee_per_round_eth_signer"], 0.001) {
				t.Fatalf("signer runway %v at %v ETH/round, want %v at 0.001", runway, r.Values["fee_per_round_eth_signer"], tc.SignerRunway)
			}
			if !near(r.Values["fee_per_round_eth_orchestrator"], tc.OrchPerRoundE) {
				t.Fatalf("orchestrator spends %v ETH/round, want its reward receipt's fee / 3 = %v", r.Values["fee_per_round_eth_orchestrator"], tc.OrchPerRoundE)
			}
			assertFiring(t, r.Observations, "signer", map[string]bool{probe.AlertRunwayLow: true, probe.AlertRunwayCritical: false})
			assertFiring(t, r.Observations, "orchestrator", map[string]bool{probe.AlertRunwayLow: false, probe.AlertRunwayCritical: false})
		})
	}

	// The signer sends most of its ETH away: the balance goes critical and
	// the runway falls under the critical threshold; the warnings resolve.
	p := newProbe(history(spent, nil), nil)
	if _, err := e.dep.FundETH(e.ctx, signer, addrOf(e.owner), eth(0.025)); err != nil {
		t.Fatal(err)
	}
	r := p.Check(e.ctx)
	if got := r.Values["runway_rounds_signer"]; got >= 5 || got < 4.9 {
		t.Fatalf("runway after spending %v rounds, want just under 5", got)
	}
	assertFiring(t, r.Observations, "signer", map[string]bool{
		probe.AlertBalanceCritical: true, probe.AlertBalanceLow: false,
		probe.AlertRunwayCritical: true, probe.AlertRunwayLow: false,
	})
	for _, ob := range r.Observations {
		if ob.Requires != "chain" {
			t.Errorf("%s requires %q, want chain", ob.Name, ob.Requires)
		}
	}
	mustContain(t, last(t, find(r.Observations, probe.AlertRunwayCritical, true), probe.AlertRunwayCritical), "0.001 ETH per round", "over the last 3 rounds")

	t.Run("GasPriceCap", func(t *testing.T) {
		for _, tc := range []struct {
			Name   string
			MaxFee *big.Int
			Want   int // -1: no observation; else 0/1 firing
		}{
			{"NoCap", nil, -1},
			{"BaseFeeAboveCap", big.NewInt(1), 1},
			{"BaseFeeBelowCap", big.NewInt(1000e9), 0},
		} {
			t.Run(tc.Name, func(t *testing.T) {
				r := newProbe(nil, tc.MaxFee).Check(e.ctx)
				fire, quiet := find(r.Observations, probe.AlertGasPriceAboveCap, true), find(r.Observations, probe.AlertGasPriceAboveCap, false)
				switch {
				case tc.Want < 0 && len(fire)+len(quiet) != 0,
					tc.Want == 1 && (len(fire) != 1 || fire[0].Severity != alert.Warning),
					tc.Want == 0 && len(quiet) != 1:
					t.Fatalf("GasPriceAboveCap observations %v with cap %v (base fee %v gwei)", names(r.Observations), tc.MaxFee, r.Values["base_fee_gwei"])
				}
				if _, ok := r.Values["base_fee_gwei"]; !ok {
					t.Fatal("no base_fee_gwei value")
				}
			})
		}
	})
}

// assertFiring checks, for one account role, which alerts fire.
func assertFiring(t *testing.T, obs []alert.Observation, role string, want map[string]bool) {
	t.Helper()
	for name, firing := range want {
		n := 0
		for _, o := range obs {
			if o.Name == name && o.Labels["account"] == role {
				n++
				if o.Firing != firing {
					t.Errorf("%s for %s: firing=%v, want %v (%s)", name, role, o.Firing, firing, o.Summary)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d %s observations for %s, want 1", n, name, role)
		}
	}
}

func units(v *big.Int) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
	return f
}

// The orchestrator's on-chain LIP-118 reward caller, when it is not lpops'
// signer, is watched like the orchestrator (role reward_caller); one that is
// the signer is watched once; one that is replaced has its alerts resolved.
func TestAccountsWatchRewardCaller(t *testing.T) {
	signer, caller := newKey(t), newKey(t)
	e := newChainEnv(t, testchain.Params{}, map[*ecdsa.PrivateKey]*big.Int{signer: eth(1), caller: eth(0.005)})
	o := addrOf(e.orch)
	reader := livepeer.NewReader(e.pool, e.addrs, o, nil, nil)
	onChain := func() common.Address {
		s, err := reader.Snapshot(e.ctx)
		if err != nil {
			t.Fatalf("read the reward caller: %v", err)
		}
		return s.RewardCaller
	}
	p := probe.NewAccounts(e.pool, nil, probe.AccountsConfig{
		Orchestrator: o,
		Accounts:     []probe.Account{{Role: "orchestrator", Address: o}, {Role: "signer", Address: addrOf(signer)}},
		WarnETH:      0.05, CriticalETH: 0.01, RunwayWarnRounds: 40, RunwayCriticalRounds: 10,
		RewardCaller: onChain,
	}, nil)

	// None set yet: orchestrator and signer only.
	r := p.Check(e.ctx)
	if _, ok := r.Values["balance_eth_reward_caller"]; ok || !r.Success {
		t.Fatalf("no reward caller set, values %v (%s)", r.Values, r.Error)
	}

	// Another account is the reward caller, with 0.005 ETH: critical.
	if _, err := e.dep.SetRewardCaller(e.ctx, e.orch, addrOf(caller)); err != nil {
		t.Fatal(err)
	}
	r = p.Check(e.ctx)
	if r.Values["balance_eth_reward_caller"] != 0.005 {
		t.Fatalf("reward caller balance %v, want 0.005", r.Values["balance_eth_reward_caller"])
	}
	assertFiring(t, r.Observations, "reward_caller", map[string]bool{probe.AlertBalanceCritical: true, probe.AlertBalanceLow: false})
	crit := find(r.Observations, probe.AlertBalanceCritical, true)
	if len(crit) != 1 || crit[0].Labels["address"] != lowerHex(addrOf(caller)) {
		t.Fatalf("BalanceCritical %v, want one for the reward caller's address", crit)
	}

	// The signer becomes the reward caller: watched once, as the signer, and
	// the old caller's alerts resolve.
	if _, err := e.dep.SetRewardCaller(e.ctx, e.orch, addrOf(signer)); err != nil {
		t.Fatal(err)
	}
	r = p.Check(e.ctx)
	if _, ok := r.Values["balance_eth_reward_caller"]; ok {
		t.Errorf("the signer is watched twice: values %v", r.Values)
	}
	assertFiring(t, r.Observations, "reward_caller", map[string]bool{probe.AlertBalanceCritical: false, probe.AlertBalanceLow: false,
		probe.AlertRunwayCritical: false, probe.AlertRunwayLow: false})
	assertFiring(t, r.Observations, "signer", map[string]bool{probe.AlertBalanceCritical: false})
	r = p.Check(e.ctx)
	if n := len(find(r.Observations, probe.AlertBalanceCritical, false)) + len(find(r.Observations, probe.AlertBalanceCritical, true)); n != 2 {
		t.Errorf("%d BalanceCritical observations, want 2 (orchestrator, signer)", n)
	}
}
