package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/httpx"
)

// StatusError is an HTTP answer outside 2xx: the service received the
// notification and did not accept it.
type StatusError struct {
	StatusCode int
	// Message is the service's explanation: the start of the response body,
	// or the error field of a JSON answer, with every secret of the channel
	// removed.
	Message string
	// RetryAfter is how long the service asked the client to wait (429 and
	// 503 answers, Retry-After header or the service's own field); 0 when it
	// did not say.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Temporary reports whether sending the same notification again may succeed:
// a timeout, a rate limit or a server error (408, 425, 429, 5xx). Other 4xx
// answers reject the request itself (a revoked webhook, a bad routing key):
// retrying will not help until the configuration changes.
func (e *StatusError) Temporary() bool {
	switch c := e.StatusCode; {
	case c == http.StatusRequestTimeout, c == http.StatusTooEarly, c == http.StatusTooManyRequests:
		return true
	case c >= 500:
		return true
	}
	return false
}

// Permanent reports whether err says the service rejected the notification
// itself, so that sending it again cannot succeed until someone changes the
// configuration: a *StatusError that is not Temporary (an HTTP 4xx other
// than 408, 425 and 429), or an SMTP 5xx reply (RFC 5321's permanent
// negative completion: unknown mailbox, authentication refused). Timeouts,
// refused connections, rate limits and server errors are not permanent.
func Permanent(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return !se.Temporary()
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// RetryAfter returns the wait a service asked for in err (a *StatusError
// anywhere in its chain), or 0. An outbox backs off at least this long.
func RetryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// maxResponse bounds how much of a response body is read.
const maxResponse = 64 << 10

// sender posts JSON to one URL. url may hold a token (Telegram puts it in
// the path, Slack and Discord URLs are tokens): errors show only shown, the
// scheme and host, and every string in secrets is cut out of what the
// service answers.
type sender struct {
	client  *http.Client
	url     string
	shown   string
	secrets []string
}

func newSender(c config.Channel, target string, secrets ...string) (*sender, error) {
	client, err := httpClient(c)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, errors.New("url: does not parse") // its error would quote the URL
	}
	// The path and query may be the token (Slack, Discord, Telegram) and a
	// receiver's error page may echo them.
	var keep []string
	for _, s := range append(secrets, target, u.EscapedPath(), u.Path, u.RawQuery) {
		if s == "/" {
			continue
		}
		if s != "" {
			keep = append(keep, s)
		}
	}
	return &sender{client: client, url: target, shown: u.Scheme + "://" + u.Host, secrets: keep}, nil
}

// httpClient returns a client bounded by the channel's timeout, trusting
// tls_ca_file when set, that does not follow redirects: a redirect would
// carry the body (and a signature) to a place nobody configured.
func httpClient(c config.Channel) (*http.Client, error) {
	tlsConf, err := tlsConfig(c)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	return &http.Client{
		Timeout:   c.RequestTimeout(),
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// tlsConfig builds the client TLS settings of a channel: the system roots,
// or only the certificates of tls_ca_file, as Prometheus' ca_file does.
func tlsConfig(c config.Channel) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.TLSInsecureSkipVerify}
	if c.TLSCAFile != "" {
		pem, err := os.ReadFile(c.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("tls_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls_ca_file: %s holds no PEM certificate", c.TLSCAFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// post sends body as JSON and returns the response of a 2xx answer. Any other
// status is a *StatusError whose RetryAfter comes from the Retry-After header;
// a transport error names only the scheme and host.
func (s *sender) post(ctx context.Context, header http.Header, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("post %s: %s", s.shown, s.redact(err.Error()))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lpops")
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return nil, nil, fmt.Errorf("post %s: %s", s.shown, s.redact(err.Error()))
	}
	defer resp.Body.Close()
	data, err := httpx.ReadBody(resp.Body, maxResponse)
	if resp.StatusCode/100 != 2 {
		// A status with an error page cut at maxResponse is still the answer.
		return resp, data, &StatusError{
			StatusCode: resp.StatusCode,
			Message:    s.message(string(data)),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("post %s: read the answer: %s", s.shown, s.redact(err.Error()))
	}
	return resp, data, nil
}

// message turns a response body into a short, printable, secret-free line.
func (s *sender) message(body string) string {
	return httpx.Text(s.redact(body))
}

func (s *sender) redact(msg string) string {
	for _, secret := range s.secrets {
		msg = strings.ReplaceAll(msg, secret, "<redacted>")
	}
	return msg
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date
// (RFC 9110, section 10.2.3).
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 {
		return seconds(n)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// seconds converts a positive wait in seconds that a service asked for,
// saturating: a huge number (or +Inf) means wait long, not, overflowed to a
// negative duration, not at all.
func seconds(n float64) time.Duration {
	if n >= float64(math.MaxInt64)/float64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n * float64(time.Second))
}
