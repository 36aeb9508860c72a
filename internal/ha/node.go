package ha

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// Role is an instance's place in the election.
const (
	RoleLeader   = "leader"
	RoleFollower = "follower"
	// RoleUnknown: the cluster has not answered (no quorum, unreachable).
	RoleUnknown = "unknown"
)

// Options configure a Node.
type Options struct {
	// Prefix is ha.key_prefix.
	Prefix string
	// Name is this instance's name (the value of its election key).
	Name string
	// TTL is the lease, whole seconds.
	TTL time.Duration
	// Logger; nil discards.
	Logger *slog.Logger
	// OnChange is called (from the Node's goroutine) when this instance
	// starts or stops leading.
	OnChange func(leading bool)
}

// Node is one instance in the election. Run campaigns; the other methods
// are safe from any goroutine.
type Node struct {
	cli *clientv3.Client
	o   Options
	log *slog.Logger

	resign chan chan error

	mu        sync.Mutex
	leading   bool
	key       string
	rev       int64
	since     time.Time // leading since, or (follower) the leader seen since
	leader    string
	leaderKey string
	members   []Member
	lastOK    time.Time // last time the cluster answered
	lastErr   string
	lease     clientv3.LeaseID
	leaseSeen time.Time // the lease's last renewal seen
	leaseTTL  int64     // remaining TTL at leaseSeen
}

// Member is one instance campaigning (a key under the election prefix).
type Member struct {
	Name   string `json:"name"`
	Leader bool   `json:"leader"`
}

// NewNode returns a Node on cli; Run starts it.
func NewNode(cli *clientv3.Client, o Options) *Node {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Node{cli: cli, o: o, log: o.Logger.With("component", "ha"), resign: make(chan chan error)}
}

// ElectionPrefix is where the candidates' keys live.
func (n *Node) ElectionPrefix() string { return n.o.Prefix + "election/" }

// Fence is the leadership writes are made under (see Store).
func (n *Node) Fence() (key string, rev int64, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.key, n.rev, n.leading
}

// Leading reports whether this instance believes it leads; the writes that
// matter check it in etcd (Fence).
func (n *Node) Leading() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.leading
}

// Run campaigns until ctx ends: a session (lease) per term, a campaign that
// returns when this instance leads, then leading until the session ends,
// ctx ends or StepDown. Errors reaching etcd are retried; Run returns nil
// when ctx ends (resigning, so a successor need not wait out the lease).
func (n *Node) Run(ctx context.Context) error {
	go n.watch(ctx)
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := n.term(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			n.log.Warn("etcd election", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, n.o.TTL)
			continue
		}
		backoff = 200 * time.Millisecond
	}
	return nil
}

// term is one session: campaign, lead, lose.
func (n *Node) term(ctx context.Context) error {
	s, err := concurrency.NewSession(n.cli, concurrency.WithTTL(int(n.o.TTL/time.Second)), concurrency.WithContext(ctx))
	if err != nil {
		return err
	}
	defer s.Orphan()
	n.mu.Lock()
	n.lease = s.Lease()
	n.mu.Unlock()
	e := concurrency.NewElection(s, n.ElectionPrefix())
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.Done():
		case <-cctx.Done():
		}
		cancel()
	}()
	err = e.Campaign(cctx, n.o.Name)
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		select {
		case <-s.Done():
			return errors.New("lease lost while campaigning")
		default:
		}
		// Revoke the lease: a key this campaign wrote must not hold the
		// others back until it expires.
		rctx, rcancel := context.WithTimeout(context.Background(), n.o.TTL)
		_, _ = n.cli.Revoke(rctx, s.Lease())
		rcancel()
		return err
	}
	n.mu.Lock()
	n.leading, n.key, n.rev, n.since = true, e.Key(), e.Rev(), time.Now()
	n.leader, n.leaderKey = n.o.Name, e.Key()
	n.mu.Unlock()
	n.log.Info("leading: this instance sends", "key", e.Key(), "revision", e.Rev())
	if n.o.OnChange != nil {
		n.o.OnChange(true)
	}
	var stepped chan error
	select {
	case <-s.Done():
		n.log.Warn("leadership lost: the lease was not renewed in time; standing by")
	case <-ctx.Done():
	case stepped = <-n.resign:
	}
	n.mu.Lock()
	n.leading = false
	n.mu.Unlock()
	if n.o.OnChange != nil {
		n.o.OnChange(false)
	}
	cancel()
	if stepped != nil || ctx.Err() != nil {
		// Resign deletes the key at once: a successor need not wait out
		// the lease. Revoking the lease too ends this session's keys.
		rctx, rcancel := context.WithTimeout(context.Background(), n.o.TTL)
		err := e.Resign(rctx)
		rcancel()
		if err == nil {
			n.log.Info("resigned the leadership")
		}
		if stepped != nil {
			stepped <- err
		}
		_ = s.Close()
	}
	return nil
}

