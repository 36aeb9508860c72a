package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/chain/reads"
	"github.com/lpops/lpops/internal/httpx"
)

// Alerts raised by the RPC probe. The endpoint alerts carry the label
// endpoint=<name> and Require "chain", so they are inhibited while
// ChainUnavailable says the same thing once.
const (
	// AlertRPCEndpointDown: the endpoint did not answer the probe's batch.
	// Warning.
	AlertRPCEndpointDown = "RPCEndpointDown"
	// AlertRPCEndpointStale: the endpoint's newest block is older than
	// chain.max_head_age, or it reports it is syncing. Warning.
	AlertRPCEndpointStale = "RPCEndpointStale"
	// AlertRPCEndpointLagging: the endpoint's head is more than
	// chain.max_lag_blocks behind the best endpoint's. Warning.
	AlertRPCEndpointLagging = "RPCEndpointLagging"
	// AlertRPCWrongChain: the endpoint serves another chain id. Warning.
	AlertRPCWrongChain = "RPCWrongChain"
	// AlertChainUnavailable: no endpoint is healthy. Critical; Provides
	// "chain".
	AlertChainUnavailable = "ChainUnavailable"
	// AlertTxStuck: a watched account's pending nonce has been ahead of its
	// mined nonce, with no progress, for more than
	// probes.rpc.max_pending_blocks blocks: a transaction sits in a pool and
	// is not being mined, the signature of a node that accepted it but never
	// propagated it (the seed's geth failure). The accounts watched are the
	// orchestrator (go-livepeer sends reward and ticket redemptions from
	// it), lpops' signer and the on-chain LIP-118 reward caller, in observe
	// mode too. Critical; one alert per account, label account (the
	// address); Requires "chain".
	AlertTxStuck = "TxStuck"
	// AlertTxDropped: a transaction lpops sent is neither mined nor known to
	// any endpoint that answered (eth_getTransactionByHash is null), and its
	// nonce is still open: it was silently dropped. Critical; label tx (the
	// hash); Requires "chain".
	AlertTxDropped = "TxDropped"
)

// DefaultDropGrace is how long after it was sent a transaction may be
// unknown to the endpoints (still propagating) before it counts as dropped.
const DefaultDropGrace = time.Minute

// WatchedAccount is an account whose nonces the RPC probe watches.
type WatchedAccount struct {
	// Role names it in values and summaries: "orchestrator", "signer",
	// "reward_caller" (joined with "+" when one address has several).
	Role    string
	Address common.Address
}

// SentTx is a transaction lpops broadcast and has not seen settled: the
// keeper's in-flight transactions.
type SentTx struct {
	Hash   common.Hash
	From   common.Address
	Nonce  uint64
	SentAt time.Time
}

// RPCOptions configure the RPC probe.
type RPCOptions struct {
	// Endpoints are dialled separately (never through the Pool, which fails
	// over and so hides a bad endpoint). Their URLs may hold API keys: the
	// probe reports names only.
	Endpoints []chain.EndpointConfig
	// ChainID every endpoint must serve.
	ChainID uint64
	// MaxHeadAge and MaxLagBlocks are chain.max_head_age and
	// chain.max_lag_blocks; zero disables the check.
	MaxHeadAge   time.Duration
	MaxLagBlocks uint64
	// Timeout bounds one endpoint's batch (chain.request_timeout); zero
	// means chain.DefaultRequestTimeout.
	Timeout time.Duration
	// Accounts returns the accounts whose nonces are watched; it is called
	// once per run, as the on-chain reward caller may change. nil, or no
	// account, skips TxStuck. An address listed twice is watched once, its
	// roles joined.
	Accounts func() []WatchedAccount
	// MaxPendingBlocks is probes.rpc.max_pending_blocks.
	MaxPendingBlocks uint64
	// Sent returns the transactions lpops has in flight; nil skips TxDropped.
	Sent func() []SentTx
	// DropGrace: see DefaultDropGrace; zero means the default.
	DropGrace time.Duration
	Now       func() time.Time
	// Reads, when set, is the read scheduler (*reads.Scheduler) the probe
	// reads each endpoint through, on that endpoint alone (no failover), so
	// its round trips are also the endpoint pool's health checks. The head
	// is the pool's own piggybacked head read; eth_chainId and
	// net_peerCount are read once per round (and after a failure), and
	// eth_syncing too while the endpoint was healthy at the last run (at
	// every run otherwise); an account's mined nonce is read only when its
	// pending nonce is not the mined nonce last seen. nil dials the
	// endpoints directly and sends the whole batch every run.
	Reads EndpointReader
	// IdleNonceInterval, with Reads: while an account was last seen on an
	// endpoint with nothing pending (pending nonce = mined nonce) and lpops
	// has no transaction of it in flight, its pending nonce is read from
	// that endpoint only this often, the last one seen standing for it in
	// between; it is read at every run while something is pending. So a
	// transaction that enters the pool is seen within IdleNonceInterval
	// (plus a run), and TxStuck fires max_pending_blocks after that. Zero:
	// every run.
	IdleNonceInterval time.Duration
}

