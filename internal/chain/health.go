package chain

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// EndpointStatus is one endpoint's health as the Pool sees it, for
// "lpops status" and the web surface. It never holds the URL.
type EndpointStatus struct {
	Name    string `json:"name"`
	Active  bool   `json:"active"` // the endpoint reads go to first
	Healthy bool   `json:"healthy"`
	Reason  string `json:"reason,omitempty"` // why it is unhealthy; empty when healthy
	ChainID uint64 `json:"chain_id"`         // 0 until it answered eth_chainId
	Head    Head   `json:"head"`             // zero until it answered eth_getBlockByNumber
	// HeadAge is how old Head was when it was observed (Head.ObservedAt).
	HeadAge Seconds `json:"head_age_seconds"`
	// LagBlocks is how far Head was behind the best endpoint's when observed.
	LagBlocks uint64 `json:"lag_blocks"`
	// Requests and Errors count round trips (one per HTTP request) and the
	// failed ones since Dial. JSON-RPC error answers are not failures.
	Requests uint64 `json:"requests"`
	Errors   uint64 `json:"errors"`
	// ErrorRate is the failed share of the last 32 round trips (since the
	// endpoint last recovered from three failures in a row).
	ErrorRate         float64   `json:"error_rate"`
	ConsecutiveErrors int       `json:"consecutive_errors"`
	LastError         string    `json:"last_error,omitempty"` // redacted: never contains the URL
	LastErrorAt       time.Time `json:"last_error_at,omitzero"`
	LastContact       time.Time `json:"last_contact,omitzero"` // last round trip, success or not
}

// Seconds is a duration that encodes in JSON as (fractional) seconds.
type Seconds time.Duration

// MarshalJSON encodes d as seconds.
func (d Seconds) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Seconds())
}

// UnmarshalJSON decodes seconds.
func (d *Seconds) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*d = Seconds(f * float64(time.Second))
	return nil
}

// Health returns every endpoint's status in configuration order.
func (p *Pool) Health() []EndpointStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]EndpointStatus, 0, len(p.eps))
	for _, ep := range p.eps {
		st := EndpointStatus{
			Name:              ep.name,
			Active:            ep == p.active,
			Healthy:           ep.healthy,
			Reason:            ep.reason,
			HeadAge:           Seconds(ep.headAge),
			LagBlocks:         ep.lag,
			Requests:          ep.requests,
			Errors:            ep.errors,
			ErrorRate:         ep.errorRate(),
			ConsecutiveErrors: ep.consec,
			LastError:         ep.lastErr,
			LastErrorAt:       ep.lastErrAt,
			LastContact:       ep.contacted,
		}
		if ep.chainKnown {
			st.ChainID = ep.chainID
		}
		if ep.headKnown {
			st.Head = ep.head
		}
		out = append(out, st)
	}
	return out
}

// CheckHealth checks every endpoint now, concurrently, with one round trip
// each (eth_chainId and the latest block). It returns when all have answered
// or failed; the results are in Health.
func (p *Pool) CheckHealth(ctx context.Context) {
	p.check(ctx, p.eps)
}

// Run checks, every HealthInterval, the endpoints no traffic has reached in
// that time (standbys, and endpoints that failed), so a failed endpoint is
// noticed recovering and a standby is known good before it is needed, and,
// every RecheckInterval, the endpoints whose last round trip failed, so that
// the end of an outage is seen (and OnRecover called) even while nobody else
// reads. It checks once at start and returns nil when ctx is done or the Pool is closed.
func (p *Pool) Run(ctx context.Context) error {
	tick := min(max(p.opts.HealthInterval/4, time.Second), p.opts.RecheckInterval)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		p.checkDue(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-p.done:
			return nil
		case <-t.C:
		}
	}
}

func (p *Pool) checkDue(ctx context.Context) {
	now := p.opts.Now()
	p.mu.Lock()
	var due []*endpoint
	for _, ep := range p.eps {
		idle := now.Sub(ep.contacted)
		if idle >= p.opts.HealthInterval || ep.consec > 0 && idle >= p.opts.RecheckInterval {
			due = append(due, ep)
		}
	}
	p.mu.Unlock()
	if len(due) > 0 {
		p.check(ctx, due)
	}
}

// check health-checks eps concurrently and applies the observations
// together, so lags compare heads read at the same moment.
func (p *Pool) check(ctx context.Context, eps []*endpoint) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return
	}
	obs := make([]observation, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			_, obs[i] = p.roundTrip(ctx, ep, nil, true, "health_check")
		})
	}
	wg.Wait()
	cancelled := ctx.Err() != nil
	p.mu.Lock()
	var seen []*endpoint
	for i, ep := range eps {
		if obs[i].err != nil && cancelled {
			// A check the caller cancelled says nothing about the endpoint.
			continue
		}
		p.apply(ep, obs[i])
		seen = append(seen, ep)
	}
	p.computeLag(seen...)
	events := p.refresh()
	p.mu.Unlock()
	p.emit(events)
	p.notifyRecovered()
}
