package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
)

// ErrNoEndpoint is returned, wrapped with the last endpoint's error, when no
// endpoint could answer.
var ErrNoEndpoint = errors.New("no healthy rpc endpoint")

// errClosed is returned by calls on a closed Pool.
var errClosed = errors.New("rpc pool is closed")

// Defaults for zero Options fields.
const (
	DefaultRequestTimeout = 10 * time.Second
	DefaultHealthInterval = 30 * time.Second
)

// Options tunes a Pool. Zero durations take the defaults above, except
// MaxHeadAge and MaxLagBlocks where zero disables the check.
type Options struct {
	// ChainID is the chain every endpoint must serve; required.
	ChainID uint64
	// RequestTimeout bounds each round trip to one endpoint, so a failover
	// within one BatchCall may take up to RequestTimeout per endpoint.
	RequestTimeout time.Duration
	// HealthInterval is how often Run checks endpoints that no traffic has
	// reached in that time.
	HealthInterval time.Duration
	// RecheckInterval is how often Run checks an endpoint whose last round
	// trip failed, so that its recovery is seen (and OnRecover called)
	// within this long of it answering again, whoever else uses the Pool;
	// zero means HealthInterval. The daemon sets chain.active_poll_interval.
	RecheckInterval time.Duration
	// MaxHeadAge marks an endpoint unhealthy when its newest block was older
	// than this when observed.
	MaxHeadAge time.Duration
	// MaxLagBlocks marks an endpoint unhealthy when its head was more than
	// this many blocks behind the best endpoint's when observed.
	MaxLagBlocks uint64
	// MaxErrorRate marks an endpoint unhealthy when more than this share
	// (0 to 1) of its recent round trips failed, judged once it has at least
	// minErrorSamples of them; zero disables the check.
	MaxErrorRate float64
	// Now is the clock head ages are measured with; nil means time.Now.
	Now func() time.Time
	// Logger receives failover and recovery transitions; nil discards them.
	Logger *slog.Logger
	// Registerer receives the lpops_rpc_* metrics; nil means no metrics.
	Registerer prometheus.Registerer
}

// Head is an endpoint's newest block as the Pool last saw it.
type Head struct {
	Number     uint64      `json:"number"`
	Hash       common.Hash `json:"hash"`
	Time       time.Time   `json:"time"`                   // block timestamp
	BaseFee    *big.Int    `json:"base_fee_wei,omitempty"` // nil on chains without EIP-1559
	ObservedAt time.Time   `json:"observed_at"`            // when the Pool read it (Options.Now)
	// Raw is the endpoint's answer to the head read,
	// eth_getBlockByNumber("latest", false), as it sent it: the read
	// scheduler answers that same call of a consumer in the same round trip
	// from it. Not to be modified.
	Raw json.RawMessage `json:"-"`
}

// Pool is a set of JSON-RPC endpoints for one chain. It is safe for
// concurrent use. See the package documentation for how it chooses.
type Pool struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics
	eps     []*endpoint

	mu     sync.Mutex
	active *endpoint // first healthy endpoint, nil when none
	closed bool
	// recovered is set when an endpoint answered after failed round trips
	// or became healthy again; notifyRecovered calls onRecover for it.
	recovered bool
	onRecover []func()
	done      chan struct{} // closed by Close
}

