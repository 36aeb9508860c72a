package probe_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
)

// fleetEnv is a chain with three orchestrators, as a fleet configures them:
// a and b name one LIP-118 reward caller (caller: lpops' shared signer), c
// signs with an account of its own (signerC).
type fleetEnv struct {
	*chainEnv
	a, b, c         *ecdsa.PrivateKey
	caller, signerC *ecdsa.PrivateKey
	delegator       *ecdsa.PrivateKey
	rec             *recorder
	useMulticall    bool
}

// newFleetEnv deploys the contracts (with Multicall3 at its canonical
// address) and registers the fleet: a with 5000 LPT, b 4000, c 3000. The
// shared caller holds 0.03 ETH, c's signer 1 ETH.
func newFleetEnv(t *testing.T, useMulticall bool) *fleetEnv {
	t.Helper()
	mc, err := testchain.Multicall3Alloc()
	if err != nil {
		t.Fatal(err)
	}
	f := &fleetEnv{b: newKey(t), c: newKey(t), caller: newKey(t), signerC: newKey(t), delegator: newKey(t), useMulticall: useMulticall}
	f.chainEnv = newChainEnvAlloc(t, testchain.Params{RoundLength: 60}, map[*ecdsa.PrivateKey]*big.Int{
		f.b: eth(100), f.c: eth(100), f.caller: eth(0.03), f.signerC: eth(1), f.delegator: eth(10),
	}, mc)
	f.a = f.orch
	f.register(f.b, lpt(4000))
	f.register(f.c, lpt(3000))
	for _, k := range []*ecdsa.PrivateKey{f.a, f.b} {
		if _, err := f.dep.SetRewardCaller(f.ctx, k, addrOf(f.caller)); err != nil {
			t.Fatal(err)
		}
	}
	f.rec = &recorder{c: f.pool}
	return f
}

func (f *fleetEnv) multicall() (common.Address, bool) {
	return livepeer.Multicall3Address, f.useMulticall
}

func (f *fleetEnv) orchs() []common.Address {
	return []common.Address{addrOf(f.a), addrOf(f.b), addrOf(f.c)}
}

// recorder passes batches to the chain and keeps a copy of each.
type recorder struct {
	c       livepeer.Caller
	mu      sync.Mutex
	batches [][]rpc.BatchElem
}

func (r *recorder) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	r.mu.Lock()
	r.batches = append(r.batches, append([]rpc.BatchElem(nil), b...))
	r.mu.Unlock()
	return r.c.BatchCall(ctx, b)
}

// take returns the batches sent since the last take.
func (r *recorder) take() [][]rpc.BatchElem {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.batches
	r.batches = nil
	return out
}

// calldata is the data of an eth_call element.
func calldata(e rpc.BatchElem) []byte {
	if e.Method != "eth_call" || len(e.Args) == 0 {
		return nil
	}
	m, _ := e.Args[0].(map[string]any)
	d, _ := m["data"].(hexutil.Bytes)
	return d
}

// checkAllPast runs a fleet probe until its log checkpoint has passed
// block, a new block between runs, and returns every run's results.
func (f *fleetEnv) checkAllPast(p probe.Multi, block uint64) [][]probe.Result {
	f.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var out [][]probe.Result
	for {
		rs := p.CheckAll(f.ctx)
		out = append(out, rs)
		for _, r := range rs {
			if !r.Success {
				f.t.Fatalf("%s failed: %s", r.Probe, r.Error)
			}
		}
		if uint64(rs[0].Values["log_checkpoint_block"]) > block {
			return out
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("checkpoint %v never passed block %d", rs[0].Values["log_checkpoint_block"], block)
		}
		f.waitBlock()
	}
}

// fleetNames are the results' names of a fleet probe: base, then base-0x….
func (f *fleetEnv) fleetNames(base string) []string {
	return []string{base, probe.FleetName(base, addrOf(f.b)), probe.FleetName(base, addrOf(f.c))}
}

func checkNames(t *testing.T, rs []probe.Result, want []string, orchs []common.Address) {
	t.Helper()
	if len(rs) != len(want) {
		t.Fatalf("%d results, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		if r.Probe != want[i] || r.Orchestrator != lowerHex(orchs[i]) || !r.Success {
			t.Fatalf("result %d: %s of %s (success %v: %s), want %s of %s", i, r.Probe, r.Orchestrator, r.Success, r.Error, want[i], lowerHex(orchs[i]))
		}
	}
}

