package rpcproxy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// upstream answers eth_blockNumber with 0x64 and every other method with the
// params it received, so a test sees what the proxy forwarded.
func upstream(t *testing.T) *httptest.Server {
	t.Helper()
	answer := func(c call) map[string]any {
		a := map[string]any{"jsonrpc": "2.0", "id": c.ID}
		if c.Method == "eth_blockNumber" {
			a["result"] = "0x64"
		} else {
			a["result"] = c.Params
		}
		return a
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var raw json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		calls, batch, ok := decode(raw)
		if !ok {
			http.Error(w, "not JSON-RPC", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if !batch {
			_ = json.NewEncoder(w).Encode(answer(calls[0]))
			return
		}
		out := make([]map[string]any, len(calls))
		for i, c := range calls {
			out[i] = answer(c)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(s.Close)
	return s
}

func start(t *testing.T, counting *atomic.Bool) (*Proxy, *rpc.Client) {
	t.Helper()
	p, err := New(upstream(t).URL, counting)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := rpc.Dial(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return p, c
}

func TestCountsByMethodAndShape(t *testing.T) {
	var on atomic.Bool
	p, c := start(t, &on)
	ctx := t.Context()
	var head string
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil { // not counted
		t.Fatal(err)
	}
	on.Store(true)
	data := livepeer.BondingManagerABI.Methods["getTranscoder"].ID
	batch := []rpc.BatchElem{
		{Method: "eth_blockNumber", Result: new(string)},
		{Method: "eth_call", Args: []any{map[string]any{"input": hexutil.Encode(append(data, 0))}, "latest"}, Result: new(any)},
		{Method: "eth_call", Args: []any{map[string]any{"data": "0xdeadbeef"}, "latest"}, Result: new(any)},
	}
	if err := c.BatchCallContext(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil {
		t.Fatal(err)
	}
	got := p.Counts()
	if got.HTTP != 2 || got.Calls != 4 {
		t.Errorf("counted %d requests, %d calls; want 2, 4", got.HTTP, got.Calls)
	}
	for name, want := range map[string]int{"eth_blockNumber": 2, "eth_call getTranscoder": 1, "eth_call 0xdeadbeef": 1} {
		if got.Methods[name] != want {
			t.Errorf("Methods[%q] = %d, want %d (all: %v)", name, got.Methods[name], want, got.Methods)
		}
	}
	for shape, want := range map[string]int{"[eth_blockNumber, eth_call x2]": 1, "eth_blockNumber": 1} {
		if got.Shapes[shape] != want {
			t.Errorf("Shapes[%q] = %d, want %d (all: %v)", shape, got.Shapes[shape], want, got.Shapes)
		}
	}
	if len(got.Requests) != 2 || got.Requests[1].Shape != "eth_blockNumber" || got.Requests[1].At.Before(got.Requests[0].At) {
		t.Errorf("Requests = %+v, want the batch then eth_blockNumber, in order", got.Requests)
	}
}

func TestPinRewritesTagsAndHead(t *testing.T) {
	p, c := start(t, nil)
	ctx := t.Context()
	p.Pin(0x20)
	var head string
	var params []string
	batch := []rpc.BatchElem{
		{Method: "eth_blockNumber", Result: &head},
		{Method: "eth_getBalance", Args: []any{"0x01", "latest"}, Result: &params},
	}
	if err := c.BatchCallContext(ctx, batch); err != nil || batch[0].Error != nil || batch[1].Error != nil {
		t.Fatalf("batch: %v %v %v", err, batch[0].Error, batch[1].Error)
	}
	if head != "0x20" || len(params) != 2 || params[1] != "0x20" {
		t.Errorf("pinned: head %s, forwarded params %v; want 0x20 and [0x01 0x20]", head, params)
	}
	// A block number, not a tag, passes unchanged; so does a single call.
	if err := c.CallContext(ctx, &params, "eth_getBalance", "0x01", "0x5"); err != nil || params[1] != "0x5" {
		t.Errorf("explicit block: %v %v, want [0x01 0x5]", err, params)
	}
	p.Unpin()
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil || head != "0x64" {
		t.Errorf("unpinned head = %s (%v), want 0x64", head, err)
	}
}

func TestFreezeHoldsUntilThawed(t *testing.T) {
	p, c := start(t, nil)
	p.Freeze()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	var head string
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("frozen proxy: err = %v, want deadline exceeded", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.CallContext(t.Context(), &head, "eth_blockNumber") }()
	// The proxy counts a request when it arrives, before holding it.
	for deadline := time.Now().Add(10 * time.Second); p.Counts().HTTP < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the second call never reached the proxy")
		}
		runtime.Gosched()
	}
	select {
	case err := <-done:
		t.Fatalf("frozen proxy answered (err %v)", err)
	default:
	}
	p.Unfreeze()
	select {
	case err := <-done:
		if err != nil || head != "0x64" {
			t.Fatalf("held call after thaw: %s, %v", head, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("held call not answered after Unfreeze")
	}
}

func TestHeldSendReachesChainAfterClientGone(t *testing.T) {
	var sent atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c call
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if c.Method == "eth_sendRawTransaction" {
			sent.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": c.ID, "result": "0x64"})
	}))
	t.Cleanup(up.Close)
	p, err := New(up.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := rpc.Dial(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	p.HoldSends()
	var head string
	if err := c.CallContext(t.Context(), &head, "eth_blockNumber"); err != nil || head != "0x64" {
		t.Fatalf("a read while sends are held: %q, %v; want it answered", head, err)
	}
	// The client gives up on its send (as a killed process would).
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.CallContext(ctx, &head, "eth_sendRawTransaction", "0x01") }()
	for deadline := time.Now().Add(10 * time.Second); p.HeldSends() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the send never reached the proxy")
		}
		runtime.Gosched()
	}
	cancel()
	<-done
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d sends reached the chain while held", n)
	}
	p.ReleaseSends()
	for deadline := time.Now().Add(10 * time.Second); sent.Load() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the released send never reached the chain")
		}
		runtime.Gosched()
	}
	// Sends pass again.
	if err := c.CallContext(t.Context(), &head, "eth_sendRawTransaction", "0x02"); err != nil || sent.Load() != 2 {
		t.Fatalf("send after release: %v, %d sends upstream; want it forwarded", err, sent.Load())
	}
}

