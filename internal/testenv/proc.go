package testenv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Proc is a process started by a test: lpops itself, or a chain. It runs in
// its own process group, and its stdout and stderr go to files so the output
// survives the process and can be searched while it runs.
type Proc struct {
	// Name is the base name of the binary, used in messages.
	Name string

	cmd        *exec.Cmd
	stdoutPath string
	stderrPath string
	done       chan struct{}
	waitErr    error // set before done is closed
}

// killTimeout bounds how long cleanup waits for a SIGKILLed process to be reaped.
const killTimeout = 10 * time.Second

// StartProc starts bin with args. env entries are added to the test's own
// environment, later entries winning. On cleanup the process group is killed,
// and when the test failed the output is logged.
func StartProc(t testing.TB, bin string, args []string, env []string) *Proc {
	t.Helper()
	p, err := startProc(t.TempDir(), bin, args, env)
	if err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s", p.report())
		}
	})
	return p
}

// startProc starts bin with its output appended to files in dir, so the runs
// of a restarted chain read as one log. The caller arranges cleanup.
func startProc(dir, bin string, args, env []string) (*Proc, error) {
	name := filepath.Base(bin)
	p := &Proc{
		Name:       name,
		stdoutPath: filepath.Join(dir, name+".stdout"),
		stderrPath: filepath.Join(dir, name+".stderr"),
		done:       make(chan struct{}),
	}
	stdout, err := os.OpenFile(p.stdoutPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer stdout.Close()
	stderr, err := os.OpenFile(p.stderrPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer stderr.Close()

	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = stdout
	p.cmd.Stderr = stderr
	// Own process group, so a signal reaches the whole tree; SIGKILL when the
	// test binary dies, so nothing outlives a panic or a -timeout.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the process id, which is also its process group id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the process itself (not its group), as systemd or a
// user's kill would.
func (p *Proc) Signal(sig os.Signal) error {
	return p.cmd.Process.Signal(sig)
}

// signalGroup sends sig to every process in the group.
func (p *Proc) signalGroup(sig syscall.Signal) error {
	err := syscall.Kill(-p.cmd.Process.Pid, sig)
	if errors.Is(err, syscall.ESRCH) && p.Exited() {
		return nil
	}
	return err
}

// kill SIGKILLs the process group and waits for the process to be reaped.
func (p *Proc) kill() {
	if p.Exited() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(killTimeout):
	}
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits up to timeout for the process to exit and returns what
// exec.Cmd.Wait returned: nil for exit status 0, an *exec.ExitError otherwise.
// It fails the test if the process is still running at the deadline.
func (p *Proc) Wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.waitErr
	case <-time.After(timeout):
		t.Fatalf("%s (pid %d) still running after %s\n%s", p.Name, p.Pid(), timeout, p.report())
		return nil
	}
}

// ExitCode returns the exit status of an exited process, -1 if it is still
// running or was killed by a signal.
func (p *Proc) ExitCode() int {
	if !p.Exited() {
		return -1
	}
	return p.cmd.ProcessState.ExitCode()
}

// Stdout returns everything the process has written to stdout so far.
func (p *Proc) Stdout() string { return readFile(p.stdoutPath) }

// Stderr returns everything the process has written to stderr so far.
func (p *Proc) Stderr() string { return readFile(p.stderrPath) }

// Output returns stdout followed by stderr.
func (p *Proc) Output() string { return p.Stdout() + p.Stderr() }

// WaitForLog waits until a line of stdout or stderr contains substr and
// returns that line. It fails the test at the deadline, or at once when the
// process exits without having written it.
func (p *Proc) WaitForLog(t testing.TB, substr string, timeout time.Duration) string {
	t.Helper()
	var line string
	find := func() bool {
		line = findLine(p.Stdout(), substr)
		if line == "" {
			line = findLine(p.Stderr(), substr)
		}
		return line != ""
	}
	ok := poll(timeout, func() bool {
		exited := p.Exited() // read before the files: output precedes exit
		return find() || exited
	})
	if !ok || line == "" {
		state := "still running"
		if p.Exited() {
			state = fmt.Sprintf("exited (%v)", p.waitErr)
		}
		t.Fatalf("%s %s without logging %q (waited %s)\n%s", p.Name, state, substr, timeout, p.report())
	}
	return line
}

func findLine(out, substr string) string {
	s := bufio.NewScanner(strings.NewReader(out))
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		if strings.Contains(s.Text(), substr) {
			return s.Text()
		}
	}
	return ""
}

// reportTail bounds how much of each stream a failure report prints.
const reportTail = 32 << 10

// report renders the tail of the process's output for a failure message.
func (p *Proc) report() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "--- %s (pid %d) output ---\n", p.Name, p.Pid())
	for _, f := range []struct{ name, path string }{{"stdout", p.stdoutPath}, {"stderr", p.stderrPath}} {
		out := readFile(f.path)
		if out == "" {
			continue
		}
		if len(out) > reportTail {
			out = "[...]" + out[len(out)-reportTail:]
		}
		fmt.Fprintf(&b, "[%s %s]\n%s", f.name, f.path, out)
		if !strings.HasSuffix(out, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
