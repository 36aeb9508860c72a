package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/testenv"
)

// failingRunbook runs a real command that fails every time and counts its
// attempts, one line each, in the file attempts.
func failingRunbook(t *testing.T, attempts string) Runbook {
	return Runbook{
		Name: "restart-node",
		When: []Matcher{{Alertname: "NodeDown"}},
		Steps: []Step{{Type: StepCommand, Argv: []string{sh(t), "-c",
			`echo attempt >> "$1"; echo "livepeer: listen tcp 127.0.0.1:7935: bind: address already in use" >&2; exit 1`, "sh", attempts}}},
		Backoff:   Backoff{Initial: time.Minute, Max: 4 * time.Minute},
		Breaker:   Breaker{Failures: 3, Cooldown: time.Hour},
		RateLimit: RateLimit{Max: 100, Per: time.Hour},
	}
}

func TestBreakerStopsARestartStorm(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	attempts := filepath.Join(t.TempDir(), "attempts")
	r := e.remediator(t, Options{}, failingRunbook(t, attempts))
	breakerAlert := map[string]string{"runbook": "restart-node"}
	step := func(d time.Duration) {
		clk.Add(d)
		r.Evaluate(t.Context())
		r.Wait()
	}

	e.fire("NodeDown", nil)
	step(0)
	if n := lines(t, attempts); n != 1 {
		t.Fatalf("after the alert fired: %d attempts, want 1", n)
	}
	step(30 * time.Second) // within the 1m backoff
	if n := lines(t, attempts); n != 1 {
		t.Fatalf("30s after a failed run: %d attempts, want 1 (backoff 1m)", n)
	}
	if w := r.Status().Runbooks[0].Waiting; !strings.Contains(w, "backing off after 1 failed runs") {
		t.Errorf("waiting = %q, want the backoff named", w)
	}
	step(31 * time.Second)
	step(2 * time.Minute) // backoff doubled to 2m
	if n := lines(t, attempts); n != 3 {
		t.Fatalf("after three backoffs: %d attempts, want 3", n)
	}
	if got := e.alertState(AlertBreakerOpen, breakerAlert); got != alert.StatusFiring {
		t.Fatalf("RemediationBreakerOpen is %q after 3 failed runs, want firing", got)
	}
	if g := counter(t, e.reg, "lpops_remediation_breaker_open", "runbook", "restart-node"); g != 1 {
		t.Errorf("lpops_remediation_breaker_open = %v, want 1", g)
	}

	// The alert keeps firing for the rest of the hour: no attempt while the
	// breaker is open, however often lpops evaluates.
	for range 11 {
		step(5 * time.Minute)
	}
	if n := lines(t, attempts); n != 3 {
		t.Fatalf("with the breaker open: %d attempts, want still 3", n)
	}
	st := r.Status().Runbooks[0]
	if st.Breaker != BreakerOpen || !strings.Contains(st.Waiting, "breaker open") {
		t.Errorf("status breaker %q waiting %q, want open and said so", st.Breaker, st.Waiting)
	}

	// The cooldown (1h) lets one trial through; it fails and re-opens.
	step(10 * time.Minute)
	step(30 * time.Minute)
	if n := lines(t, attempts); n != 4 {
		t.Fatalf("after the cooldown: %d attempts, want 4 (one trial)", n)
	}
	if st := r.Status().Runbooks[0]; st.Breaker != BreakerOpen {
		t.Errorf("after a failed trial the breaker is %s, want open", st.Breaker)
	}

	// Every attempt is in the audit log with its error and output.
	rs := runs(t, r)
	if len(rs) != 4 {
		t.Fatalf("audit log has %d runs, want 4", len(rs))
	}
	for _, run := range rs {
		s := run.Steps[0]
		if run.State != StateFailed || !strings.Contains(run.Error, "exit status 1") ||
			!strings.Contains(s.Output, "address already in use") || s.Outcome != OutcomeFailed {
			t.Errorf("run %d: state %s error %q step %s output %q; want failed with the command's output", run.ID, run.State, run.Error, s.Outcome, s.Output)
		}
		if run.Trigger.Kind != TriggerAlert || run.Trigger.Alertname != "NodeDown" {
			t.Errorf("run %d trigger %+v, want alert NodeDown", run.ID, run.Trigger)
		}
	}
	if n := counter(t, e.reg, "lpops_remediation_actions_total", "runbook", "restart-node", "action", "command sh", "result", "failure"); n != 4 {
		t.Errorf("actions_total{result=failure} = %v, want 4", n)
	}

	// An operator resets it over the API: the alert resolves and the
	// runbook acts again.
	h := r.Handler("0123456789abcdef0123")
	for _, tc := range []struct {
		name, auth, runbook string
		want                int
	}{
		{"NoToken", "", "restart-node", http.StatusUnauthorized},
		{"WrongToken", "Bearer nope", "restart-node", http.StatusUnauthorized},
		{"UnknownRunbook", "Bearer 0123456789abcdef0123", "nope", http.StatusNotFound},
		{"Reset", "Bearer 0123456789abcdef0123", "restart-node", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/runbooks/"+tc.runbook+"/reset", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
		})
	}
	if got := e.alertState(AlertBreakerOpen, breakerAlert); got != alert.StatusResolved {
		t.Fatalf("RemediationBreakerOpen is %q after the reset, want resolved", got)
	}
	step(time.Second)
	if n := lines(t, attempts); n != 5 {
		t.Fatalf("after the reset: %d attempts, want 5", n)
	}
}

