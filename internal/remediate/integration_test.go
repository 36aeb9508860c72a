package remediate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/nodeapi"
	"github.com/lpops/lpops/internal/probe"
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
	rpcProbe, err := probe.NewRPC(probe.RPCOptions{
		Endpoints: []chain.EndpointConfig{{Name: "local-geth", URL: c.URL}},
		ChainID:   c.ChainID.Uint64(), MaxHeadAge: 10 * time.Second, Timeout: 800 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer rpcProbe.Close()
	runner, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Second, Timeout: time.Second, Sink: e.alerts, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	runner.Add(rpcProbe, probe.Schedule{})
	r := e.remediator(t, Options{Settings: Settings{Interval: 200 * time.Millisecond}, PollInterval: 250 * time.Millisecond},
		Runbook{
			Name: "restart-local-geth",
			When: []Matcher{{Alertname: probe.AlertRPCEndpointDown, Labels: endpoint}, {Alertname: probe.AlertRPCEndpointStale, Labels: endpoint}},
			Steps: []Step{
				{Name: "restart geth", Type: StepCommand, Argv: []string{unitd, "restart", "-socket", sock}, Timeout: time.Minute},
				{Type: StepWaitRPCSynced, URL: c.URL, Endpoint: "local-geth", MaxHeadAge: 5 * time.Second, Timeout: time.Minute},
			},
		})
	go runner.Run(t.Context())
	done := make(chan struct{})
	go func() { r.Run(t.Context()); close(done) }()
	t.Cleanup(func() { <-done }) // after the context ends

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
