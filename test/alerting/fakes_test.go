package alerting

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// ---------------------------------------------------------------- the node

// simNode plays the go-livepeer node's CLI API with internal/devnet's
// simulated node, which follows go-livepeer's documented wire format
// (shared/LIVEPEER.md) and reads the same chain as lpops. Its HTTP server can
// be stopped and started again on the same address, as a node that crashes
// and is restarted.
type simNode struct {
	t    *testing.T
	node *devnet.Node
	addr string

	mu  sync.Mutex
	srv *http.Server
}

// startNode runs the simulated node for e's orchestrator and serves its CLI
// API; it returns once the node has read the chain (its chain-backed routes
// answer).
func startNode(t *testing.T, e *env) *simNode {
	t.Helper()
	caller := livepeer.RPCCaller{C: e.chain.RPC(t)}
	addrs, err := livepeer.Resolve(e.ctx, caller, e.dep.Controller)
	if err != nil {
		t.Fatalf("resolve contracts for the node: %v", err)
	}
	orch := addr(e.orch)
	// Its reward service is off: the node's own transactions are not what
	// these tests are about, and the test owns the orchestrator's nonces.
	n := devnet.NewNode(livepeer.NewReader(caller, addrs, orch, nil, nil), nodeDuties{e.dep, e},
		orch, e.chain.ChainID.Uint64(), func(uint64) bool { return false }, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = n.Run(ctx, 200*time.Millisecond)
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &simNode{t: t, node: n, addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(func() {
		s.stop()
		cancel()
		<-done
	})
	testenv.WaitFor(t, waitTimeout, "the simulated node to read the chain", func() bool {
		resp, err := http.Get(s.URL() + "/orchestratorInfo")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// URL is node.cli_url.
func (s *simNode) URL() string { return "http://" + s.addr }

func (s *simNode) serve(ln net.Listener) {
	srv := &http.Server{Handler: s.node.Handler(), ReadHeaderTimeout: 5 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the CLI API: its port refuses connections, as when the node
// is down.
func (s *simNode) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// restart serves the CLI API again on the same address.
func (s *simNode) restart() {
	s.t.Helper()
	var ln net.Listener
	testenv.WaitFor(s.t, 10*time.Second, "the node's port to be free again", func() bool {
		var err error
		ln, err = net.Listen("tcp", s.addr)
		return err == nil
	})
	s.serve(ln)
}

// nodeDuties would send the node's transactions; the node's reward service
// is off, and the rounds the tests use are initialized already.
type nodeDuties struct {
	dep *testchain.Deployment
	e   *env
}

func (d nodeDuties) InitializeRound(ctx context.Context) error {
	return d.dep.EnsureRoundInitialized(ctx, d.e.owner)
}

func (d nodeDuties) Reward(context.Context) error {
	return errors.New("the test node does not call reward")
}

// ---------------------------------------------------------------- RPC proxy

// newRPCProxy starts a JSON-RPC proxy in front of target that the test can
// pin to an old head or freeze (see internal/rpcproxy); it stops with the
// test.
func newRPCProxy(t *testing.T, target string) *rpcproxy.Proxy {
	t.Helper()
	p, err := rpcproxy.New(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
