package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/daemon"
	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/testchain"
)

// TestSystemdNotify runs the daemon against an in-process chain with
// NOTIFY_SOCKET and WATCHDOG_USEC set, as systemd would for Type=notify with
// WatchdogSec=, and reads what it tells systemd.
func TestSystemdNotify(t *testing.T) {
	owner, orch := mustKey(t), mustKey(t)
	eth := new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))
	c, err := devnet.StartChain(types.GenesisAlloc{
		crypto.PubkeyToAddress(owner.PublicKey): {Balance: eth},
		crypto.PubkeyToAddress(orch.PublicKey):  {Balance: eth},
	}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: 20, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	n := listenNotify(t, dir)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getpid()))

	stop, done := runDaemon(t, ctx, dir, c.URL, dep.Controller.Hex(), crypto.PubkeyToAddress(orch.PublicKey).Hex())
	n.waitFor(t, "READY=1")
	n.waitFor(t, "STATUS=keeping "+crypto.PubkeyToAddress(orch.PublicKey).Hex()+" earning")
	n.waitFor(t, "WATCHDOG=1")
	stop()
	n.waitFor(t, "STOPPING=1")
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestSystemdNotifyRPCUnreachable starts the daemon with its only RPC
// endpoint down, as a host booting before its geth: it is ready for systemd
// at once (so Type=notify's start timeout cannot kill it while runbooks
// repair the chain), says in STATUS that it waits for the chain and why,
// pings the watchdog while it waits, and sends no ping at all without
// WATCHDOG_USEC.
func TestSystemdNotifyRPCUnreachable(t *testing.T) {
	for _, watchdog := range []bool{true, false} {
		name := "WithWatchdog"
		if !watchdog {
			name = "WithoutWatchdog"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			n := listenNotify(t, dir)
			if watchdog {
				t.Setenv("WATCHDOG_USEC", "200000")
				t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getpid()))
			} else {
				t.Setenv("WATCHDOG_USEC", "")
				os.Unsetenv("WATCHDOG_USEC")
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			down := "http://" + l.Addr().String()
			l.Close() // nothing listens there now

			stop, done := runDaemon(t, t.Context(), dir, down, "0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222")
			first := n.waitFor(t, "READY=1")
			if !slices.Contains(first, "STATUS=waiting for chain: resolving the Livepeer contracts") {
				t.Errorf("READY=1 came with %q, want the status saying lpops waits for the chain", first)
			}
			// Two failed attempts to resolve the contracts, each in STATUS
			// with the reason (the endpoint refuses connections).
			for range 2 {
				msg := n.waitForPrefix(t, "STATUS=waiting for chain: ")
				if !strings.Contains(msg, "connection refused") {
					t.Errorf("status %q does not say why the chain is unreadable", msg)
				}
			}
			if watchdog {
				n.waitFor(t, "WATCHDOG=1")
			}
			stop()
			n.waitFor(t, "STOPPING=1")
			if err := <-done; err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !watchdog && n.seen("WATCHDOG=1") {
				t.Errorf("a watchdog ping without WATCHDOG_USEC: %q", n.all)
			}
			if n.count("READY=1") != 1 {
				t.Errorf("READY=1 sent %d times, want once: %q", n.count("READY=1"), n.all)
			}
		})
	}
}

// notifySocket is systemd's end of NOTIFY_SOCKET: it keeps every
// assignment the daemon sends, in order.
type notifySocket struct {
	conn *net.UnixConn
	all  []string
	next int // the first message waitFor has not consumed
}

func listenNotify(t *testing.T, dir string) *notifySocket {
	t.Helper()
	sock := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", sock)
	return &notifySocket{conn: conn}
}

// waitFor reads until a datagram holding the assignment want arrives, and
// returns that datagram's assignments (consumed with it).
func (n *notifySocket) waitFor(t *testing.T, want string) []string {
	t.Helper()
	return n.wait(t, want, func(line string) bool { return line == want })
}

// waitForPrefix returns the next assignment starting with prefix.
func (n *notifySocket) waitForPrefix(t *testing.T, prefix string) string {
	t.Helper()
	var got string
	n.wait(t, prefix+"...", func(line string) bool {
		if strings.HasPrefix(line, prefix) {
			got = line
			return true
		}
		return false
	})
	return got
}

func (n *notifySocket) wait(t *testing.T, what string, match func(string) bool) []string {
	t.Helper()
	buf := make([]byte, 4096)
	for {
		for n.next < len(n.all) {
			i := n.next
			n.next++
			if match(n.all[i]) {
				lo, hi := n.datagram(i)
				n.next = hi // the rest of the datagram is consumed with it
				return n.all[lo:hi]
			}
		}
		_ = n.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		k, err := n.conn.Read(buf)
		if err != nil {
			t.Fatalf("waiting for %s from the daemon: %v (received %q)", what, err, n.all)
		}
		// A datagram's assignments, with a marker between datagrams.
		n.all = append(n.all, strings.Split(strings.TrimSuffix(string(buf[:k]), "\n"), "\n")...)
		n.all = append(n.all, "")
	}
}

// datagram returns the bounds in all of the datagram holding message i.
func (n *notifySocket) datagram(i int) (lo, hi int) {
	lo, hi = i, i
	for lo > 0 && n.all[lo-1] != "" {
		lo--
	}
	for hi < len(n.all) && n.all[hi] != "" {
		hi++
	}
	return lo, hi
}

func (n *notifySocket) seen(msg string) bool { return n.count(msg) > 0 }

func (n *notifySocket) count(msg string) int {
	c := 0
	for _, m := range n.all {
		if m == msg {
			c++
		}
	}
	return c
}

// runDaemon runs an observe-mode daemon on rpcURL until stop is called.
func runDaemon(t *testing.T, ctx context.Context, dir, rpcURL, controller, orch string) (stop func(), done <-chan error) {
	t.Helper()
	yaml := fmt.Sprintf(`network: custom
chain_id: %d
controller: %q
rpc:
  - url: %s
orchestrator: %q
reward:
  mode: observe
chain:
  poll_interval: 1s
  active_poll_interval: 50ms
state_dir: %s
listen: 127.0.0.1:0
`, devnet.ChainID, controller, rpcURL, orch, filepath.Join(dir, "state"))
	cfg, err := config.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(ctx, cfg, daemon.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	ch, exited := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(exited)
		ch <- d.Run(runCtx)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
		d.Close()
	})
	return cancel, ch
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
