package integration

import (
	"math/big"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testenv"
)

// Keeper states and round outcomes as /api/v1/status and /api/v1/rounds
// spell them.
const (
	stateWaitingGrace = "waiting_grace"
	stateDone         = "done"
	stateNotActive    = "not_active"
	stateNotReg       = "not_registered"
	stateWouldRevert  = "would_revert"
	stateInsufficient = "insufficient_funds"
	txSent            = "sent"
	txMined           = "mined"
	txReplaced        = "replaced"
)

func TestNodeRewardsItself(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{manual: true})
	lp := e.startLpops(lpopsOptions{grace: defaultGrace})
	round, start := e.nextActiveRound()
	lp.waitStatus("lpops to give the node its turn", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateWaitingGrace
	})
	before := lp.Metric("lpops_rounds_total", "result", "rewarded_by_node")

	// The node calls reward itself, inside the grace window.
	r := e.do("node's reward", e.orch, e.dep.Contracts.BondingManager.Reward)
	if bn := e.blockNumAt(r.BlockNumber.Uint64()); bn >= start+defaultGrace {
		t.Fatalf("the node's reward landed at blockNum %d, not inside the grace window ending at %d", bn, start+defaultGrace)
	}
	// The round settles as the node's at once; its transaction may be
	// found a read later, when the endpoint's log index lags its state.
	s := lp.waitStatus("lpops to see the node's reward and find its transaction", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone && s.Keeper.RewardTx != ""
	})
	if s.Keeper.RewardedBy != "node" || s.Keeper.RewardTx != r.TxHash.Hex() {
		t.Errorf("status rewarded_by %q reward_tx %q; want the node and its transaction %s", s.Keeper.RewardedBy, s.Keeper.RewardTx, r.TxHash.Hex())
	}
	if len(s.Keeper.Txs) != 0 {
		t.Errorf("status lists transactions of lpops for the round: %+v", s.Keeper.Txs)
	}

	// Let lpops watch the rest of the round, past the grace window to its
	// last block, then mine one more block to take in anything it sent.
	e.advance(lp, start+defaultGrace+1)
	e.advance(lp, start+e.length-1)
	e.mine(1)
	if n := e.txsFrom(addr(e.signer), false, 0, e.head()); n != 0 {
		t.Fatalf("lpops' signer sent %d transactions in a round the node rewarded; want none", n)
	}
	e.wantSignerTxs(0)
	if got := lp.Metric("lpops_rounds_total", "result", "rewarded_by_node"); got != before+1 {
		t.Errorf(`lpops_rounds_total{result="rewarded_by_node"} = %v, want %v`, got, before+1)
	}
}

func TestNodeMisses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		geth bool
	}{
		{"Anvil", false},
		{"GethDev", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{geth: tc.geth})
			rewardsOnceAfterGrace(t, e, "rewardForTranscoder")
		})
	}
}

func TestOrchestratorKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{signerIsOrchestrator: true})
	rewardsOnceAfterGrace(t, e, "reward")
}

