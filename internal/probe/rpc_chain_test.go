package probe_test

// The RPC probe against a real go-ethereum node (in-process, JSON-RPC over
// loopback HTTP, a block every 20 ms): the wire format of every call in its
// batch, and a transaction that sits in the pool while blocks go by.

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/probe"
)

func TestRPCProbeOnRealChain(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(key.PublicKey)
	c, err := devnet.StartChain(types.GenesisAlloc{account: {Balance: new(big.Int).Mul(big.NewInt(1e18), big.NewInt(10))}}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })

	never := common.HexToHash("0x0000000000000000000000000000000000000000000000000000000000000bad")
	p, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: []chain.EndpointConfig{{Name: "devnet", URL: c.URL}},
		ChainID:   devnet.ChainID, MaxLagBlocks: 100, Timeout: 5 * time.Second,
		Accounts:         func() []probe.WatchedAccount { return []probe.WatchedAccount{{Role: "signer", Address: account}} },
		MaxPendingBlocks: 3,
		Sent: func() []probe.SentTx {
			return []probe.SentTx{{Hash: never, From: account, Nonce: 1, SentAt: time.Now().Add(-time.Hour)}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for ; ; time.Sleep(20 * time.Millisecond) {
		if n, err := c.Backend.Client().BlockNumber(ctx); err == nil && n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the chain mines no blocks")
		}
	}

	res := p.Check(ctx)
	if res.Values["devnet_up"] != 1 || res.Values["devnet_healthy"] != 1 || res.Values["devnet_chain_id"] != devnet.ChainID {
		t.Fatalf("values %v, evidence %v; want the devnet endpoint healthy", res.Values, res.Evidence)
	}
	if _, ok := res.Values["devnet_peer_count"]; !ok {
		t.Errorf("no peer count from a node serving the net namespace: %v", res.Values)
	}

	// A transaction whose fee cap is below the base fee: the pool keeps it
	// pending and no block includes it, as with a transaction a node holds
	// but the network never sees.
	signer := types.LatestSignerForChainID(devnet.ChainIDBig())
	tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: devnet.ChainIDBig(), Nonce: 0,
		GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1), Gas: 21000, To: &account, Value: big.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Backend.Client().SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}

	deadline = time.Now().Add(time.Minute)
	for {
		res = p.Check(ctx)
		if stuck := firing(res, probe.AlertTxStuck); stuck != "" {
			if !strings.Contains(stuck, "devnet: pending nonce 1, mined nonce 0 unchanged for") {
				t.Errorf("TxStuck description %q", stuck)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("TxStuck never fired: values %v", res.Values)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The stuck transaction is known to the node; the one never broadcast
	// is not, and its nonce (1) is open.
	if d := firing(res, probe.AlertTxDropped); !strings.Contains(d, never.Hex()) {
		t.Errorf("TxDropped for %s not firing: %q", never.Hex(), d)
	}
	if firing(res, probe.AlertChainUnavailable) != "" {
		t.Error("ChainUnavailable firing on a healthy chain")
	}
}

// firing returns the description of the firing observation of name, or "".
func firing(res probe.Result, name string) string {
	for _, o := range res.Observations {
		if o.Name == name && o.Firing {
			return o.Description
		}
	}
	return ""
}
