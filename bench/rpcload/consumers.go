package main

import (
	"sort"
	"strconv"
	"strings"
)

// Consumers of lpops' chain reads, as the content of a request marks them.
// The proxy sees requests, not consumers: each of lpops' consumers sends
// batches of a content no other sends (the read scheduler coalesces a
// consumer's reads with those of its own lane only), so the content names
// it. Requests no rule names count as "other".
const (
	consumerRPCProbe = "RPC probe (per endpoint: head, nonces, chain id, syncing, peers)"
	consumerKeeper   = "keeper snapshot (round state, transcoder state, balance)"
	consumerChain    = "chain probes (accounts, stake, fees: state and logs)"
	consumerHealth   = "endpoint pool health check"
	consumerOther    = "other (stake standing re-reads, pool walk, keeper's round-boundary reads)"
)

// consumerOf names the consumer whose requests have shape's content.
func consumerOf(shape string) string {
	has := func(m string) bool { return strings.Contains(shape, m) }
	switch {
	case shape == healthCheck:
		return consumerHealth
	case shape == "eth_getBlockByNumber", has("eth_getTransactionCount"), has("eth_chainId"), has("eth_syncing"), has("net_peerCount"):
		// The RPC probe's head-only round trip, and the ones carrying its
		// per-endpoint reads.
		return consumerRPCProbe
	case has("eth_getLogs"), has("eth_gasPrice"):
		return consumerChain
	case has("eth_getBalance") && callsOf(shape, "eth_call") >= 11:
		return consumerKeeper
	}
	return consumerOther
}

// callsOf counts the calls of method in shape ("[eth_call x9, eth_gasPrice]"),
// all of them for method "".
func callsOf(shape, method string) int {
	n := 0
	for _, item := range strings.Split(strings.Trim(shape, "[]"), ", ") {
		name, count := item, 1
		if i := strings.LastIndex(item, " x"); i > 0 {
			if c, err := strconv.Atoi(item[i+2:]); err == nil {
				name, count = item[:i], c
			}
		}
		if method == "" || name == method {
			n += count
		}
	}
	return n
}

// consumerCount is one consumer's requests and calls.
type consumerCount struct {
	name           string
	requests, call int
}

// byConsumer groups the shapes' requests and calls by consumer, most calls
// first.
func byConsumer(shapes map[string]int) []consumerCount {
	m := map[string]*consumerCount{}
	for sh, n := range shapes {
		c := consumerOf(sh)
		if m[c] == nil {
			m[c] = &consumerCount{name: c}
		}
		m[c].requests += n
		m[c].call += n * callsOf(sh, "")
	}
	out := make([]consumerCount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].call != out[j].call {
			return out[i].call > out[j].call
		}
		return out[i].name < out[j].name
	})
	return out
}
