package backup

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// ErrLiveSigner is wrapped by Liveness's error when another signer of the
// identity may still be running: restoring would bring up a second one.
var ErrLiveSigner = errors.New("the identity may still be live elsewhere")

// Identity is what restore checks against the chain.
type Identity struct {
	Orchestrator common.Address
	Signer       common.Address
	Controller   common.Address
	ChainID      uint64
}

// CheckChain checks that the chain is the config's and that the signer may
// call reward for the orchestrator: it is the registered orchestrator
// itself, or the orchestrator's LIP-118 reward caller. It returns how.
func CheckChain(ctx context.Context, c *rpc.Client, id Identity) (string, error) {
	var chainID hexutil.Big
	if err := c.CallContext(ctx, &chainID, "eth_chainId"); err != nil {
		return "", fmt.Errorf("eth_chainId: %w", err)
	}
	if got := (*big.Int)(&chainID); got.Uint64() != id.ChainID || !got.IsUint64() {
		return "", fmt.Errorf("the RPC endpoint is chain %s, the config says %d", got, id.ChainID)
	}
	addrs, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: c}, id.Controller)
	if err != nil {
		return "", err
	}
	status := livepeer.NewViewCall(livepeer.BondingManagerABI, addrs.BondingManager, "transcoderStatus", id.Orchestrator)
	caller := livepeer.NewViewCall(livepeer.BondingManagerABI, addrs.BondingManager, "transcoderToRewardCaller", id.Orchestrator)
	batch := []rpc.BatchElem{status.Elem(), caller.Elem()}
	if err := c.BatchCallContext(ctx, batch); err != nil {
		return "", fmt.Errorf("read the orchestrator: %w", err)
	}
	var st uint8
	if err := status.Decode(batch[0], &st); err != nil {
		return "", err
	}
	if st == 0 {
		return "", fmt.Errorf("orchestrator %s is not registered on chain %d", id.Orchestrator, id.ChainID)
	}
	if id.Signer == id.Orchestrator {
		return "the registered orchestrator", nil
	}
	var rc common.Address
	if err := caller.Decode(batch[1], &rc); err != nil {
		// A BondingManager before LIP-118 has no reward callers.
		return "", fmt.Errorf("signer %s is not the orchestrator %s, and its reward caller cannot be read: %w", id.Signer, id.Orchestrator, err)
	}
	if rc != id.Signer {
		return "", fmt.Errorf("signer %s is neither the orchestrator %s nor its reward caller (the chain names %s)", id.Signer, id.Orchestrator, rc)
	}
	return "the orchestrator's LIP-118 reward caller", nil
}

// Liveness looks for signs that the identity still signs elsewhere: the
// signer's nonce moved in the last idleBlocks blocks or a transaction of it
// waits in the pool, or an lpops API at one of apis (host:port or URLs)
// still answers. Any sign is ErrLiveSigner, with the evidence.
func Liveness(ctx context.Context, c *rpc.Client, signer common.Address, idleBlocks uint64, apis []string) error {
	var evidence []string
	var head hexutil.Uint64
	if err := c.CallContext(ctx, &head, "eth_blockNumber"); err != nil {
		return fmt.Errorf("eth_blockNumber: %w", err)
	}
	from := uint64(0)
	if uint64(head) > idleBlocks {
		from = uint64(head) - idleBlocks
	}
	var now, then, pending hexutil.Uint64
	batch := []rpc.BatchElem{
		{Method: "eth_getTransactionCount", Args: []any{signer, head.String()}, Result: &now},
		{Method: "eth_getTransactionCount", Args: []any{signer, hexutil.Uint64(from).String()}, Result: &then},
		{Method: "eth_getTransactionCount", Args: []any{signer, "pending"}, Result: &pending},
	}
	if err := c.BatchCallContext(ctx, batch); err != nil {
		return fmt.Errorf("read %s's nonce: %w", signer, err)
	}
	for _, e := range batch {
		if e.Error != nil {
			return fmt.Errorf("read %s's nonce (%v): %w", signer, e.Args[1], e.Error)
		}
	}
	if now != then {
		evidence = append(evidence, fmt.Sprintf("%s sent %d transaction(s) between blocks %d and %d", signer, now-then, from, uint64(head)))
	}
	if pending > now {
		evidence = append(evidence, fmt.Sprintf("%d transaction(s) of %s wait in the pool", pending-now, signer))
	}
	client := &http.Client{Timeout: 2 * time.Second}
	for _, a := range apis {
		u := a
		if !strings.Contains(u, "://") {
			host, port, err := net.SplitHostPort(a)
			if err != nil {
				continue
			}
			if host == "" || host == "0.0.0.0" || host == "::" {
				host = "127.0.0.1"
			}
			u = "http://" + net.JoinHostPort(host, port)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(u, "/")+"/healthz", nil)
		if err != nil {
			continue
		}
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		evidence = append(evidence, fmt.Sprintf("an lpops API still answers at %s (%s)", u, resp.Status))
	}
	if len(evidence) > 0 {
		return fmt.Errorf("%w: %s", ErrLiveSigner, strings.Join(evidence, "; "))
	}
	return nil
}
