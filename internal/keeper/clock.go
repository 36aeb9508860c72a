package keeper

import "time"

// blockClock estimates the time per RoundsManager.blockNum() block (the L1
// block on Arbitrum) from what lpops has seen, so the keeper can sleep until a
// round boundary instead of polling. It measures from a baseline over many
// blocks, which averages out blockNum's jumps on Arbitrum.
type blockClock struct {
	baseBlock uint64
	baseTime  time.Time
	lastBlock uint64
	perBlock  time.Duration
}

func (c *blockClock) observe(block uint64, now time.Time) {
	if c.baseTime.IsZero() || block < c.lastBlock {
		// First sight, or the chain went backwards (a new devnet): restart.
		c.baseBlock, c.baseTime, c.lastBlock, c.perBlock = block, now, block, 0
		return
	}
	c.lastBlock = block
	if n := block - c.baseBlock; n >= 2 {
		c.perBlock = now.Sub(c.baseTime) / time.Duration(n)
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
