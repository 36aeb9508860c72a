package keeper_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/keeper"
)

// sendProxy is a JSON-RPC endpoint in front of target that passes every
// request through, except those carrying eth_sendRawTransaction: with reject
// set it answers them with that error (the transaction never reaches
// target); otherwise it passes them on and never answers (the transaction
// is in target's pool, the answer lost).
func sendProxy(t *testing.T, target, reject string) *httptest.Server {
	t.Helper()
	forward := func(body []byte) ([]byte, error) {
		resp, err := http.Post(target, "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if !bytes.Contains(body, []byte(`"eth_sendRawTransaction"`)) {
			out, err := forward(body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(out)
			return
		}
		if reject == "" {
			forward(body)
			<-r.Context().Done()
			return
		}
		// The pool sends a batch: the transaction, then its head read.
		var calls []struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(body, &calls); err != nil || json.Unmarshal(body, &elems) != nil {
			http.Error(w, "want a batch", http.StatusBadRequest)
			return
		}
		var rest []json.RawMessage
		var answers []json.RawMessage
		for i, c := range calls {
			if c.Method != "eth_sendRawTransaction" {
				rest = append(rest, elems[i])
				continue
			}
			a, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.ID, "error": map[string]any{"code": -32000, "message": reject}})
			answers = append(answers, a)
		}
		if len(rest) > 0 {
			b, _ := json.Marshal(rest)
			out, err := forward(b)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			var more []json.RawMessage
			if err := json.Unmarshal(out, &more); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			answers = append(answers, more...)
		}
		out, _ := json.Marshal(answers)
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRejectionNextToLostAnswerKeepsNonceOpen: one endpoint refuses lpops'
// reward (nonce too low), the other takes it into the chain's pool and its
// answer is lost. The transaction may be mined, so the keeper keeps it in
// flight and takes no fresh nonce; it is mined, alone.
func TestRejectionNextToLostAnswerKeepsNonceOpen(t *testing.T) {
	e := newEnvWith(t, envConfig{callerETH: eth(1), roundLength: 120})
	rejects := sendProxy(t, e.chain.URL, "nonce too low")
	silent := sendProxy(t, e.chain.URL, "")
	pool, err := chain.Dial(e.ctx, []chain.EndpointConfig{{Name: "rejects", URL: rejects.URL}, {Name: "silent", URL: silent.URL}},
		chain.Options{ChainID: devnet.ChainID, RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	k, _ := e.keeper(opts{signer: e.caller, grace: 1, chain: pool})
	round := e.nextActiveRound()
	e.chain.PauseMining()

	s := e.tickUntil(k, "reward broadcast", func(s keeper.Status) bool { return len(s.Txs) > 0 })
	first := s.Txs[0]
	if first.State != keeper.TxSent || s.State != keeper.StatePending || !strings.Contains(s.Reason, "nonce too low") || !strings.Contains(s.Reason, "silent") {
		t.Fatalf("tx %s (%s), keeper %s (%s); want the transaction in flight and the keeper waiting on it", first.State, first.Error, s.State, s.Reason)
	}
	for range 10 {
		k.Tick(e.ctx)
		time.Sleep(20 * time.Millisecond) // past any retry backoff
	}
	if s := k.Status(); len(s.Txs) != 1 {
		t.Fatalf("%d transactions signed, want 1: %+v", len(s.Txs), s.Txs)
	}
	if n := e.pendingNonce(addr(e.caller)); n != 1 {
		t.Fatalf("pending nonce %d, want 1: a fresh nonce was taken behind a transaction that may be mined", n)
	}
	e.chain.ResumeMining()
	s = e.tickUntil(k, "settled", func(s keeper.Status) bool { return s.State == keeper.StateDone })
	if s.Round != round || s.RewardedBy != "lpops" || s.RewardTx != first.Hash.Hex() {
		t.Fatalf("round %d rewarded_by %q tx %s; want round %d by lpops with %s", s.Round, s.RewardedBy, s.RewardTx, round, first.Hash.Hex())
	}
	if n := e.nonce(addr(e.caller)); n != 1 {
		t.Fatalf("%d transactions mined, want 1", n)
	}
}
