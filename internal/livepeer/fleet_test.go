package livepeer_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// fleetChain is a chain with the test contracts on which a fleet's states
// are set up: the embedded devnet (a block every 20 ms) or anvil (a block
// per transaction).
type fleetChain struct {
	url   string
	dep   *testchain.Deployment
	owner *ecdsa.PrivateKey
	// fund returns a key holding ETH.
	fund func(t *testing.T) *ecdsa.PrivateKey
	// advance lets n blocks pass.
	advance func(t *testing.T, ctx context.Context, n uint64)
	// hold stops new blocks until release, so that two readers see one head.
	hold, release func()
}

const fleetRoundLength = 100

func lptWei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// devnetFleetChain is the embedded devnet, with Multicall3 in its genesis
// when withMulticall3.
func devnetFleetChain(t *testing.T, ctx context.Context, withMulticall3 bool) *fleetChain {
	t.Helper()
	owner := key(t)
	funded := make(chan *ecdsa.PrivateKey, 16)
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(owner.PublicKey): {Balance: lptWei(1000)}}
	for i := 0; i < cap(funded); i++ {
		k := key(t)
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: lptWei(100)}
		funded <- k
	}
	if withMulticall3 {
		mc, err := testchain.Multicall3Alloc()
		if err != nil {
			t.Fatal(err)
		}
		for a, acct := range mc {
			alloc[a] = acct
		}
	}
	c, err := devnet.StartChain(alloc, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: fleetRoundLength, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = 10 * time.Millisecond
	return &fleetChain{
		url: c.URL, dep: dep, owner: owner,
		fund: func(t *testing.T) *ecdsa.PrivateKey {
			select {
			case k := <-funded:
				return k
			default:
				t.Fatal("the devnet fleet chain ran out of funded keys")
				return nil
			}
		},
		advance: func(t *testing.T, ctx context.Context, n uint64) {
			at, err := dep.BlockNum(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := dep.WaitForBlockNum(ctx, at+n, 5*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		},
		hold: c.PauseMining, release: c.ResumeMining,
	}
}

// anvilFleetChain is anvil in automine, with Multicall3 installed at its
// canonical address when withMulticall3.
func anvilFleetChain(t *testing.T, ctx context.Context, withMulticall3 bool) *fleetChain {
	t.Helper()
	c := testenv.StartAnvil(t, testenv.AnvilOptions{})
	if withMulticall3 {
		if err := testchain.InstallMulticall3(ctx, c.RPC(t)); err != nil {
			t.Fatal(err)
		}
	}
	owner := c.FundedKey(t, big.NewInt(1000))
	dep, err := testchain.Deploy(ctx, c.Client(t), owner, testchain.Params{RoundLength: fleetRoundLength, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = 10 * time.Millisecond
	return &fleetChain{
		url: c.URL, dep: dep, owner: owner,
		fund:    func(t *testing.T) *ecdsa.PrivateKey { return c.FundedKey(t, big.NewInt(100)) },
		advance: func(t *testing.T, _ context.Context, n uint64) { c.Mine(t, int(n)) },
		hold:    func() {}, release: func() {},
	}
}

// fleet is a set of orchestrators in every state the keeper tells apart,
// plus a shared account (the LIP-118 reward caller), on a fleetChain.
type fleet struct {
	orchs  []common.Address // in the order of the names below
	names  []string
	caller common.Address
}

// setUpFleet registers and rewards orchestrators so that, while the chain
// is held, the fleet is:
//
//	active-rewarded-caller: active, rewarded this round, a LIP-118 caller set
//	active-idle:            active, not rewarded, no caller
//	registered-inactive:    registered this round, active from the next
//	unregistered:           an account holding ETH, never bonded
//	empty:                  an address nobody used
//
// The chain is held when it returns; the test releases it.
func setUpFleet(t *testing.T, ctx context.Context, fc *fleetChain) *fleet {
	t.Helper()
	dep := fc.dep
	rewarded, idle, unregistered := fc.fund(t), fc.fund(t), fc.fund(t)
	callerKey := key(t)
	f := &fleet{caller: crypto.PubkeyToAddress(callerKey.PublicKey)}
	for _, k := range []*ecdsa.PrivateKey{rewarded, idle} {
		if err := dep.RegisterOrchestrator(ctx, fc.owner, k, lptWei(1000), 100000, 500000); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dep.SetRewardCaller(ctx, rewarded, f.caller); err != nil {
		t.Fatal(err)
	}
	// On the devnet blocks keep coming: a round may turn over while the
	// fleet is set up, and then it is set up again in the next round.
	for attempt := 0; ; attempt++ {
		round, err := dep.CurrentRound(ctx)
		if err != nil {
			t.Fatal(err)
		}
		start, err := dep.RoundStartBlock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		at, err := dep.BlockNum(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fc.advance(t, ctx, start+fleetRoundLength-at) // the next round's first block
		if err := dep.EnsureRoundInitialized(ctx, fc.owner); err != nil {
			t.Fatal(err)
		}
		inactive := fc.fund(t)
		if err := dep.RegisterOrchestrator(ctx, fc.owner, inactive, lptWei(500), 50000, 250000); err != nil {
			t.Fatal(err)
		}
		if _, err := dep.Reward(ctx, rewarded); err != nil {
			t.Fatal(err)
		}
		fc.hold()
		f.orchs = []common.Address{
			crypto.PubkeyToAddress(rewarded.PublicKey), crypto.PubkeyToAddress(idle.PublicKey),
			crypto.PubkeyToAddress(inactive.PublicKey), crypto.PubkeyToAddress(unregistered.PublicKey),
			common.BytesToAddress(crypto.Keccak256([]byte(t.Name()))),
		}
		f.names = []string{"active-rewarded-caller", "active-idle", "registered-inactive", "unregistered", "empty"}
		now, err := dep.CurrentRound(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if now == round+1 {
			return f
		}
		if attempt == 3 {
			t.Fatalf("the round turned over while the fleet was set up, %d times", attempt+1)
		}
		fc.release()
	}
}

// checkStates checks that the snapshots show the states setUpFleet made.
func (f *fleet) checkStates(t *testing.T, res []livepeer.FleetResult, lip118 bool) {
	t.Helper()
	for i, r := range res {
		s := r.Snapshot
		if r.Err != nil {
			t.Fatalf("%s: %v", f.names[i], r.Err)
		}
		var ok bool
		switch f.names[i] {
		case "active-rewarded-caller":
			ok = s.Registered && s.Active && s.Rewarded() && (s.RewardCaller == f.caller) == lip118
		case "active-idle":
			ok = s.Registered && s.Active && !s.Rewarded() && s.RewardCaller == (common.Address{})
		case "registered-inactive":
			ok = s.Registered && !s.Active && s.TotalStake.Sign() > 0
		case "unregistered", "empty":
			ok = !s.Registered && !s.Active && s.TotalStake.Sign() == 0
		}
		if !ok || s.LIP118 != lip118 {
			t.Fatalf("%s: snapshot %+v does not show that state (LIP-118 %v)", f.names[i], s, lip118)
		}
	}
}

// counted is a JSON-RPC client of chain url through a counting proxy.
type counted struct {
	proxy  *rpcproxy.Proxy
	caller livepeer.RPCCaller
}

func newCounted(t testing.TB, url string) *counted {
	t.Helper()
	p, err := rpcproxy.New(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := rpc.Dial(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &counted{proxy: p, caller: livepeer.RPCCaller{C: c}}
}

// since returns what the proxy counted after before.
func (c *counted) since(before rpcproxy.Counts) (http, calls int, methods map[string]int) {
	now := c.proxy.Counts()
	methods = map[string]int{}
	for m, n := range now.Methods {
		if d := n - before.Methods[m]; d > 0 {
			methods[m] = d
		}
	}
	return now.HTTP - before.HTTP, now.Calls - before.Calls, methods
}

// sameAsReader reads the fleet and checks each snapshot against what a
// Reader of that orchestrator returns (ReadAt aside), at the same head.
func sameAsReader(t *testing.T, ctx context.Context, c livepeer.Caller, addrs livepeer.Addresses,
	orchs, accounts []common.Address, opts livepeer.FleetOptions) []livepeer.FleetResult {
	t.Helper()
	res, err := livepeer.NewFleetReader(c, addrs, orchs, accounts, nil, opts).Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(orchs) {
		t.Fatalf("%d results for %d orchestrators", len(res), len(orchs))
	}
	for i, o := range orchs {
		want, err := livepeer.NewReader(c, addrs, o, accounts, nil).Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res[i].Err != nil {
			t.Fatalf("orchestrator %d (%s): %v", i, o, res[i].Err)
		}
		if g, w := snapJSON(t, res[i].Snapshot), snapJSON(t, want); g != w {
			t.Fatalf("orchestrator %d (%s): fleet snapshot\n%s\nReader snapshot\n%s", i, o, g, w)
		}
	}
	return res
}

// snapJSON is s as JSON without ReadAt: big integers compare by value.
func snapJSON(t *testing.T, s *livepeer.Snapshot) string {
	t.Helper()
	c := *s
	c.ReadAt = time.Time{}
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// padded is orchs followed by addresses nobody used, n in all.
func padded(orchs []common.Address, n int) []common.Address {
	out := append([]common.Address(nil), orchs...)
	for i := len(out); i < n; i++ {
		out = append(out, common.BytesToAddress(crypto.Keccak256([]byte(fmt.Sprintf("fleet orchestrator %d", i)))))
	}
	return out[:n]
}

// The fleet reader gives every orchestrator of a mixed fleet the snapshot a
// Reader gives it, on the devnet and on anvil, with Multicall3 and without,
// and with LIP-118 switched off (transcoderToRewardCaller reverting for
// everyone, through Multicall3 each revert its own).
func TestFleetSnapshotsMatchReader(t *testing.T) {
	chains := []struct {
		name  string
		start func(*testing.T, context.Context, bool) *fleetChain
	}{
		{"Devnet", devnetFleetChain},
		{"Anvil", anvilFleetChain},
	}
	for _, ch := range chains {
		for _, withMC := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/Multicall3=%v", ch.name, withMC), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
				defer cancel()
				fc := ch.start(t, ctx, withMC)
				f := setUpFleet(t, ctx, fc)
				defer fc.release()
				cc := newCounted(t, fc.url)
				addrs, err := livepeer.Resolve(ctx, cc.caller, fc.dep.Controller)
				if err != nil {
					t.Fatal(err)
				}
				accounts := []common.Address{f.caller}
				before := cc.proxy.Counts()
				res := sameAsReader(t, ctx, cc.caller, addrs, f.orchs, accounts, livepeer.FleetOptions{})
				f.checkStates(t, res, true)
				_, _, methods := cc.since(before)
				if got := methods["eth_call 0x82ad56cb"] + methods["eth_call aggregate3"]; (got > 0) != withMC {
					t.Fatalf("%d aggregate3 calls with Multicall3 deployed=%v; calls %v", got, withMC, methods)
				}
				// Bigger fleets and forced chunks read the same.
				many := padded(f.orchs, 23)
				sameAsReader(t, ctx, cc.caller, addrs, many, accounts, livepeer.FleetOptions{MaxMulticall: 7, MaxBatch: 4})
				sameAsReader(t, ctx, cc.caller, addrs, many, accounts, livepeer.FleetOptions{NoMulticall: true, MaxBatch: 5})
				// Through lpops' endpoint pool, which adds its head read to every batch.
				pool, err := chain.Dial(ctx, []chain.EndpointConfig{{Name: ch.name, URL: fc.url}}, chain.Options{ChainID: fc.dep.ChainID().Uint64()})
				if err != nil {
					t.Fatal(err)
				}
				defer pool.Close()
				sameAsReader(t, ctx, pool, addrs, many, accounts, livepeer.FleetOptions{MaxMulticall: 7, MaxBatch: 4})

				fc.release()
				if _, err := fc.dep.SetLIP118Enabled(ctx, fc.owner, false); err != nil {
					t.Fatal(err)
				}
				fc.hold()
				res = sameAsReader(t, ctx, cc.caller, addrs, f.orchs, accounts, livepeer.FleetOptions{})
				for i, r := range res {
					if r.Snapshot.LIP118 || r.Snapshot.RewardCaller != (common.Address{}) {
						t.Fatalf("%s: LIP-118 off, snapshot %+v", f.names[i], r.Snapshot)
					}
				}
			})
		}
	}
}

// With Multicall3 a fleet's tick is two HTTP requests (the head, then one
// batch) whether it has 1, 10 or 100 orchestrators; without, the plain
// calls go 48 to a request.
func TestFleetRequestsDoNotGrowWithFleet(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for _, ch := range []struct {
		name  string
		start func(*testing.T, context.Context, bool) *fleetChain
	}{{"Devnet", devnetFleetChain}, {"Anvil", anvilFleetChain}} {
		for _, withMC := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/Multicall3=%v", ch.name, withMC), func(t *testing.T) {
				countRequests(t, ctx, ch.start(t, ctx, withMC), withMC)
			})
		}
	}
}

// countRequests reads fleets of 1, 10 and 100 orchestrators on fc, twice
// each, and checks the requests each tick costs.
func countRequests(t *testing.T, ctx context.Context, fc *fleetChain, withMC bool) {
	t.Helper()
	cc := newCounted(t, fc.url)
	addrs, err := livepeer.Resolve(ctx, cc.caller, fc.dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	signer := common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	requests := map[int]int{}
	for _, n := range []int{1, 10, 100} {
		fr := livepeer.NewFleetReader(cc.caller, addrs, padded(nil, n), []common.Address{signer}, nil, livepeer.FleetOptions{})
		for tick := 0; tick < 2; tick++ { // the first tick also asks for Multicall3's code
			before := cc.proxy.Counts()
			res, err := fr.Snapshots(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			http, calls, methods := cc.since(before)
			inner := 6 + 6*n + 1
			want := 1 + (inner+47)/48
			if withMC {
				want = 2
			}
			if http != want {
				t.Fatalf("N=%d tick %d: %d HTTP requests (%d calls: %v), want %d", n, tick, http, calls, methods, want)
			}
			if _, ok := fr.Multicall3(); ok != withMC {
				t.Fatalf("N=%d: reader uses Multicall3 %v, deployed %v", n, ok, withMC)
			}
			requests[n] = http
			t.Logf("N=%d tick %d: %d HTTP requests, %d JSON-RPC calls", n, tick, http, calls)
		}
	}
	if withMC && requests[100] != requests[1] {
		t.Fatalf("requests per tick: %v; with Multicall3 100 orchestrators must cost what 1 does", requests)
	}
}

// aheadFleet is an endpoint whose head answer comes from a node ahead of
// the one that answers the reads.
type aheadFleet struct {
	livepeer.Caller
	by uint64
}

func (a aheadFleet) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	if err := a.Caller.BatchCall(ctx, b); err != nil {
		return err
	}
	if b[0].Method == "eth_blockNumber" && b[0].Error == nil {
		*b[0].Result.(*hexutil.Uint64) += hexutil.Uint64(a.by)
	}
	return nil
}

// A head the answering endpoint lacks: the pinned aggregate3 (or plain
// batch) is answered "header not found" and the fleet is read at latest,
// as Reader does.
func TestFleetAtAHeadTheEndpointLacks(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	fc := devnetFleetChain(t, ctx, true)
	for _, noMC := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoMulticall=%v", noMC), func(t *testing.T) {
			cc := newCounted(t, fc.url)
			addrs, err := livepeer.Resolve(ctx, cc.caller, fc.dep.Controller)
			if err != nil {
				t.Fatal(err)
			}
			fr := livepeer.NewFleetReader(aheadFleet{Caller: cc.caller, by: 100000}, addrs, padded(nil, 3), nil, nil, livepeer.FleetOptions{NoMulticall: noMC})
			before := cc.proxy.Counts()
			res, err := fr.Snapshots(ctx)
			if err != nil {
				t.Fatalf("Snapshots with a head 100000 blocks past the answering endpoint's: %v", err)
			}
			if http, _, methods := cc.since(before); http != 3 {
				t.Fatalf("%d requests (%v), want the head, the pinned read, the read at latest", http, methods)
			}
			for _, r := range res {
				if r.Err != nil || r.Snapshot.RoundLength != fleetRoundLength || r.Snapshot.BlockNum >= r.Snapshot.Head {
					t.Fatalf("result %+v, want a snapshot read at latest, below the head reported", r)
				}
			}
		})
	}
}

// The gas of one aggregate3 of a 100-orchestrator fleet, measured with
// eth_estimateGas on anvil: what DefaultMaxMulticall is chosen from.
func TestFleetMulticallGas(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	fc := anvilFleetChain(t, ctx, true)
	f := setUpFleet(t, ctx, fc)
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: mustDial(t, fc.url)}, fc.dep.Controller)
	if err != nil {
		t.Fatal(err)
	}
	orchs := padded(f.orchs, 100)
	type call3 struct {
		Target       common.Address
		AllowFailure bool
		CallData     []byte
	}
	pack := func(a interface {
		Pack(string, ...any) ([]byte, error)
	}, m string, args ...any) []byte {
		b, err := a.Pack(m, args...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var calls []call3
	for _, m := range []string{"blockNum", "currentRound", "currentRoundStartBlock", "roundLength", "currentRoundInitialized", "lastInitializedRound"} {
		calls = append(calls, call3{addrs.RoundsManager, true, pack(&livepeer.RoundsManagerABI, m)})
	}
	for _, o := range orchs {
		for _, m := range []string{"getTranscoder", "transcoderStatus", "isActiveTranscoder", "transcoderTotalStake", "transcoderToRewardCaller"} {
			calls = append(calls, call3{addrs.BondingManager, true, pack(&livepeer.BondingManagerABI, m, o)})
		}
	}
	for _, a := range append([]common.Address{f.caller}, orchs...) {
		calls = append(calls, call3{livepeer.Multicall3Address, true, pack(&livepeer.Multicall3ABI, "getEthBalance", a)})
	}
	data := pack(&livepeer.Multicall3ABI, "aggregate3", calls)
	ec, err := ethclient.DialContext(ctx, fc.url)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	to := livepeer.Multicall3Address
	gas, err := ec.EstimateGas(ctx, ethereum.CallMsg{To: &to, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	perCall := float64(gas) / float64(len(calls))
	chunk := perCall * livepeer.DefaultMaxMulticall
	t.Logf("aggregate3 of %d orchestrators: %d calls, %d bytes of calldata, %d gas (%.0f a call; a chunk of %d calls about %.1fM)",
		len(orchs), len(calls), len(data), gas, perCall, livepeer.DefaultMaxMulticall, chunk/1e6)
	// geth's (and Nitro's) default eth_call gas cap is 50M: a chunk must stay
	// well under it even where the real contracts cost several times more.
	if chunk > 50e6/10 {
		t.Fatalf("a chunk of %d calls costs about %.1fM gas on the test contracts: too close to the 50M eth_call cap", livepeer.DefaultMaxMulticall, chunk/1e6)
	}
}

func mustDial(t *testing.T, url string) *rpc.Client {
	t.Helper()
	c, err := rpc.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// A chain without Multicall3 (at its canonical address, or at the address
// the options name) is read with plain calls, and the reader says so.
func TestFleetWithoutMulticall3FallsBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	elsewhere := common.HexToAddress("0x000000000000000000000000000000000000ca11")
	for _, tt := range []struct {
		name      string
		installed bool
		at        common.Address
	}{
		{"AnvilWithoutMulticall3", false, livepeer.Multicall3Address},
		{"MulticallElsewhere", true, elsewhere},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fc := anvilFleetChain(t, ctx, tt.installed)
			cc := newCounted(t, fc.url)
			addrs, err := livepeer.Resolve(ctx, cc.caller, fc.dep.Controller)
			if err != nil {
				t.Fatal(err)
			}
			opts := livepeer.FleetOptions{}
			if tt.at != livepeer.Multicall3Address {
				opts.Multicall3 = tt.at
			}
			fr := livepeer.NewFleetReader(cc.caller, addrs, padded(nil, 4), nil, nil, opts)
			for tick := 0; tick < 2; tick++ {
				before := cc.proxy.Counts()
				res, err := fr.Snapshots(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
				}
				if at, ok := fr.Multicall3(); ok || at != tt.at {
					t.Fatalf("Multicall3() = %s, %v; want %s, not used", at, ok, tt.at)
				}
				_, _, methods := cc.since(before)
				wantCode := 0
				if tick == 0 {
					wantCode = 1
				}
				if methods["eth_getCode"] != wantCode || methods["eth_call getTranscoder"] != 4 || methods["eth_getBalance"] != 4 || methods["eth_call aggregate3"] != 0 {
					t.Fatalf("tick %d: calls %v; want Multicall3's code asked on the first tick only, then plain calls", tick, methods)
				}
			}
		})
	}
}

// BenchmarkFleetSnapshot reads fleets of 1, 10 and 100 orchestrators on the
// devnet, through Multicall3 and with plain calls, and reports the HTTP
// requests and JSON-RPC calls of one tick (the goal: 100 orchestrators at
// most 1.2 times the requests of 1).
func BenchmarkFleetSnapshot(b *testing.B) {
	ctx := b.Context()
	owner, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	alloc, err := testchain.Multicall3Alloc()
	if err != nil {
		b.Fatal(err)
	}
	alloc[crypto.PubkeyToAddress(owner.PublicKey)] = types.Account{Balance: lptWei(1000)}
	c, err := devnet.StartChain(alloc, 20*time.Millisecond)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: fleetRoundLength, LIP118: true})
	if err != nil {
		b.Fatal(err)
	}
	cc := newCounted(b, c.URL)
	addrs, err := livepeer.Resolve(ctx, cc.caller, dep.Controller)
	if err != nil {
		b.Fatal(err)
	}
	signer := crypto.PubkeyToAddress(owner.PublicKey)
	for _, mode := range []struct {
		name string
		opts livepeer.FleetOptions
	}{{"Multicall3", livepeer.FleetOptions{}}, {"Plain", livepeer.FleetOptions{NoMulticall: true}}} {
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("%s/N=%d", mode.name, n), func(b *testing.B) {
				fr := livepeer.NewFleetReader(cc.caller, addrs, padded(nil, n), []common.Address{signer}, nil, mode.opts)
				if _, err := fr.Snapshots(ctx); err != nil { // asks for Multicall3's code once
					b.Fatal(err)
				}
				before, ops := cc.proxy.Counts(), 0
				for b.Loop() {
					if _, err := fr.Snapshots(ctx); err != nil {
						b.Fatal(err)
					}
					ops++
				}
				http, calls, _ := cc.since(before)
				b.ReportMetric(float64(http)/float64(ops), "requests/op")
				b.ReportMetric(float64(calls)/float64(ops), "calls/op")
			})
		}
	}
}
