package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/nodeapi"
)

var testOrch = common.HexToAddress("0x570e1b321d9359007a7df39c8038b32b4fc366d7")

// fakeNode serves go-livepeer's CLI API in its documented wire format
// (shared/LIVEPEER.md, observed from go-livepeer 0.9.1): JSON /status and
// /orchestratorInfo with big integers as bare numbers and lower-case
// addresses, text/plain decimal for /currentRound, /EthChainID and
// /ethBalance; and /metrics in the Prometheus text format its OpenCensus
// exporter writes (Sum views untyped, LastValue views gauges; the error
// counters absent until the first error).
type fakeNode struct {
	mu              sync.Mutex
	addr            common.Address
	lastRewardRound uint64
	round           uint64
	active          bool
	registered      bool
	chainID         uint64
	rewardErrors    int // -1: not exported yet
	ticketErrors    int
	metricsCode     int
	hang            map[string]bool // routes that never answer (a frozen chain)
	release         chan struct{}
	// remote are the transcoders connected to an orchestrator started
	// without -transcoder; nil: the node transcodes itself
	// (LocalTranscoding true, an empty RegisteredTranscoders).
	remote []nodeapi.RemoteTranscoder
}

func newFakeNode(t *testing.T) (*fakeNode, *httptest.Server) {
	t.Helper()
	n := &fakeNode{addr: testOrch, lastRewardRound: 5, round: 5, active: true, registered: true, chainID: 42161,
		rewardErrors: -1, metricsCode: 200, hang: map[string]bool{}, release: make(chan struct{})}
	srv := httptest.NewServer(n)
	t.Cleanup(func() {
		close(n.release)
		srv.Close()
	})
	return n, srv
}

func (n *fakeNode) set(f func(n *fakeNode)) {
	n.mu.Lock()
	f(n)
	n.mu.Unlock()
}

