// Package notify delivers alert notifications to the channels operators use:
// a generic webhook, Slack, Discord, Telegram, PagerDuty, email and
// Prometheus Alertmanager, each speaking the service's documented wire format.
//
// New and NewAll build a Notifier from a config.Channel, reading its secrets
// (webhook URLs, tokens, keys, passwords) from files or environment variables
// once, at start-up. A Notifier sends one Notification per call and does not
// retry: the alert engine's outbox keeps what failed and tries again, backing
// off at least RetryAfter(err) when the service said how long to wait. An
// HTTP answer outside 2xx is a *StatusError; StatusError.Temporary tells a
// rate limit or server error from a rejected request.
//
// # Routes
//
// A channel receives the severities in its severities key (all by default).
// Notify sends nothing, and returns nil, for any other severity; Receives
// lets the outbox skip queueing it at all.
//
// # Secrets
//
// Slack and Discord webhook URLs are their token, Telegram's token is part of
// the request path, and a webhook or Alertmanager URL may carry one in its
// query. No error or log line from this package shows more of a URL than its
// scheme and host, errors from the HTTP client are stripped of the URL they
// quote, and any secret a service echoes back is cut out of its answer.
// Requests do not follow redirects, so a body and its signature only ever go
// where the configuration says.
//
// # Generic webhook
//
// POST to url with Content-Type application/json and a WebhookPayload body:
//
//	{
//	  "version": "1",
//	  "id": "<per notification>", "dedup_key": "<same as id>",
//	  "status": "firing" | "resolved",
//	  "alertname": "RewardMissed", "severity": "critical",
//	  "fingerprint": "<stable per alert>", "labels": {"orchestrator": "0x…"},
//	  "summary": "…", "description": "…",
//	  "starts_at": "2026-03-01T18:00:00Z", "ends_at": null | "<RFC 3339>",
//	  "repeat": 0,
//	  "sent_at": "2026-03-01T18:00:05Z"
//	}
//
// id (and dedup_key) is the same on every delivery attempt of one
// notification: delivery is at least once, so a receiver that must act once
// drops an id it has seen. fingerprint is shared by the firing, repeated and
// resolved notifications of one alert. Any 2xx answer accepts the
// notification.
//
// Signature scheme. When the channel has a secret (secret_file or
// secret_env), the request carries
//
//	X-Lpops-Signature: sha256=<hex of HMAC-SHA256(secret, raw request body)>
//
// the scheme of GitHub's X-Hub-Signature-256
// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
// A receiver computes the HMAC of the body bytes exactly as received, before
// parsing them, and compares in constant time (VerifySignature does both).
// Every request also carries X-Lpops-Timestamp, the Unix time it was sent.
// The signature covers the body only; the body's sent_at holds the same
// instant, so a receiver that wants to refuse replays checks that the
// signature verifies and that sent_at is recent (a few minutes), and then
// that the id is new. The header is a convenience for logging and for
// dropping stale requests before reading the body; do not trust it alone.
//
// # Slack, Discord, Telegram, PagerDuty, email, Alertmanager
//
// Each type's documentation (Slack, Discord, Telegram, PagerDuty, Email,
// Alertmanager) gives its wire format and the documents it follows. The
// human-facing ones share one headline, in Alertmanager's default style:
// "[FIRING:critical] RewardMissed: <summary>" (RESOLVED once it ends), the
// labels, the start (and end) time, the repeat count and the fingerprint;
// colors run red (critical), amber (warning), blue (info), green (resolved).
package notify
