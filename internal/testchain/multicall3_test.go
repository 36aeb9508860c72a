package testchain_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testchain/bindings"
	"github.com/lpops/lpops/internal/testenv"
)

// The test Multicall3 has the deployed Multicall3's selectors, so a reader
// written against it works on Arbitrum One.
func TestMulticall3Selectors(t *testing.T) {
	a, err := bindings.Multicall3MetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"aggregate3": "82ad56cb", "getEthBalance": "4d2301cc", "getBlockNumber": "42cbb15c",
		"getBlockHash": "ee82ac5e", "getCurrentBlockTimestamp": "0f28c97d", "getChainId": "3408e470",
	} {
		m, ok := a.Methods[name]
		if !ok {
			t.Fatalf("no %s in the test Multicall3", name)
		}
		if got := hex.EncodeToString(m.ID); got != want {
			t.Fatalf("%s selector %s, Multicall3's is %s", m.Sig, got, want)
		}
	}
	if testchain.Multicall3Address != common.HexToAddress("0xcA11bde05977b3631167028862bE2a173976CA11") {
		t.Fatalf("Multicall3Address %s is not the canonical one", testchain.Multicall3Address)
	}
}

type call3 struct {
	Target       common.Address
	AllowFailure bool
	CallData     []byte
}

type result3 struct {
	Success    bool
	ReturnData []byte
}

// A chain started with Multicall3Alloc has Multicall3 at its canonical
// address: aggregate3 keeps a failed call that allows failure to itself and
// reverts the whole call on one that does not, and getEthBalance reads
// balances.
func TestMulticall3InGenesis(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	owner, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	alloc, err := testchain.Multicall3Alloc()
	if err != nil {
		t.Fatal(err)
	}
	funds := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	alloc[addr(owner)] = types.Account{Balance: funds}
	sim := simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = sim.Close() })
	c := &chain{sim: sim, client: sim.Client()}
	d, err := testchain.Deploy(ctx, autoMiner{Client: c.client, commit: c.commit}, owner, testchain.Params{RoundLength: 10, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	runtime, err := testchain.Multicall3Runtime()
	if err != nil {
		t.Fatal(err)
	}
	code, err := c.client.CodeAt(ctx, testchain.Multicall3Address, nil)
	if err != nil || !bytes.Equal(code, runtime) {
		t.Fatalf("code at %s: %d bytes (%v), want the test Multicall3's %d", testchain.Multicall3Address, len(code), err, len(runtime))
	}

	mc, err := bindings.Multicall3MetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	rm, err := bindings.RoundsManagerMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	bm, err := bindings.BondingManagerMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	pack := func(a *abi.ABI, m string, args ...any) []byte {
		b, err := a.Pack(m, args...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	aggregate := func(calls []call3) ([]result3, error) {
		out, err := c.client.CallContract(ctx, ethereum.CallMsg{To: &testchain.Multicall3Address, Data: pack(mc, "aggregate3", calls)}, nil)
		if err != nil {
			return nil, err
		}
		var res []result3
		vals, err := mc.Methods["aggregate3"].Outputs.Unpack(out)
		if err == nil {
			err = mc.Methods["aggregate3"].Outputs.Copy(&res, vals)
		}
		return res, err
	}
	// reward() from Multicall3 reverts: it is no registered transcoder.
	calls := []call3{
		{d.RoundsManager, true, pack(rm, "roundLength")},
		{d.BondingManager, true, pack(bm, "reward")},
		{testchain.Multicall3Address, true, pack(mc, "getEthBalance", addr(owner))},
	}
	res, err := aggregate(calls)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || !res[0].Success || res[1].Success || !res[2].Success {
		t.Fatalf("aggregate3 results %+v: want the round length, the revert, the balance", res)
	}
	if got := new(big.Int).SetBytes(res[0].ReturnData); got.Uint64() != 10 {
		t.Fatalf("roundLength through aggregate3 %s, want 10", got)
	}
	if reason, err := abi.UnpackRevert(res[1].ReturnData); err != nil || reason == "" {
		t.Fatalf("reward's revert data %x (%v): want its reason", res[1].ReturnData, err)
	}
	bal, err := c.client.BalanceAt(ctx, addr(owner), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := new(big.Int).SetBytes(res[2].ReturnData); got.Cmp(bal) != 0 {
		t.Fatalf("getEthBalance %s, eth_getBalance %s", got, bal)
	}
	calls[1].AllowFailure = false
	if _, err := aggregate(calls); err == nil || !strings.Contains(err.Error(), "Multicall3: call failed") {
		t.Fatalf("aggregate3 with a failing call that must succeed: %v, want the revert Multicall3: call failed", err)
	}
}

// InstallMulticall3 puts the code on a running anvil at once.
func TestInstallMulticall3OnAnvil(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ch := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ec := ch.Client(t)
	if code, err := ec.CodeAt(ctx, testchain.Multicall3Address, nil); err != nil || len(code) != 0 {
		t.Fatalf("a fresh anvil has %d bytes (%v) at %s; the tests without Multicall3 need none", len(code), err, testchain.Multicall3Address)
	}
	if err := testchain.InstallMulticall3(ctx, ch.RPC(t)); err != nil {
		t.Fatal(err)
	}
	runtime, err := testchain.Multicall3Runtime()
	if err != nil {
		t.Fatal(err)
	}
	code, err := ec.CodeAt(ctx, testchain.Multicall3Address, nil)
	if err != nil || !bytes.Equal(code, runtime) {
		t.Fatalf("code at %s after InstallMulticall3: %d bytes (%v), want %d", testchain.Multicall3Address, len(code), err, len(runtime))
	}
}
