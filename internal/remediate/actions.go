package remediate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// MaxOutput bounds the output excerpt kept in the audit log per step: the
// last MaxOutput bytes of a command's stdout and stderr, or of an HTTP
// answer.
const MaxOutput = 4096

// commandPath is the PATH commands run with: lpops' own environment is not
// passed on, since it may hold secrets (passphrase_env, url_env).
const commandPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// killGrace is how long a command's output pipes may stay open after its
// process group was killed at the timeout (a grandchild holding them).
const killGrace = 5 * time.Second

// runCommand runs argv without a shell, in its own process group, with a
// minimal environment, and returns the tail of its combined output. At
// ctx's end the whole group is killed.
func runCommand(ctx context.Context, argv []string, env []string) (string, error) {
	if len(argv) == 0 {
		return "", errors.New("empty argv")
	}
	out := &tailBuffer{max: MaxOutput}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append([]string{"PATH=" + commandPath}, env...)
	cmd.Dir = "/"
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group: a script's children die with it.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = killGrace
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(time.Millisecond)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return out.String(), nil
	case ctx.Err() != nil:
		return out.String(), fmt.Errorf("%s: killed after %s: %w", argv[0], took, ctx.Err())
	case errors.As(err, &exitErr):
		return out.String(), fmt.Errorf("%s: %s", argv[0], exitErr.ProcessState)
	case errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return "", fmt.Errorf("start %s: %w", argv[0], err)
	}
	return out.String(), fmt.Errorf("%s: %w", argv[0], err)
}

// callHTTP sends one request and checks the status: want, or any 2xx when
// want is 0. The URL in errors is redacted.
func callHTTP(ctx context.Context, c *http.Client, method, rawURL string, want int) (string, int, error) {
	shown := redactURL(rawURL)
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return "", 0, fmt.Errorf("%s %s: %w", method, shown, errors.Unwrap(err))
	}
	req.Header.Set("User-Agent", "lpops-remediate")
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("%s %s: %s", method, shown, transportError(ctx, err))
	}
	defer resp.Body.Close()
	body := &tailBuffer{max: MaxOutput}
	_, _ = io.Copy(body, io.LimitReader(resp.Body, 1<<20))
	ok := want == 0 && resp.StatusCode/100 == 2 || resp.StatusCode == want
	out := fmt.Sprintf("%s\n%s", resp.Status, body.String())
	if !ok {
		return out, resp.StatusCode, fmt.Errorf("%s %s: status %s, want %s", method, shown, resp.Status, statusWant(want))
	}
	return out, resp.StatusCode, nil
}

// transportError describes a failed round trip without url.Error's copy of
// the full URL.
func transportError(ctx context.Context, err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			err = inner
		}
	}
	if ctx.Err() != nil {
		return "no answer within the timeout"
	}
	return err.Error()
}

// tailBuffer keeps the last max bytes written to it and counts the rest.
type tailBuffer struct {
	max     int
	buf     []byte
	dropped int64
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.dropped += int64(over)
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return n, nil
}

// String returns the kept output, marked when the start was cut. Invalid
// UTF-8 (a cut through a character, binary output) is replaced.
func (b *tailBuffer) String() string {
	s := strings.ToValidUTF8(string(b.buf), "\uFFFD")
	if b.dropped > 0 {
		return fmt.Sprintf("[%d bytes before this cut]\n%s", b.dropped, s)
	}
	return s
}
