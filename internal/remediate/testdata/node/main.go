// Command node stands in for a go-livepeer orchestrator's CLI API in lpops'
// remediation tests and benchmark: a real process serving the routes lpops'
// node probe reads, with bodies in go-livepeer's wire format. Killing it is
// what a crashed node looks like to lpops.
//
//	node -addr 127.0.0.1:7935 [-orchestrator 0x...] [-chain-id 1337]
//	node -addr 127.0.0.1:7935 -orchestrator 0x... -eth-url URL -controller 0x...
//
// With -eth-url it reads its on-chain state as go-livepeer does: the
// orchestrator's transcoder (status, active, last reward round, stake), the
// current round and the chain id come from the contracts resolved through
// the Controller, on every request, so those routes fail or hang while the
// chain node does, and tell the truth once it is back. Without it they
// answer fixed values.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/lpops/lpops/internal/testchain"
)

const (
	status = `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux","RegisteredTranscodersNumber":0,"RegisteredTranscoders":[],"LocalTranscoding":true,"BroadcasterPrices":{"default":"1"}}`
	info   = `{"Transcoder":{"Address":"%s","ServiceURI":"https://127.0.0.1:8935","LastRewardRound":2,"RewardCut":100000,"FeeShare":500000,"DelegatedStake":1000978792100000000000,"ActivationRound":2,"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639935,"LastActiveStakeUpdateRound":3,"Active":true,"Status":"Registered","PricePerPixel":null},"PriceInfo":"1"}`
)

// transcoder is go-livepeer's /orchestratorInfo Transcoder object; big
// integers are JSON numbers, as go-livepeer writes them.
type transcoder struct {
	Address                    string
	ServiceURI                 string
	LastRewardRound            *big.Int
	RewardCut                  *big.Int
	FeeShare                   *big.Int
	DelegatedStake             *big.Int
	ActivationRound            *big.Int
	DeactivationRound          *big.Int
	LastActiveStakeUpdateRound *big.Int
	Active                     bool
	Status                     string
	PricePerPixel              *big.Int
}

// chainView reads the node's on-chain state, attaching to the contracts on
// first use (the chain may be down when the node starts).
type chainView struct {
	url        string
	controller common.Address
	orch       common.Address

	mu  sync.Mutex
	dep *testchain.Deployment
}

func (c *chainView) deployment(ctx context.Context) (*testchain.Deployment, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dep != nil {
		return c.dep, nil
	}
	client, err := ethclient.DialContext(ctx, c.url)
	if err != nil {
		return nil, err
	}
	d, err := testchain.Attach(ctx, client, c.controller)
	if err != nil {
		client.Close()
		return nil, err
	}
	c.dep = d
	return d, nil
}

func (c *chainView) orchestratorInfo(ctx context.Context) (any, error) {
	d, err := c.deployment(ctx)
	if err != nil {
		return nil, err
	}
	opts := &bind.CallOpts{Context: ctx}
	bm := d.Contracts.BondingManager
	t, err := bm.GetTranscoder(opts, c.orch)
	if err != nil {
		return nil, fmt.Errorf("getTranscoder: %w", err)
	}
	st, err := bm.TranscoderStatus(opts, c.orch)
	if err != nil {
		return nil, fmt.Errorf("transcoderStatus: %w", err)
	}
	active, err := bm.IsActiveTranscoder(opts, c.orch)
	if err != nil {
		return nil, fmt.Errorf("isActiveTranscoder: %w", err)
	}
	stake, err := bm.TranscoderTotalStake(opts, c.orch)
	if err != nil {
		return nil, fmt.Errorf("transcoderTotalStake: %w", err)
	}
	status := "Not Registered"
	if st == 1 {
		status = "Registered"
	}
	return map[string]any{"Transcoder": transcoder{
		Address: c.orch.Hex(), ServiceURI: "https://127.0.0.1:8935",
		LastRewardRound: t.LastRewardRound, RewardCut: t.RewardCut, FeeShare: t.FeeShare, DelegatedStake: stake,
		ActivationRound: t.ActivationRound, DeactivationRound: t.DeactivationRound,
		LastActiveStakeUpdateRound: t.LastActiveStakeUpdateRound, Active: active, Status: status,
	}, "PriceInfo": "1"}, nil
}

func (c *chainView) currentRound(ctx context.Context) (string, error) {
	d, err := c.deployment(ctx)
	if err != nil {
		return "", err
	}
	r, err := d.CurrentRound(ctx)
	return fmt.Sprint(r), err
}

func (c *chainView) chainID(ctx context.Context) (string, error) {
	d, err := c.deployment(ctx)
	if err != nil {
		return "", err
	}
	return d.ChainID().String(), nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7935", "CLI API address")
	orch := flag.String("orchestrator", "0x1c1c9817f4b8f07efb298a17102531cdd09cef68", "the orchestrator address /orchestratorInfo reports")
	chainID := flag.String("chain-id", "1337", "the chain id /EthChainID reports (without -eth-url)")
	ethURL := flag.String("eth-url", "", "read the on-chain state from this JSON-RPC endpoint")
	controller := flag.String("controller", "", "the Controller the contracts are resolved through (with -eth-url)")
	flag.Parse()
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, ctype, body string) {
		w.Header().Set("Content-Type", ctype)
		fmt.Fprint(w, body)
	}
	text := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { reply(w, "text/plain; charset=utf-8", body) }
	}
	jsonBody := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { reply(w, "application/json", body) }
	}
	mux.HandleFunc("GET /status", jsonBody(status))
	mux.HandleFunc("GET /ethBalance", text("1000000000000000000"))
	if *ethURL == "" {
		mux.HandleFunc("GET /orchestratorInfo", jsonBody(fmt.Sprintf(info, *orch)))
		mux.HandleFunc("GET /currentRound", text("3"))
		mux.HandleFunc("GET /EthChainID", text(*chainID))
	} else {
		cv := &chainView{url: *ethURL, controller: common.HexToAddress(*controller), orch: common.HexToAddress(*orch)}
		fail := func(w http.ResponseWriter, err error) {
			// go-livepeer answers a failed chain read with a 500 and the error.
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
		mux.HandleFunc("GET /orchestratorInfo", func(w http.ResponseWriter, r *http.Request) {
			v, err := cv.orchestratorInfo(r.Context())
			if err != nil {
				fail(w, err)
				return
			}
			b, _ := json.Marshal(v)
			reply(w, "application/json", string(b))
		})
		for path, read := range map[string]func(context.Context) (string, error){"/currentRound": cv.currentRound, "/EthChainID": cv.chainID} {
			mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
				s, err := read(r.Context())
				if err != nil {
					fail(w, err)
					return
				}
				reply(w, "text/plain; charset=utf-8", s)
			})
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "node: CLI API on %s, pid %d\n", ln.Addr(), os.Getpid())
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}
