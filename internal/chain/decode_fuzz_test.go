package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecodeSyncing reads arbitrary eth_syncing answers, seeded with
// go-ethereum's, Nitro's and other clients' shapes. A node that answers
// false or null is synced; one whose currentBlock is below its highestBlock
// is syncing and the reason gives both numbers; the verdict depends on the
// answer alone.
func FuzzDecodeSyncing(f *testing.F) {
	for _, s := range []string{
		`false`, `null`, ` false `,
		`{"currentBlock":"0x10","highestBlock":"0x20"}`,
		`{"currentBlock":"0x20","highestBlock":"0x20","txIndexRemainingBlocks":"0x5"}`,
		`{"startingBlock":"0x0","currentBlock":"0x1312d00","highestBlock":"0x1312d80","pulledStates":"0x0","knownStates":"0x0"}`,
		`{"startingBlock":"0x0"}`,
		`{"currentBlock":"0xffffffffffffffff","highestBlock":"0x0"}`,
		`true`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		syncing, why := DecodeSyncing(json.RawMessage(raw))
		again, whyAgain := DecodeSyncing(json.RawMessage(raw))
		if syncing != again || why != whyAgain {
			t.Fatalf("two verdicts for one answer: %v %q, then %v %q", syncing, why, again, whyAgain)
		}
		if syncing != (why != "") {
			t.Fatalf("syncing %v with reason %q", syncing, why)
		}
		switch strings.TrimSpace(string(raw)) {
		case "false", "null", "":
			if syncing {
				t.Fatalf("%q read as syncing", raw)
			}
		}
		var s struct {
			CurrentBlock, HighestBlock *hexUint `json:",omitempty"`
		}
		if json.Unmarshal(raw, &s) == nil && s.CurrentBlock != nil && s.HighestBlock != nil && s.CurrentBlock.v < s.HighestBlock.v {
			want := fmt.Sprintf("syncing: block %d of %d", s.CurrentBlock.v, s.HighestBlock.v)
			if !syncing || why != want {
				t.Fatalf("%s: %v %q, want %q", raw, syncing, why, want)
			}
		}
	})
}

// hexUint decodes a 0x-prefixed quantity the way the property above needs
// it, independently of the decoder under test.
type hexUint struct{ v uint64 }

func (h *hexUint) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if !strings.HasPrefix(s, "0x") || len(s) < 3 || len(s) > 18 || (len(s) > 3 && s[2] == '0') {
		return errors.New("not a quantity")
	}
	v, err := strconv.ParseUint(s[2:], 16, 64)
	h.v = v
	return err
}

// FuzzClassifyTxError classifies arbitrary rejection messages, seeded with
// the messages of geth, Nitro and anvil. A classified error reads exactly as
// the node's message, still matches the original error, and classifying it
// again changes nothing.
func FuzzClassifyTxError(f *testing.F) {
	for _, p := range txErrorPatterns {
		f.Add(p.fragment)
	}
	f.Add("nonce too low: address 0x1c1c9817f4b8f07efb298a17102531cdd09cef68, tx: 7 state: 8")
	f.Add("Insufficient funds for gas * price + value")
	f.Add("execution reverted: caller has already called reward for the current round")
	f.Fuzz(func(t *testing.T, msg string) {
		orig := errors.New(msg)
		got := ClassifyTxError(orig)
		if got.Error() != msg {
			t.Fatalf("classified message %q, node said %q", got.Error(), msg)
		}
		if !errors.Is(got, orig) {
			t.Fatal("the classified error does not match the node's")
		}
		if again := ClassifyTxError(got); again != got {
			t.Fatal("classifying twice changed the error")
		}
		matched := false
		for _, p := range txErrorPatterns {
			if errors.Is(got, p.sentinel) {
				matched = true
			}
		}
		if matched != (got != orig) {
			t.Fatalf("classified %v but matched no sentinel (or the reverse)", got != orig)
		}
	})
}

// FuzzRedact puts an endpoint URL with a key in it into arbitrary error
// text, as a proxy or an HTTP client may echo it. No part of the URL that
// may hold a credential survives redaction.
func FuzzRedact(f *testing.F) {
	f.Add("https://arb-mainnet.g.alchemy.com/v2/not-a-real-key", `Post "%s": dial tcp: lookup arb-mainnet.g.alchemy.com: no such host`)
	f.Add("https://user:hunter2@rpc.example:8547/?token=secret-token", "<html><body>401 for %s</body></html>")
	f.Add("wss://arb1.example/ws/KEY123", "websocket: bad handshake (%s)")
	f.Add("http://10.0.0.5:8547", "%s: connection refused")
	f.Fuzz(func(t *testing.T, rawURL, text string) {
		ep, err := newEndpoint(0, EndpointConfig{URL: rawURL})
		if err != nil || ep.kind == "ipc" {
			return
		}
		msg := strings.ReplaceAll(text, "%s", rawURL)
		got := ep.redact(errors.New(msg)).Error()
		for _, s := range ep.secrets {
			// A secret made of the marker's own letters, or holding its
			// brackets, is found again inside the markers themselves.
			if strings.Contains("<redacted>", s) || strings.ContainsAny(s, "<>") {
				continue
			}
			if strings.Contains(got, s) {
				t.Fatalf("redacted %q still holds %q: %q", msg, s, got)
			}
		}
	})
}
