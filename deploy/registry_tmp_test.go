package deploy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/probe"
	"github.com/lpops/lpops/internal/store"
)

type rec struct {
	prometheus.Registerer
	descs []string
}

func (r *rec) Register(c prometheus.Collector) error {
	if err := r.Registerer.Register(c); err != nil {
		return err
	}
	ch := make(chan *prometheus.Desc, 1000)
	c.Describe(ch)
	close(ch)
	for d := range ch {
		r.descs = append(r.descs, d.String())
	}
	return nil
}
func (r *rec) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

func TestTmpDump(t *testing.T) {
	reg := prometheus.NewRegistry()
	r := &rec{Registerer: reg}
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	keeper.NewMetrics(r)
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	p, err := chain.Dial(context.Background(), []chain.EndpointConfig{{Name: "down", URL: u}}, chain.Options{ChainID: 1, RequestTimeout: time.Second, Registerer: r})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := alert.New(alert.Options{Store: st, Registerer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	if _, err := probe.NewRunner(probe.RunnerOptions{Interval: time.Minute, Registerer: r}); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`fqName: "([^"]+)", help: "((?:[^"\\]|\\.)*)".*variableLabels: \{([^}]*)\}`)
	sort.Strings(r.descs)
	fams, _ := reg.Gather()
	types := map[string]string{}
	for _, f := range fams {
		types[f.GetName()] = f.GetType().String()
	}
	for _, d := range r.descs {
		m := re.FindStringSubmatch(d)
		fmt.Printf("%s|%s|%s|%s\n", m[1], types[m[1]], strings.ReplaceAll(m[3], ",", ", "), m[2])
	}
}