// Dial builds a Pool and checks every endpoint once (bounded by ctx and
// Options.RequestTimeout). An endpoint that is down or on the wrong chain is
// not an error, only unhealthy; Dial fails only on malformed configuration.
// Its errors name endpoints by index and name, never by URL.
func Dial(ctx context.Context, eps []EndpointConfig, opts Options) (*Pool, error) {
	if len(eps) == 0 {
		return nil, errors.New("no rpc endpoints configured")
	}
	if opts.ChainID == 0 {
		return nil, errors.New("chain id is required")
	}
	if opts.RequestTimeout < 0 || opts.HealthInterval < 0 || opts.MaxHeadAge < 0 {
		return nil, errors.New("rpc timeouts and intervals must not be negative")
	}
	if opts.MaxErrorRate < 0 || opts.MaxErrorRate > 1 {
		return nil, fmt.Errorf("max error rate %g is not between 0 and 1", opts.MaxErrorRate)
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.HealthInterval == 0 {
		opts.HealthInterval = DefaultHealthInterval
	}
	if opts.RecheckInterval <= 0 || opts.RecheckInterval > opts.HealthInterval {
		opts.RecheckInterval = opts.HealthInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Pool{
		opts: opts,
		log:  opts.Logger.With("component", "chain"),
		done: make(chan struct{}),
	}
	names := make(map[string]int, len(eps))
	for i, cfg := range eps {
		ep, err := newEndpoint(i, cfg)
		if err != nil {
			return nil, fmt.Errorf("rpc endpoint %d (%s): %w", i, cfg.Name, err)
		}
		if j, dup := names[ep.name]; dup {
			return nil, fmt.Errorf("rpc endpoints %d and %d are both named %q: set distinct names", j, i, ep.name)
		}
		names[ep.name] = i
		ep.reason = "not checked yet"
		p.eps = append(p.eps, ep)
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	p.metrics = m
	for _, ep := range p.eps {
		p.metrics.initEndpoint(ep.name)
		if ep.kind == "http" {
			// Creating an HTTP client sends nothing, so it cannot fail on a
			// down endpoint; ws and IPC dial lazily in endpoint.conn.
			if _, err := ep.conn(ctx); err != nil {
				return nil, fmt.Errorf("rpc endpoint %d (%s): %w", ep.index, ep.name, ep.redact(err))
			}
		}
	}
	p.CheckHealth(ctx)
	return p, nil
}

// Close releases the endpoints' connections and stops Run. Calls after Close
// fail.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	for _, ep := range p.eps {
		ep.close()
	}
}

// Call sends one JSON-RPC call as a one-element BatchCall, so it gets the same
// failover and piggybacked head. A JSON-RPC error answer (such as a revert)
// is returned as is, as an rpc.Error.
func (p *Pool) Call(ctx context.Context, result any, method string, args ...any) error {
	b := []rpc.BatchElem{{Method: method, Args: args, Result: result}}
	if err := p.BatchCall(ctx, b); err != nil {
		return err
	}
	return b[0].Error
}

// BatchCall sends b in one round trip, with the Pool's own head read (and
// eth_chainId where needed) appended, to the first endpoint that answers:
// healthy endpoints in configuration order, then unhealthy ones not on the
// wrong chain, each at most once. Per-element JSON-RPC errors are left in
// elem.Error as go-ethereum's BatchCallContext does; the returned error means
// no endpoint answered, and then b's results are untouched.
func (p *Pool) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	if len(b) == 0 {
		return nil
	}
	_, err := p.BatchCallHead(ctx, b)
	return err
}

// BatchCallHead is BatchCall that also returns the head the answering
// endpoint reported in the same round trip (its piggybacked head read; zero
// when that read failed), for the read scheduler, which answers its
// consumers' eth_blockNumber from it instead of sending one. An empty b
// still makes the round trip.
func (p *Pool) BatchCallHead(ctx context.Context, b []rpc.BatchElem) (Head, error) {
	label := "batch"
	switch len(b) {
	case 0:
		label = "head"
	case 1:
		label = b[0].Method
	}
	cands, err := p.candidates()
	if err != nil {
		return Head{}, err
	}
	var (
		fallback     *answer
		fallbackHead Head
		lastErr      error
	)
	for _, c := range cands {
		if fallback != nil && !c.wasHealthy {
			// A healthy endpoint went stale under us; its answer is no worse
			// than one from an endpoint already known to be unhealthy.
			break
		}
		ans, obs, err := p.exchangeObs(ctx, c.ep, b, label)
		var head Head
		if err == nil && obs.headOK {
			head = obs.head
		}
		if err != nil {
			if ctx.Err() != nil {
				return Head{}, fmt.Errorf("rpc %s: %w", label, ctx.Err())
			}
			lastErr = err
			continue
		}
		healthy, wrongChain, reason := p.verdict(c.ep)
		switch {
		case healthy:
			return head, ans.deliver(b)
		case wrongChain:
			lastErr = fmt.Errorf("%s: %s", c.ep.name, reason)
		case c.wasHealthy:
			// The piggybacked head shows this endpoint just went stale or
			// fell behind: prefer a healthy endpoint's answer if one exists.
			if fallback == nil {
				fallback, fallbackHead = ans, head
			}
			lastErr = fmt.Errorf("%s: %s", c.ep.name, reason)
		default:
			// No healthy endpoint is left: an unhealthy one's answer is the
			// best there is.
			return head, ans.deliver(b)
		}
	}
	if fallback != nil {
		return fallbackHead, fallback.deliver(b)
	}
	if lastErr == nil {
		lastErr = errors.New("every endpoint is on the wrong chain")
	}
	return Head{}, fmt.Errorf("rpc %s: %w: %w", label, ErrNoEndpoint, lastErr)
}

