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
	sock := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getpid()))

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
`, devnet.ChainID, dep.Controller.Hex(), c.URL, crypto.PubkeyToAddress(orch.PublicKey).Hex(), filepath.Join(dir, "state"))
	cfg, err := config.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(ctx, cfg, daemon.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()

	seen := map[string]bool{}
	buf := make([]byte, 4096)
	read := func(want string) {
		t.Helper()
		for !seen[want] {
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatalf("waiting for %s from the daemon: %v (seen %v)", want, err, seen)
			}
			for _, line := range strings.Split(string(buf[:n]), "\n") {
				seen[line] = true
			}
		}
	}
	read("READY=1")
	read("WATCHDOG=1")
	stop()
	read("STOPPING=1")
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
