package devnet

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestPauseMiningHoldsTransactions checks what tests that pause the chain
// rely on: once PauseMining returns, no block is sealed, so a transaction
// sent then stays pending until ResumeMining. The chain mines every
// millisecond, so a pause often lands while a block is being sealed.
func TestPauseMiningHoldsTransactions(t *testing.T) {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	from := crypto.PubkeyToAddress(k.PublicKey)
	c, err := StartChain(types.GenesisAlloc{from: {Balance: big.NewInt(1e18)}}, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := c.Backend.Client()
	signer := types.LatestSignerForChainID(ChainIDBig())
	for i := uint64(0); i < 100; i++ {
		c.PauseMining()
		head, err := client.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := types.SignNewTx(k, signer, &types.LegacyTx{Nonce: i, GasPrice: big.NewInt(2e9), Gas: 21000, To: &from})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.SendTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if now, err := client.BlockNumber(ctx); err != nil || now != head {
			t.Fatalf("pause %d: head moved from %d to %d (%v) while mining was paused", i, head, now, err)
		}
		if r, _ := client.TransactionReceipt(ctx, tx.Hash()); r != nil {
			t.Fatalf("pause %d: transaction sent while paused was mined in block %d", i, r.BlockNumber)
		}
		c.ResumeMining()
		for r, _ := client.TransactionReceipt(ctx, tx.Hash()); r == nil; r, _ = client.TransactionReceipt(ctx, tx.Hash()) {
			select {
			case <-ctx.Done():
				t.Fatalf("pause %d: transaction not mined after ResumeMining", i)
			case <-time.After(time.Millisecond):
			}
		}
	}
}