// Head returns the newest head seen on the active endpoint, or the highest
// head of any endpoint on the right chain when none is active. Its zero value
// means no head has been seen.
func (p *Pool) Head() Head {
	p.mu.Lock()
	defer p.mu.Unlock()
	var h Head
	if p.active != nil && p.active.headKnown {
		h = p.active.head
	} else {
		for _, ep := range p.eps {
			if ep.headKnown && p.rightChain(ep) && ep.head.Number >= h.Number {
				h = ep.head
			}
		}
	}
	if h.BaseFee != nil {
		h.BaseFee = new(big.Int).Set(h.BaseFee)
	}
	return h
}

type candidate struct {
	ep         *endpoint
	wasHealthy bool
}

// candidates orders the endpoints a call may use: healthy ones in
// configuration order, then the unhealthy ones not known to be on another
// chain.
func (p *Pool) candidates() ([]candidate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errClosed
	}
	out := make([]candidate, 0, len(p.eps))
	for _, ep := range p.eps {
		if ep.healthy {
			out = append(out, candidate{ep: ep, wasHealthy: true})
		}
	}
	for _, ep := range p.eps {
		if !ep.healthy && p.rightChain(ep) {
			out = append(out, candidate{ep: ep})
		}
	}
	return out, nil
}

// rightChain reports whether ep is not known to serve another chain.
// Callers hold p.mu.
func (p *Pool) rightChain(ep *endpoint) bool {
	return !ep.chainKnown || ep.chainID == p.opts.ChainID
}

func (p *Pool) verdict(ep *endpoint) (healthy, wrongChain bool, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ep.healthy, !p.rightChain(ep), ep.reason
}

// answer holds one endpoint's raw answers to the caller's elements until the
// Pool decides to use them.
type answer struct {
	raws []json.RawMessage
	errs []error
}

func (a *answer) deliver(b []rpc.BatchElem) error {
	for i := range b {
		b[i].Error = a.errs[i]
		if a.errs[i] == nil && b[i].Result != nil {
			b[i].Error = json.Unmarshal(a.raws[i], b[i].Result)
		}
	}
	return nil
}

// rpcHeader decodes only the block fields the Pool uses, so chains that add
// fields (Arbitrum's l1BlockNumber, sendRoot, ...) decode the same.
type rpcHeader struct {
	Number    *hexutil.Big    `json:"number"`
	Hash      common.Hash     `json:"hash"`
	Timestamp *hexutil.Uint64 `json:"timestamp"`
	BaseFee   *hexutil.Big    `json:"baseFeePerGas"`
}

// observation is what one round trip taught about an endpoint.
type observation struct {
	at         time.Time
	err        error // the round trip failed (already redacted)
	askedChain bool
	chainID    uint64
	chainOK    bool
	head       Head
	headOK     bool
	headErr    error
}

// exchange sends user to ep with the piggybacked reads and applies what it
// observed. ep is asked its chain id when that is unknown or ep is not
// healthy, which makes the round trip a health check.
func (p *Pool) exchange(ctx context.Context, ep *endpoint, user []rpc.BatchElem, label string) (*answer, error) {
	ans, _, err := p.exchangeObs(ctx, ep, user, label)
	return ans, err
}