func TestBlockNumClock(t *testing.T) {
	t.Parallel()
	// blockNum() = 1_000_000 + block.number/2: two chain blocks per
	// protocol block, and nowhere near eth_blockNumber.
	const offset = 1_000_000
	e := newEnv(t, envOptions{roundLength: 8, blockNumOffset: offset, blockNumDivisor: 2})
	lp, round, start := rewardsOnceAfterGrace(t, e, "rewardForTranscoder")

	// What lpops reports is the protocol clock: the status agrees with
	// RoundsManager read at about the same time, not with eth_blockNumber.
	var head uint64
	s := lp.waitStatus("status to match RoundsManager", func(s *statusDoc) bool {
		bn, err := e.dep.BlockNum(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, rs := e.roundInfo()
		head = e.head()
		return s.Keeper.BlockNum == bn && s.Keeper.Round == r && s.Keeper.RoundStartBlock == rs
	})
	if k := s.Keeper; k.BlockNum < offset || k.BlockNum == head || k.RoundLength != 8 || k.GraceEndBlock != k.RoundStartBlock+defaultGrace {
		t.Errorf("status block_num %d round_start_block %d grace_end_block %d round_length %d (eth_blockNumber %d); "+
			"want blockNum() units: >= %d, grace end = start + %d, length 8", k.BlockNum, k.RoundStartBlock, k.GraceEndBlock,
			k.RoundLength, head, offset, defaultGrace)
	}
	if got := lp.Metric("lpops_round_block_num"); got < offset {
		t.Errorf("lpops_round_block_num = %v, want blockNum() (>= %d)", got, offset)
	}
	if s.Keeper.Round <= round || start < offset {
		t.Errorf("status round %d after round %d (start %d)", s.Keeper.Round, round, start)
	}
}

// rewardsOnceAfterGrace is the scenario of a node that does not call reward:
// on a chain mining in real time, lpops must call it itself once the grace
// window has passed, exactly once in the round, with method.
func rewardsOnceAfterGrace(t *testing.T, e *env, method string) (lp *lpops, round, start uint64) {
	t.Helper()
	lp = e.startLpops(lpopsOptions{grace: defaultGrace})
	round, start = e.nextActiveRound()
	firstBlock := e.l2Block(start)

	s := lp.waitStatus("lpops to reward the round", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone
	})
	k := s.Keeper
	if k.RewardedBy != "lpops" {
		t.Fatalf("status rewarded_by %q, want lpops (reason %q)", k.RewardedBy, k.Reason)
	}
	if len(k.Txs) != 1 || k.Txs[0].Method != method || k.Txs[0].State != txMined || k.Txs[0].From != addr(e.signer) {
		t.Fatalf("status txs %+v; want one mined %s from %s", k.Txs, method, addr(e.signer))
	}
	if k.RewardTx != k.Txs[0].Hash.Hex() {
		t.Errorf("status reward_tx %s, want lpops' transaction %s", k.RewardTx, k.Txs[0].Hash.Hex())
	}
	rc, err := e.chain.Client(t).TransactionReceipt(e.ctx, k.Txs[0].Hash)
	if err != nil {
		t.Fatal(err)
	}
	// The grace window is counted in blockNum() blocks, not chain blocks.
	if bn := e.blockNumAt(rc.BlockNumber.Uint64()); bn < start+defaultGrace || bn >= start+e.length {
		t.Errorf("reward mined in block %d (blockNum %d); want blockNum in [%d, %d): after the grace, inside the round",
			rc.BlockNumber, bn, start+defaultGrace, start+e.length)
	}
	if lrr, err := e.dep.LastRewardRound(e.ctx, addr(e.orch)); err != nil || lrr != round {
		t.Errorf("lastRewardRound = %d (err %v), want %d", lrr, err, round)
	}
	// The metrics of the running binary say the same. The balance gauge is
	// from the read that saw the round rewarded, after lpops paid for it.
	// (Missed rounds are not asserted: on anvil the test may jump over a
	// round in which the orchestrator was already active.)
	bal, err := e.chain.Client(t).BalanceAt(e.ctx, addr(e.signer), nil)
	if err != nil {
		t.Fatal(err)
	}
	balance, _ := new(big.Float).SetInt(bal).Float64()
	orchLabel, signerLabel := strings.ToLower(addr(e.orch).Hex()), strings.ToLower(addr(e.signer).Hex())
	for _, m := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"lpops_round_current", nil, float64(round)},
		{"lpops_reward_last_round", []string{"orchestrator", orchLabel}, float64(round)},
		{"lpops_account_balance_wei", []string{"account", signerLabel}, balance},
		{"lpops_rounds_total", []string{"orchestrator", orchLabel, "result", "rewarded_by_lpops"}, 1},
		{"lpops_rounds_total", []string{"orchestrator", orchLabel, "result", "rewarded_by_node"}, 0},
		{"lpops_reward_tx_total", []string{"outcome", "sent"}, 1},
		{"lpops_reward_tx_total", []string{"outcome", "mined"}, 1},
		{"lpops_reward_tx_total", []string{"outcome", "replacement"}, 0},
		{"lpops_reward_tx_total", []string{"outcome", "rejected"}, 0},
		{"lpops_reward_tx_total", []string{"outcome", "reverted"}, 0},
	} {
		if got := lp.Metric(m.name, m.labels...); got != m.want {
			t.Errorf("%s%v = %v, want %v", m.name, m.labels, got, m.want)
		}
	}

	// Let the round run out in real time: lpops keeps ticking all through it.
	if err := e.dep.WaitForRound(e.ctx, round+1, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	lastBlock := e.l2Block(start+e.length) - 1
	if n := e.txsFrom(addr(e.signer), false, firstBlock, lastBlock); n != 1 {
		t.Errorf("lpops' signer sent %d transactions in round %d (blocks %d-%d), want exactly 1", n, round, firstBlock, lastBlock)
	}
	if n := e.txsFrom(addr(e.signer), true, firstBlock, lastBlock); n != 1 {
		t.Errorf("%d transactions from lpops' signer to the BondingManager in round %d, want exactly 1", n, round)
	}
	return lp, round, start
}

