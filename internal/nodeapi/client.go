// Package nodeapi is a client of go-livepeer's local HTTP CLI API (the
// orchestrator's -cliAddr, 127.0.0.1:7935 by default): the read-only routes
// lpops needs to watch the node.
//
// # Wire format
//
// As observed from go-livepeer 0.9.1 (shared/LIVEPEER.md): /status and
// /orchestratorInfo answer JSON; /currentRound, /ethAddr, /ethBalance and
// /EthChainID answer text/plain decimal (or lower-case hex for the address);
// errors are text/plain. Big integers in /orchestratorInfo (DelegatedStake,
// DeactivationRound = 2^256-1) are bare JSON numbers beyond float64, so they
// are decoded through json.Number into big.Int, never float64.
//
// # Timeouts
//
// While the node's chain connection is frozen, the routes that read the chain
// (/orchestratorInfo, /currentRound, /ethBalance) hang with no server-side
// timeout, while /status and /EthChainID still answer. Every request is
// therefore bounded by the client's Timeout (and the caller's context), and an
// error names the route it came from so "the node is down" and "the node's
// chain is stuck" can be told apart.
package nodeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/httpx"
)

// DefaultTimeout bounds a request when Client.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// maxBody bounds what is read from one answer; /status lists the node's
// streams and transcoders, so it is the largest.
const maxBody = 4 << 20

// ErrTimeout is matched (errors.Is) by an error for a request that got no
// answer within the timeout: the node is hung or, for the chain-reading
// routes, its chain connection is.
var ErrTimeout = errors.New("no answer within the timeout")

// Client reads a go-livepeer node's CLI API.
type Client struct {
	base    *url.URL
	http    *http.Client
	timeout time.Duration
}

// New returns a client for the CLI API at baseURL (http://127.0.0.1:7935).
// A zero timeout means DefaultTimeout. hc may be nil.
func New(baseURL string, timeout time.Duration, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("node cli url must be an http or https URL such as http://127.0.0.1:7935")
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{base: u, http: hc, timeout: timeout}, nil
}

// Status is the part of GET /status lpops reads (go-livepeer's
// common.NodeStatus).
type Status struct {
	Version                     string `json:"Version"`
	GolangRuntimeVersion        string `json:"GolangRuntimeVersion"`
	GOArch                      string `json:"GOArch"`
	GOOS                        string `json:"GOOS"`
	RegisteredTranscodersNumber int    `json:"RegisteredTranscodersNumber"`
	// RegisteredTranscoders are the remote transcoders connected to an
	// orchestrator started without -transcoder (go-livepeer's
	// RemoteTranscoderManager); empty, never null, on a node that
	// transcodes itself.
	RegisteredTranscoders []RemoteTranscoder `json:"RegisteredTranscoders"`
	// LocalTranscoding is true when the node transcodes itself: it then
	// accepts no remote transcoders.
	LocalTranscoding bool `json:"LocalTranscoding"`
}

// RemoteTranscoder is one entry of /status' RegisteredTranscoders
// (go-livepeer's common.RemoteTranscoderInfo).
type RemoteTranscoder struct {
	// Address is the transcoder's address as the orchestrator sees its
	// connection (host:port), text the transcoder's network decides.
	Address string `json:"Address"`
	// Capacity is the sessions it accepts: its -maxSessions.
	Capacity int `json:"Capacity"`
}

// Transcoder is the orchestrator as the node reads it from the chain.
type Transcoder struct {
	Address                    common.Address
	ServiceURI                 string
	LastRewardRound            uint64
	RewardCut                  uint64 // millionths
	FeeShare                   uint64 // millionths
	DelegatedStake             *big.Int
	ActivationRound            uint64
	DeactivationRound          *big.Int
	LastActiveStakeUpdateRound uint64
	Active                     bool
	// Status is "Registered" or "Not Registered".
	Status string
}

// Registered reports whether Status says the orchestrator is registered.
func (t *Transcoder) Registered() bool { return t.Status == "Registered" }

// OrchestratorInfo is GET /orchestratorInfo.
type OrchestratorInfo struct {
	Transcoder Transcoder
	// PriceInfo is kept as sent; its shape changed across versions.
	PriceInfo json.RawMessage
}

// Status reads GET /status.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	const path = "/status"
	var s Status
	if err := c.getJSON(ctx, path, &s); err != nil {
		return nil, err
	}
	if s.RegisteredTranscodersNumber < 0 {
		return nil, fmt.Errorf("GET %s: field RegisteredTranscodersNumber %d is negative", path, s.RegisteredTranscodersNumber)
	}
	for i, t := range s.RegisteredTranscoders {
		if t.Capacity < 0 {
			return nil, fmt.Errorf("GET %s: field RegisteredTranscoders[%d].Capacity %d is negative", path, i, t.Capacity)
		}
	}
	return &s, nil
}

// wireTranscoder is /orchestratorInfo's Transcoder as sent.
type wireTranscoder struct {
	Address                    string
	ServiceURI                 string
	LastRewardRound            json.Number
	RewardCut                  json.Number
	FeeShare                   json.Number
	DelegatedStake             json.Number
	ActivationRound            json.Number
	DeactivationRound          json.Number
	LastActiveStakeUpdateRound json.Number
	Active                     bool
	Status                     string
}

