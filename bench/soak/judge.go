package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/livepeer"
)

// result is what the soak prints: everything about rewards comes from the
// chain, everything about notifications from the sink, and lpops' API is
// read only for what it says was firing and when it broadcast.
type result struct {
	Chain       string  `json:"chain"`
	Seed        int64   `json:"seed"`
	RoundLength uint64  `json:"round_length_blocks"`
	Grace       uint64  `json:"grace_blocks"`
	BlockTimeMS int64   `json:"block_time_ms"`
	WallSeconds float64 `json:"wall_seconds"`

	Rounds         int      `json:"rounds"`
	Reachable      int      `json:"rounds_chain_reachable"`
	NotInitialized []uint64 `json:"rounds_not_initialized"`
	InitByDriver   []uint64 `json:"rounds_initialized_by_the_driver"`
	ByNode         int      `json:"rewarded_by_node"`
	ByLpops        int      `json:"rewarded_by_lpops"`
	Missed         []uint64 `json:"missed_reachable"`
	MissedOther    []uint64 `json:"missed_unreachable"`

	LpopsRounds   int            `json:"rounds_with_lpops_txs"`
	TxsPerRound   map[string]int `json:"lpops_txs_per_round"` // "1": rounds with one mined tx, ...
	MultiTxRounds []uint64       `json:"rounds_with_several_lpops_txs"`
	RevertedLpops []string       `json:"reverted_lpops_txs"`
	RevertedNode  int            `json:"reverted_node_txs"`
	CapBreaches   []string       `json:"fee_cap_breaches"`

	AlertsDue   int      `json:"alerts_due"`
	Undelivered []string `json:"alerts_undelivered"`
	SinkBad     int      `json:"sink_bad_requests"`
	SinkGot     int      `json:"sink_notifications"`

	ToBroadcast *stat `json:"grace_end_to_broadcast_blocks"` // nil: lpops' records carry no sent block
	ToInclusion *stat `json:"grace_end_to_inclusion_blocks"`

	Faults   map[string]int `json:"faults"`
	FaultLog []*fault       `json:"fault_log"`
	Skipped  []string       `json:"skipped,omitempty"`
	Broken   []string       `json:"broken_goals"`
}

type stat struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

func newStat(v []float64) *stat {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return &stat{N: len(v), Median: m, Max: v[len(v)-1]}
}

// rpcTx is a transaction as eth_getBlockByNumber(n, true) returns it.
type rpcTx struct {
	Hash   common.Hash     `json:"hash"`
	From   common.Address  `json:"from"`
	To     *common.Address `json:"to"`
	Nonce  hexutil.Uint64  `json:"nonce"`
	MaxFee *hexutil.Big    `json:"maxFeePerGas"`
	Tip    *hexutil.Big    `json:"maxPriorityFeePerGas"`
	Price  *hexutil.Big    `json:"gasPrice"`
	Input  hexutil.Bytes   `json:"input"`
	block  uint64
	status uint64
}

type rpcBlock struct {
	Number hexutil.Uint64 `json:"number"`
	Txs    []rpcTx        `json:"transactions"`
}

