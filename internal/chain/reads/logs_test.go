package reads_test

import (
	"context"
	"encoding/json"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/chain/reads"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testenv"
)

// emitter is the init code of a contract whose runtime (60003560006000a100:
// PUSH1 0 CALLDATALOAD PUSH1 0 PUSH1 0 LOG1 STOP) emits one log with the
// first 32 bytes of the calldata as its only topic.
var emitter = common.FromHex("6009600c60003960096000f3" + "60003560006000a100")

// TestMergesLogQueriesOfOneRange: two consumers' eth_getLogs over the same
// range go out as one call, and each gets exactly the logs its own filter
// matches, as the node answers them.
func TestMergesLogQueriesOfOneRange(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	c, err := devnet.StartChain(types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(1e18), big.NewInt(10))}}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	ec, err := ethclient.Dial(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ec.Close)
	signer := types.LatestSignerForChainID(devnet.ChainIDBig())
	nonce := uint64(0)
	send := func(to *common.Address, data []byte) *types.Receipt {
		t.Helper()
		tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: devnet.ChainIDBig(), Nonce: nonce,
			GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11), Gas: 200000, To: to, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		nonce++
		if err := ec.SendTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		var r *types.Receipt
		testenv.WaitFor(t, time.Minute, "a receipt", func() bool {
			r, err = ec.TransactionReceipt(ctx, tx.Hash())
			return err == nil
		})
		if r.Status != 1 {
			t.Fatalf("transaction failed: %+v", r)
		}
		return r
	}
	a, b := send(nil, emitter).ContractAddress, send(nil, emitter).ContractAddress
	t1, t2, t3 := common.HexToHash("0x01"), common.HexToHash("0x02"), common.HexToHash("0x03")
	first := send(&a, t1[:]).BlockNumber.Uint64()
	send(&b, t2[:])
	send(&a, t3[:])                              // a's, but of a kind only b's consumer asks for
	last := send(&b, t1[:]).BlockNumber.Uint64() // b's, of a kind only a's consumer asks for

	proxy, err := rpcproxy.New(c.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	pool, err := chain.Dial(ctx, []chain.EndpointConfig{{Name: "a", URL: proxy.URL}}, chain.Options{ChainID: devnet.ChainID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := reads.New(pool, reads.Options{})
	t.Cleanup(s.Close)
	lane := s.Lane("probes", time.Hour)

	filter := func(addr common.Address, topics ...common.Hash) rpc.BatchElem {
		return rpc.BatchElem{Method: "eth_getLogs", Args: []any{map[string]any{
			"fromBlock": hexutil.Uint64(first), "toBlock": hexutil.Uint64(last), "address": addr, "topics": []any{topics},
		}}, Result: new([]types.Log)}
	}
	qa, qb := []rpc.BatchElem{filter(a, t1)}, []rpc.BatchElem{filter(b, t2, t3)}
	// What the node answers each filter alone, straight from it.
	wantA, wantB := []rpc.BatchElem{filter(a, t1)}, []rpc.BatchElem{filter(b, t2, t3)}
	rc, err := rpc.Dial(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	if err := rc.BatchCallContext(ctx, append(wantA, wantB...)); err != nil {
		t.Fatal(err)
	}

	before := proxy.Counts()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = lane.BatchCall(ctx, qa) })
	wg.Go(func() { errs[1] = lane.BatchCall(ctx, qb) })
	testenv.WaitFor(t, 10*time.Second, "both queued", func() bool { return lane.Queued() == 2 })
	lane.Kick()
	wg.Wait()
	for i, e := range []error{errs[0], errs[1], qa[0].Error, qb[0].Error} {
		if e != nil {
			t.Fatalf("error %d: %v", i, e)
		}
	}
	got := func(b []rpc.BatchElem) string {
		j, _ := json.Marshal(*b[0].Result.(*[]types.Log))
		return string(j)
	}
	if got(qa) != got(wantA) || got(qb) != got(wantB) {
		t.Errorf("merged answers differ from the node's own:\n a %s\n want %s\n b %s\n want %s", got(qa), got(wantA), got(qb), got(wantB))
	}
	if n := len(*qa[0].Result.(*[]types.Log)); n != 1 {
		t.Errorf("consumer a got %d logs; want 1", n)
	}
	if n := len(*qb[0].Result.(*[]types.Log)); n != 1 {
		t.Errorf("consumer b got %d logs; want 1", n)
	}
	if m := proxy.Counts().Methods["eth_getLogs"] - before.Methods["eth_getLogs"]; m != 1 {
		t.Errorf("%d eth_getLogs calls; want 1", m)
	}
	if st := s.Stats(); st.Merged != 1 {
		t.Errorf("stats %+v", st)
	}
}
