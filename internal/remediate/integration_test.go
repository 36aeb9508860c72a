package remediate

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/nodeapi"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// unitStatus asks a serving unitd for its unit's state.
type unitStatus struct {
	Pid     int  `json:"pid"`
	Running bool `json:"running"`
	Starts  int  `json:"starts"`
}

func statusOf(t *testing.T, unitd, sock string) unitStatus {
	t.Helper()
	out, err := exec.Command(unitd, "status", "-socket", sock).Output()
	if err != nil {
		t.Fatalf("unitd status: %v", err)
	}
	var s unitStatus
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("unitd status %q: %v", out, err)
	}
	return s
}

// serveUnit starts unitd managing a program, with the unit's output in
// dir/unit.log (printed if the test fails), and returns its socket.
func serveUnit(t *testing.T, unitd, dir string, flags []string, argv []string, env []string) string {
	t.Helper()
	sock := filepath.Join(dir, "unit.sock")
	logPath := filepath.Join(dir, "unit.log")
	args := append([]string{"serve", "-socket", sock, "-log", logPath}, flags...)
	p := testenv.StartProc(t, unitd, append(append(args, "--"), argv...), env)
	p.WaitForLog(t, "unitd: serving", 30*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("--- unit output (%s) ---\n%s", logPath, b)
		}
	})
	return sock
}

// findRun returns the newest run of runbook, if any.
func findRun(t *testing.T, r *Remediator, runbook string) *Run {
	for _, run := range runs(t, r) {
		if run.Runbook == runbook {
			return &run
		}
	}
	return nil
}

