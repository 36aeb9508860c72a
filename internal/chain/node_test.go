package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
)

// Helpers shared by the tests: a fake clock, and test nodes that host
// go-ethereum's real rpc.Server with a small "eth" service behind httptest.

const testChainID = 42161

// apiKey is the secret path segment every test URL carries.
const apiKey = "SECRETKEY"

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// ethService is the "eth" namespace of a test node.
type ethService struct {
	mu         sync.Mutex
	chainID    uint64
	headNum    uint64
	headTime   time.Time
	callResult hexutil.Bytes
	callErr    error
	sendErr    error
	sent       int
	calls      map[string]int
}

func (s *ethService) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

func (s *ethService) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *ethService) SetHead(n uint64, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.headNum, s.headTime = n, t
}

func (s *ethService) ChainId() hexutil.Uint64 {
	s.count("eth_chainId")
	return hexutil.Uint64(s.chainID)
}

func (s *ethService) BlockNumber() hexutil.Uint64 {
	s.count("eth_blockNumber")
	s.mu.Lock()
	defer s.mu.Unlock()
	return hexutil.Uint64(s.headNum)
}

// GetBlockByNumber answers with an Arbitrum-shaped block: the Pool must
// ignore the fields it does not use.
func (s *ethService) GetBlockByNumber(tag string, full bool) (map[string]any, error) {
	s.count("eth_getBlockByNumber")
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{
		"number":        hexutil.Uint64(s.headNum),
		"hash":          common.BigToHash(new(big.Int).SetUint64(s.headNum)),
		"timestamp":     hexutil.Uint64(s.headTime.Unix()),
		"baseFeePerGas": (*hexutil.Big)(big.NewInt(10_000_000)),
		"l1BlockNumber": "0x13a5c2f",
		"sendCount":     "0x2d6d4",
		"sendRoot":      common.Hash{0xab},
		"mixHash":       common.Hash{0x01},
		"transactions":  []string{},
	}, nil
}

func (s *ethService) Call(args map[string]any, block string) (hexutil.Bytes, error) {
	s.count("eth_call")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callResult, s.callErr
}

func (s *ethService) SendRawTransaction(raw hexutil.Bytes) (common.Hash, error) {
	s.count("eth_sendRawTransaction")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sendErr != nil {
		return common.Hash{}, s.sendErr
	}
	s.sent++
	return crypto.Keccak256Hash(raw), nil
}

// revertError is what geth answers to an eth_call that reverts.
type revertError struct{ reason string }

func (e *revertError) Error() string  { return "execution reverted: " + e.reason }
func (e *revertError) ErrorCode() int { return 3 }
func (e *revertError) ErrorData() any { return "0x08c379a0" }

// testNode is one JSON-RPC endpoint over HTTP.
type testNode struct {
	name       string
	svc        *ethService
	srv        *httptest.Server
	roundTrips atomic.Int64
	status     atomic.Int32                     // non-zero: answer every request with this HTTP status
	hang       atomic.Bool                      // hold every request until the client gives up
	flaky      atomic.Bool                      // answer every other request with 503
	answer     atomic.Pointer[http.HandlerFunc] // non-nil: answers every request instead
	release    chan struct{}
}

func newTestNode(t *testing.T, name string, chainID uint64, clock *fakeClock) *testNode {
	t.Helper()
	svc := &ethService{
		chainID:    chainID,
		headNum:    100,
		headTime:   clock.Now().Add(-time.Second),
		callResult: hexutil.Bytes(name),
		calls:      map[string]int{},
	}
	server := rpc.NewServer()
	if err := server.RegisterName("eth", svc); err != nil {
		t.Fatal(err)
	}
	n := &testNode{name: name, svc: svc, release: make(chan struct{})}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trip := n.roundTrips.Add(1)
		if n.flaky.Load() && trip%2 == 0 {
			http.Error(w, "flaky", http.StatusServiceUnavailable)
			return
		}
		if h := n.answer.Load(); h != nil {
			(*h)(w, r)
			return
		}
		if code := n.status.Load(); code != 0 {
			http.Error(w, http.StatusText(int(code)), int(code))
			return
		}
		if n.hang.Load() {
			// Read the body first: only then does the server notice the
			// client hanging up.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-n.release:
			}
			return
		}
		server.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(n.release)
		n.srv.Close()
		server.Stop()
	})
	return n
}

// url is the node's URL with an API key in the path, as providers issue them.
func (n *testNode) url() string { return n.srv.URL + "/v2/" + apiKey }

func (n *testNode) config() EndpointConfig { return EndpointConfig{Name: n.name, URL: n.url()} }

// dialNodes dials a Pool over nodes, in order, with test defaults under opts.
func dialNodes(t *testing.T, clock *fakeClock, opts Options, nodes ...*testNode) *Pool {
	t.Helper()
	eps := make([]EndpointConfig, len(nodes))
	for i, n := range nodes {
		eps[i] = n.config()
	}
	if opts.ChainID == 0 {
		opts.ChainID = testChainID
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	p, err := Dial(context.Background(), eps, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// callFrom does one eth_call and returns which node answered.
func callFrom(t *testing.T, p *Pool) string {
	t.Helper()
	var out hexutil.Bytes
	if err := p.Call(context.Background(), &out, "eth_call", map[string]any{"to": common.Address{1}}, "latest"); err != nil {
		t.Fatalf("Call: %v", err)
	}
	return string(out)
}

func status(t *testing.T, p *Pool, name string) EndpointStatus {
	t.Helper()
	for _, s := range p.Health() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no endpoint %q in Health", name)
	return EndpointStatus{}
}

func activeName(p *Pool) string {
	for _, s := range p.Health() {
		if s.Active {
			return s.Name
		}
	}
	return ""
}

// signedTx returns a signed EIP-1559 transaction for the test chain.
func signedTx(t *testing.T) ([]byte, common.Hash) {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	chainID := big.NewInt(testChainID)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID:   chainID,
		Nonce:     7,
		GasTipCap: big.NewInt(1),
		GasFeeCap: big.NewInt(1_000_000_000),
		Gas:       21_000,
		To:        &common.Address{1},
		Value:     big.NewInt(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return raw, tx.Hash()
}

// logBuffer collects a Pool's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) }

// count returns how many log lines have message msg (and endpoint, if set).
func (b *logBuffer) count(msg, endpoint string) int {
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec["msg"] == msg && (endpoint == "" || rec["endpoint"] == endpoint) {
			n++
		}
	}
	return n
}

// eventually waits until cond holds, failing the test after a deadline.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met before the deadline")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func isRPCError(err error, code int) bool {
	var re rpc.Error
	return errors.As(err, &re) && re.ErrorCode() == code
}
