package ha

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/testenv"
)

// alertsDoc is the part of /api/v1/alerts these tests read.
type alertsDoc struct {
	Alerts []struct {
		Name   string            `json:"alertname"`
		Status string            `json:"status"`
		Labels map[string]string `json:"labels"`
	} `json:"alerts"`
	Channels []struct {
		Name    string `json:"name"`
		Pending int    `json:"pending"`
	} `json:"channels"`
}

// TestAlertsSentByLeaderOnly: both instances observe the same alert (the
// reward caller's balance below alerts' warn_eth), show it, and it reaches
// the operator's webhook once, from the leader; the follower sends nothing.
// The receiver then goes down (503) and the balance is topped up: the
// leader's resolved notice waits in the outbox shared in etcd when the
// leader is SIGKILLed. The follower takes over, does not repeat the firing
// notice, and delivers the pending resolved notice once, with the id the
// old leader gave it. No notification id is accepted twice.
func TestAlertsSentByLeaderOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.webhook()
	// The reward caller holds 1 ETH: BalanceLow fires at once.
	e.extra = "probes:\n  chain_interval: 2s\n  accounts:\n    warn_eth: 2\n"
	a := e.start("a")
	a.role("leader")
	b := e.start("b")
	b.wait("follower of a, 2 members", func(s *statusDoc) bool {
		return s.HA.Role == "follower" && s.HA.Leader == "a" && len(s.HA.Members) == 2
	})
	signerLow := func(d delivery) bool { return d.Alertname == "BalanceLow" && d.Labels["account"] == "signer" }
	fired := h.waitFor("the signer's BalanceLow firing, accepted", func(d delivery) bool {
		return signerLow(d) && d.Status == "firing" && d.Accepted
	})
	if fired.From != "a" {
		t.Fatalf("firing notice sent by %s; want a, the leader", fired.From)
	}
	b.wait("BalanceLow firing on the follower too", func(s *statusDoc) bool { return s.firing("BalanceLow") })
	testenv.WaitGet(b.Lpops, "/api/v1/alerts", statusTimeout, "b: BalanceLow listed by the follower's API", func(d *alertsDoc) bool {
		for _, al := range d.Alerts {
			if al.Name == "BalanceLow" && al.Status == "firing" {
				return true
			}
		}
		return false
	})

	h.failing.Store(true)
	topUp := new(big.Int).Mul(big.NewInt(2), big.NewInt(params.Ether))
	if _, err := e.dep.FundETH(e.ctx, e.owner, addr(e.signer), topUp); err != nil {
		t.Fatal(err)
	}
	refused := h.waitFor("a's resolved notice, answered 503", func(d delivery) bool {
		return signerLow(d) && d.Status == "resolved" && d.From == "a" && !d.Accepted
	})
	// The follower saw it resolve too (else, taking over, it would see a
	// new episode: see the operator guide).
	b.wait("BalanceLow resolved on the follower", func(s *statusDoc) bool { return !s.firing("BalanceLow") })
	if n := h.from("b"); n != 0 {
		t.Fatalf("the follower sent %d notifications; want none", n)
	}

	a.kill()
	h.failing.Store(false)
	b.role("leader")
	got := h.waitFor("the resolved notice, accepted", func(d delivery) bool {
		return signerLow(d) && d.Status == "resolved" && d.Accepted
	})
	if got.From != "b" || got.ID != refused.ID {
		t.Fatalf("resolved notice accepted from %s with id %s; want b delivering a's pending %s", got.From, got.ID, refused.ID)
	}
	testenv.WaitGet(b.Lpops, "/api/v1/alerts", statusTimeout, "b: outbox drained", func(d *alertsDoc) bool {
		return len(d.Channels) == 1 && d.Channels[0].Pending == 0
	})

	accepted := map[string]int{}
	byFingerprint := map[string]map[string]int{}
	for _, d := range h.all("BalanceLow") {
		if !d.Accepted {
			continue
		}
		accepted[d.ID]++
		if byFingerprint[d.Fingerprint] == nil {
			byFingerprint[d.Fingerprint] = map[string]int{}
		}
		byFingerprint[d.Fingerprint][d.Status]++
	}
	for id, n := range accepted {
		if n != 1 {
			t.Errorf("notification %s accepted %d times; want once", id, n)
		}
	}
	for fp, n := range byFingerprint {
		if n["firing"] != 1 || n["resolved"] > 1 {
			t.Errorf("BalanceLow %s: %d firing and %d resolved notices accepted; want 1 and at most 1", fp, n["firing"], n["resolved"])
		}
	}
	if n := byFingerprint[fired.Fingerprint]; n["resolved"] != 1 {
		t.Errorf("the signer's BalanceLow: %d resolved notices; want 1", n["resolved"])
	}
}
