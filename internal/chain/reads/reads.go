// Package reads is lpops' read scheduler: the one place chain reads go
// through, so that what several consumers need at the same moment costs one
// JSON-RPC batch, and what changes only once per protocol round is read once
// per round.
//
// Consumers are the keeper's snapshot reads and the chain probes (through
// BatchCall, which the endpoint pool answers with its failover), and the RPC
// probe's per-endpoint reads (through ReadFrom, one endpoint, no failover, so
// a failure is that endpoint's). Every round trip carries the pool's own head
// read, so the RPC probe's reads are also the pool's health checks: an
// endpoint they reach is not checked again by the pool.
//
// What is shared, and for how long:
//
//   - Reads that arrive while a batch for the same lane (an endpoint, or the
//     pool) is being sent, or within Options.Window of the first, go out
//     together in the next batch (chunked to Options.MaxBatch calls), and
//     identical calls in it are sent once, their answer shared.
//   - Tick-scoped reads (the default, and everything BatchCall sends) are
//     never served from a cache: a consumer gets an answer from the round
//     trip its own read went out in. So the keeper can never act on a value
//     older than the head its snapshot names.
//   - eth_blockNumber is answered from the head read the pool piggybacks on
//     the same round trip, never sent: the same moment, one call less; so is
//     eth_getBlockByNumber("latest", false), the head read itself, with the
//     endpoint's own answer to it (chain.Head.Raw).
//   - eth_getLogs calls of one batch over the same block range are sent as
//     one (logs.go).
//   - Round-scoped reads (chain id, peer count, syncing while the endpoint is
//     healthy) are kept per endpoint until the protocol round changes
//     (Options.Round) or Options.MaxRoundAge passes, and forgotten when a
//     round trip to that endpoint fails, so a recovered endpoint is asked
//     again.
package reads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
)

// Sender sends batches; *chain.Pool satisfies it.
type Sender interface {
	// BatchCallHead sends b with failover and returns the head the
	// answering endpoint reported in the same round trip
	// (chain.Pool.BatchCallHead).
	BatchCallHead(ctx context.Context, b []rpc.BatchElem) (chain.Head, error)
	// BatchCallTo sends b to one endpoint and returns the head it reported
	// in the same round trip (chain.Pool.BatchCallTo).
	BatchCallTo(ctx context.Context, endpoint string, b []rpc.BatchElem) (chain.Head, error)
}

// Scope says how long a read's answer may be shared.
type Scope uint8

const (
	// Tick answers are shared only with the reads of the same batch.
	Tick Scope = iota
	// Round answers are kept per endpoint for the protocol round.
	Round
)

// Read is one JSON-RPC call a consumer needs.
type Read struct {
	Method string
	Args   []any
	Scope  Scope
}

// Value is the answer to one Read.
type Value struct {
	Raw json.RawMessage
	// Err is the call's own JSON-RPC error (a revert, an unsupported
	// method); a failed round trip is ReadFrom's error instead.
	Err error
	// Cached: the value came from the round cache, not this round trip.
	Cached bool
}

// Decode unmarshals the value into out, or returns its error.
func (v Value) Decode(out any) error {
	if v.Err != nil {
		return v.Err
	}
	return json.Unmarshal(v.Raw, out)
}

// Defaults for zero Options fields.
const (
	// DefaultMaxBatch keeps a batch, the pool's two piggybacked reads
	// included, under the smallest common provider limit (50 calls).
	DefaultMaxBatch    = 48
	DefaultMaxRoundAge = 5 * time.Minute
	DefaultTimeout     = 30 * time.Second
)

// Options tune a Scheduler.
type Options struct {
	// MaxBatch is the most calls one HTTP request carries, not counting
	// the pool's own head and chain id reads.
	MaxBatch int
	// Window is how long the first read of an idle lane waits for others
	// to join its batch; zero sends at once (reads that arrive while it is
	// in flight still go out together in the next one).
	Window time.Duration
	// Round returns the current protocol round (the keeper's last
	// snapshot); false while unknown. nil: round-scoped reads last
	// MaxRoundAge.
	Round func() (uint64, bool)
	// MaxRoundAge bounds how long a round-scoped answer is kept, whatever
	// the round (a round lasts about a day on Arbitrum).
	MaxRoundAge time.Duration
	// Timeout bounds one send of a lane, all its chunks and the pool's
	// failover included. A consumer that gives up earlier gets its own
	// context's error; the batch still completes for the others.
	Timeout time.Duration
	Now     func() time.Time
}

