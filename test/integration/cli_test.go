package integration

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/testenv"
)

// cliTimeout bounds one one-shot command (status, reward).
const cliTimeout = 2 * time.Minute

// cliEnv is an operator's setup for the one-shot commands: a config file
// in dir for the scenario's chain, used by `lpops status` and `lpops reward`
// and, when the test starts it, by the daemon.
type cliEnv struct {
	e   *env
	t   *testing.T
	bin string
	dir string
	// yaml is the config without `listen`, which the daemon's start adds.
	yaml string
}

// Settings of the daemon in the CLI tests: probes run every second and the
// accounts' ETH is "low" (the signer holds 1 ETH, the orchestrator 10), so
// BalanceLow fires for both; two runbooks act on the signer's: one succeeds,
// one fails and opens its breaker.
const cliOps = `probes:
  interval: 1s
  chain_interval: 1s
  accounts:
    warn_eth: 1000
    critical_eth: 0.001
  releases:
    url: ""
remediation:
  interval: 200ms
  runbooks:
    - name: note-low-balance
      when:
        - alertname: BalanceLow
          labels: {account: signer}
      steps:
        - type: command
          argv: [/bin/true]
    - name: top-up-signer
      when:
        - alertname: BalanceLow
          labels: {account: signer}
      steps:
        - type: command
          argv: [/bin/false]
      breaker:
        failures: 1
        cooldown: 6h
`

