package chain

import (
	"context"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// valueOf reads the one counter or gauge c collects. It does what
// prometheus/testutil.ToFloat64 does: testutil needs
// github.com/kylelemons/godebug, which go.mod does not require yet.
func valueOf(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	go func() { c.Collect(ch); close(ch) }()
	var values []float64
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			t.Fatal(err)
		}
		switch {
		case pb.Counter != nil:
			values = append(values, pb.Counter.GetValue())
		case pb.Gauge != nil:
			values = append(values, pb.Gauge.GetValue())
		}
	}
	if len(values) != 1 {
		t.Fatalf("collected %d counters or gauges, want 1", len(values))
	}
	return values[0]
}

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }

// gatherText renders every metric in reg in the text exposition format.
func gatherText(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&sb, mf); err != nil {
			t.Fatal(err)
		}
	}
	return sb.String()
}

func TestMetrics(t *testing.T) {
	clock := newFakeClock()
	primary := newTestNode(t, "primary", testChainID, clock)
	backup := newTestNode(t, "backup", testChainID, clock)
	primary.svc.callErr = &revertError{reason: "nope"}
	primary.svc.SetHead(4242, clock.Now())
	reg := newRegistry()
	p := dialNodes(t, clock, Options{Registerer: reg}, primary, backup)

	batch := []rpc.BatchElem{
		{Method: "eth_call", Args: []any{map[string]any{}, "latest"}, Result: new(hexutil.Bytes)},
		{Method: "eth_blockNumber", Result: new(hexutil.Uint64)},
	}
	if err := p.BatchCall(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if err := p.Call(context.Background(), nil, "eth_blockNumber"); err != nil {
		t.Fatal(err)
	}

	m := p.metrics
	tests := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		// Dial's check, the batch and the call: three round trips.
		{"HTTPRequestsPrimary", m.httpRequests.WithLabelValues("primary"), 3},
		{"HTTPRequestsBackup", m.httpRequests.WithLabelValues("backup"), 1},
		{"RequestsCall", m.requests.WithLabelValues("primary", "eth_call"), 1},
		{"RequestsBlockNumber", m.requests.WithLabelValues("primary", "eth_blockNumber"), 2},
		{"RequestsPiggybackedHead", m.requests.WithLabelValues("primary", "eth_getBlockByNumber"), 3},
		{"RequestsChainIDOnlyAtCheck", m.requests.WithLabelValues("primary", "eth_chainId"), 1},
		{"ErrorsRevert", m.errors.WithLabelValues("primary", "eth_call"), 1},
		{"ErrorsNoneForBlockNumber", m.errors.WithLabelValues("primary", "eth_blockNumber"), 0},
		{"UpPrimary", m.up.WithLabelValues("primary"), 1},
		{"ActivePrimary", m.active.WithLabelValues("primary"), 1},
		{"ActiveBackup", m.active.WithLabelValues("backup"), 0},
		{"HeadBlock", m.headBlock.WithLabelValues("primary"), 4242},
		{"HeadAge", m.headAge.WithLabelValues("primary"), 0},
		{"HeadLagBackup", m.lag.WithLabelValues("backup"), 4242 - 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := valueOf(t, tt.c); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("DurationByMethod", func(t *testing.T) {
		text := gatherText(t, reg)
		for _, want := range []string{
			`lpops_rpc_request_duration_seconds_count{endpoint="primary",method="batch"} 1`,
			`lpops_rpc_request_duration_seconds_count{endpoint="primary",method="eth_blockNumber"} 1`,
			`lpops_rpc_request_duration_seconds_count{endpoint="primary",method="health_check"} 1`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})

	t.Run("InProcessCounters", func(t *testing.T) {
		st := status(t, p, "primary")
		if st.Requests != 3 || st.Errors != 0 || st.ErrorRate != 0 {
			t.Errorf("primary status: requests %d errors %d rate %v; want 3, 0, 0", st.Requests, st.Errors, st.ErrorRate)
		}
	})
}

func TestMetricsShareRegistry(t *testing.T) {
	clock := newFakeClock()
	n := newTestNode(t, "n", testChainID, clock)
	reg := newRegistry()
	dialNodes(t, clock, Options{Registerer: reg}, n)
	dialNodes(t, clock, Options{Registerer: reg}, n)
	if got := valueOf(t, mustCounter(t, reg)); got != 2 {
		t.Errorf("shared lpops_rpc_http_requests_total = %v, want 2", got)
	}
}

func mustCounter(t *testing.T, reg *prometheus.Registry) prometheus.Collector {
	t.Helper()
	m, err := newMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m.httpRequests.WithLabelValues("n")
}
