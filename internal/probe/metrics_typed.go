package probe

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Typed metrics: the values probes measure that an operator graphs or
// alerts on, each exported under its own name in base units (wei, ratios,
// blocks) with real labels (the account's role, the endpoint), counters as
// counters. The probes keep measuring in the units they report in status
// (ETH, gwei, LPT, percent); this table converts their Result.Values once,
// at export, so the probe logic is untouched. lpops_probe_value still
// carries every raw value, for ad-hoc graphs; rules and dashboards use
// these.

// typedMetric maps one probe value to a metric.
type typedMetric struct {
	Name    string
	Help    string
	Counter bool
	// Probe and Key name the value. Per "role": the values are Key_<role>;
	// per "endpoint": <endpoint>_Key; the part left is the label's value.
	// Per "endpoint,role": <endpoint>_<role>_Key, two labels.
	Probe, Key string
	Per        string
	// Scale converts the value to the base unit (1e18 for ETH or LPT to
	// wei, 1e9 for gwei, 0.01 for a percentage to a ratio); 0 means 1.
	Scale float64
	// Fixed adds a constant label (name, value) to tell apart values
	// exported under one name.
	Fixed [2]string
	// Orch marks a value of the orchestrator's own (its stake, its
	// accounts' runway), not of the chain (gas price, the active set):
	// exported from the result of every orchestrator of a fleet (the
	// probe's "stake" and "stake-0x…"), with an orchestrator label when the
	// Runner has OrchestratorLabel. The others come from the probe's first
	// result alone and carry no orchestrator label.
	Orch bool
}

