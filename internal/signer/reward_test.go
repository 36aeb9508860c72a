package signer

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// Each backend's end-to-end test runs the same scenario: a fresh anvil with
// the Livepeer test contracts, an orchestrator whose LIP-118 reward caller
// is the backend's account, and the built lpops binary with that signer,
// which must get the next round's reward mined.

const rewardRoundLength = 12

// rewardEnv is the chain of one end-to-end test.
type rewardEnv struct {
	ctx   context.Context
	chain *testenv.Chain
	dep   *testchain.Deployment
	owner *ecdsa.PrivateKey // deployer; initializes rounds
	orch  *ecdsa.PrivateKey // the orchestrator (its node never calls reward)
}

// newRewardEnv deploys the contracts, registers an orchestrator, funds
// caller and names it the orchestrator's reward caller (setRewardCaller).
func newRewardEnv(t *testing.T, caller common.Address) *rewardEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	t.Cleanup(cancel)
	e := &rewardEnv{ctx: ctx, chain: testenv.StartAnvil(t, testenv.AnvilOptions{})}
	e.owner = e.chain.FundedKey(t, big.NewInt(100))
	e.orch = e.chain.FundedKey(t, big.NewInt(10))
	var err error
	e.dep, err = testchain.Deploy(ctx, e.chain.Client(t), e.owner, testchain.Params{RoundLength: rewardRoundLength, LIP118: true})
	if err != nil {
		t.Fatalf("deploy contracts: %v", err)
	}
	stake := new(big.Int).Mul(big.NewInt(5000), big.NewInt(params.Ether))
	if err := e.dep.RegisterOrchestrator(ctx, e.owner, e.orch, stake, 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}
	if _, err := e.dep.FundETH(ctx, e.owner, caller, big.NewInt(params.Ether)); err != nil {
		t.Fatalf("fund the reward caller: %v", err)
	}
	if _, err := e.dep.SetRewardCaller(ctx, e.orch, caller); err != nil {
		t.Fatalf("setRewardCaller: %v", err)
	}
	e.chain.SetIntervalMining(t, 1)
	return e
}

func (e *rewardEnv) orchAddr() common.Address { return crypto.PubkeyToAddress(e.orch.PublicKey) }

// config is lpops' configuration on this chain with signerYAML as its
// signer section.
func (e *rewardEnv) config(dir, signerYAML string) string {
	return fmt.Sprintf(`network: custom
chain_id: %d
controller: "%s"
rpc:
  - name: anvil
    url: %s
orchestrator: "%s"
%sreward:
  mode: act
  grace_blocks: 2
  max_fee_gwei: 50
chain:
  poll_interval: 2s
  active_poll_interval: 200ms
  request_timeout: 5s
  health_interval: 2s
state_dir: %s
log:
  level: debug
  format: text
`, e.chain.ChainID.Uint64(), e.dep.Controller.Hex(), e.chain.URL, e.orchAddr().Hex(), signerYAML, filepath.Join(dir, "state"))
}

// rewardStatus is the part of lpops' /api/v1/status the test reads.
type rewardStatus struct {
	Keeper *struct {
		Signer   common.Address `json:"signer"`
		Round    uint64         `json:"round"`
		State    string         `json:"state"`
		Reason   string         `json:"reason"`
		RewardTx string         `json:"reward_tx"`
	} `json:"keeper"`
}

// startLpops runs the built lpops with signerYAML and waits until its
// keeper has read the chain.
func (e *rewardEnv) startLpops(t *testing.T, signerYAML string) *testenv.Lpops {
	t.Helper()
	dir := t.TempDir()
	return testenv.StartLpops(t, testenv.LpopsOptions{
		Dir: dir, Config: e.config(dir, signerYAML), Timeout: 60 * time.Second, ReadyWhat: "lpops to read the chain",
		Ready: func(l *testenv.Lpops) bool {
			var s rewardStatus
			return l.Status(&s) == nil && s.Keeper != nil
		},
	})
}

// rewardNextRound moves to the next round, initializes it as the node
// would, waits until lpops has rewarded it, and returns lpops' reward
// transaction, checked to come from caller.
func (e *rewardEnv) rewardNextRound(t *testing.T, l *testenv.Lpops, caller common.Address) *types.Transaction {
	t.Helper()
	start, err := e.dep.RoundStartBlock(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.chain.MineTo(t, start+rewardRoundLength)
	if ok, err := e.dep.RoundInitialized(e.ctx); err != nil {
		t.Fatal(err)
	} else if !ok {
		if _, err := e.dep.InitializeRound(e.ctx, e.owner); err != nil {
			t.Fatalf("initializeRound: %v", err)
		}
	}
	round, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := testenv.WaitStatus(l, 2*time.Minute, fmt.Sprintf("lpops to reward round %d", round), func(s *rewardStatus) bool {
		return s.Keeper != nil && s.Keeper.Round == round && s.Keeper.RewardTx != ""
	})
	if lrr, err := e.dep.LastRewardRound(e.ctx, e.orchAddr()); err != nil || lrr != round {
		t.Fatalf("lastRewardRound %d (err %v), want %d", lrr, err, round)
	}
	hash := common.HexToHash(s.Keeper.RewardTx)
	tx, _, err := e.chain.Client(t).TransactionByHash(e.ctx, hash)
	if err != nil {
		t.Fatalf("reward tx %s: %v", hash, err)
	}
	from, err := types.Sender(types.LatestSignerForChainID(e.chain.ChainID), tx)
	if err != nil || from != caller {
		t.Fatalf("reward tx %s from %s (err %v), want the signer %s", hash, from, err, caller)
	}
	if r := e.chain.WaitMined(t, hash); r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("reward tx %s reverted", hash)
	}
	return tx
}