// TestAccountsFleetSharedCaller: one accounts probe watches the three
// orchestrators. The reward caller a and b share is one account: its
// balance is read once and alerted on once (with a's label, naming both),
// and its runway counts what it pays for both (0.03 ETH at 0.001 + 0.001
// ETH a round: 15 rounds, where either alone would say 30). Each
// orchestrator has its own result and metrics.
func TestAccountsFleetSharedCaller(t *testing.T) {
	for _, tc := range []struct {
		Name      string
		Multicall bool
	}{{"PlainCalls", false}, {"Multicall3", true}} {
		t.Run(tc.Name, func(t *testing.T) {
			f := newFleetEnv(t, tc.Multicall)
			a, b, c, caller, sc := addrOf(f.a), addrOf(f.b), addrOf(f.c), addrOf(f.caller), addrOf(f.signerC)
			spent := func(from common.Address, fee float64) probe.History {
				var recs []*keeper.Record
				for r := uint64(10); r > 7; r-- {
					recs = append(recs, &keeper.Record{Round: r, Outcome: keeper.OutcomeRewardedByLpops,
						Txs: []*keeper.Tx{paid(from, keeper.KindReward, eth(fee))}})
				}
				return history(recs, nil)
			}
			onChainCaller := func() common.Address { return caller } // already watched as the signer
			p := probe.NewAccounts(f.rec, spent(caller, 0.001), probe.AccountsConfig{
				Orchestrator: a,
				Accounts:     []probe.Account{{Role: probe.RoleOrchestrator, Address: a}, {Role: probe.RoleSigner, Address: caller}},
				RewardCaller: onChainCaller,
				Fleet: []probe.AccountsOrchestrator{
					{Orchestrator: b, Accounts: []probe.Account{{Role: probe.RoleOrchestrator, Address: b}, {Role: probe.RoleSigner, Address: caller}},
						RewardCaller: onChainCaller, History: spent(caller, 0.001)},
					{Orchestrator: c, Accounts: []probe.Account{{Role: probe.RoleOrchestrator, Address: c}, {Role: probe.RoleSigner, Address: sc}},
						History: spent(sc, 0.002)},
				},
				Multicall: f.multicall,
				WarnETH:   0.05, CriticalETH: 0.01, RunwayWarnRounds: 40, RunwayCriticalRounds: 10,
			}, nil)
			reg := prometheus.NewRegistry()
			r, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Minute, Registerer: reg, OrchestratorLabel: true})
			if err != nil {
				t.Fatal(err)
			}
			r.Add(p, probe.Schedule{})
			rs := r.RunOnce(f.ctx)
			checkNames(t, rs, f.fleetNames("accounts"), f.orchs())

			// The caller's balance is asked once, however many orchestrators
			// it pays for.
			asked := 0
			for _, batch := range f.rec.take() {
				for _, e := range batch {
					switch {
					case e.Method == "eth_getBalance" && e.Args[0] == caller:
						asked++
					case e.Method == "eth_getBalance":
					case bytes.Contains(calldata(e), append(livepeer.Multicall3ABI.Methods["getEthBalance"].ID, common.LeftPadBytes(caller.Bytes(), 32)...)):
						asked += bytes.Count(calldata(e), append(livepeer.Multicall3ABI.Methods["getEthBalance"].ID, common.LeftPadBytes(caller.Bytes(), 32)...))
					}
					if tc.Multicall && e.Method == "eth_getBalance" {
						t.Errorf("eth_getBalance %v sent beside Multicall3", e.Args)
					}
				}
			}
			if asked != 1 {
				t.Errorf("the shared caller's balance was asked %d times, want once", asked)
			}

			for i, want := range []struct {
				SignerRunway, SignerBalance float64
			}{{15, 0.03}, {15, 0.03}, {500, 1}} {
				v := rs[i].Values
				if !near(v["runway_rounds_signer"], want.SignerRunway) || v["balance_eth_signer"] != want.SignerBalance || v["balance_eth_orchestrator"] < 99 {
					t.Errorf("%s: signer runway %v, balance %v, orchestrator balance %v; want %v, %v, about 100", rs[i].Probe,
						v["runway_rounds_signer"], v["balance_eth_signer"], v["balance_eth_orchestrator"], want.SignerRunway, want.SignerBalance)
				}
				got, ok := gauge(t, reg, "lpops_account_runway_rounds", "orchestrator", lowerHex(f.orchs()[i]), "role", "signer")
				if !ok || !near(got, want.SignerRunway) {
					t.Errorf("lpops_account_runway_rounds{orchestrator=%s,role=signer} = %v (%v), want %v", lowerHex(f.orchs()[i]), got, ok, want.SignerRunway)
				}
			}
			if _, ok := rs[0].Values["gas_price_gwei"]; !ok {
				t.Error("the first result lacks the gas price")
			}

			// Alerts: the shared caller's once, in a's result; every other
			// account's in its orchestrator's result, with its label.
			for i, res := range rs {
				for _, o := range res.Observations {
					if o.Labels["orchestrator"] != res.Orchestrator {
						t.Errorf("%s carries %s labelled orchestrator %s", res.Probe, o.Name, o.Labels["orchestrator"])
					}
					if o.Labels["address"] == lowerHex(caller) && i != 0 {
						t.Errorf("%s carries the shared caller's %s: want it in the first result only", res.Probe, o.Name)
					}
				}
			}
			all := observations(rs)
			for _, tc := range []struct {
				Alert   string
				Address common.Address
				Firing  bool
			}{
				{probe.AlertBalanceLow, caller, true}, {probe.AlertBalanceCritical, caller, false},
				{probe.AlertRunwayLow, caller, true}, {probe.AlertRunwayCritical, caller, false},
				{probe.AlertBalanceLow, sc, false}, {probe.AlertRunwayLow, sc, false},
				{probe.AlertBalanceLow, a, false}, {probe.AlertBalanceLow, b, false}, {probe.AlertBalanceLow, c, false},
			} {
				var got []alert.Observation
				for _, o := range all {
					if o.Name == tc.Alert && o.Labels["address"] == lowerHex(tc.Address) {
						got = append(got, o)
					}
				}
				if len(got) != 1 || got[0].Firing != tc.Firing {
					t.Errorf("%s for %s: %d observations %v, want one, firing %v", tc.Alert, lowerHex(tc.Address), len(got), names(got), tc.Firing)
				}
			}
			low := find(all, probe.AlertRunwayLow, true)
			if len(low) == 1 {
				mustContain(t, low[0], "about 15.0 rounds left", "2 orchestrators", lowerHex(a), lowerHex(b))
			}
		})
	}
}