// Stats count what the Scheduler did since it started.
type Stats struct {
	// Requests are HTTP requests (round trips) sent; Calls the consumer
	// calls they carried (not the pool's piggybacked reads).
	Requests, Calls uint64
	// Shared are calls answered by an identical call of the same batch;
	// Cached calls answered from the round cache; Merged eth_getLogs calls
	// answered by another's merged call (see logs.go); FromHead
	// eth_blockNumber and eth_getBlockByNumber("latest", false) calls
	// answered from the round trip's head read.
	Shared, Cached, Merged, FromHead uint64
}

// Scheduler coalesces, shares and caches chain reads. It is safe for
// concurrent use.
type Scheduler struct {
	s    Sender
	o    Options
	base context.Context
	stop context.CancelFunc

	mu    sync.Mutex
	lanes map[string]*lane

	requests, calls, shared, cached, merged, fromHead atomic.Uint64
}

// New returns a Scheduler over s. Close it when done.
func New(s Sender, o Options) *Scheduler {
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxRoundAge <= 0 {
		o.MaxRoundAge = DefaultMaxRoundAge
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	base, stop := context.WithCancel(context.Background())
	return &Scheduler{s: s, o: o, base: base, stop: stop, lanes: map[string]*lane{}}
}

// Close cancels batches in flight; later reads fail.
func (s *Scheduler) Close() { s.stop() }

// Stats returns the counters.
func (s *Scheduler) Stats() Stats {
	return Stats{Requests: s.requests.Load(), Calls: s.calls.Load(), Shared: s.shared.Load(), Cached: s.cached.Load(), Merged: s.merged.Load(), FromHead: s.fromHead.Load()}
}

// poolLane names the lane of BatchCall, which the pool fails over.
const poolLane = "\x00pool"

// lane is where the reads for one endpoint (or the pool) queue.
type lane struct {
	name     string
	failover bool // BatchCall through the pool, not one endpoint
	window   time.Duration
	mu       sync.Mutex
	queue    []*request
	flushing bool
	kick     chan struct{} // ends the current window early
	cache    map[string]cached
}

type cached struct {
	raw      json.RawMessage
	round    uint64
	hasRound bool
	at       time.Time
}

// request is one consumer's reads waiting for a batch.
type request struct {
	reads []Read
	keys  []string
	done  chan struct{}
	head  chain.Head
	vals  []Value
	err   error
}

func (s *Scheduler) lane(name string) *lane {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lanes[name]
	if l == nil {
		l = &lane{name: name, failover: strings.HasPrefix(name, poolLane), window: s.o.Window,
			kick: make(chan struct{}, 1), cache: map[string]cached{}}
		s.lanes[name] = l
	}
	return l
}

// Lane is a pool lane of its own: reads sent through it fail over like
// BatchCall's and are coalesced with each other, waiting up to its window
// for others to join, not with the Scheduler's BatchCall. It satisfies
// livepeer.Caller.
type Lane struct {
	s *Scheduler
	l *lane
}

// Lane returns the pool lane named name, created with window on first use:
// for consumers that run on a common schedule (the chain probes), so that
// what they need at the same moment goes out in one batch, their identical
// calls once, without making the keeper's reads wait.
func (s *Scheduler) Lane(name string, window time.Duration) *Lane {
	l := s.lane(poolLane + name)
	l.mu.Lock()
	l.window = window
	l.mu.Unlock()
	return &Lane{s: s, l: l}
}

// BatchCall is Scheduler.BatchCall on this lane.
func (c *Lane) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	return c.s.batchCall(ctx, c.l, b)
}

// key identifies a call: its method and arguments as sent.
func key(r Read) (string, error) {
	args, err := json.Marshal(r.Args)
	if err != nil {
		return "", fmt.Errorf("%s: arguments: %w", r.Method, err)
	}
	return r.Method + string(args), nil
}

// ReadFrom reads rs from one endpoint, in the next batch sent to it, and
// returns the head the endpoint reported in that round trip with the values
// in rs's order. Round-scoped reads still valid come from the cache; when
// all do, the round trip carries only the head read. The error means the
// round trip (or its head read) failed: nothing of it is that endpoint's
// answer.
func (s *Scheduler) ReadFrom(ctx context.Context, endpoint string, rs []Read) (chain.Head, []Value, error) {
	if strings.HasPrefix(endpoint, poolLane) {
		return chain.Head{}, nil, errors.New("read scheduler: reserved endpoint name")
	}
	l := s.lane(endpoint)
	out := make([]Value, len(rs))
	var (
		send []Read
		at   []int
	)
	cur, hasRound := s.round()
	now := s.o.Now()
	l.mu.Lock()
	for i, r := range rs {
		if r.Scope == Round {
			k, err := key(r)
			if err != nil {
				l.mu.Unlock()
				return chain.Head{}, nil, err
			}
			if c, ok := l.cache[k]; ok && s.fresh(c, cur, hasRound, now) {
				out[i] = Value{Raw: c.raw, Cached: true}
				s.cached.Add(1)
				continue
			}
		}
		send = append(send, r)
		at = append(at, i)
	}
	l.mu.Unlock()
	req, err := s.submit(ctx, l, send)
	if err != nil {
		return chain.Head{}, nil, err
	}
	if req.err != nil {
		return chain.Head{}, nil, req.err
	}
	for j, i := range at {
		out[i] = req.vals[j]
	}
	return req.head, out, nil
}

