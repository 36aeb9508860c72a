package ha

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// activePoll is chain.active_poll_interval in start's configuration.
const activePoll = 200 * time.Millisecond

// BenchmarkFailover measures the time from the leader's SIGKILL, just
// before its reward falls due, to the follower's broadcast of that reward:
// the lease running out, the follower's campaign returning, its keeper
// woken and sending. It prints the figure and its ratio to the goal, lease
// TTL + one active poll (2 s + 200 ms here), both measured in this run.
//
//	go test -run '^$' -bench Failover -benchtime 1x ./test/ha/
func BenchmarkFailover(b *testing.B) {
	ttl, err := time.ParseDuration(leaseTTL)
	if err != nil {
		b.Fatal(err)
	}
	goal := ttl + activePoll
	var total time.Duration
	for range b.N {
		total += failoverOnce(b)
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "s/failover")
	b.ReportMetric(float64(per)/float64(goal), "ratio-to-goal")
	fmt.Printf("failover: %s from leader SIGKILL to the follower's reward broadcast; goal %s (lease TTL %s + active poll %s): ratio %.2f\n",
		per.Round(time.Millisecond), goal, ttl, activePoll, float64(per)/float64(goal))
}

func failoverOnce(b *testing.B) time.Duration {
	b.StopTimer()
	e := newEnv(b)
	a := e.start("a")
	a.role("leader")
	f := e.start("b")
	f.wait("follower of a", func(s *statusDoc) bool { return s.HA.Leader == "a" && len(s.HA.Members) == 2 })
	r := firstRewarded(e, a) + 1
	// The round is initialized by someone else (as go-livepeer's nodes do),
	// so the follower's first transaction is the reward itself.
	a.wait(fmt.Sprintf("round %d", r), func(s *statusDoc) bool { return s.Keeper.Round == r })
	if err := e.dep.EnsureRoundInitialized(e.ctx, e.owner); err != nil {
		b.Fatal(err)
	}
	a.wait("the block before the reward falls due", func(s *statusDoc) bool {
		return s.Keeper.Round == r && s.Keeper.BlockNum+1 >= s.Keeper.GraceEndBlock && len(s.Keeper.Txs) == 0
	})
	b.StartTimer()
	killed := time.Now()
	if err := a.Proc.Signal(syscall.SIGKILL); err != nil {
		b.Fatal(err)
	}
	var sent time.Time
	f.wait("the follower's reward broadcast", func(s *statusDoc) bool {
		for _, tx := range s.Keeper.Txs {
			if tx.Kind == "reward" && !tx.SentAt.IsZero() {
				sent = tx.SentAt
				return true
			}
		}
		return false
	})
	b.StopTimer()
	f.rewarded(r)
	if n := e.rewardTxs(r); n != 1 {
		b.Fatalf("round %d: %d reward transactions; want 1 (a sent before it was killed?)", r, n)
	}
	return sent.Sub(killed)
}
