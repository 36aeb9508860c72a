package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// A public page that cannot listen (its port taken) stops the start with an
// error naming api.public_listen, and lets go of the API's port: nothing is
// left listening for a daemon that never ran.
func TestPublicListenFailureFreesTheAPIPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	apiAddr := free.Addr().String()
	free.Close()

	dir := t.TempDir()
	cfg := config.Default()
	cfg.Network, cfg.ChainID, cfg.Controller = config.NetworkCustom, 54321, "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	cfg.RPC = []config.Endpoint{{URL: "http://127.0.0.1:1"}} // nothing listens: Dial still succeeds
	cfg.Orchestrator = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
	cfg.StateDir = filepath.Join(dir, "state")
	cfg.Listen = apiAddr
	cfg.API.PublicListen = taken.Addr().String()
	d, err := New(context.Background(), &cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "api.public_listen") {
		t.Fatalf("Run with the public port taken: %v; want an error naming api.public_listen", err)
	}
	ln, err := net.Listen("tcp", apiAddr)
	if err != nil {
		t.Fatalf("the API's port %s is still held after the failed start: %v", apiAddr, err)
	}
	ln.Close()
}

// A listen address other than loopback is logged as a warning at start.
func TestNonLoopbackListenIsLogged(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Network, cfg.ChainID, cfg.Controller = config.NetworkCustom, 54321, "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	cfg.RPC = []config.Endpoint{{URL: "http://127.0.0.1:1"}}
	cfg.Orchestrator = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
	cfg.StateDir = filepath.Join(dir, "state")
	cfg.Listen = "0.0.0.0:0"
	cfg.API.PublicListen = taken.Addr().String() // stops Run right after the API listens
	var logs bytes.Buffer
	d, err := New(context.Background(), &cfg, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_ = d.Run(t.Context())
	if want := `level=WARN msg="risky configuration" warning="listen: 0.0.0.0:0 is not a loopback address`; !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, logs.String())
	}
}
