package alerting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// everything matches every notification.
func everything(notification) bool { return true }

// TestChannelDown has the webhook receiver answer 500 while three delegators'
// bonds fire and resolve their alerts: once it answers again, it receives all
// six notifications, in the order they happened, each once.
func TestChannelDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	hook := newReceiver(t)
	lp := e.startLpops(lpopsOptions{hook: hook})
	delegator := e.chain.FundedKey(t, big.NewInt(1))
	if _, err := e.dep.MintLPT(e.ctx, e.owner, addr(delegator), lpt(300)); err != nil {
		t.Fatal(err)
	}

	hook.fail(true)
	var txs []string
	for i := range 3 {
		r, err := e.dep.Bond(e.ctx, delegator, addr(e.orch), lpt(100))
		if err != nil {
			t.Fatal(err)
		}
		tx := r.TxHash.Hex()
		txs = append(txs, tx)
		lp.waitAlerts(fmt.Sprintf("bond %d's StakeChanged to fire and resolve while the channel is down", i+1), func(d *alertsDoc) bool {
			for _, a := range d.Alerts {
				if a.Name == "StakeChanged" && a.Labels["tx"] == tx && a.Status == "resolved" {
					return true
				}
			}
			return false
		})
	}
	d := lp.waitAlerts("six notifications queued for the channel", func(d *alertsDoc) bool {
		return len(d.Channels) == 1 && d.Channels[0].Pending == 6
	})
	if d.Channels[0].LastError == "" {
		t.Errorf("channel %s has 6 notifications pending and no last_error", d.Channels[0].Name)
	}
	if len(hook.all(everything)) != 0 || len(hook.rejectedAll()) == 0 {
		t.Fatalf("the receiver accepted %d notifications while down and refused %d attempts; want none accepted and some refused",
			len(hook.all(everything)), len(hook.rejectedAll()))
	}

	up := time.Now()
	hook.fail(false)
	testenv.WaitFor(t, waitTimeout, "all six notifications delivered", func() bool { return len(hook.all(everything)) >= 6 })
	got := hook.all(everything)
	t.Logf("delivered %s after the receiver came back (alerts.outbox.max_backoff 1s)", got[len(got)-1].received.Sub(up).Round(time.Millisecond))

	// In order: each bond's firing notice, then its resolved notice.
	var want []string
	for _, tx := range txs {
		want = append(want, "firing "+tx, "resolved "+tx)
	}
	var seq []string
	ids := map[string]int{}
	for _, n := range got {
		seq = append(seq, n.Status+" "+n.Labels["tx"])
		ids[n.ID]++
		if n.Alertname != "StakeChanged" {
			t.Errorf("unexpected notification %s", n)
		}
	}
	if strings.Join(seq, "\n") != strings.Join(want, "\n") {
		t.Errorf("delivered in this order:\n%s\nwant:\n%s", strings.Join(seq, "\n"), strings.Join(want, "\n"))
	}
	for id, c := range ids {
		if c > 1 {
			t.Errorf("notification %s delivered %d times", id, c)
		}
	}
	// While down, every attempt was for the head of the outbox, the oldest.
	for _, n := range hook.rejectedAll() {
		if n.ID != got[0].ID {
			t.Errorf("attempt while down for %s, not the oldest notification %s", n, got[0])
		}
	}
	lp.waitAlerts("the outbox empty", func(d *alertsDoc) bool { return d.Channels[0].Pending == 0 && d.Channels[0].LastError == "" })
	lp.probeRuns("stake", 3)
	if n := len(hook.all(everything)); n != 6 {
		t.Errorf("%d notifications after the outbox emptied, want 6", n)
	}
}

