package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// memStore is the engine's Store in memory, so a fuzz run costs no fsync.
// Scan visits keys in order, as bbolt does.
type memStore struct{ b map[string]map[string][]byte }

var _ Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{b: map[string]map[string][]byte{}} }

func (m *memStore) putRaw(bucket string, key, v []byte) {
	if m.b[bucket] == nil {
		m.b[bucket] = map[string][]byte{}
	}
	m.b[bucket][string(key)] = append([]byte(nil), v...)
}

func (m *memStore) Put(bucket string, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m.putRaw(bucket, key, b)
	return nil
}

func (m *memStore) Get(bucket string, key []byte, v any) error {
	b, ok := m.b[bucket][string(key)]
	if !ok {
		return store.ErrNotFound
	}
	return json.Unmarshal(b, v)
}

func (m *memStore) Delete(bucket string, key []byte) error {
	delete(m.b[bucket], string(key))
	return nil
}

func (m *memStore) Scan(bucket string, prefix []byte, reverse bool, fn func(key, val []byte) bool) error {
	var keys []string
	for k := range m.b[bucket] {
		if strings.HasPrefix(k, string(prefix)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if reverse {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
	for _, k := range keys {
		if !fn([]byte(k), m.b[bucket][k]) {
			break
		}
	}
	return nil
}

// fuzzChannel accepts notifications, or refuses them while down.
type fuzzChannel struct {
	down bool
	got  []notify.Notification
}

func (c *fuzzChannel) Name() string { return "ops" }
func (c *fuzzChannel) Type() string { return "webhook" }
func (c *fuzzChannel) Notify(_ context.Context, n notify.Notification) error {
	if c.down {
		return errors.New("connection refused")
	}
	c.got = append(c.got, n)
	return nil
}

// persistedRecords runs an engine through a firing alert, a silence and a
// channel outage, and returns what it persisted: real state, silence and
// outbox records to seed the fuzzer with.
func persistedRecords(f *testing.F) (state, silences, outbox [][]byte) {
	st, clock, ch := newMemStore(), newClock(), &fuzzChannel{down: true}
	e, err := New(Options{Store: st, Notifiers: []notify.Notifier{ch}, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	e.Observe(Observation{Name: "RewardMissed", Labels: map[string]string{"orchestrator": "0x570e1b321d9359007a7df39c8038b32b4fc366d7"},
		Severity: Critical, Firing: true, Summary: "Reward was not called in round 3", Description: "round 3 ended unrewarded", Provides: "chain"})
	e.Observe(Observation{Name: "NodeDown", Labels: map[string]string{}, Severity: Warning, Firing: true,
		Summary: "The go-livepeer node's CLI API does not answer", Requires: "node"})
	if _, err := e.AddSilence(Silence{Matchers: []Matcher{{Name: "alertname", Value: "NodeDown"}},
		Until: clock.Now().Add(time.Hour), Comment: "maintenance", CreatedBy: "api"}); err != nil {
		f.Fatal(err)
	}
	e.Deliver(context.Background())
	clock.Advance(2 * time.Minute)
	e.Observe(Observation{Name: "RewardMissed", Labels: map[string]string{"orchestrator": "0x570e1b321d9359007a7df39c8038b32b4fc366d7"}})
	e.Deliver(context.Background())
	all := func(bucket string) [][]byte {
		var out [][]byte
		_ = st.Scan(bucket, nil, false, func(_, v []byte) bool { out = append(out, v); return true })
		if len(out) == 0 {
			f.Fatalf("the engine persisted nothing in %s", bucket)
		}
		return out
	}
	return all(bucketState), all(bucketSilence), all(bucketOutbox + ch.Name())
}

// FuzzEngineState starts the alert engine on arbitrary persisted records
// (an alert's state, a silence, an outbox entry), seeded with records a real
// engine wrote, then drives it through observations, time and deliveries.
// An unreadable record must not keep it from starting; it must not panic;
// every notification it delivers has an id and a status; its document
// (/api/v1/alerts) must encode.
func FuzzEngineState(f *testing.F) {
	state, silences, outbox := persistedRecords(f)
	for i := range max(len(state), len(silences), len(outbox)) {
		f.Add(state[i%len(state)], silences[i%len(silences)], outbox[i%len(outbox)])
	}
	f.Add([]byte(`{"fingerprint":"x","labels":null,"last_notified":{"ops":"2026-03-01T12:00:00Z"},"pending":{"notification":{},"channels":["ops","gone"]}}`),
		[]byte(`{"id":"s","matchers":[],"until":"9999-12-31T23:59:59Z"}`), []byte(`{"id":1,"notification":null}`))
	f.Add([]byte(`null`), []byte(`null`), []byte(`null`))

	f.Fuzz(func(t *testing.T, stateRec, silenceRec, outboxRec []byte) {
		st, clock, ch := newMemStore(), newClock(), &fuzzChannel{}
		st.putRaw(bucketState, []byte("fp"), stateRec)
		st.putRaw(bucketSilence, []byte("sid"), silenceRec)
		st.putRaw(bucketOutbox+ch.Name(), store.Uint64Key(nil, 1), outboxRec)
		e, err := New(Options{Store: st, Notifiers: []notify.Notifier{ch}, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatalf("one unreadable record kept the engine from starting: %v", err)
		}
		var a Alert
		_ = json.Unmarshal(stateRec, &a)
		obs := Observation{Name: a.Name, Labels: a.Labels, Severity: Critical, Firing: true, Summary: "fuzz"}
		if obs.Name == "" {
			obs.Name = "RewardMissed"
		}
		for _, step := range []func(){
			func() { e.Deliver(context.Background()) },
			func() { e.Observe(obs) },
			func() { clock.Advance(5 * time.Hour); e.Evaluate(); e.Deliver(context.Background()) },
			func() { obs.Firing = false; e.Observe(obs); e.Deliver(context.Background()) },
			func() { clock.Advance(48 * time.Hour); e.Evaluate() },
		} {
			step()
			if _, err := json.Marshal(e.Doc()); err != nil {
				t.Fatalf("the alerts document does not encode: %v", err)
			}
		}
		for _, n := range ch.got {
			if n.ID == "" || n.Status == "" {
				t.Fatalf("delivered a notification without an id or status: %+v", n)
			}
		}
		if _, err := e.DeadLetters(10); err != nil {
			t.Fatalf("dead letters: %v", err)
		}
		// What the engine persisted it can read back.
		for bucket, recs := range st.b {
			for k, v := range recs {
				if (k == "fp" && bytes.Equal(v, stateRec)) || (k == "sid" && bytes.Equal(v, silenceRec)) ||
					strings.HasPrefix(bucket, bucketOutbox) && bytes.Equal(v, outboxRec) {
					continue // the input itself, untouched
				}
				if !json.Valid(v) {
					t.Fatalf("persisted invalid JSON in %s/%x: %q", bucket, k, v)
				}
			}
		}
	})
}
