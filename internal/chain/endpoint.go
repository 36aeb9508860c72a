package chain

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/httpx"
)

// maxConsecutiveErrors failed round trips in a row mark an endpoint
// unhealthy until a health check succeeds.
const maxConsecutiveErrors = 3

// errorWindow is how many recent round trips ErrorRate covers.
const errorWindow = 32

// minErrorSamples is how many round trips of the window an endpoint must
// have made before its error rate can make it unhealthy: half the window, so
// that two timeouts in a quiet hour do not.
const minErrorSamples = errorWindow / 2

// EndpointConfig names one JSON-RPC endpoint. URL is http(s)://, ws(s):// or
// a filesystem path to an IPC socket; it may embed an API key and is never
// logged. Name labels the endpoint everywhere; empty means DefaultName(URL).
type EndpointConfig struct {
	Name string
	URL  string
}

// DefaultName derives an endpoint name from its URL that is safe to log:
// scheme://host[:port] with userinfo, path and query stripped, or
// "ipc:<basename>" for an IPC path. It returns "" for a URL it cannot parse.
func DefaultName(rawURL string) string {
	kind, u, err := parseEndpointURL(rawURL)
	if err != nil {
		return ""
	}
	if kind == "ipc" {
		return "ipc:" + filepath.Base(rawURL)
	}
	return u.Scheme + "://" + u.Host
}

// parseEndpointURL reports the transport ("http", "ws" or "ipc") of rawURL.
// Its errors never quote the URL.
func parseEndpointURL(rawURL string) (string, *url.URL, error) {
	if rawURL == "" {
		return "", nil, errors.New("url is empty")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, key and all.
		return "", nil, errors.New("url is malformed")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", nil, errors.New("url has no host")
		}
		return "http", u, nil
	case "ws", "wss":
		if u.Host == "" {
			return "", nil, errors.New("url has no host")
		}
		return "ws", u, nil
	case "":
		return "ipc", u, nil
	default:
		return "", nil, fmt.Errorf("url scheme %q is not http, https, ws, wss or an IPC path", u.Scheme)
	}
}

// endpoint is one configured endpoint. The connection fields are guarded by
// connMu; everything after them by Pool.mu.
type endpoint struct {
	index   int
	name    string
	url     string // secret: never logged, labelled or returned
	kind    string
	secrets []string // parts of url to scrub from error text

	connMu sync.Mutex
	client *rpc.Client

	chainID    uint64
	chainKnown bool
	head       Head
	headKnown  bool
	headAge    time.Duration // age of head when it was observed
	lag        uint64        // blocks behind the best head when observed
	consec     int           // consecutive failed round trips
	down       bool          // reached maxConsecutiveErrors; cleared by a health check
	requests   uint64
	errors     uint64
	window     [errorWindow]bool // true = failed
	windowLen  int
	windowPos  int
	lastErr    string
	lastErrAt  time.Time
	contacted  time.Time

	healthy bool
	reason  string
}

func newEndpoint(index int, cfg EndpointConfig) (*endpoint, error) {
	kind, u, err := parseEndpointURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	ep := &endpoint{index: index, name: cfg.Name, url: cfg.URL, kind: kind}
	if ep.name == "" {
		ep.name = DefaultName(cfg.URL)
	}
	if kind != "ipc" {
		ep.secrets = secretParts(u)
	}
	return ep, nil
}

// URLSecrets lists the parts of an endpoint URL that may carry a credential
// (user info, a non-trivial path, the query), for scrubbing them from error
// text; nil for a URL that does not parse or has no host (IPC paths).
func URLSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil
	}
	return secretParts(u)
}

// secretParts lists the parts of a network URL that may carry a credential.
func secretParts(u *url.URL) []string {
	var s []string
	if u.User != nil {
		s = append(s, u.User.String())
		if pw, ok := u.User.Password(); ok && pw != "" {
			s = append(s, pw)
		}
	}
	for _, p := range []string{u.EscapedPath(), u.Path} {
		if strings.Trim(p, "/") != "" {
			s = append(s, p)
		}
	}
	if u.RawQuery != "" {
		s = append(s, u.RawQuery)
	}
	return s
}

// conn returns the endpoint's client, dialling it first if needed. HTTP
// clients are created at Dial and never fail here; a ws or IPC endpoint that
// was down at start is dialled again on each use until it answers.
func (ep *endpoint) conn(ctx context.Context) (*rpc.Client, error) {
	ep.connMu.Lock()
	defer ep.connMu.Unlock()
	if ep.client != nil {
		return ep.client, nil
	}
	c, err := rpc.DialOptions(ctx, ep.url, httpx.RPCOption())
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	ep.client = c
	return c, nil
}

func (ep *endpoint) close() {
	ep.connMu.Lock()
	defer ep.connMu.Unlock()
	if ep.client != nil {
		ep.client.Close()
	}
}

// redact returns err with every trace of the endpoint URL replaced and its
// text clipped (a proxy's HTML error page arrives as the error text),
// keeping the error chain for errors.Is where that can be done without the
// URL.
func (ep *endpoint) redact(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		err = &url.Error{Op: ue.Op, URL: ep.name, Err: ue.Err}
	}
	msg := err.Error()
	clean := ep.scrub(msg)
	if clean == msg {
		return httpx.Error(err)
	}
	return httpx.Error(&redactedError{msg: clean, err: err})
}

func (ep *endpoint) scrub(s string) string {
	if ep.url == "" {
		return s
	}
	s = strings.ReplaceAll(s, ep.url, ep.name)
	for _, secret := range ep.secrets {
		s = strings.ReplaceAll(s, secret, "<redacted>")
	}
	return s
}

// redactedError hides a message that quoted a secret. Unwrap keeps errors.Is
// working for sentinels such as context.DeadlineExceeded.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// record notes the outcome of one round trip in the error window.
func (ep *endpoint) record(failed bool) {
	ep.requests++
	if failed {
		ep.errors++
	}
	ep.window[ep.windowPos] = failed
	ep.windowPos = (ep.windowPos + 1) % errorWindow
	if ep.windowLen < errorWindow {
		ep.windowLen++
	}
}

func (ep *endpoint) errorRate() float64 {
	if ep.windowLen == 0 {
		return 0
	}
	return float64(ep.windowErrors()) / float64(ep.windowLen)
}

// windowErrors counts the failed round trips in the window.
func (ep *endpoint) windowErrors() int {
	n := 0
	for i := 0; i < ep.windowLen; i++ {
		if ep.window[i] {
			n++
		}
	}
	return n
}

func (ep *endpoint) resetWindow() {
	ep.window = [errorWindow]bool{}
	ep.windowLen, ep.windowPos = 0, 0
}