func TestInactive(t *testing.T) {
	t.Parallel()
	t.Run("Unbonded", func(t *testing.T) {
		t.Parallel()
		// On geth the node's reward must land inside the grace window in
		// real time.
		onChains(t, envOptions{manual: true}, func(o *envOptions) { o.grace = 6 }, inactiveUnbonded)
	})
	t.Run("RegisteredNotActive", func(t *testing.T) {
		t.Parallel()
		onChains(t, envOptions{manual: true, rival: true}, nil, inactiveRegistered)
	})
}

// inactiveUnbonded: the orchestrator resigns (unbonds everything), so it is
// neither active nor registered from the next round on.
func inactiveUnbonded(t *testing.T, e *env) {
	lp := e.startLpops(lpopsOptions{})

	// Round 1: the node rewards, then unbonds everything: it resigns and is
	// no longer active (nor registered) from the next round on.
	r1, _ := e.nextActiveRound()
	e.do("node's reward", e.orch, e.dep.Contracts.BondingManager.Reward)
	lp.waitStatus("lpops to see the node's reward", func(s *statusDoc) bool {
		return s.inRound(r1) && s.Keeper.State == stateDone && s.Keeper.RewardedBy == "node"
	})
	all, err := e.dep.Contracts.BondingManager.PendingStake(&bind.CallOpts{Context: e.ctx}, addr(e.orch), new(big.Int).SetUint64(r1))
	if err != nil {
		t.Fatal(err)
	}
	e.do("unbond", e.orch, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return e.dep.Contracts.BondingManager.Unbond(o, all)
	})

	// Round 2: nothing is due, and nothing is sent from its first block to
	// its last.
	r2, start := e.nextRound()
	first := e.l2Block(start)
	s := lp.waitStatus("lpops to see the orchestrator inactive", func(s *statusDoc) bool {
		return s.inRound(r2) && (s.Keeper.State == stateNotActive || s.Keeper.State == stateNotReg)
	})
	if s.Keeper.Active || s.Keeper.Reason == "" {
		t.Errorf("status active %v reason %q; want inactive with a reason", s.Keeper.Active, s.Keeper.Reason)
	}
	e.advance(lp, start+e.grace+1)
	e.advance(lp, start+e.length-1)
	e.advance(lp, start+e.length) // round 3: lpops settles round 2
	if n := e.txsFrom(addr(e.signer), false, first, e.head()); n != 0 {
		t.Fatalf("lpops' signer sent %d transactions while the orchestrator was inactive; want none", n)
	}
	e.wantSignerTxs(0)
	outcome := map[uint64]string{}
	for _, r := range lp.rounds() {
		outcome[r.Round] = r.Outcome
	}
	if outcome[r1] != "rewarded_by_node" || outcome[r2] != "inactive" {
		t.Errorf("/api/v1/rounds outcomes: round %d %q, round %d %q; want rewarded_by_node and inactive", r1, outcome[r1], r2, outcome[r2])
	}
}