// BatchCall sends b through the pool (with failover) in the next batch of
// the pool lane, shared with whatever other consumers send at the same
// moment; it satisfies livepeer.Caller and the keeper's Chain reads. Nothing
// is served from a cache. Errors follow chain.Pool.BatchCall: per-element
// JSON-RPC errors in elem.Error, the returned error when no endpoint
// answered.
func (s *Scheduler) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	return s.batchCall(ctx, s.lane(poolLane), b)
}

func (s *Scheduler) batchCall(ctx context.Context, l *lane, b []rpc.BatchElem) error {
	if len(b) == 0 {
		return nil
	}
	rs := make([]Read, len(b))
	for i, e := range b {
		rs[i] = Read{Method: e.Method, Args: e.Args}
	}
	req, err := s.submit(ctx, l, rs)
	if err != nil {
		return err
	}
	if req.err != nil {
		return req.err
	}
	for i := range b {
		b[i].Error = req.vals[i].Err
		if b[i].Error == nil && b[i].Result != nil {
			b[i].Error = json.Unmarshal(req.vals[i].Raw, b[i].Result)
		}
	}
	return nil
}

// Reads answered from a round trip's head read.
const (
	notHead     = iota
	blockNumber // eth_blockNumber
	latestBlock // eth_getBlockByNumber("latest", false): the head read itself
)

func headRead(r Read) int {
	switch {
	case r.Method == "eth_blockNumber" && len(r.Args) == 0:
		return blockNumber
	case r.Method == "eth_getBlockByNumber" && len(r.Args) == 2 && r.Args[0] == "latest" && r.Args[1] == false:
		return latestBlock
	}
	return notHead
}

// wantsBlock: some of the reads at idx need the head read's whole answer.
func wantsBlock(wire []Read, idx []int) bool {
	for _, w := range idx {
		if headRead(wire[w]) == latestBlock {
			return true
		}
	}
	return false
}

func (s *Scheduler) round() (uint64, bool) {
	if s.o.Round == nil {
		return 0, false
	}
	return s.o.Round()
}

func (s *Scheduler) fresh(c cached, cur uint64, hasRound bool, now time.Time) bool {
	if now.Sub(c.at) >= s.o.MaxRoundAge || now.Before(c.at) {
		return false
	}
	return !hasRound || !c.hasRound || c.round == cur
}

