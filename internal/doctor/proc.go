package doctor

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/prometheus/procfs"
)

// process is one entry of the process table, read once per run.
type process struct {
	PID  int
	Comm string
	// Argv is the command line; empty for kernel threads.
	Argv []string

	p procfs.Proc
}

func (p process) String() string { return fmt.Sprintf("pid %d (%s)", p.PID, p.Comm) }

// listProcesses reads every process's name and command line (both
// world-readable) under procRoot, in PID order, leaving out self. A process
// that exits while it is read is left out too.
func listProcesses(procRoot string, self int) ([]process, error) {
	fs, err := procfs.NewFS(procRoot)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", procRoot, err)
	}
	all, err := fs.AllProcs()
	if err != nil {
		return nil, fmt.Errorf("list processes in %s: %w", procRoot, err)
	}
	var out []process
	for _, p := range all {
		if p.PID == self {
			continue
		}
		comm, err := p.Comm()
		if err != nil {
			continue
		}
		argv, err := p.CmdLine()
		if err != nil {
			continue
		}
		out = append(out, process{PID: p.PID, Comm: comm, Argv: argv, p: p})
	}
	slices.SortFunc(out, func(a, b process) int { return a.PID - b.PID })
	return out, nil
}

// commLen is the kernel's limit on a task name (TASK_COMM_LEN less the NUL):
// a binary called orchestrator-wrapper runs as "orchestrator-wr".
const commLen = 15

// named returns the processes that run the binary at path: their name (as
// the kernel truncates it) or argv[0]'s base name is path's base name. A
// binary started through a symlink goes by the link's name, as systemd's
// ExecStart= path does.
func named(procs []process, path string) []process {
	base := filepath.Base(path)
	comm := base
	if len(comm) > commLen {
		comm = comm[:commLen]
	}
	var out []process
	for _, p := range procs {
		if len(p.Argv) == 0 {
			continue // kernel thread
		}
		if p.Comm == comm || filepath.Base(p.Argv[0]) == base {
			out = append(out, p)
		}
	}
	return out
}

// byPID returns the listed processes with the given PIDs, and the PIDs not
// found.
func byPID(procs []process, pids []int) (found []process, missing []int) {
	for _, pid := range pids {
		i := slices.IndexFunc(procs, func(p process) bool { return p.PID == pid })
		if i < 0 {
			missing = append(missing, pid)
			continue
		}
		found = append(found, procs[i])
	}
	return found, missing
}