func TestResetWithoutTokenIsDisabled(t *testing.T) {
	e := newEnv(t, nil)
	r := e.remediator(t, Options{}, failingRunbook(t, filepath.Join(t.TempDir(), "a")))
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/runbooks/restart-node/reset", nil)
	req.Header.Set("Authorization", "Bearer anything")
	r.Handler("").ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403 without api.token_file", w.Code)
	}
}

// countingUnits records restarts instead of talking to systemd.
type countingUnits struct {
	mu    sync.Mutex
	units []string
	err   error
}

func (c *countingUnits) RestartUnit(_ context.Context, unit string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.units = append(c.units, unit)
	return "job 1: done", c.err
}

func (c *countingUnits) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.units)
}

func TestDryRunRunsNothing(t *testing.T) {
	for _, tc := range []struct {
		name            string
		global, runbook bool
	}{
		{"Global", true, false},
		{"Runbook", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
			defer srv.Close()
			marker := filepath.Join(t.TempDir(), "ran")
			units := &countingUnits{}
			rb := Runbook{
				Name: "fix-geth", DryRun: tc.runbook,
				When: []Matcher{{Alertname: "RPCEndpointStale", Labels: map[string]string{"endpoint": "local-geth"}}},
				Steps: []Step{
					{Type: StepSystemdRestart, Unit: "geth.service"},
					{Type: StepWaitRPCSynced, URL: "http://127.0.0.1:1", Endpoint: "local-geth"},
					{Type: StepCommand, Argv: []string{sh(t), "-c", `touch "$1"`, "sh", marker}},
					{Type: StepHTTP, Method: http.MethodPost, URL: srv.URL + "/restart?token=secret-key"},
					{Type: StepWaitHTTPOK, URL: srv.URL + "/status"},
				},
			}
			r := e.remediator(t, Options{Settings: Settings{DryRun: tc.global}, Units: units}, rb)
			e.fire("RPCEndpointStale", map[string]string{"endpoint": "local-geth"})
			e.fire("RPCEndpointStale", map[string]string{"endpoint": "other"}) // does not match
			r.Evaluate(t.Context())
			r.Wait()

			rs := runs(t, r)
			if len(rs) != 1 {
				t.Fatalf("%d runs, want 1", len(rs))
			}
			run := rs[0]
			if run.State != StateDryRun || !run.DryRun {
				t.Fatalf("run state %s dry_run %v, want dry_run", run.State, run.DryRun)
			}
			for i, s := range run.Steps {
				if s.Outcome != OutcomeDryRun || !strings.HasPrefix(s.Output, "dry run: would ") {
					t.Errorf("step %d: outcome %s output %q, want dry_run and what it would do", i, s.Outcome, s.Output)
				}
				if strings.Contains(s.Output+s.Detail, "secret-key") {
					t.Errorf("step %d shows the URL's query: %q", i, s.Detail)
				}
			}
			if got := run.Steps[0].Output; got != "dry run: would restart unit geth.service" {
				t.Errorf("step 1 output %q", got)
			}
			if units.count() != 0 || hits.Load() != 0 {
				t.Errorf("dry run restarted %d units and sent %d requests, want none", units.count(), hits.Load())
			}
			if _, err := os.Stat(marker); !os.IsNotExist(err) {
				t.Errorf("dry run ran the command (%s exists)", marker)
			}

			// Settled: the same episode is not audited again.
			r.Evaluate(t.Context())
			r.Wait()
			if n := len(runs(t, r)); n != 1 {
				t.Fatalf("after a second evaluation: %d runs, want still 1", n)
			}
			// A new episode is.
			e.resolve("RPCEndpointStale", map[string]string{"endpoint": "local-geth"})
			e.fire("RPCEndpointStale", map[string]string{"endpoint": "local-geth"})
			r.Evaluate(t.Context())
			r.Wait()
			if n := len(runs(t, r)); n != 2 {
				t.Fatalf("after the alert fired again: %d runs, want 2", n)
			}
			if n := counter(t, e.reg, "lpops_remediation_actions_total", "runbook", "fix-geth", "action", "systemd_restart geth.service", "result", "dry_run"); n != 2 {
				t.Errorf("actions_total{result=dry_run} = %v, want 2", n)
			}
		})
	}
}

