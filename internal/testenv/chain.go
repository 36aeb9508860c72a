package testenv

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	lpchain "github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/livepeer"
)

// Chain kinds.
const (
	KindAnvil = "anvil"
	KindGeth  = "geth"
)

// The dev accounts the chains start with.
var (
	// AnvilDevKey is anvil's first dev account (mnemonic "test test ... junk").
	AnvilDevKey = mustKey("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	// GethDevAddress is the account geth --dev (v1.17.10) creates in a new
	// datadir: go-ethereum's well-known developer key.
	GethDevAddress = common.HexToAddress("0x71562b71999873DB5b286dF957af199Ec94617F7")
)

func mustKey(hex string) *ecdsa.PrivateKey {
	k, err := crypto.HexToECDSA(hex)
	if err != nil {
		panic(err)
	}
	return k
}

// Timeouts for chain processes. They are deadlines on conditions, generous
// because CI shares two cores among parallel test binaries.
const (
	readyTimeout    = 60 * time.Second
	shutdownTimeout = 30 * time.Second
	startAttempts   = 5
)

// Chain is a running anvil or geth --dev node the test controls.
type Chain struct {
	URL     string   // HTTP JSON-RPC endpoint, http://127.0.0.1:PORT
	ChainID *big.Int // as reported by eth_chainId
	Kind    string   // KindAnvil or KindGeth
	Port    int
	DataDir string // geth's datadir; empty for anvil

	script string
	env    []string // script settings other than the port
	logDir string

	mu   sync.Mutex
	proc *Proc

	rpc *rpc.Client
	eth *ethclient.Client

	// Anvil's mining mode as last set, so FundedKey knows to mine.
	miningMu        sync.Mutex
	automine        bool
	interval        float64 // seconds; 0 = no interval mining
	initialAutomine bool
	initialInterval float64

	fundMu sync.Mutex // serialises dev-account nonces
}

// AnvilOptions configures StartAnvil.
type AnvilOptions struct {
	ChainID   uint64        // 0 = 31337
	BlockTime time.Duration // interval mining; 0 = automine (a block per transaction)
	NoMining  bool          // mine only on Mine; wins over BlockTime
	// StatePath, if set, is loaded at start and written on a clean shutdown,
	// so Restart keeps the chain; otherwise a restarted anvil starts afresh.
	StatePath string
}

// StartAnvil starts anvil through scripts/anvil.sh on a free loopback port and
// waits until it answers eth_chainId. The chain dies with the test.
func StartAnvil(t testing.TB, o AnvilOptions) *Chain {
	t.Helper()
	bin := RequireTool(t, "anvil")
	chainID := o.ChainID
	if chainID == 0 {
		chainID = 31337
	}
	env := []string{"ANVIL_BIN=" + bin, "ANVIL_CHAIN_ID=" + strconv.FormatUint(chainID, 10)}
	c := &Chain{Kind: KindAnvil}
	switch {
	case o.NoMining:
		env = append(env, "ANVIL_NO_MINING=1")
	case o.BlockTime > 0:
		c.initialInterval = o.BlockTime.Seconds()
		env = append(env, "ANVIL_BLOCK_TIME="+strconv.FormatFloat(c.initialInterval, 'f', -1, 64))
	default:
		c.initialAutomine = true
	}
	if o.StatePath != "" {
		env = append(env, "ANVIL_STATE="+o.StatePath)
	}
	c.start(t, "anvil.sh", env)
	return c
}

// GethOptions configures StartGeth.
type GethOptions struct {
	// Period is the time between blocks, in whole seconds (rounded up);
	// 0 seals a block as soon as a transaction is pending.
	Period time.Duration
	// DataDir keeps the chain and the dev keystore; empty = a directory
	// under t.TempDir(), so Restart keeps the chain either way.
	DataDir string
}

// StartGeth starts geth --dev through scripts/geth-dev.sh on a free loopback
// port and waits until it answers eth_chainId. The chain dies with the test.
func StartGeth(t testing.TB, o GethOptions) *Chain {
	t.Helper()
	bin := RequireTool(t, "geth")
	period := uint64((o.Period + time.Second - 1) / time.Second)
	dataDir := o.DataDir
	if dataDir == "" {
		dataDir = filepath.Join(t.TempDir(), "geth")
	}
	c := &Chain{Kind: KindGeth, DataDir: dataDir}
	c.start(t, "geth-dev.sh", []string{
		"DEVGETH_BIN=" + bin,
		"DEVGETH_PERIOD=" + strconv.FormatUint(period, 10),
		"DEVGETH_DATADIR=" + dataDir,
	})
	return c
}

// start runs the chain script for the first time, on a fresh port each try.
func (c *Chain) start(t testing.TB, script string, env []string) {
	t.Helper()
	c.script = filepath.Join(RepoRoot(t), "scripts", script)
	c.env = env
	c.logDir = t.TempDir()
	c.automine, c.interval = c.initialAutomine, c.initialInterval
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.proc != nil {
			c.proc.kill()
			if t.Failed() {
				t.Logf("%s", c.proc.report())
			}
		}
		if c.rpc != nil {
			c.rpc.Close()
		}
	})

	var err error
	for range startAttempts {
		c.Port = FreePort(t)
		if err = c.launch(); err == nil || !errors.Is(err, errExited) {
			break
		}
		// Most likely another process took the port between FreePort and
		// the bind: try another.
	}
	if err != nil {
		t.Fatalf("start %s: %v\n%s", c.Kind, err, c.report())
	}
	c.URL = fmt.Sprintf("http://127.0.0.1:%d", c.Port)
	c.rpc, err = rpc.Dial(c.URL)
	if err != nil {
		t.Fatalf("dial %s: %v", c.URL, err)
	}
	c.eth = ethclient.NewClient(c.rpc)
	t.Logf("%s chain %s up on %s (logs in %s)", c.Kind, c.ChainID, c.URL, c.logDir)
}

