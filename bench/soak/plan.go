package main

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Fault kinds. Each is drawn from the seed with the round and the block (as
// an offset into the round) where it starts and, for those that last, ends.
const (
	faultRPCKill    = "rpc_killed"        // one endpoint's listener closed, connections refused
	faultRPCFreeze  = "rpc_frozen"        // one endpoint holds every request
	faultRPCLag     = "rpc_lagging"       // one endpoint serves the chain some blocks behind
	faultRPCGarbage = "rpc_garbage"       // one endpoint answers bodies that are not JSON-RPC
	faultAllFrozen  = "all_rpc_frozen"    // both endpoints hold every request
	faultNodeDown   = "node_api_down"     // the node's CLI API refuses connections
	faultNodeHang   = "node_api_hanging"  // the node's CLI API holds every request
	faultKill       = "lpops_killed"      // SIGKILL at a random instant
	faultKillSend   = "lpops_killed_send" // SIGKILL between sign and broadcast
	faultKillRound  = "lpops_killed_round_change"
	faultDrain      = "account_drained"   // lpops' account below one call, refilled later
	faultBaseFee    = "base_fee_spike"    // base fee above max_fee, then back
	faultSinkDown   = "webhook_sink_down" // the alert channel refuses connections
	faultDiskFull   = "state_dir_full"    // the tmpfs of state_dir filled
)

// Base fee spike heights, in gwei: above lpops' max_fee_gwei 5, and between
// the fee cap lpops first signs with at a 1 gwei base fee (2·1 + a 1 gwei
// tip = 3) and that cap.
const (
	baseFeeAboveCap = "15"
	baseFeeBelowCap = "4"
	// atSend marks a spike that starts when lpops' send reaches a proxy.
	atSend = "@send"
)

var faultKinds = []string{
	faultRPCKill, faultRPCFreeze, faultRPCLag, faultRPCGarbage, faultAllFrozen, faultNodeDown, faultNodeHang,
	faultKill, faultKillSend, faultKillRound, faultDrain, faultBaseFee, faultSinkDown, faultDiskFull,
}

// fault is one planned fault and, once injected, what happened.
type fault struct {
	Kind   string `json:"kind"`
	Target string `json:"target,omitempty"` // endpoint a or b, for the per-endpoint kinds
	Round  uint64 `json:"round"`
	// Start and End are blocks; End == Start for an instant.
	Start uint64 `json:"start_block"`
	End   uint64 `json:"end_block"`
	// Param: the lag in blocks; for a kill, when in the block it lands; for
	// a kill at the send, what became of the held transaction ("forward" or
	// "drop"); for a drain, the balance in wei it is refilled to.
	Param string `json:"param,omitempty"`
	// Note says what the injection found (a kill at the send that saw no
	// send, a fault skipped because it could not be set up).
	Note string `json:"note,omitempty"`
}

func (f *fault) String() string {
	s := fmt.Sprintf("round %d blocks %d-%d %s", f.Round, f.Start, f.End, f.Kind)
	if f.Target != "" {
		s += " " + f.Target
	}
	switch {
	case f.Param == "":
	case f.Kind == faultDrain:
		s += " (refilled to " + f.Param + " wei)"
	case f.Kind == faultBaseFee:
		s += " to " + strings.TrimSuffix(f.Param, atSend) + " gwei"
		if strings.HasSuffix(f.Param, atSend) {
			s += " at lpops' send"
		}
	case f.Kind == faultRPCLag:
		s += " by " + f.Param + " blocks"
	default:
		s += " " + f.Param
	}
	if f.Note != "" {
		s += " (" + f.Note + ")"
	}
	return s
}

// roundPlan is what the seed decided for one round.
type roundPlan struct {
	Round       uint64
	Start       uint64 // first block
	NodeRewards bool   // the node stand-in's reward service works this round
}

// plan is the whole soak's schedule, drawn from the seed before the first
// block, so a seed replays the same faults on the same blocks.
type plan struct {
	Rounds []roundPlan
	Faults []*fault
}

// timing is the soak's clock in blocks.
type timing struct {
	RoundLength, Grace uint64
	BlockTime          time.Duration
	// Margin is the blocks lpops needs at least, after the grace window, to
	// read, send and get a transaction mined: a fault that stops lpops from
	// sending (drain, base fee, disk) ends at least this far before the
	// round does, and a round counts as reachable only with this many
	// consecutive blocks in which an endpoint answered.
	Margin uint64
}

// scale converts the durations: the soak's round of RoundLength
// blocks stands for the 50-block rounds of 1 s of the reproduction chain
// (50 s), so a duration d there is d·RoundLength/50 blocks here.
func (t timing) scale(realSeconds int) uint64 {
	return max(1, uint64(realSeconds)*t.RoundLength/50)
}

// drawPlan draws the schedule. The first rounds take every kind once, in an
// order drawn from the seed, so a short run still covers each kind; then
// each round draws zero to two kinds. Two faults never share a target at
// once (an endpoint, the node API, lpops' process, the account, the base
// fee, the sink, the disk), so each injection can be undone on its own.
func drawPlan(seed int64, first, firstStart uint64, rounds int, t timing, skip []string) *plan {
	r := rand.New(rand.NewPCG(uint64(seed), 0x50a4))
	p := &plan{}
	busy := map[string]uint64{} // target → first free block
	kinds := slices.Clone(faultKinds)
	kinds = slices.DeleteFunc(kinds, func(k string) bool { return slices.Contains(skip, k) })
	// Kinds not yet drawn: the first rounds take one each, in an order drawn
	// from the seed, and a kind whose target is busy waits for a later round.
	pending := slices.Clone(kinds)
	r.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
	L, G := t.RoundLength, t.Grace
	for i := range rounds {
		rp := roundPlan{Round: first + uint64(i), Start: firstStart + uint64(i)*L, NodeRewards: r.IntN(2) == 0}
		var picks []string
		if len(pending) > 0 {
			picks = []string{pending[0]}
		} else {
			switch x := r.IntN(10); {
			case x < 1:
			case x < 7:
				picks = []string{kinds[r.IntN(len(kinds))]}
			default:
				picks = []string{kinds[r.IntN(len(kinds))], kinds[r.IntN(len(kinds))]}
			}
		}
		s := rp.Start
		span := func(lo, hi uint64) uint64 { return lo + uint64(r.IntN(int(hi-lo+1))) } // lo..hi inclusive
		for _, k := range picks {
			f := &fault{Kind: k, Round: rp.Round}
			var targets []string
			switch k {
			case faultRPCKill, faultRPCFreeze, faultRPCLag, faultRPCGarbage:
				f.Target = []string{"a", "b"}[r.IntN(2)]
				targets = []string{f.Target}
				f.Start = s + span(0, L-1)
				f.End = f.Start + span(t.scale(5), t.scale(60))
				if k == faultRPCLag {
					f.Param = fmt.Sprint(span(2, 8))
				}
			case faultAllFrozen:
				// 30 to 90 s on the reproduction chain, at any point of a round.
				targets = []string{"a", "b"}
				f.Start = s + span(0, L-1)
				f.End = f.Start + span(t.scale(30), t.scale(90))
			case faultNodeDown, faultNodeHang:
				targets = []string{"node"}
				f.Start = s + span(0, L-1)
				f.End = f.Start + span(t.scale(10), t.scale(100))
			case faultKill:
				targets = []string{"lpops"}
				f.Start = s + span(0, L-1)
				f.End = f.Start
				f.Param = fmt.Sprintf("+%dms", r.IntN(int(t.BlockTime.Milliseconds())))
			case faultKillRound:
				// At a random instant of the round's first two blocks, while
				// lpops carries the old round's transactions over.
				targets = []string{"lpops"}
				f.Start = s
				f.End = f.Start
				f.Param = fmt.Sprintf("+%dms", r.IntN(2*int(t.BlockTime.Milliseconds())))
			case faultKillSend:
				// lpops sends only where the node does not: make it miss.
				rp.NodeRewards = false
				targets = []string{"lpops", "sends"}
				f.Start = s + G - 1 // sends are held from before the grace end
				f.End = s + L - 1   // until a send is seen, or the round ends
				f.Param = []string{"forward", "drop"}[r.IntN(2)]
			case faultDrain:
				rp.NodeRewards = false // lpops must act
				targets = []string{"account"}
				f.Start = s + span(G-1, G+1)
				f.End = s + span(G+2, L-t.Margin)
			case faultBaseFee:
				// Half the spikes start right at the grace end and last until
				// the margin, so they catch lpops' reward in the pool; the
				// others at any block up to the margin. Half go above the cap
				// (lpops must wait), half between lpops' first fee and the cap
				// (its pending reward is stranded and must be replaced, within
				// both caps).
				rp.NodeRewards = false
				targets = []string{"basefee"}
				f.Start = s + span(G-1, L-t.Margin-3)
				f.End = min(s+L-t.Margin, f.Start+span(3, 8))
				if r.IntN(2) == 0 {
					f.Start = s + span(G, G+1)
					f.End = s + L - t.Margin
				}
				f.Param = []string{baseFeeAboveCap, baseFeeBelowCap}[r.IntN(2)]
				if f.Param == baseFeeBelowCap && f.Start <= s+G+1 {
					// Strand lpops' reward for sure: the base fee rises the
					// moment its transaction reaches a proxy, so the block
					// after the send already has it.
					f.Start = s + G - 1
					f.Param += atSend
					targets = append(targets, "sends")
				}
			case faultSinkDown:
				// Minutes: 2 to 5 on the reproduction chain.
				targets = []string{"sink"}
				f.Start = s + span(0, L-1)
				f.End = f.Start + span(t.scale(120), t.scale(300))
			case faultDiskFull:
				rp.NodeRewards = false
				targets = []string{"disk", "lpops"} // a restart on a full disk is another test
				f.Start = s + span(0, G)
				f.End = s + span(G+2, L-t.Margin)
			}
			free := true
			for _, tg := range targets {
				free = free && busy[tg] <= f.Start
			}
			if !free {
				continue
			}
			for _, tg := range targets {
				busy[tg] = f.End + 1
			}
			if len(pending) > 0 && pending[0] == k {
				pending = pending[1:]
			}
			p.Faults = append(p.Faults, f)
		}
		p.Rounds = append(p.Rounds, rp)
	}
	slices.SortStableFunc(p.Faults, func(a, b *fault) int { return cmp.Compare(a.Start, b.Start) })
	return p
}