func TestSilencedAlertTriggersNothing(t *testing.T) {
	e := newEnv(t, nil)
	attempts := filepath.Join(t.TempDir(), "attempts")
	r := e.remediator(t, Options{}, failingRunbook(t, attempts))
	if _, err := e.alerts.AddSilence(alert.Silence{Matchers: []alert.Matcher{{Name: "alertname", Value: "NodeDown"}},
		Until: time.Now().Add(time.Hour), Comment: "node upgrade", CreatedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	e.fire("NodeDown", nil)
	r.Evaluate(t.Context())
	r.Wait()
	if n := lines(t, attempts); n != 0 {
		t.Fatalf("a silenced alert triggered %d attempts, want none", n)
	}
}

func TestScheduleWithJitterUsesInjectedClockAndRand(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	out := filepath.Join(t.TempDir(), "runs")
	rb := Runbook{
		Name:     "nightly-geth-restart",
		Schedule: &Schedule{At: 4 * time.Hour, Jitter: 15 * time.Minute},
		Steps:    []Step{{Type: StepCommand, Argv: []string{sh(t), "-c", `echo "$LPOPS_RUNBOOK $LPOPS_TRIGGER" >> "$1"`, "sh", out}}},
	}
	r := e.remediator(t, Options{Location: time.UTC, Rand: rand.New(rand.NewPCG(7, 11))}, rb)
	same := rand.New(rand.NewPCG(7, 11))
	jitter := func() time.Duration {
		return time.Duration(same.Int64N(int64(30*time.Minute)+1)) - 15*time.Minute
	}
	next := func() time.Time { return r.Status().Runbooks[0].NextScheduled }
	evaluate := func(at time.Time) {
		clk.Set(at)
		r.Evaluate(t.Context())
		r.Wait()
	}

	due := time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC).Add(jitter())
	if !next().Equal(due) {
		t.Fatalf("first occurrence %s, want %s (04:00 plus the injected rand's jitter)", next(), due)
	}
	evaluate(due.Add(-time.Nanosecond))
	if n := lines(t, out); n != 0 {
		t.Fatalf("ran %d times before its time", n)
	}
	evaluate(due)
	if n := lines(t, out); n != 1 {
		t.Fatalf("ran %d times at its time, want 1", n)
	}
	run := runs(t, r)[0]
	if run.Trigger.Kind != TriggerSchedule || !run.Trigger.ScheduledFor.Equal(due) || run.State != StateSucceeded {
		t.Errorf("run trigger %+v state %s, want schedule for %s, succeeded", run.Trigger, run.State, due)
	}
	if b, _ := os.ReadFile(out); string(b) != "nightly-geth-restart schedule at 04:00 ± 15m\n" {
		t.Errorf("the command saw %q", b)
	}
	due = time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC).Add(jitter())
	if !next().Equal(due) {
		t.Fatalf("second occurrence %s, want %s", next(), due)
	}

	// lpops was suspended for three days: the missed occurrences are not
	// caught up, and the late one is audited as skipped, not run at noon.
	evaluate(time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC))
	if n := lines(t, out); n != 1 {
		t.Fatalf("after a three-day gap: %d runs, want still 1", n)
	}
	if run := runs(t, r)[0]; run.State != StateSkipped || !strings.Contains(run.Error, "missed") {
		t.Errorf("newest run %s %q, want skipped as missed", run.State, run.Error)
	}
	var off time.Duration
	for range 4 { // the draws for 03-03, 03-04, 03-05 (missed) and 03-06
		off = jitter()
	}
	due = time.Date(2026, 3, 6, 4, 0, 0, 0, time.UTC).Add(off)
	if !next().Equal(due) {
		t.Errorf("after the gap the next occurrence is %s, want %s", next(), due)
	}
}

