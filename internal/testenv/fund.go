package testenv

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// minedTimeout bounds how long WaitMined waits; geth's Period and anvil's
// BlockTime in tests are a few seconds at most.
const minedTimeout = 60 * time.Second

// DevAccount returns the funded account the chain started with: anvil's first
// dev account, or the unlocked account geth --dev holds in its keystore.
func (c *Chain) DevAccount(t testing.TB) common.Address {
	t.Helper()
	if c.Kind == KindAnvil {
		return crypto.PubkeyToAddress(AnvilDevKey.PublicKey)
	}
	var accounts []common.Address
	if err := c.rpc.CallContext(callCtx(t), &accounts, "eth_accounts"); err != nil {
		t.Fatalf("eth_accounts: %v", err)
	}
	if len(accounts) == 0 {
		t.Fatalf("geth --dev has no account in eth_accounts")
	}
	return accounts[0]
}

// FundedKey returns a new key holding eth whole ether (10 when nil), sent from
// the dev account, once the transfer is mined. On anvil without automine or
// interval mining it mines the block itself.
func (c *Chain) FundedKey(t testing.TB, eth *big.Int) *ecdsa.PrivateKey {
	t.Helper()
	if eth == nil {
		eth = big.NewInt(10)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	to := crypto.PubkeyToAddress(key.PublicKey)
	value := new(big.Int).Mul(eth, big.NewInt(params.Ether))

	var hash common.Hash
	if c.Kind == KindAnvil {
		hash = c.SendValue(t, AnvilDevKey, to, value)
		if c.needsManualMining() {
			c.Mine(t, 1)
		}
	} else {
		c.fundMu.Lock()
		err = c.rpc.CallContext(callCtx(t), &hash, "eth_sendTransaction", map[string]any{
			"from":  c.DevAccount(t),
			"to":    to,
			"value": (*hexutil.Big)(value),
		})
		c.fundMu.Unlock()
		if err != nil {
			t.Fatalf("fund %s from the geth dev account: %v", to, err)
		}
	}
	if r := c.WaitMined(t, hash); r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("funding transfer %s to %s reverted", hash, to)
	}
	return key
}

// SendValue signs a plain transfer of value wei from key to to, sends it and
// returns its hash without waiting for it to be mined. Transfers from the same
// key through SendValue get consecutive nonces.
func (c *Chain) SendValue(t testing.TB, key *ecdsa.PrivateKey, to common.Address, value *big.Int) common.Hash {
	t.Helper()
	c.fundMu.Lock()
	defer c.fundMu.Unlock()
	ctx := callCtx(t)
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := c.eth.PendingNonceAt(ctx, from)
	if err != nil {
		t.Fatalf("nonce of %s: %v", from, err)
	}
	head, err := c.eth.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	tip, err := c.eth.SuggestGasTipCap(ctx)
	if err != nil {
		t.Fatalf("gas tip: %v", err)
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(c.ChainID), &types.DynamicFeeTx{
		ChainID:   c.ChainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: feeCap,
		Gas:       params.TxGas,
		To:        &to,
		Value:     value,
	})
	if err != nil {
		t.Fatalf("sign transfer: %v", err)
	}
	if err := c.eth.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("send transfer %s -> %s: %v", from, to, err)
	}
	return tx.Hash()
}

// WaitMined waits until the transaction has a receipt and returns it.
func (c *Chain) WaitMined(t testing.TB, hash common.Hash) *types.Receipt {
	t.Helper()
	var (
		receipt *types.Receipt
		err     error
	)
	ok := poll(minedTimeout, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		receipt, err = c.eth.TransactionReceipt(ctx, hash)
		return err == nil
	})
	if !ok {
		t.Fatalf("transaction %s not mined after %s: %v", hash, minedTimeout, err)
	}
	return receipt
}

// CountTxs counts the transactions from from (to to, or to anywhere when to is
// nil) included in blocks fromBlock through toBlock, by reading the blocks
// themselves: what the chain holds, not what a sender believes it sent.
// toBlock past the head is read as the head.
func (c *Chain) CountTxs(t testing.TB, ctx context.Context, from common.Address, to *common.Address, fromBlock, toBlock uint64) int {
	t.Helper()
	head, err := c.eth.BlockNumber(ctx)
	if err != nil {
		t.Fatalf("block number: %v", err)
	}
	toBlock = min(toBlock, head)
	signer := types.LatestSignerForChainID(c.ChainID)
	n := 0
	for num := fromBlock; num <= toBlock; num++ {
		block, err := c.eth.BlockByNumber(ctx, new(big.Int).SetUint64(num))
		if err != nil {
			t.Fatalf("block %d: %v", num, err)
		}
		for _, tx := range block.Transactions() {
			sender, err := types.Sender(signer, tx)
			if err != nil {
				t.Fatalf("sender of %s in block %d: %v", tx.Hash(), num, err)
			}
			if sender != from {
				continue
			}
			if to == nil || (tx.To() != nil && *tx.To() == *to) {
				n++
			}
		}
	}
	return n
}

// SetAutomine turns anvil's mining of a block per transaction on or off
// (evm_setAutomine). Turning it off leaves transactions pending until Mine.
func (c *Chain) SetAutomine(t testing.TB, on bool) {
	t.Helper()
	c.anvilCall(t, "evm_setAutomine", on)
	c.miningMu.Lock()
	c.automine, c.interval = on, 0
	c.miningMu.Unlock()
}

// Mine mines n blocks on anvil at once (anvil_mine), including what is pending.
func (c *Chain) Mine(t testing.TB, n int) {
	t.Helper()
	c.anvilCall(t, "anvil_mine", hexutil.Uint64(n))
}

// MineTo mines by hand (anvil) until the head is block n; a head already at
// or past n is left alone.
func (c *Chain) MineTo(t testing.TB, n uint64) {
	t.Helper()
	if h := c.Head(t); h < n {
		c.Mine(t, int(n-h))
	}
}

// Head is the chain's newest block number (eth_blockNumber).
func (c *Chain) Head(t testing.TB) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	n, err := c.eth.BlockNumber(ctx)
	if err != nil {
		t.Fatalf("%s eth_blockNumber: %v", c.Kind, err)
	}
	return n
}

// SetIntervalMining makes anvil mine a block every secs seconds, or stop
// interval mining when secs is 0 (evm_setIntervalMining).
func (c *Chain) SetIntervalMining(t testing.TB, secs uint64) {
	t.Helper()
	c.anvilCall(t, "evm_setIntervalMining", secs)
	c.miningMu.Lock()
	c.automine, c.interval = false, float64(secs)
	c.miningMu.Unlock()
}

func (c *Chain) needsManualMining() bool {
	c.miningMu.Lock()
	defer c.miningMu.Unlock()
	return !c.automine && c.interval == 0
}

func (c *Chain) anvilCall(t testing.TB, method string, args ...any) {
	t.Helper()
	if c.Kind != KindAnvil {
		t.Fatalf("%s needs anvil, the chain is %s", method, c.Kind)
	}
	if err := c.rpc.CallContext(callCtx(t), nil, method, args...); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
}

// callCtx returns a context for one helper call: it ends with the test, and
// after a minute, so a frozen chain fails the test instead of hanging it.
func callCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
