// Package alert is lpops' alert engine: it turns the probes' observations
// into alert state and tells the operator once, on the channels they use,
// and again until the condition is fixed.
//
// # State
//
// An alert is keyed by its fingerprint, a hash of its name and sorted labels,
// so the same condition on the same object is one alert however often it is
// observed. It carries its severity, status (firing or resolved), the start
// of its firing episode (StartsAt), when it was last seen and when it ended,
// its summary and description, how many firing notifications were queued in
// the episode and when each channel was last notified. A firing observation
// creates or updates it; a non-firing one resolves it. A condition never
// observed firing has no state at all.
//
// # Persistence order
//
// Every change is written to the store (bucket alert.state, one fsync)
// before any notification for it is queued, and the write that records a
// notification also holds the notification itself (an intent): the state
// and the promise to notify are one atomic record. The notification is then
// appended to each channel's outbox, and the intent is cleared. All of this
// happens under one lock that the delivery loops also take to read the head
// of an outbox, so a delivery never sees a notification whose intent is still
// open. A crash anywhere in the sequence is repaired at start-up: an open
// intent is appended to the outboxes that lack it (none of them can have
// delivered it), so a restart neither loses a notification nor queues one
// twice. An alert firing across a restart keeps its StartsAt, repeat count
// and last-notified times, so it is not announced again as new, and its
// resolved notice still goes out when it resolves (Tenderduty #65 lost this
// state on restart).
//
// # Notifications
//
// A firing alert is notified when first seen, then again every repeat
// interval of its severity (Tenderduty #81 never repeated), at once when its
// severity rises, and at once when a silence on it ends. Its resolved notice
// goes to the channels that got its firing notices, and only if they did.
// Channels receive the severities they route (config.Channel's severities).
//
// Inhibition: an alert that Provides a source ("chain", "node") and fires
// inhibits the alerts that Require that source. They are kept, marked
// inhibited, and not notified (nor resolved-notified if never notified);
// the outage alert itself is notified, so the operator hears "the chain is
// unreadable" rather than a wall of consequences. When the source recovers,
// an inhibited alert resumes only once it is observed firing again after the
// recovery: the observation that kept it firing may have been made while the
// source was down. It then follows the usual rules (first notice if it never
// had one, otherwise at its next repeat).
//
// Silences mute every alert their matchers (alertname and labels, by
// equality) all match, until they expire. A silenced alert sends nothing,
// resolved notices included; when the silence expires or is removed, a
// still-firing alert is notified at once and a resolved one that was
// notified gets its resolved notice. Silences added over the API are
// persisted (bucket alert.silence); configured ones live in the
// configuration. Expired silences are deleted.
//
// # Outboxes and delivery
//
// Each channel has a persisted queue (bucket alert.outbox.<channel>) keyed by
// an increasing id. One loop per channel sends the head entry, and deletes
// it only after the channel accepted it; on failure it waits (10 s, doubling,
// capped by MaxBackoff, and never less than the Retry-After the service
// answered, up to MaxRetryAfter) and retries the same entry, so a channel
// that is down for an hour receives everything afterwards, in order.
// Channels are independent: one that is down delays no other.
//
// A notification the channel rejects for good (notify.Permanent: an HTTP 4xx
// other than 408, 425 and 429, an SMTP 5xx) MaxRejections times in a row
// would block its channel forever. It is moved instead to the channel's dead
// letters (bucket alert.deadletter.<channel>, written before the outbox entry
// is deleted, never deleted by lpops), counted in
// lpops_alert_dead_letters_total and logged with the service's answer
// (secrets removed), and the channel goes on with its next entry. The engine
// raises its own alert, NotificationRejected{channel}, routed to every other
// channel (never to the one that rejects) and resolved when that channel
// accepts a notification again. Doc lists the newest dead letters. The count
// of rejections lives in memory: after a restart an entry gets
// MaxRejections more attempts.
//
// One dead letter per failure: once an entry is moved, a second entry
// rejected for good before the channel accepts anything says the channel
// rejects everything (a revoked webhook, a wrong token, a deleted chat), so
// the fault is its configuration, not the notifications. That entry and the
// rest stay queued, retried with backoff, and go out in order once the
// configuration is fixed, rather than all draining into the dead letters.
//
// Delivery is at least once, not exactly once. The entry is deleted right
// after the channel accepts it; a crash between the two sends it again after
// the restart. Exactly once would need the receiver to take part in a
// transaction, which HTTP webhooks and chat APIs cannot; instead every
// notification carries a stable ID (fingerprint, starts_at, status, repeat),
// the same on every attempt, for receivers that must dedupe. The window is
// one store write long.
//
// An outbox holds at most MaxPending entries; beyond it the oldest is dropped
// and counted (lpops_alert_notifications_total{result="dropped"}), so a
// channel that is gone for good cannot fill the disk.
//
// # High availability
//
// With Options.Shared (HA mode), the state, outboxes, dead letters and
// silences of every alert but the Local ones live in a SharedStore (etcd,
// internal/ha) that only the leader may write, each write fenced by its
// leadership. Every instance applies its own observations, so its API,
// page and metrics show the alerts, but a follower neither persists nor
// queues them, and its delivery loops send only its local outboxes. Lead
// (called when the instance starts leading) loads the shared state and
// outboxes as the previous leader left them, re-applies this instance's
// newest observation of each alert, and queues what is then due; an open
// intent read back is completed against the shared outboxes, as after a
// restart. Before each send from a shared outbox the leader asks the store
// whether it still leads (CheckLeader); the delete after the channel
// accepted is a fenced write. The one notification that can go out twice
// is the one sent when the leadership ended before its delete: the next
// leader finds it queued and sends it again, same ID. Local alerts (the
// HA alerts, which fire when nobody can lead) stay in Store and are sent
// by each instance from its local outbox, leader or not; a channel sends
// its local outbox first.
//
// # Dead-man's switch
//
// lpops cannot report its own death, so an external service (healthchecks.io
// and the like) expects a GET on a heartbeat URL every interval. lpops pings
// it while no unsilenced, uninhibited critical alert fires, the daemon
// reports itself healthy, and no channel with queued notifications has been
// failing for longer than the interval; otherwise it stops pinging and the
// external service raises the alarm.
//
// # Clock and tests
//
// The clock is injected (Options.Now). Evaluate (repeats, silence expiry,
// retention), Deliver (one delivery pass) and Heartbeat (one ping decision)
// are the steps Run repeats, so tests drive hours of alerting in
// microseconds with a fake clock.
package alert
