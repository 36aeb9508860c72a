package alert

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/notify"
)

// webhookReceiver is an HTTP receiver behind lpops' real webhook channel:
// answer decides the status and headers of each request.
type webhookReceiver struct {
	srv    *httptest.Server
	answer func(alertname string, attempt int, h http.Header) int

	mu       sync.Mutex
	attempts map[string]int
	accepted []string
}

func newWebhookReceiver(t *testing.T, answer func(alertname string, attempt int, h http.Header) int) *webhookReceiver {
	t.Helper()
	r := &webhookReceiver{answer: answer, attempts: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var n struct {
			Status    string `json:"status"`
			Alertname string `json:"alertname"`
		}
		if err := json.Unmarshal(body, &n); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.attempts[n.Alertname]++
		code := r.answer(n.Alertname, r.attempts[n.Alertname], w.Header())
		if code/100 == 2 {
			r.accepted = append(r.accepted, n.Status+" "+n.Alertname)
		}
		r.mu.Unlock()
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"error":"nope"}`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *webhookReceiver) notifier(t *testing.T) notify.Notifier {
	t.Helper()
	n, err := notify.New(config.Channel{Name: "hook", Type: "webhook", URL: r.srv.URL + "/hook?token=s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *webhookReceiver) tries(alertname string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts[alertname]
}

func (r *webhookReceiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.accepted...)
}

// A receiver that answers 400 to one notification: after max_rejections
// attempts it becomes a dead letter, kept in the store; the channel goes on
// with the next notification; NotificationRejected goes to the other channel
// only, and resolves once the channel accepts one again.
func TestDeadLetter(t *testing.T) {
	rcv := newWebhookReceiver(t, func(alertname string, _ int, _ http.Header) int {
		if alertname == "Broken" {
			return http.StatusBadRequest
		}
		return http.StatusOK
	})
	hook := rcv.notifier(t)
	other := &recorder{name: "other"}
	h := newHarness(t, func(o *Options) {
		o.Notifiers = append([]notify.Notifier{hook}, o.Notifiers...)
		o.MaxRejections = 3
	}, other)

	h.observe(firing("Broken", Warning))
	h.observe(firing("Fine", Warning))
	if n := rcv.tries("Broken"); n != 1 {
		t.Fatalf("%d attempts of Broken, want 1", n)
	}
	if n := rcv.tries("Fine"); n != 0 {
		t.Fatalf("Fine sent before Broken was settled (%d attempts)", n)
	}
	h.step(10 * time.Second) // second rejection; backoff 20 s
	h.step(20 * time.Second) // third: a dead letter, and Fine goes at once
	if n := rcv.tries("Broken"); n != 3 {
		t.Fatalf("%d attempts of Broken, want 3 (max_rejections)", n)
	}
	if g := rcv.got(); strings.Join(g, ",") != "firing Fine" {
		t.Fatalf("hook accepted %v, want [firing Fine]", g)
	}
	want(t, other, "firing Broken 0", "firing Fine 0", "firing NotificationRejected 0", "resolved NotificationRejected 1")
	rej := other.notifications()[2]
	if rej.Labels["channel"] != "hook" || !strings.Contains(rej.Description, "HTTP 400") ||
		!strings.Contains(rej.Description, "rejected the firing notification of Broken") {
		t.Errorf("NotificationRejected %+v", rej)
	}
	if strings.Contains(rej.Description, "s3cr3t") {
		t.Errorf("NotificationRejected shows the channel's URL token: %q", rej.Description)
	}
	if n := rcv.tries("NotificationRejected"); n != 0 {
		t.Errorf("NotificationRejected sent %d times to the channel that rejects", n)
	}
	if got := value(t, h.e.m.deadLetters.WithLabelValues("hook")); got != 1 {
		t.Errorf("lpops_alert_dead_letters_total = %v, want 1", got)
	}
	check := func(when string) {
		t.Helper()
		d := h.e.Doc()
		if st := d.Channels[0]; st.Name != "hook" || st.Pending != 0 || st.DeadLetters != 1 {
			t.Fatalf("%s: channel status %+v, want nothing pending and 1 dead letter", when, st)
		}
		if len(d.DeadLetters) != 1 {
			t.Fatalf("%s: dead letters %+v, want 1", when, d.DeadLetters)
		}
		dl := d.DeadLetters[0]
		if dl.Channel != "hook" || dl.Notification.Alertname != "Broken" || dl.Attempts != 3 ||
			!strings.Contains(dl.Error, "HTTP 400") || strings.Contains(dl.Error, "s3cr3t") {
			t.Fatalf("%s: dead letter %+v", when, dl)
		}
	}
	check("before the restart")

	// Nothing lost: the dead letter stays in the store across a restart, and
	// new notifications get fresh outbox ids.
	h.restart()
	check("after the restart")
	h.observe(firing("Later", Warning))
	if g := rcv.got(); strings.Join(g, ",") != "firing Fine,firing Later" {
		t.Fatalf("hook accepted %v after the restart", g)
	}
	check("after a new notification")
}

// A channel that rejects every notification (a revoked webhook answering
// 410) has a broken configuration, not broken notifications: one entry
// becomes a dead letter, the rest stay queued, retried with backoff, and go
// out in order once the channel accepts again; nothing is lost.
func TestChannelRejectingEverythingKeepsItsOutbox(t *testing.T) {
	var mu sync.Mutex
	revoked := true
	rcv := newWebhookReceiver(t, func(string, int, http.Header) int {
		mu.Lock()
		defer mu.Unlock()
		if revoked {
			return http.StatusGone
		}
		return http.StatusOK
	})
	other := &recorder{name: "other"}
	h := newHarness(t, func(o *Options) {
		o.Notifiers = append([]notify.Notifier{rcv.notifier(t)}, o.Notifiers...)
		o.MaxRejections = 2
	}, other)
	for _, name := range []string{"First", "Second", "Third"} {
		h.observe(firing(name, Warning))
	}
	for range 12 { // far more attempts than max_rejections for each entry
		h.step(DefaultMaxBackoff)
	}
	d := h.e.Doc()
	if len(d.DeadLetters) != 1 || d.DeadLetters[0].Notification.Alertname != "First" || d.Channels[0].Pending != 2 {
		t.Fatalf("dead letters %v, channel %+v; want First dead-lettered and Second, Third still queued", d.DeadLetters, d.Channels[0])
	}
	if rcv.tries("Second") < 3 || rcv.tries("Third") != 0 {
		t.Fatalf("attempts: Second %d, Third %d; want Second retried, Third waiting behind it", rcv.tries("Second"), rcv.tries("Third"))
	}
	mu.Lock()
	revoked = false // the operator fixed the webhook
	mu.Unlock()
	h.step(DefaultMaxBackoff)
	if g := rcv.got(); strings.Join(g, ",") != "firing Second,firing Third" {
		t.Fatalf("after the fix the channel accepted %v, want Second then Third", g)
	}
	if d := h.e.Doc(); d.Channels[0].Pending != 0 || len(d.DeadLetters) != 1 {
		t.Fatalf("after the fix: %+v, dead letters %d", d.Channels[0], len(d.DeadLetters))
	}
}

// A temporary failure in between does not reset nor add to the count; a
// rejection is not retried faster than the usual backoff.
func TestDeadLetterCountsOnlyPermanentAnswers(t *testing.T) {
	rcv := newWebhookReceiver(t, func(_ string, attempt int, _ http.Header) int {
		if attempt%2 == 0 {
			return http.StatusBadGateway
		}
		return http.StatusGone
	})
	h := newHarness(t, func(o *Options) { o.Notifiers = []notify.Notifier{rcv.notifier(t)}; o.MaxRejections = 2 })
	h.observe(firing("Broken", Warning)) // 410
	h.step(10 * time.Second)             // 502
	if d := h.e.Doc(); d.Channels[0].Pending != 1 || len(d.DeadLetters) != 0 {
		t.Fatalf("after one rejection and one server error: %+v, dead letters %v", d.Channels[0], d.DeadLetters)
	}
	h.step(20 * time.Second) // 410: the second rejection
	if d := h.e.Doc(); d.Channels[0].Pending != 0 || len(d.DeadLetters) != 1 {
		t.Fatalf("after two rejections: %+v, dead letters %v", d.Channels[0], d.DeadLetters)
	}
}

// A 429 with Retry-After: the channel is not asked again before the service
// said, however short the backoff; a Retry-After shorter than the backoff
// does not shorten it, and one beyond MaxRetryAfter is bounded.
func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		Name       string
		RetryAfter string
		Wait       time.Duration
	}{
		{"LongerThanBackoff", "120", 2 * time.Minute},
		{"ShorterThanBackoff", "1", DefaultMinBackoff},
		{"NoRetryAfter", "", DefaultMinBackoff},
		{"BoundedByMaxRetryAfter", "86400", MaxRetryAfter},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			rcv := newWebhookReceiver(t, func(_ string, attempt int, hdr http.Header) int {
				if attempt == 1 {
					if tc.RetryAfter != "" {
						hdr.Set("Retry-After", tc.RetryAfter)
					}
					return http.StatusTooManyRequests
				}
				return http.StatusOK
			})
			h := newHarness(t, func(o *Options) { o.Notifiers = []notify.Notifier{rcv.notifier(t)} })
			start := h.clock.Now()
			h.observe(firing("NodeDown", Warning)) // repeats every 4 h: none within the wait
			st := h.e.Doc().Channels[0]
			if !st.NextAttempt.Equal(start.Add(tc.Wait)) {
				t.Fatalf("next attempt %s after the 429, want %s", st.NextAttempt.Sub(start), tc.Wait)
			}
			h.step(tc.Wait - time.Second)
			if n := rcv.tries("NodeDown"); n != 1 {
				t.Fatalf("%d attempts %s after a 429 asking for %s, want 1", n, tc.Wait-time.Second, tc.Wait)
			}
			h.step(time.Second)
			if g := rcv.got(); strings.Join(g, ",") != "firing NodeDown" {
				t.Fatalf("accepted %v once the wait was over", g)
			}
			if d := h.e.Doc(); len(d.DeadLetters) != 0 {
				t.Fatalf("a rate limit made a dead letter: %v", d.DeadLetters)
			}
		})
	}
}