// typedMetrics lists the exports; docs/metrics.md documents each.
var typedMetricList = []typedMetric{
	// accounts
	{Name: "lpops_account_runway_rounds", Probe: "accounts", Key: "runway_rounds", Per: "role", Orch: true,
		Help: "Rounds of reward transactions the account's ETH pays for at its recent fee per round, by role (orchestrator, signer). Absent until lpops has seen fees paid."},
	{Name: "lpops_account_fee_per_round_wei", Probe: "accounts", Key: "fee_per_round_eth", Per: "role", Orch: true, Scale: 1e18,
		Help: "The account's recent average fee paid per round, in wei, by role."},
	{Name: "lpops_account_fee_rounds", Probe: "accounts", Key: "fee_rounds", Orch: true,
		Help: "Rounds the fee-per-round average covers."},
	{Name: "lpops_gas_base_fee_wei", Probe: "accounts", Key: "base_fee_gwei", Scale: 1e9,
		Help: "The chain's latest base fee per gas, in wei."},
	{Name: "lpops_gas_price_wei", Probe: "accounts", Key: "gas_price_gwei", Scale: 1e9,
		Help: "The gas price the chain suggests (eth_gasPrice), in wei."},
	{Name: "lpops_reward_max_fee_wei", Probe: "accounts", Key: "max_fee_gwei", Scale: 1e9,
		Help: "The fee cap per gas of reward transactions (reward.max_fee_gwei), in wei."},
	// stake and standing
	{Name: "lpops_orchestrator_stake_wei", Probe: "stake", Key: "total_stake_lpt", Orch: true, Scale: 1e18,
		Help: "The orchestrator's total stake, self-bonded and delegated, in LPT base units."},
	{Name: "lpops_orchestrator_self_bonded_wei", Probe: "stake", Key: "self_bonded_lpt", Orch: true, Scale: 1e18,
		Help: "The orchestrator's self-bonded stake, in LPT base units."},
	{Name: "lpops_orchestrator_delegated_stake_wei", Probe: "stake", Key: "delegated_stake_lpt", Orch: true, Scale: 1e18,
		Help: "Stake delegated to the orchestrator by others, in LPT base units."},
	{Name: "lpops_orchestrator_reward_cut_ratio", Probe: "stake", Key: "reward_cut_percent", Orch: true, Scale: 0.01,
		Help: "The share of rewards the orchestrator keeps (0 to 1)."},
	{Name: "lpops_orchestrator_fee_share_ratio", Probe: "stake", Key: "fee_share_percent", Orch: true, Scale: 0.01,
		Help: "The share of fees the orchestrator passes to its delegators (0 to 1)."},
	{Name: "lpops_orchestrator_in_active_set_next_round", Probe: "stake", Key: "in_active_set_next_round", Orch: true,
		Help: "1 when the orchestrator's stake keeps it in the active set next round."},
	{Name: "lpops_active_set_size", Probe: "stake", Key: "pool_size",
		Help: "Orchestrators in the active set."},
	{Name: "lpops_active_set_max_size", Probe: "stake", Key: "pool_max_size",
		Help: "The active set's size limit."},
	{Name: "lpops_active_set_cutoff_stake_wei", Probe: "stake", Key: "cutoff_stake_lpt", Scale: 1e18,
		Help: "The stake of the smallest member of a full active set, in LPT base units; 0 when the set is not full."},
	{Name: "lpops_active_set_cutoff_margin_ratio", Probe: "stake", Key: "cutoff_margin_percent", Orch: true, Scale: 0.01,
		Help: "How far the orchestrator's stake is above the cut-off, as a share of the cut-off."},
	{Name: "lpops_reward_last_amount_wei", Probe: "stake", Key: "last_reward_lpt", Orch: true, Scale: 1e18,
		Help: "LPT minted to the orchestrator by its last Reward event, in base units."},
	{Name: "lpops_reward_last_block", Probe: "stake", Key: "last_reward_block", Orch: true,
		Help: "The block of the orchestrator's last Reward event."},
	{Name: "lpops_stake_events_total", Probe: "stake", Key: "events_total", Orch: true, Counter: true,
		Help: "Stake and standing events of the orchestrator read from the logs (Bond, Unbond, Reward, ...)."},
	{Name: "lpops_log_checkpoint_block", Probe: "stake", Key: "log_checkpoint_block", Fixed: [2]string{"probe", "stake"},
		Help: "The last block whose logs the probe has read, by probe."},
	{Name: "lpops_log_checkpoint_block", Probe: "fees", Key: "log_checkpoint_block", Fixed: [2]string{"probe", "fees"}},
	{Name: "lpops_log_lag_blocks", Probe: "stake", Key: "log_lag_blocks", Fixed: [2]string{"probe", "stake"},
		Help: "Blocks between the head and the probe's log checkpoint, by probe."},
	{Name: "lpops_log_reorgs_total", Probe: "stake", Key: "log_reorgs_total", Counter: true, Fixed: [2]string{"probe", "stake"},
		Help: "Reorgs the probe's log cursor found under its checkpoint (its block's hash changed) and re-scanned, by probe."},
	{Name: "lpops_log_reorgs_total", Probe: "fees", Key: "log_reorgs_total", Counter: true, Fixed: [2]string{"probe", "fees"}},
	// fees
	{Name: "lpops_orchestrator_pending_fees_wei", Probe: "fees", Key: "pending_fees_eth", Orch: true, Scale: 1e18,
		Help: "Fees the orchestrator can withdraw, in wei."},
	{Name: "lpops_tickets_redeemed_total", Probe: "fees", Key: "tickets_redeemed_total", Orch: true, Counter: true,
		Help: "Winning tickets redeemed to the orchestrator, read from the logs."},
	{Name: "lpops_ticket_face_value_wei_total", Probe: "fees", Key: "ticket_face_value_eth_total", Orch: true, Scale: 1e18, Counter: true,
		Help: "Face value of the winning tickets redeemed to the orchestrator, in wei."},
	// RPC endpoints, beyond the pool's own lpops_rpc_endpoint_* gauges
	{Name: "lpops_rpc_endpoints_healthy", Probe: "rpc", Key: "healthy_endpoints",
		Help: "RPC endpoints the probe found healthy."},
	{Name: "lpops_rpc_best_head_block", Probe: "rpc", Key: "best_head_block",
		Help: "The newest block any endpoint has."},
	{Name: "lpops_txs_in_flight", Probe: "rpc", Key: "txs_in_flight",
		Help: "Transactions lpops broadcast that are not mined yet."},
	{Name: "lpops_rpc_endpoint_peers", Probe: "rpc", Key: "peer_count", Per: "endpoint",
		Help: "The endpoint's peer count (net_peerCount), when it answers it."},
	{Name: "lpops_rpc_endpoint_syncing", Probe: "rpc", Key: "syncing", Per: "endpoint",
		Help: "1 while the endpoint reports that it is syncing (eth_syncing)."},
	{Name: "lpops_rpc_endpoint_account_nonce", Probe: "rpc", Key: "pending_nonce", Per: "endpoint,role", Fixed: [2]string{"state", "pending"},
		Help: "A watched account's nonce as the endpoint sees it, by role (orchestrator, signer, reward_caller) and state: pending (with its transaction pool) or mined."},
	{Name: "lpops_rpc_endpoint_account_nonce", Probe: "rpc", Key: "mined_nonce", Per: "endpoint,role", Fixed: [2]string{"state", "mined"}},
	{Name: "lpops_rpc_endpoint_pending_blocks", Probe: "rpc", Key: "pending_blocks", Per: "endpoint,role",
		Help: "Blocks a watched account's pending nonce has stayed ahead of its mined nonce on the endpoint, by role."},
	// the node
	{Name: "lpops_node_up", Probe: "node", Key: "up",
		Help: "1 when the node's CLI API answers."},
	{Name: "lpops_node_service_up", Probe: "node", Key: "service_up",
		Help: "1 when the node's public service port answers /healthz."},
	{Name: "lpops_node_transcoders", Probe: "transcoders", Key: "transcoders",
		Help: "Remote transcoders connected to the orchestrator (the node's /status RegisteredTranscoders)."},
	{Name: "lpops_node_transcoder_capacity", Probe: "transcoders", Key: "capacity",
		Help: "Sessions the connected remote transcoders accept in all (the sum of their -maxSessions)."},
	{Name: "lpops_node_transcoder_capacity_used_ratio", Probe: "transcoders", Key: "capacity_utilization",
		Help: "The node's current sessions as a share of the remote transcoders' capacity."},
	{Name: "lpops_node_outdated", Probe: "releases", Key: "outdated",
		Help: "1 when a newer go-livepeer release than the node's is out."},
	// duty
	{Name: "lpops_keeper_status_age_seconds", Probe: "duty", Key: "status_age_seconds", Orch: true,
		Help: "Age of the keeper's last status when the duty probe read it."},
}