// StepDown resigns the leadership if this instance leads (the drill of the
// operator guide): another candidate takes over at once, and this one
// campaigns again behind it. It returns false when it did not lead.
func (n *Node) StepDown(ctx context.Context) (bool, error) {
	if !n.Leading() {
		return false, nil
	}
	done := make(chan error, 1)
	select {
	case n.resign <- done:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case err := <-done:
		return true, err
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// watch reads the candidates and the lease a few times per TTL, for status
// and the ha probe: who leads, whether the cluster answers.
func (n *Node) watch(ctx context.Context) {
	t := time.NewTicker(max(n.o.TTL/4, 250*time.Millisecond))
	defer t.Stop()
	for {
		n.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (n *Node) poll(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, max(n.o.TTL/2, time.Second))
	defer cancel()
	resp, err := n.cli.Get(rctx, n.ElectionPrefix(), clientv3.WithPrefix())
	n.mu.Lock()
	lease := n.lease
	n.mu.Unlock()
	var ttl *clientv3.LeaseTimeToLiveResponse
	if err == nil && lease != clientv3.NoLease {
		ttl, _ = n.cli.TimeToLive(rctx, lease)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if err != nil {
		n.lastErr = err.Error()
		return
	}
	n.lastOK, n.lastErr = time.Now(), ""
	kvs := resp.Kvs
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].CreateRevision < kvs[j].CreateRevision })
	n.members = n.members[:0]
	leader, leaderKey := "", ""
	for i, kv := range kvs {
		if i == 0 {
			leader, leaderKey = string(kv.Value), string(kv.Key)
		}
		n.members = append(n.members, Member{Name: string(kv.Value), Leader: i == 0})
	}
	if leaderKey != n.leaderKey {
		n.since = time.Now()
	}
	n.leader, n.leaderKey = leader, leaderKey
	if ttl != nil && ttl.TTL > 0 {
		n.leaseSeen, n.leaseTTL = time.Now(), ttl.TTL
	}
}

// Status is what status, the page and `lpops status` show of HA.
type Status struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// Leader is the leading instance's name; empty while nobody leads.
	Leader string `json:"leader,omitempty"`
	// LeaderSince is when this instance saw the current leader take over
	// (when it won, for the leader itself).
	LeaderSince time.Time `json:"leader_since,omitzero"`
	Members     []Member  `json:"members"`
	// Quorum: the cluster answered within the last lease TTL.
	Quorum     bool      `json:"quorum"`
	LastOK     time.Time `json:"last_ok,omitzero"`
	LastError  string    `json:"last_error,omitempty"`
	LeaseTTL   int64     `json:"lease_ttl_seconds"`
	LeaseAgeS  float64   `json:"lease_age_seconds"`
	LeaseLeftS float64   `json:"lease_left_seconds,omitempty"`
}

// Status returns the node's view now.
func (n *Node) Status() Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := time.Now()
	s := Status{Name: n.o.Name, Leader: n.leader, LeaderSince: n.since,
		Members: append([]Member{}, n.members...), LastOK: n.lastOK, LastError: n.lastErr,
		LeaseTTL: int64(n.o.TTL / time.Second)}
	s.Quorum = !n.lastOK.IsZero() && now.Sub(n.lastOK) < n.o.TTL
	switch {
	case n.leading:
		s.Role, s.Leader = RoleLeader, n.o.Name
	case s.Quorum:
		s.Role = RoleFollower
	default:
		s.Role = RoleUnknown
	}
	if !n.since.IsZero() && s.Leader != "" {
		s.LeaseAgeS = now.Sub(n.since).Seconds()
	}
	if !n.leaseSeen.IsZero() {
		s.LeaseLeftS = max(0, float64(n.leaseTTL)-now.Sub(n.leaseSeen).Seconds())
	}
	return s
}