// EndpointReader reads from one endpoint; *reads.Scheduler satisfies it.
type EndpointReader interface {
	ReadFrom(ctx context.Context, endpoint string, rs []reads.Read) (chain.Head, []reads.Value, error)
}

// RPC checks every configured JSON-RPC endpoint with one batch each:
// eth_chainId, eth_syncing, eth_blockNumber, eth_getBlockByNumber(latest)
// for the head's age, net_peerCount where the node answers it, the pending
// and mined nonces of every watched account, and eth_getTransactionByHash for
// each in-flight transaction.
//
// It is one probe named "rpc"; per-endpoint values are named
// "<endpoint>_<value>" (for example "http://127.0.0.1:8545_head_age_seconds"),
// so lpops_probe_value{probe="rpc",name=...} carries them.
type RPC struct {
	o   RPCOptions
	eps []*rpcEndpoint

	// nmu guards what the scheduled reads remember between runs.
	nmu       sync.Mutex
	lastNonce map[pendingKey]nonces
	nonceAt   map[pendingKey]time.Time // when the pending nonce was last read
	unhealthy map[string]bool          // by endpoint, at the last run

	mu          sync.Mutex
	pendingFrom map[pendingKey]pendingSince
	dropped     map[common.Hash]bool    // TxDropped firing
	stuck       map[common.Address]bool // TxStuck observed, by account
}

var _ Probe = (*RPC)(nil)

// pendingKey is one account as seen by one endpoint.
type pendingKey struct {
	endpoint string
	account  common.Address
}

// pendingSince is when (at which head) an endpoint was first seen with the
// account's pending nonce ahead of a given mined nonce.
type pendingSince struct {
	mined uint64
	block uint64
}

type rpcEndpoint struct {
	name    string
	url     string // secret: never logged or reported
	secrets []string

	mu     sync.Mutex
	client *rpc.Client
}

