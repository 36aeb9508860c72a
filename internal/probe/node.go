package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/httpx"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/nodeapi"
)

// Alerts raised by the node probe.
const (
	// AlertNodeDown: the CLI API does not answer /status. Critical; it
	// Provides "node", so the alerts judged from the node wait for it.
	AlertNodeDown = "NodeDown"
	// AlertNodeChainUnresponsive: /status answers but the routes that read
	// the chain do not (the node's chain connection is frozen or failing),
	// so the node cannot call reward either. Warning; Requires "node".
	AlertNodeChainUnresponsive = "NodeChainUnresponsive"
	// AlertNodeChainMismatch: what the node reports (/orchestratorInfo,
	// /currentRound, /EthChainID) disagrees with what lpops reads from the
	// chain. Warning; Requires "node".
	AlertNodeChainMismatch = "NodeChainMismatch"
	// AlertNodeRewardErrors: livepeer_reward_call_errors rose in a round
	// that is still unrewarded. Warning; Requires "node".
	AlertNodeRewardErrors = "NodeRewardErrors"
	// AlertNodeTicketRedemptionErrors: livepeer_ticket_redemption_errors
	// rose within the last hold period (fees are being lost). Warning;
	// Requires "node".
	AlertNodeTicketRedemptionErrors = "NodeTicketRedemptionErrors"
	// AlertNodeServiceDown: the public service port's /healthz does not
	// answer 200. Critical; Requires "node".
	AlertNodeServiceDown = "NodeServiceDown"
)

// Sources named by Observation.Requires and Provides.
const (
	SourceNode  = "node"
	SourceChain = "chain"
)

// go-livepeer's own metric names (monitor/census.go, exported under the
// "livepeer" namespace by its OpenCensus Prometheus exporter). Sum views are
// exported untyped, so every type is read.
const (
	metricRewardCallErrors       = "livepeer_reward_call_errors"
	metricTicketRedemptionErrors = "livepeer_ticket_redemption_errors"
	metricCurrentSessions        = "livepeer_current_sessions_total"
	metricMaxSessions            = "livepeer_max_sessions_total"
	metricWinningTicketsRecv     = "livepeer_winning_tickets_recv"
	metricValueRedeemed          = "livepeer_value_redeemed"
)

// Defaults for zero NodeOptions fields.
const (
	DefaultMaxStateAge = 5 * time.Minute
	DefaultErrorHold   = time.Hour
)

// mismatchRuns is how many runs in a row the same disagreement with the
// chain must be seen before it fires: the node and lpops read the chain at
// different moments, so a round boundary or a reward landing between the two
// reads is not a mismatch.
const mismatchRuns = 2

// NodeOptions configure the node probe.
type NodeOptions struct {
	// CLI is the node's CLI API (node.cli_url, node.timeout). Required.
	CLI *nodeapi.Client
	// Orchestrator and ChainID are what the node must report.
	Orchestrator common.Address
	ChainID      uint64
	// State returns lpops' latest read of the chain (the keeper's snapshot),
	// or nil before the first read. Nil: the node is not compared with the
	// chain beyond Orchestrator and ChainID.
	State func() *livepeer.Snapshot
	// MaxStateAge: a snapshot older than this is not compared with the node
	// (lpops cannot read the chain; the RPC probe says so). Zero means
	// DefaultMaxStateAge.
	MaxStateAge time.Duration
	// MetricsURL is the node's Prometheus endpoint (probes.node.metrics_url);
	// empty skips it.
	MetricsURL string
	// ServiceURL is the public service address whose /healthz is checked
	// over TLS, self-signed certificates accepted (probes.node.service_url);
	// empty skips it.
	ServiceURL string
	// Timeout bounds the metrics and /healthz requests; zero means
	// nodeapi.DefaultTimeout.
	Timeout time.Duration
	// ErrorHold is how long NodeTicketRedemptionErrors fires after the
	// counter last rose; zero means DefaultErrorHold.
	ErrorHold time.Duration
	Now       func() time.Time
}

// Node checks the go-livepeer node: its CLI API, its view of the chain
// against lpops', its own metrics and its public service port.
type Node struct {
	o       NodeOptions
	labels  map[string]string
	metrics *http.Client
	service *http.Client

	mu         sync.Mutex
	mismatches map[string]int // disagreement with the chain -> runs in a row seen
	reward     counterWatch
	tickets    counterWatch
}

