package backup

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/testenv"
)

// TestLeaseHolder runs restore's HA check against a real 3-member etcd
// cluster: nobody leads → nil; an instance of the orchestrator leads → an
// ErrLiveSigner naming it and its lease; the leader gone → nil again; an
// unreachable cluster → ErrLeaseUnknown.
func TestLeaseHolder(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	h := config.DefaultHA()
	h.Endpoints = c.Endpoints
	h.KeyPrefix = "/lpops-restore/"
	ctx := context.Background()

	l, err := LeaseHolder(ctx, h, 10*time.Second)
	if err != nil || l.Leader != "" {
		t.Fatalf("no instance running: %+v, %v; want no leader and no error", l, err)
	}

	cli, err := ha.Dial(h)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	node := ha.NewNode(cli, ha.Options{Prefix: h.KeyPrefix, Name: "old-host", TTL: 2 * time.Second})
	nctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = node.Run(nctx) }()
	defer func() { stop(); <-done }()
	testenv.WaitFor(t, 20*time.Second, "old-host to lead", node.Leading)

	// Another orchestrator's prefix is not this one's election.
	other := h
	other.KeyPrefix = "/lpops-other/"
	if _, err := LeaseHolder(ctx, other, 10*time.Second); err != nil {
		t.Fatalf("another prefix: %v, want nil", err)
	}

	l, err = LeaseHolder(ctx, h, 10*time.Second)
	if !errors.Is(err, ErrLiveSigner) {
		t.Fatalf("with a leader: %+v, %v; want ErrLiveSigner", l, err)
	}
	key, _, _ := node.Fence()
	if l.Leader != "old-host" || l.Key != key || l.Lease == "" || l.Lease == "0" || l.GrantedTTL != 2 {
		t.Fatalf("leadership = %+v; want old-host on key %s with a 2 s lease", l, key)
	}
	for _, want := range []string{`"old-host"`, "lease " + l.Lease, key} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}

	// The leader stops (it resigns): the check passes again.
	stop()
	<-done
	if _, err := LeaseHolder(ctx, h, 10*time.Second); err != nil {
		t.Fatalf("after the leader resigned: %v, want nil", err)
	}

	// A cluster that does not answer is not a cluster without a leader.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	down := h
	down.Endpoints = []string{dead}
	_, err = LeaseHolder(ctx, down, 2*time.Second)
	if !errors.Is(err, ErrLeaseUnknown) || errors.Is(err, ErrLiveSigner) || !strings.Contains(err.Error(), dead) {
		t.Fatalf("unreachable cluster: %v; want ErrLeaseUnknown naming %s", err, dead)
	}
	// Credentials missing on this host: unknown too, naming the key.
	missing := h
	missing.Auth = config.HAAuth{Username: "lpops", PasswordFile: t.TempDir() + "/absent"}
	_, err = LeaseHolder(ctx, missing, 2*time.Second)
	if !errors.Is(err, ErrLeaseUnknown) || !strings.Contains(err.Error(), "ha.auth.password_file") {
		t.Fatalf("missing password file: %v; want ErrLeaseUnknown naming ha.auth.password_file", err)
	}
}