func (n *fakeNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	hang := n.hang[r.URL.Path]
	n.mu.Unlock()
	if hang {
		select {
		case <-n.release:
		case <-r.Context().Done():
		}
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	text := func(s string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, s)
	}
	switch r.URL.Path {
	case "/status":
		// go-livepeer's common.NodeStatus; RegisteredTranscoders are
		// common.RemoteTranscoderInfo{Address string, Capacity int}.
		remote := []string{}
		for _, t := range n.remote {
			remote = append(remote, fmt.Sprintf(`{"Address":%q,"Capacity":%d}`, t.Address, t.Capacity))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux","RegisteredTranscodersNumber":%d,"RegisteredTranscoders":[%s],"LocalTranscoding":%t,"BroadcasterPrices":{"default":"1"}}`,
			len(n.remote), strings.Join(remote, ","), n.remote == nil)
	case "/orchestratorInfo":
		status := "Not Registered"
		if n.registered {
			status = "Registered"
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Transcoder":{"Address":"%s","ServiceURI":"https://127.0.0.1:8935","LastRewardRound":%d,"RewardCut":100000,"FeeShare":500000,"DelegatedStake":1000978792100000000000,"ActivationRound":2,"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639935,"LastActiveStakeUpdateRound":3,"Active":%t,"Status":"%s","PricePerPixel":null},"PriceInfo":"1"}`,
			strings.ToLower(n.addr.Hex()), n.lastRewardRound, n.active, status)
	case "/currentRound":
		text(fmt.Sprint(n.round))
	case "/EthChainID":
		text(fmt.Sprint(n.chainID))
	case "/ethBalance":
		text("250000000000000000")
	case "/metrics":
		if n.metricsCode != 200 {
			http.Error(w, "404 page not found", n.metricsCode)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		fmt.Fprint(w, "# HELP livepeer_current_sessions_total Number of streams currently transcoding\n# TYPE livepeer_current_sessions_total gauge\n"+
			"livepeer_current_sessions_total{node_id=\"orch1\",node_type=\"orch\"} 3\n"+
			"# HELP livepeer_max_sessions_total Max Sessions\n# TYPE livepeer_max_sessions_total gauge\n"+
			"livepeer_max_sessions_total{node_id=\"orch1\",node_type=\"orch\"} 10\n"+
			"# HELP livepeer_winning_tickets_recv Winning tickets received\n# TYPE livepeer_winning_tickets_recv untyped\n"+
			"livepeer_winning_tickets_recv{node_id=\"orch1\",node_type=\"orch\"} 4\n")
		if n.rewardErrors >= 0 {
			fmt.Fprintf(w, "# HELP livepeer_reward_call_errors Errors when calling rewards\n# TYPE livepeer_reward_call_errors untyped\n"+
				"livepeer_reward_call_errors{node_id=\"orch1\",node_type=\"orch\"} %d\n", n.rewardErrors)
		}
		if n.ticketErrors > 0 {
			fmt.Fprintf(w, "# HELP livepeer_ticket_redemption_errors Errors when redeeming tickets\n# TYPE livepeer_ticket_redemption_errors untyped\n"+
				"livepeer_ticket_redemption_errors{node_id=\"orch1\",node_type=\"orch\",sender=\"0xabc\"} %d\n"+
				"livepeer_ticket_redemption_errors{node_id=\"orch1\",node_type=\"orch\",sender=\"0xdef\"} 1\n", n.ticketErrors-1)
		}
	default:
		http.NotFound(w, r)
	}
}

// chainState is lpops' snapshot as the keeper would hold it.
type chainState struct {
	mu   sync.Mutex
	snap *livepeer.Snapshot
}

func (c *chainState) get() *livepeer.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

func (c *chainState) set(f func(s *livepeer.Snapshot)) {
	c.mu.Lock()
	f(c.snap)
	c.mu.Unlock()
}

func agreeingState(clock *fakeClock) *chainState {
	return &chainState{snap: &livepeer.Snapshot{CurrentRound: 5, Orchestrator: testOrch, Registered: true, Active: true,
		Transcoder: livepeer.Transcoder{LastRewardRound: 5, DeactivationRound: new(big.Int)}, ReadAt: clock.Now()}}
}

type nodeSetup struct {
	node    *fakeNode
	probe   *Node
	clock   *fakeClock
	state   *chainState
	service *httptest.Server
	health  *atomic.Int32 // the service port's /healthz status
}

func setupNode(t *testing.T, metrics, service bool) *nodeSetup {
	t.Helper()
	n, srv := newFakeNode(t)
	clock := newClock()
	st := agreeingState(clock)
	s := &nodeSetup{node: n, clock: clock, state: st, health: new(atomic.Int32)}
	s.health.Store(http.StatusOK)
	cli, err := nodeapi.New(srv.URL, 200*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := NodeOptions{CLI: cli, Orchestrator: testOrch, ChainID: 42161, State: st.get, Timeout: 200 * time.Millisecond, Now: clock.Now}
	if metrics {
		o.MetricsURL = srv.URL + "/metrics"
	}
	if service {
		// The service port serves TLS with the node's self-signed certificate.
		s.service = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(int(s.health.Load()))
		}))
		t.Cleanup(s.service.Close)
		o.ServiceURL = s.service.URL
	}
	if s.probe, err = NewNode(o); err != nil {
		t.Fatal(err)
	}
	return s
}

// check runs the probe, failing the test if it does not return.
func check(t *testing.T, p Probe) Result {
	t.Helper()
	done := make(chan Result, 1)
	go func() { done <- p.Check(context.Background()) }()
	select {
	case res := <-done:
		return res
	case <-time.After(30 * time.Second):
		t.Fatalf("%s probe did not return", p.Name())
		return Result{}
	}
}

// find returns the observation of name in res.
func find(res Result, name string, labels ...string) (alert.Observation, bool) {
next:
	for _, o := range res.Observations {
		if o.Name != name {
			continue
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if o.Labels[labels[i]] != labels[i+1] {
				continue next
			}
		}
		return o, true
	}
	return alert.Observation{}, false
}

// wantObs asserts that res holds an observation of name in the given state.
func wantObs(t *testing.T, res Result, name string, firing bool, labels ...string) alert.Observation {
	t.Helper()
	o, ok := find(res, name, labels...)
	if !ok {
		t.Fatalf("no %s%v observation in %+v", name, labels, res.Observations)
	}
	if o.Firing != firing {
		t.Errorf("%s%v firing = %v, want %v: %s", name, labels, o.Firing, firing, o.Description)
	}
	return o
}

func wantNoObs(t *testing.T, res Result, name string) {
	t.Helper()
	if o, ok := find(res, name); ok {
		t.Errorf("unexpected %s observation (firing %v): %s", name, o.Firing, o.Description)
	}
}

