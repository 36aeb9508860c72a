package probe

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
)

// Alert names of the accounts probe. All are judged from chain reads and
// Require "chain"; labels: orchestrator, account (role), address.
const (
	AlertBalanceLow       = "BalanceLow"       // warning: balance below warn_eth
	AlertBalanceCritical  = "BalanceCritical"  // critical: balance below critical_eth
	AlertRunwayLow        = "RunwayLow"        // warning: runway below runway_warn_rounds
	AlertRunwayCritical   = "RunwayCritical"   // critical: runway below runway_critical_rounds
	AlertGasPriceAboveCap = "GasPriceAboveCap" // warning: base fee at or above reward.max_fee_gwei
)

// defaultFeeRounds is how many settled rounds the fee average spans.
const defaultFeeRounds = 10

// Account is one account whose ETH pays for reward transactions.
type Account struct {
	// Role names it in labels and values: "orchestrator", "signer",
	// "reward_caller".
	Role    string
	Address common.Address
}

// AccountsConfig configures the accounts probe.
type AccountsConfig struct {
	Orchestrator common.Address
	// Accounts to watch; an address listed twice is watched once, under its
	// first role.
	Accounts []Account
	// RewardCaller returns the orchestrator's on-chain LIP-118 reward
	// caller (zero: none, or not read yet). It is called every run, since
	// the orchestrator may change it, and watched under the role
	// "reward_caller" unless it is already one of Accounts (lpops' own
	// signer usually is). nil: not watched.
	RewardCaller func() common.Address
	// Fleet lists the further orchestrators of a fleet, after Orchestrator,
	// in config order, each with its own accounts, reward caller and round
	// records: each has its own Result, named FleetName("accounts", o). See
	// Accounts for what a shared account costs and where its alerts go.
	Fleet []AccountsOrchestrator
	// Multicall: see StakeConfig.Multicall (the balances of a fleet, through
	// Multicall3's getEthBalance).
	Multicall func() (common.Address, bool)
	// Thresholds: probes.accounts.
	WarnETH, CriticalETH                   float64
	RunwayWarnRounds, RunwayCriticalRounds float64
	// MaxFee is reward.max_fee_gwei in wei per gas; nil skips GasPriceAboveCap.
	MaxFee *big.Int
	// FeeRounds is how many settled rounds the fee average spans (0 means 10).
	FeeRounds int
}

// AccountsOrchestrator is a further orchestrator of a fleet, for the
// accounts probe: as AccountsConfig's Orchestrator, Accounts and
// RewardCaller, with its own round records.
type AccountsOrchestrator struct {
	Orchestrator common.Address
	Accounts     []Account
	RewardCaller func() common.Address
	History      History
}

// History returns the newest n round records, newest first;
// (*keeper.Keeper).History satisfies it.
type History func(n int) ([]*keeper.Record, error)

