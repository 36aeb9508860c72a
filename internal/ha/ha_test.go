package ha

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/store"
	"github.com/lpops/lpops/internal/testenv"
)

// These tests run against a real 3-member etcd cluster (testenv.StartEtcd),
// lease TTL 2 s, etcd's shortest useful one.

const testTTL = 2 * time.Second

var orch = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")

type instance struct {
	name   string
	cli    *clientv3.Client
	node   *Node
	recs   *keeper.Records
	store  *Store
	cancel context.CancelFunc
	done   chan struct{}
}

func dial(t *testing.T, c *testenv.EtcdCluster) *clientv3.Client {
	t.Helper()
	cli, err := Dial(config.HA{Endpoints: c.Endpoints})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func start(t *testing.T, c *testenv.EtcdCluster, name string) *instance {
	t.Helper()
	in := &instance{name: name, cli: dial(t, c), done: make(chan struct{})}
	in.node = NewNode(in.cli, Options{Prefix: "/lpops-test/", Name: name, TTL: testTTL})
	in.store = NewStore(in.cli, "/lpops-test/", in.node.Fence, 3*time.Second)
	in.recs = keeper.NewRecordsOn(in.store)
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	go func() {
		defer close(in.done)
		_ = in.node.Run(ctx)
	}()
	t.Cleanup(in.stop)
	return in
}

func (in *instance) stop() {
	in.cancel()
	<-in.done
}

func waitLeader(t *testing.T, in *instance) {
	t.Helper()
	testenv.WaitFor(t, 20*time.Second, in.name+" to lead", in.node.Leading)
}

// signedRecord is a round record holding a reward transaction signed and
// written before broadcast, as the keeper writes it.
func signedRecord(round uint64, nonce uint64) *keeper.Record {
	return &keeper.Record{Orchestrator: orch, Round: round, State: keeper.StateSending, Txs: []*keeper.Tx{{
		Kind: keeper.KindReward, Method: "reward", Hash: common.HexToHash("0xabc1"), Nonce: nonce,
		MaxFee: (*keeper.Wei)(big.NewInt(2e9)), Tip: (*keeper.Wei)(big.NewInt(1e8)),
		Raw: []byte{0x02, 0x01}, State: keeper.TxSigned, SignedAt: time.Now(), From: orch,
	}}}
}

// TestFencedWriteRefusedAfterLeaseRevoked: a leader whose lease is gone
// (revoked here; expired in TestStaleLeaderAfterLeaseExpiry) cannot write a
// round record even while it still believes it leads, so it cannot send.
func TestFencedWriteRefusedAfterLeaseRevoked(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	if err := a.recs.Save(signedRecord(10, 7)); err != nil {
		t.Fatalf("the leader's write: %v", err)
	}
	key, rev, _ := a.node.Fence()
	stale := NewStore(dial(t, c), "/lpops-test/", func() (string, int64, bool) { return key, rev, true }, 3*time.Second)

	a.node.mu.Lock()
	lease := a.node.lease
	a.node.mu.Unlock()
	if _, err := a.cli.Revoke(context.Background(), lease); err != nil {
		t.Fatal(err)
	}
	// The belief is stale (the store is asked with the old key and
	// revision, as a frozen process would): etcd refuses.
	err := keeper.NewRecordsOn(stale).Save(signedRecord(10, 8))
	if !errors.Is(err, ErrFenced) {
		t.Fatalf("write after the lease was revoked: %v, want ErrFenced", err)
	}
	rec, err := a.recs.Load(orch, 10)
	if err != nil || rec == nil || rec.Txs[0].Nonce != 7 {
		t.Fatalf("record after the refused write = %+v, %v; want the first write (nonce 7)", rec, err)
	}
	// The node notices and campaigns again, on a new key.
	testenv.WaitFor(t, 20*time.Second, "a to lead again on a new lease", func() bool {
		k, r, ok := a.node.Fence()
		return ok && (k != key || r != rev)
	})
	if err := a.recs.Save(signedRecord(10, 9)); err != nil {
		t.Fatalf("write under the new leadership: %v", err)
	}
	if err := keeper.NewRecordsOn(stale).Save(signedRecord(10, 10)); !errors.Is(err, ErrFenced) {
		t.Fatalf("write under the old leadership after a new term: %v, want ErrFenced", err)
	}
}

// TestNewLeaderContinuesInFlightTransaction: the leader writes a signed
// transaction and dies without renewing its lease; the follower takes over
// within the lease, reads the transaction with its nonce, and the old
// leader's writes are refused from then on.
func TestNewLeaderContinuesInFlightTransaction(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to see a lead", func() bool {
		s := b.node.Status()
		return s.Role == RoleFollower && s.Leader == "a" && len(s.Members) == 2
	})
	if b.node.Leading() {
		t.Fatal("b leads beside a")
	}
	if err := b.recs.Save(signedRecord(11, 1)); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("follower's write: %v, want ErrNotLeader", err)
	}
	if err := a.recs.Save(signedRecord(11, 42)); err != nil {
		t.Fatal(err)
	}
	key, rev, _ := a.node.Fence()
	// a dies: its client goes away without revoking or resigning, so its
	// key lives until the lease expires.
	a.node.mu.Lock()
	a.cli.Close()
	a.node.mu.Unlock()
	waitLeader(t, b)
	rec, err := b.recs.Load(orch, 11)
	if err != nil || rec == nil || len(rec.Txs) != 1 {
		t.Fatalf("the new leader reads %+v, %v; want a's record with its signed transaction", rec, err)
	}
	if tx := rec.Txs[0]; tx.Nonce != 42 || tx.State != keeper.TxSigned || len(tx.Raw) == 0 {
		t.Fatalf("in-flight transaction %+v; want a's signed tx, nonce 42, raw bytes", tx)
	}
	rec.Txs[0].State = keeper.TxSent
	if err := b.recs.Save(rec); err != nil {
		t.Fatalf("new leader's write: %v", err)
	}
	stale := NewStore(dial(t, c), "/lpops-test/", func() (string, int64, bool) { return key, rev, true }, 3*time.Second)
	if err := keeper.NewRecordsOn(stale).Save(signedRecord(11, 43)); !errors.Is(err, ErrFenced) {
		t.Fatalf("old leader's write after the takeover: %v, want ErrFenced", err)
	}
}