// TestStalledGethIsRestartedByRunbook freezes a real geth --dev with SIGSTOP.
// lpops' RPC probe sees the endpoint stop answering and raises
// RPCEndpointDown in the alert engine; the runbook restarts geth through a
// command action (unitd, standing in for systemd, stops the frozen process
// and starts geth again on the same datadir and port), waits until the
// head advances again, and the alert resolves.
func TestStalledGethIsRestartedByRunbook(t *testing.T) {
	gethBin := testenv.RequireTool(t, "geth")
	unitd, _ := buildHelpers(t)
	c := testenv.StartGeth(t, testenv.GethOptions{Period: time.Second})
	dir := t.TempDir()
	sock := serveUnit(t, unitd, dir,
		[]string{"-adopt", strconv.Itoa(c.Proc().Pid()), "-stop-timeout", "15s"},
		[]string{filepath.Join(testenv.RepoRoot(t), "scripts", "geth-dev.sh")},
		[]string{"DEVGETH_BIN=" + gethBin, "DEVGETH_PORT=" + strconv.Itoa(c.Port), "DEVGETH_PERIOD=1", "DEVGETH_DATADIR=" + c.DataDir})

	e := newEnv(t, nil)
	endpoint := map[string]string{"endpoint": "local-geth"}
	runner, r := e.watchGeth(t, c, Runbook{
		Name: "restart-local-geth",
		When: []Matcher{{Alertname: probe.AlertRPCEndpointDown, Labels: endpoint}, {Alertname: probe.AlertRPCEndpointStale, Labels: endpoint}},
		Steps: []Step{
			{Name: "restart geth", Type: StepCommand, Argv: []string{unitd, "restart", "-socket", sock}, Timeout: time.Minute},
			{Type: StepWaitRPCSynced, URL: c.URL, Endpoint: "local-geth", MaxHeadAge: 5 * time.Second, Timeout: time.Minute},
		},
	})

	head := func() uint64 {
		n, err := c.Client(t).BlockNumber(t.Context())
		if err != nil {
			t.Fatalf("block number: %v", err)
		}
		return n
	}
	testenv.WaitFor(t, 30*time.Second, "geth to seal blocks and the probe to see it healthy", func() bool {
		res := runner.Results()
		return head() >= 2 && len(res) == 1 && res[0].Success
	})
	before, oldPid := head(), c.Proc().Pid()
	if st := e.alertState(probe.AlertRPCEndpointDown, endpoint); st != "" {
		t.Fatalf("RPCEndpointDown %s before geth was stopped", st)
	}

	c.Stop(t) // SIGSTOP: the port accepts, nothing answers
	// The alert may fire and resolve between two looks: any state means it
	// fired.
	testenv.WaitFor(t, 30*time.Second, "RPCEndpointDown to fire", func() bool {
		return e.alertState(probe.AlertRPCEndpointDown, endpoint) != ""
	})
	testenv.WaitFor(t, 2*time.Minute, "the runbook to finish", func() bool {
		run := findRun(t, r, "restart-local-geth")
		return run != nil && run.State != StateRunning
	})
	run := findRun(t, r, "restart-local-geth")
	if run.State != StateSucceeded {
		t.Fatalf("run %s: %s; steps %+v", run.State, run.Error, run.Steps)
	}
	testenv.WaitFor(t, 30*time.Second, "RPCEndpointDown and ChainUnavailable to resolve", func() bool {
		return e.alertState(probe.AlertRPCEndpointDown, endpoint) == alert.StatusResolved &&
			e.alertState(probe.AlertChainUnavailable, map[string]string{}) == alert.StatusResolved
	})

	if after := head(); after <= before {
		t.Errorf("head %d after the restart, want past %d", after, before)
	}
	st := statusOf(t, unitd, sock)
	if st.Pid == oldPid || !st.Running {
		t.Errorf("geth after the restart: %+v, want a new running process (the frozen one was %d)", st, oldPid)
	}
	if err := syscall.Kill(oldPid, 0); err == nil {
		t.Errorf("the frozen geth (pid %d) is still there", oldPid)
	}
	if run.Trigger.Alertname != probe.AlertRPCEndpointDown || run.Trigger.Labels["endpoint"] != "local-geth" {
		t.Errorf("trigger %+v, want RPCEndpointDown{endpoint=local-geth}", run.Trigger)
	}
	restart, wait := run.Steps[0], run.Steps[1]
	if restart.Outcome != OutcomeOK || !strings.Contains(restart.Output, fmt.Sprintf("stopped pid %d", oldPid)) {
		t.Errorf("restart step %s, output %q", restart.Outcome, restart.Output)
	}
	if wait.Outcome != OutcomeOK || !strings.Contains(wait.Output, "not syncing") || !strings.Contains(wait.Output, "advanced from") {
		t.Errorf("wait step %s, output %q", wait.Outcome, wait.Output)
	}
	// The alert resolved: no second run, no restart storm.
	r.Evaluate(t.Context())
	if rs := runs(t, r); len(rs) != 1 {
		t.Errorf("%d runs, want 1", len(rs))
	}
	if n := counter(t, e.reg, "lpops_remediation_actions_total", "runbook", "restart-local-geth", "action", "restart geth", "result", "success"); n != 1 {
		t.Errorf("actions_total{action=restart geth,result=success} = %v, want 1", n)
	}
	if n := counter(t, e.reg, "lpops_remediation_run_duration_seconds", "runbook", "restart-local-geth"); n != 1 {
		t.Errorf("run_duration_seconds has %v samples, want 1", n)
	}
}