var errExited = errors.New("exited before it was ready")

// launch starts the script on c.Port and waits until the chain answers.
func (c *Chain) launch() error {
	env := append([]string{"ANVIL_PORT=" + strconv.Itoa(c.Port), "DEVGETH_PORT=" + strconv.Itoa(c.Port)}, c.env...)
	p, err := startProc(c.logDir, c.script, nil, env)
	if err != nil {
		return err
	}
	p.Name = c.Kind
	c.mu.Lock()
	c.proc = p
	c.mu.Unlock()

	url := fmt.Sprintf("http://127.0.0.1:%d", c.Port)
	client, err := rpc.Dial(url)
	if err != nil {
		return err
	}
	defer client.Close()
	var id *big.Int
	ready := poll(readyTimeout, func() bool {
		if p.Exited() {
			return true
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		id, err = ethclient.NewClient(client).ChainID(ctx)
		return err == nil
	})
	switch {
	case p.Exited():
		return fmt.Errorf("%s on port %d %w: %v", c.Kind, c.Port, errExited, p.waitErr)
	case !ready:
		return fmt.Errorf("%s on port %d not answering eth_chainId after %s: %v", c.Kind, c.Port, readyTimeout, err)
	}
	if c.ChainID != nil && c.ChainID.Cmp(id) != 0 {
		return fmt.Errorf("%s came back with chain id %s, want %s", c.Kind, id, c.ChainID)
	}
	c.ChainID = id
	return nil
}

func (c *Chain) report() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return ""
	}
	return c.proc.report()
}

func (c *Chain) current() *Proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.proc
}

// Client returns an ethclient for the chain, shared by all callers and
// closed when the chain's test ends. It reconnects across Restart.
func (c *Chain) Client(t testing.TB) *ethclient.Client { return c.eth }

// RPC returns the raw JSON-RPC client behind Client.
func (c *Chain) RPC(t testing.TB) *rpc.Client { return c.rpc }

// Proc returns the chain's current process.
func (c *Chain) Proc() *Proc { return c.current() }

