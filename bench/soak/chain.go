package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/bench/internal/benchkit"
	"github.com/lpops/lpops/internal/testenv"
)

// devChain is anvil (or geth --dev) as a process, started through the
// repository's scripts, and the soak's own connection to it. The soak mines
// every block itself (mine), so the round clock is the driver's, not a
// timer's: faults land on the block they were drawn for.
type devChain struct {
	Kind string
	URL  string
	RPC  *rpc.Client
	Eth  *ethclient.Client

	cmd  *exec.Cmd
	done chan struct{}
	// dev is geth --dev's unlocked developer account, which seals a block
	// for each transaction it sends.
	dev common.Address
}

// startChain runs scripts/anvil.sh (automine, so the setup's transactions
// are mined at once) or scripts/geth-dev.sh (--dev.period 0: a block as
// soon as a transaction is pending) on a free port, logging to dir.
func startChain(ctx context.Context, root, kind, dir string) (*devChain, error) {
	var script string
	var env []string
	switch kind {
	case "anvil", "geth":
	default:
		return nil, fmt.Errorf("-chain %s: want anvil or geth", kind)
	}
	bin, ok := testenv.LookTool(kind)
	if !ok {
		return nil, fmt.Errorf("%s not found in .tools/bin (or $%s/bin) or PATH: run scripts/install-test-tools.sh", kind, testenv.ToolsEnv)
	}
	port, err := benchkit.FreePort()
	if err != nil {
		return nil, err
	}
	if kind == "anvil" {
		script = "anvil.sh"
		env = []string{"ANVIL_BIN=" + bin, "ANVIL_PORT=" + strconv.Itoa(port)}
	} else {
		script = "geth-dev.sh"
		env = []string{"DEVGETH_BIN=" + bin, "DEVGETH_PORT=" + strconv.Itoa(port), "DEVGETH_PERIOD=0",
			"DEVGETH_DATADIR=" + filepath.Join(dir, "geth")}
	}
	logf, err := os.Create(filepath.Join(dir, kind+".log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(root, "scripts", script))
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	c := &devChain{Kind: kind, URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	if c.RPC, err = rpc.Dial(c.URL); err != nil {
		c.Close()
		return nil, err
	}
	c.Eth = ethclient.NewClient(c.RPC)
	deadline := time.Now().Add(60 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := c.Eth.ChainID(cctx)
		if err == nil && kind == "geth" {
			var accounts []common.Address
			if err = c.RPC.CallContext(cctx, &accounts, "eth_accounts"); err == nil && len(accounts) == 0 {
				err = errors.New("geth --dev has no developer account")
			}
			if err == nil {
				c.dev = accounts[0]
			}
		}
		cancel()
		if err == nil {
			return c, nil
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("%s exited at start; see %s", kind, logf.Name())
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.Close()
			return nil, fmt.Errorf("%s not answering on %s: %v", kind, c.URL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Close kills the chain's process group.
func (c *devChain) Close() {
	if c.RPC != nil {
		c.RPC.Close()
	}
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
	}
}

// call is one JSON-RPC call with a short deadline.
func (c *devChain) call(ctx context.Context, result any, method string, args ...any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.RPC.CallContext(ctx, result, method, args...)
}

// setAutomine switches anvil's automine (a block per transaction); geth
// --dev with period 0 always seals a block per transaction.
func (c *devChain) setAutomine(ctx context.Context, on bool) error {
	if c.Kind == "geth" {
		return nil
	}
	return c.call(ctx, nil, "evm_setAutomine", on)
}

// mine mines one block and returns the head, which on geth may be past the
// previous head by more than one (every transaction seals a block there).
// On anvil the block's base fee is baseFee; geth's follows EIP-1559.
func (c *devChain) mine(ctx context.Context, baseFee *big.Int) (uint64, error) {
	if c.Kind == "geth" {
		return c.mineGeth(ctx)
	}
	if err := c.call(ctx, nil, "anvil_setNextBlockBaseFeePerGas", (*hexutil.Big)(baseFee)); err != nil {
		return 0, fmt.Errorf("set the next base fee: %w", err)
	}
	if err := c.call(ctx, nil, "evm_mine"); err != nil {
		return 0, fmt.Errorf("mine: %w", err)
	}
	return c.head(ctx)
}

// mineGeth has the developer account send itself nothing, which makes geth
// --dev seal a block, and waits for it.
func (c *devChain) mineGeth(ctx context.Context) (uint64, error) {
	h0, err := c.head(ctx)
	if err != nil {
		return 0, err
	}
	var hash common.Hash
	if err := c.call(ctx, &hash, "eth_sendTransaction", map[string]any{"from": c.dev, "to": c.dev, "value": "0x0"}); err != nil {
		return 0, fmt.Errorf("seal a block: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := c.head(ctx)
		if err == nil && h > h0 {
			return h, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("geth sealed no block after %d within 10s", h0)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fundedKey returns a key holding eth: anvil's first dev account, or on
// geth a new key funded from the developer account.
func (c *devChain) fundedKey(ctx context.Context, eth int64) (*ecdsa.PrivateKey, error) {
	if c.Kind == "anvil" {
		return testenv.AnvilDevKey, nil
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	wei := new(big.Int).Mul(big.NewInt(eth), big.NewInt(1e18))
	var hash common.Hash
	if err := c.call(ctx, &hash, "eth_sendTransaction", map[string]any{"from": c.dev, "to": crypto.PubkeyToAddress(k.PublicKey), "value": (*hexutil.Big)(wei)}); err != nil {
		return nil, fmt.Errorf("fund the deployer: %w", err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		b, err := c.balance(ctx, crypto.PubkeyToAddress(k.PublicKey))
		if err == nil && b.Sign() > 0 {
			return k, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("fund the deployer: not mined within 30s (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *devChain) head(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	if err := c.call(ctx, &n, "eth_blockNumber"); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

func (c *devChain) balance(ctx context.Context, a common.Address) (*big.Int, error) {
	var b hexutil.Big
	if err := c.call(ctx, &b, "eth_getBalance", a, "latest"); err != nil {
		return nil, err
	}
	return b.ToInt(), nil
}

// setBalance sets an account's balance (anvil_setBalance), as a transfer
// out or a top-up would, without touching its nonce.
func (c *devChain) setBalance(ctx context.Context, a common.Address, wei *big.Int) error {
	if c.Kind != "anvil" {
		return errors.New("setting a balance needs anvil")
	}
	return c.call(ctx, nil, "anvil_setBalance", a, (*hexutil.Big)(wei))
}
