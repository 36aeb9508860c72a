package nodeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// cannedNode answers every request with one status and body, in memory, so a
// fuzz input reaches the client's decoding without a socket per run.
type cannedNode struct {
	code int
	body []byte
}

func (n cannedNode) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: n.code,
		Header:     http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:       io.NopCloser(bytes.NewReader(n.body)),
		Request:    r,
	}, nil
}

func cannedClient(t *testing.T, code int, body []byte) *Client {
	t.Helper()
	c, err := New("http://127.0.0.1:7935", 0, &http.Client{Transport: cannedNode{code, body}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// maxErrorLen bounds an error built from an answer: a route, a status, a
// decoder's message and one clipped quote (clip keeps 200 bytes, and %q may
// escape each of them into up to 10).
const maxErrorLen = 4096

// checkAnswerError asserts what every error from an answer must be: named by
// its route, one line, and bounded however large the answer.
func checkAnswerError(t *testing.T, route string, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, "GET "+route+": ") {
		t.Fatalf("error %q does not name the route %s", msg, route)
	}
	if len(msg) > maxErrorLen {
		t.Fatalf("error is %d bytes long (bound %d): %.300q...", len(msg), maxErrorLen, msg)
	}
	if strings.Contains(msg, "\n") {
		t.Fatalf("error spans lines: %q", msg)
	}
}

// FuzzOrchestratorInfo decodes arbitrary /orchestratorInfo answers, seeded
// with go-livepeer 0.9.1's real bodies. Accepted big integers must be the
// exact decimal the node sent, and re-encoding the decoded Transcoder in the
// node's format must decode to the same value.
func FuzzOrchestratorInfo(f *testing.F) {
	f.Add([]byte(realOrchInfo))
	f.Add([]byte(`{"Transcoder":{"Address":"0x570e1b321d9359007a7df39c8038b32b4fc366d7","ServiceURI":"","LastRewardRound":0,"RewardCut":0,"FeeShare":0,"DelegatedStake":0,"ActivationRound":0,"DeactivationRound":0,"LastActiveStakeUpdateRound":0,"Active":false,"Status":"Not Registered","PricePerPixel":null},"PriceInfo":"1"}`))
	f.Add([]byte(strings.Replace(realOrchInfo, `"LastRewardRound":2`, `"LastRewardRound":-2`, 1)))
	f.Add([]byte(strings.Replace(realOrchInfo, `"DelegatedStake":1000978792100000000000`, `"DelegatedStake":1.5e21`, 1)))
	f.Add([]byte(`{"PriceInfo":"1"}`))
	f.Add([]byte(`{"Transcoder":null}`))
	f.Add([]byte(`<html>502 Bad Gateway</html>`))

	f.Fuzz(func(t *testing.T, body []byte) {
		info, err := cannedClient(t, 200, body).OrchestratorInfo(context.Background())
		if err != nil {
			checkAnswerError(t, "/orchestratorInfo", err)
			return
		}
		tr := info.Transcoder
		var sent struct {
			Transcoder struct {
				DelegatedStake, DeactivationRound json.Number
			}
		}
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&sent) == nil {
			exact(t, "DelegatedStake", sent.Transcoder.DelegatedStake, tr.DelegatedStake)
			exact(t, "DeactivationRound", sent.Transcoder.DeactivationRound, tr.DeactivationRound)
		}

		again, err := cannedClient(t, 200, wireBody(tr, info.PriceInfo)).OrchestratorInfo(context.Background())
		if err != nil {
			t.Fatalf("re-encoded answer rejected: %v\nfirst decoded %+v", err, tr)
		}
		if !sameTranscoder(tr, again.Transcoder) {
			t.Fatalf("round trip changed the transcoder:\nfirst  %+v\nsecond %+v", tr, again.Transcoder)
		}
	})
}

// exact checks that a decoded big integer is the very number sent.
func exact(t *testing.T, field string, sent json.Number, got *big.Int) {
	t.Helper()
	if sent == "" {
		if got != nil {
			t.Fatalf("%s absent but decoded as %s", field, got)
		}
		return
	}
	want, ok := new(big.Int).SetString(sent.String(), 10)
	if !ok || got == nil || got.Cmp(want) != 0 {
		t.Fatalf("%s sent as %s, decoded as %v", field, sent, got)
	}
}

// wireBody encodes tr the way go-livepeer does: big integers as bare
// numbers, a field lpops did not receive left out.
func wireBody(tr Transcoder, price json.RawMessage) []byte {
	var b strings.Builder
	addr := ""
	if tr.Address != (common.Address{}) {
		addr = strings.ToLower(tr.Address.Hex())
	}
	fmt.Fprintf(&b, `{"Transcoder":{"Address":%q,"ServiceURI":%s,"LastRewardRound":%d,"RewardCut":%d,"FeeShare":%d,"ActivationRound":%d,"LastActiveStakeUpdateRound":%d,"Active":%t,"Status":%s`,
		addr, jsonString(tr.ServiceURI), tr.LastRewardRound, tr.RewardCut, tr.FeeShare, tr.ActivationRound,
		tr.LastActiveStakeUpdateRound, tr.Active, jsonString(tr.Status))
	if tr.DelegatedStake != nil {
		fmt.Fprintf(&b, `,"DelegatedStake":%s`, tr.DelegatedStake)
	}
	if tr.DeactivationRound != nil {
		fmt.Fprintf(&b, `,"DeactivationRound":%s`, tr.DeactivationRound)
	}
	if len(price) == 0 {
		price = json.RawMessage("null")
	}
	fmt.Fprintf(&b, `},"PriceInfo":%s}`, price)
	return []byte(b.String())
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func sameTranscoder(a, b Transcoder) bool {
	sameBig := func(x, y *big.Int) bool { return (x == nil) == (y == nil) && (x == nil || x.Cmp(y) == 0) }
	ok := sameBig(a.DelegatedStake, b.DelegatedStake) && sameBig(a.DeactivationRound, b.DeactivationRound)
	a.DelegatedStake, b.DelegatedStake, a.DeactivationRound, b.DeactivationRound = nil, nil, nil, nil
	return ok && a == b
}

// FuzzStatus decodes arbitrary /status answers, seeded with the real body.
func FuzzStatus(f *testing.F) {
	f.Add([]byte(realStatus))
	f.Add([]byte(`{"Version":"0.9.1-abcdef","RegisteredTranscodersNumber":2,"RegisteredTranscoders":[{"Address":"10.0.0.2:6935","Capacity":10}]}`))
	f.Add([]byte(`{"RegisteredTranscodersNumber":1e400}`))
	f.Add([]byte(`{"RegisteredTranscodersNumber":3,"RegisteredTranscoders":[{"Address":"10.0.1.7:40312","Capacity":10},{"Address":"10.0.1.8:40313","Capacity":-1}],"LocalTranscoding":false}`))
	f.Add([]byte(`{"RegisteredTranscoders":[{"Address":"10.0.1.7:40312","Capacity":1.5}]}`))
	f.Add([]byte(`{"RegisteredTranscoders":null}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`<html>`))

	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := cannedClient(t, 200, body).Status(context.Background())
		if err != nil {
			checkAnswerError(t, "/status", err)
			return
		}
		// What lpops keeps of an accepted answer encodes and decodes to itself.
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		again, err := cannedClient(t, 200, b).Status(context.Background())
		if err != nil || !reflect.DeepEqual(again, st) {
			t.Fatalf("round trip: %+v, %v; first %+v", again, err, st)
		}
	})
}

// FuzzTextAnswers feeds the plain-text routes (/currentRound, /EthChainID,
// /ethAddr, /ethBalance) and the error path of every route arbitrary status
// codes and bodies. A number read must be the one sent; an error names the
// route, stays on one line and is clipped however long the body.
func FuzzTextAnswers(f *testing.F) {
	for i, body := range []string{"3", "42161", "0x570e1b321d9359007a7df39c8038b32b4fc366d7", "998877665544332211"} {
		f.Add(uint8(i), 200, []byte(body))
		f.Add(uint8(i), 200, []byte(body+"\n"))
	}
	f.Add(uint8(0), 500, []byte("Error calling reward: execution reverted: caller has already called reward for the current round\n"))
	f.Add(uint8(2), 404, []byte("404 page not found\n"))
	f.Add(uint8(3), 200, []byte("lots"))
	f.Add(uint8(3), 200, []byte("-1"))
	f.Add(uint8(1), 502, []byte("<html>\n<head><title>502 Bad Gateway</title></head>\n</html>"))
	f.Add(uint8(0), 200, []byte("18446744073709551616"))

	routes := []string{"/currentRound", "/EthChainID", "/ethAddr", "/ethBalance"}
	f.Fuzz(func(t *testing.T, which uint8, code int, body []byte) {
		if code < 100 || code > 999 {
			code = 200 + (code%800+800)%800
		}
		route := routes[int(which)%len(routes)]
		c := cannedClient(t, code, body)
		ctx := context.Background()
		sent := strings.TrimSpace(string(body))
		var err error
		switch route {
		case "/currentRound", "/EthChainID":
			var v uint64
			if route == "/currentRound" {
				v, err = c.CurrentRound(ctx)
			} else {
				v, err = c.EthChainID(ctx)
			}
			if err == nil && strconv.FormatUint(v, 10) != orZero(strings.TrimLeft(sent, "0")) {
				t.Fatalf("%s sent %q, read %d", route, sent, v)
			}
		case "/ethAddr":
			var a common.Address
			a, err = c.EthAddr(ctx)
			if err == nil && !strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(sent, "0x"), "0X"), strings.TrimPrefix(a.Hex(), "0x")) {
				t.Fatalf("/ethAddr sent %q, read %s", sent, a.Hex())
			}
		case "/ethBalance":
			var b *big.Int
			b, err = c.EthBalance(ctx)
			if err == nil {
				want, ok := new(big.Int).SetString(sent, 10)
				if !ok || b.Cmp(want) != 0 || b.Sign() < 0 {
					t.Fatalf("/ethBalance sent %q, read %s", sent, b)
				}
			}
		}
		if err != nil {
			checkAnswerError(t, route, err)
			if code < 200 || code > 299 {
				if !strings.HasPrefix(err.Error(), fmt.Sprintf("GET %s: HTTP %d", route, code)) {
					t.Fatalf("HTTP %d answer: error %q does not give the status", code, err)
				}
			}
			return
		}
		if code < 200 || code > 299 {
			t.Fatalf("HTTP %d answer accepted", code)
		}
	})
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
