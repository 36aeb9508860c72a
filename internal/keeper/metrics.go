package keeper

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/livepeer"
)

// Metrics are the keeper's Prometheus metrics.
type Metrics struct {
	roundCurrent    prometheus.Gauge
	blockNum        prometheus.Gauge
	blocksLeft      prometheus.Gauge
	roundInit       prometheus.Gauge
	lastRewardRound *prometheus.GaugeVec
	active          *prometheus.GaugeVec
	rounds          *prometheus.CounterVec
	rewardTxs       *prometheus.CounterVec
	initTxs         *prometheus.CounterVec
	balance         *prometheus.GaugeVec
	readErrors      prometheus.Counter
	lastRead        prometheus.Gauge
}

// NewMetrics registers the keeper's metrics with reg (nil: unregistered).
// The keepers of a fleet share one Metrics (registering twice panics): every
// per-orchestrator series carries the orchestrator label; the chain-wide
// gauges (round, block) do not.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		roundCurrent: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_round_current", Help: "Current Livepeer round (RoundsManager.currentRound)."}),
		blockNum:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_round_block_num", Help: "RoundsManager.blockNum(): the round clock (L1 block on Arbitrum)."}),
		blocksLeft:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_round_blocks_remaining", Help: "Blocks of blockNum() until the next round starts."}),
		roundInit:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_round_initialized", Help: "1 if the current round is initialized."}),
		lastRewardRound: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_reward_last_round",
			Help: "The orchestrator's lastRewardRound."}, []string{"orchestrator"}),
		active: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_orchestrator_active",
			Help: "1 if the orchestrator is in the active set this round."}, []string{"orchestrator"}),
		rounds: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_rounds_total",
			Help: "Rounds in which the orchestrator was active, by who called reward (rewarded_by_node, rewarded_by_lpops) or missed."}, []string{"orchestrator", "result"}),
		rewardTxs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_reward_tx_total",
			Help: "Reward transactions by orchestrator and outcome: sent, replacement, mined, reverted, replaced, dropped, rejected."}, []string{"orchestrator", "outcome"}),
		initTxs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lpops_initialize_round_tx_total",
			Help: "initializeRound transactions by the orchestrator whose keeper sent them, and outcome."}, []string{"orchestrator", "outcome"}),
		balance: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lpops_account_balance_wei",
			Help: "ETH balance of the orchestrator and signer accounts, in wei."}, []string{"account"}),
		readErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "lpops_keeper_chain_read_errors_total", Help: "Keeper ticks that could not read the chain."}),
		lastRead: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lpops_keeper_last_read_timestamp_seconds",
			Help: "Unix time of the keeper's last successful chain read."}),
	}
	if reg != nil {
		reg.MustRegister(m.roundCurrent, m.blockNum, m.blocksLeft, m.roundInit, m.lastRewardRound, m.active,
			m.rounds, m.rewardTxs, m.initTxs, m.balance, m.readErrors, m.lastRead)
	}
	return m
}

// init creates every labelled series at zero so rate() and absent() work.
func (m *Metrics) init(orch common.Address) {
	o := addrLabel(orch)
	for _, r := range []string{OutcomeRewardedByNode, OutcomeRewardedByLpops, OutcomeMissed} {
		m.rounds.WithLabelValues(o, r)
	}
	for _, s := range []string{TxSent, "replacement", TxMined, TxReverted, TxReplaced, TxDropped, TxRejected} {
		m.rewardTxs.WithLabelValues(o, s)
		m.initTxs.WithLabelValues(o, s)
	}
}

func (m *Metrics) observeSnapshot(s *livepeer.Snapshot, orch common.Address) {
	m.roundCurrent.Set(float64(s.CurrentRound))
	m.blockNum.Set(float64(s.BlockNum))
	if end := s.RoundEndBlock(); end > s.BlockNum {
		m.blocksLeft.Set(float64(end - s.BlockNum))
	} else {
		m.blocksLeft.Set(0)
	}
	m.roundInit.Set(b2f(s.RoundInitialized))
	m.lastRewardRound.WithLabelValues(addrLabel(orch)).Set(float64(s.Transcoder.LastRewardRound))
	m.active.WithLabelValues(addrLabel(orch)).Set(b2f(s.Active))
	for a, v := range s.Balances {
		f, _ := new(big.Float).SetInt(v).Float64()
		m.balance.WithLabelValues(addrLabel(a)).Set(f)
	}
	m.lastRead.Set(float64(s.ReadAt.Unix()))
}

func (m *Metrics) countRound(orch common.Address, outcome string) {
	switch outcome {
	case OutcomeRewardedByNode, OutcomeRewardedByLpops, OutcomeMissed:
		m.rounds.WithLabelValues(addrLabel(orch), outcome).Inc()
	}
}

func (m *Metrics) countTx(orch common.Address, kind, outcome string) {
	if kind == KindInitializeRound {
		m.initTxs.WithLabelValues(addrLabel(orch), outcome).Inc()
		return
	}
	m.rewardTxs.WithLabelValues(addrLabel(orch), outcome).Inc()
}

// addrLabel is the lower-case hex form, as go-livepeer prints addresses.
func addrLabel(a common.Address) string { return "0x" + common.Bytes2Hex(a.Bytes()) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