// Accounts watches the ETH of the accounts that pay for reward: balance
// against warn/critical thresholds, the runway in rounds, and the gas price
// against the reward fee cap.
//
// # Runway
//
// runway = balance / (ETH the account spent per round), where the spend per
// round is averaged over the newest FeeRounds settled rounds of the keeper's
// records:
//
//   - lpops' own transactions of the round (reward, initializeRound, mined or
//     reverted) count at their fee_paid_wei (gasUsed × effectiveGasPrice from
//     the receipt), charged to the account that sent them;
//   - when the node rewarded, its reward transaction (the record's reward_tx,
//     found by the keeper from the Reward event) counts at its receipt's fee,
//     charged to the receipt's sender; receipts are read once and cached;
//   - a round counts when it was rewarded (by either), or lpops paid for
//     something in it; a round rewarded by the node whose transaction is not
//     known is left out rather than counted as free; inactive, missed and
//     unknown rounds where nothing was paid are left out.
//
// An account that paid nothing over the counted rounds, or when no round
// counts yet, has an unknown runway: no runway alert, no value.
//
// # A fleet
//
// With AccountsConfig.Fleet one run watches the accounts of every
// orchestrator of the fleet (a Multi: one Result per orchestrator), each
// distinct address read once, all in one batch (the balances through
// Multicall3 when AccountsConfig.Multicall says so). An account several
// orchestrators share (a LIP-118 reward caller paying for many) is one
// account: its spend per round is the sum of what each orchestrator's
// records show it paid per round (each averaged over that orchestrator's own
// counted rounds), so its runway counts every reward it pays for in a
// round. Its values appear in the Result of every orchestrator it pays for
// (the fee per round being the account's total), and its alerts once, in
// the Result and with the orchestrator label of the first of them in config
// order; their descriptions name them all. The gas price and
// GasPriceAboveCap are the chain's: in the first Result only.
type Accounts struct {
	cfg   AccountsConfig
	c     livepeer.Caller
	now   func() time.Time
	orchs []acctOrch // the first from AccountsConfig, then Fleet

	// receipts caches the cost of the node's reward transactions by hash.
	receipts map[common.Hash]txCost
	// watched are the accounts of the last successful run, so that the
	// alerts of one no longer watched (a replaced reward caller) resolve.
	watched []watched
}

var (
	_ Probe = (*Accounts)(nil)
	_ Multi = (*Accounts)(nil)
)

// acctOrch is one orchestrator whose accounts are watched.
type acctOrch struct {
	orch         common.Address
	name         string
	accounts     []Account // configured, each address once
	rewardCaller func() common.Address
	history      History
}

// watched is an account as a run judged it: its role and the orchestrator
// whose Result carries its alerts (their labels).
type watched struct {
	Account
	owner common.Address
}

type txCost struct {
	From common.Address
	Fee  *big.Int
}

// NewAccounts returns the accounts probe. history may be nil (no runway).
func NewAccounts(c livepeer.Caller, history History, cfg AccountsConfig, now func() time.Time) *Accounts {
	if now == nil {
		now = time.Now
	}
	if cfg.FeeRounds <= 0 {
		cfg.FeeRounds = defaultFeeRounds
	}
	orchs := []acctOrch{{orch: cfg.Orchestrator, name: "accounts", accounts: dedup(cfg.Accounts), rewardCaller: cfg.RewardCaller, history: history}}
	for _, f := range cfg.Fleet {
		orchs = append(orchs, acctOrch{orch: f.Orchestrator, name: FleetName("accounts", f.Orchestrator),
			accounts: dedup(f.Accounts), rewardCaller: f.RewardCaller, history: f.History})
	}
	cfg.Accounts = orchs[0].accounts
	return &Accounts{cfg: cfg, c: c, orchs: orchs, now: now, receipts: map[common.Hash]txCost{}}
}

// dedup drops zero addresses and the second listing of an address.
func dedup(in []Account) []Account {
	seen := map[common.Address]bool{}
	var out []Account
	for _, a := range in {
		if a.Address == (common.Address{}) || seen[a.Address] {
			continue
		}
		seen[a.Address] = true
		out = append(out, a)
	}
	return out
}

// Name implements Probe.
func (p *Accounts) Name() string { return "accounts" }

// Names implements Multi: "accounts", then "accounts-0x…" for each further
// orchestrator of a fleet.
func (p *Accounts) Names() []string {
	out := make([]string, len(p.orchs))
	for i, o := range p.orchs {
		out[i] = o.name
	}
	return out
}

// accounts are the accounts of o watched this run: the configured ones and
// the on-chain reward caller when it is another address.
func (o acctOrch) accountsNow() []Account {
	out := o.accounts
	if o.rewardCaller == nil {
		return out
	}
	c := o.rewardCaller()
	if c == (common.Address{}) || slices.ContainsFunc(out, func(a Account) bool { return a.Address == c }) {
		return out
	}
	return append(slices.Clip(out), Account{Role: RoleRewardCaller, Address: c})
}

