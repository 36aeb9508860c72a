package testenv

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EtcdCluster is a real etcd cluster of separate etcd processes on loopback,
// each with its data directory in the test's temporary directory: the
// engine lpops' high availability rests on (internal/ha, test/ha). Members
// can be killed, frozen and restarted to exercise quorum loss.
type EtcdCluster struct {
	// Endpoints are the members' client URLs, in member order.
	Endpoints []string

	t       testing.TB
	bin     string
	members []*etcdMember
}

type etcdMember struct {
	name, client, peer, dataDir, logDir string

	mu   sync.Mutex
	proc *Proc
}

// EtcdOptions configures StartEtcd.
type EtcdOptions struct {
	// Members is the cluster size; 0 means 3.
	Members int
}

// etcdReadyTimeout bounds how long a member (or the whole cluster) may take
// to answer /health after a start.
const etcdReadyTimeout = 30 * time.Second

// StartEtcd starts an etcd cluster (etcd from .tools/bin, installed by
// scripts/install-test-tools.sh; under CI=true a missing etcd fails the test)
// and waits until every member reports healthy. Election timings are short
// (50 ms heartbeat, 500 ms election timeout) so a lost leader is replaced
// quickly; every member dies with the test.
func StartEtcd(t testing.TB, o EtcdOptions) *EtcdCluster {
	t.Helper()
	n := o.Members
	if n == 0 {
		n = 3
	}
	c := &EtcdCluster{t: t, bin: RequireTool(t, "etcd")}
	var initial []string
	for i := range n {
		m := &etcdMember{
			name:    fmt.Sprintf("m%d", i),
			client:  fmt.Sprintf("http://127.0.0.1:%d", FreePort(t)),
			peer:    fmt.Sprintf("http://127.0.0.1:%d", FreePort(t)),
			dataDir: filepath.Join(t.TempDir(), "data"),
			logDir:  t.TempDir(),
		}
		c.members = append(c.members, m)
		c.Endpoints = append(c.Endpoints, m.client)
		initial = append(initial, m.name+"="+m.peer)
	}
	t.Cleanup(func() {
		for _, m := range c.members {
			if p := m.current(); p != nil {
				_ = p.signalGroup(syscall.SIGCONT)
				p.kill()
				if t.Failed() {
					t.Logf("%s", p.report())
				}
			}
		}
	})
	cluster := strings.Join(initial, ",")
	for i := range c.members {
		c.launch(i, cluster)
	}
	for i := range c.members {
		c.WaitHealthy(i)
	}
	t.Logf("etcd cluster of %d up: %s", n, strings.Join(c.Endpoints, ","))
	return c
}

func (c *EtcdCluster) launch(i int, cluster string) {
	c.t.Helper()
	m := c.members[i]
	args := []string{
		"--name", m.name,
		"--data-dir", m.dataDir,
		"--listen-client-urls", m.client, "--advertise-client-urls", m.client,
		"--listen-peer-urls", m.peer, "--initial-advertise-peer-urls", m.peer,
		"--initial-cluster", cluster, "--initial-cluster-state", "new",
		"--initial-cluster-token", "lpops-test",
		"--heartbeat-interval", "50", "--election-timeout", "500",
		"--logger", "zap", "--log-level", "warn",
	}
	p, err := startProc(m.logDir, c.bin, args, nil)
	if err != nil {
		c.t.Fatalf("start etcd member %s: %v", m.name, err)
	}
	p.Name = "etcd-" + m.name
	m.mu.Lock()
	m.proc = p
	m.mu.Unlock()
}

func (m *etcdMember) current() *Proc {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.proc
}

// Healthy reports whether member i answers /health with "true" (it is up
// and its cluster has a leader, so it has quorum).
func (c *EtcdCluster) Healthy(i int) bool {
	cl := &http.Client{Timeout: time.Second}
	resp, err := cl.Get(c.members[i].client + "/health")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	return resp.StatusCode == http.StatusOK && strings.Contains(string(b), `"health":"true"`)
}

// WaitHealthy waits until member i is healthy; it fails the test when the
// member exits or the deadline passes first.
func (c *EtcdCluster) WaitHealthy(i int) {
	c.t.Helper()
	p := c.members[i].current()
	WaitFor(c.t, etcdReadyTimeout, fmt.Sprintf("etcd member %s healthy on %s", c.members[i].name, c.members[i].client), func() bool {
		if p.Exited() {
			c.t.Fatalf("etcd member %s exited: %v\n%s", c.members[i].name, p.waitErr, p.report())
		}
		return c.Healthy(i)
	})
}

// Kill SIGKILLs member i and waits until it is gone; Restart brings it back
// on its data directory.
func (c *EtcdCluster) Kill(i int) {
	c.t.Helper()
	p := c.members[i].current()
	if err := p.signalGroup(syscall.SIGKILL); err != nil {
		c.t.Fatalf("kill etcd member %d: %v", i, err)
	}
	select {
	case <-p.Done():
	case <-time.After(killTimeout):
		c.t.Fatalf("etcd member %d still running %s after SIGKILL", i, killTimeout)
	}
}

// Stop freezes member i (SIGSTOP): its ports stay open, it answers nothing.
// Cont resumes it.
func (c *EtcdCluster) Stop(i int) {
	c.t.Helper()
	if err := c.members[i].current().signalGroup(syscall.SIGSTOP); err != nil {
		c.t.Fatalf("stop etcd member %d: %v", i, err)
	}
}

// Cont resumes a member frozen by Stop.
func (c *EtcdCluster) Cont(i int) {
	c.t.Helper()
	if err := c.members[i].current().signalGroup(syscall.SIGCONT); err != nil {
		c.t.Fatalf("resume etcd member %d: %v", i, err)
	}
}

// Restart starts a killed member i again on its data directory (it rejoins
// the cluster it was part of) without waiting: with the rest of the cluster
// down it cannot become healthy alone. WaitHealthy waits.
func (c *EtcdCluster) Restart(i int) {
	c.t.Helper()
	if p := c.members[i].current(); !p.Exited() {
		c.t.Fatalf("restart etcd member %d: it is still running", i)
	}
	var initial []string
	for _, m := range c.members {
		initial = append(initial, m.name+"="+m.peer)
	}
	c.launch(i, strings.Join(initial, ","))
}