// judge reads the soak's blocks and logs from the chain and compares lpops'
// alerts with the sink.
func (s *soak) judge(ctx context.Context, from, end uint64, records []json.RawMessage) (*result, error) {
	res := &result{Chain: s.p.chain, RoundLength: s.t.RoundLength, Grace: s.t.Grace, BlockTimeMS: s.t.BlockTime.Milliseconds(),
		Rounds: len(s.plan.Rounds), TxsPerRound: map[string]int{}, Faults: map[string]int{}, FaultLog: s.plan.Faults}
	caller := crypto.PubkeyToAddress(s.signer.PublicKey)
	orch := crypto.PubkeyToAddress(s.orch.PublicKey)
	bm := s.dep.BondingManager

	// Every transaction of the soak's blocks, from lpops' account or the node's.
	var txs []*rpcTx
	for lo := from; lo < end; lo += 100 {
		hi := min(end, lo+100)
		blocks := make([]rpcBlock, hi-lo)
		batch := make([]rpc.BatchElem, hi-lo)
		for i := range batch {
			batch[i] = rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(lo + uint64(i)), true}, Result: &blocks[i]}
		}
		if err := s.chain.RPC.BatchCallContext(ctx, batch); err != nil {
			return nil, fmt.Errorf("read blocks %d-%d: %w", lo, hi-1, err)
		}
		for i, b := range blocks {
			if batch[i].Error != nil {
				return nil, fmt.Errorf("read block %d: %w", lo+uint64(i), batch[i].Error)
			}
			for j := range b.Txs {
				t := b.Txs[j]
				if t.From == caller || t.From == orch && t.To != nil && *t.To == bm {
					t.block = uint64(b.Number)
					txs = append(txs, &t)
				}
			}
		}
	}
	receipts := make([]struct {
		Status hexutil.Uint64 `json:"status"`
	}, len(txs))
	batch := make([]rpc.BatchElem, len(txs))
	for i, t := range txs {
		batch[i] = rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{t.Hash}, Result: &receipts[i]}
	}
	if len(batch) > 0 {
		if err := s.chain.RPC.BatchCallContext(ctx, batch); err != nil {
			return nil, fmt.Errorf("read receipts: %w", err)
		}
	}
	for i, t := range txs {
		t.status = uint64(receipts[i].Status)
	}

	// Reward events for the orchestrator, and NewRound events.
	logs, err := s.chain.Eth.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(end - 1),
		Addresses: []common.Address{bm}, Topics: [][]common.Hash{{livepeer.TopicReward}, {common.BytesToHash(orch.Bytes())}},
	})
	if err != nil {
		return nil, fmt.Errorf("read Reward events: %w", err)
	}
	rewardTx := map[uint64]common.Hash{}
	for _, l := range logs {
		rewardTx[s.roundOf(l.BlockNumber)] = l.TxHash
	}
	newRounds, err := s.chain.Eth.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(end - 1),
		Addresses: []common.Address{s.dep.RoundsManager}, Topics: [][]common.Hash{{livepeer.RoundsManagerABI.Events["NewRound"].ID}},
	})
	if err != nil {
		return nil, fmt.Errorf("read NewRound events: %w", err)
	}
	initialized := map[uint64]bool{}
	for _, l := range newRounds {
		initialized[s.roundOf(l.BlockNumber)] = true
	}

	sent := sentBlocks(records)
	down := s.unreachableBlocks()
	var toBroadcast, toInclusion []float64
	byRound := map[uint64][]*rpcTx{}
	for _, t := range txs {
		if t.From != caller {
			if t.status == 0 {
				res.RevertedNode++
			}
			continue
		}
		r := s.roundOf(t.block)
		byRound[r] = append(byRound[r], t)
		if t.status == 0 {
			res.RevertedLpops = append(res.RevertedLpops, fmt.Sprintf("round %d block %d %s", r, t.block, t.Hash))
		}
		if (t.MaxFee != nil && t.MaxFee.ToInt().Cmp(maxFee) > 0) || (t.Tip != nil && t.Tip.ToInt().Cmp(tipCap) > 0) ||
			(t.MaxFee == nil && t.Price != nil && t.Price.ToInt().Cmp(maxFee) > 0) {
			res.CapBreaches = append(res.CapBreaches, fmt.Sprintf("round %d block %d %s maxFee %s tip %s", r, t.block, t.Hash, gweiStr(t.MaxFee), gweiStr(t.Tip)))
		}
	}
	for _, rp := range s.plan.Rounds {
		r := rp.Round
		graceEnd := rp.Start + s.t.Grace
		if !initialized[r] {
			res.NotInitialized = append(res.NotInitialized, r)
		}
		reachable := s.reachable(rp.Start, down)
		if reachable {
			res.Reachable++
		}
		if mine := byRound[r]; len(mine) > 0 {
			res.LpopsRounds++
			res.TxsPerRound[fmt.Sprint(len(mine))]++
			if len(mine) > 1 {
				res.MultiTxRounds = append(res.MultiTxRounds, r)
			}
		}
		h, ok := rewardTx[r]
		switch {
		case !ok && reachable && initialized[r]:
			res.Missed = append(res.Missed, r)
		case !ok:
			res.MissedOther = append(res.MissedOther, r)
		default:
			byLpops := false
			for _, t := range byRound[r] {
				if t.Hash == h {
					byLpops = true
					toInclusion = append(toInclusion, float64(int64(t.block)-int64(graceEnd)))
					if b, ok := sent[h]; ok {
						toBroadcast = append(toBroadcast, float64(int64(b)-int64(graceEnd)))
					}
				}
			}
			if byLpops {
				res.ByLpops++
			} else {
				res.ByNode++
			}
		}
	}
	s.mu.Lock()
	res.InitByDriver = slices.Clone(s.initByDriver)
	s.mu.Unlock()
	res.ToInclusion = newStat(toInclusion)
	if len(sent) > 0 {
		res.ToBroadcast = newStat(toBroadcast)
	}

	// Alerts: every episode lpops showed firing with a notification queued
	// must have reached the sink.
	got, bad := s.sink.Notifications()
	res.SinkBad, res.SinkGot = bad, len(got)
	s.alerts.mu.Lock()
	for _, e := range s.alerts.episodes {
		if !e.Due {
			continue
		}
		res.AlertsDue++
		delivered := false
		for _, n := range got {
			if n.Status == "firing" && n.Fingerprint == e.Fingerprint && n.StartsAt.Sub(e.StartsAt).Abs() < time.Second {
				delivered = true
				break
			}
		}
		if !delivered {
			res.Undelivered = append(res.Undelivered, fmt.Sprintf("%s %s since %s", e.Name, e.Fingerprint, e.StartsAt.UTC().Format(time.RFC3339)))
		}
	}
	s.alerts.mu.Unlock()
	sort.Strings(res.Undelivered)

	for _, f := range s.plan.Faults {
		res.Faults[f.Kind]++
	}
	if len(res.Missed) > 0 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d reachable rounds missed", len(res.Missed)))
	}
	if len(res.MultiTxRounds) > 0 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d rounds with more than one lpops transaction mined", len(res.MultiTxRounds)))
	}
	if len(res.CapBreaches) > 0 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d fee cap breaches", len(res.CapBreaches)))
	}
	if len(res.Undelivered) > 0 {
		res.Broken = append(res.Broken, fmt.Sprintf("%d firing alerts never delivered", len(res.Undelivered)))
	}
	return res, nil
}