func TestScheduledRunSkippedWhileBreakerOpen(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	attempts := filepath.Join(t.TempDir(), "attempts")
	rb := failingRunbook(t, attempts)
	rb.When, rb.Schedule = nil, &Schedule{Every: time.Hour}
	rb.Breaker.Failures, rb.Breaker.Cooldown = 1, 6*time.Hour
	r := e.remediator(t, Options{Rand: rand.New(rand.NewPCG(1, 2))}, rb)
	for range 2 {
		clk.Add(time.Hour)
		r.Evaluate(t.Context())
		r.Wait()
	}
	if n := lines(t, attempts); n != 1 {
		t.Fatalf("%d attempts, want 1 (then the breaker opened)", n)
	}
	rs := runs(t, r)
	if len(rs) != 2 || rs[0].State != StateSkipped || !strings.Contains(rs[0].Error, "breaker open") || rs[1].State != StateFailed {
		t.Fatalf("audit log %+v, want a failed run then a skipped one naming the breaker", rs)
	}
	if n := counter(t, e.reg, "lpops_remediation_runs_total", "runbook", "restart-node", "result", "skipped"); n != 1 {
		t.Errorf("runs_total{result=skipped} = %v, want 1", n)
	}
}

func TestScheduleOccurrences(t *testing.T) {
	utc := time.UTC
	// time/tzdata (imported below) makes this work on a host without
	// /usr/share/zoneinfo.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		s           Schedule
		loc         *time.Location
		now         time.Time
		first, next time.Time
	}{
		{"AtLaterToday", Schedule{At: 4 * time.Hour}, utc, time.Date(2026, 3, 1, 3, 0, 0, 0, utc),
			time.Date(2026, 3, 1, 4, 0, 0, 0, utc), time.Date(2026, 3, 2, 4, 0, 0, 0, utc)},
		{"AtPassedToday", Schedule{At: 4 * time.Hour}, utc, time.Date(2026, 3, 1, 4, 0, 0, 0, utc),
			time.Date(2026, 3, 2, 4, 0, 0, 0, utc), time.Date(2026, 3, 3, 4, 0, 0, 0, utc)},
		{"AtAcrossDaylightSaving", Schedule{At: 4 * time.Hour}, ny, time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			time.Date(2026, 3, 8, 4, 0, 0, 0, ny), time.Date(2026, 3, 9, 4, 0, 0, 0, ny)},
		{"Every", Schedule{Every: 90 * time.Minute}, utc, time.Date(2026, 3, 1, 3, 0, 0, 0, utc),
			time.Date(2026, 3, 1, 4, 30, 0, 0, utc), time.Date(2026, 3, 1, 6, 0, 0, 0, utc)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := tc.s.first(tc.now, tc.loc)
			if !first.Equal(tc.first) {
				t.Errorf("first = %s, want %s", first, tc.first)
			}
			if next := tc.s.next(first, tc.loc); !next.Equal(tc.next) {
				t.Errorf("next = %s, want %s", next, tc.next)
			}
		})
	}
	s := Schedule{Jitter: time.Minute}
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		if d := s.offset(rnd); d < -time.Minute || d > time.Minute {
			t.Fatalf("offset %s outside ±1m", d)
		}
	}
}

