// Package rpcproxy is a JSON-RPC endpoint on loopback in front of a real one,
// for tests and benchmarks. It counts what passes through it (HTTP requests,
// the calls in them, by method and by request shape) and can go wrong the way
// real nodes do:
//
//   - pinned: it serves the chain as it was at one block: eth_blockNumber
//     answers that block, and the block tags "latest", "pending", "safe" and
//     "finalized" are rewritten to it, so every read (head, state, nonces) is
//     one consistent, old view of the same chain, as from a node that stopped
//     importing blocks;
//   - frozen: it accepts requests and never answers them until thawed, as a
//     node stopped with SIGSTOP (or hung) does;
//   - holding sends: requests that carry eth_sendRawTransaction wait until
//     released, and are then forwarded even if the client has gone, as a
//     broadcast that left a process just before it was killed, or dropped
//     (DropSends), as one that never left it;
//   - lagging: like pinned, but the served head follows the chain a fixed
//     number of blocks behind it, as a node that imports late;
//   - garbage: every request is answered with a body that is not JSON-RPC
//     (an HTML error page with status 200, a truncated JSON document), as a
//     misconfigured load balancer or a broken node does;
//   - killed: the listener is closed and open connections are cut, so
//     clients see connections refused, until Revive listens again on the
//     same address.
//
// It speaks JSON-RPC over HTTP POST only (single calls and batches); that is
// all lpops' http(s) endpoints use.
package rpcproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/livepeer"
)

// Proxy is a running proxy. Close stops it.
type Proxy struct {
	// URL is the proxy's endpoint, http://127.0.0.1:PORT.
	URL string

	target   string
	counting *atomic.Bool
	client   *http.Client
	addr     string // host:port the proxy listens on, kept across Kill

	mu      sync.Mutex
	srv     *http.Server  // nil while killed
	pinned  string        // hex block number; "" when following the chain
	lag     uint64        // blocks behind the chain's head; 0 when not lagging
	garbage bool          // answer every request with a body that is not JSON-RPC
	garbled int           // requests answered with garbage, to vary the body
	thaw    chan struct{} // closed on thaw; nil when not frozen
	send    *sendGate     // released by ReleaseSends or DropSends; nil when sends pass
	held    int           // sends that arrived while held
	c       Counts
}

// sendGate holds sends until released; drop says whether they are then
// forwarded or discarded.
type sendGate struct {
	release chan struct{}
	drop    bool // written before release is closed
}

// Counts is what a proxy received while counting.
type Counts struct {
	HTTP, Calls int
	// Methods counts calls by JSON-RPC method; an eth_call is named by the
	// Livepeer or ERC-20 method its selector calls ("eth_call getTranscoder").
	Methods map[string]int
	// Shapes counts HTTP requests by the calls they carried, so a batch
	// shows up as what it is ("[eth_blockNumber, eth_call x9]").
	Shapes map[string]int
	// Requests are the requests in the order they arrived.
	Requests []Request
}

// Request is one HTTP request the proxy received.
type Request struct {
	At    time.Time
	Shape string
}

// New starts a proxy in front of target. It counts while counting is true
// (several proxies may share one switch); nil counts always.
func New(target string, counting *atomic.Bool) (*Proxy, error) {
	if counting == nil {
		counting = new(atomic.Bool)
		counting.Store(true)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &Proxy{
		URL: "http://" + ln.Addr().String(), target: target, counting: counting, addr: ln.Addr().String(),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute}},
		c:      Counts{Methods: map[string]int{}, Shapes: map[string]int{}},
	}
	p.serve(ln)
	return p, nil
}

// serve starts a server on ln. Called with p.mu held or before p is shared.
func (p *Proxy) serve(ln net.Listener) {
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	p.srv = srv
	go func() { _ = srv.Serve(ln) }()
}

// Close answers the requests held by a freeze, forwards held sends and
// stops the proxy.
func (p *Proxy) Close() error {
	p.Unfreeze()
	p.ReleaseSends()
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Kill closes the listener and cuts every open connection, requests in
// flight included: clients see their connections refused or reset, as when
// the node behind an endpoint has died. Revive brings the proxy back on the
// same address.
func (p *Proxy) Kill() error {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Revive listens again on the address the proxy had before Kill. Another
// process may have taken the port meanwhile; the error says so.
func (p *Proxy) Revive() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("proxy listen again on %s: %w", p.addr, err)
	}
	p.serve(ln)
	return nil
}