// NewRPC returns the RPC probe. Close it when done.
func NewRPC(o RPCOptions) (*RPC, error) {
	if len(o.Endpoints) == 0 {
		return nil, errors.New("rpc probe: no endpoints")
	}
	if o.Timeout <= 0 {
		o.Timeout = chain.DefaultRequestTimeout
	}
	if o.DropGrace <= 0 {
		o.DropGrace = DefaultDropGrace
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	p := &RPC{o: o, lastNonce: map[pendingKey]nonces{}, nonceAt: map[pendingKey]time.Time{}, unhealthy: map[string]bool{}, pendingFrom: map[pendingKey]pendingSince{}, dropped: map[common.Hash]bool{}, stuck: map[common.Address]bool{}}
	for _, e := range o.Endpoints {
		name := e.Name
		if name == "" {
			name = chain.DefaultName(e.URL)
		}
		if name == "" {
			return nil, errors.New("rpc probe: an endpoint URL does not parse")
		}
		p.eps = append(p.eps, &rpcEndpoint{name: name, url: e.URL, secrets: chain.URLSecrets(e.URL)})
	}
	return p, nil
}

// Name implements Probe.
func (p *RPC) Name() string { return "rpc" }

// Close closes the endpoints' connections.
func (p *RPC) Close() {
	for _, ep := range p.eps {
		ep.mu.Lock()
		if ep.client != nil {
			ep.client.Close()
			ep.client = nil
		}
		ep.mu.Unlock()
	}
}

// rpcHead is the part of a block the probe reads.
type rpcHead struct {
	Number    hexutil.Uint64 `json:"number"`
	Timestamp hexutil.Uint64 `json:"timestamp"`
}

// rpcTx is the part of eth_getTransactionByHash the probe reads.
type rpcTx struct {
	BlockNumber *hexutil.Big `json:"blockNumber"`
}

// nonces are an account's pending and mined transaction counts.
type nonces struct{ pending, mined uint64 }

// epReading is one endpoint's answer to one run.
type epReading struct {
	ep  *rpcEndpoint
	err error // the round trip failed, or a required element did

	chainID   uint64
	syncing   bool
	syncInfo  string
	number    uint64
	headTime  time.Time
	peers     uint64
	hasPeers  bool
	nonces    map[common.Address]nonces // accounts whose nonces were answered
	txKnown   map[common.Hash]bool      // answered: true if the endpoint knows it
	txMined   map[common.Hash]bool
	observeAt time.Time

	age     time.Duration
	lag     uint64
	wrong   bool
	stale   bool
	lagging bool
	healthy bool
}

// Check implements Probe.
func (p *RPC) Check(ctx context.Context) Result {
	var sent []SentTx
	if p.o.Sent != nil {
		sent = p.o.Sent()
	}
	accounts := p.accounts()
	readings := make([]*epReading, len(p.eps))
	var wg sync.WaitGroup
	for i, ep := range p.eps {
		wg.Go(func() { readings[i] = p.read(ctx, ep, accounts, sent) })
	}
	wg.Wait()

	p.mu.Lock()
	defer p.mu.Unlock()
	res := Result{Values: map[string]float64{}, Evidence: map[string]string{}}
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	var best uint64
	for _, r := range readings {
		if r.err == nil && r.chainID == p.o.ChainID && r.number > best {
			best = r.number
		}
	}
	healthy := 0
	var healthyNames []string
	for _, r := range readings {
		p.judge(r, best)
		p.nmu.Lock()
		p.unhealthy[r.ep.name] = !r.healthy
		p.nmu.Unlock()
		if r.healthy {
			healthy++
			healthyNames = append(healthyNames, r.ep.name)
		}
		p.report(&res, r, fail)
	}
	res.Values["healthy_endpoints"] = float64(healthy)
	res.Values["best_head_block"] = float64(best)

	desc := "Healthy: " + strings.Join(healthyNames, ", ") + "."
	if healthy == 0 {
		var why []string
		for _, r := range readings {
			why = append(why, r.ep.name+": "+r.reason())
		}
		desc = "No endpoint is healthy. " + strings.Join(why, "; ")
		fail("no healthy endpoint")
	}
	res.Observations = append(res.Observations, alert.Observation{
		Name: AlertChainUnavailable, Labels: map[string]string{}, Severity: alert.Critical, Firing: healthy == 0,
		Summary:     "lpops cannot read the chain from any RPC endpoint",
		Description: desc, Provides: SourceChain,
	})

	for _, a := range accounts {
		p.checkNonces(&res, readings, a, fail)
	}
	p.forgetAccounts(&res, accounts)
	p.checkSent(&res, readings, sent, fail)
	return concludeResult(res, problems)
}

// accounts returns the watched accounts of this run, one per address.
func (p *RPC) accounts() []WatchedAccount {
	if p.o.Accounts == nil {
		return nil
	}
	var out []WatchedAccount
	at := map[common.Address]int{}
	for _, a := range p.o.Accounts() {
		if a.Address == (common.Address{}) {
			continue
		}
		if i, ok := at[a.Address]; ok {
			if !slices.Contains(strings.Split(out[i].Role, "+"), a.Role) {
				out[i].Role += "+" + a.Role
			}
			continue
		}
		at[a.Address] = len(out)
		out = append(out, a)
	}
	return out
}

// The roles of the accounts lpops watches, in value names, labels and
// sentences. An address with several roles joins them with "+".
const (
	RoleOrchestrator = "orchestrator"
	RoleSigner       = "signer"
	RoleRewardCaller = "reward_caller"
)

// isRole reports whether s is a role, or roles joined with "+".
func isRole(s string) bool {
	for r := range strings.SplitSeq(s, "+") {
		if r != RoleOrchestrator && r != RoleSigner && r != RoleRewardCaller {
			return false
		}
	}
	return true
}

// roleText writes a role for a sentence: "signer+reward_caller" ->
// "signer and reward caller".
func roleText(role string) string {
	return strings.ReplaceAll(strings.ReplaceAll(role, "+", " and "), "_", " ")
}

// forgetAccounts drops the pending counts of accounts no longer watched,
// and resolves their TxStuck (an account that stops being the reward caller
// is no longer lpops' concern).
func (p *RPC) forgetAccounts(res *Result, accounts []WatchedAccount) {
	watched := map[common.Address]bool{}
	for _, a := range accounts {
		watched[a.Address] = true
	}
	for k := range p.pendingFrom {
		if !watched[k.account] {
			delete(p.pendingFrom, k)
		}
	}
	p.nmu.Lock()
	for k := range p.lastNonce {
		if !watched[k.account] {
			delete(p.lastNonce, k)
			delete(p.nonceAt, k)
		}
	}
	p.nmu.Unlock()
	for a := range p.stuck {
		if watched[a] {
			continue
		}
		res.Observations = append(res.Observations, alert.Observation{
			Name: AlertTxStuck, Labels: map[string]string{"account": hexAddr(a)}, Severity: alert.Critical,
			Summary:     "Account " + hexAddr(a) + " is no longer watched",
			Description: "The account is no longer the orchestrator, lpops' signer or the reward caller.", Requires: SourceChain,
		})
		delete(p.stuck, a)
	}
}

// read sends the probe's batch to one endpoint.
func (p *RPC) read(ctx context.Context, ep *rpcEndpoint, accounts []WatchedAccount, sent []SentTx) *epReading {
	if p.o.Reads != nil {
		return p.readScheduled(ctx, ep, accounts, sent)
	}
	r := &epReading{ep: ep}
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	c, err := ep.conn(ctx)
	if err != nil {
		r.err = ep.redact(err)
		return r
	}
	var (
		chainID hexutil.Big
		syncing json.RawMessage
		number  hexutil.Uint64
		head    *rpcHead
		peers   hexutil.Uint64
	)
	batch := []rpc.BatchElem{
		{Method: "eth_chainId", Result: &chainID},
		{Method: "eth_syncing", Result: &syncing},
		{Method: "eth_blockNumber", Result: &number},
		{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &head},
		{Method: "net_peerCount", Result: &peers},
	}
	nonceAt := len(batch)
	counts := make([]hexutil.Uint64, 2*len(accounts)) // pending, mined per account
	for i, a := range accounts {
		batch = append(batch,
			rpc.BatchElem{Method: "eth_getTransactionCount", Args: []any{a.Address, "pending"}, Result: &counts[2*i]},
			rpc.BatchElem{Method: "eth_getTransactionCount", Args: []any{a.Address, "latest"}, Result: &counts[2*i+1]})
	}
	txAt := len(batch)
	txs := make([]*rpcTx, len(sent))
	for i, t := range sent {
		batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionByHash", Args: []any{t.Hash}, Result: &txs[i]})
	}
	err = c.BatchCallContext(ctx, batch)
	r.observeAt = p.o.Now()
	if err != nil {
		r.err = ep.redact(rpcTimeoutError(ctx, err, p.o.Timeout))
		return r
	}
	for _, i := range []int{0, 2, 3} {
		if e := batch[i].Error; e != nil {
			r.err = ep.redact(fmt.Errorf("%s: %w", batch[i].Method, e))
			return r
		}
	}
	if head == nil {
		r.err = errors.New("eth_getBlockByNumber(latest) returned null")
		return r
	}
	r.chainID = chainID.ToInt().Uint64()
	r.number = uint64(number)
	r.headTime = time.Unix(int64(head.Timestamp), 0)
	if batch[1].Error == nil {
		r.syncing, r.syncInfo = chain.DecodeSyncing(syncing)
	}
	if batch[4].Error == nil {
		r.peers, r.hasPeers = uint64(peers), true
	}
	r.nonces = map[common.Address]nonces{}
	for i, a := range accounts {
		if batch[nonceAt+2*i].Error == nil && batch[nonceAt+2*i+1].Error == nil {
			r.nonces[a.Address] = nonces{pending: uint64(counts[2*i]), mined: uint64(counts[2*i+1])}
		}
	}
	r.txKnown = map[common.Hash]bool{}
	r.txMined = map[common.Hash]bool{}
	for i, t := range sent {
		if batch[txAt+i].Error != nil {
			continue // no answer is not "unknown"
		}
		r.txKnown[t.Hash] = txs[i] != nil
		r.txMined[t.Hash] = txs[i] != nil && txs[i].BlockNumber != nil
	}
	return r
}

// judge decides the endpoint's health against the best head of this run.
func (p *RPC) judge(r *epReading, best uint64) {
	if r.err != nil {
		return
	}
	r.wrong = r.chainID != p.o.ChainID
	if r.wrong {
		return
	}
	r.age = max(r.observeAt.Sub(r.headTime), 0)
	r.lag = best - r.number
	r.stale = r.syncing || (p.o.MaxHeadAge > 0 && r.age > p.o.MaxHeadAge)
	r.lagging = p.o.MaxLagBlocks > 0 && r.lag > p.o.MaxLagBlocks
	r.healthy = !r.stale && !r.lagging
}

func (r *epReading) reason() string {
	switch {
	case r.err != nil:
		return r.err.Error()
	case r.wrong:
		return fmt.Sprintf("chain id %d", r.chainID)
	case r.syncing:
		return r.syncInfo
	case r.stale:
		return fmt.Sprintf("head %d is %s old", r.number, r.age.Round(time.Second))
	case r.lagging:
		return fmt.Sprintf("head %d is %d blocks behind", r.number, r.lag)
	}
	return "healthy"
}

// report adds one endpoint's values, evidence and observations. An alert
// that cannot be judged (the endpoint is down, so whether it is stale is
// unknown) is left out, so it keeps its state.
func (p *RPC) report(res *Result, r *epReading, fail func(string, ...any)) {
	name := r.ep.name
	v := func(k string, x float64) { res.Values[name+"_"+k] = x }
	labels := map[string]string{"endpoint": name}
	o := func(alertName string, firing bool, summary, desc string) {
		res.Observations = append(res.Observations, alert.Observation{
			Name: alertName, Labels: labels, Severity: alert.Warning, Firing: firing,
			Summary: summary, Description: desc, Requires: SourceChain,
		})
	}
	v("up", flag01(r.err == nil))
	v("healthy", flag01(r.healthy))
	res.Evidence[name] = r.reason()
	if !r.healthy {
		fail("%s: %s", name, r.reason())
	}
	o(AlertRPCEndpointDown, r.err != nil, "RPC endpoint "+name+" does not answer",
		orElse(errText(r.err), "It answered the probe's batch."))
	if r.err != nil {
		return
	}
	v("chain_id", float64(r.chainID))
	o(AlertRPCWrongChain, r.wrong, "RPC endpoint "+name+" serves the wrong chain",
		fmt.Sprintf("eth_chainId is %d; lpops needs %d.", r.chainID, p.o.ChainID))
	if r.wrong {
		return
	}
	v("head_block", float64(r.number))
	v("head_age_seconds", r.age.Seconds())
	v("lag_blocks", float64(r.lag))
	v("syncing", flag01(r.syncing))
	if r.hasPeers {
		v("peer_count", float64(r.peers))
	}
	staleDesc := fmt.Sprintf("Head %d was %s old when observed (limit %s).", r.number, r.age.Round(time.Second), p.o.MaxHeadAge)
	if r.syncing {
		staleDesc = "The node reports " + r.syncInfo + ". " + staleDesc
	}
	o(AlertRPCEndpointStale, r.stale, "RPC endpoint "+name+" is not following the chain", staleDesc)
	o(AlertRPCEndpointLagging, r.lagging, "RPC endpoint "+name+" lags behind the other endpoints",
		fmt.Sprintf("Head %d is %d blocks behind the best endpoint (limit %d).", r.number, r.lag, p.o.MaxLagBlocks))
}

// checkNonces raises TxStuck for account a when, on any endpoint, its
// pending nonce has stayed ahead of its mined nonce, without the mined nonce
// moving, for more than MaxPendingBlocks of that endpoint's blocks.
func (p *RPC) checkNonces(res *Result, readings []*epReading, a WatchedAccount, fail func(string, ...any)) {
	judged := false
	var stuck []string
	for _, r := range readings {
		name := r.ep.name
		if r.err != nil || r.wrong {
			continue // unknown: keep what was seen
		}
		n, ok := r.nonces[a.Address]
		if !ok {
			continue
		}
		judged = true
		key := pendingKey{endpoint: name, account: a.Address}
		v := func(k string, x float64) { res.Values[name+"_"+a.Role+"_"+k] = x }
		v("pending_nonce", float64(n.pending))
		v("mined_nonce", float64(n.mined))
		if n.pending <= n.mined {
			delete(p.pendingFrom, key)
			continue
		}
		since, ok := p.pendingFrom[key]
		if !ok || since.mined != n.mined || r.number < since.block {
			since = pendingSince{mined: n.mined, block: r.number}
			p.pendingFrom[key] = since
		}
		blocks := r.number - since.block
		v("pending_blocks", float64(blocks))
		if blocks > p.o.MaxPendingBlocks {
			stuck = append(stuck, fmt.Sprintf("%s: pending nonce %d, mined nonce %d unchanged for %d blocks (since block %d)",
				name, n.pending, n.mined, blocks, since.block))
		}
	}
	if !judged {
		return
	}
	addr := hexAddr(a.Address)
	p.stuck[a.Address] = len(stuck) > 0
	if len(stuck) > 0 {
		res.Evidence["tx_stuck_"+addr] = strings.Join(stuck, "; ")
		fail("transactions of the %s account %s are not being mined", roleText(a.Role), addr)
	}
	desc := fmt.Sprintf("No transaction of the %s account is pending beyond the limit (%d blocks).", roleText(a.Role), p.o.MaxPendingBlocks)
	if len(stuck) > 0 {
		desc = strings.Join(stuck, "; ") + fmt.Sprintf(" (limit %d blocks). A node that accepted a transaction but never propagated it looks like this.", p.o.MaxPendingBlocks)
	}
	res.Observations = append(res.Observations, alert.Observation{
		Name: AlertTxStuck, Labels: map[string]string{"account": addr}, Severity: alert.Critical,
		Firing:      len(stuck) > 0,
		Summary:     "Transactions of the " + roleText(a.Role) + " account " + addr + " are pending and not being mined",
		Description: desc, Requires: SourceChain,
	})
}

// checkSent raises TxDropped for an in-flight transaction no answering
// endpoint knows, whose nonce is still open, once DropGrace has passed since
// it was sent. It resolves when the transaction is seen again, is mined, or
// is no longer in flight.
func (p *RPC) checkSent(res *Result, readings []*epReading, sent []SentTx, fail func(string, ...any)) {
	if p.o.Sent == nil {
		return
	}
	now := p.o.Now()
	mined := map[common.Address]uint64{} // highest mined nonce seen, by watched account
	for _, r := range readings {
		if r.err == nil && !r.wrong {
			for a, n := range r.nonces {
				mined[a] = max(mined[a], n.mined)
			}
		}
	}
	inFlight := map[common.Hash]bool{}
	res.Values["txs_in_flight"] = float64(len(sent))
	for _, t := range sent {
		inFlight[t.Hash] = true
		asked, known, onChain := 0, false, false
		for _, r := range readings {
			if r.err != nil || r.wrong {
				continue
			}
			k, answered := r.txKnown[t.Hash]
			if !answered {
				continue
			}
			asked++
			known = known || k
			onChain = onChain || r.txMined[t.Hash]
		}
		if asked == 0 {
			continue // unknown
		}
		m, minedKnown := mined[t.From]
		nonceOpen := !minedKnown || m <= t.Nonce
		dropped := !known && nonceOpen && now.Sub(t.SentAt) >= p.o.DropGrace
		hash := t.Hash.Hex()
		switch {
		case dropped:
			res.Evidence["tx_dropped_"+hash] = fmt.Sprintf("nonce %d, sent %s, unknown to %d endpoint(s)", t.Nonce, t.SentAt.UTC().Format(time.RFC3339), asked)
			fail("transaction %s was dropped", hash)
		case onChain:
			res.Evidence["tx_"+hash] = "mined"
		case known:
			res.Evidence["tx_"+hash] = "pending"
		}
		if !dropped && !p.dropped[t.Hash] {
			continue
		}
		desc := fmt.Sprintf("Transaction %s (nonce %d, from %s, sent %s) is neither mined nor known to any of the %d endpoint(s) that answered, and its nonce is still open; it was dropped without an error and must be broadcast again or replaced.",
			hash, t.Nonce, hexAddr(t.From), t.SentAt.UTC().Format(time.RFC3339), asked)
		if !dropped {
			desc = fmt.Sprintf("Transaction %s is known to the endpoints again, or its nonce was used.", hash)
		}
		res.Observations = append(res.Observations, txDroppedObservation(hash, dropped, desc))
		p.dropped[t.Hash] = dropped
		if !dropped {
			delete(p.dropped, t.Hash)
		}
	}
	for h := range p.dropped {
		if !inFlight[h] {
			res.Observations = append(res.Observations, txDroppedObservation(h.Hex(), false,
				fmt.Sprintf("Transaction %s is no longer in flight: lpops settled or replaced it.", h.Hex())))
			delete(p.dropped, h)
		}
	}
}

func txDroppedObservation(hash string, firing bool, desc string) alert.Observation {
	return alert.Observation{
		Name: AlertTxDropped, Labels: map[string]string{"tx": hash}, Severity: alert.Critical, Firing: firing,
		Summary:     "A transaction lpops sent was silently dropped",
		Description: desc, Requires: SourceChain,
	}
}

// conn returns the endpoint's client, dialling it on first use (and again
// after a failed dial). HTTP clients connect per request; go-ethereum's
// websocket and IPC clients reconnect by themselves.
func (ep *rpcEndpoint) conn(ctx context.Context) (*rpc.Client, error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.client != nil {
		return ep.client, nil
	}
	c, err := rpc.DialOptions(ctx, ep.url, httpx.RPCOption())
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	ep.client = c
	return c, nil
}

// redact returns err with the endpoint's URL and its secret parts replaced,
// since net/http and go-ethereum quote the URL in their errors, and its text
// clipped, since go-ethereum quotes a failed answer's whole body.
func (ep *rpcEndpoint) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := strings.ReplaceAll(msg, ep.url, ep.name)
	for _, s := range ep.secrets {
		clean = strings.ReplaceAll(clean, s, "<redacted>")
	}
	if clean == msg {
		return httpx.Error(err)
	}
	return httpx.Error(&redactedErr{msg: clean, err: err})
}