// inactiveRegistered: the orchestrator is registered, but a rival with more
// stake holds the only seat of the active set.
func inactiveRegistered(t *testing.T, e *env) {
	lp := e.startLpops(lpopsOptions{})
	round, start := e.nextRound()
	first := e.l2Block(start)
	if ok, err := e.dep.IsActive(e.ctx, addr(e.orch)); err != nil || ok {
		t.Fatalf("orchestrator active in round %d (err %v); the scenario needs it outside the active set", round, err)
	}
	s := lp.waitStatus("lpops to see the orchestrator registered but not active", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateNotActive
	})
	if !s.Keeper.Registered || s.Keeper.Active || !strings.Contains(s.Keeper.Reason, "not active") {
		t.Errorf("status registered %v active %v reason %q; want registered, inactive, and the reason", s.Keeper.Registered, s.Keeper.Active, s.Keeper.Reason)
	}
	// Past the grace window to the round's end, and into the next round.
	e.advance(lp, start+e.grace+1)
	e.advance(lp, start+e.length-1)
	e.advance(lp, start+e.length)
	if n := e.txsFrom(addr(e.signer), false, first, e.head()); n != 0 {
		t.Fatalf("lpops' signer sent %d transactions for an orchestrator outside the active set; want none", n)
	}
	e.wantSignerTxs(0)
	for _, r := range lp.rounds() {
		if r.Round == round && r.Outcome != "inactive" {
			t.Errorf("/api/v1/rounds: round %d outcome %q, want inactive", round, r.Outcome)
		}
	}
	if got := lp.Metric("lpops_rounds_total", "result", "missed"); got != 0 {
		t.Errorf(`lpops_rounds_total{result="missed"} = %v, want 0`, got)
	}
}

func TestWouldRevert(t *testing.T) {
	t.Parallel()
	// On geth the pause must land before the grace window ends.
	onChains(t, envOptions{manual: true}, func(o *envOptions) { o.grace = 6 }, func(t *testing.T, e *env) {
		lp := e.startLpops(lpopsOptions{})
		round, start := e.nextActiveRound()
		// The protocol is paused: every reward reverts with "system is paused".
		e.do("pause", e.owner, e.dep.Contracts.Controller.Pause)
		e.mineTo(e.l2Block(start + e.grace))

		s := lp.waitStatus("lpops to report that reward would revert", func(s *statusDoc) bool {
			return s.Keeper.State == stateWouldRevert
		})
		if !strings.Contains(s.Keeper.Reason, "system is paused") {
			t.Errorf("status reason %q, want the revert reason %q", s.Keeper.Reason, "system is paused")
		}
		// Give it the rest of the round: still nothing sent.
		e.advance(lp, start+e.grace+2)
		e.mineTo(e.l2Block(start + e.length - 1))
		// In the round's last blocks the keeper may say too_late instead:
		// no reward sent then could be mined within the round anyway.
		if s := lp.seen(start + e.length - 1); s.inRound(round) && s.Keeper.State != stateWouldRevert && s.Keeper.State != "too_late" {
			t.Errorf("state %q at the end of the round, want %q (or too_late)", s.Keeper.State, stateWouldRevert)
		}
		e.mine(1)
		if n := e.txsFrom(addr(e.signer), false, 0, e.head()); n != 0 {
			t.Fatalf("lpops' signer sent %d transactions that revert; want none", n)
		}
		e.wantSignerTxs(0)
		if got := lp.Metric("lpops_reward_tx_total", "outcome", "sent"); got != 0 {
			t.Errorf(`lpops_reward_tx_total{outcome="sent"} = %v, want 0`, got)
		}
	})
}