// TestRestartWhileFiring stops lpops while BalanceLow fires, with SIGTERM and
// then SIGKILL, and restarts it on the same state directory each time: the
// alert is not announced again, and its resolved notice still comes, once.
func TestRestartWhileFiring(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	hook := newReceiver(t)
	// The orchestrator's 10 ETH are under warn_eth 50 from the start.
	lp := e.startLpops(lpopsOptions{hook: hook, warnETH: 50, criticalETH: 1})
	fired := hook.wait(waitTimeout, "BalanceLow for the orchestrator", named("BalanceLow", "firing", "account", "orchestrator"))

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		lp.Stop(sig)
		lp.Restart()
		s := lp.probeRuns("accounts", 3)
		if p := s.probe("accounts"); !strings.Contains(strings.Join(p.Firing, " "), "BalanceLow") {
			t.Fatalf("after %s and a restart the accounts probe fires %v, want BalanceLow", sig, p.Firing)
		}
		hook.once(fmt.Sprintf("BalanceLow firing after %s and a restart", sig), of(fired.Fingerprint, "firing"))
		hook.none(fmt.Sprintf("BalanceLow resolved after %s and a restart", sig), of(fired.Fingerprint, "resolved"))
	}

	e.send(e.owner, addr(e.orch), eth(100))
	resolved := hook.wait(waitTimeout, "BalanceLow resolved after the top-up", of(fired.Fingerprint, "resolved"))
	if !resolved.StartsAt.Equal(fired.StartsAt) {
		t.Errorf("resolved notice starts_at %s, want the firing episode's %s", resolved.StartsAt, fired.StartsAt)
	}
	lp.probeRuns("accounts", 2)
	hook.once("BalanceLow resolved", of(fired.Fingerprint, "resolved"))
	hook.once("BalanceLow firing", of(fired.Fingerprint, "firing"))
}

// TestSilence silences BalanceLow over the API before it fires: nothing is
// sent while the silence lasts, and the alert is notified once it expires.
func TestSilence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	hook := newReceiver(t)
	lp := e.startLpops(lpopsOptions{hook: hook, warnETH: 8, criticalETH: 1})

	body := `{"matchers":[{"name":"alertname","value":"BalanceLow"}],"duration":"10s","comment":"topping up the orchestrator","created_by":"alerting test"}`
	post := func(token string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, lp.Base+"/api/v1/silences", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := lp.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, tok := range []string{"", "not-the-token-0123456789"} {
		resp := post(tok)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST /api/v1/silences with token %q: %s, want 401", tok, resp.Status)
		}
	}
	resp := post(lp.token)
	var sil struct {
		ID    string    `json:"id"`
		Until time.Time `json:"until"`
	}
	err := json.NewDecoder(resp.Body).Decode(&sil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || err != nil || sil.ID == "" {
		t.Fatalf("POST /api/v1/silences: %s, %v, id %q; want 201 with the silence", resp.Status, err, sil.ID)
	}

	left := e.drainTo(e.orch, eth(5))
	lp.waitAlerts("BalanceLow firing and silenced", func(d *alertsDoc) bool {
		for _, a := range d.Alerts {
			if a.Name == "BalanceLow" && a.Status == "firing" && a.SilencedBy == sil.ID {
				return true
			}
		}
		return false
	})
	lp.probeRuns("accounts", 3)
	if time.Now().After(sil.Until) {
		t.Fatalf("the silence (until %s) ended before the test could check it mutes", sil.Until)
	}
	hook.none("BalanceLow while silenced", named("BalanceLow", ""))

	n := hook.wait(time.Until(sil.Until)+waitTimeout, "BalanceLow once the silence expired", named("BalanceLow", "firing", "account", "orchestrator"))
	if n.received.Before(sil.Until) {
		t.Errorf("BalanceLow notified at %s, before the silence ended at %s", n.received, sil.Until)
	}
	t.Logf("BalanceLow notified %s after the silence ended", n.received.Sub(sil.Until).Round(time.Millisecond))
	if !strings.Contains(n.Summary, "balance "+units(left)+" ETH is below 8 ETH") {
		t.Errorf("BalanceLow summary %q does not give the balance %s ETH", n.Summary, units(left))
	}
	lp.probeRuns("accounts", 2)
	hook.once("BalanceLow firing", named("BalanceLow", "firing"))
}
