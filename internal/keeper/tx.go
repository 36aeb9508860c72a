package keeper

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/livepeer"
)

// receipt is the subset of a transaction receipt lpops reads; Arbitrum adds
// fields (gasUsedForL1, l1BlockNumber) that are ignored.
type receipt struct {
	Status            hexutil.Uint64 `json:"status"`
	BlockNumber       hexutil.Uint64 `json:"blockNumber"`
	GasUsed           hexutil.Uint64 `json:"gasUsed"`
	EffectiveGasPrice *hexutil.Big   `json:"effectiveGasPrice"`
	Logs              []livepeer.Log `json:"logs"`
}

// reconcile checks every transaction of the round that may be on the network:
// receipts and the account nonce in one batch.
func (k *Keeper) reconcile(ctx context.Context, rec *Record, snap *livepeer.Snapshot) error {
	var open []*Tx
	for _, t := range rec.Txs {
		if t.inFlight() {
			open = append(open, t)
		}
	}
	if len(open) == 0 {
		return nil
	}
	from := open[0].From
	receipts, mined, err := k.readReceipts(ctx, from, open)
	if err != nil {
		return err
	}
	// A nonce that moved while a receipt is missing may be a block landing
	// between the two reads, or a load-balanced endpoint whose receipt index
	// lags: ask once more before calling any of ours dropped.
	for i, t := range open {
		if receipts[i] == nil && mined > t.Nonce {
			again, _, err := k.readReceipts(ctx, from, open)
			if err != nil {
				return err
			}
			receipts = again
			break
		}
	}
	minedNonces := map[uint64]bool{}
	for i, t := range open {
		r := receipts[i]
		if r == nil {
			continue
		}
		minedNonces[t.Nonce] = true
		t.Block, t.GasUsed = uint64(r.BlockNumber), uint64(r.GasUsed)
		if r.EffectiveGasPrice != nil {
			t.FeePaid = (*Wei)(new(big.Int).Mul(r.EffectiveGasPrice.ToInt(), new(big.Int).SetUint64(t.GasUsed)))
		}
		if r.Status == 1 && t.Kind == KindReward && uint64(r.BlockNumber) <= snap.Head && snap.Transcoder.LastRewardRound < rec.Round {
			// A successful reward mined in this round would have set
			// lastRewardRound to it: at or before the block this snapshot
			// read, it did not, so the transaction (carried over from the
			// previous round, whose record could not be settled first: a
			// round change between two reads, or a kill) rewarded an earlier
			// round. This round's reward is still due.
			t.State, t.EarlierRound = TxMined, true
			t.Error = fmt.Sprintf("mined at block %d, before round %d: it rewarded an earlier round", t.Block, rec.Round)
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxMined)
			k.log.Info("carried-over transaction was mined in an earlier round", "kind", t.Kind, "round", rec.Round, "tx", t.Hash, "block", t.Block)
			rec.Attempts, rec.NextAttemptAt = 0, k.now()
		} else if r.Status == 1 {
			t.State = TxMined
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxMined)
			k.log.Info("transaction mined", "kind", t.Kind, "round", rec.Round, "tx", t.Hash, "block", t.Block, "gas_used", t.GasUsed)
			if t.Kind == KindReward {
				for _, l := range r.Logs {
					if ev, ok := livepeer.DecodeReward(k.addrs.BondingManager, l); ok && ev.Transcoder == k.cfg.Orchestrator {
						rec.RewardAmount = (*Wei)(ev.Amount)
					}
				}
			}
			rec.Attempts, rec.NextAttemptAt = 0, k.now()
		} else {
			t.State = TxReverted
			t.Error = "reverted on chain"
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxReverted)
			k.log.Warn("transaction reverted on chain", "kind", t.Kind, "round", rec.Round, "tx", t.Hash)
			k.backoff(rec, StateRetrying, fmt.Sprintf("%s transaction %s reverted on chain", t.Kind, t.Hash.Hex()))
		}
	}
	for _, t := range open {
		if !t.inFlight() {
			continue
		}
		switch {
		case minedNonces[t.Nonce]:
			t.State = TxReplaced
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxReplaced)
		case mined > t.Nonce:
			// Its nonce went to a transaction lpops did not send (the node
			// shares the account): this one can never be mined.
			t.State = TxDropped
			t.Error = "nonce used by another transaction"
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxDropped)
			k.log.Info("transaction superseded by another sender's transaction", "kind", t.Kind, "tx", t.Hash, "nonce", t.Nonce)
			rec.NextAttemptAt = k.now()
		case t.State == TxSigned && !k.canSend():
			// Signed in act mode before a restart into observe mode (or a
			// read-only look): observe never sends, so it is only tracked.
			k.log.Warn("not broadcasting a transaction signed before: this keeper does not send", "kind", t.Kind, "tx", t.Hash, "nonce", t.Nonce)
		case t.State == TxSigned:
			// Written before a crash, maybe never broadcast: send it now.
			// Broadcasting the same bytes twice is harmless.
			k.broadcast(ctx, rec, t)
		}
	}
	return nil
}

