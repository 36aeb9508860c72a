package chain

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/httpx"
)

func TestDefaultName(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"APIKeyInPath", "https://arb.example/v2/SECRETKEY", "https://arb.example"},
		{"UserinfoPortQuery", "wss://user:pass@arb.example:8546/ws?apikey=SECRET", "wss://arb.example:8546"},
		{"PlainHTTP", "http://127.0.0.1:8545", "http://127.0.0.1:8545"},
		{"IPCPath", "/var/lib/geth/geth.ipc", "ipc:geth.ipc"},
		{"RelativeIPCPath", "geth.ipc", "ipc:geth.ipc"},
		{"Unsupported", "ftp://arb.example/SECRET", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultName(tt.url); got != tt.want {
				t.Errorf("DefaultName = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDialRejectsMalformedConfig(t *testing.T) {
	ok := EndpointConfig{URL: "http://127.0.0.1:1/v2/SECRET"}
	tests := []struct {
		name    string
		eps     []EndpointConfig
		chainID uint64
		want    string
	}{
		{"NoEndpoints", nil, testChainID, "no rpc endpoints"},
		{"NoChainID", []EndpointConfig{ok}, 0, "chain id is required"},
		{"EmptyURL", []EndpointConfig{ok, {Name: "b"}}, testChainID, "rpc endpoint 1 (b): url is empty"},
		{"BadScheme", []EndpointConfig{{URL: "ftp://arb.example/SECRET"}}, testChainID, `url scheme "ftp"`},
		{"MalformedURL", []EndpointConfig{{URL: "http://arb.example:port/SECRET"}}, testChainID, "url is malformed"},
		{"DuplicateNames", []EndpointConfig{ok, {URL: "http://127.0.0.1:1/other/SECRET"}}, testChainID, `both named "http://127.0.0.1:1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Dial(context.Background(), tt.eps, Options{ChainID: tt.chainID})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Dial error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q quotes the URL", err)
			}
		})
	}
}

func TestDialDownEndpointIsUnhealthyNotError(t *testing.T) {
	clock := newFakeClock()
	up := newTestNode(t, "up", testChainID, clock)
	down := newTestNode(t, "down", testChainID, clock)
	down.srv.Close()
	p := dialNodes(t, clock, Options{}, down, up)

	if st := status(t, p, "down"); st.Healthy || !strings.Contains(st.Reason, "unreachable") {
		t.Errorf("down endpoint: healthy %v, reason %q; want unhealthy, unreachable", st.Healthy, st.Reason)
	}
	if got := activeName(p); got != "up" {
		t.Errorf("active = %q, want up", got)
	}
}

func TestBatchCallIsOneRoundTrip(t *testing.T) {
	clock := newFakeClock()
	n := newTestNode(t, "primary", testChainID, clock)
	n.svc.SetHead(1234, clock.Now().Add(-2*time.Second))
	p := dialNodes(t, clock, Options{}, n)

	// Dial checked the endpoint once; count from here.
	before := n.roundTrips.Load()
	chainIDsBefore := n.svc.Calls("eth_chainId")
	blocksBefore := n.svc.Calls("eth_getBlockByNumber")

	var a, b hexutil.Bytes
	var num hexutil.Uint64
	batch := []rpc.BatchElem{
		{Method: "eth_call", Args: []any{map[string]any{"to": common.Address{1}}, "latest"}, Result: &a},
		{Method: "eth_call", Args: []any{map[string]any{"to": common.Address{2}}, "latest"}, Result: &b},
		{Method: "eth_blockNumber", Result: &num},
	}
	if err := p.BatchCall(context.Background(), batch); err != nil {
		t.Fatalf("BatchCall: %v", err)
	}
	for i, e := range batch {
		if e.Error != nil {
			t.Errorf("element %d: %v", i, e.Error)
		}
	}
	if string(a) != "primary" || string(b) != "primary" || num != 1234 {
		t.Errorf("results = %q, %q, %d; want primary, primary, 1234", a, b, num)
	}
	if got := n.roundTrips.Load() - before; got != 1 {
		t.Errorf("BatchCall cost %d HTTP requests, want 1", got)
	}
	if got := n.svc.Calls("eth_getBlockByNumber") - blocksBefore; got != 1 {
		t.Errorf("piggybacked head reads = %d, want 1", got)
	}
	if got := n.svc.Calls("eth_chainId") - chainIDsBefore; got != 0 {
		t.Errorf("eth_chainId sent %d times to a known healthy endpoint, want 0", got)
	}

	head := p.Head()
	if head.Number != 1234 || !head.Time.Equal(clock.Now().Add(-2*time.Second)) ||
		head.BaseFee == nil || head.BaseFee.Int64() != 10_000_000 || !head.ObservedAt.Equal(clock.Now()) {
		t.Errorf("Head = %+v; want block 1234 from the piggybacked read", head)
	}

	before = n.roundTrips.Load()
	if got := callFrom(t, p); got != "primary" {
		t.Errorf("Call answered by %q", got)
	}
	if got := n.roundTrips.Load() - before; got != 1 {
		t.Errorf("Call cost %d HTTP requests, want 1", got)
	}
}

func TestTransportFailureFailsOver(t *testing.T) {
	tests := []struct {
		name string
		fail func(n *testNode)
		want string // in the primary's LastError
	}{
		{"ServerClosed", func(n *testNode) { n.srv.Close() }, "connection refused"},
		{"HTTP503", func(n *testNode) { n.status.Store(http.StatusServiceUnavailable) }, "503"},
		{"Timeout", func(n *testNode) { n.hang.Store(true) }, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			primary := newTestNode(t, "primary", testChainID, clock)
			backup := newTestNode(t, "backup", testChainID, clock)
			var logs logBuffer
			p := dialNodes(t, clock, Options{RequestTimeout: 300 * time.Millisecond, Logger: logs.logger()}, primary, backup)
			if got := callFrom(t, p); got != "primary" {
				t.Fatalf("before the failure, Call answered by %q", got)
			}

			tt.fail(primary)
			for i := range maxConsecutiveErrors {
				if got := callFrom(t, p); got != "backup" {
					t.Fatalf("call %d after the failure answered by %q, want backup", i, got)
				}
			}

			st := status(t, p, "primary")
			if st.Healthy || st.Active || !strings.Contains(st.Reason, "failing") {
				t.Errorf("primary: healthy %v active %v reason %q; want unhealthy, failing", st.Healthy, st.Active, st.Reason)
			}
			if !strings.Contains(st.LastError, tt.want) || strings.Contains(st.LastError, apiKey) {
				t.Errorf("primary LastError = %q; want it to contain %q and not the API key", st.LastError, tt.want)
			}
			if got := activeName(p); got != "backup" {
				t.Errorf("active = %q, want backup", got)
			}
			if got := logs.count("rpc failover", ""); got != 1 {
				t.Errorf("logged %d failovers, want 1", got)
			}

			// An unhealthy primary is no longer tried first.
			before := primary.roundTrips.Load()
			callFrom(t, p)
			if got := primary.roundTrips.Load() - before; got != 0 {
				t.Errorf("unhealthy primary got %d requests, want 0", got)
			}
		})
	}
}

func TestNoEndpointAnswers(t *testing.T) {
	clock := newFakeClock()
	a := newTestNode(t, "a", testChainID, clock)
	b := newTestNode(t, "b", testChainID, clock)
	p := dialNodes(t, clock, Options{}, a, b)
	a.srv.Close()
	b.srv.Close()

	var out hexutil.Bytes
	err := p.Call(context.Background(), &out, "eth_call", map[string]any{}, "latest")
	if !errors.Is(err, ErrNoEndpoint) {
		t.Fatalf("Call error = %v, want ErrNoEndpoint", err)
	}
	if !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), apiKey) {
		t.Errorf("error %q: want the last cause, without the URL", err)
	}
	for _, st := range p.Health() {
		if st.Requests != 2 {
			t.Errorf("%s: %d round trips, want 2 (the check and the call)", st.Name, st.Requests)
		}
	}
}

func TestWrongChainEndpointNeverUsed(t *testing.T) {
	clock := newFakeClock()
	wrong := newTestNode(t, "wrong", 1, clock)
	right := newTestNode(t, "right", testChainID, clock)
	p := dialNodes(t, clock, Options{}, wrong, right)

	st := status(t, p, "wrong")
	if st.Healthy || st.ChainID != 1 || !strings.Contains(st.Reason, "chain id 1, want 42161") {
		t.Errorf("wrong-chain endpoint: healthy %v chain %d reason %q", st.Healthy, st.ChainID, st.Reason)
	}
	afterDial := wrong.roundTrips.Load()

	if got := callFrom(t, p); got != "right" {
		t.Errorf("Call answered by %q", got)
	}
	raw, _ := signedTx(t)
	if _, err := p.Broadcast(context.Background(), raw); err != nil {
		t.Errorf("Broadcast: %v", err)
	}
	right.srv.Close() // even with no other endpoint left
	if err := p.Call(context.Background(), nil, "eth_call", map[string]any{}, "latest"); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("Call with only a wrong-chain endpoint left = %v, want ErrNoEndpoint", err)
	}
	if got := wrong.roundTrips.Load() - afterDial; got != 0 {
		t.Errorf("wrong-chain endpoint got %d requests after Dial, want 0", got)
	}
}

func TestStaleHeadFailsOverAndBack(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	p := dialNodes(t, clock, Options{MaxHeadAge: time.Minute}, primary, backup)
	if got := activeName(p); got != "primary" {
		t.Fatalf("active = %q, want primary", got)
	}

	// Five minutes on, the backup follows the chain but the primary is stuck
	// at block 100 while still answering: reads from it would be stale.
	clock.Add(5 * time.Minute)
	backup.svc.SetHead(1300, clock.Now())
	if got := callFrom(t, p); got != "backup" {
		t.Errorf("Call with a stale primary answered by %q, want backup", got)
	}
	st := status(t, p, "primary")
	if st.Healthy || !strings.Contains(st.Reason, "stale") || time.Duration(st.HeadAge) < 5*time.Minute {
		t.Errorf("primary: healthy %v reason %q head age %s; want stale", st.Healthy, st.Reason, time.Duration(st.HeadAge))
	}
	if got := p.Head().Number; got != 1300 {
		t.Errorf("Head = %d, want the backup's 1300", got)
	}

	// The primary catches up; the next health check makes it active again.
	primary.svc.SetHead(1301, clock.Now())
	p.CheckHealth(context.Background())
	if got := activeName(p); got != "primary" {
		t.Errorf("after the primary caught up, active = %q, want primary", got)
	}
	if got := callFrom(t, p); got != "primary" {
		t.Errorf("Call answered by %q, want primary", got)
	}

	// When every endpoint is stale (the chain halted), reads still answer.
	clock.Add(10 * time.Minute)
	p.CheckHealth(context.Background())
	if got := activeName(p); got != "" {
		t.Errorf("with every head stale, active = %q, want none", got)
	}
	if got := callFrom(t, p); got != "primary" {
		t.Errorf("with every head stale, Call answered by %q, want primary (first in order)", got)
	}
}

func TestLaggingEndpointUnhealthy(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	primary.svc.SetHead(100, clock.Now())
	backup.svc.SetHead(200, clock.Now())
	p := dialNodes(t, clock, Options{MaxLagBlocks: 10}, primary, backup)

	st := status(t, p, "primary")
	if st.Healthy || st.LagBlocks != 100 || !strings.Contains(st.Reason, "100 blocks behind") {
		t.Errorf("primary: healthy %v lag %d reason %q; want 100 blocks behind", st.Healthy, st.LagBlocks, st.Reason)
	}
	if got := callFrom(t, p); got != "backup" {
		t.Errorf("Call answered by %q, want backup", got)
	}

	primary.svc.SetHead(205, clock.Now())
	p.CheckHealth(context.Background())
	if got := activeName(p); got != "primary" {
		t.Errorf("after catching up, active = %q, want primary", got)
	}
	if st := status(t, p, "backup"); !st.Healthy {
		t.Errorf("backup 5 blocks behind: healthy %v reason %q; want healthy", st.Healthy, st.Reason)
	}
}

func TestRateLimitedEndpoint(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	var logs logBuffer
	p := dialNodes(t, clock, Options{Logger: logs.logger()}, primary, backup)

	primary.status.Store(http.StatusTooManyRequests)
	for i := 1; i <= maxConsecutiveErrors; i++ {
		if got := callFrom(t, p); got != "backup" {
			t.Fatalf("call %d answered by %q, want backup", i, got)
		}
		st := status(t, p, "primary")
		if wantHealthy := i < maxConsecutiveErrors; st.Healthy != wantHealthy {
			t.Fatalf("after %d 429s primary healthy = %v, want %v", i, st.Healthy, wantHealthy)
		}
		if !strings.Contains(st.LastError, "429") {
			t.Errorf("LastError = %q, want the 429", st.LastError)
		}
	}

	// Still limited: checks fail, reads do not touch it, and nothing is
	// logged again.
	p.CheckHealth(context.Background())
	before := primary.roundTrips.Load()
	callFrom(t, p)
	if got := primary.roundTrips.Load() - before; got != 0 {
		t.Errorf("rate-limited primary got %d reads, want 0", got)
	}
	if got := logs.count("rpc endpoint unhealthy", "primary"); got != 1 {
		t.Errorf("logged primary unhealthy %d times, want 1", got)
	}

	primary.status.Store(0)
	p.CheckHealth(context.Background())
	if got := activeName(p); got != "primary" {
		t.Errorf("after the limit lifted, active = %q, want primary", got)
	}
	if got := callFrom(t, p); got != "primary" {
		t.Errorf("Call answered by %q, want primary", got)
	}
	if logs.count("rpc failover", "") != 1 || logs.count("rpc failback", "") != 1 {
		t.Errorf("want one failover and one failback logged, got logs:\n%s", logs.String())
	}
}

func TestRevertDoesNotFailOver(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	primary.svc.callErr = &revertError{reason: "caller must be an active transcoder"}
	p := dialNodes(t, clock, Options{}, primary, backup)
	backupBefore := backup.roundTrips.Load()

	var out hexutil.Bytes
	err := p.Call(context.Background(), &out, "eth_call", map[string]any{}, "latest")
	if !isRPCError(err, 3) || !strings.Contains(err.Error(), "caller must be an active transcoder") {
		t.Fatalf("Call error = %v, want the revert as an rpc.Error with code 3", err)
	}

	batch := []rpc.BatchElem{
		{Method: "eth_call", Args: []any{map[string]any{}, "latest"}, Result: new(hexutil.Bytes)},
		{Method: "eth_blockNumber", Result: new(hexutil.Uint64)},
	}
	if err := p.BatchCall(context.Background(), batch); err != nil {
		t.Fatalf("BatchCall: %v", err)
	}
	if !isRPCError(batch[0].Error, 3) || batch[1].Error != nil {
		t.Errorf("element errors = %v, %v; want the revert, then nil", batch[0].Error, batch[1].Error)
	}
	if got := backup.roundTrips.Load() - backupBefore; got != 0 {
		t.Errorf("backup got %d requests, want 0", got)
	}
	if st := status(t, p, "primary"); !st.Healthy || !st.Active || st.Errors != 0 {
		t.Errorf("primary: healthy %v active %v errors %d; want healthy, active, 0", st.Healthy, st.Active, st.Errors)
	}
}

func TestBroadcast(t *testing.T) {
	tests := []struct {
		name       string
		primaryErr error
		backupErr  error
		closeFirst bool
		wantErr    error // nil: success
	}{
		{"BothAccept", nil, nil, false, nil},
		{"OneOfTwoAccepts", errors.New("nonce too low"), nil, false, nil},
		{"OneOfTwoDown", nil, nil, true, nil},
		{"AlreadyKnown", errors.New("already known"), errors.New("already known"), false, nil},
		{"AnvilAlreadyImported", errors.New("transaction already imported"), errors.New("transaction already imported"), false, nil},
		{"BothRejectNonce", errors.New("nonce too low"), errors.New("nonce too low: next nonce 8, tx nonce 7"), false, ErrNonceTooLow},
		{"BothRejectFunds", errors.New("insufficient funds for gas * price + value: balance 0, tx cost 21000"), errors.New("insufficient funds for gas * price + value"), false, ErrInsufficientFunds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			primary := newTestNode(t, "primary", testChainID, clock)
			backup := newTestNode(t, "backup", testChainID, clock)
			primary.svc.sendErr, backup.svc.sendErr = tt.primaryErr, tt.backupErr
			p := dialNodes(t, clock, Options{}, primary, backup)
			if tt.closeFirst {
				primary.srv.Close()
			}
			raw, want := signedTx(t)

			hash, err := p.Broadcast(context.Background(), raw)
			if hash != want {
				t.Errorf("hash = %s, want %s", hash, want)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Broadcast: %v", err)
				}
			} else if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "primary") {
				t.Fatalf("Broadcast error = %v, want %v from primary", err, tt.wantErr)
			}
			for _, n := range []*testNode{primary, backup} {
				if !tt.closeFirst && n.svc.Calls("eth_sendRawTransaction") != 1 {
					t.Errorf("%s received the transaction %d times, want 1", n.name, n.svc.Calls("eth_sendRawTransaction"))
				}
			}
		})
	}
}

// TestBroadcastRejectionNextToLostAnswer: one endpoint refuses the
// transaction while the other takes it and never answers. It may be in the
// second one's pool, so the outcome is unknown, not the rejection: a caller
// branching on ErrNonceTooLow or ErrReplacementUnderpriced would take a fresh
// nonce behind a transaction that may still be mined.
func TestBroadcastRejectionNextToLostAnswer(t *testing.T) {
	for _, tc := range []struct {
		Name      string
		Rejection error
		Sentinel  error
	}{
		{"NonceTooLow", errors.New("nonce too low"), ErrNonceTooLow},
		{"ReplacementUnderpriced", errors.New("replacement transaction underpriced"), ErrReplacementUnderpriced},
		{"InsufficientFunds", errors.New("insufficient funds for gas * price + value"), ErrInsufficientFunds},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			clock := newFakeClock()
			primary := newTestNode(t, "primary", testChainID, clock)
			backup := newTestNode(t, "backup", testChainID, clock)
			p := dialNodes(t, clock, Options{RequestTimeout: 300 * time.Millisecond}, primary, backup)
			primary.svc.sendErr = tc.Rejection
			backup.hang.Store(true)
			raw, want := signedTx(t)

			hash, err := p.Broadcast(context.Background(), raw)
			if hash != want {
				t.Errorf("hash = %s, want %s", hash, want)
			}
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("Broadcast error = %v, want %v", err, ErrOutcomeUnknown)
			}
			for _, s := range []error{tc.Sentinel, ErrNonceTooLow, ErrReplacementUnderpriced, ErrInsufficientFunds, ErrNoEndpoint} {
				if errors.Is(err, s) {
					t.Errorf("Broadcast error %q matches %v: a caller would think the transaction was never pooled", err, s)
				}
			}
			for _, name := range []string{"primary", "backup", tc.Rejection.Error()} {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("Broadcast error %q does not name %q", err, name)
				}
			}
		})
	}
	// An endpoint that refused the connection never got the transaction:
	// the other's rejection stands.
	t.Run("RejectionNextToRefusedConnection", func(t *testing.T) {
		clock := newFakeClock()
		primary := newTestNode(t, "primary", testChainID, clock)
		backup := newTestNode(t, "backup", testChainID, clock)
		p := dialNodes(t, clock, Options{RequestTimeout: 300 * time.Millisecond}, primary, backup)
		primary.svc.sendErr = errors.New("nonce too low")
		backup.srv.Close()
		raw, _ := signedTx(t)
		if _, err := p.Broadcast(context.Background(), raw); !errors.Is(err, ErrNonceTooLow) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("Broadcast error = %v, want %v alone", err, ErrNonceTooLow)
		}
	})
}

func TestSecretsNeverLeak(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "", testChainID, clock)
	backup := newTestNode(t, "", testChainID, clock)
	var logs logBuffer
	reg := newRegistry()
	p := dialNodes(t, clock, Options{Logger: logs.logger(), Registerer: reg}, primary, backup)

	if got, want := p.Health()[0].Name, primary.srv.URL; got != want {
		t.Errorf("default name = %q, want %q", got, want)
	}
	primary.srv.Close()
	backup.srv.Close()
	var errs []string
	for range maxConsecutiveErrors {
		if err := p.Call(context.Background(), nil, "eth_call", map[string]any{}, "latest"); err != nil {
			errs = append(errs, err.Error())
		}
	}
	raw, _ := signedTx(t)
	if _, err := p.Broadcast(context.Background(), raw); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) == 0 {
		t.Fatal("calls to closed servers succeeded")
	}
	for _, st := range p.Health() {
		errs = append(errs, st.Name, st.Reason, st.LastError)
	}
	for _, s := range append(errs, logs.String(), gatherText(t, reg)) {
		if strings.Contains(s, apiKey) {
			t.Errorf("API key leaked in %q", s)
		}
	}
}

func TestTransports(t *testing.T) {
	clock := newFakeClock()
	svc := &ethService{chainID: testChainID, headNum: 7, headTime: clock.Now(), callResult: hexutil.Bytes("ok"), calls: map[string]int{}}
	server := rpc.NewServer()
	if err := server.RegisterName("eth", svc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Stop)

	ws := httptest.NewServer(server.WebsocketHandler([]string{"*"}))
	t.Cleanup(ws.Close)
	ipcPath := filepath.Join(t.TempDir(), "geth.ipc")
	l, err := net.Listen("unix", ipcPath)
	if err != nil {
		t.Fatal(err)
	}
	go server.ServeListener(l)
	t.Cleanup(func() { l.Close() })

	tests := []struct {
		name     string
		url      string
		wantName string
	}{
		{"WebSocket", "ws" + strings.TrimPrefix(ws.URL, "http") + "/ws/" + apiKey, "ws" + strings.TrimPrefix(ws.URL, "http")},
		{"IPC", ipcPath, "ipc:geth.ipc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Dial(context.Background(), []EndpointConfig{{URL: tt.url}}, Options{ChainID: testChainID, Now: clock.Now})
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer p.Close()
			if got := callFrom(t, p); got != "ok" {
				t.Errorf("Call = %q", got)
			}
			st := p.Health()[0]
			if st.Name != tt.wantName || !st.Healthy || st.Head.Number != 7 {
				t.Errorf("status = %+v; want healthy %s at block 7", st, tt.wantName)
			}
		})
	}

	t.Run("WebSocketDownAtStart", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		p, err := Dial(context.Background(), []EndpointConfig{{URL: "ws://" + addr + "/" + apiKey}}, Options{ChainID: testChainID, Now: clock.Now})
		if err != nil {
			t.Fatalf("Dial with a down ws endpoint: %v", err)
		}
		defer p.Close()
		st := p.Health()[0]
		if st.Healthy || !strings.Contains(st.Reason, "dial") || strings.Contains(st.Reason, apiKey) {
			t.Errorf("status = healthy %v reason %q; want unhealthy, dial error without the key", st.Healthy, st.Reason)
		}
	})
}

func TestRunChecksOnlyIdleEndpoints(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	p := dialNodes(t, clock, Options{HealthInterval: time.Minute}, primary, backup)

	// A minute on, reads keep the primary fresh; only the backup is idle.
	clock.Add(time.Minute)
	callFrom(t, p)
	primaryBefore := primary.roundTrips.Load()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	eventually(t, func() bool { return backup.svc.Calls("eth_chainId") == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
	if got := primary.roundTrips.Load() - primaryBefore; got != 0 {
		t.Errorf("Run checked the recently used primary %d times, want 0", got)
	}
}

func TestHeadDecodesAcrossChains(t *testing.T) {
	// Pre-London chains have no baseFeePerGas; the head is still read.
	h, err := decodeHead(&rpcHeader{Number: (*hexutil.Big)(common.Big1), Timestamp: new(hexutil.Uint64)}, nil)
	if err != nil || h.Number != 1 || h.BaseFee != nil {
		t.Errorf("decodeHead = %+v, %v", h, err)
	}
	if _, err := decodeHead(nil, nil); err == nil {
		t.Error("decodeHead(null block) succeeded")
	}
}

func TestErrorProneEndpointDemoted(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	var logs logBuffer
	p := dialNodes(t, clock, Options{MaxErrorRate: 0.25, Logger: logs.logger()}, primary, backup)

	// The primary fails every other request: never three in a row.
	primary.flaky.Store(true)
	var demotedAfter int
	for i := 1; i <= errorWindow; i++ {
		callFrom(t, p) // a failure fails over to the backup: every call is answered
		if st := status(t, p, "primary"); !st.Healthy {
			demotedAfter = i
			if st.ConsecutiveErrors >= maxConsecutiveErrors || !strings.Contains(st.Reason, "error-prone") {
				t.Fatalf("primary: reason %q after %d consecutive errors; want demoted for its error rate, not an outage", st.Reason, st.ConsecutiveErrors)
			}
			break
		}
	}
	if demotedAfter == 0 {
		t.Fatalf("primary failing every other request still healthy after %d calls: %+v", errorWindow, status(t, p, "primary"))
	}
	if st := status(t, p, "primary"); st.Requests < minErrorSamples {
		t.Errorf("demoted after %d round trips, before the minimum sample of %d", st.Requests, minErrorSamples)
	}
	if got := activeName(p); got != "backup" {
		t.Errorf("active = %q, want backup", got)
	}
	before := primary.roundTrips.Load()
	if got := callFrom(t, p); got != "backup" {
		t.Errorf("Call answered by %q, want backup", got)
	}
	if got := primary.roundTrips.Load() - before; got != 0 {
		t.Errorf("demoted primary got %d reads while the backup is healthy, want 0", got)
	}
	if got := logs.count("rpc failover", ""); got != 1 {
		t.Errorf("logged %d failovers, want 1", got)
	}

	// Demoted is not dead: with the backup gone, the primary still answers.
	backup.srv.Close()
	answered := false
	for range 4 {
		var out hexutil.Bytes
		if err := p.Call(context.Background(), &out, "eth_call", map[string]any{"to": common.Address{1}}, "latest"); err == nil {
			answered = string(out) == "primary"
			break
		}
	}
	if !answered {
		t.Errorf("with the backup down, the demoted primary did not answer")
	}
}

func TestErrorProneEndpointRecovers(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	p := dialNodes(t, clock, Options{MaxErrorRate: 0.25}, primary, backup)
	primary.flaky.Store(true)
	for i := 0; i < errorWindow && status(t, p, "primary").Healthy; i++ {
		callFrom(t, p)
	}
	if status(t, p, "primary").Healthy {
		t.Fatal("flaky primary never demoted")
	}
	// It stops failing: health checks alone bring it back within a window.
	primary.flaky.Store(false)
	for i := 0; i < errorWindow && activeName(p) != "primary"; i++ {
		p.CheckHealth(context.Background())
	}
	if got := activeName(p); got != "primary" {
		t.Fatalf("after %d good health checks active = %q, want primary back: %+v", errorWindow, got, status(t, p, "primary"))
	}
}

func TestOutageDoesNotCountAgainstErrorRate(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	p := dialNodes(t, clock, Options{MaxErrorRate: 0.25}, primary, backup)
	for range 10 {
		callFrom(t, p)
	}
	// An outage: down after three failures, failed checks while it lasts
	// (6 failures of 18 round trips, above the maximum rate), then a good
	// health check.
	primary.status.Store(http.StatusBadGateway)
	for range maxConsecutiveErrors {
		callFrom(t, p)
	}
	for range 3 {
		p.CheckHealth(context.Background())
	}
	primary.status.Store(0)
	p.CheckHealth(context.Background())
	if got := activeName(p); got != "primary" {
		t.Fatalf("after the outage active = %q (%+v), want primary back at once", got, status(t, p, "primary"))
	}
}

func TestErrorRateCheckOff(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	p := dialNodes(t, clock, Options{}, primary, backup)
	primary.flaky.Store(true)
	for range errorWindow {
		callFrom(t, p)
	}
	if st := status(t, p, "primary"); !st.Healthy || st.ErrorRate < 0.4 {
		t.Fatalf("primary healthy %v error rate %v; want healthy (check off) with its rate reported", st.Healthy, st.ErrorRate)
	}
}

// TestOversizedAnswers: a proxy's error page is quoted in status clipped to
// one short line, and an answer larger than httpx.MaxRPCBody fails the round
// trip instead of being read whole.
func TestOversizedAnswers(t *testing.T) {
	page := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>" +
		strings.Repeat("<p>upstream connect error or disconnect/reset before headers</p>\n", 20000) + "</body></html>"
	tests := []struct {
		name   string
		answer http.HandlerFunc
		want   string // in the primary's LastError
	}{
		{"HTMLErrorPage", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, page)
		}, "502 Bad Gateway"},
		{"EndlessAnswer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `[{"jsonrpc":"2.0","id":1,"result":"`)
			chunk := []byte(strings.Repeat("ab", 32<<10))
			for range (httpx.MaxRPCBody / len(chunk)) + 16 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			primary := newTestNode(t, "primary", testChainID, clock)
			backup := newTestNode(t, "backup", testChainID, clock)
			p := dialNodes(t, clock, Options{RequestTimeout: 10 * time.Second}, primary, backup)
			primary.answer.Store(&tt.answer)
			for i := range maxConsecutiveErrors {
				if got := callFrom(t, p); got != "backup" {
					t.Fatalf("call %d answered by %q, want backup", i, got)
				}
			}
			st := status(t, p, "primary")
			if !strings.Contains(st.LastError, tt.want) {
				t.Errorf("primary LastError = %q, want it to contain %q", st.LastError, tt.want)
			}
			for _, s := range []string{st.LastError, st.Reason} {
				if len(s) > 2*httpx.MaxText || strings.Contains(s, "\n") {
					t.Errorf("status text of %d bytes, want one line of at most ~%d: %.200q", len(s), 2*httpx.MaxText, s)
				}
			}
		})
	}
}

// TestRecoveryIsRecheckedAndNotified: while the only endpoint fails, Run
// checks it every RecheckInterval (not every HealthInterval), and the first
// answer after the failures calls the OnRecover functions once: the keeper,
// whose own reads back off during an outage, is woken by it.
func TestRecoveryIsRecheckedAndNotified(t *testing.T) {
	clock := newFakeClock()
	only := newTestNode(t, "only", testChainID, clock)
	p := dialNodes(t, clock, Options{HealthInterval: time.Hour, RecheckInterval: time.Second}, only)
	var woken atomic.Int32
	p.OnRecover(func() { woken.Add(1) })

	only.status.Store(http.StatusBadGateway)
	var out hexutil.Bytes
	for range maxConsecutiveErrors {
		if err := p.Call(context.Background(), &out, "eth_blockNumber"); err == nil {
			t.Fatal("call through a failing endpoint succeeded")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	before := only.roundTrips.Load()
	clock.Add(time.Second)
	go func() { done <- p.Run(ctx) }()
	eventually(t, func() bool { return only.roundTrips.Load() > before }) // rechecked, still failing
	if woken.Load() != 0 {
		t.Fatalf("OnRecover called %d times while the endpoint fails", woken.Load())
	}
	only.status.Store(0)
	clock.Add(time.Second)
	eventually(t, func() bool { return woken.Load() == 1 })
	if !status(t, p, "only").Healthy {
		t.Fatalf("endpoint not healthy after its recovery: %+v", status(t, p, "only"))
	}
	cancel()
	<-done
	if got := woken.Load(); got != 1 {
		t.Fatalf("OnRecover called %d times for one recovery, want 1", got)
	}
}

func TestBatchCallToOneEndpointNoFailover(t *testing.T) {
	clock := newFakeClock()
	a := newTestNode(t, "a", testChainID, clock)
	b := newTestNode(t, "b", testChainID, clock)
	b.svc.SetHead(777, clock.Now().Add(-3*time.Second))
	p := dialNodes(t, clock, Options{}, a, b)

	before := b.roundTrips.Load()
	var out hexutil.Bytes
	batch := []rpc.BatchElem{{Method: "eth_call", Args: []any{map[string]any{"to": common.Address{1}}, "latest"}, Result: &out}}
	head, err := p.BatchCallTo(context.Background(), "b", batch)
	if err != nil || batch[0].Error != nil {
		t.Fatalf("BatchCallTo: %v, %v", err, batch[0].Error)
	}
	if string(out) != "b" || head.Number != 777 || !head.Time.Equal(clock.Now().Add(-3*time.Second)) {
		t.Errorf("answer %q, head %+v; want b's answer and head 777", out, head)
	}
	if got := b.roundTrips.Load() - before; got != 1 {
		t.Errorf("%d round trips, want 1", got)
	}
	// An empty batch is a health check of that endpoint alone.
	if head, err := p.BatchCallTo(context.Background(), "b", nil); err != nil || head.Number != 777 {
		t.Errorf("empty batch: head %+v, %v", head, err)
	}

	// A dead endpoint is its own error, never another's answer.
	b.srv.Close()
	aBefore := a.roundTrips.Load()
	_, err = p.BatchCallTo(context.Background(), "b", batch)
	if err == nil || !strings.HasPrefix(err.Error(), "b: ") || strings.Contains(err.Error(), apiKey) {
		t.Errorf("dead endpoint: error %v; want one naming b, without the URL", err)
	}
	if got := a.roundTrips.Load() - aBefore; got != 0 {
		t.Errorf("endpoint a got %d round trips for b's batch", got)
	}
	if st := status(t, p, "b"); st.ConsecutiveErrors != 1 {
		t.Errorf("pool did not record b's failure: %+v", st)
	}
	if _, err := p.BatchCallTo(context.Background(), "nope", nil); !errors.Is(err, ErrUnknownEndpoint) {
		t.Errorf("unknown endpoint: %v", err)
	}
}

func TestBatchCallHeadReturnsTheAnsweringEndpointsHead(t *testing.T) {
	clock := newFakeClock()
	a := newTestNode(t, "a", testChainID, clock)
	b := newTestNode(t, "b", testChainID, clock)
	a.svc.SetHead(500, clock.Now().Add(-time.Second))
	b.svc.SetHead(501, clock.Now().Add(-time.Second))
	p := dialNodes(t, clock, Options{}, a, b)
	head, err := p.BatchCallHead(context.Background(), nil)
	if err != nil || head.Number != 500 {
		t.Fatalf("head %+v, %v; want a's 500", head, err)
	}
	a.srv.Close()
	var out hexutil.Bytes
	batch := []rpc.BatchElem{{Method: "eth_call", Args: []any{map[string]any{"to": common.Address{1}}, "latest"}, Result: &out}}
	head, err = p.BatchCallHead(context.Background(), batch)
	if err != nil || string(out) != "b" || head.Number != 501 {
		t.Errorf("after a failed: answer %q, head %+v, %v; want b's answer and head 501", out, head, err)
	}
}