// unreachableBlocks is the set of blocks during which neither endpoint
// could answer (killed, frozen or answering garbage).
func (s *soak) unreachableBlocks() map[uint64]bool {
	bad := map[string]map[uint64]bool{"a": {}, "b": {}}
	for _, f := range s.plan.Faults {
		var targets []string
		switch f.Kind {
		case faultRPCKill, faultRPCFreeze, faultRPCGarbage:
			targets = []string{f.Target}
		case faultAllFrozen:
			targets = []string{"a", "b"}
		}
		for _, t := range targets {
			for b := f.Start; b < f.End; b++ {
				bad[t][b] = true
			}
		}
	}
	down := map[uint64]bool{}
	for b := range bad["a"] {
		if bad["b"][b] {
			down[b] = true
		}
	}
	return down
}

// reachable reports whether, between the grace end and the round's end, an
// endpoint answered for Margin blocks in a row.
func (s *soak) reachable(start uint64, down map[uint64]bool) bool {
	run := uint64(0)
	for b := start + s.t.Grace; b < start+s.t.RoundLength; b++ {
		if down[b] {
			run = 0
			continue
		}
		if run++; run >= s.t.Margin {
			return true
		}
	}
	return false
}

// sentBlocks reads the head at broadcast of each transaction from lpops'
// round records, where the records carry one ("sent_block_num": the blockNum() read in the tick that signed and first sent it).
func sentBlocks(records []json.RawMessage) map[common.Hash]uint64 {
	out := map[common.Hash]uint64{}
	for _, raw := range records {
		var rec struct {
			Txs []struct {
				Hash      common.Hash `json:"hash"`
				SentBlock *uint64     `json:"sent_block_num"`
			} `json:"txs"`
		}
		if json.Unmarshal(raw, &rec) != nil {
			continue
		}
		for _, t := range rec.Txs {
			if t.SentBlock != nil {
				out[t.Hash] = *t.SentBlock
			}
		}
	}
	return out
}

