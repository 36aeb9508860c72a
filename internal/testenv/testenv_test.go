package testenv

import (
	"context"
	"errors"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether)) }

func balance(t *testing.T, c *Chain, a common.Address) *big.Int {
	t.Helper()
	b, err := c.Client(t).BalanceAt(t.Context(), a, nil)
	if err != nil {
		t.Fatalf("balance of %s: %v", a, err)
	}
	return b
}

func TestRepoRootHoldsScripts(t *testing.T) {
	root := RepoRoot(t)
	for _, f := range []string{"go.mod", "scripts/anvil.sh", "scripts/geth-dev.sh"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestRequireToolFindsPath(t *testing.T) {
	if got := RequireTool(t, "sh"); filepath.Base(got) != "sh" {
		t.Fatalf("RequireTool(sh) = %q", got)
	}
}

func TestStartProcCapturesOutputAndSignals(t *testing.T) {
	sh := RequireTool(t, "sh")
	p := StartProc(t, sh, []string{"-c", `trap 'echo got term; exit 3' TERM; echo "hello $GREETING"; echo oops >&2; while :; do sleep 0.05; done`}, []string{"GREETING=world"})
	if line := p.WaitForLog(t, "hello", 10*time.Second); line != "hello world" {
		t.Fatalf("WaitForLog line = %q", line)
	}
	p.WaitForLog(t, "oops", 10*time.Second)
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var exitErr *exec.ExitError
	if err := p.Wait(t, 10*time.Second); !errors.As(err, &exitErr) || p.ExitCode() != 3 {
		t.Fatalf("Wait = %v, exit code %d; want exit status 3", err, p.ExitCode())
	}
	if out := p.Output(); !strings.Contains(out, "got term") || !strings.Contains(p.Stderr(), "oops") {
		t.Fatalf("output = %q", out)
	}
}

func TestBuildLpops(t *testing.T) {
	bin, err := buildLpops()
	if err != nil {
		// cmd/lpops is written alongside this package; its breakage is
		// reported by its own tests, not here.
		t.Skipf("cmd/lpops does not build now: %v", err)
	}
	fi, err := os.Stat(bin)
	if err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("built binary %s: %v (mode %v)", bin, err, fi.Mode())
	}
	if again := BuildLpops(t); again != bin {
		t.Fatalf("second BuildLpops = %s, want the first build %s", again, bin)
	}
}

func TestAnvilAutomine(t *testing.T) {
	t.Parallel()
	c := StartAnvil(t, AnvilOptions{ChainID: 4242})
	if c.Kind != KindAnvil || c.ChainID.Uint64() != 4242 {
		t.Fatalf("chain %s id %s, want anvil 4242", c.Kind, c.ChainID)
	}
	key := c.FundedKey(t, big.NewInt(3))
	from := crypto.PubkeyToAddress(key.PublicKey)
	if got := balance(t, c, from); got.Cmp(ether(3)) != 0 {
		t.Fatalf("funded balance = %s, want 3 ether", got)
	}
	to := common.HexToAddress("0x000000000000000000000000000000000000bEEF")
	r := c.WaitMined(t, c.SendValue(t, key, to, big.NewInt(1234)))
	other := common.HexToAddress("0x0000000000000000000000000000000000000001")

	ctx := t.Context()
	if n := c.CountTxs(t, ctx, from, &to, 0, math.MaxUint64); n != 1 {
		t.Errorf("CountTxs(key -> beef) = %d, want 1", n)
	}
	if n := c.CountTxs(t, ctx, from, nil, 0, r.BlockNumber.Uint64()); n != 1 {
		t.Errorf("CountTxs(key -> any) = %d, want 1", n)
	}
	if n := c.CountTxs(t, ctx, from, &other, 0, math.MaxUint64); n != 0 {
		t.Errorf("CountTxs(key -> 0x1) = %d, want 0", n)
	}
	if n := c.CountTxs(t, ctx, c.DevAccount(t), &from, 0, math.MaxUint64); n != 1 {
		t.Errorf("CountTxs(dev -> key) = %d, want 1 (the funding)", n)
	}
	if n := c.CountTxs(t, ctx, from, &to, r.BlockNumber.Uint64()+1, math.MaxUint64); n != 0 {
		t.Errorf("CountTxs after the transfer's block = %d, want 0", n)
	}
}

func TestAnvilIntervalMining(t *testing.T) {
	t.Parallel()
	c := StartAnvil(t, AnvilOptions{BlockTime: 500 * time.Millisecond})
	WaitFor(t, 30*time.Second, "anvil to mine empty blocks on its interval", func() bool {
		return c.Head(t) >= 2
	})
	key := c.FundedKey(t, big.NewInt(1))
	if got := balance(t, c, crypto.PubkeyToAddress(key.PublicKey)); got.Cmp(ether(1)) != 0 {
		t.Fatalf("funded balance = %s, want 1 ether", got)
	}
}

func TestAnvilManualMining(t *testing.T) {
	t.Parallel()
	c := StartAnvil(t, AnvilOptions{})
	c.SetAutomine(t, false)
	key := c.FundedKey(t, big.NewInt(1)) // mines its own block
	start := c.Head(t)

	to := common.HexToAddress("0x000000000000000000000000000000000000bEEF")
	hash := c.SendValue(t, key, to, big.NewInt(1))
	if _, err := c.Client(t).TransactionReceipt(t.Context(), hash); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("receipt before Mine: err = %v, want not found (pending)", err)
	}
	if _, pending, err := c.Client(t).TransactionByHash(t.Context(), hash); err != nil || !pending {
		t.Fatalf("TransactionByHash before Mine: pending=%v err=%v, want pending", pending, err)
	}
	if c.Head(t) != start {
		t.Fatalf("a block was mined with automine off")
	}
	c.Mine(t, 3)
	r := c.WaitMined(t, hash)
	if got := r.BlockNumber.Uint64(); got != start+1 {
		t.Errorf("mined in block %d, want %d", got, start+1)
	}
	if got := c.Head(t); got != start+3 {
		t.Errorf("head after Mine(3) = %d, want %d", got, start+3)
	}
	if n := c.CountTxs(t, t.Context(), crypto.PubkeyToAddress(key.PublicKey), &to, start, math.MaxUint64); n != 1 {
		t.Errorf("CountTxs = %d, want 1", n)
	}

	c.SetIntervalMining(t, 1)
	WaitFor(t, 30*time.Second, "interval mining after SetIntervalMining", func() bool {
		return c.Head(t) > start+3
	})
	c.SetAutomine(t, true)
	c.WaitMined(t, c.SendValue(t, key, to, big.NewInt(1)))
}

