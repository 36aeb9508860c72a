// Package integration holds lpops' end-to-end tests: the built lpops binary,
// run as a separate process (`lpops run --config FILE`), against real chains,
// judged by what lands on chain.
//
// # What is real
//
//   - The chains: anvil and geth --dev, started through scripts/anvil.sh and
//     scripts/geth-dev.sh by internal/testenv (installed into .tools/bin by
//     scripts/install-test-tools.sh). A missing tool skips the tests on a
//     developer machine and fails them when CI=true.
//   - The contracts: the Livepeer-compatible Solidity contracts of
//     internal/testchain (Controller, BondingManager with LIP-118,
//     RoundsManager with its blockNum() clock, Minter, LivepeerToken),
//     deployed fresh to each chain. Selectors, events and revert strings are
//     those of livepeer/protocol.
//   - lpops: the binary built from ./cmd/lpops, configured with a YAML file,
//     a go-ethereum keystore and a passphrase file, as an operator would. The
//     tests see it only from outside: its JSON-RPC traffic reaches the chain,
//     and the test reads /api/v1/status, /api/v1/rounds and /metrics, the
//     process' exit status and its log.
//
// # What the test plays
//
// The go-livepeer node is not run. The test sends the node's transactions
// itself, with the orchestrator's key or the deployer's: it initializes each
// round (initializeRound), calls reward() where a scenario says the node does,
// unbonds, and pauses the Controller as its owner. It also plays the
// operator: it funds accounts, kills the primary RPC endpoint (a loopback TCP
// proxy in front of anvil), SIGKILLs and restarts lpops, and sends SIGTERM.
//
// # How the tests judge
//
// The assertion users care about is the number of transactions on chain from
// lpops' signer (testenv.Chain.CountTxs over block ranges, and account
// nonces), next to what lpops says about it in its status and metrics.
//
// # Time
//
// Rounds are short (8 to 12 blocks of blockNum()) with a grace of 3 blocks.
// Scenarios that need lpops to act on real time (a block a second) run on
// anvil's interval mining or geth --dev's period; anvil mines the setup
// transactions at once (automine) and then switches to a block a second, and
// the test jumps to the next round with anvil_mine rather than waiting for
// it. Scenarios whose point is an ordering (the node rewards before the grace
// ends, a transaction stays unmined until it is replaced, a crash between
// send and receipt) turn anvil's mining off and mine block by block, waiting
// after each step until lpops' status shows it has read that block, so the
// ordering does not depend on how fast a shared CI machine is. Every wait is
// a condition with a deadline (testenv.WaitFor), never a sleep.
//
// Most scenarios run on both chains (onChains): on geth --dev, which mines a
// block a second and cannot stop, the test waits for blocks instead of
// mining them, and gives itself a wider grace window where it must act
// inside it. The stuck transaction needs anvil (mining off). The SIGKILL
// scenario on geth holds lpops' broadcast in an rpcproxy, kills lpops there,
// and lets the transaction reach geth after it died.
//
// At most three chains run at once (chainSlots), which keeps the package well
// inside a few minutes on two cores.
package integration