func TestNodeHealthy(t *testing.T) {
	s := setupNode(t, true, true)
	res := check(t, s.probe)
	if !res.Success || res.Error != "" {
		t.Fatalf("result %+v, want success", res)
	}
	for _, c := range []struct {
		name     string
		sev      alert.Severity
		requires string
		provides string
	}{
		{AlertNodeDown, alert.Critical, "", SourceNode},
		{AlertNodeServiceDown, alert.Critical, SourceNode, ""},
		{AlertNodeChainUnresponsive, alert.Warning, SourceNode, ""},
		{AlertNodeChainMismatch, alert.Warning, SourceNode, ""},
		{AlertNodeRewardErrors, alert.Warning, SourceNode, ""},
		{AlertNodeTicketRedemptionErrors, alert.Warning, SourceNode, ""},
	} {
		o := wantObs(t, res, c.name, false)
		if o.Severity != c.sev || o.Requires != c.requires || o.Provides != c.provides {
			t.Errorf("%s: severity %s requires %q provides %q; want %s %q %q", c.name, o.Severity, o.Requires, o.Provides, c.sev, c.requires, c.provides)
		}
		if o.Labels["orchestrator"] != "0x570e1b321d9359007a7df39c8038b32b4fc366d7" {
			t.Errorf("%s labels = %v", c.name, o.Labels)
		}
	}
	want := map[string]float64{"up": 1, "service_up": 1, "current_round": 5, "last_reward_round": 5, "chain_id": 42161,
		"active": 1, "registered": 1, "eth_balance_eth": 0.25, "reward_call_errors": 0, "ticket_redemption_errors": 0,
		"current_sessions": 3, "max_sessions": 10, "session_utilization": 0.3, "winning_tickets_received": 4}
	for k, v := range want {
		if got, ok := res.Values[k]; !ok || got != v {
			t.Errorf("value %s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if res.Evidence["version"] != "0.9.1" || res.Evidence["delegated_stake"] != "1000978792100000000000" {
		t.Errorf("evidence = %v", res.Evidence)
	}
}

func TestNodeDown(t *testing.T) {
	tests := []struct {
		name string
		// hang: the node accepts connections and never answers; it must not
		// hold the probe past the client timeout. Otherwise nothing listens.
		hang bool
		want string
	}{
		{"Refused", false, "GET /status: "},
		{"Hangs", true, "GET /status: no answer within the timeout (200ms)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setupNode(t, true, false)
			if tt.hang {
				s.node.set(func(n *fakeNode) {
					for _, p := range []string{"/status", "/orchestratorInfo", "/currentRound", "/EthChainID", "/ethBalance", "/metrics"} {
						n.hang[p] = true
					}
				})
			} else {
				cli, err := nodeapi.New(closedURL(t), 200*time.Millisecond, nil)
				if err != nil {
					t.Fatal(err)
				}
				s.probe.o.CLI = cli
			}
			res := check(t, s.probe)
			o := wantObs(t, res, AlertNodeDown, true)
			if !strings.HasPrefix(o.Description, tt.want) || !strings.Contains(res.Error, tt.want) {
				t.Errorf("description %q / error %q, want %q", o.Description, res.Error, tt.want)
			}
			if res.Success || res.Values["up"] != 0 {
				t.Errorf("success %v, up %v", res.Success, res.Values["up"])
			}
			// Nothing is judged from the node while it is down.
			for _, name := range []string{AlertNodeChainMismatch, AlertNodeChainUnresponsive, AlertNodeRewardErrors} {
				wantNoObs(t, res, name)
			}
		})
	}
}

// closedURL is the address of a server that has stopped: connections are
// refused.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// While the node's chain is frozen, /status and /EthChainID answer and the
// chain-reading routes hang: the node is up but cannot call reward.
func TestNodeChainFrozen(t *testing.T) {
	s := setupNode(t, false, false)
	s.node.set(func(n *fakeNode) {
		n.hang["/orchestratorInfo"], n.hang["/currentRound"], n.hang["/ethBalance"] = true, true, true
	})
	res := check(t, s.probe)
	wantObs(t, res, AlertNodeDown, false)
	o := wantObs(t, res, AlertNodeChainUnresponsive, true)
	for _, route := range []string{"GET /orchestratorInfo: no answer", "GET /currentRound: no answer", "GET /ethBalance: no answer"} {
		if !strings.Contains(o.Description, route) {
			t.Errorf("description %q lacks %q", o.Description, route)
		}
	}
	if res.Success {
		t.Error("success while the node cannot read the chain")
	}
	// The chain id still agrees; nothing else could be compared.
	wantObs(t, res, AlertNodeChainMismatch, false)

	s.node.set(func(n *fakeNode) { n.hang = map[string]bool{} })
	wantObs(t, check(t, s.probe), AlertNodeChainUnresponsive, false)
}

func TestNodeChainMismatch(t *testing.T) {
	tests := []struct {
		name string
		// change is applied before the first run; runs says on which runs
		// (1, 2) NodeChainMismatch fires; "-" means not emitted.
		change func(s *nodeSetup)
		runs   [2]string
		want   string
	}{
		{"Agrees", func(s *nodeSetup) {}, [2]string{"resolved", "resolved"}, ""},
		{"OtherOrchestrator", func(s *nodeSetup) {
			s.node.set(func(n *fakeNode) { n.addr = common.HexToAddress("0x00000000000000000000000000000000000000aa") })
		}, [2]string{"firing", "firing"}, "orchestrator: node runs 0x00000000000000000000000000000000000000aa, lpops watches 0x570e1b321d9359007a7df39c8038b32b4fc366d7"},
		{"OtherChain", func(s *nodeSetup) { s.node.set(func(n *fakeNode) { n.chainID = 1 }) },
			[2]string{"firing", "firing"}, "chain id: node 1, lpops 42161"},
		// The node and lpops read the chain at different moments: a
		// difference must last two runs.
		{"LastRewardRoundBehind", func(s *nodeSetup) { s.node.set(func(n *fakeNode) { n.lastRewardRound = 4 }) },
			[2]string{"resolved", "firing"}, "last reward round: node 4, chain 5"},
		{"RoundBehind", func(s *nodeSetup) { s.node.set(func(n *fakeNode) { n.round = 4 }) },
			[2]string{"resolved", "firing"}, "current round: node 4, chain 5"},
		{"NotActive", func(s *nodeSetup) { s.node.set(func(n *fakeNode) { n.active = false }) },
			[2]string{"resolved", "firing"}, "active: node false, chain true"},
		{"NotRegistered", func(s *nodeSetup) { s.node.set(func(n *fakeNode) { n.registered = false }) },
			[2]string{"resolved", "firing"}, `registered: node "Not Registered", chain true`},
		// lpops cannot read the chain: there is nothing to compare with.
		{"StaleChainRead", func(s *nodeSetup) {
			s.node.set(func(n *fakeNode) { n.lastRewardRound = 4 })
			s.clock.Advance(time.Hour)
		}, [2]string{"-", "-"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setupNode(t, false, false)
			tt.change(s)
			for i, want := range tt.runs {
				res := check(t, s.probe)
				o, ok := find(res, AlertNodeChainMismatch)
				got := "-"
				if ok {
					got = map[bool]string{true: "firing", false: "resolved"}[o.Firing]
				}
				if got != want {
					t.Fatalf("run %d: NodeChainMismatch %s, want %s (%s)", i+1, got, want, o.Description)
				}
				if got == "firing" && !strings.Contains(o.Description, tt.want) {
					t.Errorf("run %d: description %q lacks %q", i+1, o.Description, tt.want)
				}
			}
		})
	}
}

func TestNodeChainMismatchTransient(t *testing.T) {
	s := setupNode(t, false, false)
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 4 }) // the node has not seen the reward yet
	wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 5 }) // now it has
	wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 4 })
	wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	// Fast rounds: each run straddles a different boundary. Never the same
	// disagreement twice, never an alert.
	for round := uint64(6); round < 9; round++ {
		s.state.set(func(sn *livepeer.Snapshot) { sn.CurrentRound = round + 1 })
		s.node.set(func(n *fakeNode) { n.round, n.lastRewardRound = round, 5 })
		wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	}
	// A stuck view among them is still caught, on its own.
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 4 })
	for round := uint64(9); round < 11; round++ {
		s.state.set(func(sn *livepeer.Snapshot) { sn.CurrentRound = round + 1 })
		s.node.set(func(n *fakeNode) { n.round = round })
		o := wantObs(t, check(t, s.probe), AlertNodeChainMismatch, round == 10)
		if round == 10 && o.Description != "last reward round: node 4, chain 5" {
			t.Errorf("description %q, want only the persistent disagreement", o.Description)
		}
	}
}

