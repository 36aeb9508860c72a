// Package ha runs lpops' high availability against the real things: a
// 3-member etcd cluster (separate etcd processes on loopback), anvil with
// the Livepeer test contracts mining a block a second, and two `lpops run`
// processes of the built binary sharing one reward caller, with a node that
// never calls reward. Faults are real: SIGKILL, SIGSTOP, etcd members killed.
// The invariant every scenario checks on the chain: exactly one reward
// transaction per round.
package ha

import (
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/rpcproxy"
	"github.com/lpops/lpops/internal/testenv"
)

// beforeSend waits until lp is in round r and has not sent its reward yet.
func (lp *lpops) beforeSend(r uint64) {
	lp.t.Helper()
	lp.wait("round to begin, reward not sent yet", func(s *statusDoc) bool {
		if s.Keeper.Round != r {
			return false
		}
		for _, tx := range s.Keeper.Txs {
			if tx.Kind == "reward" {
				return false
			}
		}
		return true
	})
}

// afterBroadcast waits until lp has broadcast round r's reward.
func (lp *lpops) afterBroadcast(r uint64) {
	lp.t.Helper()
	lp.wait("reward broadcast", func(s *statusDoc) bool {
		if s.Keeper.Round != r {
			return false
		}
		for _, tx := range s.Keeper.Txs {
			if tx.Kind == "reward" && tx.State != "signed" {
				return true
			}
		}
		return false
	})
}

func (lp *lpops) kill() {
	lp.t.Helper()
	if err := lp.Proc.Signal(syscall.SIGKILL); err != nil {
		lp.t.Fatal(err)
	}
	if err := lp.Proc.Wait(lp.t, 10*time.Second); err == nil {
		lp.t.Fatalf("%s exited cleanly after SIGKILL", lp.name)
	}
}

// firstActiveRound waits for a to reward a round and returns it.
func firstRewarded(e *env, a *lpops) uint64 {
	e.t.Helper()
	s := a.wait("a round rewarded by lpops", func(s *statusDoc) bool {
		return s.Keeper.LastRewardRound > 0 && s.Keeper.LastRewardRound == s.Keeper.Round
	})
	return s.Keeper.LastRewardRound
}

// TestLeaderKilledFollowerTakesOver: the leader SIGKILLed before its send,
// then the new leader SIGKILLed after its broadcast: each time the other
// instance takes over within the lease and the round is rewarded, exactly
// one reward transaction per round.
func TestLeaderKilledFollowerTakesOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.start("a")
	a.role("leader")
	b := e.start("b")
	b.wait("follower of a, 2 members", func(s *statusDoc) bool {
		return s.HA.Role == "follower" && s.HA.Leader == "a" && len(s.HA.Members) == 2
	})
	r1 := firstRewarded(e, a)

	// Before its send: a is killed as round r2 begins.
	r2 := r1 + 1
	a.beforeSend(r2)
	a.kill()
	b.role("leader")
	b.rewarded(r2)

	// After its broadcast: a comes back as a follower, b is killed once
	// its reward for r3 is on the network; a finds it in etcd and credits
	// it instead of sending another.
	a.Restart()
	a.role("follower")
	r3 := r2 + 1
	b.afterBroadcast(r3)
	b.kill()
	a.role("leader")
	a.rewarded(r3)
	e.wantOnePerRound(r1, r2, r3)
}