// TestKilledNodeIsRestartedByRunbook kills a real node process (a stand-in
// of go-livepeer's CLI API). lpops' node probe raises NodeDown; the runbook
// restarts the node through a command action and waits until its API
// answers again.
func TestKilledNodeIsRestartedByRunbook(t *testing.T) {
	unitd, node := buildHelpers(t)
	port := testenv.FreePort(t)
	cli := fmt.Sprintf("http://127.0.0.1:%d", port)
	sock := serveUnit(t, unitd, t.TempDir(), nil, []string{node, "-addr", fmt.Sprintf("127.0.0.1:%d", port)}, nil)

	e := newEnv(t, nil)
	client, err := nodeapi.New(cli, 500*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	orch := "0x1c1c9817f4b8f07efb298a17102531cdd09cef68" // what the node reports
	nodeLabels := map[string]string{"orchestrator": orch}
	nodeProbe, err := probe.NewNode(probe.NodeOptions{CLI: client, Orchestrator: common.HexToAddress(orch), ChainID: 1337, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := probe.NewRunner(probe.RunnerOptions{Interval: 500 * time.Millisecond, Timeout: time.Second, Sink: e.alerts, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	runner.Add(nodeProbe, probe.Schedule{})
	r := e.remediator(t, Options{Settings: Settings{Interval: 200 * time.Millisecond}, PollInterval: 100 * time.Millisecond},
		Runbook{
			Name: "restart-node",
			When: []Matcher{{Alertname: probe.AlertNodeDown, Labels: nodeLabels}},
			Steps: []Step{
				{Name: "restart node", Type: StepCommand, Argv: []string{unitd, "restart", "-socket", sock}},
				{Type: StepWaitHTTPOK, URL: cli + "/status", BodyContains: `"Version"`, Timeout: 30 * time.Second},
				{Type: StepHTTP, Method: http.MethodGet, URL: cli + "/orchestratorInfo", ExpectStatus: http.StatusOK},
			},
		})
	// unitd returns once the node process runs, not once it listens: a
	// probe before that would see the API down and the runbook would restart
	// the node before the test kills it.
	testenv.WaitFor(t, 30*time.Second, "the node's CLI API to answer", func() bool {
		resp, err := http.Get(cli + "/status")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	go runner.Run(t.Context())
	done := make(chan struct{})
	go func() { r.Run(t.Context()); close(done) }()
	t.Cleanup(func() { <-done })

	testenv.WaitFor(t, 30*time.Second, "the node probe to succeed", func() bool {
		res := runner.Results()
		return len(res) == 1 && res[0].Success
	})
	old := statusOf(t, unitd, sock)
	if !old.Running || old.Starts != 1 || e.alertState(probe.AlertNodeDown, nodeLabels) != "" {
		t.Fatalf("before the kill: node %+v, NodeDown %q; want the first process running and no alert yet",
			old, e.alertState(probe.AlertNodeDown, nodeLabels))
	}
	if err := syscall.Kill(old.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, "NodeDown to fire", func() bool {
		return e.alertState(probe.AlertNodeDown, nodeLabels) != "" // any state: it fired
	})
	testenv.WaitFor(t, time.Minute, "the runbook to finish", func() bool {
		run := findRun(t, r, "restart-node")
		return run != nil && run.State != StateRunning
	})
	run := findRun(t, r, "restart-node")
	if run.State != StateSucceeded {
		t.Fatalf("run %s: %s; steps %+v", run.State, run.Error, run.Steps)
	}
	testenv.WaitFor(t, 30*time.Second, "NodeDown to resolve", func() bool {
		return e.alertState(probe.AlertNodeDown, nodeLabels) == alert.StatusResolved
	})
	if st := statusOf(t, unitd, sock); st.Pid == old.Pid || !st.Running || st.Starts != 2 {
		t.Errorf("node after the restart: %+v, want a second, running process (the killed one was %d)", st, old.Pid)
	}
	if s := run.Steps[2]; s.Outcome != OutcomeOK || !strings.Contains(s.Output, `"Status":"Registered"`) {
		t.Errorf("on-chain check step %s output %q", s.Outcome, s.Output)
	}
	if rs := runs(t, r); len(rs) != 1 {
		t.Errorf("%d runs, want 1", len(rs))
	}
}

// TestSeedRunbookRepairsGethAndNode runs the seed's whole manual fix as one
// runbook, on real processes: geth --dev with the Livepeer contracts and a
// registered orchestrator, and a go-livepeer stand-in that reads its
// on-chain state from that geth on every request (so its chain routes hang
// while geth does). geth is frozen with SIGSTOP; lpops' RPC probe raises
// RPCEndpointDown, and the runbook restarts geth, waits until it is synced
// and its head advances, restarts the node, waits for its API and for it to
// read the chain again, and fetches what it reports. The test then checks
// that report against the chain itself.
func TestSeedRunbookRepairsGethAndNode(t *testing.T) {
	gethBin := testenv.RequireTool(t, "geth")
	unitd, node := buildHelpers(t)
	c := testenv.StartGeth(t, testenv.GethOptions{Period: time.Second})
	ctx := t.Context()
	owner, orchKey := c.FundedKey(t, big.NewInt(100)), c.FundedKey(t, big.NewInt(10))
	orch := crypto.PubkeyToAddress(orchKey.PublicKey)
	dep, err := testchain.Deploy(ctx, c.Client(t), owner, testchain.Params{RoundLength: 50, LIP118: true})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	stake := new(big.Int).Mul(big.NewInt(5000), big.NewInt(1e18))
	if err := dep.RegisterOrchestrator(ctx, owner, orchKey, stake, 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}

	gethSock := serveUnit(t, unitd, t.TempDir(),
		[]string{"-adopt", strconv.Itoa(c.Proc().Pid()), "-stop-timeout", "15s"},
		[]string{filepath.Join(testenv.RepoRoot(t), "scripts", "geth-dev.sh")},
		[]string{"DEVGETH_BIN=" + gethBin, "DEVGETH_PORT=" + strconv.Itoa(c.Port), "DEVGETH_PERIOD=1", "DEVGETH_DATADIR=" + c.DataDir})
	port := testenv.FreePort(t)
	cli := fmt.Sprintf("http://127.0.0.1:%d", port)
	nodeSock := serveUnit(t, unitd, t.TempDir(), nil, []string{node, "-addr", fmt.Sprintf("127.0.0.1:%d", port),
		"-orchestrator", orch.Hex(), "-eth-url", c.URL, "-controller", dep.Controller.Hex()}, nil)
	get := func(path string) (int, string) {
		client := &http.Client{Timeout: 2 * time.Second}
		resp, err := client.Get(cli + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	testenv.WaitFor(t, 30*time.Second, "the node to read its registration from the chain", func() bool {
		code, body := get("/orchestratorInfo")
		return code == http.StatusOK && strings.Contains(body, `"Status":"Registered"`)
	})

	e := newEnv(t, nil)
	endpoint := map[string]string{"endpoint": "local-geth"}
	runner, r := e.watchGeth(t, c, Runbook{
		Name: "repair-chain-and-node",
		When: []Matcher{{Alertname: probe.AlertRPCEndpointDown, Labels: endpoint}, {Alertname: probe.AlertRPCEndpointStale, Labels: endpoint}},
		Steps: []Step{
			{Name: "restart geth", Type: StepCommand, Argv: []string{unitd, "restart", "-socket", gethSock}, Timeout: time.Minute},
			{Type: StepWaitRPCSynced, URL: c.URL, Endpoint: "local-geth", MaxHeadAge: 5 * time.Second, Timeout: time.Minute},
			{Name: "restart node", Type: StepCommand, Argv: []string{unitd, "restart", "-socket", nodeSock}, Timeout: time.Minute},
			{Type: StepWaitHTTPOK, URL: cli + "/status", BodyContains: `"Version"`, Timeout: 30 * time.Second},
			{Type: StepWaitHTTPOK, URL: cli + "/orchestratorInfo", BodyContains: `"Status":"Registered"`, Timeout: 30 * time.Second},
			{Name: "node reports its on-chain state", Type: StepHTTP, URL: cli + "/orchestratorInfo", ExpectStatus: http.StatusOK},
		},
	})

	testenv.WaitFor(t, 30*time.Second, "the probe to see geth healthy", func() bool {
		res := runner.Results()
		return len(res) == 1 && res[0].Success
	})
	before, oldGeth, oldNode := c.Head(t), statusOf(t, unitd, gethSock), statusOf(t, unitd, nodeSock)
	c.Stop(t) // SIGSTOP: geth accepts connections and answers nothing
	testenv.WaitFor(t, 30*time.Second, "the node's chain routes to hang with geth", func() bool {
		code, _ := get("/orchestratorInfo")
		return code != http.StatusOK
	})
	testenv.WaitFor(t, 3*time.Minute, "the runbook to finish", func() bool {
		run := findRun(t, r, "repair-chain-and-node")
		return run != nil && run.State != StateRunning
	})
	run := findRun(t, r, "repair-chain-and-node")
	if run.State != StateSucceeded {
		t.Fatalf("run %s: %s; steps %+v", run.State, run.Error, run.Steps)
	}
	for i, s := range run.Steps {
		if s.Outcome != OutcomeOK {
			t.Errorf("step %d (%s): %s", i+1, s.Name, s.Outcome)
		}
	}
	if !strings.Contains(run.Steps[1].Output, "advanced from") {
		t.Errorf("wait_rpc_synced output %q, want the head seen advancing", run.Steps[1].Output)
	}
	// Both processes were replaced: geth stopped and started, the node
	// restarted after it.
	gethNow, nodeNow := statusOf(t, unitd, gethSock), statusOf(t, unitd, nodeSock)
	if gethNow.Pid == oldGeth.Pid || !gethNow.Running || nodeNow.Pid == oldNode.Pid || !nodeNow.Running || nodeNow.Starts != 2 {
		t.Errorf("after the run: geth %+v (was %d), node %+v (was %d); want both new and running", gethNow, oldGeth.Pid, nodeNow, oldNode.Pid)
	}
	if !run.Steps[2].StartedAt.After(run.Steps[1].EndedAt) || run.Steps[1].StartedAt.Before(run.Steps[0].EndedAt) {
		t.Errorf("steps out of order: %+v", run.Steps)
	}
	if after := c.Head(t); after <= before {
		t.Errorf("head %d after the repair, want past %d", after, before)
	}

	// What the restarted node reported (kept in the audit log) is what the
	// chain says now.
	out := run.Steps[5].Output
	var info struct {
		Transcoder struct {
			Address         common.Address
			LastRewardRound uint64
			DelegatedStake  *big.Int
			Active          bool
			Status          string
		}
	}
	if i := strings.Index(out, "{"); i < 0 || json.Unmarshal([]byte(out[i:]), &info) != nil {
		t.Fatalf("the node's answer %q is not its orchestratorInfo", out)
	}
	lrr, err := dep.LastRewardRound(ctx, orch)
	if err != nil {
		t.Fatal(err)
	}
	active, err := dep.IsActive(ctx, orch)
	if err != nil {
		t.Fatal(err)
	}
	total, err := dep.Contracts.BondingManager.TranscoderTotalStake(&bind.CallOpts{Context: ctx}, orch)
	if err != nil {
		t.Fatal(err)
	}
	tr := info.Transcoder
	if tr.Address != orch || tr.Status != "Registered" || tr.LastRewardRound != lrr || tr.Active != active ||
		tr.DelegatedStake == nil || tr.DelegatedStake.Cmp(total) != 0 || total.Cmp(stake) < 0 {
		t.Errorf("the node reports %+v; the chain says %s registered, last reward round %d, active %t, stake %s",
			tr, orch, lrr, active, total)
	}
	testenv.WaitFor(t, 30*time.Second, "RPCEndpointDown to resolve", func() bool {
		return e.alertState(probe.AlertRPCEndpointDown, endpoint) == alert.StatusResolved
	})
	if rs := runs(t, r); len(rs) != 1 {
		t.Errorf("%d runs, want 1", len(rs))
	}
}

// watchGeth runs what watches a local geth in lpops: the RPC probe on c
// (endpoint "local-geth") feeding e's alerts every second, and a remediator
// with rb, both until the test ends.
func (e *env) watchGeth(t *testing.T, c *testenv.Chain, rb Runbook) (*probe.Runner, *Remediator) {
	t.Helper()
	rpcProbe, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: []chain.EndpointConfig{{Name: "local-geth", URL: c.URL}},
		ChainID:   c.ChainID.Uint64(), MaxHeadAge: 10 * time.Second, Timeout: 800 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Second, Timeout: time.Second, Sink: e.alerts, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	runner.Add(rpcProbe, probe.Schedule{})
	r := e.remediator(t, Options{Settings: Settings{Interval: 200 * time.Millisecond}, PollInterval: 250 * time.Millisecond}, rb)
	done := make(chan struct{})
	go runner.Run(t.Context())
	go func() { r.Run(t.Context()); close(done) }()
	t.Cleanup(func() { // after the context ends
		<-done
		rpcProbe.Close()
	})
	return runner, r
}
