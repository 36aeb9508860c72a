package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNotInstalled is matched by a Runner's error for a program not found.
var ErrNotInstalled = errors.New("not installed")

// commandTimeout bounds one program doctor runs (timedatectl, chronyc,
// sshd -T): none of them should take more than a moment.
const commandTimeout = 5 * time.Second

// sbinDirs are searched after PATH: an unprivileged shell's PATH often
// lacks them, and sshd lives there.
var sbinDirs = []string{"/usr/sbin", "/sbin"}

// ExecRunner runs a program found in PATH, /usr/sbin or /sbin. A non-zero
// exit is an error carrying the first line of its standard error.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		for _, dir := range sbinDirs {
			p := filepath.Join(dir, name)
			if fi, serr := os.Stat(p); serr == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				path, err = p, nil
				break
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, ErrNotInstalled)
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = strings.TrimSpace(string(out))
		}
		if msg != "" {
			return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
		}
		return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// DiskUsage is what statfs says of the filesystem holding a path.
type DiskUsage struct {
	// Dev identifies the filesystem (st_dev of the path), so paths on the
	// same filesystem are reported once.
	Dev              uint64
	TotalBytes       uint64
	AvailBytes       uint64 // available to unprivileged users
	Files, FilesFree uint64
}

func statfs(path string) (DiskUsage, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return DiskUsage{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(path, &fs); err != nil {
		return DiskUsage{}, &os.PathError{Op: "statfs", Path: path, Err: err}
	}
	bs := uint64(fs.Bsize)
	return DiskUsage{
		Dev:        uint64(st.Dev),
		TotalBytes: fs.Blocks * bs,
		AvailBytes: fs.Bavail * bs,
		Files:      fs.Files,
		FilesFree:  fs.Ffree,
	}, nil
}

// KernelClock is the kernel's NTP state as adjtimex(2) reports it. Any NTP
// daemon (chrony, systemd-timesyncd, ntpd) that disciplines the clock clears
// STA_UNSYNC; it is what timedatectl's NTPSynchronized reads too.
type KernelClock struct {
	Synced   bool
	MaxError time.Duration
	EstError time.Duration
}

// adjtimex constants from <sys/timex.h>.
const (
	timeError = 5    // TIME_ERROR: the clock is not synchronised
	staUnsync = 0x40 // STA_UNSYNC
)

func adjtimex() (KernelClock, error) {
	var tx syscall.Timex // Modes 0: read only
	state, err := syscall.Adjtimex(&tx)
	if err != nil {
		return KernelClock{}, fmt.Errorf("adjtimex: %w", err)
	}
	return KernelClock{
		Synced:   state != timeError && tx.Status&staUnsync == 0,
		MaxError: time.Duration(tx.Maxerror) * time.Microsecond,
		EstError: time.Duration(tx.Esterror) * time.Microsecond,
	}, nil
}

func lookupUser(name string) (int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(u.Uid)
}

func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}