func TestLagFollowsTheHeadBehind(t *testing.T) {
	p, c := start(t, nil)
	ctx := t.Context()
	p.Lag(0x10)
	var head string
	var params []string
	batch := []rpc.BatchElem{
		{Method: "eth_blockNumber", Result: &head},
		{Method: "eth_getBalance", Args: []any{"0x01", "latest"}, Result: &params},
	}
	if err := c.BatchCallContext(ctx, batch); err != nil || batch[0].Error != nil || batch[1].Error != nil {
		t.Fatalf("batch: %v %v %v", err, batch[0].Error, batch[1].Error)
	}
	// The upstream's head is 0x64: 16 behind is 0x54.
	if head != "0x54" || len(params) != 2 || params[1] != "0x54" {
		t.Errorf("lagging: head %s, forwarded params %v; want 0x54 and [0x01 0x54]", head, params)
	}
	p.Lag(0)
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil || head != "0x64" {
		t.Errorf("head after Lag(0) = %s (%v), want 0x64", head, err)
	}
}

func TestGarbageIsNotJSONRPC(t *testing.T) {
	p, c := start(t, nil)
	ctx := t.Context()
	p.Garbage(true)
	var head string
	for i := range 2 { // both kinds of garbage
		if err := c.CallContext(ctx, &head, "eth_blockNumber"); err == nil {
			t.Fatalf("call %d through a garbage proxy answered %q, want an error", i, head)
		}
	}
	p.Garbage(false)
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil || head != "0x64" {
		t.Errorf("head after Garbage(false) = %s (%v), want 0x64", head, err)
	}
}

func TestKillRefusesUntilRevived(t *testing.T) {
	p, c := start(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	var head string
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err == nil {
		t.Fatalf("killed proxy answered %q", head)
	}
	if err := p.Revive(); err != nil {
		t.Fatal(err)
	}
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil || head != "0x64" {
		t.Errorf("revived proxy: %s (%v), want 0x64", head, err)
	}
}

func TestDroppedSendNeverReachesChain(t *testing.T) {
	var sent atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c call
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if c.Method == "eth_sendRawTransaction" {
			sent.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": c.ID, "result": "0x64"})
	}))
	t.Cleanup(up.Close)
	p, err := New(up.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := rpc.Dial(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	p.HoldSends()
	done := make(chan error, 1)
	var res string
	go func() { done <- c.CallContext(t.Context(), &res, "eth_sendRawTransaction", "0x01") }()
	for deadline := time.Now().Add(10 * time.Second); p.HeldSends() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the send never reached the proxy")
		}
		runtime.Gosched()
	}
	p.DropSends()
	if err := <-done; err == nil {
		t.Errorf("dropped send answered %q, want an error", res)
	}
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d dropped sends reached the chain", n)
	}
}