// The keeper reads the chain every few minutes between round events while
// the node probe runs every few seconds: for a while after a round starts, or
// after a reward lands, the node is ahead of lpops' last read. That is lpops'
// read lagging, never a mismatch, however many runs it lasts; a node behind
// lpops' read still is.
func TestNodeAheadOfLpopsReadIsNoMismatch(t *testing.T) {
	s := setupNode(t, false, false)
	// lpops read round 5, rewarded in 5. The node is in round 6, already
	// rewarded there, and its activation changed with the round.
	s.node.set(func(n *fakeNode) { n.round, n.lastRewardRound, n.active = 6, 6, false })
	for run := 1; run <= 3; run++ {
		wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	}
	// Same round, the reward landed after lpops' read: still lpops lagging.
	s.node.set(func(n *fakeNode) { n.round, n.lastRewardRound, n.active = 5, 6, true })
	for run := 1; run <= 3; run++ {
		wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	}
	// The node stuck in round 4: behind, and caught.
	s.node.set(func(n *fakeNode) { n.round, n.lastRewardRound = 4, 4 })
	wantObs(t, check(t, s.probe), AlertNodeChainMismatch, false)
	o := wantObs(t, check(t, s.probe), AlertNodeChainMismatch, true)
	if !strings.Contains(o.Description, "current round: node 4, chain 5") {
		t.Errorf("description %q, want the node's round behind the chain's", o.Description)
	}
}

