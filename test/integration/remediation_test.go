package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/testenv"
)

// buildRemediationHelpers builds the remediation tests' programs
// (internal/remediate/testdata) into a directory of the test: unitd,
// standing in for systemd, and node, standing in for go-livepeer's CLI API.
func buildRemediationHelpers(t *testing.T) (unitd, node string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", "./internal/remediate/testdata/unitd", "./internal/remediate/testdata/node")
	cmd.Dir = testenv.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build helpers: %v\n%s", err, out)
	}
	return filepath.Join(dir, "unitd"), filepath.Join(dir, "node")
}

// remediationStatus is the part of /api/v1/status and /api/v1/actions about
// runbooks.
type remediationStatus struct {
	Runbooks []struct {
		Name                string `json:"name"`
		Breaker             string `json:"breaker"`
		ConsecutiveFailures int    `json:"consecutive_failures"`
		LastRun             uint64 `json:"last_run"`
		LastOutcome         string `json:"last_outcome"`
		LastError           string `json:"last_error"`
		Running             uint64 `json:"running"`
	} `json:"runbooks"`
}

func (s *remediationStatus) runbook(name string) (breaker, outcome string, failures int, running bool) {
	for _, rb := range s.Runbooks {
		if rb.Name == name {
			return rb.Breaker, rb.LastOutcome, rb.ConsecutiveFailures, rb.Running != 0
		}
	}
	return "", "", 0, false
}

type actionsDoc struct {
	remediationStatus
	Runs []struct {
		ID      uint64 `json:"id"`
		Runbook string `json:"runbook"`
		State   string `json:"state"`
		Error   string `json:"error"`
		Trigger struct {
			Kind      string `json:"kind"`
			Alertname string `json:"alertname"`
		} `json:"trigger"`
		Steps []struct {
			Name    string `json:"name"`
			Type    string `json:"type"`
			Outcome string `json:"outcome"`
			Output  string `json:"output"`
			Error   string `json:"error"`
		} `json:"steps"`
	} `json:"runs"`
}

type alertsDoc struct {
	Alerts []struct {
		Name   string            `json:"alertname"`
		Labels map[string]string `json:"labels"`
		Status string            `json:"status"`
	} `json:"alerts"`
}

