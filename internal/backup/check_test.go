package backup

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// TestCheckChainAndLiveness runs restore's checks against anvil with the
// Livepeer test contracts: the orchestrator's own key and its reward caller
// pass, a stranger's key does not; a recent or pending transaction and an
// answering API are signs of a live signer.
func TestCheckChainAndLiveness(t *testing.T) {
	c := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	owner := c.FundedKey(t, big.NewInt(100))
	orch := c.FundedKey(t, big.NewInt(10))
	dep, err := testchain.Deploy(ctx, c.Client(t), owner, testchain.Params{RoundLength: 50, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	stake := new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))
	if err := dep.RegisterOrchestrator(ctx, owner, orch, stake, 100000, 500000); err != nil {
		t.Fatal(err)
	}
	caller := c.FundedKey(t, big.NewInt(1))
	if _, err := dep.SetRewardCaller(ctx, orch, crypto.PubkeyToAddress(caller.PublicKey)); err != nil {
		t.Fatal(err)
	}
	stranger, _ := crypto.GenerateKey()
	id := Identity{Orchestrator: crypto.PubkeyToAddress(orch.PublicKey), Controller: dep.Controller, ChainID: c.ChainID.Uint64()}
	rpcc := c.RPC(t)

	id.Signer = id.Orchestrator
	if how, err := CheckChain(ctx, rpcc, id); err != nil || !strings.Contains(how, "registered orchestrator") {
		t.Fatalf("the orchestrator's key: %q, %v", how, err)
	}
	id.Signer = crypto.PubkeyToAddress(caller.PublicKey)
	if how, err := CheckChain(ctx, rpcc, id); err != nil || !strings.Contains(how, "reward caller") {
		t.Fatalf("the reward caller: %q, %v", how, err)
	}
	id.Signer = crypto.PubkeyToAddress(stranger.PublicKey)
	if _, err := CheckChain(ctx, rpcc, id); err == nil || !strings.Contains(err.Error(), "neither the orchestrator") {
		t.Fatalf("a stranger's key passed: %v", err)
	}
	wrong := id
	wrong.ChainID++
	if _, err := CheckChain(ctx, rpcc, wrong); err == nil || !strings.Contains(err.Error(), "chain") {
		t.Fatalf("wrong chain id passed: %v", err)
	}

	// The reward caller has sent nothing: quiet. Then it sends: live.
	callerAddr := crypto.PubkeyToAddress(caller.PublicKey)
	if err := Liveness(ctx, rpcc, callerAddr, 5, nil); err != nil {
		t.Fatalf("a quiet account: %v", err)
	}
	c.WaitMined(t, c.SendValue(t, caller, crypto.PubkeyToAddress(stranger.PublicKey), big.NewInt(1)))
	if err := Liveness(ctx, rpcc, callerAddr, 5, nil); !errors.Is(err, ErrLiveSigner) || !strings.Contains(err.Error(), "sent 1 transaction") {
		t.Fatalf("just after a transaction: %v, want ErrLiveSigner", err)
	}
	c.Mine(t, 6)
	if err := Liveness(ctx, rpcc, callerAddr, 5, nil); err != nil {
		t.Fatalf("6 blocks after its transaction: %v", err)
	}
	c.SetAutomine(t, false)
	c.SendValue(t, caller, crypto.PubkeyToAddress(stranger.PublicKey), big.NewInt(1))
	if err := Liveness(ctx, rpcc, callerAddr, 5, nil); !errors.Is(err, ErrLiveSigner) || !strings.Contains(err.Error(), "wait in the pool") {
		t.Fatalf("with a pending transaction: %v, want ErrLiveSigner", err)
	}
	c.Mine(t, 7)

	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer old.Close()
	if err := Liveness(ctx, rpcc, callerAddr, 5, []string{old.URL}); !errors.Is(err, ErrLiveSigner) || !strings.Contains(err.Error(), "still answers") {
		t.Fatalf("with the old API answering: %v, want ErrLiveSigner", err)
	}
	old.Close()
	if err := Liveness(ctx, rpcc, callerAddr, 5, []string{strings.TrimPrefix(old.URL, "http://")}); err != nil {
		t.Fatalf("with the old API gone: %v", err)
	}
}
