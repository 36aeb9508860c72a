package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/testchain"
)

// nodeDuties are the node stand-in's transactions, sent with the
// orchestrator's key at a fee cap no base fee spike of the soak reaches, so
// the round is always initialized: a round nobody could reward says nothing
// about lpops.
type nodeDuties struct {
	dep *testchain.Deployment
	key *ecdsa.PrivateKey
}

var _ devnet.NodeDuties = nodeDuties{}

func (n nodeDuties) InitializeRound(ctx context.Context) error {
	return n.exec(ctx, "initializeRound", n.dep.Contracts.RoundsManager.InitializeRound)
}

func (n nodeDuties) Reward(ctx context.Context) error {
	return n.exec(ctx, "reward", n.dep.Contracts.BondingManager.Reward)
}

func (n nodeDuties) exec(ctx context.Context, method string, call func(*bind.TransactOpts) (*types.Transaction, error)) error {
	opts, err := n.dep.TransactOpts(ctx, n.key)
	if err != nil {
		return err
	}
	opts.GasFeeCap = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e9))
	opts.GasTipCap = big.NewInt(1e9)
	tx, err := call(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err = n.dep.Wait(ctx, tx)
	return err
}

// nodeAPI serves the node stand-in's CLI API and can be taken down
// (listener closed) or made to hang (requests held until the client gives
// up), as the real node's API does while its chain node is frozen.
type nodeAPI struct {
	URL     string
	addr    string
	handler http.Handler

	mu   sync.Mutex
	srv  *http.Server
	hang chan struct{} // closed when the hang ends; nil when answering
}

func newNodeAPI(h http.Handler) (*nodeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("node API listen: %w", err)
	}
	n := &nodeAPI{URL: "http://" + ln.Addr().String(), addr: ln.Addr().String(), handler: h}
	n.serve(ln)
	return n, nil
}

func (n *nodeAPI) serve(ln net.Listener) {
	srv := &http.Server{Handler: n, ReadHeaderTimeout: 10 * time.Second}
	n.srv = srv
	go func() { _ = srv.Serve(ln) }()
}

func (n *nodeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	hang := n.hang
	n.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	n.handler.ServeHTTP(w, r)
}

// Down closes the listener and cuts open connections.
func (n *nodeAPI) Down() {
	n.mu.Lock()
	srv := n.srv
	n.srv = nil
	n.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Up listens again on the same address.
func (n *nodeAPI) Up() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", n.addr)
	if err != nil {
		return fmt.Errorf("node API listen again on %s: %w", n.addr, err)
	}
	n.serve(ln)
	return nil
}

// Hang holds every request until Answer.
func (n *nodeAPI) Hang() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hang == nil {
		n.hang = make(chan struct{})
	}
}

// Answer ends a hang; held requests are answered.
func (n *nodeAPI) Answer() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hang != nil {
		close(n.hang)
		n.hang = nil
	}
}

func (n *nodeAPI) Close() {
	n.Answer()
	n.Down()
}
