package keeper

import "time"

// clockMarks is how many block changes the block clock remembers.
const clockMarks = 16

// clockShortSpan is the span in blocks of the clock's short window.
const clockShortSpan = 4

// blockClock estimates the time per RoundsManager.blockNum() block (the L1
// block on Arbitrum) from what lpops has seen, so the keeper can sleep until a
// round boundary or the end of the grace window instead of polling.
//
// It remembers the last few block changes it saw (when each block was first
// seen) and takes the smaller of two rates: over everything remembered, which
// averages out blockNum's jumps on Arbitrum, and over the last few blocks,
// which forgets a stall (a frozen endpoint, a devnet that mined nothing for a
// while) within a few blocks. A rate measured once from the first block ever
// seen, as before, kept every stall of the process' life: after one five
// minute stall on a 1-second chain, the keeper slept 4 to 16 blocks past the
// grace window every round. Underestimating costs a few more reads;
// overestimating oversleeps a deadline, so the smaller rate wins.
//
// A gap between two sightings much slower than the estimate (the chain
// stalled, or lpops could not read it, in between) is not averaged in: the
// measurement restarts after it and the estimate from before stands, unless
// the chain stays that slow for clockSlowGaps gaps in a row.
type blockClock struct {
	marks    []clockMark
	perBlock time.Duration
	slow     int // consecutive slow gaps set aside
}

// clockSlowGaps is how many slow gaps in a row make the slower rate the
// estimate (the chain's block time really changed).
const clockSlowGaps = 3

type clockMark struct {
	block uint64
	at    time.Time
}

func (c *blockClock) observe(block uint64, now time.Time) {
	n := len(c.marks)
	if n == 0 || block < c.marks[n-1].block {
		// First sight, or the chain went backwards (a new devnet): restart.
		c.marks, c.perBlock = append(c.marks[:0], clockMark{block, now}), 0
		return
	}
	prev := c.marks[n-1]
	if block == prev.block {
		return
	}
	if gap := now.Sub(prev.at) / time.Duration(block-prev.block); c.perBlock > 0 && gap > 2*c.perBlock {
		c.slow++
		if c.slow < clockSlowGaps {
			c.marks = append(c.marks[:0], clockMark{block, now})
			return
		}
		c.perBlock = gap
	}
	c.slow = 0
	c.marks = append(c.marks, clockMark{block, now})
	if len(c.marks) > clockMarks {
		c.marks = append(c.marks[:0], c.marks[len(c.marks)-clockMarks:]...)
	}
	last := c.marks[len(c.marks)-1]
	rate := func(m clockMark) time.Duration { return last.at.Sub(m.at) / time.Duration(last.block-m.block) }
	first := c.marks[0]
	if last.block-first.block < 2 {
		return
	}
	c.perBlock = rate(first)
	for i := len(c.marks) - 2; i > 0; i-- {
		if m := c.marks[i]; last.block-m.block >= clockShortSpan {
			c.perBlock = min(c.perBlock, rate(m))
			break
		}
	}
}

// eta is the estimated time until n more blocks, slightly early so that a
// boundary is never overslept; unknown is returned before an estimate exists.
func (c *blockClock) eta(n uint64, unknown time.Duration) time.Duration {
	if c.perBlock <= 0 {
		return unknown
	}
	return time.Duration(n) * c.perBlock * 9 / 10
}

// PerBlock is the current estimate (0 when unknown).
func (c *blockClock) PerBlock() time.Duration { return c.perBlock }
