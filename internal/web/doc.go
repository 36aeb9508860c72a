// Package web is lpops' status page: one HTML page, a stylesheet and a
// script, embedded in the binary (no CDN, no web fonts, no build step), so
// the page works on a host with no internet and on a phone.
//
// # Routes
//
// A Handler serves
//
//	GET /                  the page
//	GET /assets/...        its stylesheet and script
//	GET /ui/status.json    the /api/v1/status document
//	GET /ui/rounds.json    the /api/v1/rounds document (?limit=N, default 30)
//	GET /ui/alerts.json    the /api/v1/alerts document; 404 without an alert engine
//	GET /ui/actions.json   recent remediation actions; 404 until lpops has them
//
// The page reads only the /ui/ documents, which the Handler builds from Go
// interfaces (Source, AlertSource, ActionSource), never from the API's
// routes. The script re-reads them every 10 s and draws the round history
// as inline SVG. A document that answers 404 hides its section (alerts,
// actions); a failed status read keeps the last data on screen under a
// banner. When the keeper cannot read the chain, the banner says so
// ("chain unreadable — not a missed round") rather than letting the page
// look like a missed round.
//
// # Public mode
//
// Options.Public makes the page safe to show to anyone. Redaction happens
// on the server: every /ui/ document is encoded, decoded into a generic
// JSON tree and rewritten before it is written, so the JSON the browser
// receives never holds what it must not show, and no query parameter or
// client-side switch can turn redaction off:
//
//   - the accounts of the status document (the orchestrator, the signer,
//     the reward caller, and every address among the ETH balances) are
//     replaced by their role, "[orchestrator]", "[signer]", "[reward caller]",
//     in values, in object keys and inside sentences;
//   - every other 20-byte 0x-address except the zero address, every 32-byte
//     0x-hash (transactions, blocks) and every URL (endpoint and webhook
//     errors can quote one) is replaced by "[address]", "[hash]", "[url]".
//
// The rewrite is by pattern, not by field, so a field added to the status
// document later is covered without touching this package. The /api/v1/
// routes serve the unredacted documents; a public Handler therefore reports
// Public() == true, and api.(*Server).EnableUI then serves only the page,
// its /ui/ documents and /healthz on that listener.
package web