// TestStepDownHandsOver: a resigning leader hands over at once (no lease
// to wait out), and campaigns again behind the new leader.
func TestStepDownHandsOver(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to campaign", func() bool { return len(b.node.Status().Members) == 2 })
	ok, err := a.node.StepDown(context.Background())
	if !ok || err != nil {
		t.Fatalf("StepDown = %v, %v", ok, err)
	}
	waitLeader(t, b)
	testenv.WaitFor(t, 10*time.Second, "a to follow b", func() bool {
		s := a.node.Status()
		return s.Role == RoleFollower && s.Leader == "b" && len(s.Members) == 2
	})
	if ok, _ := a.node.StepDown(context.Background()); ok {
		t.Error("a follower's StepDown reports it resigned")
	}
}

// TestMemberLossAndQuorum: one member killed changes nothing; two killed
// (no quorum) refuse every write and report the quorum lost; the members
// back, writes resume.
func TestMemberLossAndQuorum(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	c.Kill(2)
	// When the killed member was etcd's own raft leader, a write made
	// during the re-election (election timeout 500 ms here) times out
	// ("request timed out, possibly due to previous leader failure"), as the
	// keeper's would, to be retried on its next tick: the write must go
	// through once etcd has a leader again, with lpops' leadership intact.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := a.recs.Save(signedRecord(12, 1))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("write with one member down: %v", err)
		}
	}
	if !a.node.Leading() {
		t.Fatal("one member down ended the leadership")
	}
	c.Kill(1)
	err := a.recs.Save(signedRecord(12, 2))
	if err == nil {
		t.Fatal("a write succeeded without quorum")
	}
	testenv.WaitFor(t, 20*time.Second, "quorum lost in status, leadership ended", func() bool {
		s := a.node.Status()
		return !s.Quorum && !a.node.Leading()
	})
	if err := a.recs.Save(signedRecord(12, 3)); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("write without quorum after the lease ran out: %v, want ErrNotLeader", err)
	}
	c.Restart(1)
	c.Restart(2)
	c.WaitHealthy(0)
	waitLeader(t, a)
	if err := a.recs.Save(signedRecord(12, 4)); err != nil {
		t.Fatalf("write after quorum returned: %v", err)
	}
	rec, err := a.recs.Load(orch, 12)
	if err != nil || rec == nil || rec.Txs[0].Nonce != 4 {
		t.Fatalf("record = %+v, %v; want nonce 4", rec, err)
	}
}

