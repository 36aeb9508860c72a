// Package testenv runs the real programs lpops' integration tests need: anvil
// and geth --dev chains, and the built lpops binary, each as a process the test
// controls and cleans up.
//
// # Tools
//
// scripts/install-test-tools.sh installs pinned versions of anvil and geth into
// .tools/bin at the repository root; RequireTool finds them there first and on
// PATH second. A missing tool skips the test on a developer machine and fails it
// when CI=true, so CI can never pass by not running the integration tests.
//
// # Processes
//
// Every process runs in its own process group with SIGKILL as its parent-death
// signal: t.Cleanup kills the whole group, and a test binary that dies (a
// panic, a -timeout) takes its chains with it instead of leaking them onto the
// ports of later runs. Output goes to files under t.TempDir() and is printed
// when the test fails.
//
// Chains are started through scripts/anvil.sh and scripts/geth-dev.sh, the same
// scripts a developer runs by hand, so the flags live in one place.
//
// # Chains
//
// anvil's first dev account has the well-known key of the "test test ... junk"
// mnemonic; FundedKey signs with it. geth --dev (v1.17.10) imports the
// well-known go-ethereum developer key (0x71562b71999873DB5b286dF957af199Ec94617F7)
// into the datadir's keystore with an empty password and unlocks it, so it is
// the first of eth_accounts and eth_sendTransaction from it works over HTTP
// (there is no personal namespace any more). StartGeth always gives geth a
// datadir, so Restart (a clean SIGTERM shutdown) keeps the chain. geth-dev.sh
// runs it in archive mode on the hash state scheme, so that a geth killed by
// SIGKILL usually comes back with its chain (the default path scheme keeps
// recent state in memory and always restarts at genesis); but geth writes
// its database without fsync and buffers the newest writes in process, so a
// killed geth may still come back at an earlier block, genesis included.
// Tests that kill geth must allow for that, as a real crash would.
//
// anvil keeps its chain in memory: Restart gives a fresh chain unless
// AnvilOptions.StatePath is set and the chain was shut down cleanly.
package testenv
