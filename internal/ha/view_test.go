package ha

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/testenv"
)

// TestReadOnlyView: a command's read-only view (NewReadOnlyStore, Look)
// reads the records the leader wrote and who leads, and changes nothing in
// etcd: its writes are refused before they are sent, and the cluster's
// revision and the election's candidates are what they were.
func TestReadOnlyView(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	a := start(t, c, "a")
	waitLeader(t, a)
	for r := uint64(10); r < 13; r++ {
		if err := a.recs.Save(signedRecord(r, r)); err != nil {
			t.Fatal(err)
		}
	}
	cli := dial(t, c)
	before := revision(t, cli)

	s, err := Look(t.Context(), cli, "/lpops-test/", "reader-host", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s.Leader != "a" || s.Role != RoleReader || s.Name != "reader-host" || len(s.Members) != 1 || !s.Quorum {
		t.Errorf("look = %+v; want leader a, role reader, one member", s)
	}
	ro := keeper.NewRecordsOn(NewReadOnlyStore(cli, "/lpops-test/", 3*time.Second))
	recs, err := ro.Recent(orch, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Round != 12 || recs[1].Round != 11 {
		t.Fatalf("recent = %+v; want rounds 12, 11", recs)
	}
	if err := ro.Save(signedRecord(13, 1)); !errors.Is(err, ErrNotLeader) {
		t.Errorf("read-only save: %v, want ErrNotLeader", err)
	}
	if after := revision(t, cli); after != before {
		t.Errorf("etcd revision %d after the read-only view, %d before: it wrote", after, before)
	}
}

// TestLookUnreachable: a cluster that does not answer is an error naming
// its endpoints.
func TestLookUnreachable(t *testing.T) {
	ep := fmt.Sprintf("http://127.0.0.1:%d", testenv.FreePort(t))
	cli, err := Dial(config.HA{Endpoints: []string{ep}})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := Look(t.Context(), cli, "/lpops-test/", "x", time.Second); err == nil || !strings.Contains(err.Error(), ep) {
		t.Fatalf("look at a dead endpoint: %v; want an error naming %s", err, ep)
	}
}

func revision(t *testing.T, cli *clientv3.Client) int64 {
	t.Helper()
	resp, err := cli.Get(t.Context(), "/lpops-test/", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}
