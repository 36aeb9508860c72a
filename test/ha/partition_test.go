package ha

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// cutProxy forwards TCP connections to one etcd member until Cut: then it
// closes every connection and drops new ones at once, as a partition
// between one lpops host and the cluster would (the other instance still
// reaches the members directly).
type cutProxy struct {
	URL    string
	target string
	ln     net.Listener

	mu    sync.Mutex
	cut   bool
	conns []net.Conn
}

func newCutProxy(t testing.TB, member string) *cutProxy {
	t.Helper()
	u, err := url.Parse(member)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{URL: "http://" + ln.Addr().String(), target: u.Host, ln: ln}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

// Cut partitions: every connection is closed, new ones are dropped.
func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Heal lets connections through again.
func (p *cutProxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// TestLeaderPartitionedFromEtcd: the leader loses its way to every etcd
// member (the other instance keeps its own). It cannot renew its lease nor
// record anything, so it sends nothing; the follower takes over once the
// lease expires and rewards the round, once. Healed, the old leader
// follows.
func TestLeaderPartitionedFromEtcd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var proxies []*cutProxy
	var eps []string
	for _, m := range e.etcd.Endpoints {
		p := newCutProxy(t, m)
		proxies = append(proxies, p)
		eps = append(eps, p.URL)
	}
	a := e.startWith("a", e.chain.URL, eps)
	a.role("leader")
	b := e.start("b")
	b.wait("follower of a", func(s *statusDoc) bool { return s.HA.Leader == "a" && len(s.HA.Members) == 2 })
	r1 := firstRewarded(e, a)
	r2 := r1 + 1
	a.beforeSend(r2)
	for _, p := range proxies {
		p.Cut()
	}
	a.wait("a to stop leading, cut off from etcd", func(s *statusDoc) bool { return s.HA.Role != "leader" })
	b.role("leader")
	b.rewarded(r2)
	for _, p := range proxies {
		p.Heal()
	}
	a.wait("a to follow b", func(s *statusDoc) bool { return s.HA.Role == "follower" && s.HA.Leader == "b" })
	b.rewarded(r2 + 1)
	e.wantOnePerRound(r1, r2, r2+1)
}