// TestStoreScanAndMove: Scan pages in key order both ways and stops when
// asked; Move sets bytes aside unchanged (the keeper's quarantine).
func TestStoreScanAndMove(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	for r := uint64(1); r <= 70; r++ {
		if err := a.recs.Save(&keeper.Record{Orchestrator: orch, Round: r, State: keeper.StateDone}); err != nil {
			t.Fatal(err)
		}
	}
	recent, err := a.recs.Recent(orch, 40)
	if err != nil || len(recent) != 40 || recent[0].Round != 70 || recent[39].Round != 31 {
		t.Fatalf("Recent(40) = %d records (first %v), %v; want rounds 70..31", len(recent), recent, err)
	}
	var n int
	var prev []byte
	err = a.store.Scan("keeper.rounds", orch.Bytes(), false, func(k, _ []byte) bool {
		if prev != nil && string(k) <= string(prev) {
			t.Errorf("keys out of order: %x after %x", k, prev)
		}
		prev = append(prev[:0], k...)
		n++
		return true
	})
	if err != nil || n != 70 {
		t.Fatalf("Scan saw %d keys, %v; want 70", n, err)
	}
	key := store.Uint64Key(orch.Bytes(), 5)
	if err := a.store.Move("keeper.rounds", key, "keeper.rounds.quarantine"); err != nil {
		t.Fatal(err)
	}
	if err := a.store.Move("keeper.rounds", key, "keeper.rounds.quarantine"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Move: %v, want ErrNotFound", err)
	}
	var r keeper.Record
	if err := a.store.Get("keeper.rounds.quarantine", key, &r); err != nil || r.Round != 5 {
		t.Fatalf("moved record = %+v, %v", r, err)
	}
}

// TestStepDownAPI: the route needs the bearer token; with it, the leader
// resigns and another instance leads.
func TestStepDownAPI(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	b := start(t, c, "b")
	testenv.WaitFor(t, 10*time.Second, "b to campaign", func() bool { return len(b.node.Status().Members) == 2 })
	const token = "0123456789abcdef0123456789abcdef"
	mux := http.NewServeMux()
	mux.Handle(PathStepDown, StepDownHandler(a.node, token))
	mux.Handle("POST /off", StepDownHandler(a.node, ""))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	post := func(path, auth string) (int, StepDownDoc) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc StepDownDoc
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, doc
	}
	if code, doc := post("/off", "Bearer "+token); code != http.StatusForbidden || doc.SteppedDown {
		t.Errorf("without api.token_file: %d %+v; want 403", code, doc)
	}
	if code, _ := post("/api/v1/ha/step-down", ""); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d; want 401", code)
	}
	if code, _ := post("/api/v1/ha/step-down", "Bearer wrong"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d; want 401", code)
	}
	if !a.node.Leading() {
		t.Fatal("a refused request changed the leader")
	}
	code, doc := post("/api/v1/ha/step-down", "Bearer "+token)
	if code != http.StatusOK || !doc.SteppedDown || doc.Name != "a" {
		t.Fatalf("step-down: %d %+v; want 200, stepped down", code, doc)
	}
	waitLeader(t, b)
	if code, doc := post("/api/v1/ha/step-down", "Bearer "+token); code != http.StatusOK || doc.SteppedDown {
		t.Errorf("step-down of a follower: %d %+v; want 200, not stepped down", code, doc)
	}
}

// TestProbeLeaderMissing: the cluster answers, nobody campaigns: after a
// lease TTL the probe raises HALeaderMissing; once an instance leads it
// resolves. HAQuorumLost stays quiet throughout.
func TestProbeLeaderMissing(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	n := NewNode(dial(t, c), Options{Prefix: "/lpops-test/", Name: "watcher", TTL: testTTL})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go n.watch(ctx) // watching only: it does not campaign
	p := NewProbe(n)
	firing := func(name string) bool {
		for _, o := range p.Check(ctx).Observations {
			if o.Name == AlertHAQuorumLost && o.Firing {
				t.Errorf("HAQuorumLost fires with the cluster up: %s", o.Description)
			}
			if o.Name == name && o.Firing {
				return true
			}
		}
		return false
	}
	testenv.WaitFor(t, 20*time.Second, "HALeaderMissing to fire", func() bool { return firing(AlertHALeaderMissing) })
	a := start(t, c, "a")
	waitLeader(t, a)
	testenv.WaitFor(t, 20*time.Second, "HALeaderMissing to resolve", func() bool { return !firing(AlertHALeaderMissing) })
	if s := n.Status(); s.Leader != "a" || s.Role != RoleFollower {
		t.Errorf("watcher sees leader %q, role %s; want a, follower", s.Leader, s.Role)
	}
}
