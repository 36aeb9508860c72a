package ha

import (
	"context"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// noFence is the leadership of a reader: none, so every write of a
// read-only store is refused with ErrNotLeader before it reaches etcd.
// RoleReader is the role of a command that reads etcd and takes no part
// in the election.
const RoleReader = "reader"

func noFence() (string, int64, bool) { return "", 0, false }

// NewReadOnlyStore returns the store of records under prefix for commands
// that only look (lpops rounds, lpops status without a daemon): Get and
// Scan read etcd; every write is refused with ErrNotLeader.
func NewReadOnlyStore(cli *clientv3.Client, prefix string, timeout time.Duration) *Store {
	return NewStore(cli, prefix, noFence, timeout)
}

// Look reads, once, who leads the election under prefix and who campaigns,
// as the election decides (the lowest create revision leads). It reads
// only: it campaigns for nothing and takes no lease. name is the looking
// instance's name (ha.name); its role is RoleReader. An error names the
// endpoints.
func Look(ctx context.Context, cli *clientv3.Client, prefix, name string, timeout time.Duration) (Status, error) {
	s := Status{Name: name, Role: RoleUnknown, Members: []Member{}}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := cli.Get(ctx, prefix+"election/", clientv3.WithPrefix(),
		clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	if err != nil {
		return s, fmt.Errorf("ha: the etcd cluster (%s) did not answer: %w", strings.Join(cli.Endpoints(), ", "), err)
	}
	s.Quorum, s.LastOK = true, time.Now()
	for i, kv := range resp.Kvs {
		if i == 0 {
			s.Leader = string(kv.Value)
			if kv.Lease != 0 {
				if ttl, err := cli.TimeToLive(ctx, clientv3.LeaseID(kv.Lease)); err == nil && ttl.TTL > 0 {
					s.LeaseTTL, s.LeaseLeftS = ttl.GrantedTTL, float64(ttl.TTL)
				}
			}
		}
		s.Members = append(s.Members, Member{Name: string(kv.Value), Leader: i == 0})
	}
	s.Role = RoleReader
	return s, nil
}
