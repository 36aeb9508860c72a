package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/httpx"
)

// DefaultPollInterval is how often a wait re-checks its condition.
const DefaultPollInterval = time.Second

// maxAttemptTimeout bounds one check of a wait, so a hung endpoint costs a
// few seconds of the wait, not all of it.
const maxAttemptTimeout = 5 * time.Second

// poll calls check every interval until it reports done, returns an error
// that ends the wait, or ctx ends. last describes the latest failed check
// for the timeout error.
func poll(ctx context.Context, interval time.Duration, check func(ctx context.Context) (done bool, out string, err error)) (string, error) {
	var last string
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, min(maxAttemptTimeout, interval*5))
		done, out, err := check(actx)
		cancel()
		if err != nil {
			return out, err
		}
		if done {
			return fmt.Sprintf("%s (check %d)", out, attempt), nil
		}
		last = out
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, fmt.Errorf("not reached within the timeout after %d checks; last: %s", attempt, last)
		case <-t.C:
		}
	}
}

// waitHTTPOK polls GET url until it answers want (any 2xx when 0) with
// contains in the body.
func waitHTTPOK(ctx context.Context, c *http.Client, interval time.Duration, rawURL string, want int, contains string) (string, error) {
	return poll(ctx, interval, func(ctx context.Context) (bool, string, error) {
		out, _, err := callHTTP(ctx, c, http.MethodGet, rawURL, want)
		if err != nil {
			return false, err.Error(), nil
		}
		if contains != "" && !strings.Contains(out, contains) {
			return false, fmt.Sprintf("GET %s answered without %q", redactURL(rawURL), contains), nil
		}
		status, _, _ := strings.Cut(out, "\n")
		return true, "GET " + redactURL(rawURL) + ": " + status, nil
	})
}

// rpcHead is the part of a block the wait reads.
type rpcHead struct {
	Number    hexutil.Uint64 `json:"number"`
	Timestamp hexutil.Uint64 `json:"timestamp"`
}

// waitRPCSynced polls the endpoint at rawURL (named name in messages: the
// URL may hold an API key) until it is not syncing, its newest block is at
// most maxAge old by now(), and its head has advanced past the first head
// this wait saw: a node that answers with a fresh-looking but frozen head,
// or one that just restarted and replays, does not pass.
func waitRPCSynced(ctx context.Context, interval time.Duration, rawURL, name string, maxAge time.Duration, now func() time.Time) (string, error) {
	var client *rpc.Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	var first *uint64
	return poll(ctx, interval, func(ctx context.Context) (bool, string, error) {
		if client == nil {
			c, err := rpc.DialOptions(ctx, rawURL, httpx.RPCOption())
			if err != nil {
				return false, fmt.Sprintf("%s: dial: %s", name, redactError(err, rawURL)), nil
			}
			client = c
		}
		var (
			syncing json.RawMessage
			head    *rpcHead
		)
		batch := []rpc.BatchElem{
			{Method: "eth_syncing", Result: &syncing},
			{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &head},
		}
		if err := client.BatchCallContext(ctx, batch); err != nil {
			if ctx.Err() != nil {
				return false, name + ": no answer within " + maxAttemptTimeout.String(), nil
			}
			return false, fmt.Sprintf("%s: %s", name, redactError(err, rawURL)), nil
		}
		for _, b := range batch {
			if b.Error != nil {
				return false, fmt.Sprintf("%s: %s: %s", name, b.Method, redactError(b.Error, rawURL)), nil
			}
		}
		if head == nil {
			return false, name + ": no latest block", nil
		}
		n := uint64(head.Number)
		age := now().Sub(time.Unix(int64(head.Timestamp), 0)).Round(100 * time.Millisecond)
		if first == nil {
			first = &n
		}
		if s, why := chain.DecodeSyncing(syncing); s {
			return false, fmt.Sprintf("%s: %s (head %d)", name, why, n), nil
		}
		if age > maxAge {
			return false, fmt.Sprintf("%s: head %d is %s old (limit %s)", name, n, age, maxAge), nil
		}
		if n <= *first {
			return false, fmt.Sprintf("%s: head %d (%s old) has not advanced yet", name, n, age), nil
		}
		return true, fmt.Sprintf("%s: not syncing, head %d (%s old), advanced from %d", name, n, age, *first), nil
	})
}

// redactError removes the endpoint's URL from err's text: go-ethereum's
// errors may quote it, and it may hold an API key.
func redactError(err error, rawURL string) string {
	s := err.Error()
	if rawURL != "" {
		s = strings.ReplaceAll(s, rawURL, "[endpoint URL]")
	}
	var he rpc.HTTPError
	if errors.As(err, &he) {
		s = fmt.Sprintf("HTTP %d", he.StatusCode)
	}
	return httpx.Text(s)
}