// receipt is the part of a receipt the fee needs.
type feeReceipt struct {
	From              common.Address `json:"from"`
	GasUsed           hexutil.Uint64 `json:"gasUsed"`
	EffectiveGasPrice *hexutil.Big   `json:"effectiveGasPrice"`
}

// Check implements Probe: the first orchestrator's Result.
func (p *Accounts) Check(ctx context.Context) Result { return p.CheckAll(ctx)[0] }

// CheckAll implements Multi.
func (p *Accounts) CheckAll(ctx context.Context) []Result {
	orchs := make([]common.Address, len(p.orchs))
	for i, o := range p.orchs {
		orchs[i] = o.orch
	}
	run := newRunResults(p.Names(), orchs, p.now)
	rs, fail := run.rs, run.fail

	settled := make([][]*keeper.Record, len(p.orchs))
	for i, o := range p.orchs {
		if o.history == nil {
			continue
		}
		recs, err := o.history(p.cfg.FeeRounds + 1)
		if err != nil {
			rs[i].Evidence["history_error"] = err.Error()
		}
		for _, rec := range recs {
			if rec.Outcome != "" && len(settled[i]) < p.cfg.FeeRounds {
				settled[i] = append(settled[i], rec)
			}
		}
	}

	// Every orchestrator's accounts this run, and each address once: its
	// alerts go with the first orchestrator (and role) that has it.
	accounts := make([][]Account, len(p.orchs))
	var distinct []watched
	users := map[common.Address][]int{}
	for i, o := range p.orchs {
		accounts[i] = o.accountsNow()
		for _, a := range accounts[i] {
			if _, ok := users[a.Address]; !ok {
				distinct = append(distinct, watched{Account: a, owner: o.orch})
			}
			users[a.Address] = append(users[a.Address], i)
		}
	}

	// One batch: balances, the latest block's base fee, the gas price and
	// the receipts of node reward transactions not costed yet.
	balCalls := make([]*livepeer.ViewCall, len(distinct))
	for i, a := range distinct {
		balCalls[i] = livepeer.NewBalanceCall(a.Address)
	}
	vb, err := newViews(balCalls, p.cfg.Multicall)
	if err != nil {
		return fail("read balances: " + err.Error())
	}
	nv := len(vb.Elems())
	b := make([]rpc.BatchElem, 0, nv+2)
	b = append(b, vb.Elems()...)
	var block struct {
		BaseFee *hexutil.Big `json:"baseFeePerGas"`
	}
	var gasPrice hexutil.Big
	b = append(b,
		rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &block},
		rpc.BatchElem{Method: "eth_gasPrice", Result: &gasPrice},
	)
	nFixed := len(b)
	var want []common.Hash
	for _, set := range settled {
		for _, rec := range set {
			if h, ok := nodeRewardTx(rec); ok {
				if _, cached := p.receipts[h]; !cached && !containsHash(want, h) {
					want = append(want, h)
				}
			}
		}
	}
	rcpts := make([]*feeReceipt, len(want))
	for i, h := range want {
		b = append(b, rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{h}, Result: &rcpts[i]})
	}
	if err := p.c.BatchCall(ctx, b); err != nil {
		return fail("read balances: " + err.Error())
	}
	if err := batchError(b[:nFixed]); err != nil {
		return fail("read balances: " + err.Error())
	}
	if err := vb.Done(b[:nv]); err != nil {
		return fail("read balances: " + err.Error())
	}
	balances := make(map[common.Address]*big.Int, len(distinct))
	for i, a := range distinct {
		var v *big.Int
		if err := balCalls[i].Result(&v); err != nil {
			return fail("read balances: " + err.Error())
		}
		balances[a.Address] = v
	}
	for i, h := range want {
		if e := b[nFixed+i]; e.Error == nil && rcpts[i] != nil && rcpts[i].EffectiveGasPrice != nil {
			fee := new(big.Int).Mul(rcpts[i].EffectiveGasPrice.ToInt(), new(big.Int).SetUint64(uint64(rcpts[i].GasUsed)))
			p.receipts[h] = txCost{From: rcpts[i].From, Fee: fee}
		}
	}
	p.forget(slices.Concat(settled...))

	// What each account spends per round: the sum of every orchestrator's
	// average (one orchestrator: its own).
	perRound := make([]map[common.Address]*big.Int, len(p.orchs))
	counted := make([]int, len(p.orchs))
	spend := map[common.Address]*big.Int{}
	for i := range p.orchs {
		perRound[i], counted[i] = p.feePerRound(settled[i])
		for a, v := range perRound[i] {
			if spend[a] == nil {
				spend[a] = new(big.Int)
			}
			spend[a].Add(spend[a], v)
		}
	}
	runways := map[common.Address]float64{}
	for i, r := range rs {
		r.Values["fee_rounds"] = float64(counted[i])
		var total big.Int
		for _, v := range perRound[i] {
			total.Add(&total, v)
		}
		if counted[i] > 0 {
			r.Values["fee_per_round_eth"] = units(&total)
		}
		minRunway := math.Inf(1)
		for _, a := range accounts[i] {
			balance := balances[a.Address]
			eth := units(balance)
			r.Values["balance_eth_"+a.Role] = eth
			r.Evidence["balance_"+a.Role] = formatUnits(balance) + " ETH"
			spent := spend[a.Address]
			if spent == nil || spent.Sign() == 0 {
				continue // runway unknown: nothing spent yet from this account
			}
			runway := eth / units(spent)
			runways[a.Address] = runway
			minRunway = min(minRunway, runway)
			r.Values["runway_rounds_"+a.Role] = runway
			r.Values["fee_per_round_eth_"+a.Role] = units(spent)
		}
		if !math.IsInf(minRunway, 1) {
			r.Values["runway_rounds"] = minRunway
		}
	}
	// Each account's alerts once, in its owner's Result.
	for _, w := range distinct {
		i := p.indexOf(w.owner)
		balance := balances[w.Address]
		r := rs[i]
		r.Observations = append(r.Observations, p.balanceObservations(w, balance, units(balance), p.paysFor(users[w.Address]))...)
		if runway, ok := runways[w.Address]; ok {
			most := 0
			for _, j := range users[w.Address] {
				most = max(most, counted[j])
			}
			r.Observations = append(r.Observations, p.runwayObservations(w, balance, spend[w.Address], runway, most, p.paysFor(users[w.Address]))...)
		}
	}
	for _, a := range p.watched {
		if !slices.Contains(distinct, a) {
			r := rs[p.indexOf(a.owner)]
			r.Observations = append(r.Observations, p.forgotten(a)...)
		}
	}
	p.watched = distinct

	r := rs[0]
	var base *big.Int
	if block.BaseFee != nil {
		base = block.BaseFee.ToInt()
		r.Values["base_fee_gwei"] = gwei(base)
	}
	r.Values["gas_price_gwei"] = gwei(gasPrice.ToInt())
	if p.cfg.MaxFee != nil {
		r.Values["max_fee_gwei"] = gwei(p.cfg.MaxFee)
		r.Observations = append(r.Observations, p.gasObservation(base, gasPrice.ToInt()))
	}
	return run.done(true)
}

