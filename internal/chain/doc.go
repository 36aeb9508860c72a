// Package chain is lpops' connection to the chain: a Pool of JSON-RPC
// endpoints (http, https, ws, wss or an IPC path) that reads with failover,
// broadcasts transactions to every healthy endpoint, and reports each
// endpoint's health as status and as Prometheus metrics.
//
// # Piggybacked health
//
// lpops reads the chain on a slow cadence, and operators pay per request, so
// the Pool does not poll an endpoint it is already talking to. Every BatchCall
// (Call is a one-element batch) appends eth_getBlockByNumber("latest", false)
// to the caller's batch: one keeper read is one HTTP round trip, and its answer
// also carries the endpoint's newest head. Only number, hash, timestamp and
// baseFeePerGas are decoded, so Arbitrum's extra block fields do not matter.
// A round trip to an endpoint whose chain id is not yet known, or which is not
// currently healthy, also carries eth_chainId; such a round trip is a full
// health check. Endpoints that no traffic reached within
// Options.HealthInterval are checked by Run with one [eth_chainId,
// eth_getBlockByNumber] batch each; CheckHealth checks every endpoint now, and
// Dial does so once so that the first read already knows which endpoints work.
//
// # Health
//
// An endpoint is healthy when all of these hold:
//
//   - it answered eth_chainId with Options.ChainID (an endpoint on another
//     chain is never sent a read or a transaction; only health checks reach it);
//   - its head, when last observed, was at most Options.MaxHeadAge old, measured
//     from the block timestamp to the (injectable) clock at observation time;
//   - its head, when last observed, was at most Options.MaxLagBlocks behind the
//     highest head recorded for any endpoint on the right chain;
//   - its last three round trips did not all fail. A failure is anything that
//     lost the whole round trip: connection refused, timeout, any non-2xx HTTP
//     status (429 and 5xx included), a malformed body, or a batch whose every
//     element failed, the Pool's own head read included. An endpoint that
//     reached three such failures stays unhealthy until a round trip that
//     carries eth_chainId (a health check) succeeds;
//   - with Options.MaxErrorRate set, no more than that share of its last 32
//     round trips failed, judged once it has made at least 16 of them. This
//     catches an endpoint that fails every other request and so never fails
//     three in a row: it is demoted behind healthier endpoints, and still
//     used when none is healthy. Its window is cleared when it recovers from
//     three failures in a row (the outage was judged by that rule); a demoted
//     endpoint, reached only by health checks, recovers once enough of them
//     succeed to bring the rate under the maximum.
//
// Head age and lag are judged when an observation is made, not against the
// wall clock later: a standby checked once per HealthInterval is not stale
// merely because nobody looked at it since. A health check of several
// endpoints applies its observations together, so their lags compare heads
// read at the same moment.
//
// # Selection and failover
//
// The active endpoint is the first healthy one in configuration order, so
// lpops returns to the operator's preferred endpoint as soon as it recovers.
// BatchCall tries the healthy endpoints in order, then the unhealthy ones that
// are not on the wrong chain, each at most once. It moves to the next endpoint
// when a round trip fails as above, or when the piggybacked head shows that a
// healthy endpoint has just gone stale or fallen behind (its answer would be
// stale data). A JSON-RPC error on one element, such as "execution reverted",
// is the node's answer, not a failure: it stays in that element's Error.
// When no endpoint is healthy the Pool still answers from the first one that
// responds (or from the stale answer it set aside); only when every endpoint
// fails does it return an error wrapping ErrNoEndpoint and the last cause.
//
// Broadcast sends eth_sendRawTransaction concurrently to every healthy
// endpoint (to every endpoint on the right chain when none is healthy) and
// succeeds when any accepts it or reports it already known. Rejections are
// classified by ClassifyTxError into sentinel errors callers branch on. A
// rejection is reported only when every endpoint answered: next to a lost
// answer (a timeout, a dropped connection; not a refused one) the
// transaction may be in that endpoint's pool, and Broadcast returns
// ErrOutcomeUnknown instead, which matches no rejection.
//
// # Secrets
//
// Provider URLs embed API keys, so the URL never leaves an endpoint: logs,
// metric labels, errors and status name the endpoint by EndpointConfig.Name,
// which defaults to scheme://host[:port] (userinfo, path and query stripped)
// or "ipc:<basename>" for an IPC path. Errors from net/http quote the URL;
// the Pool replaces it with the name before recording or returning them.
//
// # Metrics
//
// With Options.Registerer set, the Pool exports, labelled by endpoint name:
// lpops_rpc_requests_total and lpops_rpc_errors_total by JSON-RPC method
// (each batch element counts, the piggybacked reads included; an error is a
// lost round trip or a JSON-RPC error answer), lpops_rpc_http_requests_total
// (round trips: a batch counts once), lpops_rpc_request_duration_seconds per
// round trip (method is the caller's method for one call, "batch" for a
// batch, "health_check" for a check), and the gauges lpops_rpc_endpoint_up,
// _active, _head_block, _head_age_seconds and _head_lag_blocks. Health
// returns the same facts in-process for "lpops status".
package chain