func gweiStr(v *hexutil.Big) string {
	if v == nil {
		return "-"
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v.ToInt()), big.NewFloat(1e9)).Float64()
	return fmt.Sprintf("%.4g gwei", f)
}

func (res *result) print(w io.Writer) {
	fmt.Fprintf(w, "lpops chaos soak on %s, seed %d: %d rounds of %d blocks, a block every %dms, grace %d blocks; %s wall time\n\n",
		res.Chain, res.Seed, res.Rounds, res.RoundLength, res.BlockTimeMS, res.Grace, time.Duration(res.WallSeconds*float64(time.Second)).Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	row("rounds", res.Rounds)
	row("  chain reachable (an endpoint answered 6 blocks in a row after the grace end)", res.Reachable)
	row("  not initialized (nobody could reward)", list(res.NotInitialized))
	row("  initialized by the driver (the node had not 2 blocks in)", list(res.InitByDriver))
	row("  rewarded by the node / by lpops", fmt.Sprintf("%d / %d", res.ByNode, res.ByLpops))
	row("  missed among reachable (goal 0)", list(res.Missed))
	row("  missed while unreachable or not initialized", list(res.MissedOther))
	row("rounds with an lpops transaction mined", res.LpopsRounds)
	var per []string
	for _, kv := range benchkit.SortedCounts(res.TxsPerRound) {
		per = append(per, fmt.Sprintf("%s tx: %d", kv.K, kv.V))
	}
	row("  reward txs per round (goal exactly 1)", strings.Join(per, ", "))
	row("  rounds with more than one (goal 0)", list(res.MultiTxRounds))
	row("reverted txs: lpops / node", fmt.Sprintf("%d / %d", len(res.RevertedLpops), res.RevertedNode))
	row("fee cap breaches (goal 0)", len(res.CapBreaches))
	row("firing alerts due a notification", res.AlertsDue)
	row("  without a delivered notification (goal 0)", len(res.Undelivered))
	row("  notifications the sink received (bad signature)", fmt.Sprintf("%d (%d)", res.SinkGot, res.SinkBad))
	row("blocks from grace end to broadcast, median / max", statStr(res.ToBroadcast, "n/a (lpops' records carry no sent block)"))
	row("blocks from grace end to inclusion, median / max", statStr(res.ToInclusion, "n/a (no lpops reward mined)"))
	_ = tw.Flush()
	for _, l := range [][]string{res.RevertedLpops, res.CapBreaches, res.Undelivered} {
		for _, s := range l {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	fmt.Fprintf(w, "\nfaults: %d\n", len(res.FaultLog))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, kv := range benchkit.SortedCounts(res.Faults) {
		fmt.Fprintf(tw, "  %s\t%d\n", kv.K, kv.V)
	}
	_ = tw.Flush()
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}
	fmt.Fprintln(w, "\nfault log:")
	for _, f := range res.FaultLog {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if len(res.Broken) == 0 {
		fmt.Fprintln(w, "\nall goals held")
		return
	}
	fmt.Fprintf(w, "\nGOALS BROKEN: %s\n", strings.Join(res.Broken, "; "))
}

func list(v []uint64) string {
	if len(v) == 0 {
		return "0"
	}
	s := make([]string, len(v))
	for i, r := range v {
		s[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf("%d (rounds %s)", len(v), strings.Join(s, " "))
}

func statStr(s *stat, none string) string {
	if s == nil {
		return none
	}
	return fmt.Sprintf("%s / %s (n=%d)", benchkit.Num(s.Median), benchkit.Num(s.Max), s.N)
}