func TestNodeRewardErrors(t *testing.T) {
	s := setupNode(t, true, false)
	s.state.set(func(sn *livepeer.Snapshot) { sn.CurrentRound, sn.Transcoder.LastRewardRound = 6, 5 })
	s.node.set(func(n *fakeNode) { n.round = 6 })

	// Like go-livepeer, no counter before the first failure.
	res := check(t, s.probe)
	wantObs(t, res, AlertNodeRewardErrors, false)

	s.node.set(func(n *fakeNode) { n.rewardErrors = 1 })
	res = check(t, s.probe)
	o := wantObs(t, res, AlertNodeRewardErrors, true)
	if !strings.Contains(o.Description, "round 6") || res.Values["reward_call_errors"] != 1 {
		t.Errorf("description %q, value %v", o.Description, res.Values["reward_call_errors"])
	}
	// Still unrewarded: still firing.
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, true)

	// Reward lands (lpops called it): resolved.
	s.state.set(func(sn *livepeer.Snapshot) { sn.Transcoder.LastRewardRound = 6 })
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 6 })
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, false)
}

// go-livepeer calls reward as its round starts, often before lpops' keeper
// has read the new round: the failure belongs to the node's round, which
// lpops' last read (the previous round, rewarded) has not reached yet.
func TestNodeRewardErrorsInARoundLpopsHasNotReadYet(t *testing.T) {
	s := setupNode(t, true, false)
	s.state.set(func(sn *livepeer.Snapshot) { sn.CurrentRound, sn.Transcoder.LastRewardRound = 6, 6 })
	s.node.set(func(n *fakeNode) { n.round, n.lastRewardRound = 6, 6 })
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, false)

	s.node.set(func(n *fakeNode) { n.round, n.rewardErrors = 7, 1 })
	o := wantObs(t, check(t, s.probe), AlertNodeRewardErrors, true)
	if !strings.Contains(o.Description, "round 7") {
		t.Errorf("description %q, want the node's round 7", o.Description)
	}
	// lpops reads round 7, unrewarded: still firing; rewarded: resolved.
	s.state.set(func(sn *livepeer.Snapshot) { sn.CurrentRound = 7 })
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, true)
	s.state.set(func(sn *livepeer.Snapshot) { sn.Transcoder.LastRewardRound = 7 })
	s.node.set(func(n *fakeNode) { n.lastRewardRound = 7 })
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, false)
}