// TestRemediationInTheDaemon runs the built lpops with a remediation
// section on a real chain. The go-livepeer stand-in (a real process, kept
// by unitd as systemd would) is killed: lpops' node probe raises NodeDown,
// and two runbooks act on it. restart-node restarts the node with a command
// action and waits for its API; it succeeds and NodeDown resolves.
// page-on-call fails every time, and with breaker.failures 1 its breaker
// opens and RemediationBreakerOpen fires. The audit log (/api/v1/actions)
// lists both with their outcomes, /api/v1/status shows the runbooks' state,
// and the breaker's reset route needs the API token.
func TestRemediationInTheDaemon(t *testing.T) {
	sh := testenv.RequireTool(t, "sh")
	e := newEnv(t, envOptions{})
	unitd, node := buildRemediationHelpers(t)
	dir := t.TempDir()
	port := testenv.FreePort(t)
	cli := fmt.Sprintf("http://127.0.0.1:%d", port)
	sock, nodeLog := filepath.Join(dir, "unit.sock"), filepath.Join(dir, "node.log")
	testenv.StartProc(t, unitd, []string{"serve", "-socket", sock, "-log", nodeLog, "--",
		node, "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-orchestrator", addr(e.orch).Hex(),
		"-eth-url", e.chain.URL, "-controller", e.dep.Controller.Hex()}, nil).WaitForLog(t, "unitd: serving", 30*time.Second)
	nodeUp := func() bool {
		resp, err := http.Get(cli + "/status")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	// The node answers before lpops starts: a probe before that would see
	// it down and restart it before the test kills it.
	testenv.WaitFor(t, 30*time.Second, "the node's CLI API to answer", nodeUp)

	const token = "integration-test-token-0123456789"
	tokenFile := filepath.Join(dir, "api-token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := e.remediationConfig(dir, fmt.Sprintf(`node:
  cli_url: %[1]s
  timeout: 1s
probes:
  interval: 500ms
  releases:
    url: ""
api:
  token_file: %[2]s
remediation:
  interval: 200ms
  runbooks:
    - name: restart-node
      when:
        - alertname: NodeDown
      steps:
        - name: restart node
          type: command
          argv: [%[3]s, restart, -socket, %[4]s]
        - type: wait_http_ok
          url: %[1]s/status
          body_contains: '"Version"'
          timeout: 30s
      breaker:
        failures: 3
    - name: page-on-call
      when:
        - alertname: NodeDown
      steps:
        - name: notify pager
          type: command
          argv: [%[5]s, -c, 'echo "pager gateway unreachable" >&2; exit 3']
      breaker:
        failures: 1
        cooldown: 24h
`, cli, tokenFile, unitd, sock, sh))
	// Ready once lpops reads the chain and its node probe has read the
	// node's chain-backed routes. (Whether the node agrees with the chain
	// is not this test's matter: the probe may catch the two at different
	// blocks of a round boundary.)
	lp := testenv.StartLpops(t, testenv.LpopsOptions{Dir: dir, Config: cfg, Timeout: startTimeout, ReadyWhat: "lpops to read the chain and the node",
		Ready: func(l *testenv.Lpops) bool {
			var s struct {
				Ready  bool `json:"ready"`
				Probes []struct {
					Probe  string             `json:"probe"`
					Values map[string]float64 `json:"values"`
				} `json:"probes"`
			}
			if l.Status(&s) != nil || !s.Ready {
				return false
			}
			for _, p := range s.Probes {
				if _, ok := p.Values["current_round"]; p.Probe == "node" && ok {
					return true
				}
			}
			return false
		}})
	var before actionsDoc
	lp.GetJSON("/api/v1/actions", &before)
	if len(before.Runs) != 0 {
		t.Fatalf("runs before the node was killed: %+v", before.Runs)
	}

	// Kill the node's process (its unit stays "running" to unitd: no
	// restart until asked, like Restart=no).
	var unit struct{ Pid int }
	out, err := exec.Command(unitd, "status", "-socket", sock).Output()
	if err != nil || json.Unmarshal(out, &unit) != nil || unit.Pid == 0 {
		t.Fatalf("unitd status: %v %s", err, out)
	}
	if err := syscall.Kill(unit.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}

	doc := testenv.WaitGet(lp, "/api/v1/actions", 2*time.Minute, "both runbooks to finish a run", func(d *actionsDoc) bool {
		done := map[string]bool{}
		for _, r := range d.Runs {
			if r.State != "running" {
				done[r.Runbook] = true
			}
		}
		return done["restart-node"] && done["page-on-call"]
	})
	if !nodeUp() {
		t.Error("the node's API does not answer after the runbook")
	}
	for _, r := range doc.Runs {
		if r.Trigger.Kind != "alert" || r.Trigger.Alertname != probe.AlertNodeDown {
			t.Errorf("run %d (%s) trigger %+v, want alert NodeDown", r.ID, r.Runbook, r.Trigger)
		}
		switch r.Runbook {
		case "restart-node":
			if r.State != "succeeded" || len(r.Steps) != 2 || r.Steps[0].Outcome != "ok" || r.Steps[1].Outcome != "ok" ||
				!strings.Contains(r.Steps[0].Output, fmt.Sprintf("pid %d", unit.Pid)) {
				t.Errorf("restart-node run %d: %s (%s), steps %+v; want succeeded, the restart naming the killed pid %d", r.ID, r.State, r.Error, r.Steps, unit.Pid)
			}
		case "page-on-call":
			if r.State != "failed" || len(r.Steps) != 1 || r.Steps[0].Outcome != "failed" ||
				!strings.Contains(r.Steps[0].Output, "pager gateway unreachable") || !strings.Contains(r.Error, "exit status 3") {
				t.Errorf("page-on-call run %d: %s (%s), steps %+v; want failed with the command's output and exit status", r.ID, r.State, r.Error, r.Steps)
			}
		}
	}
	alertState := func(name string, labels map[string]string) string {
		var a alertsDoc
		lp.GetJSON("/api/v1/alerts", &a)
		for _, x := range a.Alerts {
			if x.Name != name {
				continue
			}
			match := true
			for k, v := range labels {
				if x.Labels[k] != v {
					match = false
				}
			}
			if match {
				return x.Status
			}
		}
		return ""
	}
	testenv.WaitFor(t, time.Minute, "NodeDown to resolve after the restart", func() bool {
		return alertState(probe.AlertNodeDown, nil) == "resolved"
	})
	if st := alertState("RemediationBreakerOpen", map[string]string{"runbook": "page-on-call"}); st != "firing" {
		t.Errorf("RemediationBreakerOpen{runbook=page-on-call} is %q, want firing", st)
	}

	var st struct {
		Remediation *remediationStatus `json:"remediation"`
	}
	if err := lp.Status(&st); err != nil || st.Remediation == nil {
		t.Fatalf("status: %v, remediation %v", err, st.Remediation)
	}
	if b, o, f, _ := st.Remediation.runbook("restart-node"); b != "closed" || o != "succeeded" || f != 0 {
		t.Errorf("status of restart-node: breaker %s, last outcome %s, failures %d; want closed, succeeded, 0", b, o, f)
	}
	if b, o, f, _ := st.Remediation.runbook("page-on-call"); b != "open" || o != "failed" || f != 1 {
		t.Errorf("status of page-on-call: breaker %s, last outcome %s, failures %d; want open, failed, 1", b, o, f)
	}

	// The reset route: refused without the token or with a wrong one,
	// and then the breaker stays open; with it, closed.
	reset := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, lp.Base+"/api/v1/runbooks/page-on-call/reset", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := lp.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, auth := range []string{"", "Bearer wrong-token-wrong-token-00", "Basic " + token} {
		if code, body := reset(auth); code != http.StatusUnauthorized {
			t.Errorf("reset with Authorization %q: %d %s, want 401", auth, code, body)
		}
	}
	if err := lp.Status(&st); err != nil {
		t.Fatal(err)
	}
	if b, _, _, _ := st.Remediation.runbook("page-on-call"); b != "open" {
		t.Errorf("after refused resets the breaker is %s, want still open", b)
	}
	code, body := reset("Bearer " + token)
	if code != http.StatusOK || !bytes.Contains([]byte(body), []byte(`"breaker": "closed"`)) {
		t.Fatalf("reset with the token: %d %s, want 200 and the breaker closed", code, body)
	}
	if err := lp.Status(&st); err != nil {
		t.Fatal(err)
	}
	if b, _, f, _ := st.Remediation.runbook("page-on-call"); b != "closed" || f != 0 {
		t.Errorf("after the reset: breaker %s, failures %d; want closed, 0", b, f)
	}
	testenv.WaitFor(t, 30*time.Second, "RemediationBreakerOpen to resolve after the reset", func() bool {
		return alertState("RemediationBreakerOpen", map[string]string{"runbook": "page-on-call"}) == "resolved"
	})
	// NodeDown resolved: the reset starts no new run.
	var after actionsDoc
	lp.GetJSON("/api/v1/actions", &after)
	if len(after.Runs) != 2 {
		t.Errorf("%d runs after the reset, want the 2 of the outage", len(after.Runs))
	}
}

// remediationConfig is startLpops' configuration (observe mode: the
// scenario is about the node, not rewards) with extra sections appended.
func (e *env) remediationConfig(dir, extra string) string {
	return fmt.Sprintf(`# Written by the lpops remediation integration test.
network: custom
chain_id: %d
controller: "%s"
rpc:
  - name: %s
    url: %s
orchestrator: "%s"
reward:
  mode: observe
chain:
  poll_interval: 2s
  active_poll_interval: 200ms
  request_timeout: 5s
  health_interval: 2s
state_dir: %s
log:
  level: debug
  format: text
%s`, e.chain.ChainID.Uint64(), e.dep.Controller.Hex(), e.chain.Kind, e.chain.URL, addr(e.orch).Hex(), filepath.Join(dir, "state"), extra)
}