func TestAnvilNoMiningAndStateAcrossRestart(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	c := StartAnvil(t, AnvilOptions{NoMining: true, StatePath: state})
	key := c.FundedKey(t, big.NewInt(2))
	addr := crypto.PubkeyToAddress(key.PublicKey)
	port, id := c.Port, c.ChainID

	c.Restart(t)
	if c.Port != port || c.ChainID.Cmp(id) != 0 {
		t.Fatalf("restarted on port %d chain %s, want %d %s", c.Port, c.ChainID, port, id)
	}
	if got := balance(t, c, addr); got.Cmp(ether(2)) != 0 {
		t.Fatalf("balance after restart with StatePath = %s, want 2 ether", got)
	}
}

func TestGethDev(t *testing.T) {
	t.Parallel()
	c := StartGeth(t, GethOptions{})
	if c.Kind != KindGeth || c.ChainID.Uint64() != 1337 {
		t.Fatalf("chain %s id %s, want geth 1337", c.Kind, c.ChainID)
	}
	if dev := c.DevAccount(t); dev != GethDevAddress {
		t.Errorf("dev account = %s, want %s", dev, GethDevAddress)
	}
	key := c.FundedKey(t, big.NewInt(5))
	addr := crypto.PubkeyToAddress(key.PublicKey)
	if got := balance(t, c, addr); got.Cmp(ether(5)) != 0 {
		t.Fatalf("funded balance = %s, want 5 ether", got)
	}

	c.Stop(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	_, err := c.Client(t).BlockNumber(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stopped geth answered: err = %v, want deadline exceeded", err)
	}
	c.Cont(t)
	c.Head(t)

	// A clean restart (SIGTERM, as systemd stops a unit) keeps the chain.
	before := c.Head(t)
	port := c.Port
	c.Restart(t)
	if c.Port != port {
		t.Fatalf("restarted on port %d, want %d", c.Port, port)
	}
	if got := balance(t, c, addr); got.Cmp(ether(5)) != 0 {
		t.Fatalf("balance after clean restart = %s, want 5 ether", got)
	}

	// SIGKILL: geth writes its database without fsync and buffers the last
	// writes in process, so a crash may lose the newest blocks (CI saw one
	// in fifteen runs under load come back at genesis), as it would on a
	// real host. What must hold: it comes back on the same port with the
	// same chain id, never ahead of where it was, and takes transactions.
	c.Kill(t)
	if _, err := c.Client(t).BlockNumber(t.Context()); err == nil {
		t.Fatalf("killed geth answered")
	}
	c.Restart(t)
	if c.Port != port {
		t.Fatalf("restarted on port %d, want %d", c.Port, port)
	}
	if after := c.Head(t); after > before {
		t.Fatalf("head after SIGKILL and restart = %d, want at most %d", after, before)
	}
	if balance(t, c, addr).Sign() == 0 {
		key = c.FundedKey(t, big.NewInt(5))
		addr = crypto.PubkeyToAddress(key.PublicKey)
	}
	to := common.HexToAddress("0x000000000000000000000000000000000000bEEF")
	c.WaitMined(t, c.SendValue(t, key, to, big.NewInt(1)))
	if n := c.CountTxs(t, t.Context(), addr, &to, 0, math.MaxUint64); n != 1 {
		t.Errorf("CountTxs = %d, want 1", n)
	}
}

func TestGethDevPeriod(t *testing.T) {
	t.Parallel()
	c := StartGeth(t, GethOptions{Period: time.Second})
	WaitFor(t, 30*time.Second, "geth to seal empty blocks every period", func() bool {
		return c.Head(t) >= 2
	})
	c.FundedKey(t, big.NewInt(1))
}

// recordingTB stands in for a test so RequireTool's verdict on a missing
// tool can be observed without ending this test.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Fatalf(format string, a ...any) { r.fatal = format }
func (r *recordingTB) Skipf(format string, a ...any)  { r.skip = format }

func TestRequireToolMissing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ci       string
		wantFail bool
	}{
		{"FailsUnderCI", "true", true},
		{"SkipsOnADeveloperMachine", "", false},
		{"SkipsWhenCIIsNotTrue", "false", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recordingTB{TB: t}
			RequireTool(r, "lpops-no-such-tool")
			if failed := r.fatal != ""; failed != tc.wantFail || (r.fatal == "") == (r.skip == "") {
				t.Fatalf("CI=%q: fatal=%q skip=%q", tc.ci, r.fatal, r.skip)
			}
		})
	}
}