// TestRestartDuringActionAborts stops lpops while a command runs: the next
// start aborts the run rather than repeat the action blindly, and counts it
// as a failure.
func TestRestartDuringActionAborts(t *testing.T) {
	e := newEnv(t, nil)
	started := filepath.Join(t.TempDir(), "started")
	rb := Runbook{
		Name: "restart-geth",
		When: []Matcher{{Alertname: "RPCEndpointStale"}},
		Steps: []Step{
			{Type: StepCommand, Argv: []string{sh(t), "-c", `echo started >> "$1"; exec sleep 60`, "sh", started}},
			{Type: StepWaitHTTPOK, URL: "http://127.0.0.1:1/"},
		},
	}
	r1 := e.remediator(t, Options{}, rb)
	e.fire("RPCEndpointStale", nil)
	ctx, stop := context.WithCancel(t.Context())
	r1.Evaluate(ctx)
	testenv.WaitFor(t, 30*time.Second, "the command to start", func() bool { return lines(t, started) == 1 })
	stop() // lpops stops: the command is killed, the record stays running
	r1.Wait()
	if run := runs(t, r1)[0]; run.State != StateRunning || run.Steps[0].Outcome != OutcomeRunning {
		t.Fatalf("after the stop the record is %s/%s, want running/running", run.State, run.Steps[0].Outcome)
	}

	r2 := e.remediator(t, Options{}, rb)
	run := runs(t, r2)[0]
	if run.State != StateAborted || run.Steps[0].Outcome != OutcomeInterrupted || run.Steps[1].Outcome != OutcomeNotRun {
		t.Fatalf("after the restart: run %s, steps %s/%s; want aborted, interrupted, not_run", run.State, run.Steps[0].Outcome, run.Steps[1].Outcome)
	}
	st := r2.Status().Runbooks[0]
	if st.ConsecutiveFailures != 1 || st.LastOutcome != StateAborted {
		t.Errorf("runbook state %+v, want one failure, last aborted", st)
	}
	r2.Evaluate(t.Context()) // the alert still fires, but the backoff holds
	r2.Wait()
	if n := lines(t, started); n != 1 || len(runs(t, r2)) != 1 {
		t.Fatalf("the action ran %d times and there are %d runs; want 1 and 1", n, len(runs(t, r2)))
	}
}