func TestPrimaryEndpointKilled(t *testing.T) {
	t.Parallel()
	// On geth the test must see the grace window and kill the primary in it.
	onChains(t, envOptions{manual: true}, func(o *envOptions) { o.grace = 6 }, func(t *testing.T, e *env) {
		proxy := startProxy(t, e.chain.URL)
		lp := e.startLpops(lpopsOptions{rpc: []rpcEntry{{"primary", proxy.URL()}, {"secondary", e.chain.URL}}})
		lp.waitStatus("the primary endpoint to be active", func(s *statusDoc) bool {
			return len(s.Endpoints) == 2 && s.Endpoints[0].Active && s.Endpoints[0].Healthy
		})
		round, start := e.nextActiveRound()
		lp.waitStatus("lpops to wait out the grace window", func(s *statusDoc) bool {
			return s.inRound(round) && s.Keeper.State == stateWaitingGrace
		})

		// The primary dies in the middle of the grace window.
		proxy.Kill()
		e.mineTo(e.l2Block(start + e.grace))
		lp.waitStatus("lpops to send the reward through the secondary", func(s *statusDoc) bool {
			return s.inRound(round) && len(s.Keeper.Txs) == 1
		})
		e.mine(1)
		s := lp.waitStatus("lpops to settle the round", func(s *statusDoc) bool {
			return s.inRound(round) && s.Keeper.State == stateDone
		})
		if s.Keeper.RewardedBy != "lpops" {
			t.Errorf("status rewarded_by %q, want lpops", s.Keeper.RewardedBy)
		}
		s = lp.waitStatus("the primary to show unhealthy", func(s *statusDoc) bool {
			return len(s.Endpoints) == 2 && !s.Endpoints[0].Healthy
		})
		if p, sec := s.Endpoints[0], s.Endpoints[1]; p.Name != "primary" || p.Reason == "" || p.Active || !sec.Active || !sec.Healthy {
			t.Errorf("endpoints %+v; want primary unhealthy with a reason, secondary active and healthy", s.Endpoints)
		}
		e.mine(1)
		if n := e.txsFrom(addr(e.signer), true, e.l2Block(start), e.head()); n != 1 {
			t.Fatalf("lpops' signer sent %d reward transactions, want exactly 1", n)
		}
		e.wantSignerTxs(1)
	})
}

func TestInsufficientFunds(t *testing.T) {
	t.Parallel()
	// 10^9 wei pays for no reward call. On geth the round is long enough,
	// in real time, to watch lpops wait and still fund it within the round.
	onChains(t, envOptions{manual: true, signerWei: big.NewInt(1e9)}, func(o *envOptions) { o.roundLength = 30 }, func(t *testing.T, e *env) {
		lp := e.startLpops(lpopsOptions{})
		round, start := e.nextActiveRound()
		e.mineTo(e.l2Block(start + e.grace))

		s := lp.waitStatus("lpops to report insufficient funds", func(s *statusDoc) bool {
			return s.inRound(round) && s.Keeper.State == stateInsufficient
		})
		if !strings.Contains(s.Keeper.Reason, "insufficient funds") {
			t.Errorf("status reason %q, want it to say insufficient funds", s.Keeper.Reason)
		}
		// Many ticks later: still waiting, nothing sent, nothing even tried.
		lp.reads(4, func(s *statusDoc) {
			if s.Keeper.State != stateInsufficient || len(s.Keeper.Txs) != 0 {
				t.Fatalf("while unfunded: state %q, %d transactions; want %q and none", s.Keeper.State, len(s.Keeper.Txs), stateInsufficient)
			}
		})
		e.wantSignerTxs(0)
		for _, outcome := range []string{"sent", "rejected"} {
			if got := lp.Metric("lpops_reward_tx_total", "outcome", outcome); got != 0 {
				t.Errorf("lpops_reward_tx_total{outcome=%q} = %v while unfunded, want 0", outcome, got)
			}
		}

		// Funded, lpops resumes within the same round.
		e.fund(addr(e.signer), big.NewInt(1e18))
		lp.waitStatus("lpops to send once funded", func(s *statusDoc) bool {
			return s.inRound(round) && len(s.Keeper.Txs) == 1
		})
		e.mine(1)
		s = lp.waitStatus("lpops to settle the round", func(s *statusDoc) bool {
			return s.inRound(round) && s.Keeper.State == stateDone
		})
		if s.Keeper.RewardedBy != "lpops" {
			t.Errorf("status rewarded_by %q, want lpops", s.Keeper.RewardedBy)
		}
		e.mine(1)
		if n := e.txsFrom(addr(e.signer), true, 0, e.head()); n != 1 {
			t.Fatalf("lpops' signer sent %d reward transactions, want exactly 1", n)
		}
		e.wantSignerTxs(1)
	})
}

