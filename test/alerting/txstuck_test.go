package alerting

import (
	"crypto/ecdsa"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// TestTxStuckObserveMode runs lpops without a signer (observe mode) and
// leaves a transaction of the orchestrator and one of its on-chain LIP-118
// reward caller in anvil's pool while blocks go by (the block gas limit is
// lowered under a transfer's 21000 gas, so the blocks come out empty): the
// seed's failure, a node that took a transaction and never got it mined.
// Each account gets its own TxStuck. The orchestrator's transaction is then
// dropped from the pool (anvil_dropTransaction) and the reward caller's is
// mined: both resolve. The reward caller, holding little ETH, also gets its
// balance alert, as the orchestrator would.
func TestTxStuckObserveMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	caller := newKey(t)
	e.send(e.owner, addr(caller), milliEth(5))
	if _, err := e.dep.SetRewardCaller(e.ctx, e.orch, addr(caller)); err != nil {
		t.Fatal(err)
	}
	e.chain.SetAutomine(t, false)
	e.opts.mining = manual
	hook := newReceiver(t)
	lp := e.startLpops(lpopsOptions{hook: hook, maxPendingBlocks: 3})
	orch, callerAddr := lower(addr(e.orch)), lower(addr(caller))

	// The reward caller is not lpops' signer (there is none): it is watched
	// like the orchestrator.
	low := hook.wait(waitTimeout, "BalanceCritical for the on-chain reward caller",
		named("BalanceCritical", "firing", "account", "reward_caller", "address", callerAddr))
	if !strings.Contains(low.Summary, "Reward caller account") || !strings.Contains(low.Summary, "balance 0.005 ETH is below 0.01 ETH") {
		t.Errorf("BalanceCritical summary %q", low.Summary)
	}

	rpc := e.chain.RPC(t)
	call := func(method string, args ...any) {
		t.Helper()
		if err := rpc.CallContext(e.ctx, nil, method, args...); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	// Transfers with a gas limit of 1,000,000 and blocks of 999,999 gas:
	// the pool keeps them, and lpops' eth_calls still fit a block.
	stuckOrch := e.sendHeavy(e.orch, addr(e.owner))
	e.sendHeavy(caller, addr(e.owner))
	call("evm_setBlockGasLimit", hexutil.Uint64(heavyGas-1))
	lp.probeRuns("rpc", 1) // both pending, the count starts
	e.mine(5)              // five empty blocks: more than max_pending_blocks (3)

	for _, a := range []struct{ role, address string }{{"orchestrator", orch}, {"reward_caller", callerAddr}} {
		n := hook.wait(waitTimeout, "TxStuck for the "+a.role, named("TxStuck", "firing", "account", a.address))
		if n.Severity != "critical" || !strings.Contains(n.Summary, "the "+strings.ReplaceAll(a.role, "_", " ")+" account") ||
			!strings.Contains(n.Description, "anvil: pending nonce") {
			t.Errorf("TxStuck for the %s: severity %q, summary %q, description %q", a.role, n.Severity, n.Summary, n.Description)
		}
	}

	// The orchestrator's transaction silently leaves the pool: its nonce is
	// no longer ahead, TxStuck resolves.
	call("anvil_dropTransaction", stuckOrch)
	hook.wait(waitTimeout, "the orchestrator's TxStuck resolved once its transaction left the pool",
		named("TxStuck", "resolved", "account", orch))
	// The reward caller's is mined once blocks have room again.
	call("evm_setBlockGasLimit", hexutil.Uint64(30_000_000))
	e.mine(1)
	hook.wait(waitTimeout, "the reward caller's TxStuck resolved once mined", named("TxStuck", "resolved", "account", callerAddr))
	hook.once("TxStuck firing for the orchestrator", named("TxStuck", "firing", "account", orch))
	hook.once("TxStuck firing for the reward caller", named("TxStuck", "firing", "account", callerAddr))
	hook.none("TxStuck for the owner, who is not watched", named("TxStuck", "", "account", lower(addr(e.owner))))
}

// heavyGas is the gas limit of sendHeavy's transfers.
const heavyGas = 1_000_000

// sendHeavy sends a transfer of 1 wei with a gas limit of heavyGas and
// returns its hash without waiting.
func (e *env) sendHeavy(key *ecdsa.PrivateKey, to common.Address) common.Hash {
	e.t.Helper()
	c := e.chain.Client(e.t)
	from := addr(key)
	nonce, err := c.PendingNonceAt(e.ctx, from)
	if err != nil {
		e.t.Fatal(err)
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(e.chain.ChainID), &types.DynamicFeeTx{
		ChainID: e.chain.ChainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(2 * params.GWei),
		Gas: heavyGas, To: &to, Value: big.NewInt(1),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := c.SendTransaction(e.ctx, tx); err != nil {
		e.t.Fatalf("send from %s: %v", from, err)
	}
	return tx.Hash()
}
