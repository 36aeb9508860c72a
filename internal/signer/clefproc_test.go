package signer

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
	"github.com/lpops/lpops/internal/testenv"
)

// The clef tests run the real clef (go-ethereum's cmd/clef, installed by
// scripts/install-test-tools.sh) set up as an operator would: clef init
// (master seed under a master password), the account's keystore, clef setpw
// (its password in clef's encrypted store, so the rules can approve without
// a prompt), clef attest (the sha256 of the rule file lpops render writes),
// then clef serving with that rule file. Passwords go to clef on stdin,
// never on its command line; clef reads them a line at a time when stdin is
// not a terminal.

const (
	clefMasterPassword  = "lpops-clef-master-password"
	clefAccountPassword = "lpops-clef-account-password"
)

// clefRulesFor renders the rule file for signer on chainID with the given
// contracts, orchestrator and caps, as lpops render does.
func clefRulesFor(t testing.TB, cfg *config.Config) []byte {
	t.Helper()
	b, err := render.ClefRulesFile(cfg, "lpops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clefConfig is a configuration with signer.kind clef for the rule file.
func clefConfig(chainID uint64, signer, orch, bm, rm string) *config.Config {
	c := config.Default()
	c.ChainID = chainID
	c.Orchestrator = orch
	c.Reward.MaxFeeGwei = 50
	c.InitializeRound.MaxFeeGwei = 1
	c.Signer.Kind = config.SignerKindClef
	c.Signer.Clef.Address = signer
	c.Signer.Clef.BondingManager = bm
	c.Signer.Clef.RoundsManager = rm
	return &c
}

// clefProc is a serving clef.
type clefProc struct {
	HTTP, IPC string
	out       string // path of its combined output
}

// runClefCmd runs a clef subcommand with stdin lines and fails on error.
func runClefCmd(t testing.TB, bin string, stdin []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(strings.Join(stdin, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("clef %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// startClef sets clef up for key with rules attested and serves it over
// HTTP (on a free loopback port) and IPC.
func startClef(t testing.TB, key *ecdsa.PrivateKey, rules []byte, chainID uint64) *clefProc {
	t.Helper()
	bin := testenv.RequireTool(t, "clef")
	// A short directory: the IPC socket path must fit in sun_path.
	dir, err := os.MkdirTemp("", "clef")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	confDir, ksDir := filepath.Join(dir, "conf"), filepath.Join(dir, "ks")
	base := []string{"--suppress-bootwarn", "--lightkdf", "--configdir", confDir, "--keystore", ksDir, "--nousb"}

	runClefCmd(t, bin, []string{clefMasterPassword, clefMasterPassword}, append(base, "init")...)
	if _, err := WriteKeystore(ksDir, key, clefAccountPassword, true); err != nil {
		t.Fatal(err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	runClefCmd(t, bin, []string{clefAccountPassword, clefAccountPassword, clefMasterPassword}, append(base, "setpw", addr.Hex())...)
	rulesPath := filepath.Join(dir, "rules.js")
	if err := os.WriteFile(rulesPath, rules, 0o444); err != nil {
		t.Fatal(err)
	}
	fourByte := filepath.Join(dir, "4byte.json")
	if err := os.WriteFile(fourByte, render.ClefFourByteFile(), 0o444); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(rules)
	runClefCmd(t, bin, []string{clefMasterPassword}, append(base, "attest", hex.EncodeToString(sum[:]))...)

	// Served as the rendered unit does: the master password on stdin from
	// a file, nothing else to read there.
	pwFile := filepath.Join(dir, "master")
	if err := os.WriteFile(pwFile, []byte(clefMasterPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Another process may take the free port before clef binds it: then
	// clef exits at once, and another port is tried.
	for attempt := 1; ; attempt++ {
		p, out, ok := serveClef(t, bin, base, dir, chainID, rulesPath, fourByte, pwFile)
		if ok {
			// Without an attested rule file clef would prompt for every request.
			if !strings.Contains(out, "Rule engine configured") {
				t.Fatalf("clef did not load the rule file:\n%s", out)
			}
			return p
		}
		if attempt == 3 || !strings.Contains(out, "address already in use") {
			t.Fatalf("clef exited at start:\n%s", out)
		}
	}
}

// serveClef starts clef serving and waits until it listens, or exits (ok
// false, with its output).
func serveClef(t testing.TB, bin string, base []string, dir string, chainID uint64, rulesPath, fourByte, pwFile string) (p *clefProc, out string, ok bool) {
	t.Helper()
	port := testenv.FreePort(t)
	p = &clefProc{HTTP: fmt.Sprintf("http://127.0.0.1:%d", port), IPC: filepath.Join(dir, "clef.ipc"), out: filepath.Join(dir, fmt.Sprintf("clef-%d.out", port))}
	stdin, err := os.Open(pwFile)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	outF, err := os.Create(p.out)
	if err != nil {
		t.Fatal(err)
	}
	defer outF.Close()
	cmd := exec.Command(bin, append(base, "--chainid", fmt.Sprint(chainID), "--rules", rulesPath,
		"--auditlog", filepath.Join(dir, "audit.log"), "--4bytedb-custom", fourByte,
		"--http", "--http.addr", "127.0.0.1", "--http.port", fmt.Sprint(port), "--ipcpath", dir)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, outF, outF
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(p.out)
			t.Logf("clef output:\n%s", b)
		}
	})
	exited := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	testenv.WaitFor(t, 30*time.Second, "clef to serve HTTP and IPC", func() bool {
		if exited() {
			return true
		}
		b, _ := os.ReadFile(p.out)
		return strings.Contains(string(b), "HTTP endpoint opened") && strings.Contains(string(b), "IPC endpoint opened")
	})
	b, _ := os.ReadFile(p.out)
	return p, string(b), !exited()
}
