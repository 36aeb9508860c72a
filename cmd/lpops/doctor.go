package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/doctor"
)

const doctorUsage = `Usage: lpops doctor [--config FILE] [--credentials-dir DIR] [--json] [--node-pid PID] [--check ID]

Audit this host against the policy of the configuration FILE (its host:
section, the same one 'lpops render' writes units and firewall rules from)
and print one line per finding: PASS, WARN, FAIL or SKIP, the check id, what
was seen and, for WARN and FAIL, the fix.

Checks:
  limits.node, limits.geth  open-file soft limit of the running go-livepeer
                            (and geth) in /proc/PID/limits: under 50000 fails,
                            under host.*.limit_nofile warns
  clock.sync                chrony, timedatectl or the kernel (adjtimex):
                            unsynchronised fails, unknown warns
  listen.loopback           the CLI API, the chain RPC and lpops' API listen on
                            loopback only (else fail)
  listen.public             no other public TCP listener than ssh and the
                            service port (else warn)
  sshd.root_login           PermitRootLogin no (prohibit-password warns)
  sshd.password_auth        PasswordAuthentication no
  keystore.perms            keystores and passphrase files 0600/0400, owned
                            by the service user (root for credentials), 0700
                            directories
  passphrase.exposed        a keystore passphrase, or a literal -ethPassword,
                            in any process's command line or environment
                            (names the PID, never prints the secret)
  disk.free                 data volumes mounted; free space and inodes on
                            them: under 15% warns, under 5% fails
  rpc.synced                each rpc endpoint (by name) and the local geth:
                            eth_syncing false, head fresh, right chain
  node.version              the node's /status version vs the newest
                            go-livepeer release (probes.releases.url)
  remediation.polkit        runbooks that restart systemd units have the
                            polkit rule 'lpops render' writes
                            (/etc/polkit-1/rules.d/50-lpops.rules) naming
                            lpops' user and every such unit (else warn)
  backup.fresh              the newest backup in backup.destination is
                            younger than backup.stale_after (else fail;
                            skip without a destination)

Some things only root may read (other users' environments and sockets,
root-only credential files): run it as root, or it warns about what it could
not see.

Exit status: the worst finding: 0 all pass (or skip), 1 a warning, 2 a
failure; 3 for a configuration error. A usage error (an unknown flag, no
configuration file found) exits 2 as for every lpops command, and prints
nothing on stdout.

With --json it prints one document instead:
  {"version": 1, "host": "...", "checked_at": "RFC 3339",
   "status": "pass|warn|fail", "exit_code": 0,
   "counts": {"pass": 0, "warn": 0, "fail": 0, "skip": 0},
   "findings": [{"check": "limits.node", "status": "fail",
                 "subject": "pid 4242 (livepeer)", "pid": 4242,
                 "evidence": "...", "fix": "..."}]}
Findings come in the order of the checks above; subject, pid and fix are
left out when empty.
`

const doctorExample = `sudo lpops doctor --config /etc/lpops/lpops.yaml`

// doctorConfigError is the exit status for a configuration error: 1 and 2
// already mean a warning and a failure. A usage error exits 2, as for every
// command.
const doctorConfigError = 3

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, true)
	cf.unitPaths = true // doctor audits the files the unit loads its credentials from
	asJSON := fs.Bool("json", false, "print the report as one JSON document")
	timeout := fs.Duration("timeout", 30*time.Second, "bound on the checks that use the network (rpc.synced, node.version)")
	var pids []int
	fs.Func("node-pid", "audit the go-livepeer process with this `PID` instead of finding it by name (repeatable, or comma-separated)", func(s string) error {
		for _, part := range strings.Split(s, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || pid <= 0 {
				return fmt.Errorf("%q is not a PID", part)
			}
			pids = append(pids, pid)
		}
		return nil
	})
	var checks []string
	fs.Func("check", "run only the check with this `ID` (repeatable, or comma-separated)", func(s string) error {
		for _, id := range strings.Split(s, ",") {
			id = strings.TrimSpace(id)
			if !slices.Contains(doctor.CheckIDs(), id) {
				return fmt.Errorf("unknown check %q; checks: %s", id, strings.Join(doctor.CheckIDs(), ", "))
			}
			checks = append(checks, id)
		}
		return nil
	})
	// The flag package prints the error; the help goes to stdout only when
	// asked for.
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, doctorUsage, "\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fmt.Fprintf(stdout, "\nExample:\n  %s\n", doctorExample)
			return 0
		}
		fmt.Fprintln(stderr, "Run 'lpops doctor --help' for usage.")
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "lpops doctor: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	case *timeout <= 0:
		fmt.Fprintln(stderr, "lpops doctor: --timeout must be positive")
		return exitUsage
	}
	c, code := cf.load(stderr)
	if c == nil {
		if code == exitError {
			code = doctorConfigError
		}
		return code
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	d := doctor.New(c, doctor.DefaultSystem(), doctor.Options{NodePIDs: pids, Checks: checks})
	report := d.Run(ctx)
	var err error
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops doctor:", err)
		return doctorConfigError
	}
	return report.ExitCode
}
