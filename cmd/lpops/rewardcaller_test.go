package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// hotKeyEnv is an anvil chain with the test contracts, a registered
// orchestrator whose keystore sits in a file, and the built lpops.
type hotKeyEnv struct {
	t        *testing.T
	ctx      context.Context
	chain    *testenv.Chain
	dep      *testchain.Deployment
	bin, dir string
	orch     common.Address
	orchKS   string // the orchestrator's keystore file
	orchPass string // and its passphrase file
	roundLen uint64
}

// runLpops runs the built lpops with args and stdin, to its end.
func (e *hotKeyEnv) runLpops(stdin string, args ...string) (int, string, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run lpops %s: %v", strings.Join(args, " "), err)
	}
	return code, out.String(), errb.String()
}

// writeConfig writes an lpops config for orch, signing with the keystore
// ks (passphrase file pass), and returns its path.
func (e *hotKeyEnv) writeConfig(name string, orch common.Address, ks, pass string) string {
	e.t.Helper()
	path := filepath.Join(e.dir, name)
	yaml := fmt.Sprintf(`network: custom
chain_id: %s
controller: %q
rpc:
  - name: anvil
    url: %s
orchestrator: %q
signer:
  keystore: %s
  passphrase_file: %s
reward:
  mode: act
  grace_blocks: 1
  max_fee_gwei: 50
initialize_round:
  enabled: true
  after_blocks: 1
  max_fee_gwei: 50
state_dir: %s
listen: 127.0.0.1:%d
probes:
  releases:
    url: ""
`, e.chain.ChainID, e.dep.Controller.Hex(), e.chain.URL, orch.Hex(), ks, pass, filepath.Join(e.dir, "state-"+name), testenv.FreePort(e.t))
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// TestRewardCallerSetThenHotKeyRewards walks the operator's move: a hot key
// from lpops signer new, the --print transaction checked, setRewardCaller
// sent with the orchestrator's keystore after typing yes and read back from
// the chain, then lpops signing with the hot key rewards the orchestrator
// with rewardForTranscoder.
func TestRewardCallerSetThenHotKeyRewards(t *testing.T) {
	chain := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	e := &hotKeyEnv{t: t, ctx: ctx, chain: chain, bin: testenv.BuildLpops(t), dir: t.TempDir(), roundLen: 30}
	owner := chain.FundedKey(t, big.NewInt(100))
	orchKey := chain.FundedKey(t, big.NewInt(10))
	e.orch = crypto.PubkeyToAddress(orchKey.PublicKey)
	dep, err := testchain.Deploy(ctx, chain.Client(t), owner, testchain.Params{RoundLength: e.roundLen, LIP118: true})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	e.dep = dep
	if err := dep.RegisterOrchestrator(ctx, owner, orchKey, new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18)), 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}
	orchDir := filepath.Join(e.dir, "orchestrator")
	e.orchKS, err = signer.WriteKeystore(filepath.Join(orchDir, "keystore"), orchKey, "orchestrator secret", true)
	if err != nil {
		t.Fatal(err)
	}
	e.orchPass = filepath.Join(orchDir, "passphrase")
	if err := os.WriteFile(e.orchPass, []byte("orchestrator secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// 1. The hot key, made by lpops itself.
	code, out, errOut := e.runLpops("", "signer", "new", "--dir", filepath.Join(e.dir, "hot"), "--json")
	if code != 0 {
		t.Fatalf("lpops signer new: exit %d\n%s%s", code, out, errOut)
	}
	var hot newKey
	if err := json.Unmarshal([]byte(out), &hot); err != nil {
		t.Fatalf("signer new --json: %v\n%s", err, out)
	}
	hotAddr := common.HexToAddress(hot.Address)
	if _, err := dep.FundETH(ctx, owner, hotAddr, big.NewInt(1e18)); err != nil {
		t.Fatal(err)
	}
	// lpops is configured with the hot key from the start: the operator
	// switches the config before or after setting the caller.
	cfg := e.writeConfig("lpops.yaml", e.orch, hot.Keystore, hot.PassphraseFile)

	// 2. --print (the default): the exact transaction, simulated.
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", hotAddr.Hex(), "--json")
	if code != 0 {
		t.Fatalf("reward-caller set (print): exit %d\n%s%s", code, out, errOut)
	}
	var tx setRewardCallerTx
	if err := json.Unmarshal([]byte(out), &tx); err != nil {
		t.Fatalf("reward-caller set --json: %v\n%s", err, out)
	}
	if common.HexToAddress(tx.To) != dep.BondingManager || common.HexToAddress(tx.From) != e.orch || tx.Value != "0" || tx.GasEstimate == 0 {
		t.Errorf("printed tx from %s to %s value %s gas %d; want from the orchestrator %s to the BondingManager %s, value 0, a gas estimate",
			tx.From, tx.To, tx.Value, tx.GasEstimate, e.orch, dep.BondingManager)
	}
	data, err := hexutil.Decode(tx.Data)
	if err != nil || len(data) < 4 {
		t.Fatalf("printed data %q: %v", tx.Data, err)
	}
	m, err := livepeer.BondingManagerABI.MethodById(data[:4])
	if err != nil || m.Name != "setRewardCaller" || hexutil.Encode(data[:4]) != "0x0103e60e" {
		t.Fatalf("printed data calls %v (%v), want setRewardCaller (0x0103e60e)", m, err)
	}
	args, err := m.Inputs.Unpack(data[4:])
	if err != nil || len(args) != 1 || args[0].(common.Address) != hotAddr {
		t.Fatalf("printed data's argument %v (%v), want the hot key %s", args, err, hotAddr)
	}
	code, out, _ = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", hotAddr.Hex())
	if code != 0 || !strings.Contains(out, tx.Data) || !strings.Contains(out, dep.BondingManager.Hex()) {
		t.Errorf("reward-caller set (print, text): exit %d, want the data and the BondingManager in:\n%s", code, out)
	}
	t.Logf("lpops reward-caller set --caller %s:\n%s", hotAddr, out)
	if rc := readRewardCaller(t, dep, e.orch); rc != (common.Address{}) {
		t.Fatalf("--print sent something: the reward caller is %s", rc)
	}

	// 3. Send with the orchestrator's keystore: refused without "yes",
	// sent and verified with it.
	send := []string{"reward-caller", "set", "--config", cfg, "--caller", hotAddr.Hex(), "--orchestrator-keystore", e.orchKS, "--passphrase-file", e.orchPass}
	code, out, errOut = e.runLpops("no\n", send...)
	if code != 1 || !strings.Contains(errOut, "not confirmed") {
		t.Errorf("answering no: exit %d, want 1 and \"not confirmed\":\n%s%s", code, out, errOut)
	}
	if rc := readRewardCaller(t, dep, e.orch); rc != (common.Address{}) {
		t.Fatalf("answering no sent it: the reward caller is %s", rc)
	}
	code, out, errOut = e.runLpops("yes\n", send...)
	if code != 0 || !strings.Contains(out, "transcoderToRewardCaller("+e.orch.Hex()+") = "+hotAddr.Hex()) {
		t.Fatalf("answering yes: exit %d\n%s%s", code, out, errOut)
	}
	if rc := readRewardCaller(t, dep, e.orch); rc != hotAddr {
		t.Fatalf("on chain, the reward caller is %s, want %s", rc, hotAddr)
	}
	t.Logf("lpops reward-caller set:\n%s", out)

	// Again: nothing to send.
	code, out, errOut = e.runLpops("", send...)
	if code != 0 || !strings.Contains(out, "already") {
		t.Errorf("setting it again: exit %d, want 0 and \"already\":\n%s%s", code, out, errOut)
	}
	// Another caller: only with --replace.
	other := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", other.Hex())
	if code != 1 || !strings.Contains(errOut, "already has reward caller "+hotAddr.Hex()) || !strings.Contains(errOut, "--replace") {
		t.Errorf("another caller without --replace: exit %d, want 1 naming the current caller and --replace:\n%s%s", code, out, errOut)
	}
	code, out, errOut = e.runLpops("", "reward-caller", "show", "--config", cfg, "--json")
	var st rewardCallerState
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || common.HexToAddress(st.RewardCaller) != hotAddr || common.HexToAddress(st.Signer) != hotAddr || !st.Registered || !st.LIP118 {
		t.Errorf("reward-caller show: exit %d (%v), %+v; want the hot key as reward caller and signer\n%s", code, err, st, errOut)
	}

	// lpops status (no daemon: from the chain) shows lpops will call
	// rewardForTranscoder from the hot key.
	code, out, errOut = e.runLpops("", "status", "--config", cfg)
	if code != 0 || !strings.Contains(out, "calls rewardForTranscoder") || !strings.Contains(out, strings.ToLower(hotAddr.Hex())) {
		t.Errorf("lpops status: exit %d, want \"calls rewardForTranscoder\" and the hot key:\n%s%s", code, out, errOut)
	}

	// 4. lpops, signing with the hot key, rewards the orchestrator in the
	// next round (it is active from the round after registration).
	start, err := dep.RoundStartBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chain.MineTo(t, start+e.roundLen+2)
	code, out, errOut = e.runLpops("", "reward", "--config", cfg, "--submit", "--timeout", "90s")
	if code != 0 || !strings.Contains(out, "rewardForTranscoder") {
		t.Fatalf("lpops reward --submit with the hot key: exit %d, want 0 and rewardForTranscoder:\n%s%s", code, out, errOut)
	}
	round, err := dep.CurrentRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last, err := dep.LastRewardRound(ctx, e.orch); err != nil || last != round {
		t.Fatalf("orchestrator's last reward round %d (%v), want the current round %d", last, err, round)
	}
	head := chain.Head(t)
	if n := chain.CountTxs(t, ctx, hotAddr, &dep.BondingManager, 0, head); n != 1 {
		t.Errorf("the hot key sent %d transactions to the BondingManager, want 1 (rewardForTranscoder)", n)
	}
	t.Logf("lpops reward --submit:\n%s", out)

	// Rotating the hot key: a keystore that is not the orchestrator's is
	// refused, a passphrase file others may read too; --replace --yes sends.
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", other.Hex(), "--replace", "--yes",
		"--orchestrator-keystore", hot.Keystore, "--passphrase-file", hot.PassphraseFile)
	if code != 1 || !strings.Contains(errOut, "holds "+hotAddr.Hex()+", not the orchestrator") {
		t.Errorf("the hot key's keystore as the orchestrator's: exit %d, want 1 naming both:\n%s%s", code, out, errOut)
	}
	loose := filepath.Join(e.dir, "loose-passphrase")
	if err := os.WriteFile(loose, []byte("orchestrator secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", other.Hex(), "--replace", "--yes",
		"--orchestrator-keystore", e.orchKS, "--passphrase-file", loose)
	if code != 1 || !strings.Contains(errOut, "chmod 600") || strings.Contains(out+errOut, "orchestrator secret") {
		t.Errorf("a passphrase file others may read: exit %d, want 1 and the chmod to run, never the passphrase:\n%s%s", code, out, errOut)
	}
	if rc := readRewardCaller(t, dep, e.orch); rc != hotAddr {
		t.Fatalf("a refused send changed the reward caller to %s", rc)
	}
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", other.Hex(), "--replace", "--yes",
		"--orchestrator-keystore", e.orchKS, "--passphrase-file", e.orchPass)
	if code != 0 || !strings.Contains(out, "replacing the reward caller "+hotAddr.Hex()) {
		t.Errorf("--replace --yes: exit %d\n%s%s", code, out, errOut)
	}
	if rc := readRewardCaller(t, dep, e.orch); rc != other {
		t.Fatalf("after --replace the reward caller is %s, want %s", rc, other)
	}

	// 5. Clear errors: an orchestrator that is not registered, and a
	// BondingManager without LIP-118.
	stranger := crypto.PubkeyToAddress(chain.FundedKey(t, big.NewInt(1)).PublicKey)
	cfg2 := e.writeConfig("stranger.yaml", stranger, hot.Keystore, hot.PassphraseFile)
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg2, "--caller", hotAddr.Hex())
	if code != 1 || !strings.Contains(errOut, "not a registered orchestrator") {
		t.Errorf("an unregistered orchestrator: exit %d, want 1 and \"not a registered orchestrator\":\n%s%s", code, out, errOut)
	}
	if _, err := dep.SetLIP118Enabled(ctx, owner, false); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = e.runLpops("", "reward-caller", "set", "--config", cfg, "--caller", other.Hex())
	if code != 1 || !strings.Contains(errOut, "has no LIP-118") {
		t.Errorf("no LIP-118: exit %d, want 1 and \"has no LIP-118\":\n%s%s", code, out, errOut)
	}
}

