package ha

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/store"
)

// ErrNotLeader is returned by a write while this instance does not lead.
var ErrNotLeader = errors.New("not the ha leader: writes are the leader's")

// ErrFenced is returned by a write that etcd refused because this
// instance's leadership ended (its lease expired or was revoked, it
// resigned): another instance may lead now.
var ErrFenced = errors.New("fenced: this instance's leadership ended (its election key is gone), write refused")

// Fence is the leadership a write is made under: this instance's election
// key and the create revision it had when the instance won. ok is false
// while the instance does not lead.
type Fence func() (key string, rev int64, ok bool)

// Store keeps the keeper's round records in etcd under <prefix>records/,
// every write fenced by the leadership (see the package documentation).
// It implements keeper.Backend.
type Store struct {
	cli     *clientv3.Client
	prefix  string
	fence   Fence
	timeout time.Duration
}

var (
	_ keeper.Backend    = (*Store)(nil)
	_ alert.SharedStore = (*Store)(nil)
)

// scanPage is how many keys one range read of Scan returns.
const scanPage = 32

// NewStore returns the etcd store of records under prefix. timeout bounds
// each request (a cluster without quorum does not answer).
func NewStore(cli *clientv3.Client, prefix string, fence Fence, timeout time.Duration) *Store {
	return &Store{cli: cli, prefix: prefix + "records/", fence: fence, timeout: timeout}
}

// NewAlertStore returns the etcd store of the alert engine's shared state
// (alert state, outboxes, dead letters) under <prefix>alerts/, every write
// fenced like the records'. It implements alert.SharedStore: only the
// leader queues or marks a notification delivered.
func NewAlertStore(cli *clientv3.Client, prefix string, fence Fence, timeout time.Duration) *Store {
	return &Store{cli: cli, prefix: prefix + "alerts/", fence: fence, timeout: timeout}
}

// key is bucket/hex(k): hex keeps the byte order of keys, so prefix scans
// and their order are the embedded store's.
func (s *Store) key(bucket string, k []byte) string {
	return s.prefix + bucket + "/" + hex.EncodeToString(k)
}

func (s *Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

// Get decodes the record at bucket/key into v.
func (s *Store) Get(bucket string, key []byte, v any) error {
	ctx, cancel := s.ctx()
	defer cancel()
	resp, err := s.cli.Get(ctx, s.key(bucket, key))
	if err != nil {
		return fmt.Errorf("etcd get %s record %x: %w", bucket, key, err)
	}
	if len(resp.Kvs) == 0 {
		return store.ErrNotFound
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, v); err != nil {
		return fmt.Errorf("decode %s record %x: %w: %w", bucket, key, store.ErrCorrupt, err)
	}
	return nil
}

// Put stores v under bucket/key, fenced.
func (s *Store) Put(bucket string, key []byte, v any) error {
	return s.PutAll(store.Entry{Bucket: bucket, Key: key, Value: v})
}

// PutAll stores every entry in one etcd transaction, fenced: all of them
// or none, and none once this instance no longer leads.
func (s *Store) PutAll(entries ...store.Entry) error {
	ops := make([]clientv3.Op, len(entries))
	for i, e := range entries {
		b, err := json.Marshal(e.Value)
		if err != nil {
			return fmt.Errorf("encode %s record: %w", e.Bucket, err)
		}
		ops[i] = clientv3.OpPut(s.key(e.Bucket, e.Key), string(b))
	}
	return s.fenced(nil, ops...)
}

// Delete removes the record at bucket/key, fenced. An absent key is no
// error.
func (s *Store) Delete(bucket string, key []byte) error {
	return s.fenced(nil, clientv3.OpDelete(s.key(bucket, key)))
}

// CheckLeader reports whether a write made now would be accepted: nil while
// this instance leads according to etcd itself (one fenced transaction that
// writes nothing), ErrNotLeader or ErrFenced otherwise.
func (s *Store) CheckLeader() error { return s.fenced(nil) }

// fenced commits ops if this instance still leads and every extra
// comparison holds.
func (s *Store) fenced(extra []clientv3.Cmp, ops ...clientv3.Op) error {
	key, rev, ok := s.fence()
	if !ok {
		return ErrNotLeader
	}
	ctx, cancel := s.ctx()
	defer cancel()
	cmps := append([]clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(key), "=", rev)}, extra...)
	resp, err := s.cli.Txn(ctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		return fmt.Errorf("etcd write: %w", err)
	}
	if !resp.Succeeded {
		if len(extra) > 0 {
			// Tell a lost leadership from a changed key.
			if _, _, still := s.fence(); still && s.leads(key, rev) {
				return errConflict
			}
		}
		return ErrFenced
	}
	return nil
}

var errConflict = errors.New("the key changed under this write")

// leads reads whether the election key still has the revision.
func (s *Store) leads(key string, rev int64) bool {
	ctx, cancel := s.ctx()
	defer cancel()
	resp, err := s.cli.Get(ctx, key)
	return err == nil && len(resp.Kvs) == 1 && resp.Kvs[0].CreateRevision == rev
}

// Move moves the bytes at from/key, unchanged, to the bucket to, in one
// fenced transaction that also checks the bytes did not change meanwhile.
func (s *Store) Move(from string, key []byte, to string) error {
	ctx, cancel := s.ctx()
	resp, err := s.cli.Get(ctx, s.key(from, key))
	cancel()
	if err != nil {
		return fmt.Errorf("etcd get %s record %x: %w", from, key, err)
	}
	if len(resp.Kvs) == 0 {
		return store.ErrNotFound
	}
	kv := resp.Kvs[0]
	err = s.fenced([]clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(string(kv.Key)), "=", kv.ModRevision)},
		clientv3.OpPut(s.key(to, key), string(kv.Value)), clientv3.OpDelete(string(kv.Key)))
	if errors.Is(err, errConflict) {
		return fmt.Errorf("move %s record %x: %w", from, key, err)
	}
	return err
}

// Scan calls fn for every record of bucket whose key starts with prefix, in
// key order (reverse: newest first), a page at a time; fn returns false to
// stop.
func (s *Store) Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error {
	base := s.prefix + bucket + "/"
	start := base + hex.EncodeToString(prefix)
	end := clientv3.GetPrefixRangeEnd(start)
	order := clientv3.SortAscend
	if reverse {
		order = clientv3.SortDescend
	}
	for {
		ctx, cancel := s.ctx()
		resp, err := s.cli.Get(ctx, start, clientv3.WithRange(end), clientv3.WithLimit(scanPage),
			clientv3.WithSort(clientv3.SortByKey, order))
		cancel()
		if err != nil {
			return fmt.Errorf("etcd scan %s: %w", bucket, err)
		}
		for _, kv := range resp.Kvs {
			k, err := hex.DecodeString(string(kv.Key[len(base):]))
			if err != nil {
				continue // not a key Store wrote
			}
			if !fn(k, kv.Value) {
				return nil
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return nil
		}
		last := string(resp.Kvs[len(resp.Kvs)-1].Key)
		if reverse {
			end = last // exclusive
		} else {
			start = last + "\x00"
		}
	}
}