var _ Probe = (*Node)(nil)

// counterWatch follows one of the node's error counters between scrapes.
type counterWatch struct {
	known bool
	last  float64
	// rose is when the counter last rose (zero: not since lpops started
	// watching) and round the round the node was in then.
	rose  time.Time
	round uint64
}

// NewNode returns the node probe.
func NewNode(o NodeOptions) (*Node, error) {
	if o.CLI == nil {
		return nil, errors.New("node probe: no CLI API client")
	}
	if o.MaxStateAge <= 0 {
		o.MaxStateAge = DefaultMaxStateAge
	}
	if o.Timeout <= 0 {
		o.Timeout = nodeapi.DefaultTimeout
	}
	if o.ErrorHold <= 0 {
		o.ErrorHold = DefaultErrorHold
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// The service port presents the node's self-signed certificate; lpops
	// checks that it serves, not who it is.
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // self-signed by design
	return &Node{
		o:       o,
		labels:  map[string]string{"orchestrator": hexAddr(o.Orchestrator)},
		metrics: httpx.Client(nil, maxMetricsBody),
		service: &http.Client{Transport: tr},
	}, nil
}

// maxMetricsBody bounds the node's /metrics page: a few hundred kilobytes is
// usual; past the limit the parse fails rather than reading a cut page.
const maxMetricsBody = 16 << 20

// Name implements Probe.
func (n *Node) Name() string { return "node" }

// nodeReads is what one run read from the node, concurrently.
type nodeReads struct {
	status     *nodeapi.Status
	statusErr  error
	info       *nodeapi.OrchestratorInfo
	infoErr    error
	round      uint64
	roundErr   error
	chainID    uint64
	chainIDErr error
	balance    *big.Int
	balanceErr error
	families   map[string]*dto.MetricFamily
	metricsErr error
	serviceErr error
}

// Check implements Probe. Every request is bounded by the client timeout, so
// a node that hangs costs one timeout, not the whole run.
func (n *Node) Check(ctx context.Context) Result {
	var r nodeReads
	cli := n.o.CLI
	var wg sync.WaitGroup
	wg.Go(func() { r.status, r.statusErr = cli.Status(ctx) })
	wg.Go(func() { r.info, r.infoErr = cli.OrchestratorInfo(ctx) })
	wg.Go(func() { r.round, r.roundErr = cli.CurrentRound(ctx) })
	wg.Go(func() { r.chainID, r.chainIDErr = cli.EthChainID(ctx) })
	wg.Go(func() { r.balance, r.balanceErr = cli.EthBalance(ctx) })
	if n.o.MetricsURL != "" {
		wg.Go(func() { r.families, r.metricsErr = n.scrape(ctx) })
	}
	if n.o.ServiceURL != "" {
		wg.Go(func() { r.serviceErr = n.healthz(ctx) })
	}
	wg.Wait()

	n.mu.Lock()
	defer n.mu.Unlock()
	res := Result{Values: map[string]float64{}, Evidence: map[string]string{}}
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	if n.o.ServiceURL != "" {
		up := r.serviceErr == nil
		res.Values["service_up"] = flag01(up)
		desc := "GET /healthz on the service port answered 200."
		if !up {
			res.Evidence["service_error"] = r.serviceErr.Error()
			desc = r.serviceErr.Error()
			fail("service port: %v", r.serviceErr)
		}
		res.Observations = append(res.Observations, n.obs(AlertNodeServiceDown, alert.Critical, !up,
			"The orchestrator's public service port is not serving",
			desc, SourceNode, ""))
	}

	up := r.statusErr == nil
	res.Values["up"] = flag01(up)
	if !up {
		res.Evidence["status_error"] = r.statusErr.Error()
		fail("%v", r.statusErr)
		res.Observations = append(res.Observations, n.obs(AlertNodeDown, alert.Critical, true,
			"The go-livepeer node's CLI API does not answer",
			r.statusErr.Error(), "", SourceNode))
		// Nothing else the node said can be judged while /status fails.
		return concludeResult(res, problems)
	}
	res.Evidence["version"] = r.status.Version
	res.Observations = append(res.Observations, n.obs(AlertNodeDown, alert.Critical, false,
		"The go-livepeer node's CLI API does not answer",
		"GET /status answered; version "+r.status.Version+".", "", SourceNode))

	n.checkChain(&res, &r, fail)
	if n.o.MetricsURL != "" {
		n.checkMetrics(&res, &r, fail)
	}
	return concludeResult(res, problems)
}

// checkChain judges the node's chain reads: whether it can read the chain at
// all, and whether what it reads agrees with lpops.
func (n *Node) checkChain(res *Result, r *nodeReads, fail func(string, ...any)) {
	var stuck []string
	for _, e := range []error{r.infoErr, r.roundErr, r.balanceErr} {
		if e != nil {
			stuck = append(stuck, e.Error())
		}
	}
	if r.chainIDErr != nil {
		res.Evidence["chain_id_error"] = r.chainIDErr.Error()
		fail("%v", r.chainIDErr)
	}
	if len(stuck) > 0 {
		res.Evidence["chain_error"] = strings.Join(stuck, "; ")
		fail("the node cannot read the chain: %s", strings.Join(stuck, "; "))
	}
	res.Observations = append(res.Observations, n.obs(AlertNodeChainUnresponsive, alert.Warning, len(stuck) > 0,
		"The node answers but cannot read the chain, so it cannot call reward",
		orElse(strings.Join(stuck, "; "), "GET /orchestratorInfo, /currentRound and /ethBalance answered."),
		SourceNode, ""))

	if r.balanceErr == nil {
		res.Values["eth_balance_eth"] = weiInEther(r.balance)
		res.Evidence["eth_balance_wei"] = r.balance.String()
	}
	if r.chainIDErr == nil {
		res.Values["chain_id"] = float64(r.chainID)
	}
	if r.roundErr == nil {
		res.Values["current_round"] = float64(r.round)
	}

	var now, later []string // mismatches: judged at once, and only once persistent
	if r.chainIDErr == nil && n.o.ChainID != 0 && r.chainID != n.o.ChainID {
		now = append(now, fmt.Sprintf("chain id: node %d, lpops %d", r.chainID, n.o.ChainID))
	}
	var t *nodeapi.Transcoder
	if r.infoErr == nil {
		t = &r.info.Transcoder
		res.Values["last_reward_round"] = float64(t.LastRewardRound)
		res.Values["active"] = flag01(t.Active)
		res.Values["registered"] = flag01(t.Registered())
		res.Evidence["address"] = hexAddr(t.Address)
		res.Evidence["status"] = t.Status
		res.Evidence["service_uri"] = t.ServiceURI
		if t.DelegatedStake != nil {
			res.Evidence["delegated_stake"] = t.DelegatedStake.String()
		}
		if n.o.Orchestrator != (common.Address{}) && t.Address != n.o.Orchestrator {
			now = append(now, fmt.Sprintf("orchestrator: node runs %s, lpops watches %s",
				hexAddr(t.Address), hexAddr(n.o.Orchestrator)))
		}
	}
	snap := n.state()
	if snap != nil {
		res.Evidence["chain_read_at"] = snap.ReadAt.UTC().Format(time.RFC3339)
		// lpops' read may be older than the node's (the keeper polls
		// slowly between round events while probes run often): a node
		// ahead of it, in a later round or past a reward lpops has not read
		// yet, is lpops lagging, not the node. Only a node behind the chain
		// is stuck.
		nodeAhead := r.roundErr == nil && r.round > snap.CurrentRound
		if t != nil && !nodeAhead {
			if t.LastRewardRound < snap.Transcoder.LastRewardRound {
				later = append(later, fmt.Sprintf("last reward round: node %d, chain %d", t.LastRewardRound, snap.Transcoder.LastRewardRound))
			}
			if t.Active != snap.Active {
				later = append(later, fmt.Sprintf("active: node %t, chain %t", t.Active, snap.Active))
			}
			if t.Registered() != snap.Registered {
				later = append(later, fmt.Sprintf("registered: node %q, chain %t", t.Status, snap.Registered))
			}
		}
		if r.roundErr == nil && r.round < snap.CurrentRound {
			later = append(later, fmt.Sprintf("current round: node %d, chain %d", r.round, snap.CurrentRound))
		}
	}
	// The same disagreement, values and all, must be seen in mismatchRuns
	// runs in a row: two reads that straddle different round boundaries are
	// not one stuck view.
	seen := make(map[string]int, len(later))
	firing := append([]string(nil), now...)
	for _, m := range later {
		seen[m] = n.mismatches[m] + 1
		if seen[m] >= mismatchRuns {
			firing = append(firing, m)
		}
	}
	n.mismatches = seen
	// Judged when a disagreement is certain, or when the node answered and
	// there is a recent chain read to compare with (or none is wired). Else
	// the alert keeps its state.
	read := t != nil || r.roundErr == nil || r.chainIDErr == nil
	if len(now) == 0 && !(read && (snap != nil || n.o.State == nil)) {
		return
	}
	if len(firing) > 0 {
		res.Evidence["mismatch"] = strings.Join(firing, "; ")
		fail("node disagrees with the chain: %s", strings.Join(firing, "; "))
	}
	res.Observations = append(res.Observations, n.obs(AlertNodeChainMismatch, alert.Warning, len(firing) > 0,
		"The node's view of the orchestrator disagrees with the chain",
		orElse(strings.Join(firing, "; "), "The node's orchestrator, round and chain id agree with the chain."),
		SourceNode, ""))
}

// state returns lpops' snapshot if it is recent enough to compare with.
func (n *Node) state() *livepeer.Snapshot {
	if n.o.State == nil {
		return nil
	}
	s := n.o.State()
	if s == nil || n.o.Now().Sub(s.ReadAt) > n.o.MaxStateAge {
		return nil
	}
	return s
}

// checkMetrics reads the node's own counters and gauges.
func (n *Node) checkMetrics(res *Result, r *nodeReads, fail func(string, ...any)) {
	if r.metricsErr != nil {
		res.Evidence["metrics_error"] = r.metricsErr.Error()
		fail("%v", r.metricsErr)
		return
	}
	now := n.o.Now()
	snap := n.state()

	// Like go-livepeer, the error counters appear only after the first
	// failure: absent means zero.
	rewardErrs, _ := sumFamily(r.families, metricRewardCallErrors)
	res.Values["reward_call_errors"] = rewardErrs
	// The failure belongs to the round the node was in: go-livepeer calls
	// reward as its round starts, often before lpops' keeper has read the
	// new round. Its own /currentRound of this run says which; lpops' read
	// only when the node did not answer it.
	var round uint64
	switch {
	case r.roundErr == nil:
		round = r.round
	case snap != nil:
		round = snap.CurrentRound
	}
	rose := n.reward.update(rewardErrs, now, round)
	if rose {
		res.Evidence["reward_errors_rose_at"] = now.UTC().Format(time.RFC3339)
	}
	// Firing while the round of the failure is still unrewarded; without a
	// chain read, for the hold period.
	firing := false
	if !n.reward.rose.IsZero() {
		if snap != nil {
			// lpops' read may still be in the round before the node's:
			// the failed round is not rewarded as far as lpops knows.
			firing = snap.CurrentRound < n.reward.round || snap.CurrentRound == n.reward.round && !snap.Rewarded()
		} else {
			firing = now.Sub(n.reward.rose) < n.o.ErrorHold
		}
	}
	desc := fmt.Sprintf("livepeer_reward_call_errors is %s", strconv.FormatFloat(rewardErrs, 'f', -1, 64))
	if firing {
		desc += fmt.Sprintf("; it rose at %s in round %d, which is not rewarded yet. The node does not retry within the round.",
			n.reward.rose.UTC().Format(time.RFC3339), n.reward.round)
		fail("the node's reward call failed in round %d", n.reward.round)
	}
	res.Observations = append(res.Observations, n.obs(AlertNodeRewardErrors, alert.Warning, firing,
		"The node's reward call failed this round", desc, SourceNode, ""))

	ticketErrs, _ := sumFamily(r.families, metricTicketRedemptionErrors)
	res.Values["ticket_redemption_errors"] = ticketErrs
	n.tickets.update(ticketErrs, now, 0)
	firing = !n.tickets.rose.IsZero() && now.Sub(n.tickets.rose) < n.o.ErrorHold
	desc = fmt.Sprintf("livepeer_ticket_redemption_errors is %s", strconv.FormatFloat(ticketErrs, 'f', -1, 64))
	if firing {
		desc += "; it last rose at " + n.tickets.rose.UTC().Format(time.RFC3339) + ". Winning tickets that fail to redeem are fees lost."
		fail("the node failed to redeem winning tickets")
	}
	res.Observations = append(res.Observations, n.obs(AlertNodeTicketRedemptionErrors, alert.Warning, firing,
		"The node fails to redeem winning tickets", desc, SourceNode, ""))

	cur, okCur := sumFamily(r.families, metricCurrentSessions)
	maxS, okMax := sumFamily(r.families, metricMaxSessions)
	if okCur {
		res.Values["current_sessions"] = cur
	}
	if okMax {
		res.Values["max_sessions"] = maxS
	}
	if u := cur / maxS; okCur && okMax && maxS > 0 && !math.IsInf(u, 0) {
		res.Values["session_utilization"] = u
	}
	if v, ok := sumFamily(r.families, metricWinningTicketsRecv); ok {
		res.Values["winning_tickets_received"] = v
	}
	if v, ok := sumFamily(r.families, metricValueRedeemed); ok {
		res.Values["value_redeemed_gwei"] = v
	}
}

// update takes a new reading of the counter and reports whether it rose. The
// first reading is a baseline (errors from before lpops watched are not
// news); a drop means the node restarted and is a new baseline.
func (c *counterWatch) update(v float64, now time.Time, round uint64) bool {
	if !c.known || v < c.last {
		c.known, c.last = true, v
		return false
	}
	if v == c.last {
		return false
	}
	c.last, c.rose, c.round = v, now, round
	return true
}

// scrape reads the node's Prometheus text exposition.
func (n *Node) scrape(ctx context.Context) (map[string]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(ctx, n.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.o.MetricsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := n.metrics.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", plainHTTPError(ctx, err, n.o.Timeout))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: HTTP %d (is the node running with -monitor?)", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("metrics: parse: %w", plainHTTPError(ctx, err, n.o.Timeout))
	}
	return fams, nil
}

// healthz checks the public service port.
func (n *Node) healthz(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, n.o.Timeout)
	defer cancel()
	u, err := url.Parse(n.o.ServiceURL)
	if err != nil {
		return errors.New("service url is malformed")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.JoinPath("/healthz").String(), nil)
	if err != nil {
		return fmt.Errorf("GET /healthz: %w", err)
	}
	resp, err := n.service.Do(req)
	if err != nil {
		return fmt.Errorf("GET /healthz on %s: %w", u.Host, plainHTTPError(ctx, err, n.o.Timeout))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /healthz on %s: HTTP %d", u.Host, resp.StatusCode)
	}
	return nil
}