// Lag serves the chain n blocks behind its head from now on (0: follow the
// head again): eth_blockNumber answers head-n and the block tags are
// rewritten to it, as for Pin. Pin wins while both are set.
func (p *Proxy) Lag(n uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lag = n
}

// Garbage answers every request with a body that is not JSON-RPC while on:
// an HTML error page with status 200 and a truncated JSON document, in
// turn. Nothing reaches the chain.
func (p *Proxy) Garbage(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.garbage = on
}

// HoldSends holds every request that carries eth_sendRawTransaction from now
// on, until ReleaseSends or DropSends; other requests pass.
func (p *Proxy) HoldSends() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.send == nil {
		p.send = &sendGate{release: make(chan struct{})}
	}
}

// HeldSends is how many requests carrying eth_sendRawTransaction arrived
// while sends were held.
func (p *Proxy) HeldSends() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

// ReleaseSends forwards the held sends, to the chain even when their client
// has gone, and lets sends pass again.
func (p *Proxy) ReleaseSends() { p.openSends(false) }

// DropSends discards the held sends, which never reach the chain (their
// clients, if still there, see the connection closed), and lets sends pass
// again.
func (p *Proxy) DropSends() { p.openSends(true) }

func (p *Proxy) openSends(drop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.send != nil {
		p.send.drop = drop
		close(p.send.release)
		p.send = nil
	}
}

// Pin serves block n as the head from now on.
func (p *Proxy) Pin(n uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = fmt.Sprintf("0x%x", n)
}

// Unpin follows the chain again.
func (p *Proxy) Unpin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = ""
}

// Freeze holds every request from now on.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw == nil {
		p.thaw = make(chan struct{})
	}
}

// Unfreeze answers again, the held requests included.
func (p *Proxy) Unfreeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw != nil {
		close(p.thaw)
		p.thaw = nil
	}
}

// Counts returns a copy of what was counted.
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := Counts{HTTP: p.c.HTTP, Calls: p.c.Calls, Methods: map[string]int{}, Shapes: map[string]int{}}
	for k, v := range p.c.Methods {
		c.Methods[k] = v
	}
	for k, v := range p.c.Shapes {
		c.Shapes[k] = v
	}
	c.Requests = append([]Request(nil), p.c.Requests...)
	return c
}

// call is one JSON-RPC request as the proxy reads and rewrites it.
type call struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id,omitempty"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

// answer is one JSON-RPC response as the proxy rewrites it.
type answer struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// ServeHTTP counts the request, holds it while frozen, rewrites it while
// pinned, and forwards it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	calls, batch, ok := decode(body)
	p.mu.Lock()
	thaw, pinned, lag, send, garbage := p.thaw, p.pinned, p.lag, p.send, p.garbage
	if p.counting.Load() {
		p.record(calls, ok)
	}
	if send != nil && sends(calls) {
		p.held++
	} else {
		send = nil
	}
	if garbage {
		p.garbled++
	}
	garbled := p.garbled
	p.mu.Unlock()
	if thaw != nil {
		select {
		case <-thaw:
		case <-r.Context().Done():
			return // the client gave up, as on a hung node
		}
	}
	if garbage {
		writeGarbage(w, garbled)
		return
	}
	ctx := r.Context()
	if send != nil {
		// What has left the client reaches the chain, client or not.
		<-send.release
		if send.drop {
			panic(http.ErrAbortHandler) // never sent: the client sees the connection closed
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
	}
	if pinned == "" && lag > 0 {
		head, err := p.head(ctx)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		pinned = fmt.Sprintf("0x%x", head-min(lag, head))
	}
	var headIDs []string
	if pinned != "" && ok {
		body, headIDs = pinCalls(calls, batch, pinned)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target, bytes.NewReader(body))
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

// head asks the target for its block number.
func (p *Proxy) head(ctx context.Context) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target,
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("read the head for lag: %w", err)
	}
	defer resp.Body.Close()
	var a struct {
		Result hexutil.Uint64 `json:"result"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&a); err != nil {
		return 0, fmt.Errorf("read the head for lag: %w", err)
	}
	return uint64(a.Result), nil
}

// writeGarbage answers with a body that is not JSON-RPC, the n-th kind in
// turn.
func writeGarbage(w http.ResponseWriter, n int) {
	if n%2 == 0 {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":"0x`)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
}

