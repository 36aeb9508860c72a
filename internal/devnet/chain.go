// Package devnet is lpops' embedded local network for `lpops demo`: a
// go-ethereum chain in-process with JSON-RPC on 127.0.0.1, the
// Livepeer-compatible test contracts, and a simulated go-livepeer node.
package devnet

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
)

// ChainID is the simulated chain's id (fixed by go-ethereum's simulated backend).
const ChainID = 1337

// Chain is an in-process chain that mines a block every BlockTime and serves
// JSON-RPC over HTTP on loopback, like a real node would.
type Chain struct {
	Backend *simulated.Backend
	URL     string

	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex // held while a block is sealed, so pausing waits for it
	paused bool
}

// PauseMining stops producing blocks until ResumeMining: transactions stay
// pending, as on a congested or stalled chain. When it returns no block is
// being sealed, so a transaction sent afterwards stays pending: a block
// sealed concurrently could otherwise take it (a flag alone let a test's
// "pending" transfer be mined under load).
func (c *Chain) PauseMining() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paused = true
}

// ResumeMining restarts block production.
func (c *Chain) ResumeMining() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paused = false
}

// mine seals a block unless mining is paused.
func (c *Chain) mine() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		c.Backend.Commit()
	}
}

// StartChain starts the chain with alloc funded and mines every blockTime.
func StartChain(alloc types.GenesisAlloc, blockTime time.Duration) (*Chain, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	b := simulated.NewBackend(alloc, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost = "127.0.0.1"
		nc.HTTPPort = port
		nc.HTTPModules = []string{"eth", "net", "web3", "txpool"}
		nc.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
	})
	ctx, cancel := context.WithCancel(context.Background())
	c := &Chain{Backend: b, URL: fmt.Sprintf("http://127.0.0.1:%d", port), cancel: cancel}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(blockTime)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.mine()
			}
		}
	}()
	return c, nil
}

// ChainIDBig is ChainID as a big.Int.
func ChainIDBig() *big.Int { return big.NewInt(ChainID) }

// Close stops mining and the node.
func (c *Chain) Close() error {
	c.cancel()
	c.wg.Wait()
	return c.Backend.Close()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
