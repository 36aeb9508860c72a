package testchain_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/testchain"
)

// TestWaitedTransactionIsInLatestState checks that once a fixture call returns
// "mined", a read at "latest" sees its effect: the next fixture call's gas
// estimate (bond after approve) and the test's own reads depend on it. The
// chain mines on a fast timer as the devnet does, so receipts often appear
// while a new head is being written: go-ethereum makes a receipt visible
// just before it moves "latest" to its block.
func TestWaitedTransactionIsInLatestState(t *testing.T) {
	owner, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c := newChain(t, []*ecdsa.PrivateKey{owner})
	stop := make(chan struct{})
	mined := make(chan struct{})
	go func() {
		defer close(mined)
		tk := time.NewTicker(2 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				c.commit()
			}
		}
	}()
	defer func() { close(stop); <-mined }()
	ctx := t.Context()
	d, err := testchain.Deploy(ctx, c.client, owner, testchain.Params{})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	d.PollInterval = time.Millisecond
	to := addr(mustKey(t))
	for i := int64(1); i <= 300; i++ {
		if _, err := d.FundETH(ctx, owner, to, big.NewInt(1)); err != nil {
			t.Fatal(err)
		}
		bal, err := c.client.BalanceAt(ctx, to, nil)
		if err != nil {
			t.Fatal(err)
		}
		if bal.Int64() != i {
			t.Fatalf("transfer %d: latest balance %s right after FundETH returned, want %d", i, bal, i)
		}
	}
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
