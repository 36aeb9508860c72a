package signer

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/livepeer"
)

// One table over every backend, as Litestream's replica_client_test.go runs
// one suite over all its clients: each backend is opened through Open from
// a signer section, as the daemon opens it, against the real thing holding
// its key (a keystore file, local-kms, clef).

// contracts are what a backend's server must know before it starts (clef's
// rule file names them).
type contracts struct {
	ChainID                              uint64
	Orchestrator, BondingManager, Rounds common.Address
}

// backendCase makes a backend's key and starts what holds it.
type backendCase struct {
	Name string
	// New makes the key and returns its account and serve, which starts
	// what holds the key for c and returns lpops' signer section (YAML).
	New func(t testing.TB) (common.Address, func(t testing.TB, c contracts) string)
}

func backendCases() []backendCase {
	return []backendCase{
		{"Keystore", func(t testing.TB) (common.Address, func(testing.TB, contracts) string) {
			key, err := crypto.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			return crypto.PubkeyToAddress(key.PublicKey), func(t testing.TB, _ contracts) string {
				dir := t.TempDir()
				ks, err := WriteKeystore(filepath.Join(dir, "keystore"), key, "lpops-backend-passphrase", true)
				if err != nil {
					t.Fatal(err)
				}
				pass := filepath.Join(dir, "passphrase")
				if err := os.WriteFile(pass, []byte("lpops-backend-passphrase\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("signer:\n  keystore: %s\n  passphrase_file: %s\n", ks, pass)
			}
		}},
		{"AWSKMS", func(t testing.TB) (common.Address, func(testing.TB, contracts) string) {
			l := startLocalKMS(t)
			id := l.createKey(t, kmstypes.KeySpecEccSecgP256k1)
			k := openTestKMS(t, l, id, big.NewInt(1))
			return k.Address(), func(testing.TB, contracts) string {
				return fmt.Sprintf("signer:\n  kind: aws-kms\n  kms:\n    key_id: %s\n    region: %s\n    endpoint: %s\n", id, localKMSRegion, l.Endpoint)
			}
		}},
		{"Clef", func(t testing.TB) (common.Address, func(testing.TB, contracts) string) {
			key, err := crypto.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			addr := crypto.PubkeyToAddress(key.PublicKey)
			return addr, func(t testing.TB, c contracts) string {
				rules := clefRulesFor(t, clefConfig(c.ChainID, addr.Hex(), c.Orchestrator.Hex(), c.BondingManager.Hex(), c.Rounds.Hex()))
				p := startClef(t, key, rules, c.ChainID)
				return fmt.Sprintf("signer:\n  kind: clef\n  clef:\n    endpoint: %s\n    address: \"%s\"\n", p.HTTP, addr.Hex())
			}
		}},
	}
}

// openSection loads a configuration holding section and opens its signer
// as the daemon does.
func openSection(t testing.TB, section string, chainID uint64, readOnly bool) Backend {
	t.Helper()
	c, err := config.Parse([]byte(fmt.Sprintf("network: custom\nchain_id: %d\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\nrpc:\n  - url: http://127.0.0.1:8545\norchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n%s", chainID, section)), "lpops.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	b, err := Open(t.Context(), c.Signer, new(big.Int).SetUint64(chainID), readOnly)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestBackends: every backend opened from its configuration names its
// account, signs lpops' calls (typed and legacy) so they recover to that
// account, and opened read-only names the same account and signs nothing.
func TestBackends(t *testing.T) {
	c := contracts{ChainID: 42161, Orchestrator: common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68"),
		BondingManager: common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40"), Rounds: common.HexToAddress("0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f")}
	chainID := new(big.Int).SetUint64(c.ChainID)
	for _, bc := range backendCases() {
		t.Run(bc.Name, func(t *testing.T) {
			addr, serve := bc.New(t)
			section := serve(t, c)
			b := openSection(t, section, c.ChainID, false)
			if b.Address() != addr || !b.CanSign() {
				t.Fatalf("address %s, can sign %v; want %s, true", b.Address(), b.CanSign(), addr)
			}
			reward, err := livepeer.BondingManagerABI.Pack("rewardForTranscoder", c.Orchestrator)
			if err != nil {
				t.Fatal(err)
			}
			initRound, err := livepeer.RoundsManagerABI.Pack("initializeRound")
			if err != nil {
				t.Fatal(err)
			}
			bm, rm := c.BondingManager, c.Rounds
			for i, tx := range []*types.Transaction{
				types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: 7, GasTipCap: big.NewInt(1e6), GasFeeCap: big.NewInt(2e9), Gas: 500000, To: &bm, Data: reward}),
				types.NewTx(&types.LegacyTx{Nonce: 8, GasPrice: big.NewInt(1e9), Gas: 500000, To: &bm, Data: reward}),
				types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: 9, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(5e8), Gas: 300000, To: &rm, Data: initRound}),
			} {
				signed, err := b.Sign(tx)
				if err != nil {
					t.Fatalf("sign %d: %v", i, err)
				}
				from, err := types.Sender(types.LatestSignerForChainID(chainID), signed)
				if err != nil || from != addr {
					t.Fatalf("tx %d recovers to %s (err %v), want %s", i, from, err, addr)
				}
				if signed.Nonce() != tx.Nonce() || signed.GasFeeCap().Cmp(tx.GasFeeCap()) != 0 || string(signed.Data()) != string(tx.Data()) {
					t.Fatalf("tx %d changed in signing", i)
				}
			}
			ro := openSection(t, section, c.ChainID, true)
			if ro.Address() != addr || ro.CanSign() {
				t.Fatalf("read-only: address %s, can sign %v; want %s, false", ro.Address(), ro.CanSign(), addr)
			}
			to := addr
			if _, err := ro.Sign(types.NewTx(&types.LegacyTx{To: &to, Gas: 21000, GasPrice: big.NewInt(1)})); err == nil {
				t.Fatal("a read-only backend signed")
			}
		})
	}
}

// TestBackendsRewardOnAnvil: each backend's account is the orchestrator's
// LIP-118 reward caller, and the built lpops signing with it gets the next
// round's reward mined. The transaction's hash is logged.
func TestBackendsRewardOnAnvil(t *testing.T) {
	for _, bc := range backendCases() {
		t.Run(bc.Name, func(t *testing.T) {
			addr, serve := bc.New(t)
			e := newRewardEnv(t, addr)
			section := serve(t, contracts{ChainID: e.chain.ChainID.Uint64(), Orchestrator: e.orchAddr(),
				BondingManager: e.dep.BondingManager, Rounds: e.dep.RoundsManager})
			lp := e.startLpops(t, section)
			start := time.Now()
			tx := e.rewardNextRound(t, lp, addr)
			t.Logf("%s-signed reward transaction %s from %s, mined on anvil (round wait %s)", bc.Name, tx.Hash().Hex(), addr.Hex(), time.Since(start).Round(time.Second))
		})
	}
}

// BenchmarkBackendsSign measures one signature of a reward transaction by
// each backend, against the real thing holding the key on this machine
// (local-kms and clef over loopback HTTP; a real KMS adds the network).
// The keystore's in-process signature is the baseline each ratio is to.
func BenchmarkBackendsSign(b *testing.B) {
	c := contracts{ChainID: 42161, Orchestrator: common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68"),
		BondingManager: common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40"), Rounds: common.HexToAddress("0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f")}
	chainID := new(big.Int).SetUint64(c.ChainID)
	data, err := livepeer.BondingManagerABI.Pack("rewardForTranscoder", c.Orchestrator)
	if err != nil {
		b.Fatal(err)
	}
	var baseline float64
	for _, bc := range backendCases() {
		b.Run(bc.Name, func(b *testing.B) {
			_, serve := bc.New(b)
			s := openSection(b, serve(b, c), c.ChainID, false)
			bm := c.BondingManager
			var n uint64
			start := time.Now()
			for b.Loop() {
				n++
				tx := types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: n, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(1e9), Gas: 500000, To: &bm, Data: data})
				if _, err := s.Sign(tx); err != nil {
					b.Fatal(err)
				}
			}
			per := float64(time.Since(start).Nanoseconds()) / float64(n)
			if bc.Name == "Keystore" {
				baseline = per
			}
			if baseline > 0 {
				b.ReportMetric(per/baseline, "x_keystore")
			}
		})
	}
}
