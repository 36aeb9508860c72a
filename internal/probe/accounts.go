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
	// Thresholds: probes.accounts.
	WarnETH, CriticalETH                   float64
	RunwayWarnRounds, RunwayCriticalRounds float64
	// MaxFee is reward.max_fee_gwei in wei per gas; nil skips GasPriceAboveCap.
	MaxFee *big.Int
	// FeeRounds is how many settled rounds the fee average spans (0 means 10).
	FeeRounds int
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
type Accounts struct {
	cfg     AccountsConfig
	c       livepeer.Caller
	history History
	now     func() time.Time

	// receipts caches the cost of the node's reward transactions by hash.
	receipts map[common.Hash]txCost
	// watched are the accounts of the last successful run, so that the
	// alerts of one no longer watched (a replaced reward caller) resolve.
	watched []Account
}

var _ Probe = (*Accounts)(nil)

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
	seen := map[common.Address]bool{}
	var accts []Account
	for _, a := range cfg.Accounts {
		if a.Address == (common.Address{}) || seen[a.Address] {
			continue
		}
		seen[a.Address] = true
		accts = append(accts, a)
	}
	cfg.Accounts = accts
	return &Accounts{cfg: cfg, c: c, history: history, now: now, receipts: map[common.Hash]txCost{}}
}

// Name implements Probe.
func (p *Accounts) Name() string { return "accounts" }

