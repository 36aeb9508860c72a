package doctor

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/lpops/lpops/internal/config"
)

// nofileTarget is a service whose open-file limit is audited.
type nofileTarget struct {
	check string
	// what names it in evidence: "go-livepeer".
	what string
	// binary is host.*.binary; processes are found by its base name.
	binary, binaryKey string
	// want is host.*.limit_nofile, wantKey its key.
	want    uint64
	wantKey string
	unit    string
	// pids, when set, are the processes to audit (--node-pid).
	pids []int
	// pidFlag is the flag that sets pids, named in the fix for "not found".
	pidFlag string
}

func (d *Doctor) checkNodeNOFILE(_ context.Context, env *runEnv) []Finding {
	n := d.cfg.Host.Node
	return d.checkNOFILE(env, nofileTarget{
		check: CheckNodeNOFILE, what: "go-livepeer", binary: n.Binary, binaryKey: "host.node.binary",
		want: n.LimitNOFILE, wantKey: "host.node.limit_nofile", unit: "livepeer.service",
		pids: d.opts.NodePIDs, pidFlag: "--node-pid",
	})
}

func (d *Doctor) checkGethNOFILE(_ context.Context, env *runEnv) []Finding {
	g := d.cfg.Host.Geth
	if kind := d.cfg.Host.ChainNodeKind(); kind != config.ChainNodeGeth {
		return []Finding{{Check: CheckGethNOFILE, Status: Skip, Evidence: "host.chain_node.kind is " + kind + ": no local geth to audit"}}
	}
	return d.checkNOFILE(env, nofileTarget{
		check: CheckGethNOFILE, what: "geth", binary: g.Binary, binaryKey: "host.geth.binary",
		want: g.LimitNOFILE, wantKey: "host.geth.limit_nofile", unit: "geth.service",
	})
}

// checkNOFILE reads the soft "Max open files" of each process of the
// target: below config.MinLimitNOFILE fails (the node runs out of handles
// under load), below the policy's limit_nofile warns.
func (d *Doctor) checkNOFILE(env *runEnv, t nofileTarget) []Finding {
	if env.procErr != nil {
		return []Finding{{Check: t.check, Status: Warn, Evidence: env.procErr.Error(),
			Fix: "run lpops doctor on the orchestrator's host, where /proc is readable"}}
	}
	var procs []process
	var out []Finding
	if len(t.pids) > 0 {
		var missing []int
		procs, missing = byPID(env.procs, t.pids)
		for _, pid := range missing {
			out = append(out, Finding{Check: t.check, Status: Warn, Subject: fmt.Sprintf("pid %d", pid), PID: pid,
				Evidence: "no such process", Fix: "give " + t.pidFlag + " the PID of the running " + t.what})
		}
	} else {
		procs = named(env.procs, t.binary)
		if len(procs) == 0 {
			fix := "start it (systemctl start " + t.unit + ")"
			if t.pidFlag != "" {
				fix += ", or name its PID with " + t.pidFlag
			}
			return []Finding{{Check: t.check, Status: Warn,
				Evidence: fmt.Sprintf("no running process named %s (%s %s): its open-file limit cannot be checked", baseName(t.binary), t.binaryKey, t.binary),
				Fix:      fix}}
		}
	}
	for _, p := range procs {
		out = append(out, d.nofileFinding(p, t))
	}
	return out
}

func (d *Doctor) nofileFinding(p process, t nofileTarget) Finding {
	f := Finding{Check: t.check, Subject: p.String(), PID: p.PID}
	lim, err := p.p.Limits()
	if err != nil {
		f.Status, f.Evidence = Warn, fmt.Sprintf("read /proc/%d/limits: %v", p.PID, err)
		f.Fix = d.unreadableFix("check that the process still runs (it may have exited during the check)")
		return f
	}
	soft := lim.OpenFiles
	want := max(t.want, config.MinLimitNOFILE)
	shown := fmtLimit(soft)
	fix := fmt.Sprintf("set LimitNOFILE=%d in %s (lpops render writes it from %s) and restart it; to raise it now: prlimit --pid %d --nofile=%d:%d",
		want, t.unit, t.wantKey, p.PID, want, want)
	switch {
	case soft < config.MinLimitNOFILE:
		f.Status = Fail
		f.Evidence = fmt.Sprintf("%s may open %s files (soft limit in /proc/%d/limits), below the minimum of %d: it fails with \"too many open files\" under load",
			t.what, shown, p.PID, config.MinLimitNOFILE)
		f.Fix = fix
	case soft < t.want:
		f.Status = Warn
		f.Evidence = fmt.Sprintf("%s may open %s files (soft limit), below %s %d", t.what, shown, t.wantKey, t.want)
		f.Fix = fix
	default:
		f.Status = Pass
		f.Evidence = fmt.Sprintf("%s may open %s files (soft limit), at least %s %d", t.what, shown, t.wantKey, t.want)
	}
	return f
}

func fmtLimit(n uint64) string {
	if n == math.MaxUint64 {
		return "unlimited"
	}
	return strconv.FormatUint(n, 10)
}