type redactedErr struct {
	msg string
	err error
}

func (e *redactedErr) Error() string { return e.msg }
func (e *redactedErr) Unwrap() error { return e.err }

// rpcTimeoutError says "no answer within" for a timed-out batch.
func rpcTimeoutError(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s: %w", timeout, context.DeadlineExceeded)
	}
	return err
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// readScheduled reads one endpoint through the read scheduler: what read
// sends, less what the pool's head read and the round cache already carry.
func (p *RPC) readScheduled(ctx context.Context, ep *rpcEndpoint, accounts []WatchedAccount, sent []SentTx) *epReading {
	r := &epReading{ep: ep}
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	p.nmu.Lock()
	syncScope := reads.Round
	if p.unhealthy[ep.name] {
		syncScope = reads.Tick
	}
	p.nmu.Unlock()
	rs := []reads.Read{
		{Method: "eth_chainId", Scope: reads.Round},
		{Method: "eth_syncing", Scope: syncScope},
		{Method: "net_peerCount", Scope: reads.Round},
	}
	// The pending nonce of the accounts that may have something in flight,
	// or whose idle interval has passed; the others keep the last seen.
	now := p.o.Now()
	inFlight := map[common.Address]bool{}
	for _, t := range sent {
		inFlight[t.From] = true
	}
	var asked []WatchedAccount
	kept := map[common.Address]nonces{}
	p.nmu.Lock()
	for _, a := range accounts {
		key := pendingKey{endpoint: ep.name, account: a.Address}
		last, seen := p.lastNonce[key]
		at := p.nonceAt[key]
		if seen && last.pending <= last.mined && !inFlight[a.Address] && p.o.IdleNonceInterval > 0 &&
			!now.Before(at) && now.Sub(at) < p.o.IdleNonceInterval {
			kept[a.Address] = last
			continue
		}
		asked = append(asked, a)
	}
	p.nmu.Unlock()
	nonceAt := len(rs)
	for _, a := range asked {
		rs = append(rs, reads.Read{Method: "eth_getTransactionCount", Args: []any{a.Address, "pending"}})
	}
	// The mined nonce, where the last one seen cannot stand for it.
	minedAt := map[common.Address]int{}
	p.nmu.Lock()
	for _, a := range asked {
		if last, ok := p.lastNonce[pendingKey{endpoint: ep.name, account: a.Address}]; !ok || last.pending > last.mined {
			minedAt[a.Address] = len(rs)
			rs = append(rs, reads.Read{Method: "eth_getTransactionCount", Args: []any{a.Address, "latest"}})
		}
	}
	p.nmu.Unlock()
	txAt := len(rs)
	for _, t := range sent {
		rs = append(rs, reads.Read{Method: "eth_getTransactionByHash", Args: []any{t.Hash}})
	}
	head, vals, err := p.o.Reads.ReadFrom(ctx, ep.name, rs)
	r.observeAt = p.o.Now()
	if err != nil {
		r.err = ep.redact(rpcTimeoutError(ctx, err, p.o.Timeout))
		return r
	}
	var chainID hexutil.Big
	if err := vals[0].Decode(&chainID); err != nil {
		r.err = ep.redact(fmt.Errorf("eth_chainId: %w", err))
		return r
	}
	r.chainID = chainID.ToInt().Uint64()
	r.number = head.Number
	r.headTime = head.Time
	if vals[1].Err == nil {
		r.syncing, r.syncInfo = chain.DecodeSyncing(vals[1].Raw)
	}
	var peers hexutil.Uint64
	if vals[2].Decode(&peers) == nil {
		r.peers, r.hasPeers = uint64(peers), true
	}

	r.nonces = map[common.Address]nonces{}
	for a, n := range kept {
		r.nonces[a] = n
	}
	var again []reads.Read // mined nonces the pending ones showed moving
	var againFor []common.Address
	p.nmu.Lock()
	for i, a := range asked {
		var pending, mined hexutil.Uint64
		if vals[nonceAt+i].Decode(&pending) != nil {
			continue
		}
		key := pendingKey{endpoint: ep.name, account: a.Address}
		p.nonceAt[key] = now
		if j, ok := minedAt[a.Address]; ok {
			if vals[j].Decode(&mined) != nil {
				continue
			}
		} else if last := p.lastNonce[key].mined; uint64(pending) == last {
			// The mined nonce never passes the pending one, nor goes back.
			mined = hexutil.Uint64(last)
		} else {
			again = append(again, reads.Read{Method: "eth_getTransactionCount", Args: []any{a.Address, "latest"}})
			againFor = append(againFor, a.Address)
			r.nonces[a.Address] = nonces{pending: uint64(pending)}
			continue
		}
		r.nonces[a.Address] = nonces{pending: uint64(pending), mined: uint64(mined)}
		p.lastNonce[key] = r.nonces[a.Address]
	}
	p.nmu.Unlock()
	if len(again) > 0 {
		// A transaction entered the pool since the last run: one more round
		// trip, the only way to know whether it was mined too.
		_, mv, err := p.o.Reads.ReadFrom(ctx, ep.name, again)
		p.nmu.Lock()
		for i, a := range againFor {
			var mined hexutil.Uint64
			if err != nil || mv[i].Decode(&mined) != nil {
				delete(r.nonces, a)
				continue
			}
			n := r.nonces[a]
			n.mined = uint64(mined)
			r.nonces[a] = n
			p.lastNonce[pendingKey{endpoint: ep.name, account: a}] = n
		}
		p.nmu.Unlock()
	}

	r.txKnown = map[common.Hash]bool{}
	r.txMined = map[common.Hash]bool{}
	for i, t := range sent {
		var tx *rpcTx
		if vals[txAt+i].Decode(&tx) != nil {
			continue // no answer is not "unknown"
		}
		r.txKnown[t.Hash] = tx != nil
		r.txMined[t.Hash] = tx != nil && tx.BlockNumber != nil
	}
	return r
}