// readReceipts reads the account's mined nonce and then the receipts of txs,
// in one batch: the nonce first, so a receipt missing after it is not a block
// that landed between the two.
func (k *Keeper) readReceipts(ctx context.Context, from common.Address, txs []*Tx) ([]*receipt, uint64, error) {
	receipts := make([]*receipt, len(txs))
	var mined hexutil.Uint64
	batch := make([]rpc.BatchElem, 0, len(txs)+1)
	batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionCount", Args: []any{from, "latest"}, Result: &mined})
	for i, t := range txs {
		batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{t.Hash}, Result: &receipts[i]})
	}
	if err := k.chain.BatchCall(ctx, batch); err != nil {
		return nil, 0, err
	}
	if e := batch[0]; e.Error != nil {
		return nil, 0, fmt.Errorf("nonce of %s: %w", from, e.Error)
	}
	for i, t := range txs {
		if e := batch[i+1].Error; e != nil {
			return nil, 0, fmt.Errorf("receipt of %s: %w", t.Hash.Hex(), e)
		}
	}
	return receipts, uint64(mined), nil
}

// prep is what a send needs to know, read in one batch.
type prep struct {
	callErr, estErr error
	gas             hexutil.Uint64
	pending, mined  hexutil.Uint64
	tip, gasPrice   hexutil.Big
	balance         hexutil.Big
	head            struct {
		BaseFee *hexutil.Big `json:"baseFeePerGas"`
	}
}

// baseFee is the latest block's base fee, nil on a chain without EIP-1559.
func (p *prep) baseFee() *big.Int {
	if p.head.BaseFee == nil {
		return nil
	}
	return p.head.BaseFee.ToInt()
}

func (k *Keeper) prepare(ctx context.Context, to common.Address, data []byte) (*prep, error) {
	from := k.signer.Address()
	msg := map[string]any{"from": from, "to": to, "data": hexutil.Bytes(data)}
	var p prep
	var out hexutil.Bytes
	// The nonces come first and the simulation after them: a node answers
	// a batch in order, so if a block lands in between (say, lpops' own
	// reward from a record it lost, waiting in the pool when the nonces were
	// read), the simulation sees it and reverts "already called", instead
	// of a simulation from before the block passing with nonces from after
	// it, which would send a second reward.
	b := []rpc.BatchElem{
		{Method: "eth_getTransactionCount", Args: []any{from, "pending"}, Result: &p.pending},
		{Method: "eth_getTransactionCount", Args: []any{from, "latest"}, Result: &p.mined},
		{Method: "eth_call", Args: []any{msg, "latest"}, Result: &out},
		{Method: "eth_estimateGas", Args: []any{msg, "latest"}, Result: &p.gas}, // not pending: our own stuck tx would make it revert
		{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &p.head},
		{Method: "eth_gasPrice", Result: &p.gasPrice},
		{Method: "eth_getBalance", Args: []any{from, "latest"}, Result: &p.balance},
		{Method: "eth_maxPriorityFeePerGas", Result: &p.tip},
	}
	if err := k.chain.BatchCall(ctx, b); err != nil {
		return nil, err
	}
	p.callErr, p.estErr = b[2].Error, b[3].Error
	for i, e := range b[:len(b)-1] {
		if i != 2 && i != 3 && e.Error != nil {
			return nil, fmt.Errorf("%s: %w", e.Method, e.Error)
		}
	}
	if b[len(b)-1].Error != nil {
		// Not every node answers eth_maxPriorityFeePerGas: tip from gas price.
		p.tip = hexutil.Big(*new(big.Int).Set(p.gasPrice.ToInt()))
		if p.head.BaseFee != nil && p.tip.ToInt().Cmp(p.head.BaseFee.ToInt()) >= 0 {
			p.tip = hexutil.Big(*new(big.Int).Sub(p.gasPrice.ToInt(), p.head.BaseFee.ToInt()))
		}
	}
	return &p, nil
}

