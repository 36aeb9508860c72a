// Package livepeer reads and calls the Livepeer protocol contracts.
//
// Every contract is resolved through the Controller (getContract(keccak256(name))),
// never hard-coded. The round clock is RoundsManager.blockNum() — the L1 block
// number on Arbitrum — and never the L2's eth_blockNumber.
//
// A Snapshot is the whole state the keeper needs for one decision, read in a
// single JSON-RPC batch (one HTTP round trip) so that a steady-state round costs
// a handful of requests. Calls that a deployment may lack (LIP-118's
// transcoderToRewardCaller on pre-LIP-118 code) revert, which the reader turns
// into "no delegated reward caller" rather than an error.
//
// A FleetReader reads many orchestrators' Snapshots at one block for the
// requests of one: where the chain has Multicall3 at its canonical address
// every call goes into aggregate3 (allowFailure, so one orchestrator's revert
// stays its own), chunked to stay far under the eth_call gas cap; elsewhere
// the plain calls are batched, 48 to a request.
package livepeer