// TestRestartDuringWaitResumes stops lpops during a wait: the next start
// resumes the run at the wait, without repeating the action before it.
func TestRestartDuringWaitResumes(t *testing.T) {
	e := newEnv(t, nil)
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !healthy.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"Version":"0.9.1"}`)
	}))
	defer srv.Close()
	acted := filepath.Join(t.TempDir(), "acted")
	rb := Runbook{
		Name: "restart-node",
		When: []Matcher{{Alertname: "NodeDown"}},
		Steps: []Step{
			{Type: StepCommand, Argv: []string{sh(t), "-c", `echo restarted >> "$1"`, "sh", acted}},
			{Type: StepWaitHTTPOK, URL: srv.URL + "/status", BodyContains: "Version", Timeout: time.Minute},
		},
	}
	r1 := e.remediator(t, Options{}, rb)
	e.fire("NodeDown", nil)
	ctx, stop := context.WithCancel(t.Context())
	r1.Evaluate(ctx)
	testenv.WaitFor(t, 30*time.Second, "the wait to start", func() bool {
		rs := runs(t, r1)
		return len(rs) == 1 && rs[0].Steps[1].Outcome == OutcomeRunning
	})
	stop()
	r1.Wait()

	healthy.Store(true)
	r2 := e.remediator(t, Options{}, rb)
	r2.Evaluate(t.Context())
	r2.Wait()
	run := runs(t, r2)[0]
	if run.State != StateSucceeded || run.Resumed != 1 || run.Steps[1].Outcome != OutcomeOK {
		t.Fatalf("resumed run: state %s resumed %d wait %s (%s); want succeeded, 1, ok", run.State, run.Resumed, run.Steps[1].Outcome, run.Steps[1].Error)
	}
	if n := lines(t, acted); n != 1 {
		t.Errorf("the action ran %d times, want once", n)
	}
}

func TestCommand(t *testing.T) {
	t.Setenv("LPOPS_PASSPHRASE", "hunter2")
	shell := sh(t)
	t.Run("EnvironmentHoldsNoSecret", func(t *testing.T) {
		out, err := runCommand(t.Context(), []string{shell, "-c", "env"}, []string{"LPOPS_RUNBOOK=x"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "hunter2") || !strings.Contains(out, "LPOPS_RUNBOOK=x") || !strings.Contains(out, "PATH=") {
			t.Errorf("environment %q: want PATH and LPOPS_* only", out)
		}
	})
	t.Run("TimeoutKillsTheGroup", func(t *testing.T) {
		pidFile := filepath.Join(t.TempDir(), "pid")
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, err := runCommand(ctx, []string{shell, "-c", `sleep 60 & echo $! > "$1"; wait`, "sh", pidFile}, nil)
		if err == nil || !strings.Contains(err.Error(), "killed after") {
			t.Fatalf("err = %v, want killed at the timeout", err)
		}
		b, _ := os.ReadFile(pidFile)
		var pid int
		fmt.Sscan(string(b), &pid)
		testenv.WaitFor(t, 10*time.Second, "the background child to die with its group", func() bool {
			_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
			return pid > 0 && os.IsNotExist(err) || processIsZombie(pid)
		})
	})
	t.Run("OutputKeepsItsTail", func(t *testing.T) {
		out, err := runCommand(t.Context(), []string{shell, "-c", `i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; echo last >&2`}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > MaxOutput+64 || !strings.HasPrefix(out, "[") || !strings.HasSuffix(out, "line 1999\nlast\n") {
			t.Errorf("output of %d bytes starting %q ending %q, want the marked tail", len(out), out[:20], out[len(out)-20:])
		}
	})
	t.Run("MissingProgram", func(t *testing.T) {
		_, err := runCommand(t.Context(), []string{"/nonexistent/restart-geth"}, nil)
		if err == nil || !strings.Contains(err.Error(), "start /nonexistent/restart-geth") {
			t.Errorf("err = %v", err)
		}
	})
}

func processIsZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] == "Z"
}

func TestHTTPSteps(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch {
		case r.URL.Path == "/fail":
			http.Error(w, "Error calling reward: execution reverted", http.StatusInternalServerError)
		case n < 3:
			http.Error(w, "not yet", http.StatusServiceUnavailable)
		default:
			fmt.Fprint(w, `{"Transcoder":{"Status":"Registered"}}`)
		}
	}))
	defer srv.Close()
	c := srv.Client()
	if _, _, err := callHTTP(t.Context(), c, http.MethodPost, srv.URL+"/fail?key=secret-key", 0); err == nil ||
		!strings.Contains(err.Error(), "status 500") || strings.Contains(err.Error(), "secret-key") {
		t.Errorf("failing call: err = %v; want the status, without the query", err)
	}
	out, err := waitHTTPOK(t.Context(), c, 10*time.Millisecond, srv.URL+"/orchestratorInfo", 200, `"Status":"Registered"`)
	if err != nil || !strings.Contains(out, "200 OK") {
		t.Errorf("wait: %q, %v", out, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err := waitHTTPOK(ctx, c, 10*time.Millisecond, srv.URL+"/orchestratorInfo", 0, "Not Registered"); err == nil ||
		!strings.Contains(err.Error(), "not reached within the timeout") {
		t.Errorf("wait for a body that never comes: %v", err)
	}
}

func TestSystemdRestartWithoutSystemBus(t *testing.T) {
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	e := newEnv(t, nil)
	rb := Runbook{Name: "restart-geth", When: []Matcher{{Alertname: "RPCEndpointDown"}},
		Steps: []Step{{Type: StepSystemdRestart, Unit: "geth.service", Timeout: 10 * time.Second}}}
	r := e.remediator(t, Options{}, rb) // the default UnitManager: D-Bus
	e.fire("RPCEndpointDown", nil)
	r.Evaluate(t.Context())
	r.Wait()
	run := runs(t, r)[0]
	if run.State != StateFailed || !strings.Contains(run.Error, "restart geth.service: no system bus") {
		t.Fatalf("run %s error %q, want failed with a clear no-system-bus message", run.State, run.Error)
	}
	_, err := SystemdUnits{}.RestartUnit(t.Context(), "geth.service")
	if !errors.Is(err, ErrNoSystemBus) {
		t.Errorf("RestartUnit error %v is not ErrNoSystemBus", err)
	}
}

func TestRateLimitAndOneActionPerTarget(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	units := &countingUnits{}
	mk := func(name, alertname string) Runbook {
		return Runbook{Name: name, When: []Matcher{{Alertname: alertname}},
			Steps:     []Step{{Type: StepSystemdRestart, Unit: "geth.service"}},
			RateLimit: RateLimit{Max: 2, Per: time.Hour}}
	}
	r := e.remediator(t, Options{Units: units}, mk("on-stale", "RPCEndpointStale"), mk("on-down", "RPCEndpointDown"))
	e.fire("RPCEndpointStale", nil)
	e.fire("RPCEndpointDown", nil)
	r.Evaluate(t.Context()) // both runbooks act on geth.service: two restarts
	r.Wait()
	if units.count() != 2 {
		t.Fatalf("%d restarts, want 2", units.count())
	}
	clk.Add(time.Minute)
	e.resolve("RPCEndpointStale", nil)
	e.fire("RPCEndpointStale", nil)
	r.Evaluate(t.Context())
	r.Wait()
	if units.count() != 2 {
		t.Fatalf("a third restart of geth.service within the hour: %d restarts, want 2", units.count())
	}
	if w := r.Status().Runbooks[0].Waiting; !strings.Contains(w, "rate limit: unit:geth.service had 2 actions") {
		t.Errorf("waiting = %q, want the rate limit", w)
	}
	clk.Add(time.Hour)
	r.Evaluate(t.Context())
	r.Wait()
	if units.count() != 3 {
		t.Fatalf("after the window: %d restarts, want 3", units.count())
	}
}

func TestOneActionAtATimePerTarget(t *testing.T) {
	e := newEnv(t, nil)
	dir := t.TempDir()
	// Each run records when its command starts and ends; the two runbooks'
	// commands (one target: the same program) must not overlap.
	script := filepath.Join(dir, "act.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"start $1\" >> \"$2\"\nsleep 0.3\necho \"end $1\" >> \"$2\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "log")
	mk := func(name, alertname string) Runbook {
		return Runbook{Name: name, When: []Matcher{{Alertname: alertname}},
			Steps: []Step{{Type: StepCommand, Argv: []string{script, name, log}}}}
	}
	r := e.remediator(t, Options{}, mk("a", "A"), mk("b", "B"))
	e.fire("A", nil)
	e.fire("B", nil)
	r.Evaluate(t.Context())
	r.Wait()
	b, _ := os.ReadFile(log)
	got := strings.Fields(strings.ReplaceAll(string(b), "\n", " "))
	if len(got) != 8 || got[0] != "start" || got[2] != "end" || got[1] != got[3] || got[4] != "start" || got[6] != "end" {
		t.Fatalf("actions on one target overlapped: %q", b)
	}
}

func TestAuditLogIsBounded(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	units := &countingUnits{}
	rb := Runbook{Name: "r", When: []Matcher{{Alertname: "A"}}, Steps: []Step{{Type: StepSystemdRestart, Unit: "x.service"}},
		RateLimit: RateLimit{Max: 100, Per: time.Hour}}
	r := e.remediator(t, Options{Settings: Settings{AuditKeep: 3}, Units: units}, rb)
	for range 5 {
		e.fire("A", nil)
		clk.Add(time.Minute)
		r.Evaluate(t.Context())
		r.Wait()
		e.resolve("A", nil)
	}
	rs := runs(t, r)
	if len(rs) != 3 || rs[0].ID != 5 || rs[2].ID != 3 {
		t.Fatalf("audit log holds runs %v, want the newest 3 (5, 4, 3)", ids(rs))
	}
	// Kept across a restart, and ids keep growing.
	r2 := e.remediator(t, Options{Settings: Settings{AuditKeep: 3}, Units: units}, rb)
	e.fire("A", nil)
	r2.Evaluate(t.Context())
	r2.Wait()
	if rs := runs(t, r2); len(rs) != 3 || rs[0].ID != 6 {
		t.Fatalf("after a restart the log holds %v, want 6, 5, 4", ids(rs))
	}
}

func ids(rs []Run) []uint64 {
	var out []uint64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestActionsDocument(t *testing.T) {
	e := newEnv(t, nil)
	units := &countingUnits{}
	rb := Runbook{Name: "fix", When: []Matcher{{Alertname: "A", Labels: map[string]string{"endpoint": "local-geth"}}},
		Steps: []Step{{Type: StepSystemdRestart, Unit: "geth.service"}, {Type: StepSystemdRestart, Unit: "livepeer.service"}}}
	r := e.remediator(t, Options{Units: units}, rb)
	e.fire("A", map[string]string{"endpoint": "local-geth"})
	r.Evaluate(t.Context())
	r.Wait()

	w := httptest.NewRecorder()
	r.Handler("").ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/actions?limit=10", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var doc Doc
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runbooks) != 1 || doc.Runbooks[0].Triggers[0] != "alert A{endpoint=local-geth}" || doc.Runbooks[0].LastOutcome != StateSucceeded {
		t.Errorf("runbooks %+v", doc.Runbooks)
	}
	if len(doc.Runs) != 1 || doc.Runs[0].Steps[1].Output != "job 1: done" {
		t.Errorf("runs %+v", doc.Runs)
	}
	w = httptest.NewRecorder()
	r.Handler("").ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/actions?limit=0", nil))
	if w.Code != http.StatusBadRequest {
		t.Errorf("limit=0: status %d, want 400", w.Code)
	}

	acts, err := r.Actions(10)
	if err != nil {
		t.Fatal(err)
	}
	list := acts.([]Action)
	if len(list) != 2 || list[0].Action != "systemd_restart livepeer.service" || list[0].Outcome != OutcomeOK || list[0].StartedAt.IsZero() {
		t.Errorf("actions %+v, want the two restarts, newest first", list)
	}
}

func TestFromConfig(t *testing.T) {
	const in = `