// send simulates, prices, signs, persists and broadcasts one transaction.
func (k *Keeper) send(ctx context.Context, rec *Record, snap *livepeer.Snapshot, kind, method string, to common.Address, data []byte, feeCap *big.Int) {
	rec.State, rec.Reason = StateSending, ""
	p, err := k.prepare(ctx, to, data)
	if err != nil {
		k.backoff(rec, StateRetrying, "prepare "+method+": "+err.Error())
		return
	}
	for _, e := range []error{p.callErr, p.estErr} {
		if e == nil {
			continue
		}
		if !livepeer.IsRevert(e) {
			k.backoff(rec, StateRetrying, "simulate "+method+": "+e.Error())
			return
		}
		reason := livepeer.RevertReason(e)
		if strings.Contains(reason, "already called reward") || strings.Contains(reason, "round already initialized") {
			// Someone (the node) just did it: read again at once.
			rec.State, rec.Reason = StateRetrying, "simulation says done: "+reason
			rec.NextAttemptAt = k.now()
			return
		}
		k.log.Warn("not sending: the call would revert", "method", method, "round", rec.Round, "reason", reason)
		k.backoff(rec, StateWouldRevert, fmt.Sprintf("%s would revert: %s", method, reason))
		return
	}

	// others is the least nonce the other keepers of a shared signer leave
	// free: above every one they hold open (0 without a shared signer).
	var others uint64
	if k.nonces != nil {
		others = k.nonces.NextAfterOthers(k.cfg.Orchestrator)
	}
	if _, ok := rec.openNonce(kind); !ok && k.unknownInPool(uint64(p.mined), uint64(p.pending)) && k.nearQuarantine(rec.Round) {
		// The record that would name lpops' transactions in flight was
		// unreadable: a transaction of this account waiting in a pool may
		// be lpops' own reward. A fresh nonce would queue a second behind
		// it; replacing it blindly could cancel the node's transaction on
		// a shared account. Wait until it is mined or dropped.
		k.backoff(rec, StateUnknownInFlight, fmt.Sprintf(
			"round %d's record was unreadable (quarantined) and account %s has %d transaction(s) in a pool (pending nonce %d, mined %d) that may be lpops' own: waiting for them to be mined or dropped before sending",
			rec.Round, k.signer.Address(), uint64(p.pending)-uint64(p.mined), uint64(p.pending), uint64(p.mined)))
		return
	}
	// A fresh nonce: the account's pending nonce, above every nonce another
	// keeper of a shared signer holds open (its transaction may sit in a
	// pool this endpoint does not see, or be stuck): allocated in the
	// fleet's stepping order, never reused.
	nonce := max(uint64(p.pending), others)
	if n, ok := rec.openNonce(kind); ok && n >= uint64(p.mined) && !k.nonceUsedByOtherKind(rec, kind, n) && !k.nonceHeldByOther(n) {
		nonce = n // replace, never add a second
	}
	baseFee := p.baseFee()
	maxFee, tip, reason := price(baseFee, p.gasPrice.ToInt(), p.tip.ToInt(), feeCap, k.cfg.MaxTip)
	if reason != "" {
		k.backoff(rec, StateFeeAboveCap, reason)
		return
	}
	if prevMax, prevTip := rec.highestFee(nonce); prevMax != nil {
		needMax, needTip := bump(prevMax), bump(prevTip)
		if over := k.overCaps(needMax, needTip, feeCap, baseFee != nil); over != "" {
			// Cannot outbid our own pending transaction under the caps:
			// keep it alive instead.
			if open := rec.inFlight(kind); len(open) > 0 {
				newest := open[len(open)-1]
				k.broadcast(ctx, rec, newest)
				if rec.State == StatePending {
					rec.Reason = fmt.Sprintf("transaction %s stuck; a replacement needs %s; re-broadcast it instead", newest.Hash.Hex(), over)
				}
				return
			}
		} else {
			maxFee, tip = bigMax(maxFee, needMax), bigMax(tip, needTip)
			// A pool replaces only when both fees rise: raise the max fee
			// to the tip rather than clip the tip (both under the caps).
			maxFee = bigMax(maxFee, tip)
		}
	}
	gas, err := gasLimit(uint64(p.gas))
	if err != nil {
		k.log.Warn("not sending: gas estimate above the bound", "method", method, "round", rec.Round, "estimate", uint64(p.gas), "bound", MaxGasEstimate)
		k.backoff(rec, StateGasAboveBound, method+": "+err.Error())
		return
	}
	need := new(big.Int).Mul(maxFee, new(big.Int).SetUint64(gas))
	if p.balance.ToInt().Cmp(need) < 0 {
		k.insufficient(rec, kind, p.balance.ToInt(), need, gas, maxFee)
		return
	}

	var txdata types.TxData
	if baseFee != nil {
		txdata = &types.DynamicFeeTx{ChainID: k.cfg.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: maxFee, Gas: gas, To: &to, Data: data}
	} else {
		txdata = &types.LegacyTx{Nonce: nonce, GasPrice: maxFee, Gas: gas, To: &to, Data: data}
		tip = maxFee
	}
	signed, err := k.signer.Sign(types.NewTx(txdata))
	if err != nil {
		k.backoff(rec, StateCannotSign, "sign "+method+": "+err.Error())
		return
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		k.backoff(rec, StateRetrying, "encode transaction: "+err.Error())
		return
	}
	t := &Tx{
		Kind: kind, Method: method, Hash: signed.Hash(), Nonce: nonce, GasLimit: gas,
		MaxFee: (*Wei)(maxFee), Tip: (*Wei)(tip), Raw: raw, State: TxSigned,
		SignedAt: k.now(), From: k.signer.Address(), SentBlockNum: snap.BlockNum, SentHead: snap.Head,
	}
	if prev := rec.inFlight(kind); len(prev) > 0 {
		k.log.Info("replacing stuck transaction", "kind", kind, "old", prev[len(prev)-1].Hash, "new", t.Hash, "nonce", nonce, "max_fee", maxFee, "tip", tip)
		k.m.countTx(k.cfg.Orchestrator, kind, "replacement")
	}
	rec.Txs = append(rec.Txs, t)
	// Persist before broadcast: after a crash the record shows everything
	// that may be on the network.
	if err := k.records.Save(rec); err != nil {
		rec.Txs = rec.Txs[:len(rec.Txs)-1]
		k.backoff(rec, StateRetrying, "persist transaction before sending: "+err.Error())
		return
	}
	k.broadcast(ctx, rec, t)
}

