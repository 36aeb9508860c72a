// Package keeper performs the orchestrator's round duties: it makes sure
// BondingManager reward is called exactly once for every round in which the
// orchestrator is active, and optionally initializes rounds nobody initialized.
//
// # Flow
//
// Each tick reads one livepeer.Snapshot (the head, then a single JSON-RPC
// batch with every call at that block), loads the
// persisted Record of the current round, reconciles the transactions lpops sent
// for it (receipts and the account nonce, one more batch), and decides:
//
//   - round not initialized and initialize_round enabled, after_blocks passed:
//     send initializeRound;
//   - orchestrator active, lastRewardRound < currentRound, grace_blocks passed:
//     simulate, then send reward() (signer is the orchestrator) or
//     rewardForTranscoder(orch) (signer is its LIP-118 reward caller);
//   - otherwise sleep until the next thing that can change the decision (the
//     end of the grace window, the next round), at most poll_interval.
//
// # On time
//
// Sleeps are measured in RoundsManager.blockNum() blocks and converted to
// time with the block clock (clock.go), which forgets a stall within a few
// blocks. A deadline closer than active_poll_interval is slept to, not
// rounded up to a whole interval, so the reward is broadcast within about two
// blocks of the grace end on chains with blocks faster than the interval.
// A reward is not sent when fewer blocks are left in the round than its
// inclusion needs (state too_late): mined in the next round it would revert.
//
// # Outages
//
// While the chain cannot be read, reads back off from active_poll_interval,
// doubling, but never beyond a tenth of the time left in the round; and the
// endpoint pool, which rechecks a failed endpoint every active_poll_interval,
// wakes the keeper (ChainRecovered) as soon as one answers again.
//
// # Exactly once
//
// A transaction is signed and written to the store before it is broadcast, so
// a SIGKILL at any point leaves a record of everything that may be on the
// network. While any reward transaction of a round may still be mined, every
// new attempt for that round reuses its nonce (a replacement with fees bumped
// by at least 12.5 %, the max fee never above the fee cap and the tip never
// above max_priority_fee_gwei; when the next bump would break either cap the
// pending transaction is re-broadcast instead), so at most one can be mined. A
// fresh nonce is taken only once the old one is consumed on chain. At a round
// change the previous round's transactions that may still be mined move to
// the new round's record in one store transaction (the old copy marked
// replaced, the new record holding it), so no crash leaves one tracked by
// neither. Before any
// send the call is simulated against the latest state, so lpops never sends a
// reward that would revert (already rewarded, not active, not initialized).
//
// # A corrupt record
//
// A round record that does not decode (a disk fault, a partial write by
// another tool) would otherwise fail every tick. It is moved, bytes
// unchanged, to the store's quarantine bucket, named in Status.Quarantined
// (the duty probe's StateCorrupt alert), and the keeper goes on from chain
// state: the round is read again and a new record started. What the lost
// record knew is the transactions lpops may have in flight. So for the
// quarantined round and the next (which would have carried them over), no
// fresh nonce is taken while the account's pending nonce is above its mined
// nonce: a transaction of the account is in a pool and may be lpops' reward;
// a new one would queue behind it and revert after it. Nor is that
// transaction replaced blindly at the mined nonce: on an account shared with
// the node it may be the node's own, which a replacement would cancel. The
// keeper waits (state unknown_in_flight) until it is mined (the round reads
// rewarded, or the simulation says so) or dropped (pending equals mined),
// and only then sends. The price of that rule is a missed round if the
// unknown transaction never leaves the pool; the alternative is two reward
// transactions.
//
// # Never a false "missed"
//
// A round is counted missed only when lpops read the chain after the round
// ended and saw it unrewarded while the orchestrator was active in it. When the
// chain cannot be read, the keeper reports the data source as down, not the
// duty as missed.
package keeper
