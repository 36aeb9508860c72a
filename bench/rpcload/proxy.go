package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/livepeer"
)

// countingProxy is an HTTP reverse proxy in front of the devnet's JSON-RPC
// endpoint that counts, while measuring is on, the HTTP requests it forwards
// and the JSON-RPC calls in them (a batch is one HTTP request and N calls).
type countingProxy struct {
	URL string

	measuring *atomic.Bool
	rp        *httputil.ReverseProxy
	srv       *http.Server

	mu sync.Mutex
	c  counts
}

// counts is what a proxy saw while measuring.
type counts struct {
	HTTP  int
	Calls int
	// Methods counts calls by JSON-RPC method; eth_call is split by the
	// contract method its selector names ("eth_call getTranscoder").
	Methods map[string]int
	// Shapes counts HTTP requests by the calls they carried, so a batch
	// shows up as what it is (e.g. the keeper's snapshot, a health check).
	Shapes map[string]int
	// Requests are the times of the requests, in order, and whether each
	// was a health check of lpops' endpoint pool.
	Requests []request
}

type request struct {
	at     time.Time
	health bool
}

// healthCheck is the content of the endpoint pool's health check.
const healthCheck = "[eth_chainId, eth_getBlockByNumber]"

func newCountingProxy(target string, measuring *atomic.Bool) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("proxy target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &countingProxy{
		URL:       "http://" + ln.Addr().String(),
		measuring: measuring,
		c:         counts{Methods: map[string]int{}, Shapes: map[string]int{}},
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute},
		// Requests cut off when the bench stops are not worth a log line.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// ServeHTTP counts the request, then forwards it unchanged.
func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if p.measuring.Load() {
		p.record(callsOf(body))
	}
	p.rp.ServeHTTP(w, r)
}

func (p *countingProxy) record(methods []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.c.HTTP++
	p.c.Calls += len(methods)
	for _, m := range methods {
		p.c.Methods[m]++
	}
	sh := shape(methods)
	p.c.Shapes[sh]++
	p.c.Requests = append(p.c.Requests, request{at: time.Now(), health: sh == healthCheck})
}

// Counts returns a copy of what was counted.
func (p *countingProxy) Counts() counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := counts{HTTP: p.c.HTTP, Calls: p.c.Calls, Methods: map[string]int{}, Shapes: map[string]int{}}
	for k, v := range p.c.Methods {
		c.Methods[k] = v
	}
	for k, v := range p.c.Shapes {
		c.Shapes[k] = v
	}
	c.Requests = append([]request(nil), p.c.Requests...)
	return c
}

func (p *countingProxy) Close() error { return p.srv.Close() }

// rpcRequest is the part of a JSON-RPC request the proxy reads.
type rpcRequest struct {
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

// callsOf names the calls in a request body, single or batch. A body that is
// not JSON-RPC counts as one call named "(unparsed)".
func callsOf(body []byte) []string {
	body = bytes.TrimSpace(body)
	var reqs []rpcRequest
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &reqs); err != nil {
			return []string{"(unparsed)"}
		}
	} else {
		var one rpcRequest
		if err := json.Unmarshal(body, &one); err != nil {
			return []string{"(unparsed)"}
		}
		reqs = []rpcRequest{one}
	}
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = label(r)
	}
	return out
}

// label names a call: its method, and for eth_call the contract method.
func label(r rpcRequest) string {
	if r.Method != "eth_call" || len(r.Params) == 0 {
		return r.Method
	}
	var msg struct {
		Data  hexutil.Bytes `json:"data"`
		Input hexutil.Bytes `json:"input"`
	}
	if err := json.Unmarshal(r.Params[0], &msg); err != nil {
		return r.Method
	}
	data := msg.Input
	if len(data) == 0 {
		data = msg.Data
	}
	if len(data) < 4 {
		return r.Method
	}
	if name, ok := selectors[string(data[:4])]; ok {
		return "eth_call " + name
	}
	return fmt.Sprintf("eth_call 0x%x", data[:4])
}

// selectors maps the 4-byte selectors of the Livepeer methods lpops knows to
// their names.
var selectors = func() map[string]string {
	m := map[string]string{}
	for _, a := range []abi.ABI{livepeer.ControllerABI, livepeer.RoundsManagerABI, livepeer.BondingManagerABI, livepeer.TokenABI} {
		for _, meth := range a.Methods {
			if _, ok := m[string(meth.ID)]; !ok {
				m[string(meth.ID)] = meth.Name
			}
		}
	}
	return m
}()

// shape describes an HTTP request by its calls: "eth_chainId" for a single
// call, "[eth_call x11, eth_blockNumber, ...]" for a batch, eth_calls folded.
func shape(methods []string) string {
	if len(methods) == 1 {
		return methods[0]
	}
	n := map[string]int{}
	var order []string
	for _, m := range methods {
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