// typedMetrics is a collector of the typed exports; it holds each probe's
// latest samples, so a value a run did not measure disappears.
type typedMetrics struct {
	descs map[string]*prometheus.Desc
	// orchLabel adds the orchestrator label to the Orch metrics (a fleet).
	orchLabel bool
	mu        sync.Mutex
	// samples by result name (probe)
	samples map[string][]prometheus.Metric
}

var _ prometheus.Collector = (*typedMetrics)(nil)

func newTypedMetrics(orchLabel bool) *typedMetrics {
	t := &typedMetrics{descs: map[string]*prometheus.Desc{}, orchLabel: orchLabel, samples: map[string][]prometheus.Metric{}}
	for _, m := range typedMetricList {
		if _, ok := t.descs[m.Name]; ok {
			continue // a second value under the same name, told apart by Fixed
		}
		var labels []string
		if m.Per != "" {
			labels = append(labels, strings.Split(m.Per, ",")...)
		}
		if m.Fixed[0] != "" {
			labels = append(labels, m.Fixed[0])
		}
		if m.Orch && orchLabel {
			labels = append(labels, "orchestrator")
		}
		t.descs[m.Name] = prometheus.NewDesc(m.Name, m.Help, labels, nil)
	}
	return t
}

// registerTyped registers the typed exports on reg; a second Runner on the
// same registry shares them (and the first one's orchLabel).
func registerTyped(reg prometheus.Registerer, orchLabel bool) (*typedMetrics, error) {
	t := newTypedMetrics(orchLabel)
	if err := reg.Register(t); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*typedMetrics); ok {
				return existing, nil
			}
		}
		return nil, fmt.Errorf("register probe metrics: %w", err)
	}
	return t, nil
}

// Describe implements prometheus.Collector.
func (t *typedMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, n := range slices.Sorted(maps.Keys(t.descs)) {
		ch <- t.descs[n]
	}
}

// Collect implements prometheus.Collector.
func (t *typedMetrics) Collect(ch chan<- prometheus.Metric) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ms := range t.samples {
		for _, m := range ms {
			ch <- m
		}
	}
}

// observe replaces the probe's samples with those of res.
func (t *typedMetrics) observe(res Result) {
	if t == nil {
		return
	}
	var out []prometheus.Metric
	for _, m := range typedMetricList {
		if !m.from(res.Probe, t.orchLabel) {
			continue
		}
		for key, v := range res.Values {
			lv, ok := m.match(key)
			if !ok {
				continue
			}
			if m.Fixed[0] != "" {
				lv = append(lv, m.Fixed[1])
			}
			if m.Orch && t.orchLabel {
				lv = append(lv, res.Orchestrator)
			}
			if m.Scale != 0 {
				v *= m.Scale
			}
			typ := prometheus.GaugeValue
			if m.Counter {
				typ = prometheus.CounterValue
			}
			s, err := prometheus.NewConstMetric(t.descs[m.Name], typ, v, lv...)
			if err == nil {
				out = append(out, s)
			}
		}
	}
	t.mu.Lock()
	t.samples[res.Probe] = out
	t.mu.Unlock()
}

// from reports whether m is exported from the result named probe: the
// probe's own, or for an Orch value, when the orchestrator label tells
// them apart (fleet), also that of a further orchestrator (probe-0x…).
func (m typedMetric) from(probe string, fleet bool) bool {
	if probe == m.Probe {
		return true
	}
	return m.Orch && fleet && strings.HasPrefix(probe, m.Probe+"-0x")
}

// match reports whether the value name key is m's, and the label values a
// per-role or per-endpoint value carries.
func (m typedMetric) match(key string) ([]string, bool) {
	switch m.Per {
	case "role":
		role, ok := strings.CutPrefix(key, m.Key+"_")
		return []string{role}, ok && role != ""
	case "endpoint":
		ep, ok := strings.CutSuffix(key, "_"+m.Key)
		return []string{ep}, ok && ep != ""
	case "endpoint,role":
		// Endpoint names and roles both hold "_": the role is the longest
		// tail that is one.
		rest, ok := strings.CutSuffix(key, "_"+m.Key)
		if !ok {
			return nil, false
		}
		for i := 1; i < len(rest); i++ {
			if rest[i] == '_' && isRole(rest[i+1:]) {
				return []string{rest[:i], rest[i+1:]}, true
			}
		}
		return nil, false
	}
	return nil, key == m.Key
}
