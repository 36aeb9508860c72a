package alert

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/store"
)

// countingChannel accepts notifications and counts them; past limit it
// refuses, so a delivery loop that never ends turns into a failed test.
type countingChannel struct {
	limit int
	got   []notify.Notification
}

func (c *countingChannel) Name() string { return "ops" }
func (c *countingChannel) Type() string { return "test" }
func (c *countingChannel) Notify(_ context.Context, n notify.Notification) error {
	c.got = append(c.got, n)
	if len(c.got) > c.limit {
		return errors.New("enough")
	}
	return nil
}

// An outbox entry whose stored id disagrees with its key (a torn or edited
// state file) is delivered once and removed. Acknowledged by the id inside
// it, it stayed at the head of the outbox and was sent again and again in a
// tight loop. Found by FuzzEngineState.
func TestOutboxEntryWithAStrayIDIsDeliveredOnce(t *testing.T) {
	ch := &countingChannel{limit: 5}
	h := newHarness(t, nil)
	ent := outboxEntry{ID: 7, QueuedAt: h.clock.Now(), Notification: notify.Notification{ID: "n1", Status: "firing", Alertname: "RewardMissed"}}
	if err := h.st.Put(bucketOutbox+ch.Name(), store.Uint64Key(nil, 1), ent); err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Store: h.st, Notifiers: []notify.Notifier{ch}, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.Deliver(context.Background())
	h.clock.Advance(time.Hour)
	e.Deliver(context.Background())
	if len(ch.got) != 1 {
		t.Fatalf("delivered %d times, want once", len(ch.got))
	}
	if p := e.Doc().Channels[0].Pending; p != 0 {
		t.Errorf("%d still pending", p)
	}
}

// An outbox entry that holds no notification (a JSON null, or an empty
// pending intent read back from the state) is dropped as unreadable, not
// sent to the channel as a blank message. Found by FuzzEngineState.
func TestOutboxEntryWithoutNotificationIsNotSent(t *testing.T) {
	for _, raw := range []any{nil, outboxEntry{ID: 1}} {
		ch := &countingChannel{limit: 5}
		h := newHarness(t, nil)
		if err := h.st.Put(bucketOutbox+ch.Name(), store.Uint64Key(nil, 1), raw); err != nil {
			t.Fatal(err)
		}
		e, err := New(Options{Store: h.st, Notifiers: []notify.Notifier{ch}, Now: h.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		e.Deliver(context.Background())
		if len(ch.got) != 0 {
			t.Errorf("entry %#v: sent %+v", raw, ch.got)
		}
		if p := e.Doc().Channels[0].Pending; p != 0 {
			t.Errorf("entry %#v: %d still pending", raw, p)
		}
	}
}
