// Package txdecode lists an account's transactions on the Livepeer
// contracts and says, for each, which function it called and with what.
//
// # Decoding
//
// A transaction's input is decoded by its 4-byte selector against the ABIs
// of the real contracts (internal/livepeer's, completed in abi.go) and
// ERC-20. Arguments are rendered for a person: addresses in lower case, stake
// in LPT, fees and ticket values in ETH, reward cut and fee share in percent.
// A selector no ABI has is shown raw ("0x12345678"); an input-less
// transaction is a plain ETH transfer.
//
// # Finding transactions without an indexer
//
// JSON-RPC has no "transactions of an account" query. Find assembles the
// list from three sources, then reads each transaction and its receipt:
//
//   - Logs. eth_getLogs over the block range, in chunks (a provider refuses
//     large ranges; a chunk it refuses is split in two and asked again), for
//     the events in which the account is an indexed topic: BondingManager
//     Reward(transcoder), Bond(newDelegate) and Bond(delegator),
//     Unbond(delegator), Rebond(delegator), WithdrawFees(delegator),
//     WithdrawStake(delegator), EarningsClaimed(delegator),
//     TranscoderUpdate(transcoder), RewardCallerSet(transcoder or caller),
//     LivepeerToken Transfer(from) and Approval(owner), TicketBroker
//     WinningTicketRedeemed(recipient). All of them take three eth_getLogs
//     filters per chunk (one per topic position), in one batch.
//   - Known hashes: lpops' own round records, which hold every
//     initializeRound and reward transaction it sent (initializeRound emits
//     no event naming the sender).
//   - An optional scan of the newest blocks with full transactions, keeping
//     those sent by the account. It is the only way to see what emits no
//     such event (a plain ETH transfer, an unknown contract, the node's
//     initializeRound), and it costs one eth_getBlockByNumber per block.
//
// What none of these sees: a transaction older than the range, and one that
// neither names the account in an event nor lies in the scanned blocks. A
// transaction that reverted emits no events, so only lpops' records or the
// scan find it.
package txdecode