// exchangeObs is exchange that also returns what the round trip observed.
func (p *Pool) exchangeObs(ctx context.Context, ep *endpoint, user []rpc.BatchElem, label string) (*answer, observation, error) {
	p.mu.Lock()
	askChain := !ep.chainKnown || !ep.healthy
	p.mu.Unlock()
	ans, obs := p.roundTrip(ctx, ep, user, askChain, label)
	if obs.err != nil && ctx.Err() != nil {
		// The caller gave up; that says nothing about the endpoint.
		return nil, obs, obs.err
	}
	p.mu.Lock()
	p.apply(ep, obs)
	p.computeLag(ep)
	events := p.refresh()
	p.mu.Unlock()
	p.emit(events)
	p.notifyRecovered()
	if obs.err != nil {
		return nil, obs, fmt.Errorf("%s: %w", ep.name, obs.err)
	}
	return ans, obs, nil
}

// ErrUnknownEndpoint is returned by BatchCallTo for a name no endpoint has.
var ErrUnknownEndpoint = errors.New("no rpc endpoint of that name")

// BatchCallTo sends b to the endpoint named name only, never failing over:
// for the read scheduler's per-endpoint reads (the RPC probe's), which must
// attribute an answer, or its absence, to one endpoint. Like BatchCall it
// appends the Pool's own head read (and eth_chainId where the endpoint is
// not known healthy), so the round trip is also that endpoint's health
// check, and it returns the head the endpoint reported in it. The error says
// the round trip failed, or its head read did; then b is untouched. An empty
// b still sends the head read.
func (p *Pool) BatchCallTo(ctx context.Context, name string, b []rpc.BatchElem) (Head, error) {
	p.mu.Lock()
	closed := p.closed
	var ep *endpoint
	for _, e := range p.eps {
		if e.name == name {
			ep = e
		}
	}
	p.mu.Unlock()
	switch {
	case closed:
		return Head{}, errClosed
	case ep == nil:
		return Head{}, fmt.Errorf("%w: %q", ErrUnknownEndpoint, name)
	}
	label := "batch"
	if len(b) == 1 {
		label = b[0].Method
	} else if len(b) == 0 {
		label = "health_check"
	}
	ans, obs, err := p.exchangeObs(ctx, ep, b, label)
	if err != nil {
		return Head{}, err
	}
	if !obs.headOK {
		return Head{}, fmt.Errorf("%s: eth_getBlockByNumber: %w", ep.name, obs.headErr)
	}
	h := obs.head
	if h.BaseFee != nil {
		h.BaseFee = new(big.Int).Set(h.BaseFee)
	}
	return h, ans.deliver(b)
}

// roundTrip sends one batch: user's elements, then eth_getBlockByNumber, then
// eth_chainId if askChain. It records metrics but not endpoint state.
func (p *Pool) roundTrip(ctx context.Context, ep *endpoint, user []rpc.BatchElem, askChain bool, label string) (*answer, observation) {
	ans := &answer{raws: make([]json.RawMessage, len(user)), errs: make([]error, len(user))}
	elems := make([]rpc.BatchElem, 0, len(user)+2)
	for i, e := range user {
		elems = append(elems, rpc.BatchElem{Method: e.Method, Args: e.Args, Result: &ans.raws[i]})
	}
	var hdrRaw json.RawMessage
	elems = append(elems, rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &hdrRaw})
	var chainID hexutil.Uint64
	if askChain {
		elems = append(elems, rpc.BatchElem{Method: "eth_chainId", Result: &chainID})
	}

	rctx, cancel := context.WithTimeout(ctx, p.opts.RequestTimeout)
	defer cancel()
	start := time.Now()
	client, err := ep.conn(rctx)
	if err == nil {
		err = client.BatchCallContext(rctx, elems)
		p.metrics.roundTrip(ep.name, label, time.Since(start))
	}
	obs := observation{at: p.opts.Now(), askedChain: askChain}
	if err == nil {
		err = wholeBatchError(elems)
	}
	p.metrics.calls(ep.name, elems, err != nil)
	if err != nil {
		obs.err = ep.redact(err)
		return nil, obs
	}

	for i := range user {
		ans.errs[i] = ep.redact(elems[i].Error)
	}
	headElem := elems[len(user)]
	var hdr *rpcHeader
	headErr := headElem.Error
	if headErr == nil {
		if err := json.Unmarshal(hdrRaw, &hdr); err != nil {
			headErr = fmt.Errorf("decode latest block: %w", err)
		}
	}
	obs.head, obs.headErr = decodeHead(hdr, headErr)
	if obs.headErr == nil {
		obs.head.Raw = hdrRaw
	}
	obs.headErr = ep.redact(obs.headErr)
	obs.head.ObservedAt = obs.at
	obs.headOK = obs.headErr == nil
	if askChain {
		ce := elems[len(user)+1]
		obs.chainID, obs.chainOK = uint64(chainID), ce.Error == nil
		if !obs.chainOK {
			obs.err = fmt.Errorf("eth_chainId: %w", ep.redact(ce.Error))
		} else if !obs.headOK {
			obs.err = fmt.Errorf("eth_getBlockByNumber: %w", obs.headErr)
		}
	}
	return ans, obs
}

