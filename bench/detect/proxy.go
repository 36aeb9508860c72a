package main

import (
	"bytes"
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
)

// proxy is a JSON-RPC endpoint in front of the devnet. It counts what it
// forwards while counting is on, and it can go wrong the way real nodes do:
//
//   - pinned: it serves the chain as it was at one block (eth_blockNumber
//     answers that block; the tags "latest", "pending", "safe" and "finalized"
//     are rewritten to it), a consistent old view of the same chain, as from a
//     node that stopped importing blocks;
//   - frozen: it accepts requests and never answers them until thawed, as a
//     node that hangs (or was stopped with SIGSTOP).
type proxy struct {
	URL      string
	target   string
	counting *atomic.Bool
	client   *http.Client
	srv      *http.Server

	mu     sync.Mutex
	pinned string        // hex block number; "" when following the chain
	thaw   chan struct{} // closed on thaw; nil when not frozen
	c      counts
}

// counts is what a proxy forwarded while counting.
type counts struct {
	HTTP, Calls int
	// Shapes counts HTTP requests by the calls they carried, so a batch
	// shows up as what it is ("[eth_blockNumber, eth_call x9]").
	Shapes map[string]int
}

func newProxy(target string, counting *atomic.Bool) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &proxy{URL: "http://" + ln.Addr().String(), target: target, counting: counting,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute}},
		c:      counts{Shapes: map[string]int{}}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close thaws the proxy and stops it.
func (p *proxy) Close() error {
	p.unfreeze()
	return p.srv.Close()
}

func (p *proxy) pin(block uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = fmt.Sprintf("0x%x", block)
}

func (p *proxy) unpin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pinned = ""
}

func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw == nil {
		p.thaw = make(chan struct{})
	}
}

func (p *proxy) unfreeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.thaw != nil {
		close(p.thaw)
		p.thaw = nil
	}
}

// Counts returns a copy of what was counted.
func (p *proxy) Counts() counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := counts{HTTP: p.c.HTTP, Calls: p.c.Calls, Shapes: map[string]int{}}
	for k, v := range p.c.Shapes {
		c.Shapes[k] = v
	}
	return c
}

// rpcCall is one JSON-RPC request as the proxy reads and rewrites it.
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

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	calls, batch, ok := decodeCalls(body)
	p.mu.Lock()
	thaw, pinned := p.thaw, p.pinned
	if p.counting.Load() {
		p.record(calls, ok)
	}
	p.mu.Unlock()
	if thaw != nil {
		select {
		case <-thaw:
		case <-r.Context().Done():
			return // the client gave up, as on a hung node
		}
	}
	var headIDs []string
	if pinned != "" && ok {
		for i := range calls {
			c := &calls[i]
			if c.Params == nil {
				c.Params = []json.RawMessage{}
			}
			if c.Method == "eth_blockNumber" {
				headIDs = append(headIDs, string(c.ID))
				continue
			}
			for j, prm := range c.Params {
				switch strings.Trim(string(prm), `"`) {
				case "latest", "pending", "safe", "finalized":
					c.Params[j] = json.RawMessage(`"` + pinned + `"`)
				}
			}
		}
		if batch {
			body, _ = json.Marshal(calls)
		} else {
			body, _ = json.Marshal(calls[0])
		}
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

// record counts one request. Called with p.mu held.
func (p *proxy) record(calls []rpcCall, ok bool) {
	p.c.HTTP++
	if !ok {
		p.c.Calls++
		p.c.Shapes["(unparsed)"]++
		return
	}
	p.c.Calls += len(calls)
	p.c.Shapes[shape(calls)]++
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

// shape describes an HTTP request by its calls: "eth_chainId" for a single
// call, "[eth_blockNumber, eth_call x9]" for a batch, in name order.
func shape(calls []rpcCall) string {
	if len(calls) == 1 {
		return calls[0].Method
	}
	n := map[string]int{}
	for _, c := range calls {
		n[c.Method]++
	}
	names := make([]string, 0, len(n))
	for m := range n {
		names = append(names, m)
	}
	sort.Strings(names)
	for i, m := range names {
		if n[m] > 1 {
			names[i] = fmt.Sprintf("%s x%d", m, n[m])
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}
