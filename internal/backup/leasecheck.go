package backup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
)

// ErrLeaseUnknown is wrapped by LeaseHolder's error when the etcd cluster
// of ha: cannot be asked who leads (unreachable, no quorum, credentials
// missing on this host): restore cannot tell that no instance signs, so it
// refuses as it does for ErrLiveSigner.
var ErrLeaseUnknown = errors.New("cannot tell whether another instance holds the leadership")

// Leadership is who holds an orchestrator's election in etcd.
type Leadership struct {
	// Prefix is the election's key prefix (ha.key_prefix + "election/").
	Prefix string
	// Leader is the leading instance's name (ha.name); empty if nobody leads.
	Leader string
	// Key is the leader's election key, Lease its etcd lease (hex, as
	// etcdctl prints it), TTL the seconds left on it and GrantedTTL its
	// full length.
	Key        string
	Lease      string
	TTL        int64
	GrantedTTL int64
	// Candidates is how many instances campaign, the leader included.
	Candidates int
}

// String says who leads, or that nobody does.
func (l Leadership) String() string {
	if l.Leader == "" {
		return fmt.Sprintf("no instance holds the leadership (%s: %d candidate(s))", l.Prefix, l.Candidates)
	}
	return fmt.Sprintf("instance %q holds the leadership (key %s, lease %s, %d s of its %d s left, renewed while it runs; %d candidate(s))",
		l.Leader, l.Key, l.Lease, l.TTL, l.GrantedTTL, l.Candidates)
}

// LeaseHolder asks the etcd cluster of h (dialled as the daemon dials it:
// TLS and the password from h's files) who holds the orchestrator's
// leadership, as the election itself decides: the candidate key with the
// lowest create revision under the election prefix. It reads only; it
// campaigns for nothing and takes no lease. A leader is an error wrapping
// ErrLiveSigner; a cluster that does not answer within timeout, or that
// cannot be dialled, is an error wrapping ErrLeaseUnknown.
func LeaseHolder(ctx context.Context, h config.HA, timeout time.Duration) (Leadership, error) {
	l := Leadership{Prefix: ha.NewNode(nil, ha.Options{Prefix: h.KeyPrefix}).ElectionPrefix()}
	cli, err := ha.Dial(h)
	if err != nil {
		return l, fmt.Errorf("%w: %v", ErrLeaseUnknown, err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := cli.Get(ctx, l.Prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	if err != nil {
		return l, fmt.Errorf("%w: the etcd cluster (%s) did not answer: %v", ErrLeaseUnknown, strings.Join(h.Endpoints, ", "), err)
	}
	l.Candidates = len(resp.Kvs)
	if len(resp.Kvs) == 0 {
		return l, nil
	}
	kv := resp.Kvs[0]
	l.Leader, l.Key, l.Lease = string(kv.Value), string(kv.Key), fmt.Sprintf("%x", kv.Lease)
	if kv.Lease != 0 {
		if ttl, err := cli.TimeToLive(ctx, clientv3.LeaseID(kv.Lease)); err == nil {
			l.TTL, l.GrantedTTL = ttl.TTL, ttl.GrantedTTL
		}
	}
	return l, fmt.Errorf("%w: %s", ErrLiveSigner, l)
}