// wholeBatchError treats a batch in which every element failed, the Pool's
// own head read included, as a failed round trip: providers answer rate
// limits and bad keys that way with HTTP 200.
func wholeBatchError(elems []rpc.BatchElem) error {
	for _, e := range elems {
		if e.Error == nil {
			return nil
		}
	}
	return fmt.Errorf("every call in the batch failed: %w", elems[len(elems)-1].Error)
}

func decodeHead(h *rpcHeader, err error) (Head, error) {
	if err != nil {
		return Head{}, err
	}
	if h == nil || h.Number == nil || h.Timestamp == nil {
		return Head{}, errors.New("latest block is missing number or timestamp")
	}
	n := (*big.Int)(h.Number)
	if !n.IsUint64() {
		return Head{}, errors.New("latest block number overflows uint64")
	}
	head := Head{
		Number: n.Uint64(),
		Hash:   h.Hash,
		Time:   time.Unix(int64(*h.Timestamp), 0),
	}
	if h.BaseFee != nil {
		head.BaseFee = (*big.Int)(h.BaseFee)
	}
	return head, nil
}

// apply records an observation in ep's state. Callers hold p.mu.
func (p *Pool) apply(ep *endpoint, obs observation) {
	ep.contacted = obs.at
	ep.record(obs.err != nil)
	if obs.err != nil {
		ep.consec++
		ep.lastErr = obs.err.Error()
		ep.lastErrAt = obs.at
		if ep.consec >= maxConsecutiveErrors {
			ep.down = true
		}
		return
	}
	if ep.consec > 0 {
		p.recovered = true
	}
	ep.consec = 0
	if obs.chainOK {
		ep.chainID, ep.chainKnown = obs.chainID, true
	}
	if obs.headOK {
		ep.head, ep.headKnown = obs.head, true
		ep.headAge = max(obs.at.Sub(obs.head.Time), 0)
	} else {
		ep.lastErr = "eth_getBlockByNumber: " + obs.headErr.Error()
		ep.lastErrAt = obs.at
	}
	if obs.askedChain && obs.chainOK && obs.headOK {
		if ep.down {
			// The outage was judged by the consecutive failures; judge the
			// recovered endpoint by what it does from now on.
			ep.resetWindow()
		}
		ep.down = false
	}
}

// computeLag sets the lag of the given endpoints against the highest head
// recorded for any endpoint on the right chain. Callers hold p.mu.
func (p *Pool) computeLag(eps ...*endpoint) {
	var best uint64
	for _, ep := range p.eps {
		if ep.headKnown && p.rightChain(ep) && ep.head.Number > best {
			best = ep.head.Number
		}
	}
	for _, ep := range eps {
		if ep.headKnown && best > ep.head.Number {
			ep.lag = best - ep.head.Number
		} else {
			ep.lag = 0
		}
	}
}

