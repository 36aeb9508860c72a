package probe

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestTypedMetrics runs probes that report values as the real ones do and
// checks each typed export: base units, labels from the value names, the
// metric type, and that a value a later run lacks disappears.
func TestTypedMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	r, err := NewRunner(RunnerOptions{Interval: time.Minute, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]float64{
		"runway_rounds": 12.5, "runway_rounds_signer": 12.5, "runway_rounds_orchestrator": 900,
		"fee_per_round_eth": 0.0003, "fee_per_round_eth_signer": 0.0002, "fee_rounds": 7,
		"balance_eth_signer": 0.0025, "base_fee_gwei": 0.01, "gas_price_gwei": 0.02, "max_fee_gwei": 50,
	}
	r.Add(&funcProbe{name: "accounts", check: func(context.Context) Result {
		return Result{Probe: "accounts", Success: true, Values: accounts}
	}}, Schedule{})
	r.Add(&funcProbe{name: "stake", check: func(context.Context) Result {
		return Result{Probe: "stake", Success: true, Values: map[string]float64{
			"total_stake_lpt": 412345.5, "reward_cut_percent": 10, "fee_share_percent": 50, "cutoff_margin_percent": 15.18,
			"events_total": 42, "log_checkpoint_block": 1000, "log_reorgs_total": 2, "pool_size": 100,
		}}
	}}, Schedule{})
	r.Add(&funcProbe{name: "rpc", check: func(context.Context) Result {
		return Result{Probe: "rpc", Success: true, Values: map[string]float64{
			"healthy_endpoints": 1, "best_head_block": 99, "arb_one_peer_count": 12,
			// As RPC.Check names them: <endpoint>_<role>_<value>.
			"arb_one_signer_pending_nonce": 41, "arb_one_signer_mined_nonce": 40,
			"arb_one_orchestrator_pending_nonce": 7, "arb_one_orchestrator_mined_nonce": 7,
			"arb_one_reward_caller_pending_blocks":          3,
			"local_geth_signer+reward_caller_pending_nonce": 5,
		}}
	}}, Schedule{})
	r.RunOnce(context.Background())

	for _, tc := range []struct {
		Name   string
		Labels []string
		Want   float64
		Type   dto.MetricType
	}{
		{"lpops_account_runway_rounds", []string{"role", "signer"}, 12.5, dto.MetricType_GAUGE},
		{"lpops_account_runway_rounds", []string{"role", "orchestrator"}, 900, dto.MetricType_GAUGE},
		{"lpops_account_fee_per_round_wei", []string{"role", "signer"}, 2e14, dto.MetricType_GAUGE},
		{"lpops_account_fee_rounds", nil, 7, dto.MetricType_GAUGE},
		{"lpops_gas_base_fee_wei", nil, 1e7, dto.MetricType_GAUGE},
		{"lpops_gas_price_wei", nil, 2e7, dto.MetricType_GAUGE},
		{"lpops_reward_max_fee_wei", nil, 5e10, dto.MetricType_GAUGE},
		{"lpops_orchestrator_stake_wei", nil, 4.123455e23, dto.MetricType_GAUGE},
		{"lpops_orchestrator_reward_cut_ratio", nil, 0.1, dto.MetricType_GAUGE},
		{"lpops_orchestrator_fee_share_ratio", nil, 0.5, dto.MetricType_GAUGE},
		{"lpops_active_set_cutoff_margin_ratio", nil, 0.1518, dto.MetricType_GAUGE},
		{"lpops_active_set_size", nil, 100, dto.MetricType_GAUGE},
		{"lpops_stake_events_total", nil, 42, dto.MetricType_COUNTER},
		{"lpops_log_checkpoint_block", []string{"probe", "stake"}, 1000, dto.MetricType_GAUGE},
		{"lpops_log_reorgs_total", []string{"probe", "stake"}, 2, dto.MetricType_COUNTER},
		{"lpops_rpc_endpoints_healthy", nil, 1, dto.MetricType_GAUGE},
		{"lpops_rpc_best_head_block", nil, 99, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_account_nonce", []string{"endpoint", "arb_one", "role", "signer", "state", "pending"}, 41, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_account_nonce", []string{"endpoint", "arb_one", "role", "signer", "state", "mined"}, 40, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_account_nonce", []string{"endpoint", "arb_one", "role", "orchestrator", "state", "pending"}, 7, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_account_nonce", []string{"endpoint", "local_geth", "role", "signer+reward_caller", "state", "pending"}, 5, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_pending_blocks", []string{"endpoint", "arb_one", "role", "reward_caller"}, 3, dto.MetricType_GAUGE},
		{"lpops_rpc_endpoint_peers", []string{"endpoint", "arb_one"}, 12, dto.MetricType_GAUGE},
	} {
		got, typ, ok := typedSample(t, reg, tc.Name, tc.Labels...)
		if !ok {
			t.Errorf("%s%v not exported", tc.Name, tc.Labels)
			continue
		}
		if math.Abs(got-tc.Want) > math.Abs(tc.Want)*1e-12 {
			t.Errorf("%s%v = %g, want %g", tc.Name, tc.Labels, got, tc.Want)
		}
		if typ != tc.Type {
			t.Errorf("%s is a %s, want a %s", tc.Name, typ, tc.Type)
		}
	}
	// The lowest runway is min() of the per-role series, not a series of its own.
	if n := seriesCount(t, reg, "lpops_account_runway_rounds"); n != 2 {
		t.Errorf("lpops_account_runway_rounds has %d series, want one per role", n)
	}

	// A run that could not measure the signer's runway drops its series.
	delete(accounts, "runway_rounds_signer")
	r.RunOnce(context.Background()) // not due: nothing changes
	if _, _, ok := typedSample(t, reg, "lpops_account_runway_rounds", "role", "signer"); !ok {
		t.Fatal("the signer's runway vanished before the next run")
	}
	r2, err := NewRunner(RunnerOptions{Interval: time.Minute, Registerer: reg}) // shares the registry's series
	if err != nil {
		t.Fatal(err)
	}
	r2.Add(&funcProbe{name: "accounts", check: func(context.Context) Result {
		return Result{Probe: "accounts", Success: true, Values: accounts}
	}}, Schedule{})
	r2.RunOnce(context.Background())
	if _, _, ok := typedSample(t, reg, "lpops_account_runway_rounds", "role", "signer"); ok {
		t.Error("the signer's runway is still exported after a run without it")
	}
	if v, _, _ := typedSample(t, reg, "lpops_account_runway_rounds", "role", "orchestrator"); v != 900 {
		t.Errorf("orchestrator runway = %v after the second run", v)
	}
}

// typedSample finds the series of name with exactly the label pairs.
func typedSample(t *testing.T, reg prometheus.Gatherer, name string, labelPairs ...string) (float64, dto.MetricType, bool) {
	t.Helper()
	m, typ, ok := findSeries(t, reg, name, true, labelPairs...)
	if !ok {
		return 0, 0, false
	}
	return seriesValue(m), typ, true
}

// TestTypedMetricsFleet: with OrchestratorLabel (a fleet), an
// orchestrator's own values are exported from each orchestrator's result
// with its orchestrator label; the chain's (gas, the active set, the log
// cursor) from the first result alone, without it.
func TestTypedMetricsFleet(t *testing.T) {
	reg := prometheus.NewRegistry()
	r, err := NewRunner(RunnerOptions{Interval: time.Minute, Registerer: reg, OrchestratorLabel: true})
	if err != nil {
		t.Fatal(err)
	}
	orchs := []string{"0xaaaa", "0xbbbb", "0xcccc"}
	r.Add(&multiProbe{names: []string{"stake", "stake-0xbbbb", "stake-0xcccc"}, check: func(context.Context) []Result {
		out := make([]Result, len(orchs))
		for i, o := range orchs {
			out[i] = Result{Success: true, Orchestrator: o, Values: map[string]float64{
				"total_stake_lpt": float64(1000 * (i + 1)), "pool_size": 100, "log_checkpoint_block": 77}}
		}
		return out
	}}, Schedule{})
	r.Add(&multiProbe{names: []string{"accounts", "accounts-0xbbbb", "accounts-0xcccc"}, check: func(context.Context) []Result {
		out := make([]Result, len(orchs))
		for i, o := range orchs {
			out[i] = Result{Success: true, Orchestrator: o, Values: map[string]float64{
				"runway_rounds_signer": float64(10 * (i + 1)), "gas_price_gwei": 0.02}}
		}
		return out
	}}, Schedule{})
	r.RunOnce(context.Background())
	for i, o := range orchs {
		if v, _, ok := typedSample(t, reg, "lpops_orchestrator_stake_wei", "orchestrator", o); !ok || v != float64(1000*(i+1))*1e18 {
			t.Errorf("lpops_orchestrator_stake_wei{orchestrator=%s} = %v (%v)", o, v, ok)
		}
		if v, _, ok := typedSample(t, reg, "lpops_account_runway_rounds", "role", "signer", "orchestrator", o); !ok || v != float64(10*(i+1)) {
			t.Errorf("lpops_account_runway_rounds{role=signer,orchestrator=%s} = %v (%v)", o, v, ok)
		}
	}
	for _, name := range []string{"lpops_active_set_size", "lpops_gas_price_wei"} {
		if n := seriesCount(t, reg, name); n != 1 {
			t.Errorf("%s has %d series, want the first result's alone", name, n)
		}
		if _, _, ok := typedSample(t, reg, name); !ok {
			t.Errorf("%s is not exported without labels", name)
		}
	}
	if _, _, ok := typedSample(t, reg, "lpops_log_checkpoint_block", "probe", "stake"); !ok || seriesCount(t, reg, "lpops_log_checkpoint_block") != 1 {
		t.Error("lpops_log_checkpoint_block: want one series, {probe=stake}")
	}
}