// TestLeaderKilledBetweenSignAndBroadcast: the leader signs the reward and
// records it in etcd, and dies while its broadcast is still on the way (held
// by a proxy, then dropped: it never reaches the chain). The follower takes
// over, finds the signed transaction in the round's record and broadcasts
// it: the round is rewarded by that very transaction, none signed anew.
func TestLeaderKilledBetweenSignAndBroadcast(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	px, err := rpcproxy.New(e.chain.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	a := e.startOn("a", px.URL)
	a.role("leader")
	b := e.start("b")
	b.wait("follower of a", func(s *statusDoc) bool { return s.HA.Leader == "a" && len(s.HA.Members) == 2 })
	r1 := firstRewarded(e, a)
	r2 := r1 + 1
	a.beforeSend(r2)
	// Initialized by someone else (as nodes do), so a's only send is the
	// reward.
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		t.Fatal(err)
	}
	px.HoldSends()
	testenv.WaitFor(t, statusTimeout, "a's reward broadcast to reach the proxy", func() bool { return px.HeldSends() > 0 })
	a.kill()
	px.DropSends()
	b.role("leader")
	b.rewarded(r2)
	s := b.wait("round r2 settled", func(s *statusDoc) bool { return s.Keeper.Round == r2 && s.Keeper.State == "done" })
	var rewards int
	for _, tx := range s.Keeper.Txs {
		if tx.Kind == "reward" {
			rewards++
		}
	}
	if rewards != 1 {
		t.Errorf("round %d's record holds %d reward transactions; want 1, a's, broadcast by b", r2, rewards)
	}
	e.wantOnePerRound(r1, r2)
}

// TestFrozenLeaderIsFenced: the leader frozen (SIGSTOP) past its lease; the
// follower takes over and rewards; the old leader, resumed, finds itself
// fenced, sends nothing and follows.
func TestFrozenLeaderIsFenced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.start("a")
	a.role("leader")
	b := e.start("b")
	b.role("follower")
	r1 := firstRewarded(e, a)
	r2 := r1 + 1
	a.beforeSend(r2)
	if err := a.Proc.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	b.role("leader")
	b.rewarded(r2)
	if err := a.Proc.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	s := a.role("follower")
	if s.HA.Leader != "b" {
		t.Errorf("a resumed sees leader %q; want b", s.HA.Leader)
	}
	b.rewarded(r2 + 1)
	e.wantOnePerRound(r1, r2, r2+1)
}

// TestEtcdMemberLossAndQuorum: one etcd member killed changes nothing; a
// second one (quorum lost) stops all sending and raises HAQuorumLost on
// both instances, and each delivers it to the webhook itself (nobody leads
// or can share state); the members back, sending resumes.
func TestEtcdMemberLossAndQuorum(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.webhook()
	a := e.start("a")
	a.role("leader")
	b := e.start("b")
	b.role("follower")
	e.etcd.Kill(2)
	r1 := firstRewarded(e, a)
	r2 := r1 + 1
	a.rewarded(r2)
	if s := a.role("leader"); !s.HA.Quorum {
		t.Fatal("a reports no quorum with two of three members up")
	}

	e.etcd.Kill(1)
	for _, lp := range []*lpops{a, b} {
		lp.wait("quorum lost, HAQuorumLost firing", func(s *statusDoc) bool {
			return !s.HA.Quorum && s.HA.Role != "leader" && s.firing("HAQuorumLost")
		})
	}
	for _, lp := range []*lpops{a, b} {
		h.waitFor("HAQuorumLost from "+lp.name, func(d delivery) bool {
			return d.Alertname == "HAQuorumLost" && d.Status == "firing" && d.From == lp.name && d.Accepted
		})
	}
	// A whole reward window without quorum: nothing is sent.
	r3 := r2 + 1
	b.wait("round r3 past its grace end", func(s *statusDoc) bool {
		return s.Keeper.Round == r3 && s.Keeper.BlockNum >= s.Keeper.GraceEndBlock+4
	})
	if n := e.rewardTxs(r3); n != 0 {
		t.Fatalf("round %d: %d reward transactions sent without an etcd quorum; want 0", r3, n)
	}

	e.etcd.Restart(1)
	e.etcd.Restart(2)
	e.etcd.WaitHealthy(0)
	for _, lp := range []*lpops{a, b} {
		lp.wait("quorum back", func(s *statusDoc) bool { return s.HA.Quorum && !s.firing("HAQuorumLost") })
	}
	// The round quorum came back in may be too far gone to reward; the
	// next one is rewarded, once.
	back := e.round()
	for _, lp := range []*lpops{a, b} {
		lp.rewarded(back + 1)
	}
	e.wantOnePerRound(r1, r2, back+1)
	for r := r3; r <= back; r++ {
		if n := e.rewardTxs(r); n > 1 {
			t.Errorf("round %d: %d reward transactions; want at most 1", r, n)
		}
	}
}