// indexOf is the place of an orchestrator among the watched; the first
// for any other.
func (p *Accounts) indexOf(orch common.Address) int {
	for i, o := range p.orchs {
		if o.orch == orch {
			return i
		}
	}
	return 0
}

// paysFor names the orchestrators at the indexes of an account shared by
// several, for descriptions; nil for one.
func (p *Accounts) paysFor(idx []int) []string {
	if len(idx) < 2 {
		return nil
	}
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = lower(p.orchs[i].orch)
	}
	return out
}

// nodeRewardTx returns the node's reward transaction of a round, if known.
func nodeRewardTx(rec *keeper.Record) (common.Hash, bool) {
	if rec.Outcome != keeper.OutcomeRewardedByNode || rec.RewardTx == "" {
		return common.Hash{}, false
	}
	return common.HexToHash(rec.RewardTx), true
}

func containsHash(hs []common.Hash, h common.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// forget drops cached receipts of rounds that left the window.
func (p *Accounts) forget(settled []*keeper.Record) {
	keep := map[common.Hash]bool{}
	for _, rec := range settled {
		if h, ok := nodeRewardTx(rec); ok {
			keep[h] = true
		}
	}
	for h := range p.receipts {
		if !keep[h] {
			delete(p.receipts, h)
		}
	}
}

// feePerRound averages what each account paid per counted round (see Accounts).
func (p *Accounts) feePerRound(settled []*keeper.Record) (map[common.Address]*big.Int, int) {
	sum := map[common.Address]*big.Int{}
	add := func(a common.Address, v *big.Int) {
		if sum[a] == nil {
			sum[a] = new(big.Int)
		}
		sum[a].Add(sum[a], v)
	}
	counted := 0
	for _, rec := range settled {
		paid := false
		round := map[common.Address]*big.Int{}
		for _, t := range rec.Txs {
			if f := t.FeePaid.Int(); f != nil && f.Sign() > 0 {
				if round[t.From] == nil {
					round[t.From] = new(big.Int)
				}
				round[t.From].Add(round[t.From], f)
				paid = true
			}
		}
		count := paid || rec.Outcome == keeper.OutcomeRewardedByLpops
		if h, ok := nodeRewardTx(rec); ok {
			c, known := p.receipts[h]
			if !known {
				continue // the round's main cost is unknown: leave it out
			}
			if round[c.From] == nil {
				round[c.From] = new(big.Int)
			}
			round[c.From].Add(round[c.From], c.Fee)
			count = true
		} else if rec.Outcome == keeper.OutcomeRewardedByNode {
			continue // the node's transaction is not known
		}
		if !count {
			continue
		}
		counted++
		for a, v := range round {
			add(a, v)
		}
	}
	if counted == 0 {
		return map[common.Address]*big.Int{}, 0
	}
	out := make(map[common.Address]*big.Int, len(sum))
	for a, v := range sum {
		out[a] = new(big.Int).Quo(v, big.NewInt(int64(counted)))
	}
	return out, counted
}

func (p *Accounts) labels(a watched) map[string]string {
	return map[string]string{"orchestrator": lower(a.owner), "account": a.Role, "address": lower(a.Address)}
}

// sharedText says, for an account shared by several orchestrators, whom it
// pays for.
func sharedText(paysFor []string) string {
	if len(paysFor) == 0 {
		return ""
	}
	return fmt.Sprintf(" It pays for the rewards of %d orchestrators: %s.", len(paysFor), strings.Join(paysFor, ", "))
}

// balanceObservations: below critical fires BalanceCritical only, between
// the thresholds BalanceLow only; both are always emitted so the other
// resolves.
func (p *Accounts) balanceObservations(a watched, balance *big.Int, eth float64, paysFor []string) []alert.Observation {
	crit := eth < p.cfg.CriticalETH
	warn := !crit && eth < p.cfg.WarnETH
	desc := fmt.Sprintf("%s account %s holds %s ETH; warning below %s ETH, critical below %s ETH. Reward transactions fail without gas money.",
		a.Role, lower(a.Address), formatUnits(balance), formatFloat(p.cfg.WarnETH), formatFloat(p.cfg.CriticalETH)) + sharedText(paysFor)
	return []alert.Observation{
		{Name: AlertBalanceCritical, Severity: alert.Critical, Firing: crit, Requires: "chain", Labels: p.labels(a), Description: desc,
			Summary: fmt.Sprintf("%s account %s balance %s ETH is below %s ETH", title(a.Role), short(a.Address), formatUnits(balance), formatFloat(p.cfg.CriticalETH))},
		{Name: AlertBalanceLow, Severity: alert.Warning, Firing: warn, Requires: "chain", Labels: p.labels(a), Description: desc,
			Summary: fmt.Sprintf("%s account %s balance %s ETH is below %s ETH", title(a.Role), short(a.Address), formatUnits(balance), formatFloat(p.cfg.WarnETH))},
	}
}

// forgotten resolves the alerts of an account no longer watched.
func (p *Accounts) forgotten(a watched) []alert.Observation {
	var out []alert.Observation
	for _, name := range []string{AlertBalanceCritical, AlertBalanceLow, AlertRunwayCritical, AlertRunwayLow} {
		out = append(out, alert.Observation{Name: name, Requires: "chain", Labels: p.labels(a),
			Description: fmt.Sprintf("%s account %s is no longer watched.", a.Role, lower(a.Address))})
	}
	return out
}

// runwayObservations judges an account's runway; counted is how many
// rounds its spend is averaged over (for a shared account, the most of
// its orchestrators').
func (p *Accounts) runwayObservations(a watched, balance, spent *big.Int, runway float64, counted int, paysFor []string) []alert.Observation {
	crit := runway < p.cfg.RunwayCriticalRounds
	warn := !crit && runway < p.cfg.RunwayWarnRounds
	over := fmt.Sprintf("over the last %d rounds that cost gas", counted)
	if len(paysFor) > 0 {
		over = fmt.Sprintf("for its %d orchestrators together, each averaged over its last rounds that cost gas (up to %d)", len(paysFor), counted)
	}
	desc := fmt.Sprintf("%s account %s holds %s ETH and spent on average %s ETH per round %s: about %.1f rounds left. Warning below %s rounds, critical below %s.",
		a.Role, lower(a.Address), formatUnits(balance), formatUnits(spent), over, runway,
		formatFloat(p.cfg.RunwayWarnRounds), formatFloat(p.cfg.RunwayCriticalRounds)) + sharedText(paysFor)
	summary := fmt.Sprintf("%s account %s has gas for about %.1f rounds", title(a.Role), short(a.Address), runway)
	return []alert.Observation{
		{Name: AlertRunwayCritical, Severity: alert.Critical, Firing: crit, Requires: "chain", Labels: p.labels(a), Summary: summary, Description: desc},
		{Name: AlertRunwayLow, Severity: alert.Warning, Firing: warn, Requires: "chain", Labels: p.labels(a), Summary: summary, Description: desc},
	}
}

// gasObservation mirrors the keeper's pricing: with EIP-1559 it waits while
// the base fee is at or above the cap; on a legacy chain while the gas price
// is above it.
func (p *Accounts) gasObservation(base, gasPrice *big.Int) alert.Observation {
	o := alert.Observation{Name: AlertGasPriceAboveCap, Severity: alert.Warning, Requires: "chain",
		Labels: map[string]string{"orchestrator": lower(p.cfg.Orchestrator)}}
	capGwei := strconv.FormatFloat(gwei(p.cfg.MaxFee), 'f', -1, 64)
	what, v := "base fee", base
	if base == nil {
		what, v = "gas price", gasPrice
		o.Firing = gasPrice.Cmp(p.cfg.MaxFee) > 0
	} else {
		o.Firing = base.Cmp(p.cfg.MaxFee) >= 0
	}
	o.Summary = fmt.Sprintf("Gas %s %s gwei vs the reward fee cap %s gwei", what, strconv.FormatFloat(gwei(v), 'f', -1, 64), capGwei)
	o.Description = fmt.Sprintf("The %s is %s wei/gas and reward.max_fee_gwei caps fees at %s wei/gas: lpops waits for the fee to fall rather than pay more. Raise the cap if rounds are at risk.",
		what, v, p.cfg.MaxFee)
	return o
}

// title capitalizes a role for a summary: "reward_caller" -> "Reward caller".
func title(role string) string {
	s := roleText(role)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// short abbreviates an address for summaries; labels carry it in full.
func short(a common.Address) string {
	h := lower(a)
	return h[:6] + "…" + h[len(h)-4:]
}