// OrchestratorInfo reads GET /orchestratorInfo. It hangs on the node's side
// while the node's chain is frozen; the client's timeout ends the wait.
func (c *Client) OrchestratorInfo(ctx context.Context) (*OrchestratorInfo, error) {
	const path = "/orchestratorInfo"
	var w struct {
		Transcoder *wireTranscoder
		PriceInfo  json.RawMessage
	}
	if err := c.getJSON(ctx, path, &w); err != nil {
		return nil, err
	}
	if w.Transcoder == nil {
		return nil, fmt.Errorf("GET %s: answer has no Transcoder", path)
	}
	t := w.Transcoder
	out := &OrchestratorInfo{PriceInfo: w.PriceInfo}
	out.Transcoder = Transcoder{ServiceURI: t.ServiceURI, Active: t.Active, Status: t.Status}
	if t.Address != "" {
		if !common.IsHexAddress(t.Address) {
			return nil, fmt.Errorf("GET %s: Transcoder.Address %q is not an address", path, clip(t.Address))
		}
		out.Transcoder.Address = common.HexToAddress(t.Address)
	}
	var errs []string // one line in all: it goes into status and alert text
	u64 := func(field string, n json.Number, dst *uint64) {
		if n == "" {
			return
		}
		v, err := strconv.ParseUint(n.String(), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("field Transcoder.%s %q is not a non-negative 64-bit integer", field, clip(n.String())))
			return
		}
		*dst = v
	}
	bigInt := func(field string, n json.Number) *big.Int {
		if n == "" {
			return nil
		}
		v, ok := new(big.Int).SetString(n.String(), 10)
		if !ok {
			errs = append(errs, fmt.Sprintf("field Transcoder.%s %q is not an integer", field, clip(n.String())))
		}
		return v
	}
	u64("LastRewardRound", t.LastRewardRound, &out.Transcoder.LastRewardRound)
	u64("RewardCut", t.RewardCut, &out.Transcoder.RewardCut)
	u64("FeeShare", t.FeeShare, &out.Transcoder.FeeShare)
	u64("ActivationRound", t.ActivationRound, &out.Transcoder.ActivationRound)
	u64("LastActiveStakeUpdateRound", t.LastActiveStakeUpdateRound, &out.Transcoder.LastActiveStakeUpdateRound)
	out.Transcoder.DelegatedStake = bigInt("DelegatedStake", t.DelegatedStake)
	out.Transcoder.DeactivationRound = bigInt("DeactivationRound", t.DeactivationRound)
	if len(errs) > 0 {
		return nil, fmt.Errorf("GET %s: %s", path, strings.Join(errs, "; "))
	}
	return out, nil
}

// CurrentRound reads GET /currentRound (decimal text).
func (c *Client) CurrentRound(ctx context.Context) (uint64, error) {
	return c.getUint(ctx, "/currentRound")
}

// EthChainID reads GET /EthChainID (decimal text). It answers even while the
// node's chain is frozen.
func (c *Client) EthChainID(ctx context.Context) (uint64, error) {
	return c.getUint(ctx, "/EthChainID")
}

// EthAddr reads GET /ethAddr: the node's account (lower-case hex text).
func (c *Client) EthAddr(ctx context.Context) (common.Address, error) {
	const path = "/ethAddr"
	s, err := c.getText(ctx, path)
	if err != nil {
		return common.Address{}, err
	}
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("GET %s: %q is not an address", path, clip(s))
	}
	return common.HexToAddress(s), nil
}

// EthBalance reads GET /ethBalance: the node account's balance in wei
// (decimal text).
func (c *Client) EthBalance(ctx context.Context) (*big.Int, error) {
	const path = "/ethBalance"
	s, err := c.getText(ctx, path)
	if err != nil {
		return nil, err
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("GET %s: %q is not a wei amount", path, clip(s))
	}
	return v, nil
}

func (c *Client) getUint(ctx context.Context, path string) (uint64, error) {
	s, err := c.getText(ctx, path)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %q is not a decimal number", path, clip(s))
	}
	return v, nil
}

func (c *Client) getText(ctx context.Context, path string) (string, error) {
	b, err := c.get(ctx, path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	b, err := c.get(ctx, path)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("GET %s: decode: %w", path, err)
	}
	return nil
}

// get performs GET path within the client's timeout and returns the body of
// a 2xx answer. Errors start with "GET <path>: " and never quote the base
// URL's user info.
func (c *Client) get(ctx context.Context, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, ErrTimeout)
	defer cancel()
	u := c.base.JoinPath(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.requestError(ctx, path, err)
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp.Body, maxBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// An error page cut at maxBody still says what went wrong.
		msg := clip(string(b))
		if msg == "" {
			return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
		}
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", path, resp.StatusCode, msg)
	}
	if err != nil {
		return nil, c.requestError(ctx, path, err)
	}
	return b, nil
}

// requestError names the route and, for a timeout, says so plainly instead
// of net/http's "context deadline exceeded" with the full URL.
func (c *Client) requestError(ctx context.Context, path string, err error) error {
	if context.Cause(ctx) == ErrTimeout {
		return fmt.Errorf("GET %s: %w (%s)", path, ErrTimeout, c.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("GET %s: %w", path, err)
}

// clip shortens text quoted from an answer so an HTML error page does not
// flood an alert.
func clip(s string) string { return httpx.Text(s) }