// broadcast sends t's signed bytes and classifies the answer.
func (k *Keeper) broadcast(ctx context.Context, rec *Record, t *Tx) {
	_, err := k.chain.Broadcast(ctx, t.Raw)
	t.SentAt = k.now()
	switch {
	case err == nil, errors.Is(err, chain.ErrAlreadyKnown):
		if t.State == TxSigned {
			k.m.countTx(k.cfg.Orchestrator, t.Kind, TxSent)
			k.log.Info("transaction sent", "kind", t.Kind, "method", t.Method, "round", rec.Round, "tx", t.Hash, "nonce", t.Nonce,
				"max_fee_per_gas", t.MaxFee.Int(), "tip", t.Tip.Int(), "gas", t.GasLimit)
		}
		t.State, t.Error = TxSent, ""
		rec.State, rec.Reason = StatePending, fmt.Sprintf("%s transaction %s pending", t.Kind, t.Hash.Hex())
		rec.FundsNeeded, rec.FundsKind = nil, ""
	case errors.Is(err, chain.ErrNonceTooLow):
		// The nonce is consumed: by another sender of a shared account (the
		// node), or by this very transaction, mined since an earlier
		// broadcast (a re-broadcast after a crash or of a stuck one). Only
		// its receipt tells which: it stays in flight, and the next read,
		// at once, credits it or marks it dropped (reconcile). Marking it
		// rejected would lose a mined reward of lpops' own.
		t.State, t.Error = TxSent, err.Error()
		rec.State, rec.Reason = StatePending, fmt.Sprintf("nonce too low for %s transaction %s: nonce %d is used, by it or by another sender; re-reading", t.Kind, t.Hash.Hex(), t.Nonce)
		rec.NextAttemptAt = k.now()
	case errors.Is(err, chain.ErrInsufficientFunds):
		t.State, t.Error = TxRejected, err.Error()
		k.m.countTx(k.cfg.Orchestrator, t.Kind, TxRejected)
		need := new(big.Int).Mul(t.MaxFee.Int(), new(big.Int).SetUint64(t.GasLimit))
		k.insufficient(rec, t.Kind, nil, need, t.GasLimit, t.MaxFee.Int())
		// The node counts what lpops could not see (pending transactions
		// of a shared account, a balance that just moved): the balance may
		// already look sufficient, so the retry waits out a backoff too.
		k.retryLater(rec)
	case errors.Is(err, chain.ErrReplacementUnderpriced), errors.Is(err, chain.ErrFeeCapTooLow),
		errors.Is(err, chain.ErrUnderpriced), errors.Is(err, chain.ErrGasLimit):
		t.State, t.Error = TxRejected, err.Error()
		k.m.countTx(k.cfg.Orchestrator, t.Kind, TxRejected)
		k.backoff(rec, StateRetrying, "rejected: "+err.Error())
	default:
		// Unknown outcome (timeout, connection lost, or one endpoint's
		// rejection next to another's lost answer: chain.ErrOutcomeUnknown):
		// it may be in a pool. Keep it in flight, its nonce open; receipts
		// and the nonce will tell.
		t.State, t.Error = TxSent, err.Error()
		rec.State, rec.Reason = StatePending, "broadcast outcome unknown: "+err.Error()
		if errors.Is(err, chain.ErrOutcomeUnknown) {
			rec.Reason = err.Error() + "; tracking it as possibly pending, its nonce kept"
		}
		k.log.Warn("broadcast failed; tracking the transaction as possibly sent", "tx", t.Hash, "err", err)
	}
}

