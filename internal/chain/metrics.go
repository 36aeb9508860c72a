package chain

import (
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics holds the lpops_rpc_* collectors. A nil *metrics records nothing.
type metrics struct {
	requests     *prometheus.CounterVec
	errors       *prometheus.CounterVec
	httpRequests *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	up           *prometheus.GaugeVec
	active       *prometheus.GaugeVec
	headBlock    *prometheus.GaugeVec
	headAge      *prometheus.GaugeVec
	lag          *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lpops_rpc_requests_total",
			Help: "JSON-RPC calls attempted, by endpoint and method; each batch element counts, the piggybacked head and chain id reads included.",
		}, []string{"endpoint", "method"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lpops_rpc_errors_total",
			Help: "JSON-RPC calls that got no result, by endpoint and method: lost round trips and JSON-RPC error answers.",
		}, []string{"endpoint", "method"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lpops_rpc_http_requests_total",
			Help: "Round trips (HTTP requests) sent to an endpoint; a batch counts once.",
		}, []string{"endpoint"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lpops_rpc_request_duration_seconds",
			Help:    "Round-trip time by endpoint and method (the caller's method for one call, batch for a batch, health_check for a check).",
			Buckets: prometheus.DefBuckets,
		}, []string{"endpoint", "method"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_rpc_endpoint_up",
			Help: "1 if the endpoint is healthy: right chain, answering, head fresh and not lagging.",
		}, []string{"endpoint"}),
		active: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_rpc_endpoint_active",
			Help: "1 for the endpoint reads go to first.",
		}, []string{"endpoint"}),
		headBlock: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_rpc_endpoint_head_block",
			Help: "Number of the endpoint's newest block when last observed.",
		}, []string{"endpoint"}),
		headAge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_rpc_endpoint_head_age_seconds",
			Help: "Age of the endpoint's newest block when last observed.",
		}, []string{"endpoint"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lpops_rpc_endpoint_head_lag_blocks",
			Help: "Blocks the endpoint's head was behind the best endpoint's when last observed.",
		}, []string{"endpoint"}),
	}
	var err error
	reuse := func(c prometheus.Collector) prometheus.Collector {
		if err != nil {
			return c
		}
		var existing prometheus.Collector
		existing, err = register(reg, c)
		return existing
	}
	m.requests = reuse(m.requests).(*prometheus.CounterVec)
	m.errors = reuse(m.errors).(*prometheus.CounterVec)
	m.httpRequests = reuse(m.httpRequests).(*prometheus.CounterVec)
	m.duration = reuse(m.duration).(*prometheus.HistogramVec)
	m.up = reuse(m.up).(*prometheus.GaugeVec)
	m.active = reuse(m.active).(*prometheus.GaugeVec)
	m.headBlock = reuse(m.headBlock).(*prometheus.GaugeVec)
	m.headAge = reuse(m.headAge).(*prometheus.GaugeVec)
	m.lag = reuse(m.lag).(*prometheus.GaugeVec)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the identical collector already
// registered (a second Pool on the same registry shares the metrics).
func register(reg prometheus.Registerer, c prometheus.Collector) (prometheus.Collector, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		return are.ExistingCollector, nil
	}
	return c, fmt.Errorf("register rpc metrics: %w", err)
}

// initEndpoint creates the endpoint's series at zero, so a dashboard sees an
// endpoint that never answered instead of no data.
func (m *metrics) initEndpoint(name string) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(name)
	for _, g := range []*prometheus.GaugeVec{m.up, m.active, m.headBlock, m.headAge, m.lag} {
		g.WithLabelValues(name)
	}
}

func (m *metrics) roundTrip(name, label string, d time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(name).Inc()
	m.duration.WithLabelValues(name, label).Observe(d.Seconds())
}

// calls counts each element of a batch, and an error for each element that
// got no result.
func (m *metrics) calls(name string, elems []rpc.BatchElem, lost bool) {
	if m == nil {
		return
	}
	for _, e := range elems {
		m.requests.WithLabelValues(name, e.Method).Inc()
		if lost || e.Error != nil {
			m.errors.WithLabelValues(name, e.Method).Inc()
		}
	}
}

// endpoint sets ep's gauges. Callers hold Pool.mu.
func (m *metrics) endpoint(ep *endpoint, active bool) {
	if m == nil {
		return
	}
	m.up.WithLabelValues(ep.name).Set(b2f(ep.healthy))
	m.active.WithLabelValues(ep.name).Set(b2f(active))
	if ep.headKnown {
		m.headBlock.WithLabelValues(ep.name).Set(float64(ep.head.Number))
		m.headAge.WithLabelValues(ep.name).Set(ep.headAge.Seconds())
		m.lag.WithLabelValues(ep.name).Set(float64(ep.lag))
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
