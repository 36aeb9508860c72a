package nodeapi

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// The bodies below are go-livepeer 0.9.1's CLI API answers as documented in
// shared/LIVEPEER.md ("What the real node does"): JSON for /status and
// /orchestratorInfo with big integers as bare numbers, text/plain decimal
// for the others, text/plain errors.
const (
	realStatus   = `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux","RegisteredTranscodersNumber":0,"RegisteredTranscoders":[],"LocalTranscoding":true,"BroadcasterPrices":{"default":"1"}}`
	realOrchInfo = `{"Transcoder":{"Address":"0x570e1b321d9359007a7df39c8038b32b4fc366d7","ServiceURI":"https://127.0.0.1:8935","LastRewardRound":2,"RewardCut":100000,"FeeShare":500000,"DelegatedStake":1000978792100000000000,"ActivationRound":2,"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639935,"LastActiveStakeUpdateRound":3,"Active":true,"Status":"Registered","PricePerPixel":null},"PriceInfo":"1"}`
)

// liveNode serves routes as go-livepeer does; handlers override them.
func liveNode(t *testing.T, override map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	text := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, s)
		}
	}
	js := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, s)
		}
	}
	routes := map[string]http.HandlerFunc{
		"/status":           js(realStatus),
		"/orchestratorInfo": js(realOrchInfo),
		"/currentRound":     text("3"),
		"/ethAddr":          text("0x570e1b321d9359007a7df39c8038b32b4fc366d7"),
		"/EthChainID":       text("42161"),
		"/ethBalance":       text("998877665544332211"),
	}
	for k, h := range override {
		routes[k] = h
	}
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.HandleFunc("GET "+path, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, url string, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(url, timeout, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReadsTheDocumentedWireFormat(t *testing.T) {
	c := newClient(t, liveNode(t, nil).URL, 0)
	ctx := context.Background()

	st, err := c.Status(ctx)
	if err != nil || st.Version != "0.9.1" || st.GOOS != "linux" {
		t.Errorf("Status = %+v, %v; want version 0.9.1", st, err)
	}

	info, err := c.OrchestratorInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := info.Transcoder
	wantStake, _ := new(big.Int).SetString("1000978792100000000000", 10)
	maxU256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	switch {
	case tr.Address != common.HexToAddress("0x570e1b321d9359007a7df39c8038b32b4fc366d7"):
		t.Errorf("Address = %s", tr.Address)
	case tr.DelegatedStake.Cmp(wantStake) != 0:
		t.Errorf("DelegatedStake = %s, want %s exactly", tr.DelegatedStake, wantStake)
	case tr.DeactivationRound.Cmp(maxU256) != 0:
		t.Errorf("DeactivationRound = %s, want 2^256-1", tr.DeactivationRound)
	case tr.LastRewardRound != 2 || tr.ActivationRound != 2 || tr.LastActiveStakeUpdateRound != 3:
		t.Errorf("rounds = %d/%d/%d", tr.LastRewardRound, tr.ActivationRound, tr.LastActiveStakeUpdateRound)
	case tr.RewardCut != 100000 || tr.FeeShare != 500000:
		t.Errorf("cut/share = %d/%d", tr.RewardCut, tr.FeeShare)
	case !tr.Active || !tr.Registered() || tr.ServiceURI != "https://127.0.0.1:8935":
		t.Errorf("active %v, status %q, uri %q", tr.Active, tr.Status, tr.ServiceURI)
	case string(info.PriceInfo) != `"1"`:
		t.Errorf("PriceInfo = %s", info.PriceInfo)
	}

	if r, err := c.CurrentRound(ctx); r != 3 || err != nil {
		t.Errorf("CurrentRound = %d, %v", r, err)
	}
	if id, err := c.EthChainID(ctx); id != 42161 || err != nil {
		t.Errorf("EthChainID = %d, %v", id, err)
	}
	if a, err := c.EthAddr(ctx); a != common.HexToAddress("0x570e1b321d9359007a7df39c8038b32b4fc366d7") || err != nil {
		t.Errorf("EthAddr = %s, %v", a, err)
	}
	if b, err := c.EthBalance(ctx); err != nil || b.String() != "998877665544332211" {
		t.Errorf("EthBalance = %v, %v", b, err)
	}
}

// realStatusRemote is /status of an orchestrator started without -transcoder
// with two remote transcoders connected: go-livepeer's common.NodeStatus
// with RegisteredTranscoders of common.RemoteTranscoderInfo{Address string,
// Capacity int}, as its server/handlers_test.go TestGetStatus expects it
// ("RegisteredTranscoders":[{"Address":"TestAddress","Capacity":5}]), the
// address being the transcoder's connection as the orchestrator sees it.
const realStatusRemote = `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux","RegisteredTranscodersNumber":2,"RegisteredTranscoders":[{"Address":"10.0.1.7:40312","Capacity":10},{"Address":"10.0.1.8:51022","Capacity":20}],"LocalTranscoding":false,"BroadcasterPrices":{}}`

func TestStatusRemoteTranscoders(t *testing.T) {
	js := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, s) }
	}
	c := newClient(t, liveNode(t, map[string]http.HandlerFunc{"/status": js(realStatusRemote)}).URL, 0)
	st, err := c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []RemoteTranscoder{{Address: "10.0.1.7:40312", Capacity: 10}, {Address: "10.0.1.8:51022", Capacity: 20}}
	if st.LocalTranscoding || st.RegisteredTranscodersNumber != 2 || !slices.Equal(st.RegisteredTranscoders, want) {
		t.Errorf("Status = %+v, want two remote transcoders %+v", st, want)
	}

	// A node transcoding itself lists none: an empty list, not an error.
	st, err = newClient(t, liveNode(t, nil).URL, 0).Status(context.Background())
	if err != nil || !st.LocalTranscoding || len(st.RegisteredTranscoders) != 0 {
		t.Errorf("local node: Status = %+v, %v", st, err)
	}

	for name, body := range map[string]string{
		"NegativeCapacity":   strings.Replace(realStatusRemote, `"Capacity":20`, `"Capacity":-20`, 1),
		"FractionalCapacity": strings.Replace(realStatusRemote, `"Capacity":20`, `"Capacity":2.5`, 1),
		"NegativeNumber":     strings.Replace(realStatusRemote, `"RegisteredTranscodersNumber":2`, `"RegisteredTranscodersNumber":-2`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(t, liveNode(t, map[string]http.HandlerFunc{"/status": js(body)}).URL, 0).Status(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), "GET /status: ") || !strings.Contains(err.Error(), "RegisteredTranscoders") {
				t.Errorf("error = %v, want one naming GET /status and the RegisteredTranscoders field", err)
			}
		})
	}
}