// gauge finds the series of name with the label pairs (and no other).
func gauge(t *testing.T, reg prometheus.Gatherer, name string, labelPairs ...string) (float64, bool) {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		if fam.GetName() != name {
			continue
		}
	next:
		for _, m := range fam.GetMetric() {
			if len(m.GetLabel()) != len(labelPairs)/2 {
				continue
			}
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labelPairs); i += 2 {
				if have[labelPairs[i]] != labelPairs[i+1] {
					continue next
				}
			}
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// logQueries checks the eth_getLogs of the recorded batches: per block
// range exactly perRange queries, each naming every orchestrator of the
// fleet where it names one, and returns how many there were.
func logQueries(t *testing.T, batches [][]rpc.BatchElem, perRange int, orchs []common.Address) int {
	t.Helper()
	n := 0
	ranges := map[string]int{}
	for _, batch := range batches {
		for _, e := range batch {
			if e.Method != "eth_getLogs" {
				continue
			}
			n++
			fl := e.Args[0].(map[string]any)
			ranges[hexutil.Uint64(fl["fromBlock"].(hexutil.Uint64)).String()+"-"+fl["toBlock"].(hexutil.Uint64).String()]++
			for pos, tp := range fl["topics"].([]any) {
				if pos == 0 || tp == nil {
					continue
				}
				hs, ok := tp.([]common.Hash)
				if !ok || len(hs) != len(orchs) {
					t.Fatalf("eth_getLogs topic %d is %v: want the %d orchestrators OR-ed", pos, tp, len(orchs))
				}
				for i, o := range orchs {
					if hs[i] != livepeer.AddressTopic(o) {
						t.Fatalf("eth_getLogs topic %d names %v, want %s at %d", pos, hs, o, i)
					}
				}
			}
		}
	}
	for r, k := range ranges {
		if k != perRange {
			t.Errorf("blocks %s: %d eth_getLogs, want %d whatever the fleet's size", r, k, perRange)
		}
	}
	return n
}

// TestStakeFleet: one stake probe watches the three orchestrators with one
// log query per query kind and range for the whole fleet (the orchestrators
// OR-ed in the indexed topic) and one standing read (through Multicall3).
// Each event is alerted on and counted in its own orchestrator's result.
// The totals of each survive a restart.
func TestStakeFleet(t *testing.T) {
	f := newFleetEnv(t, true)
	f.nextRound() // all three active
	st := f.openStore()
	a, b, c := addrOf(f.a), addrOf(f.b), addrOf(f.c)
	newProbe := func(kv probe.Checkpoints) *probe.Stake {
		return probe.NewStake(f.rec, kv, probe.StakeConfig{
			Orchestrator: a, Fleet: []common.Address{b, c}, Multicall: f.multicall, Contracts: f.addrs,
			Confirmations: 2, MaxLogRange: 4, StakeChangeWarnPercent: 50, CutoffWarnPercent: 10,
		}, nil)
	}
	p := newProbe(st)
	if got := p.Names(); strings.Join(got, ",") != strings.Join(f.fleetNames("stake"), ",") {
		t.Fatalf("Names = %v", got)
	}
	first := p.CheckAll(f.ctx)
	checkNames(t, first, f.fleetNames("stake"), f.orchs())
	for i, want := range []float64{5000, 4000, 3000} {
		r := first[i]
		if r.Values["total_stake_lpt"] != want || r.Values["standing_read"] != 1 {
			t.Errorf("%s: stake %v (read %v), want %v", r.Probe, r.Values["total_stake_lpt"], r.Values["standing_read"], want)
		}
		if o := last(t, r.Observations, probe.AlertNotInActiveSet); o.Firing || o.Labels["orchestrator"] != r.Orchestrator {
			t.Errorf("%s: NotInActiveSet firing=%v labels %v", r.Probe, o.Firing, o.Labels)
		}
	}
	// The standing of the three in one request: aggregate3, no call of its own.
	getTranscoder := livepeer.BondingManagerABI.Methods["getTranscoder"].ID
	aggregates := 0
	for _, batch := range f.rec.take() {
		for _, e := range batch {
			d := calldata(e)
			switch {
			case bytes.HasPrefix(d, livepeer.Multicall3ABI.Methods["aggregate3"].ID):
				aggregates++
			case bytes.HasPrefix(d, getTranscoder):
				t.Errorf("getTranscoder sent on its own beside Multicall3")
			}
		}
	}
	if aggregates != 1 {
		t.Errorf("the first run sent %d aggregate3, want 1 for the three standings", aggregates)
	}

	// A delegator bonds to b; c's node rewards.
	if _, err := f.dep.MintLPT(f.ctx, f.owner, addrOf(f.delegator), lpt(1000)); err != nil {
		t.Fatal(err)
	}
	bond := f.inRound("bond", func() (*types.Receipt, error) { return f.dep.Bond(f.ctx, f.delegator, b, lpt(1000)) })
	reward := f.inRound("reward", func() (*types.Receipt, error) { return f.dep.Reward(f.ctx, f.c) })
	runs := f.checkAllPast(p, max(bond.BlockNumber.Uint64(), reward.BlockNumber.Uint64()))
	runs = append(runs, p.CheckAll(f.ctx)) // resolves what the last run fired
	queries := logQueries(t, f.rec.take(), 3, f.orchs())
	if queries == 0 {
		t.Fatal("no eth_getLogs recorded")
	}

	var fired [3][]alert.Observation
	bondRead := false
	for _, rs := range runs {
		for i, r := range rs {
			for _, o := range r.Observations {
				if o.Labels["tx"] != "" && o.Labels["orchestrator"] != r.Orchestrator {
					t.Errorf("%s carries %s of orchestrator %s", r.Probe, o.Name, o.Labels["orchestrator"])
				}
			}
			fired[i] = append(fired[i], r.Observations...)
			if i == 1 && len(eventAlerts(t, r.Observations)) > 0 && r.Values["standing_read"] == 1 && r.Values["total_stake_lpt"] == 5000 {
				bondRead = true
			}
		}
	}
	changed := byName(eventAlerts(t, fired[1]), probe.AlertStakeChanged)
	if len(changed) != 1 || changed[0].Labels["tx"] != bond.TxHash.Hex() || changed[0].Labels["orchestrator"] != lowerHex(b) {
		t.Fatalf("b's StakeChanged %v, want one for the bond", changed)
	}
	mustContain(t, changed[0], "bonded 1000 LPT", "stake now 5000 LPT")
	if !bondRead {
		t.Error("the run that read b's bond did not read b's standing again (stake 5000)")
	}
	for _, i := range []int{0, 2} {
		if n := len(eventAlerts(t, fired[i])); n != 0 {
			t.Errorf("%s fired %d event alerts, want none", f.fleetNames("stake")[i], n)
		}
	}
	final := runs[len(runs)-1]
	if r := final[2]; r.Values["last_reward_lpt"] <= 0 || r.Evidence["last_reward_tx"] != reward.TxHash.Hex() || r.Values["events_total"] != 1 {
		t.Errorf("c's last reward %v in %s (%v events), want its reward %s", r.Values["last_reward_lpt"], r.Evidence["last_reward_tx"], r.Values["events_total"], reward.TxHash.Hex())
	}
	if r := final[0]; r.Values["events_total"] != 0 || r.Evidence["last_reward_tx"] != "" {
		t.Errorf("a counted %v events, last reward %q; want none", r.Values["events_total"], r.Evidence["last_reward_tx"])
	}

	// Restart: each orchestrator's totals come back from the one checkpoint.
	st.Close()
	rs := newProbe(f.openStore()).CheckAll(f.ctx)
	if rs[2].Evidence["last_reward_tx"] != reward.TxHash.Hex() || rs[1].Values["events_total"] != 1 || rs[0].Values["events_total"] != 0 {
		t.Errorf("after a restart: c's last reward %q, b %v events, a %v; want c's reward, 1, 0",
			rs[2].Evidence["last_reward_tx"], rs[1].Values["events_total"], rs[0].Values["events_total"])
	}
}

// TestFeesFleet: one fees probe counts each orchestrator's tickets with one
// log query per range for the fleet, and reads their pending fees together.
func TestFeesFleet(t *testing.T) {
	f := newFleetEnv(t, true)
	sender := f.delegator
	f.nextRound()
	a, b, c := addrOf(f.a), addrOf(f.b), addrOf(f.c)
	p := probe.NewFees(f.rec, f.openStore(), probe.FeesConfig{
		Orchestrator: a, Fleet: []common.Address{b, c}, Multicall: f.multicall, Contracts: f.addrs, Confirmations: 2, MaxLogRange: 4,
	}, nil)
	first := p.CheckAll(f.ctx)
	checkNames(t, first, f.fleetNames("fees"), f.orchs())
	if _, err := f.dep.FundDeposit(f.ctx, sender, eth(1)); err != nil {
		t.Fatal(err)
	}
	redeem := func(to common.Address, face *big.Int) *types.Receipt {
		return f.inRound("redeem", func() (*types.Receipt, error) {
			return f.dep.RedeemTicket(f.ctx, f.owner, addrOf(sender), to, face)
		})
	}
	redeem(b, eth(0.1))
	redeem(c, eth(0.3))
	rc := redeem(b, eth(0.2))
	runs := f.checkAllPast(p, rc.BlockNumber.Uint64())
	logQueries(t, f.rec.take(), 1, f.orchs())
	final := runs[len(runs)-1]
	for i, want := range []struct{ Tickets, Face float64 }{{0, 0}, {2, 0.3}, {1, 0.3}} {
		r := final[i]
		if r.Values["tickets_redeemed_total"] != want.Tickets || !near(r.Values["ticket_face_value_eth_total"], want.Face) || !near(r.Values["pending_fees_eth"], want.Face) {
			t.Errorf("%s: %v tickets, %v ETH face, %v ETH pending; want %v, %v, %v", r.Probe, r.Values["tickets_redeemed_total"],
				r.Values["ticket_face_value_eth_total"], r.Values["pending_fees_eth"], want.Tickets, want.Face, want.Face)
		}
	}
}