func readRewardCaller(t *testing.T, dep *testchain.Deployment, orch common.Address) common.Address {
	t.Helper()
	a, err := dep.Contracts.BondingManager.TranscoderToRewardCaller(&bind.CallOpts{Context: t.Context()}, orch)
	if err != nil {
		t.Fatalf("transcoderToRewardCaller: %v", err)
	}
	return a
}

// TestRewardCallerSetUsage: flag mistakes exit 2 before anything is read.
func TestRewardCallerSetUsage(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Args []string
		Want string
	}{
		{"NoCaller", []string{"set"}, "--caller ADDRESS is required"},
		{"BadCaller", []string{"set", "--caller", "0x123"}, "not a 0x-prefixed 20-byte hex address"},
		{"KeystoreWithoutPassphrase", []string{"set", "--caller", "0x00000000000000000000000000000000000000aa", "--orchestrator-keystore", "k"}, "needs --passphrase-file"},
		{"PrintAndKeystore", []string{"set", "--caller", "0x00000000000000000000000000000000000000aa", "--print", "--orchestrator-keystore", "k", "--passphrase-file", "p"}, "not both"},
		{"YesAlone", []string{"set", "--caller", "0x00000000000000000000000000000000000000aa", "--yes"}, "go with --orchestrator-keystore"},
		{"UnknownAction", []string{"unset"}, "unknown action"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"reward-caller"}, tc.Args...)...)
			if code != 2 || !strings.Contains(errOut, tc.Want) {
				t.Errorf("exit %d, want 2 and %q in:\n%s", code, tc.Want, errOut)
			}
		})
	}
}