// submit queues rs on l and waits for its batch.
func (s *Scheduler) submit(ctx context.Context, l *lane, rs []Read) (*request, error) {
	req := &request{reads: rs, keys: make([]string, len(rs)), done: make(chan struct{})}
	for i, r := range rs {
		k, err := key(r)
		if err != nil {
			return nil, err
		}
		req.keys[i] = k
	}
	if err := s.base.Err(); err != nil {
		return nil, errors.New("read scheduler is closed")
	}
	l.mu.Lock()
	l.queue = append(l.queue, req)
	start := !l.flushing
	l.flushing = true
	l.mu.Unlock()
	if start {
		go s.flush(l)
	}
	select {
	case <-req.done:
		return req, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Queued returns how many reads wait for the next batch of endpoint ("" for
// the pool lane of BatchCall): for tests that coalesce deterministically.
func (s *Scheduler) Queued(endpoint string) int {
	if endpoint == "" {
		endpoint = poolLane
	}
	return s.lane(endpoint).queued()
}

// Kick ends the current window of endpoint's lane ("" for the pool lane of
// BatchCall) now, sending what is queued.
func (s *Scheduler) Kick(endpoint string) {
	if endpoint == "" {
		endpoint = poolLane
	}
	s.lane(endpoint).kickNow()
}

// Queued is Scheduler.Queued for this lane.
func (c *Lane) Queued() int { return c.l.queued() }

// Kick is Scheduler.Kick for this lane.
func (c *Lane) Kick() { c.l.kickNow() }

func (l *lane) queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

func (l *lane) kickNow() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// flush sends l's queue, then whatever queued meanwhile, until it is empty.
func (s *Scheduler) flush(l *lane) {
	l.mu.Lock()
	window := l.window
	l.mu.Unlock()
	if window > 0 {
		t := time.NewTimer(window)
		select {
		case <-t.C:
		case <-l.kick:
			t.Stop()
		case <-s.base.Done():
			t.Stop()
		}
	}
	for {
		l.mu.Lock()
		q := l.queue
		l.queue = nil
		if len(q) == 0 {
			l.flushing = false
			// A kick for a window that already ended must not end the next.
			select {
			case <-l.kick:
			default:
			}
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		s.send(l, q)
	}
}

// send sends the distinct calls of q in chunks and hands every request its
// answers.
func (s *Scheduler) send(l *lane, q []*request) {
	ctx, cancel := context.WithTimeout(s.base, s.o.Timeout)
	defer cancel()
	index := map[string]int{}
	var calls []Read
	for _, r := range q {
		for i, k := range r.keys {
			if _, ok := index[k]; ok {
				s.shared.Add(1)
				continue
			}
			index[k] = len(calls)
			calls = append(calls, r.reads[i])
		}
	}
	wire, at, picks := mergeLogs(calls)
	s.merged.Add(uint64(len(calls) - len(wire)))
	wraws := make([]json.RawMessage, len(wire))
	werrs := make([]error, len(wire))   // per call
	wfailed := make([]error, len(wire)) // the round trip that carried it
	// eth_blockNumber, and eth_getBlockByNumber("latest", false) itself,
	// are answered from the head read every round trip carries anyway: the
	// same moment, one call less.
	var fromHead, sendIdx []int
	for w, c := range wire {
		if headRead(c) != notHead {
			fromHead = append(fromHead, w)
		} else {
			sendIdx = append(sendIdx, w)
		}
	}
	var (
		head             chain.Head // the newest head a round trip reported
		headErr, tripErr error      // an endpoint lane's failure; any round trip's
	)
	trip := func(idx []int) {
		chunks := max((len(idx)+s.o.MaxBatch-1)/s.o.MaxBatch, 1)
		for c := range chunks {
			part := idx[min(c*s.o.MaxBatch, len(idx)):min((c+1)*s.o.MaxBatch, len(idx))]
			b := make([]rpc.BatchElem, len(part))
			for i, w := range part {
				b[i] = rpc.BatchElem{Method: wire[w].Method, Args: wire[w].Args, Result: &wraws[w]}
			}
			var (
				h   chain.Head
				err error
			)
			if l.failover {
				h, err = s.s.BatchCallHead(ctx, b)
			} else {
				h, err = s.s.BatchCallTo(ctx, l.name, b)
				if err != nil && headErr == nil {
					headErr = err
				}
			}
			if err == nil && h.Number >= head.Number && !h.Time.IsZero() {
				head = h
			}
			if err != nil && tripErr == nil {
				tripErr = err
			}
			s.requests.Add(1)
			s.calls.Add(uint64(len(b)))
			for i, w := range part {
				werrs[w], wfailed[w] = b[i].Error, err
			}
		}
	}
	trip(sendIdx)
	if len(fromHead) > 0 {
		switch {
		case !head.Time.IsZero() && (len(head.Raw) > 0 || !wantsBlock(wire, fromHead)):
			for _, w := range fromHead {
				if headRead(wire[w]) == latestBlock {
					wraws[w] = head.Raw
				} else {
					wraws[w], _ = json.Marshal(hexutil.Uint64(head.Number))
				}
			}
			s.fromHead.Add(uint64(len(fromHead)))
		case tripErr != nil:
			for _, w := range fromHead {
				wfailed[w] = tripErr
			}
		default:
			// The round trip answered but its head read did not: ask.
			trip(fromHead)
		}
	}
	raws := make([]json.RawMessage, len(calls))
	errs := make([]error, len(calls))
	failed := make([]error, len(calls))
	for j, w := range at {
		raws[j], errs[j], failed[j] = wraws[w], werrs[w], wfailed[w]
		if f := picks[j]; f != nil && failed[j] == nil && errs[j] == nil {
			raws[j], errs[j] = f.pick(wraws[w])
		}
	}
	if headErr != nil {
		// The endpoint failed: what it told before may be what changed.
		l.mu.Lock()
		clear(l.cache)
		l.mu.Unlock()
	}
	var cur uint64
	var hasRound bool
	if !l.failover {
		cur, hasRound = s.round() // the pool lanes cache nothing
	}
	now := s.o.Now()
	for _, r := range q {
		r.head = head
		r.vals = make([]Value, len(r.reads))
		for i, k := range r.keys {
			j := index[k]
			if failed[j] != nil && r.err == nil {
				r.err = failed[j]
			}
			r.vals[i] = Value{Raw: raws[j], Err: errs[j]}
			if r.reads[i].Scope == Round && failed[j] == nil && errs[j] == nil && headErr == nil {
				l.mu.Lock()
				l.cache[k] = cached{raw: raws[j], round: cur, hasRound: hasRound, at: now}
				l.mu.Unlock()
			}
		}
		if r.err == nil && headErr != nil {
			r.err = headErr // a lane read needs the head too
		}
		close(r.done)
	}
}