network: custom
chain_id: 1337
controller: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
rpc:
  - name: local-geth
    url: http://127.0.0.1:8545/secret-key
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
reward: {mode: observe}
remediation:
  runbooks:
    - name: fix-geth
      when: [{alertname: RPCEndpointStale, labels: {endpoint: local-geth}}]
      schedule: {at: "04:00", jitter: 15m}
      steps:
        - type: systemd_restart
          unit: geth.service
        - type: wait_rpc_synced
          endpoint: local-geth
`
	c, err := config.Parse([]byte(in), "")
	if err != nil {
		t.Fatal(err)
	}
	eps, err := c.EndpointURLs()
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromConfig(c.Remediation, eps)
	if err != nil {
		t.Fatal(err)
	}
	if s.Interval != 5*time.Second || s.AuditKeep != 1000 || s.DryRun {
		t.Errorf("settings %+v, want the defaults", s)
	}
	rb := s.Runbooks[0].withDefaults()
	if rb.Schedule == nil || rb.Schedule.At != 4*time.Hour || rb.Schedule.Jitter != 15*time.Minute {
		t.Errorf("schedule %+v", rb.Schedule)
	}
	wait := rb.Steps[1]
	if wait.URL != "http://127.0.0.1:8545/secret-key" || wait.Name != "wait_rpc_synced local-geth" ||
		wait.Timeout != 10*time.Minute || wait.MaxHeadAge != time.Minute || strings.Contains(wait.Detail(), "secret") {
		t.Errorf("wait step %+v (detail %q)", wait, wait.Detail())
	}
	if rb.RateLimit != (RateLimit{3, time.Hour}) || rb.Backoff != (Backoff{time.Minute, 30 * time.Minute}) || rb.Breaker != (Breaker{3, 6 * time.Hour}) {
		t.Errorf("guards %+v %+v %+v, want the defaults", rb.RateLimit, rb.Backoff, rb.Breaker)
	}

	c.Remediation.Runbooks[0].Steps[1].Endpoint = "nope"
	if _, err := FromConfig(c.Remediation, eps); err == nil || !strings.Contains(err.Error(), "remediation.runbooks[0].steps[1].endpoint: names no rpc[] endpoint") {
		t.Errorf("unknown endpoint: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Initial: time.Minute, Max: 5 * time.Minute}
	for n, want := range []time.Duration{0, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		if got := b.After(n); got != want {
			t.Errorf("After(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestExampleRunbooks builds the runbooks of examples/lpops.yaml, as the
// daemon would.
func TestExampleRunbooks(t *testing.T) {
	t.Setenv("LPOPS_RPC_ALCHEMY", "https://arb-mainnet.g.alchemy.com/v2/example")
	c, err := config.Load(filepath.Join(testenv.RepoRoot(t), "examples", "lpops.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromConfig(c.Remediation, []config.ResolvedEndpoint{{Name: "local-nitro", URL: "http://127.0.0.1:8547"}})
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, clk.Now)
	r := e.remediator(t, Options{Settings: s, Location: time.UTC})
	st := r.Status()
	if len(st.Runbooks) != 4 {
		t.Fatalf("%d runbooks, want 4", len(st.Runbooks))
	}
	first := st.Runbooks[0]
	if first.Name != "restart-local-nitro" || first.DryRun || len(first.Triggers) != 3 || first.Triggers[0] != "alert RPCEndpointStale{endpoint=local-nitro}" {
		t.Errorf("first runbook %+v", first)
	}
	nightly := st.Runbooks[2]
	at := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	if !nightly.DryRun || nightly.NextScheduled.Before(at.Add(-15*time.Minute)) || nightly.NextScheduled.After(at.Add(15*time.Minute)) {
		t.Errorf("nightly runbook %+v, want a dry run scheduled within 04:00 ± 15m", nightly)
	}
}
