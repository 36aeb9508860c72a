package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/devnet"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
)

// fleetCLI is a devnet with three registered orchestrators and a fleet
// configuration for them: a and b sign with the top-level signer (their
// LIP-118 reward caller), c with its own keystore (its own key). No daemon
// runs.
type fleetCLI struct {
	cfg     string
	a, b, c common.Address
	caller  common.Address
}

func newFleetCLI(t *testing.T) *fleetCLI {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	owner, caller := fixedKey(11), fixedKey(12)
	keys := []*ecdsa.PrivateKey{fixedKey(13), fixedKey(14), fixedKey(15)}
	eth := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(owner.PublicKey): {Balance: eth(1000)}, crypto.PubkeyToAddress(caller.PublicKey): {Balance: eth(10)}}
	for _, k := range keys {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: eth(100)}
	}
	c, err := devnet.StartChain(alloc, 25*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	dep, err := testchain.Deploy(ctx, c.Backend.Client(), owner, testchain.Params{RoundLength: 100, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}
	dep.PollInterval = 5 * time.Millisecond
	for i, k := range keys {
		if err := dep.RegisterOrchestrator(ctx, owner, k, eth(1000), 100000, 500000); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if _, err := dep.SetRewardCaller(ctx, k, crypto.PubkeyToAddress(caller.PublicKey)); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	keystore := func(name string, k *ecdsa.PrivateKey) (string, string) {
		ks, err := signer.WriteKeystore(filepath.Join(dir, name), k, "pass-"+name, true)
		if err != nil {
			t.Fatal(err)
		}
		pass := filepath.Join(dir, name+".pass")
		if err := os.WriteFile(pass, []byte("pass-"+name), 0o600); err != nil {
			t.Fatal(err)
		}
		return ks, pass
	}
	callerKS, callerPass := keystore("caller", caller)
	ownKS, ownPass := keystore("own", keys[2])
	f := &fleetCLI{cfg: filepath.Join(dir, "lpops.yaml"), caller: crypto.PubkeyToAddress(caller.PublicKey),
		a: crypto.PubkeyToAddress(keys[0].PublicKey), b: crypto.PubkeyToAddress(keys[1].PublicKey), c: crypto.PubkeyToAddress(keys[2].PublicKey)}
	yaml := fmt.Sprintf(`network: custom
chain_id: %d
controller: %q
rpc:
  - name: devnet
    url: %s
signer:
  keystore: %s
  passphrase_file: %s
orchestrators:
  - address: %q
  - address: %q
  - address: %q
    signer:
      keystore: %s
      passphrase_file: %s
state_dir: %s
listen: %s
`, devnet.ChainID, dep.Controller.Hex(), c.URL, callerKS, callerPass, f.a.Hex(), f.b.Hex(), f.c.Hex(), ownKS, ownPass,
		filepath.Join(dir, "state"), freeAddr(t))
	if err := os.WriteFile(f.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// usageErrors: --orchestrator must name a configured orchestrator; the
// error names the flag and lists them, exit 2.
func (f *fleetCLI) usageErrors(t *testing.T, cmd string, extra ...string) {
	t.Helper()
	for _, tc := range []struct {
		Name, Addr, Want string
	}{
		{"NotConfigured", "0x00000000000000000000000000000000000000dd",
			"lpops " + cmd + ": --orchestrator 0x00000000000000000000000000000000000000dd is not an orchestrator of " + f.cfg + "; configured: " +
				lower(f.a) + ", " + lower(f.b) + ", " + lower(f.c)},
		{"NotAnAddress", "orch-b", `lpops ` + cmd + `: --orchestrator: want a 0x address, got "orch-b"`},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{cmd, "--config", f.cfg, "--orchestrator", tc.Addr}, extra...)...)
			if code != exitUsage || strings.TrimSpace(errOut) != tc.Want || out != "" {
				t.Fatalf("exit %d, stderr %q, stdout %q; want 2 and %q", code, errOut, out, tc.Want)
			}
		})
	}
}

// TestRewardOrchestratorFlag: lpops reward simulates for the orchestrator
// --orchestrator names (the first by default), with its signer: the shared
// reward caller's rewardForTranscoder for a and b, c's own reward().
func TestRewardOrchestratorFlag(t *testing.T) {
	f := newFleetCLI(t)
	for _, tc := range []struct {
		Name   string
		Args   []string
		Orch   common.Address
		Method string
	}{
		{"Default", nil, f.a, "rewardForTranscoder"},
		{"SharedCaller", []string{"--orchestrator", lower(f.b)}, f.b, "rewardForTranscoder"},
		{"OwnSigner", []string{"--orchestrator", f.c.Hex()}, f.c, "reward"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"reward", "--config", f.cfg}, tc.Args...)...)
			if code != rewardOK && code != rewardNothing {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"orchestrator:   " + lower(tc.Orch) + "\n", "method:         " + tc.Method + "\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
	f.usageErrors(t, "reward")
}