func TestStuckReplaced(t *testing.T) {
	t.Parallel()
	const capGwei = defaultMaxFeeGwei
	e := newEnv(t, envOptions{manual: true})
	lp := e.startLpops(lpopsOptions{stuckAfter: 3 * time.Second, maxFeeGwei: capGwei})
	round, start := e.nextActiveRound()
	e.mineTo(e.l2Block(start + defaultGrace))

	s := lp.waitStatus("lpops to send the reward", func(s *statusDoc) bool {
		return s.inRound(round) && len(s.Keeper.Txs) == 1 && s.Keeper.Txs[0].State == txSent
	})
	first := s.Keeper.Txs[0]
	if _, pending := e.nonces(addr(e.signer)); pending != 1 {
		t.Fatalf("pending nonce %d after the send, want 1 (the reward in the pool)", pending)
	}
	// Nobody mines it: after stuck_after lpops replaces it, same nonce.
	s = lp.waitStatus("lpops to replace the stuck transaction", func(s *statusDoc) bool {
		return s.inRound(round) && len(s.Keeper.Txs) == 2
	})
	second := s.Keeper.Txs[1]
	minFee := new(big.Int).Mul(&first.MaxFee.Int, big.NewInt(1125))
	minFee.Add(minFee, big.NewInt(999)).Div(minFee, big.NewInt(1000))
	if second.Nonce != first.Nonce || second.Hash == first.Hash {
		t.Errorf("replacement nonce %d hash %s; want nonce %d and a new hash", second.Nonce, second.Hash, first.Nonce)
	}
	if second.MaxFee.Cmp(minFee) < 0 || second.MaxFee.Cmp(gwei(capGwei)) > 0 {
		t.Errorf("replacement max fee %s; want between 112.5%% of %s (%s) and the cap %s",
			&second.MaxFee.Int, &first.MaxFee.Int, minFee, gwei(capGwei))
	}

	e.mine(1)
	s = lp.waitStatus("lpops to settle the round", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone
	})
	if s.Keeper.RewardedBy != "lpops" || s.Keeper.RewardTx != second.Hash.Hex() {
		t.Errorf("status rewarded_by %q reward_tx %s; want lpops and the replacement %s", s.Keeper.RewardedBy, s.Keeper.RewardTx, second.Hash.Hex())
	}
	states := map[string]int{}
	for _, tx := range s.Keeper.Txs {
		states[tx.State]++
	}
	if len(s.Keeper.Txs) != 2 || states[txMined] != 1 || states[txReplaced] != 1 {
		t.Errorf("status txs %+v; want one mined, one replaced", s.Keeper.Txs)
	}
	e.mine(1)
	if n := e.txsFrom(addr(e.signer), false, 0, e.head()); n != 1 {
		t.Fatalf("%d transactions from lpops' signer mined, want exactly 1", n)
	}
	e.wantSignerTxs(1)
	if got := lp.Metric("lpops_reward_tx_total", "outcome", "replacement"); got != 1 {
		t.Errorf(`lpops_reward_tx_total{outcome="replacement"} = %v, want 1`, got)
	}
}

func TestSigkillBetweenSendAndReceipt(t *testing.T) {
	t.Parallel()
	t.Run("Anvil", func(t *testing.T) {
		t.Parallel()
		sigkillWhilePending(t, newEnv(t, envOptions{manual: true}))
	})
	t.Run("GethDev", func(t *testing.T) {
		t.Parallel()
		sigkillDuringBroadcast(t, newEnv(t, envOptions{geth: true}))
	})
}