// Kill SIGKILLs the chain, as a crash or an OOM kill would, and waits for it
// to be gone. Restart brings it back.
func (c *Chain) Kill(t testing.TB) {
	t.Helper()
	p := c.current()
	if err := p.signalGroup(syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s: %v", c.Kind, err)
	}
	select {
	case <-p.Done():
	case <-time.After(killTimeout):
		t.Fatalf("%s (pid %d) still running %s after SIGKILL", c.Kind, p.Pid(), killTimeout)
	}
}

// Shutdown stops the chain cleanly (SIGTERM, as systemd would) and waits for
// it to exit. anvil writes AnvilOptions.StatePath then.
func (c *Chain) Shutdown(t testing.TB) {
	t.Helper()
	p := c.current()
	if p.Exited() {
		return
	}
	// SIGCONT first: a stopped process would not act on SIGTERM.
	if err := p.signalGroup(syscall.SIGTERM); err != nil {
		t.Fatalf("terminate %s: %v", c.Kind, err)
	}
	_ = p.signalGroup(syscall.SIGCONT)
	select {
	case <-p.Done():
	case <-time.After(shutdownTimeout):
		t.Fatalf("%s (pid %d) still running %s after SIGTERM\n%s", c.Kind, p.Pid(), shutdownTimeout, p.report())
	}
}

// Stop freezes the chain with SIGSTOP: the port stays open and requests hang,
// like a node that is up but unresponsive.
func (c *Chain) Stop(t testing.TB) {
	t.Helper()
	p := c.current()
	if err := p.signalGroup(syscall.SIGSTOP); err != nil {
		t.Fatalf("stop %s: %v", c.Kind, err)
	}
	// Signals are delivered asynchronously: a request sent right after
	// kill(2) may still be answered. Wait until the kernel reports the
	// process stopped.
	stat := fmt.Sprintf("/proc/%d/stat", p.Pid())
	WaitFor(t, 5*time.Second, c.Kind+" stopped by SIGSTOP", func() bool {
		b, err := os.ReadFile(stat)
		if err != nil {
			return false
		}
		// Fields after the parenthesised command name: "state ppid ...".
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		return i >= 0 && i+2 < len(s) && (s[i+2] == 'T' || s[i+2] == 't')
	})
}

// Cont resumes a chain frozen by Stop.
func (c *Chain) Cont(t testing.TB) {
	t.Helper()
	if err := c.current().signalGroup(syscall.SIGCONT); err != nil {
		t.Fatalf("continue %s: %v", c.Kind, err)
	}
}

// Restart shuts the chain down cleanly if it still runs, then starts it again
// on the same port (and, for geth, the same datadir) and waits until it
// answers. anvil comes back with its startup mining mode.
func (c *Chain) Restart(t testing.TB) {
	t.Helper()
	c.Shutdown(t)
	var err error
	for range startAttempts {
		if err = c.launch(); err == nil || !errors.Is(err, errExited) {
			break
		}
		// The old process's socket may linger a moment; the port stays ours.
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("restart %s: %v\n%s", c.Kind, err, c.report())
	}
	c.miningMu.Lock()
	c.automine, c.interval = c.initialAutomine, c.initialInterval
	c.miningMu.Unlock()
}

// Pool dials lpops' endpoint pool on c and resolves the Livepeer contracts
// behind controller through it, as lpops does at start: what tests of the
// keeper and the probes read the chain with. Closed when the test ends.
func (c *Chain) Pool(t testing.TB, ctx context.Context, controller common.Address) (*lpchain.Pool, livepeer.Addresses) {
	t.Helper()
	pool, err := lpchain.Dial(ctx, []lpchain.EndpointConfig{{Name: c.Kind, URL: c.URL}},
		lpchain.Options{ChainID: c.ChainID.Uint64(), RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	addrs, err := livepeer.Resolve(ctx, pool, controller)
	if err != nil {
		t.Fatal(err)
	}
	return pool, addrs
}