// accounts are the accounts watched this run: the configured ones and the
// on-chain reward caller when it is another address.
func (p *Accounts) accounts() []Account {
	out := p.cfg.Accounts
	if p.cfg.RewardCaller == nil {
		return out
	}
	c := p.cfg.RewardCaller()
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

// Check implements Probe.
func (p *Accounts) Check(ctx context.Context) Result {
	start := p.now()
	r := &Result{Probe: p.Name(), Values: map[string]float64{}, Evidence: map[string]string{}}

	var settled []*keeper.Record
	if p.history != nil {
		recs, err := p.history(p.cfg.FeeRounds + 1)
		if err != nil {
			r.Evidence["history_error"] = err.Error()
		}
		for _, rec := range recs {
			if rec.Outcome != "" && len(settled) < p.cfg.FeeRounds {
				settled = append(settled, rec)
			}
		}
	}

	accounts := p.accounts()
	// One batch: balances, the latest block's base fee, the gas price and
	// the receipts of node reward transactions not costed yet.
	b := make([]rpc.BatchElem, 0, len(accounts)+2)
	bal := make([]hexutil.Big, len(accounts))
	for i, a := range accounts {
		b = append(b, rpc.BatchElem{Method: "eth_getBalance", Args: []any{a.Address, "latest"}, Result: &bal[i]})
	}
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
	for _, rec := range settled {
		if h, ok := nodeRewardTx(rec); ok {
			if _, cached := p.receipts[h]; !cached && !containsHash(want, h) {
				want = append(want, h)
			}
		}
	}
	rcpts := make([]*feeReceipt, len(want))
	for i, h := range want {
		b = append(b, rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{h}, Result: &rcpts[i]})
	}
	if err := p.c.BatchCall(ctx, b); err != nil {
		r.Error = "read balances: " + err.Error()
		return finish(r, start, p.now)
	}
	if err := batchError(b[:nFixed]); err != nil {
		r.Error = "read balances: " + err.Error()
		return finish(r, start, p.now)
	}
	for i, h := range want {
		if e := b[nFixed+i]; e.Error == nil && rcpts[i] != nil && rcpts[i].EffectiveGasPrice != nil {
			fee := new(big.Int).Mul(rcpts[i].EffectiveGasPrice.ToInt(), new(big.Int).SetUint64(uint64(rcpts[i].GasUsed)))
			p.receipts[h] = txCost{From: rcpts[i].From, Fee: fee}
		}
	}
	p.forget(settled)

	perRound, counted := p.feePerRound(settled)
	r.Values["fee_rounds"] = float64(counted)
	var total big.Int
	for _, v := range perRound {
		total.Add(&total, v)
	}
	if counted > 0 {
		r.Values["fee_per_round_eth"] = units(&total)
	}

	minRunway := math.Inf(1)
	for i, a := range accounts {
		balance := bal[i].ToInt()
		eth := units(balance)
		r.Values["balance_eth_"+a.Role] = eth
		r.Evidence["balance_"+a.Role] = formatUnits(balance) + " ETH"
		r.Observations = append(r.Observations, p.balanceObservations(a, balance, eth)...)

		spent := perRound[a.Address]
		if counted == 0 || spent == nil || spent.Sign() == 0 {
			continue // runway unknown: nothing spent yet from this account
		}
		runway := eth / units(spent)
		minRunway = min(minRunway, runway)
		r.Values["runway_rounds_"+a.Role] = runway
		r.Values["fee_per_round_eth_"+a.Role] = units(spent)
		r.Observations = append(r.Observations, p.runwayObservations(a, balance, spent, runway, counted)...)
	}
	if !math.IsInf(minRunway, 1) {
		r.Values["runway_rounds"] = minRunway
	}
	for _, a := range p.watched {
		if !slices.Contains(accounts, a) {
			r.Observations = append(r.Observations, p.forgotten(a)...)
		}
	}
	p.watched = accounts

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
	r.Success = true
	return finish(r, start, p.now)
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

func (p *Accounts) labels(a Account) map[string]string {
	return map[string]string{"orchestrator": lower(p.cfg.Orchestrator), "account": a.Role, "address": lower(a.Address)}
}

// balanceObservations: below critical fires BalanceCritical only, between
// the thresholds BalanceLow only; both are always emitted so the other
// resolves.
func (p *Accounts) balanceObservations(a Account, balance *big.Int, eth float64) []alert.Observation {
	crit := eth < p.cfg.CriticalETH
	warn := !crit && eth < p.cfg.WarnETH
	desc := fmt.Sprintf("%s account %s holds %s ETH; warning below %s ETH, critical below %s ETH. Reward transactions fail without gas money.",
		a.Role, lower(a.Address), formatUnits(balance), formatFloat(p.cfg.WarnETH), formatFloat(p.cfg.CriticalETH))
	return []alert.Observation{
		{Name: AlertBalanceCritical, Severity: alert.Critical, Firing: crit, Requires: "chain", Labels: p.labels(a), Description: desc,
			Summary: fmt.Sprintf("%s account %s balance %s ETH is below %s ETH", title(a.Role), short(a.Address), formatUnits(balance), formatFloat(p.cfg.CriticalETH))},
		{Name: AlertBalanceLow, Severity: alert.Warning, Firing: warn, Requires: "chain", Labels: p.labels(a), Description: desc,
			Summary: fmt.Sprintf("%s account %s balance %s ETH is below %s ETH", title(a.Role), short(a.Address), formatUnits(balance), formatFloat(p.cfg.WarnETH))},
	}
}

// forgotten resolves the alerts of an account no longer watched.
func (p *Accounts) forgotten(a Account) []alert.Observation {
	var out []alert.Observation
	for _, name := range []string{AlertBalanceCritical, AlertBalanceLow, AlertRunwayCritical, AlertRunwayLow} {
		out = append(out, alert.Observation{Name: name, Requires: "chain", Labels: p.labels(a),
			Description: fmt.Sprintf("%s account %s is no longer watched.", a.Role, lower(a.Address))})
	}
	return out
}

func (p *Accounts) runwayObservations(a Account, balance, spent *big.Int, runway float64, counted int) []alert.Observation {
	crit := runway < p.cfg.RunwayCriticalRounds
	warn := !crit && runway < p.cfg.RunwayWarnRounds
	desc := fmt.Sprintf("%s account %s holds %s ETH and spent on average %s ETH per round over the last %d rounds that cost gas: about %.1f rounds left. Warning below %s rounds, critical below %s.",
		a.Role, lower(a.Address), formatUnits(balance), formatUnits(spent), counted, runway,
		formatFloat(p.cfg.RunwayWarnRounds), formatFloat(p.cfg.RunwayCriticalRounds))
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