func (n *Node) obs(name string, sev alert.Severity, firing bool, summary, desc, requires, provides string) alert.Observation {
	return alert.Observation{Name: name, Labels: n.labels, Severity: sev, Firing: firing,
		Summary: summary, Description: desc, Requires: requires, Provides: provides}
}

// sumFamily adds up every series of a family (go-livepeer labels them by
// node id and type, some by sender) and reports whether the family exists.
// A family whose sum is not a finite number (a NaN or infinite sample, or an
// overflow) counts as absent: it says nothing, and one NaN among the values
// would make the whole status document unencodable as JSON.
func sumFamily(fams map[string]*dto.MetricFamily, name string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	var sum float64
	for _, m := range f.GetMetric() {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return 0, false
	}
	return sum, true
}

// plainHTTPError replaces net/http's URL-quoting error with a plain one: a
// timeout says so, anything else keeps its cause without the URL.
func plainHTTPError(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s: %w", timeout, context.DeadlineExceeded)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// concludeResult sets Success and Error from the problems found.
func concludeResult(res Result, problems []string) Result {
	res.Success = len(problems) == 0
	if !res.Success {
		res.Error = strings.Join(problems, "; ")
	}
	return res
}

func orElse(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// hexAddr is the lower-case hex form go-livepeer and lpops' API use.
func hexAddr(a common.Address) string { return strings.ToLower(a.Hex()) }

// weiInEther converts for display and metrics only (float64).
func weiInEther(wei *big.Int) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(wei), big.NewFloat(1e18)).Float64()
	return f
}
