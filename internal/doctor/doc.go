// Package doctor audits the live host of an orchestrator against the policy
// of its configuration's host: section, the same policy `lpops render` turns
// into units, firewall rules and mounts. `lpops doctor` prints its Report.
//
// # Findings
//
// Every check yields one or more Findings: a stable check id (the Check*
// constants), a status, a subject (a PID, a path, an address, an endpoint
// name) when the check has several, the evidence it saw and, for a warning
// or a failure, the fix: a command or a configuration change. A check that
// does not apply to this configuration (geth not enabled, sshd not
// installed) reports Skip rather than a Pass it did not earn. A check that
// cannot see what it needs (not root, a tool missing, the network down)
// reports Warn with what it could not see: an audit that silently looks at
// nothing would read as clean.
//
// The worst status decides the exit code (ExitCode): 0 when everything
// passed or was skipped, 1 for at least one warning, 2 for at least one
// failure.
//
// # Secrets
//
// The passphrase check reads the keystore passphrases the configuration
// names, to find them in other processes' command lines and environments.
// They are held only for the run, never written into a finding (a finding
// names the PID, the process and where the secret was seen), and as a last
// guard Report.Redact replaces any of them that still reached the report's
// text before it is printed. RPC endpoints are named, never shown by URL.
//
// # Running as root
//
// Limits and command lines of every process are world-readable; environments,
// open sockets' owners and root-only credential files are not. Run as an
// unprivileged user, doctor says what it could not read (Warn) instead of
// passing it, and its fix is to run it as root; run as root (System.EUID),
// the fix for what it still cannot read says what else to check instead.
//
// # Testing
//
// Everything doctor reads from the host comes through System: the /proc root,
// sshd's configuration, the clock, a command runner, statfs, adjtimex and
// user lookups, so a check can be driven from fixtures. The package's main
// tests still run against real processes started by the test, limited with
// the real prlimit.
package doctor