// TestCapFee: set prices its one transaction under reward's caps, as the
// keeper prices reward.
func TestCapFee(t *testing.T) {
	gwei := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }
	for _, tc := range []struct {
		Name                             string
		BaseFee, GasPrice, Tip, Cap, Tcp *big.Int
		WantMax, WantTip                 *big.Int
		WantWhy                          string
	}{
		{"UnderCap", gwei(1), gwei(2), gwei(1), gwei(50), nil, gwei(3), gwei(1), ""},
		{"MaxFeeCut", gwei(10), gwei(11), gwei(1), gwei(15), nil, gwei(15), gwei(1), ""},
		{"TipCapped", gwei(1), gwei(2), gwei(5), gwei(50), gwei(2), gwei(4), gwei(2), ""},
		{"TipWithinRoom", gwei(10), gwei(11), gwei(8), gwei(12), nil, gwei(12), gwei(2), ""},
		{"BaseFeeAtCap", gwei(5), gwei(6), gwei(1), gwei(5), nil, nil, nil, "base fee 5000000000 wei/gas at or above the cap"},
		{"LegacyUnderCap", nil, gwei(2), gwei(2), gwei(5), nil, gwei(2), gwei(2), ""},
		{"LegacyAboveCap", nil, gwei(6), gwei(6), gwei(5), nil, nil, nil, "gas price 6000000000 wei above the cap"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			maxFee, tip, why := capFee(tc.BaseFee, tc.GasPrice, tc.Tip, tc.Cap, tc.Tcp)
			if tc.WantWhy != "" {
				if !strings.Contains(why, tc.WantWhy) {
					t.Fatalf("why %q, want %q", why, tc.WantWhy)
				}
				return
			}
			if why != "" || maxFee.Cmp(tc.WantMax) != 0 || tip.Cmp(tc.WantTip) != 0 {
				t.Fatalf("max fee %s tip %s (%q), want %s and %s", maxFee, tip, why, tc.WantMax, tc.WantTip)
			}
			if maxFee.Cmp(tc.Cap) > 0 {
				t.Fatalf("max fee %s above the cap %s", maxFee, tc.Cap)
			}
		})
	}
}