// insufficient records that the balance does not cover an attempt of kind:
// nothing of kind is sent again until it covers need (see ready). It logs
// once, when the keeper enters that state, not on every attempt.
func (k *Keeper) insufficient(rec *Record, kind string, bal, need *big.Int, gas uint64, maxFee *big.Int) {
	if rec.FundsNeeded == nil || rec.FundsKind != kind {
		k.log.Error("not sending: balance does not cover the call; will resume when funded",
			"kind", kind, "account", k.signer.Address(), "balance_wei", bal, "needed_wei", need)
	}
	rec.State = StateInsufficientFunds
	rec.FundsNeeded, rec.FundsKind = (*Wei)(need), kind
	rec.Reason = fmt.Sprintf("insufficient funds: account %s needs %s wei (gas %d × max fee %s wei)", k.signer.Address(), need, gas, maxFee)
	if bal != nil {
		rec.Reason += fmt.Sprintf(", has %s wei", bal)
	} else {
		rec.Reason += "; the node refused the transaction"
	}
}

// overCaps says which cap a replacement priced at maxFee and tip would
// break ("" when none): maxFee above feeCap, or, on an EIP-1559 chain, the
// tip above max_priority_fee_gwei or above feeCap. Compounding 12.5 % bumps
// would otherwise carry the tip to the fee cap.
func (k *Keeper) overCaps(maxFee, tip, feeCap *big.Int, dynamic bool) string {
	switch {
	case maxFee.Cmp(feeCap) > 0:
		return fmt.Sprintf("a max fee of %s wei/gas, above the cap %s", maxFee, feeCap)
	case !dynamic:
		return ""
	case k.cfg.MaxTip != nil && tip.Cmp(k.cfg.MaxTip) > 0:
		return fmt.Sprintf("a priority fee of %s wei/gas, above max_priority_fee_gwei (%s wei/gas)", tip, k.cfg.MaxTip)
	case tip.Cmp(feeCap) > 0:
		return fmt.Sprintf("a priority fee of %s wei/gas, above the cap %s", tip, feeCap)
	}
	return ""
}

