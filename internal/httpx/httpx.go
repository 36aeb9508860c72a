// Package httpx bounds what lpops takes from the HTTP peers it calls: the
// RPC endpoints, the go-livepeer node API, notification channels and the
// release feed. Every client reads answers through it, so a misbehaving peer
// (a proxy answering with an HTML error page, an endpoint streaming without
// end) costs at most a known amount of memory, and what it said reaches
// status pages, logs and alerts as one short line.
//
// Two limits apply. A response body is cut at the client's byte limit:
// reading past it fails with ErrBodyTooLarge instead of returning a silently
// truncated document that would then fail to decode with a confusing error.
// Text quoted from a peer (an error body, a message field, an RPC error) is
// made printable, folded onto one line and clipped to MaxText bytes, ending
// in "…" where it was cut.
package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/rpc"
)

// MaxText is the most bytes of a peer's text quoted in an error, a status
// entry or an alert.
const MaxText = 512

// ErrBodyTooLarge is matched (errors.Is) by the error reading a response body
// longer than the client's limit.
var ErrBodyTooLarge = errors.New("response body too large")

// LimitBodies returns a transport that sends requests through base (the
// default transport when nil) and cuts every response body at max bytes.
func LimitBodies(base http.RoundTripper, max int64) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &limitTransport{base: base, max: max}
}

// Client returns c (a new client when nil) with its transport wrapped by
// LimitBodies. c is not modified.
func Client(c *http.Client, max int64) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	out.Transport = LimitBodies(out.Transport, max)
	return &out
}

type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max, max: t.max}
	return resp, nil
}

// limitedBody reads at most max bytes of rc and fails, rather than ending,
// when rc holds more.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Read one byte more to tell a body of exactly max bytes from a
		// longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, b.max)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// ReadBody reads all of r, failing with ErrBodyTooLarge past max bytes.
func ReadBody(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > max {
		return data[:max], fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	return data, nil
}

// Text makes s fit to be quoted: control characters become spaces, runs of
// white space one space, and it is clipped to MaxText bytes on a rune
// boundary, "…" marking the cut.
func Text(s string) string {
	cutShort := len(s) > 4*MaxText
	if cutShort {
		s = s[:4*MaxText] // enough to fill MaxText after folding most pages
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= MaxText && !cutShort {
		return s
	}
	const mark = "…"
	cut := min(len(s), MaxText-len(mark))
	for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// Error returns err with its text passed through Text, keeping the error
// chain for errors.Is and errors.As. An error whose text is already fit is
// returned as it is.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := Text(msg)
	if clean == msg {
		return err
	}
	return &clippedError{msg: clean, err: err}
}

type clippedError struct {
	msg string
	err error
}

func (e *clippedError) Error() string { return e.msg }
func (e *clippedError) Unwrap() error { return e.err }

// MaxRPCBody bounds one JSON-RPC answer. A batch or an eth_getLogs range can
// be large; a few megabytes is usual, 32 MiB is far above any answer lpops
// asks for.
const MaxRPCBody = 32 << 20

// RPCOption is the option every go-ethereum RPC dial of lpops passes: HTTP
// answers are read through LimitBodies with MaxRPCBody. It has no effect on
// websocket and IPC endpoints, whose client bounds its own messages.
func RPCOption() rpc.ClientOption {
	return rpc.WithHTTPClient(Client(nil, MaxRPCBody))
}
