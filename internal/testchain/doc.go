// Package testchain deploys Livepeer-compatible test contracts to a local EVM chain and
// drives them, for the lpops demo, integration tests against anvil or geth, and unit
// tests on go-ethereum's simulated backend.
//
// The contracts (contracts/src in the repository root) are simplified stand-ins for
// livepeer/protocol: Controller, LivepeerToken, Minter, RoundsManager, BondingManager
// (with the LIP-118 reward caller) and TicketBroker. What lpops observes is kept exact:
// function and event signatures (so selectors and topics match the real chain), the
// getTranscoder and getDelegator tuples, block-number rounds with the real
// lastRoundLengthUpdateRound bookkeeping, the one-round activation delay, and the
// revert strings of reward and initializeRound. Accounting that lpops does not read is
// simplified; each contract says what it leaves out.
//
// Two test-only knobs exist that the real contracts lack. RoundsManager.blockNum() is
// blockNumOffset + block.number / blockNumDivisor, which reproduces Arbitrum, where the
// protocol clock is the L1 block number and moves slower than the L2 head
// (Deployment.SetBlockNumParams). BondingManager.setLIP118Enabled(false) makes the four
// LIP-118 functions revert without data, as they do on a deployment that predates
// LIP-118 (Deployment.SetLIP118Enabled).
//
// Every method that sends a transaction waits for its receipt and turns a revert into a
// *RevertError carrying the contract's reason. Waiting needs a chain that mines on its
// own (automine, a block timer, or a test that commits blocks). Where a test mines by
// hand, the Send* variants return the signed transaction without waiting and Wait
// collects the receipt later.
//
// Multicall3 is the exception to deploying: Arbitrum One has it at one canonical address,
// so a test chain gets it there (Multicall3Alloc in a genesis, InstallMulticall3 on anvil)
// or not at all, to test readers with it and without it.
//
// The Solidity sources, the JSON artifacts in artifacts/ and the bindings in bindings/
// are rebuilt with go generate (see generate.go); the artifacts are committed so that
// building and testing need neither node nor solc.
package testchain