// unknownInPool reports whether the account has a transaction waiting in a
// pool (a nonce in [mined, pending)) that no other keeper of a shared
// signer holds open: one lpops may have sent and no longer knows.
func (k *Keeper) unknownInPool(mined, pending uint64) bool {
	if pending <= mined {
		return false
	}
	if k.nonces == nil {
		return true
	}
	const scan = 256 // far more than a fleet holds open at once
	for n := mined; n < pending && n < mined+scan; n++ {
		if _, ok := k.nonces.HeldByOther(k.cfg.Orchestrator, n); !ok {
			return true
		}
	}
	return pending > mined+scan
}

// nonceHeldByOther reports whether another keeper of a shared signer holds
// nonce n open: replacing it would cancel another orchestrator's transaction.
func (k *Keeper) nonceHeldByOther(n uint64) bool {
	if k.nonces == nil {
		return false
	}
	o, ok := k.nonces.HeldByOther(k.cfg.Orchestrator, n)
	if ok {
		k.log.Warn("not replacing: another orchestrator's transaction holds the nonce", "nonce", n, "held_by", o)
	}
	return ok
}

func (k *Keeper) nonceUsedByOtherKind(rec *Record, kind string, n uint64) bool {
	for _, t := range rec.Txs {
		if t.Kind != kind && t.Nonce == n && t.State != TxRejected {
			return true
		}
	}
	return false
}

// MaxGasEstimate bounds the eth_estimateGas answer lpops signs for. On
// Arbitrum One a reward call uses about 350k-515k gas and initializeRound
// less; 2,000,000 leaves room for an L1 data component in the estimate and
// a contract upgrade, while an endpoint that is faulty or hostile cannot
// make lpops sign gas × max fee for a limit far beyond any real call.
const MaxGasEstimate = 2_000_000

// gasLimit is the gas limit for an estimate: 25 % above it, so a state
// change between the estimate and inclusion does not run out of gas. An
// estimate above MaxGasEstimate is refused (no overflow can follow).
func gasLimit(estimate uint64) (uint64, error) {
	if estimate > MaxGasEstimate {
		return 0, fmt.Errorf("the endpoint's gas estimate %d is above the bound of %d gas; refusing to sign (a faulty endpoint, or a call far costlier than a reward)", estimate, uint64(MaxGasEstimate))
	}
	return estimate * 5 / 4, nil
}

// price picks maxFeePerGas and the tip under the cap, or says why it cannot.
func price(baseFee, gasPrice, suggestedTip, feeCap, tipCap *big.Int) (maxFee, tip *big.Int, reason string) {
	if baseFee == nil { // pre-London chain: legacy gas price
		if gasPrice.Cmp(feeCap) > 0 {
			return nil, nil, fmt.Sprintf("gas price %s wei above the cap %s wei", gasPrice, feeCap)
		}
		return new(big.Int).Set(gasPrice), new(big.Int).Set(gasPrice), ""
	}
	if baseFee.Cmp(feeCap) >= 0 {
		return nil, nil, fmt.Sprintf("base fee %s wei/gas at or above the cap %s wei/gas; waiting for it to fall", baseFee, feeCap)
	}
	tip = new(big.Int).Set(suggestedTip)
	if tipCap != nil && tip.Cmp(tipCap) > 0 {
		tip.Set(tipCap)
	}
	maxFee = new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	if maxFee.Cmp(feeCap) > 0 {
		maxFee.Set(feeCap)
	}
	if room := new(big.Int).Sub(maxFee, baseFee); tip.Cmp(room) > 0 {
		tip = room
	}
	return maxFee, tip, ""
}

// bump returns v raised by 12.5 %, rounded up, and at least v+1: above the
// replacement threshold of geth (10 %) and of stricter pools.
func bump(v *big.Int) *big.Int {
	if v == nil || v.Sign() == 0 {
		return big.NewInt(1)
	}
	b := new(big.Int).Mul(v, big.NewInt(1125))
	b.Add(b, big.NewInt(999))
	b.Div(b, big.NewInt(1000))
	if b.Cmp(v) <= 0 {
		b.Add(v, big.NewInt(1))
	}
	return b
}

func bigMax(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}
