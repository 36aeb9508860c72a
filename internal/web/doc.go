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
// Options.Public makes the page safe to show to anyone; the daemon serves
// such a Handler on its own listener, api.public_listen, while `listen`
// keeps the API, the metrics and the full page (see api.NewPublic).
// Filtering happens on the server, by allowlist: every /ui/ document is
// encoded, decoded into a generic JSON tree and copied through a shape
// (public.go) that names each field the public page may show and the form
// its value must have (a lower-case word, an identifier, a plain label, a
// decimal, a time, a number). Everything else is dropped, so the JSON the
// browser receives never holds what it must not show, and no query
// parameter or client-side switch can change that:
//
//   - free text is never kept: errors, reasons, probe evidence, command
//     output, alert summaries and labels, silences, not_ready_reason;
//   - the accounts (the orchestrator, the signer, the reward caller, every
//     address among the ETH balances) become their role, "[orchestrator]",
//     "[signer]", "[reward caller]", "[account]"; transaction and block
//     hashes are dropped;
//   - names the operator chose (endpoints, runbooks, channels) are kept
//     only when they are plain labels (letters, digits, '-', '_'): a name
//     with a dot, a colon or a slash could be a hostname, an IP address or a
//     path, and an endpoint or channel is then shown as "endpoint 2";
//   - a remediation action is shown by its runbook, type, outcome and
//     times: a step's name defaults to its type and target.
//
// A field added to a document later is therefore hidden from the public
// page until it is added to its shape.
package web
