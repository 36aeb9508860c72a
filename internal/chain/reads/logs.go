package reads

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Merging eth_getLogs. Consumers that follow events (the stake and fees
// probes' log cursors) each ask for their own filter over the same confirmed
// block range. Calls of one batch over the same range are sent as one
// eth_getLogs: the union of their addresses and first topics, the other
// topic positions left open. Each consumer gets back, in chain order, the
// logs its own filter matches (address and every topic position), as the
// node would have answered it. A provider bills one call instead of several;
// the answer may hold a few more logs (others' events of the same kinds).

// logFilter is one eth_getLogs filter as it goes over the wire.
type logFilter struct {
	FromBlock json.RawMessage   `json:"fromBlock,omitempty"`
	ToBlock   json.RawMessage   `json:"toBlock,omitempty"`
	BlockHash json.RawMessage   `json:"blockHash,omitempty"`
	Address   json.RawMessage   `json:"address,omitempty"`
	Topics    []json.RawMessage `json:"topics,omitempty"`

	addrs  []common.Address
	topics [][]common.Hash // nil: any topic at that position
}

// parseLogFilter reads r as a mergeable eth_getLogs: one filter with a block
// range, at least one address and a first topic.
func parseLogFilter(r Read) (*logFilter, bool) {
	if r.Method != "eth_getLogs" || len(r.Args) != 1 {
		return nil, false
	}
	b, err := json.Marshal(r.Args[0])
	if err != nil {
		return nil, false
	}
	var f logFilter
	if json.Unmarshal(b, &f) != nil || f.BlockHash != nil || f.FromBlock == nil || f.ToBlock == nil {
		return nil, false
	}
	if f.addrs, err = oneOrMany[common.Address](f.Address); err != nil || len(f.addrs) == 0 {
		return nil, false
	}
	for _, t := range f.Topics {
		hs, err := oneOrMany[common.Hash](t)
		if err != nil {
			return nil, false
		}
		f.topics = append(f.topics, hs)
	}
	if len(f.topics) == 0 || len(f.topics[0]) == 0 {
		return nil, false
	}
	return &f, true
}

// oneOrMany decodes null, one value or an array of values.
func oneOrMany[T any](raw json.RawMessage) ([]T, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one T
	if json.Unmarshal(raw, &one) == nil {
		return []T{one}, nil
	}
	var many []T
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, err
	}
	return many, nil
}

// mergeLogs returns the calls to send for calls: each call's index among
// them (at), and for an eth_getLogs merged with others the filter that picks
// its logs from the merged answer (picks, nil for the others).
func mergeLogs(calls []Read) (wire []Read, at []int, picks []*logFilter) {
	at = make([]int, len(calls))
	picks = make([]*logFilter, len(calls))
	groups := map[string][]int{}
	var order []string
	for j, c := range calls {
		if f, ok := parseLogFilter(c); ok {
			k := f.rangeKey()
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], j)
			picks[j] = f
		}
	}
	merged := map[int]bool{}
	for _, k := range order {
		if g := groups[k]; len(g) >= 2 {
			fs := make([]*logFilter, len(g))
			for i, j := range g {
				fs[i], merged[j] = picks[j], true
				at[j] = len(wire)
			}
			wire = append(wire, mergeLogFilters(fs))
		}
	}
	for j, c := range calls {
		if merged[j] {
			continue
		}
		picks[j] = nil
		at[j] = len(wire)
		wire = append(wire, c)
	}
	return wire, at, picks
}

// rangeKey groups filters that may share one call.
func (f *logFilter) rangeKey() string { return string(f.FromBlock) + "-" + string(f.ToBlock) }

// mergeLogFilters is the one call that answers fs.
func mergeLogFilters(fs []*logFilter) Read {
	var addrs []common.Address
	var first []common.Hash
	for _, f := range fs {
		for _, a := range f.addrs {
			if !slices.Contains(addrs, a) {
				addrs = append(addrs, a)
			}
		}
		for _, t := range f.topics[0] {
			if !slices.Contains(first, t) {
				first = append(first, t)
			}
		}
	}
	return Read{Method: "eth_getLogs", Args: []any{map[string]any{
		"fromBlock": fs[0].FromBlock, "toBlock": fs[0].ToBlock, "address": addrs, "topics": []any{first},
	}}}
}

// pick returns, from the merged answer, the logs f matches.
func (f *logFilter) pick(merged json.RawMessage) (json.RawMessage, error) {
	var logs []json.RawMessage
	if err := json.Unmarshal(merged, &logs); err != nil {
		return nil, fmt.Errorf("eth_getLogs: %w", err)
	}
	out := []json.RawMessage{}
	for _, raw := range logs {
		var l struct {
			Address common.Address `json:"address"`
			Topics  []common.Hash  `json:"topics"`
		}
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("eth_getLogs: a log: %w", err)
		}
		if f.matches(l.Address, l.Topics) {
			out = append(out, raw)
		}
	}
	return json.Marshal(out)
}

func (f *logFilter) matches(addr common.Address, topics []common.Hash) bool {
	if !slices.Contains(f.addrs, addr) {
		return false
	}
	for i, want := range f.topics {
		if len(want) == 0 {
			continue
		}
		if i >= len(topics) || !slices.Contains(want, topics[i]) {
			return false
		}
	}
	return true
}