func TestNotRegistered(t *testing.T) {
	body := `{"Transcoder":{"Address":"0x570e1b321d9359007a7df39c8038b32b4fc366d7","ServiceURI":"","LastRewardRound":0,"RewardCut":0,"FeeShare":0,"DelegatedStake":0,"ActivationRound":0,"DeactivationRound":0,"LastActiveStakeUpdateRound":0,"Active":false,"Status":"Not Registered","PricePerPixel":null},"PriceInfo":"1"}`
	c := newClient(t, liveNode(t, map[string]http.HandlerFunc{
		"/orchestratorInfo": func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) },
	}).URL, 0)
	info, err := c.OrchestratorInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Transcoder.Registered() || info.Transcoder.Active || info.Transcoder.DelegatedStake.Sign() != 0 {
		t.Errorf("got %+v, want not registered, inactive, no stake", info.Transcoder)
	}
}

func TestErrorsNameTheRoute(t *testing.T) {
	plainError := func(code int, msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Error(w, msg, code) }
	}
	tests := []struct {
		name    string
		route   string
		handler http.HandlerFunc
		call    func(*Client) error
		want    string
	}{
		{"ServerError", "/orchestratorInfo", plainError(500, "could not get transcoder"),
			func(c *Client) error { _, err := c.OrchestratorInfo(context.Background()); return err },
			"GET /orchestratorInfo: HTTP 500: could not get transcoder"},
		{"NotFound", "/currentRound", http.NotFound,
			func(c *Client) error { _, err := c.CurrentRound(context.Background()); return err },
			"GET /currentRound: HTTP 404: 404 page not found"},
		{"NotANumber", "/ethBalance", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "lots") },
			func(c *Client) error { _, err := c.EthBalance(context.Background()); return err },
			`GET /ethBalance: "lots" is not a wei amount`},
		{"NotAnAddress", "/ethAddr", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "0x12") },
			func(c *Client) error { _, err := c.EthAddr(context.Background()); return err },
			`GET /ethAddr: "0x12" is not an address`},
		{"BadJSON", "/status", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>") },
			func(c *Client) error { _, err := c.Status(context.Background()); return err },
			"GET /status: decode: "},
		{"NoTranscoder", "/orchestratorInfo", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"PriceInfo":"1"}`) },
			func(c *Client) error { _, err := c.OrchestratorInfo(context.Background()); return err },
			"GET /orchestratorInfo: answer has no Transcoder"},
		{"ProxyErrorPage", "/orchestratorInfo", plainError(502, "<html>\n<head><title>502 Bad Gateway</title></head>\n"+strings.Repeat("<p>nginx</p>\n", 1<<20)),
			func(c *Client) error { _, err := c.OrchestratorInfo(context.Background()); return err },
			"GET /orchestratorInfo: HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <p>nginx</p>"},
		{"HugeAnswer", "/status", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"Manifests":"`+strings.Repeat("x", maxBody)+`"}`)
		},
			func(c *Client) error { _, err := c.Status(context.Background()); return err },
			"GET /status: response body too large: more than 4194304 bytes"},
		{"NegativeRound", "/orchestratorInfo", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, strings.Replace(realOrchInfo, `"LastRewardRound":2`, `"LastRewardRound":-2`, 1))
		},
			func(c *Client) error { _, err := c.OrchestratorInfo(context.Background()); return err },
			`GET /orchestratorInfo: field Transcoder.LastRewardRound "-2" is not a non-negative 64-bit integer`},
		// Found by FuzzOrchestratorInfo: two bad fields made a two-line error.
		{"TwoBadFields", "/orchestratorInfo", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"Transcoder":{"LastRewardRound":-1,"ActivationRound":20000000000000000000}}`)
		},
			func(c *Client) error { _, err := c.OrchestratorInfo(context.Background()); return err },
			`GET /orchestratorInfo: field Transcoder.LastRewardRound "-1" is not a non-negative 64-bit integer; field Transcoder.ActivationRound "20000000000000000000" is not`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, liveNode(t, map[string]http.HandlerFunc{tt.route: tt.handler}).URL, 0)
			err := tt.call(c)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %.300v, want it to start with %q", err, tt.want)
			}
			if err != nil && (len(err.Error()) > 600 || strings.Contains(err.Error(), "\n")) {
				t.Errorf("error of %d bytes, want one line of at most 600", len(err.Error()))
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := liveNode(t, nil)
	url := srv.URL
	srv.Close()
	_, err := newClient(t, url, 0).Status(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "GET /status: ") || strings.Contains(err.Error(), `"http://`) {
		t.Errorf("error = %v, want GET /status: <cause> without the quoted URL", err)
	}
}

// While its chain is frozen, go-livepeer's chain-reading routes hang with no
// server-side timeout; the client must give up on its own.
func TestHangingRouteTimesOut(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	c := newClient(t, liveNode(t, map[string]http.HandlerFunc{"/orchestratorInfo": hang}).URL, 50*time.Millisecond)

	done := make(chan error, 1)
	go func() {
		_, err := c.OrchestratorInfo(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrTimeout) || !strings.HasPrefix(err.Error(), "GET /orchestratorInfo: ") {
			t.Errorf("error = %v, want ErrTimeout naming /orchestratorInfo", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("OrchestratorInfo still waiting on a hung node")
	}
	// /status is not stuck behind it.
	if _, err := c.Status(context.Background()); err != nil {
		t.Errorf("Status: %v", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:7935", "ftp://host", "http://"} {
		if _, err := New(u, 0, nil); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
}