// evaluate says whether ep is healthy and, if not, why. Callers hold p.mu.
func (p *Pool) evaluate(ep *endpoint) (bool, string) {
	switch {
	case ep.chainKnown && ep.chainID != p.opts.ChainID:
		return false, fmt.Sprintf("wrong chain: chain id %d, want %d", ep.chainID, p.opts.ChainID)
	case ep.down:
		return false, fmt.Sprintf("failing: %d failed round trips in a row, until a health check succeeds; last: %s", max(ep.consec, maxConsecutiveErrors), ep.lastErr)
	case !ep.chainKnown || !ep.headKnown:
		if ep.lastErr != "" {
			return false, "unreachable: " + ep.lastErr
		}
		return false, "not checked yet"
	case p.opts.MaxHeadAge > 0 && ep.headAge > p.opts.MaxHeadAge:
		return false, fmt.Sprintf("stale: head %d was %s old, max %s", ep.head.Number, ep.headAge.Round(time.Second), p.opts.MaxHeadAge)
	case p.opts.MaxLagBlocks > 0 && ep.lag > p.opts.MaxLagBlocks:
		return false, fmt.Sprintf("lagging: head %d was %d blocks behind the best endpoint, max %d", ep.head.Number, ep.lag, p.opts.MaxLagBlocks)
	case p.opts.MaxErrorRate > 0 && ep.windowLen >= minErrorSamples && ep.errorRate() > p.opts.MaxErrorRate:
		return false, fmt.Sprintf("error-prone: %d of the last %d round trips failed, max %g%%",
			ep.windowErrors(), ep.windowLen, p.opts.MaxErrorRate*100)
	}
	return true, ""
}

// event is a log line decided under p.mu and written after it is released.
type event struct {
	level slog.Level
	msg   string
	attrs []any
}

// refresh re-evaluates every endpoint, picks the active one and updates the
// gauges, returning the transitions to log. Callers hold p.mu.
func (p *Pool) refresh() []event {
	var events []event
	var active *endpoint
	for _, ep := range p.eps {
		healthy, reason := p.evaluate(ep)
		switch {
		case healthy && !ep.healthy:
			events = append(events, event{slog.LevelInfo, "rpc endpoint healthy", []any{"endpoint", ep.name, "head", ep.head.Number}})
			p.recovered = true
		case !healthy && (ep.healthy || reasonKind(reason) != reasonKind(ep.reason)):
			events = append(events, event{slog.LevelWarn, "rpc endpoint unhealthy", []any{"endpoint", ep.name, "reason", reason}})
		}
		ep.healthy, ep.reason = healthy, reason
		if healthy && active == nil {
			active = ep
		}
		p.metrics.endpoint(ep, ep == active)
	}
	if active != p.active {
		switch {
		case active == nil:
			events = append(events, event{slog.LevelError, "no healthy rpc endpoint", []any{"previous", p.active.name}})
		case p.active == nil:
			events = append(events, event{slog.LevelInfo, "rpc endpoint active", []any{"endpoint", active.name}})
		case active.index > p.active.index:
			events = append(events, event{slog.LevelWarn, "rpc failover", []any{"from", p.active.name, "to", active.name, "reason", p.active.reason}})
		default:
			events = append(events, event{slog.LevelInfo, "rpc failback", []any{"from", p.active.name, "to", active.name}})
		}
		p.active = active
	}
	return events
}

// reasonKind is the first word of a reason ("stale:", "wrong", ...), so a
// changing head number or error text does not log the same condition again.
func reasonKind(reason string) string {
	for i, r := range reason {
		if r == ' ' || r == ':' {
			return reason[:i]
		}
	}
	return reason
}

// OnRecover registers f to be called each time an endpoint answers again
// after failed round trips, or becomes healthy again (fresh, caught up, on
// the right chain): the keeper, whose own reads back off during an outage,
// reads again at once. f runs without the Pool's lock, in the goroutine
// whose round trip saw the recovery (Run's health checks, or any caller's
// BatchCall): it must return quickly.
func (p *Pool) OnRecover(f func()) {
	p.mu.Lock()
	p.onRecover = append(p.onRecover, f)
	p.mu.Unlock()
}

// notifyRecovered calls the OnRecover functions once for the recoveries seen
// since the last call.
func (p *Pool) notifyRecovered() {
	p.mu.Lock()
	fs := p.onRecover
	if !p.recovered {
		fs = nil
	}
	p.recovered = false
	p.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

func (p *Pool) emit(events []event) {
	for _, e := range events {
		p.log.Log(context.Background(), e.level, e.msg, e.attrs...)
	}
}
