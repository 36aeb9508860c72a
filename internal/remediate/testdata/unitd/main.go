// Command unitd stands in for systemd in lpops' remediation tests and
// benchmark: it runs one program (the unit) and restarts it on request, the
// way `systemctl restart` does, so a runbook's command action can restart a
// real process with a real stop and start.
//
//	unitd serve -socket PATH [-adopt PID] [-stop-timeout 10s] [-log FILE] -- PROGRAM ARGS...
//	unitd restart -socket PATH [-timeout 60s]
//	unitd status -socket PATH
//
// serve runs PROGRAM in its own process group (killed if unitd dies), or,
// with -adopt, takes the running process group PID as the unit's current
// process (a chain testenv started). It never restarts the unit on its own
// (Restart=no): a unit that dies stays dead until a restart request.
// A restart stops the unit as systemd does, SIGTERM and SIGCONT to the group
// (a stopped process acts on SIGTERM only once continued), SIGKILL after the
// stop timeout, waits until the process is gone, starts PROGRAM again and
// answers once it is started. restart is the client: it asks the serving
// unitd over its unix socket, prints the answer and exits 1 on failure.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: unitd serve|restart|status -socket PATH ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "restart":
		err = client(os.Args[2:], http.MethodPost, "/restart")
	case "status":
		err = client(os.Args[2:], http.MethodGet, "/status")
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "unitd:", err)
		os.Exit(1)
	}
}

// unit is the managed program and its current process.
type unit struct {
	argv        []string
	logPath     string
	stopTimeout time.Duration

	mu     sync.Mutex
	pid    int
	done   chan struct{} // closed when pid is gone; nil for an adopted pid
	starts int
}

// Status is the GET /status answer.
type Status struct {
	Pid     int  `json:"pid"`
	Running bool `json:"running"`
	Starts  int  `json:"starts"`
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	sock := fs.String("socket", "", "unix socket to serve on")
	adopt := fs.Int("adopt", 0, "pid of a running process group to treat as the unit's process")
	stop := fs.Duration("stop-timeout", 10*time.Second, "SIGKILL the unit this long after SIGTERM")
	logPath := fs.String("log", "", "append the unit's output to this file (default: unitd's stderr)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sock == "" || fs.NArg() == 0 {
		return errors.New("serve needs -socket and a program after --")
	}
	u := &unit{argv: fs.Args(), logPath: *logPath, stopTimeout: *stop}
	if *adopt > 0 {
		u.pid = *adopt
	} else if err := u.start(); err != nil {
		return err
	}
	_ = os.Remove(*sock)
	ln, err := net.Listen("unix", *sock)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /restart", func(w http.ResponseWriter, _ *http.Request) {
		old, err := u.restart()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "restarted: stopped pid %d, started pid %d\n", old, u.status().Pid)
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(u.status())
	})
	fmt.Fprintf(os.Stderr, "unitd: serving %s on %s, unit pid %d\n", u.argv[0], *sock, u.status().Pid)
	return http.Serve(ln, mux)
}

func (u *unit) start() error {
	out := io.Writer(os.Stderr)
	if u.logPath != "" {
		f, err := os.OpenFile(u.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	cmd := exec.Command(u.argv[0], u.argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", u.argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	u.mu.Lock()
	u.pid, u.done = cmd.Process.Pid, done
	u.starts++
	u.mu.Unlock()
	return nil
}

func (u *unit) status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return Status{Pid: u.pid, Running: u.pid > 0 && u.alive(), Starts: u.starts}
}

// alive reports whether the unit's process still exists. mu is held.
func (u *unit) alive() bool {
	if u.done != nil {
		select {
		case <-u.done:
			return false
		default:
			return true
		}
	}
	// An adopted process is another's child: it is gone once kill(pid, 0)
	// fails (its parent reaps it).
	return syscall.Kill(u.pid, 0) == nil
}

func (u *unit) restart() (int, error) {
	u.mu.Lock()
	old := u.pid
	u.mu.Unlock()
	if old > 0 {
		if err := u.stop(old); err != nil {
			return old, err
		}
	}
	return old, u.start()
}

// stop ends the unit's process group as systemd would.
func (u *unit) stop(pid int) error {
	gone := func() bool {
		u.mu.Lock()
		defer u.mu.Unlock()
		return !u.alive()
	}
	if gone() {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	_ = syscall.Kill(-pid, syscall.SIGCONT)
	if waitUntil(u.stopTimeout, gone) {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	if waitUntil(10*time.Second, gone) {
		return nil
	}
	return fmt.Errorf("pid %d still there 10s after SIGKILL", pid)
}

func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

func client(args []string, method, path string) error {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	sock := fs.String("socket", "", "unix socket of the serving unitd")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := &http.Client{Timeout: *timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", *sock)
		},
	}}
	req, err := http.NewRequest(method, "http://unitd"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	os.Stdout.Write(body)
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}