// record counts one request. Called with p.mu held. A body that is not
// JSON-RPC counts as one call named "(unparsed)".
func (p *Proxy) record(calls []call, ok bool) {
	names := []string{"(unparsed)"}
	if ok {
		names = make([]string, len(calls))
		for i, c := range calls {
			names[i] = label(c)
		}
	}
	p.c.HTTP++
	p.c.Calls += len(names)
	for _, n := range names {
		p.c.Methods[n]++
	}
	sh := Shape(names)
	p.c.Shapes[sh]++
	p.c.Requests = append(p.c.Requests, Request{At: time.Now(), Shape: sh})
}

// sends reports whether calls carry a transaction.
func sends(calls []call) bool {
	for _, c := range calls {
		if c.Method == "eth_sendRawTransaction" {
			return true
		}
	}
	return false
}

// decode reads a request body: its calls, whether it was a batch, and
// whether it was JSON-RPC at all.
func decode(body []byte) (calls []call, batch, ok bool) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return calls, true, json.Unmarshal(body, &calls) == nil
	}
	var c call
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, false, false
	}
	return []call{c}, false, true
}

// pinCalls rewrites block tags to the pinned block and returns the new body
// and the ids of the eth_blockNumber calls, whose answers pinHead replaces.
func pinCalls(calls []call, batch bool, pinned string) ([]byte, []string) {
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

// pinHead answers the eth_blockNumber calls with the pinned block.
func pinHead(out []byte, ids []string, pinned string) []byte {
	trimmed := bytes.TrimSpace(out)
	batch := len(trimmed) > 0 && trimmed[0] == '['
	var answers []answer
	if batch {
		if json.Unmarshal(trimmed, &answers) != nil {
			return out
		}
	} else {
		var a answer
		if json.Unmarshal(trimmed, &a) != nil {
			return out
		}
		answers = []answer{a}
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

// label names a call: its method, and for eth_call the contract method.
func label(c call) string {
	if c.Method != "eth_call" || len(c.Params) == 0 {
		return c.Method
	}
	var msg struct {
		Data  hexutil.Bytes `json:"data"`
		Input hexutil.Bytes `json:"input"`
	}
	if err := json.Unmarshal(c.Params[0], &msg); err != nil {
		return c.Method
	}
	data := msg.Input
	if len(data) == 0 {
		data = msg.Data
	}
	if len(data) < 4 {
		return c.Method
	}
	if name, ok := selectors[string(data[:4])]; ok {
		return "eth_call " + name
	}
	return fmt.Sprintf("eth_call 0x%x", []byte(data[:4])) // not hexutil.Bytes: %x would hex its String()
}

// selectors maps the 4-byte selectors of the Livepeer and ERC-20 methods
// lpops knows to their names.
var selectors = func() map[string]string {
	m := map[string]string{}
	for _, a := range []abi.ABI{livepeer.ControllerABI, livepeer.RoundsManagerABI, livepeer.BondingManagerABI,
		livepeer.BondingManagerWatchABI, livepeer.TicketBrokerABI, livepeer.TokenABI, livepeer.Multicall3ABI} {
		for _, meth := range a.Methods {
			if _, ok := m[string(meth.ID)]; !ok {
				m[string(meth.ID)] = meth.Name
			}
		}
	}
	return m
}()

// Shape describes a request by the names of its calls: "eth_chainId" for a
// single call, "[eth_blockNumber, eth_call x9]" for a batch, eth_calls
// folded whatever they call, names in order.
func Shape(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	n := map[string]int{}
	var order []string
	for _, m := range names {
		if strings.HasPrefix(m, "eth_call") {
			m = "eth_call"
		}
		if n[m] == 0 {
			order = append(order, m)
		}
		n[m]++
	}
	sort.Strings(order)
	parts := make([]string, len(order))
	for i, m := range order {
		parts[i] = m
		if n[m] > 1 {
			parts[i] = fmt.Sprintf("%s x%d", m, n[m])
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
