// Package remediate runs lpops' runbooks: sequences of actions and waits
// that repair what can be repaired, bound to alert states or to a schedule.
// The seed's manual fix for a chain node that looks healthy but follows the
// chain no more is the model: restart the chain node, wait until it is
// synced and its head is fresh and advancing, restart go-livepeer, check
// that its CLI API answers and that it reads its on-chain state again.
//
// # Steps
//
// Actions change something: systemd_restart restarts a unit over D-Bus (the
// call systemctl restart makes) and waits for the job's result; command runs
// a program from its argv, with no shell, no PATH search and an environment
// of PATH and LPOPS_RUNBOOK, LPOPS_RUN_ID and LPOPS_TRIGGER only (lpops'
// own environment may hold secrets), in its own process group, killed with
// the group at its timeout; http calls a URL once and checks the status.
// Waits poll until a condition holds or their timeout passes:
// wait_rpc_synced (eth_syncing false, the newest block younger than
// max_head_age, and the head advancing past the first one the wait saw) and
// wait_http_ok (a 2xx or the expected status, with body_contains in the
// answer). Every step has a timeout; the first step that fails ends the run.
//
// Output of commands and HTTP answers is kept, truncated to its last
// MaxOutput bytes, in the audit log. Secrets never belong in argv (every
// user can read /proc/PID/cmdline) nor in a URL: both are written to the
// audit log as they are, except that a URL's user info and query are
// dropped. The configuration refuses flags that look like a secret passed
// by value (--password=..., --token X) unless the value is a file path.
//
// # Triggers
//
// Every Interval (and on Wake) Evaluate reads the alert engine's state. A
// firing alert that matches one of a runbook's matchers (alertname and
// labels, by equality) triggers a run, unless it is silenced: a silence
// means an operator is on it, and a runbook restarting what they stopped
// would be worse than none. Inhibited alerts do trigger: inhibition only
// spares the operator a wall of consequences, the condition is real.
//
// A run that succeeds settles the episodes (fingerprint and StartsAt) of
// every matching alert firing when it ends, so the alert that probes have
// not re-observed yet does not start a second run; the runbook runs again
// for a new episode (the alert resolved and fired again). A run that fails
// leaves the episode open: the runbook runs again after its backoff while
// the alert fires, until its breaker opens. A dry run settles the episode
// like a success, so dry-run mode audits each episode once.
//
// A schedule (every an interval, or at a time of day in Options.Location)
// triggers a run at each occurrence, shifted by a uniform random offset
// within ± jitter drawn from Options.Rand. An occurrence that cannot run
// (a run is in progress, the breaker is open, a guard holds) is audited as
// skipped; one missed while lpops was down is skipped silently, not caught
// up, so a restart of lpops at noon does not restart geth at noon.
//
// # Guards
//
//   - At most one run per runbook at a time, and at most one action at a
//     time per target (a unit, a command's program, an HTTP method and
//     URL), across runbooks: a second action on the target waits its turn.
//   - Rate limit per target: at most rate_limit.max actions within any
//     window of rate_limit.per. A runbook whose actions would exceed it
//     waits before it starts (it is not started half-way); an action that
//     meets the limit mid-run fails its run.
//   - Backoff: after n failed runs in a row, a runbook waits
//     backoff.initial·2^(n−1) (at most backoff.max) before the next; after n
//     failed actions in a row, a target waits the same before any runbook
//     acts on it again.
//   - Circuit breaker per runbook: after breaker.failures failed runs in a
//     row it opens, the runbook stops, and the critical alert
//     RemediationBreakerOpen{runbook} fires through the alert Sink, so a
//     repair that does not work becomes a page instead of a restart storm.
//     Reset closes it; after breaker.cooldown it lets one trial run through
//     (half-open): success closes it and resolves the alert, failure opens
//     it again for another cooldown.
//   - Dry run (global or per runbook): every step is audited with what it
//     would do, nothing runs, no guard counts it.
//
// # Runs, persistence and restarts
//
// A run is a state machine persisted in the store (bucket remediation.runs,
// one record per run keyed by its id) at every transition: created with
// every step pending, each step marked running before it starts and
// ok/failed with its output when it ends, the run succeeded, failed,
// aborted, skipped or dry_run at the end. The same record is the audit log,
// bounded to the newest AuditKeep runs. Runbook state (consecutive
// failures, breaker, settled episodes) and target state (recent attempts,
// failures) are persisted beside it, so a restart of lpops neither forgets
// an open breaker nor resets a rate limit.
//
// When lpops restarts (or crashes) during a run, the next start decides
// from the record:
//
//   - between steps, or during a wait: the run resumes at that step (a wait
//     starts again with its full timeout; waits only read, so repeating
//     one is harmless). Run.Resumed counts this.
//   - during an action: the run is aborted, because whether the action took
//     effect is unknown and repeating a restart blindly is exactly what the
//     guards exist to prevent. The step is marked interrupted, the run
//     aborted, and it counts as a failed run for backoff and the breaker; if
//     the alert still fires, a new run starts from the first step after the
//     backoff, re-checking everything.
//
// A clean shutdown cancels the run's context and leaves the record as a
// crash would, so both paths behave alike.
//
// # Clock and tests
//
// Options.Now and Options.Rand drive every decision (schedules, jitter,
// backoff, cooldown, rate-limit windows) and every timestamp, so tests move
// days of schedule in microseconds and call Evaluate as Run would. Step
// timeouts and the polling of waits are real time: they bound real
// processes.
//
// # systemd and D-Bus
//
// systemd_restart needs the system bus (/run/dbus/system_bus_socket) and
// the right to manage the unit. lpops runs as its own user, so polkit must
// allow it: `lpops render` writes /etc/polkit-1/rules.d/50-lpops.rules
// (internal/render), which lets lpops' user restart exactly the units the
// runbooks' systemd_restart steps name and nothing else, and `lpops doctor`
// warns (remediation.polkit) when it is missing or lacks a unit.
//
// Without a system bus (a container, a host without systemd) the action
// fails with "no system bus" and the run fails like any other.
package remediate
