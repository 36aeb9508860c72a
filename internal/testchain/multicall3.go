package testchain

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Multicall3Address is where Multicall3 lives on Arbitrum One and most EVM chains (the same
// address everywhere: it was deployed from one keyless transaction). A test chain has code
// there only when the test puts it there, with Multicall3Alloc or InstallMulticall3, so
// tests can run with Multicall3 and without it.
var Multicall3Address = common.HexToAddress("0xcA11bde05977b3631167028862bE2a173976CA11")

// Multicall3Runtime returns the runtime code of the test Multicall3 (contracts/src/Multicall3.sol).
func Multicall3Runtime() ([]byte, error) {
	a, err := LoadArtifact("Multicall3")
	if err != nil {
		return nil, err
	}
	if len(a.Runtime) == 0 {
		return nil, fmt.Errorf("artifact Multicall3: no runtime code (regenerate with go generate ./internal/testchain)")
	}
	return a.Runtime, nil
}

// Multicall3Alloc is the genesis account that gives a go-ethereum simulated chain (or any
// chain built from a genesis) Multicall3 at its canonical address. Merge it into the alloc
// handed to the chain.
func Multicall3Alloc() (types.GenesisAlloc, error) {
	code, err := Multicall3Runtime()
	if err != nil {
		return nil, err
	}
	return types.GenesisAlloc{Multicall3Address: {Code: code, Balance: common.Big0}}, nil
}

// InstallMulticall3 puts Multicall3's runtime code at its canonical address on a running
// anvil (anvil_setCode), as it is on Arbitrum One. It takes effect at once, without a block.
func InstallMulticall3(ctx context.Context, c *rpc.Client) error {
	code, err := Multicall3Runtime()
	if err != nil {
		return err
	}
	if err := c.CallContext(ctx, nil, "anvil_setCode", Multicall3Address, hexutil.Bytes(code)); err != nil {
		return fmt.Errorf("install Multicall3 at %s: anvil_setCode: %w", Multicall3Address, err)
	}
	return nil
}
