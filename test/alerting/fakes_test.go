package alerting

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/livepeer"
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

// rpcProxy is a JSON-RPC endpoint in front of anvil that can go wrong the way
// real nodes do:
//
//   - pinned: it serves the chain as it was at one block: eth_blockNumber
//     answers that block, and the block tags "latest", "pending", "safe" and
//     "finalized" are rewritten to it, so every read (head, state, nonces) is
//     one consistent, old view of the same chain, as from a node that stopped
//     importing blocks;
//   - frozen: it accepts requests and never answers them until thawed, as a
//     node stopped with SIGSTOP (or hung) does.
type rpcProxy struct {
	srv    *httptest.Server
	target string
	client *http.Client

	mu     sync.Mutex
	pinned string        // hex block number; "" when following the chain
	thaw   chan struct{} // closed on thaw; nil when not frozen
}

func newRPCProxy(t *testing.T, target string) *rpcProxy {
	t.Helper()
	p := &rpcProxy{target: target, client: &http.Client{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() {
		p.unfreeze()
		p.srv.Close()
	})
	return p
}

// URL is the proxy's endpoint.
func (p *rpcProxy) URL() string { return p.srv.URL }

// pin serves block n as the head from now on.
func (p *rpcProxy) pin(n uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = fmt.Sprintf("0x%x", n)
}

// unpin follows the chain again.
func (p *rpcProxy) unpin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = ""
}

// freeze holds every request from now on.
func (p *rpcProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw == nil {
		p.thaw = make(chan struct{})
	}
}

// unfreeze answers again, the held requests included.
func (p *rpcProxy) unfreeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw != nil {
		close(p.thaw)
		p.thaw = nil
	}
}

// rpcCall is one JSON-RPC request as the proxy rewrites it.
type rpcCall struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id,omitempty"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

// rpcAnswer is one JSON-RPC response as the proxy rewrites it.
type rpcAnswer struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

func (p *rpcProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	thaw, pinned := p.thaw, p.pinned
	p.mu.Unlock()
	if thaw != nil {
		select {
		case <-thaw:
		case <-r.Context().Done():
			return // the client gave up, as on a frozen node
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var headIDs []string
	if pinned != "" {
		body, headIDs = pinBody(body, pinned)
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if len(headIDs) > 0 {
		out = pinHead(out, headIDs, pinned)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// pinBody rewrites block tags to the pinned block and returns the ids of the
// eth_blockNumber calls, whose answers pinHead replaces.
func pinBody(body []byte, pinned string) ([]byte, []string) {
	calls, batch, ok := decodeCalls(body)
	if !ok {
		return body, nil
	}
	var ids []string
	for i := range calls {
		c := &calls[i]
		if c.Params == nil {
			c.Params = []json.RawMessage{}
		}
		if c.Method == "eth_blockNumber" {
			ids = append(ids, string(c.ID))
			continue
		}
		for j, prm := range c.Params {
			switch strings.Trim(string(prm), `"`) {
			case "latest", "pending", "safe", "finalized":
				c.Params[j] = json.RawMessage(`"` + pinned + `"`)
			}
		}
	}
	var out []byte
	if batch {
		out, _ = json.Marshal(calls)
	} else {
		out, _ = json.Marshal(calls[0])
	}
	return out, ids
}

func decodeCalls(body []byte) ([]rpcCall, bool, bool) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var calls []rpcCall
		return calls, true, json.Unmarshal(body, &calls) == nil
	}
	var c rpcCall
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, false, false
	}
	return []rpcCall{c}, false, true
}

// pinHead answers the eth_blockNumber calls with the pinned block.
func pinHead(out []byte, ids []string, pinned string) []byte {
	trimmed := bytes.TrimSpace(out)
	batch := len(trimmed) > 0 && trimmed[0] == '['
	var answers []rpcAnswer
	if batch {
		if json.Unmarshal(trimmed, &answers) != nil {
			return out
		}
	} else {
		var a rpcAnswer
		if json.Unmarshal(trimmed, &a) != nil {
			return out
		}
		answers = []rpcAnswer{a}
	}
	for i := range answers {
		for _, id := range ids {
			if string(answers[i].ID) == id && answers[i].Error == nil {
				answers[i].Result = json.RawMessage(`"` + pinned + `"`)
			}
		}
	}
	var b []byte
	if batch {
		b, _ = json.Marshal(answers)
	} else {
		b, _ = json.Marshal(answers[0])
	}
	return b
}