// sigkillWhilePending kills lpops while its transaction waits in anvil's
// pool, unmined: the restarted lpops must wait for it, not add a second.
func sigkillWhilePending(t *testing.T, e *env) {
	// stuck_after is long: the restarted lpops must wait for its transaction,
	// not replace it.
	lp := e.startLpops(lpopsOptions{stuckAfter: 10 * time.Minute})
	round, start := e.nextActiveRound()
	e.mineTo(e.l2Block(start + defaultGrace))
	s := lp.waitStatus("lpops to send the reward", func(s *statusDoc) bool {
		return s.inRound(round) && len(s.Keeper.Txs) == 1 && s.Keeper.Txs[0].State == txSent
	})
	sent := s.Keeper.Txs[0].Hash
	if _, pending, err := e.chain.Client(t).TransactionByHash(e.ctx, sent); err != nil || !pending {
		t.Fatalf("transaction %s not in the pool (pending %v, err %v)", sent, pending, err)
	}

	lp.Stop(syscall.SIGKILL)
	lp.Restart()
	lp.waitStatus("the restarted lpops to read the round", func(s *statusDoc) bool { return s.inRound(round) })
	lp.reads(3, func(s *statusDoc) {
		if len(s.Keeper.Txs) != 1 || s.Keeper.Txs[0].Hash != sent {
			t.Fatalf("restarted lpops lists transactions %+v; want only %s", s.Keeper.Txs, sent)
		}
	})
	if _, pending := e.nonces(addr(e.signer)); pending != 1 {
		t.Fatalf("pending nonce %d after the restart, want 1: one transaction, the first", pending)
	}

	e.mine(1)
	s = lp.waitStatus("the restarted lpops to settle the round", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone
	})
	if s.Keeper.RewardedBy != "lpops" || s.Keeper.RewardTx != sent.Hex() {
		t.Errorf("status rewarded_by %q reward_tx %s; want lpops and %s", s.Keeper.RewardedBy, s.Keeper.RewardTx, sent.Hex())
	}
	e.mine(1)
	if n := e.txsFrom(addr(e.signer), true, 0, e.head()); n != 1 {
		t.Fatalf("%d reward transactions from lpops' signer mined, want exactly 1", n)
	}
	e.wantSignerTxs(1)
}

// sigkillDuringBroadcast kills lpops while its broadcast is on the way (held
// in a proxy in front of geth, which mines a block a second): the signed
// transaction is in lpops' store, and reaches geth only after lpops died. The
// restarted lpops must find that transaction, mined or pending, and send no
// other.
func sigkillDuringBroadcast(t *testing.T, e *env) {
	proxy, err := rpcproxy.New(e.chain.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	lp := e.startLpops(lpopsOptions{stuckAfter: 10 * time.Minute, rpc: []rpcEntry{{"geth", proxy.URL}}})
	round, start := e.nextActiveRound()
	proxy.HoldSends()
	testenv.WaitFor(t, statusTimeout, "lpops to broadcast its reward", func() bool { return proxy.HeldSends() > 0 })

	lp.Stop(syscall.SIGKILL)
	proxy.ReleaseSends()
	lp.Restart()
	s := lp.waitStatus("the restarted lpops to settle the round", func(s *statusDoc) bool {
		return s.inRound(round) && s.Keeper.State == stateDone
	})
	if s.Keeper.RewardedBy != "lpops" || len(s.Keeper.Txs) != 1 || s.Keeper.RewardTx != s.Keeper.Txs[0].Hash.Hex() {
		t.Errorf("status rewarded_by %q reward_tx %s txs %+v; want lpops with its one transaction", s.Keeper.RewardedBy, s.Keeper.RewardTx, s.Keeper.Txs)
	}
	// The rest of the round: nothing more.
	if err := e.dep.WaitForRound(e.ctx, round+1, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := e.txsFrom(addr(e.signer), true, e.l2Block(start), e.l2Block(start+e.length)-1); n != 1 {
		t.Fatalf("%d reward transactions from lpops' signer in round %d, want exactly 1", n, round)
	}
	e.wantSignerTxs(1)
}