func TestNodeRewardErrorsBeforeLpopsWatched(t *testing.T) {
	s := setupNode(t, true, false)
	s.node.set(func(n *fakeNode) { n.rewardErrors = 3 })
	res := check(t, s.probe)
	wantObs(t, res, AlertNodeRewardErrors, false)
	if res.Values["reward_call_errors"] != 3 {
		t.Errorf("reward_call_errors = %v", res.Values["reward_call_errors"])
	}
	// The node restarts: the counter starts over, which is not an error.
	s.node.set(func(n *fakeNode) { n.rewardErrors = -1 })
	wantObs(t, check(t, s.probe), AlertNodeRewardErrors, false)
}

func TestNodeTicketRedemptionErrors(t *testing.T) {
	s := setupNode(t, true, false)
	wantObs(t, check(t, s.probe), AlertNodeTicketRedemptionErrors, false)
	s.node.set(func(n *fakeNode) { n.ticketErrors = 3 }) // 2 + 1 over two senders
	res := check(t, s.probe)
	wantObs(t, res, AlertNodeTicketRedemptionErrors, true)
	if res.Values["ticket_redemption_errors"] != 3 {
		t.Errorf("ticket_redemption_errors = %v, want the sum over senders", res.Values["ticket_redemption_errors"])
	}
	s.clock.Advance(30 * time.Minute)
	s.state.set(func(sn *livepeer.Snapshot) { sn.ReadAt = s.clock.Now() })
	wantObs(t, check(t, s.probe), AlertNodeTicketRedemptionErrors, true)
	s.clock.Advance(31 * time.Minute)
	s.state.set(func(sn *livepeer.Snapshot) { sn.ReadAt = s.clock.Now() })
	wantObs(t, check(t, s.probe), AlertNodeTicketRedemptionErrors, false)
}

func TestNodeMetricsUnavailable(t *testing.T) {
	s := setupNode(t, true, false)
	s.node.set(func(n *fakeNode) { n.metricsCode = http.StatusNotFound })
	res := check(t, s.probe)
	if res.Success || !strings.Contains(res.Evidence["metrics_error"], "HTTP 404 (is the node running with -monitor?)") {
		t.Errorf("success %v, evidence %v", res.Success, res.Evidence)
	}
	wantNoObs(t, res, AlertNodeRewardErrors) // unknown, not fine
	wantObs(t, res, AlertNodeDown, false)
}

func TestNodeServiceDown(t *testing.T) {
	s := setupNode(t, false, true)
	wantObs(t, check(t, s.probe), AlertNodeServiceDown, false)

	s.health.Store(http.StatusServiceUnavailable)
	res := check(t, s.probe)
	o := wantObs(t, res, AlertNodeServiceDown, true)
	if !strings.Contains(o.Description, "HTTP 503") || res.Values["service_up"] != 0 {
		t.Errorf("description %q, service_up %v", o.Description, res.Values["service_up"])
	}

	s.service.Close()
	o = wantObs(t, check(t, s.probe), AlertNodeServiceDown, true)
	if !strings.HasPrefix(o.Description, "GET /healthz on ") {
		t.Errorf("description %q", o.Description)
	}
}

// A NaN or infinite sample in the node's /metrics (or a sum that overflows)
// is no reading: it must not reach the result, whose values status encodes
// as JSON, which has no NaN. Found by FuzzNodeMetrics.
func TestNodeMetricsNotFinite(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"NaN", "livepeer_reward_call_errors NaN\nlivepeer_current_sessions_total NaN\nlivepeer_max_sessions_total 10\n"},
		{"Infinite", "livepeer_ticket_redemption_errors +Inf\nlivepeer_value_redeemed -Inf\nlivepeer_max_sessions_total +Inf\n"},
		{"Overflow", "livepeer_winning_tickets_recv{a=\"1\"} 1e308\nlivepeer_winning_tickets_recv{a=\"2\"} 1e308\n"},
		{"UtilizationOverflow", "livepeer_current_sessions_total 1e300\nlivepeer_max_sessions_total 1e-300\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setupNode(t, false, false)
			p := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := p.TextToMetricFamilies(strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			res := Result{Values: map[string]float64{}, Evidence: map[string]string{}}
			s.probe.checkMetrics(&res, &nodeReads{families: fams}, func(string, ...any) {})
			for k, v := range res.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("value %s = %v", k, v)
				}
			}
			if _, err := json.Marshal(res); err != nil {
				t.Errorf("result does not encode: %v", err)
			}
		})
	}
}