// newCLIEnv writes the config, keystore and passphrase file. Until a daemon
// starts, listen is a free loopback port nothing answers on.
func newCLIEnv(e *env) *cliEnv {
	t := e.t
	t.Helper()
	c := &cliEnv{e: e, t: t, bin: testenv.BuildLpops(t), dir: t.TempDir()}
	c.yaml = e.config(c.dir, lpopsOptions{grace: defaultGrace}) + cliOps
	cfg := c.yaml + fmt.Sprintf("listen: 127.0.0.1:%d\n", testenv.FreePort(t))
	if err := os.WriteFile(c.path(), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cliEnv) path() string { return filepath.Join(c.dir, "lpops.yaml") }

// start runs `lpops args... --config FILE` and returns the process.
func (c *cliEnv) start(args ...string) *testenv.Proc {
	c.t.Helper()
	return testenv.StartProc(c.t, c.bin, append(args, "--config", c.path()), nil)
}

// run runs `lpops args... --config FILE` to its end and returns its exit
// status, stdout and stderr.
func (c *cliEnv) run(args ...string) (int, string, string) {
	c.t.Helper()
	p := c.start(args...)
	_ = p.Wait(c.t, cliTimeout)
	return p.ExitCode(), p.Stdout(), p.Stderr()
}

// cliStatus is the part of `lpops status --json` the tests read.
type cliStatus struct {
	Ready  bool `json:"ready"`
	Keeper *struct {
		Mode            string            `json:"mode"`
		RewardMethod    string            `json:"reward_method"`
		Round           uint64            `json:"round"`
		BlockNum        uint64            `json:"block_num"`
		RoundStartBlock uint64            `json:"round_start_block"`
		RoundLength     uint64            `json:"round_length"`
		BlocksLeft      uint64            `json:"blocks_left"`
		LastRewardRound uint64            `json:"last_reward_round"`
		Balances        map[string]string `json:"balances_wei"`
		State           string            `json:"state"`
		Reason          string            `json:"reason"`
		LastReward      *struct {
			Round uint64 `json:"round"`
			By    string `json:"by"`
			Tx    string `json:"tx"`
		} `json:"last_reward"`
	} `json:"keeper"`
	Probes []struct {
		Probe  string             `json:"probe"`
		Values map[string]float64 `json:"values"`
	} `json:"probes"`
}

// status runs `lpops status --json` and `lpops status`; both must exit 0.
func (c *cliEnv) status() (*cliStatus, string) {
	c.t.Helper()
	code, out, errOut := c.run("status", "--json")
	if code != 0 {
		c.t.Fatalf("lpops status --json: exit %d\n%s%s", code, out, errOut)
	}
	var s cliStatus
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Keeper == nil {
		c.t.Fatalf("lpops status --json: %v\n%s", err, out)
	}
	code, table, errOut := c.run("status")
	if code != 0 {
		c.t.Fatalf("lpops status: exit %d\n%s%s", code, table, errOut)
	}
	return &s, table
}

// checkAgainstChain compares what status says with the chain: round, block
// and blocks left, last reward round, and both accounts' ETH balances.
func (c *cliEnv) checkAgainstChain(s *cliStatus, table string) {
	c.t.Helper()
	e := c.e
	round, start := e.roundInfo()
	bn, err := e.dep.BlockNum(e.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	lrr, err := e.dep.LastRewardRound(e.ctx, addr(e.orch))
	if err != nil {
		c.t.Fatal(err)
	}
	k := s.Keeper
	if k.Round != round || k.BlockNum != bn || k.RoundStartBlock != start || k.BlocksLeft != start+e.length-bn || k.LastRewardRound != lrr {
		c.t.Errorf("status: round %d block %d (start %d, %d blocks left), last reward round %d; chain: round %d block %d (start %d, %d left), last reward round %d",
			k.Round, k.BlockNum, k.RoundStartBlock, k.BlocksLeft, k.LastRewardRound, round, bn, start, start+e.length-bn, lrr)
	}
	for _, want := range []string{
		fmt.Sprintf("Round         %d, block %d of %d–%d (%d blocks left", round, bn, start, start+e.length, start+e.length-bn),
		fmt.Sprintf("Last reward   round %d", lrr),
	} {
		if !strings.Contains(table, want) {
			c.t.Errorf("status table lacks %q:\n%s", want, table)
		}
	}
	for role, a := range map[string]common.Address{"orchestrator": addr(e.orch), "signer": addr(e.signer)} {
		bal, err := e.chain.Client(c.t).BalanceAt(e.ctx, a, nil)
		if err != nil {
			c.t.Fatal(err)
		}
		key := strings.ToLower(a.Hex())
		if got := k.Balances[key]; got != bal.String() {
			c.t.Errorf("status: %s balance %s wei, chain %s", role, got, bal)
		}
		eth := new(big.Float).Quo(new(big.Float).SetInt(bal), big.NewFloat(1e18)).Text('f', 6)
		if want := fmt.Sprintf("Balance       %s %s ETH (%s)", key, eth, role); !strings.Contains(table, want) {
			c.t.Errorf("status table lacks %q:\n%s", want, table)
		}
	}
	// The orchestrator's balance comes first, whatever the map's order.
	if o, s := strings.Index(table, "(orchestrator)"), strings.Index(table, "(signer)"); o < 0 || s < o {
		c.t.Errorf("status table: balances not orchestrator first, then signer:\n%s", table)
	}
}

// TestCLIStatusAndReward runs `lpops status` and `lpops reward` as an operator
// would, with the daemon down and then up, and counts what lands on chain:
// status never sends; reward without --submit sends nothing; --submit sends
// exactly one transaction; a second --submit in the same round sends none.
func TestCLIStatusAndReward(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{manual: true})
	c := newCLIEnv(e)
	signerAddr := addr(e.signer)
	round, start := e.nextActiveRound()

	// Daemon down, in the node's grace window: the chain, read directly.
	s, table := c.status()
	c.checkAgainstChain(s, table)
	if s.Keeper.State != stateWaitingGrace || s.Keeper.RewardMethod != "rewardForTranscoder" {
		t.Errorf("status: state %q, method %q; want %s, rewardForTranscoder", s.Keeper.State, s.Keeper.RewardMethod, stateWaitingGrace)
	}
	if !strings.Contains(table, "Source        the chain, read directly: no daemon answered at") ||
		!strings.Contains(table, "Alerts, probes and remediation run in the daemon ('lpops run'): not shown.") {
		t.Errorf("status table does not say it read the chain without a daemon:\n%s", table)
	}

	// Past the grace, unrewarded: reward is due, but status only reads.
	e.mineTo(e.l2Block(start + defaultGrace + 1))
	s, table = c.status()
	c.checkAgainstChain(s, table)
	if s.Keeper.State != "cannot_sign" || !strings.Contains(s.Keeper.Reason, "read-only look") {
		t.Errorf("status past the grace with no daemon: state %q (%s); want cannot_sign, a read-only look", s.Keeper.State, s.Keeper.Reason)
	}
	e.mine(1)
	e.wantSignerTxs(0)

	// reward without --submit: simulates, sends nothing, exit 0 (due, would succeed).
	code, out, errOut := c.run("reward")
	if code != 0 || !regexp.MustCompile(`would succeed: +true`).MatchString(out) || !strings.Contains(out, "rewardForTranscoder") ||
		!strings.Contains(out, "(simulation only; add --submit to send)") {
		t.Errorf("lpops reward: exit %d; want 0 and a successful simulation of rewardForTranscoder\n%s%s", code, out, errOut)
	}
	e.mine(1)
	e.wantSignerTxs(0)

	// reward --submit: exactly one transaction. It waits for the receipt:
	// mine once the transaction is in the pool.
	from := e.head() + 1
	p := c.start("reward", "--submit")
	testenv.WaitFor(t, cliTimeout, "lpops reward --submit to send its transaction", func() bool {
		_, pending := e.nonces(signerAddr)
		return pending > 0 || p.Exited()
	})
	e.mine(1)
	if err := p.Wait(t, cliTimeout); err != nil {
		t.Fatalf("lpops reward --submit: %v\n%s", err, p.Output())
	}
	out = p.Stdout()
	rewardTx := regexp.MustCompile(`sent rewardForTranscoder (0x[0-9a-fA-F]{64})`).FindStringSubmatch(out)
	if rewardTx == nil || !strings.Contains(out, fmt.Sprintf("round %d: rewarded by lpops, tx %s", round, rewardTx[1])) {
		t.Fatalf("lpops reward --submit does not say it sent the reward and the round is rewarded by lpops:\n%s", p.Output())
	}
	if n := e.txsFrom(signerAddr, true, from, e.head()); n != 1 {
		t.Errorf("lpops reward --submit: %d transactions to the BondingManager, want 1", n)
	}
	e.wantSignerTxs(1)

	// A second --submit in the same round: already rewarded, nothing sent.
	code, out, errOut = c.run("reward", "--submit")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("round %d: already rewarded by lpops, tx %s; nothing sent", round, rewardTx[1])) ||
		strings.Contains(out, "sent rewardForTranscoder") {
		t.Errorf("second lpops reward --submit: exit %d; want 0 and \"already rewarded by lpops ... nothing sent\"\n%s%s", code, out, errOut)
	}
	// And the simulation now has nothing to send: exit 3, with the reason.
	code, out, errOut = c.run("reward")
	if code != 3 || !strings.Contains(out, fmt.Sprintf("already rewarded for round %d", round)) {
		t.Errorf("lpops reward after the reward: exit %d; want 3 and \"already rewarded for round %d\"\n%s%s", code, round, out, errOut)
	}
	e.mine(1)
	e.wantSignerTxs(1)

	// Daemon down: status reads lpops' record of who called it.
	s, table = c.status()
	c.checkAgainstChain(s, table)
	if lr := s.Keeper.LastReward; s.Keeper.State != stateDone || lr == nil || lr.Round != round || lr.By != "lpops" || !strings.EqualFold(lr.Tx, rewardTx[1]) {
		t.Errorf("status after reward --submit: state %q, last_reward %+v; want done, round %d by lpops in %s", s.Keeper.State, lr, round, rewardTx[1])
	}
	if want := fmt.Sprintf("Last reward   round %d (this round), called by lpops, tx %s", round, rewardTx[1]); !strings.Contains(table, want) {
		t.Errorf("status table lacks %q:\n%s", want, table)
	}

	// The daemon starts on the same config and state.
	lp := &lpops{t: t, Lpops: testenv.StartLpops(t, testenv.LpopsOptions{
		Dir: c.dir, Config: c.yaml, Timeout: startTimeout, ReadyWhat: "lpops to start and read the chain",
		Ready: func(l *testenv.Lpops) bool {
			var s statusDoc
			return l.Status(&s) == nil && s.Ready && s.Keeper != nil
		},
	})}
	// --submit needs the state the daemon holds: a clear error, nothing sent.
	code, out, errOut = c.run("reward", "--submit", "--timeout", "10s")
	if code != 1 || !strings.Contains(errOut, "is another lpops running on this state_dir?") {
		t.Errorf("lpops reward --submit beside the daemon: exit %d; want 1 and the store lock named\n%s%s", code, out, errOut)
	}

	// Next round: the node rewards itself; status, through the daemon, says so.
	round2, _ := e.nextActiveRound()
	r := e.do("node's reward", e.orch, e.dep.Contracts.BondingManager.Reward)
	lp.waitStatus("the daemon to see the node's reward", func(s *statusDoc) bool {
		return s.inRound(round2) && s.Keeper.State == stateDone
	})
	s, table = c.status()
	c.checkAgainstChain(s, table)
	if lr := s.Keeper.LastReward; lr == nil || lr.Round != round2 || lr.By != "node" || !strings.EqualFold(lr.Tx, r.TxHash.Hex()) {
		t.Errorf("status through the daemon: last_reward %+v; want round %d by the node in %s", lr, round2, r.TxHash.Hex())
	}
	if !strings.Contains(table, "Source        the daemon at 127.0.0.1:") ||
		!strings.Contains(table, fmt.Sprintf("Last reward   round %d (this round), called by node, tx %s", round2, r.TxHash.Hex())) {
		t.Errorf("status table through the daemon:\n%s", table)
	}
	e.wantSignerTxs(1)

	// Alerts, probes and remediation, once the runbooks have run.
	testenv.WaitGet(lp.Lpops, "/api/v1/actions", statusTimeout, "both runbooks to have run", func(d *struct {
		Runs []struct {
			Runbook, State string
		} `json:"runs"`
	}) bool {
		done := map[string]string{}
		for _, r := range d.Runs {
			done[r.Runbook] = r.State
		}
		return done["note-low-balance"] == "succeeded" && done["top-up-signer"] == "failed"
	})
	s, table = c.status()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^FIRING ALERT +SEVERITY +LABELS +SINCE +SUMMARY$`),
		regexp.MustCompile(`(?m)^BalanceLow +warning +account=signer,address=` + strings.ToLower(signerAddr.Hex()) + ` `),
		regexp.MustCompile(`(?m)^RemediationBreakerOpen +critical +runbook=top-up-signer `),
		regexp.MustCompile(`(?m)^PROBE +RESULT +AT +VALUES$`),
		regexp.MustCompile(`(?m)^accounts +ok \(firing [^)]*BalanceLow[^)]*\) .*balance_eth_orchestrator=`),
		regexp.MustCompile(`(?m)^duty +\S+ .*last_reward_round=\d+`),
		regexp.MustCompile(`(?m)^RUNBOOK +BREAKER +FAILURES +LAST RUN +TRIGGERS$`),
		regexp.MustCompile(`(?m)^note-low-balance +closed +0 +#\d+ succeeded at `),
		regexp.MustCompile(`(?m)^top-up-signer +open until .* +1 +#\d+ failed at `),
		regexp.MustCompile(`(?m)^#\d+ +top-up-signer +failed +.*alert BalanceLow\{account=signer,.*/bin/false: exit status 1$`),
		regexp.MustCompile(`(?m)^#\d+ +note-low-balance +succeeded +`),
	} {
		if !want.MatchString(table) {
			t.Errorf("status table does not match %s:\n%s", want, table)
		}
	}
	var probes []string
	for _, p := range s.Probes {
		probes = append(probes, p.Probe)
	}
	if !strings.Contains(strings.Join(probes, ","), "accounts") {
		t.Errorf("status --json probes %v, want the accounts probe among them", probes)
	}

	// The daemon stops: status falls back to the chain and lpops' records.
	lp.Stop(syscall.SIGTERM)
	s, table = c.status()
	c.checkAgainstChain(s, table)
	if lr := s.Keeper.LastReward; lr == nil || lr.Round != round2 || lr.By != "node" {
		t.Errorf("status after the daemon stopped: last_reward %+v; want round %d by the node", lr, round2)
	}
	if !strings.Contains(table, "Source        the chain, read directly") || strings.Contains(table, "FIRING ALERT") {
		t.Errorf("status table after the daemon stopped:\n%s", table)
	}
	e.mine(1)
	e.wantSignerTxs(1)
}
