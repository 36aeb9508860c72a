package probe

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// FeesConfig configures the fees probe.
type FeesConfig struct {
	Orchestrator common.Address
	Contracts    livepeer.Addresses
	// Confirmations and MaxLogRange: probes.stake (one setting for all logs).
	Confirmations uint64
	MaxLogRange   uint64
	// StartBlock: see CursorConfig.
	StartBlock uint64
	// PendingMaxAge is how long pendingFees is kept while the round is the
	// same and no ticket to the orchestrator is read (0 means one hour).
	PendingMaxAge time.Duration
	// Round: see StakeConfig.Round; when it answers, a run reads no
	// currentRound of its own.
	Round func() (uint64, bool)
}

// defaultPendingMaxAge bounds how long pending fees are kept without a
// ticket or a new round (a WithdrawFees, which the probe does not follow).
const defaultPendingMaxAge = time.Hour

// Fees counts the winning tickets redeemed to the orchestrator
// (TicketBroker WinningTicketRedeemed with recipient = orchestrator: count
// and face value, each ticket once, through a LogCursor) and reads its
// pending fees (BondingManager.pendingFees(orch, currentRound)). It raises no
// alert: redemption errors are the node's to report (its -monitor metrics),
// and fees are earnings to show, not conditions to page on.
//
// pendingFees is round-scoped: read in the first run of a round, in the run
// whose logs carry a ticket redeemed to the orchestrator (the one way fees
// grow within a round), and at least every PendingMaxAge (a WithdrawFees,
// which lowers them, shows within that); the other runs keep the last value
// and read only the round, the head and the logs.
type Fees struct {
	cfg FeesConfig
	c   livepeer.Caller
	cur *LogCursor
	now func() time.Time

	pending   *big.Int // the last pendingFees read
	pendRound uint64
	pendAt    time.Time
}

var _ Probe = (*Fees)(nil)

// feeTotals persist with the checkpoint, so a restart never counts a ticket twice.
type feeTotals struct {
	Tickets         uint64 `json:"tickets"`
	FaceValue       string `json:"face_value_wei"`
	LastTicketBlock uint64 `json:"last_ticket_block,omitempty"`
	LastTicketTx    string `json:"last_ticket_tx,omitempty"`
}

// NewFees returns the fees probe. kv holds its log checkpoint.
func NewFees(c livepeer.Caller, kv Checkpoints, cfg FeesConfig, now func() time.Time) *Fees {
	if now == nil {
		now = time.Now
	}
	if cfg.PendingMaxAge <= 0 {
		cfg.PendingMaxAge = defaultPendingMaxAge
	}
	p := &Fees{cfg: cfg, c: c, now: now}
	if cfg.Contracts.TicketBroker != (common.Address{}) {
		p.cur = NewLogCursor(kv, CursorConfig{
			Name: "fees", Orchestrator: cfg.Orchestrator, Confirmations: cfg.Confirmations,
			MaxLogRange: cfg.MaxLogRange, StartBlock: cfg.StartBlock,
		}, now, livepeer.LogQuery{
			Addresses: []common.Address{cfg.Contracts.TicketBroker},
			Topics:    [][]common.Hash{{livepeer.TopicWinningTicketRedeemed}, nil, {livepeer.AddressTopic(cfg.Orchestrator)}},
		})
	}
	return p
}

// Name implements Probe.
func (p *Fees) Name() string { return "fees" }

// Check implements Probe.
func (p *Fees) Check(ctx context.Context) Result {
	start := p.now()
	r := &Result{Probe: p.Name(), Values: map[string]float64{}, Evidence: map[string]string{}}
	bm, rm, o := p.cfg.Contracts.BondingManager, p.cfg.Contracts.RoundsManager, p.cfg.Orchestrator

	// The round and the head first: pendingFees takes the round, the log
	// range ends at the confirmed head.
	var (
		cur    *big.Int
		shared bool
	)
	if p.cfg.Round != nil {
		var n uint64
		if n, shared = p.cfg.Round(); shared {
			cur = new(big.Int).SetUint64(n)
		}
	}
	round := livepeer.NewViewCall(livepeer.RoundsManagerABI, rm, "currentRound")
	var head hexutil.Uint64
	b := []rpc.BatchElem{{Method: "eth_blockNumber", Result: &head}}
	if !shared {
		b = append(b, round.Elem())
	}
	if err := p.c.BatchCall(ctx, b); err != nil {
		r.Error = "read round: " + err.Error()
		return finish(r, start, p.now)
	}
	if b[0].Error != nil {
		r.Error = "read head: " + b[0].Error.Error()
		return finish(r, start, p.now)
	}
	if !shared {
		if err := round.Decode(b[1], &cur); err != nil {
			r.Error = "read round: " + err.Error()
			return finish(r, start, p.now)
		}
	}

	// Then pending fees, unless the last read still stands, and the new
	// logs, together.
	pending := livepeer.NewViewCall(livepeer.BondingManagerABI, bm, "pendingFees", o, cur)
	now := p.now()
	keep := p.pending != nil && p.pendRound == cur.Uint64() && !now.Before(p.pendAt) && now.Sub(p.pendAt) < p.cfg.PendingMaxAge
	b = nil
	if !keep {
		b = append(b, pending.Elem())
	}
	logsAt := len(b)
	var span *Span
	if p.cur != nil {
		var err error
		if span, err = p.cur.Plan(uint64(head)); err != nil {
			r.Error = err.Error()
			return finish(r, start, p.now)
		}
		b = append(b, span.Elems()...)
	}
	if len(b) > 0 {
		if err := p.c.BatchCall(ctx, b); err != nil {
			r.Error = "read fees: " + err.Error()
			return finish(r, start, p.now)
		}
	}
	fees := p.pending
	if !keep {
		if err := pending.Decode(b[0], &fees); err != nil {
			r.Error = "read fees: " + err.Error()
			return finish(r, start, p.now)
		}
		p.pending, p.pendRound, p.pendAt = fees, cur.Uint64(), now
	}
	report := func(fees *big.Int, read bool) {
		r.Values["pending_fees_eth"] = units(fees)
		r.Values["pending_fees_read"] = boolValue(read)
		r.Evidence["pending_fees_wei"] = fees.String()
	}
	report(fees, !keep)
	r.Evidence["round"] = cur.String()
	if p.cur == nil {
		r.Evidence["tickets"] = "no TicketBroker registered in the Controller"
		r.Success = true
		return finish(r, start, p.now)
	}

	logs, err := span.Logs(b[logsAt:])
	if err != nil {
		r.Error = "read tickets: " + err.Error()
		return finish(r, start, p.now)
	}
	var t feeTotals
	if err := p.cur.Data(&t); err != nil {
		r.Error = err.Error()
		return finish(r, start, p.now)
	}
	face, _ := new(big.Int).SetString(t.FaceValue, 10)
	if face == nil {
		face = new(big.Int)
	}
	runCount, runFace := 0, new(big.Int)
	for _, l := range logs {
		ev, ok := livepeer.DecodeTicket(p.cfg.Contracts.TicketBroker, l)
		if !ok || ev.Recipient != o {
			continue
		}
		runCount++
		runFace.Add(runFace, ev.FaceValue)
		t.LastTicketBlock, t.LastTicketTx = l.Block(), l.TxHash.Hex()
	}
	if runCount > 0 && keep {
		// Tickets to the orchestrator: its fees grew; read them now.
		b := []rpc.BatchElem{pending.Elem()}
		if err := p.c.BatchCall(ctx, b); err != nil {
			r.Error = "read fees: " + err.Error()
			return finish(r, start, p.now)
		}
		if err := pending.Decode(b[0], &fees); err != nil {
			r.Error = "read fees: " + err.Error()
			return finish(r, start, p.now)
		}
		p.pending, p.pendRound, p.pendAt = fees, cur.Uint64(), p.now()
		report(fees, true)
	}
	t.Tickets += uint64(runCount)
	face.Add(face, runFace)
	t.FaceValue = face.String()
	if err := ctx.Err(); err != nil {
		// The Runner gave up on this run: count nothing, read it again.
		r.Error = "fees run cut short: " + err.Error()
		return finish(r, start, p.now)
	}
	out, err := p.cur.Commit(span, nil, t)
	if err != nil {
		r.Error = err.Error()
		return finish(r, start, p.now)
	}
	r.Observations = out
	r.Values["tickets_redeemed_total"] = float64(t.Tickets)
	r.Values["ticket_face_value_eth_total"] = units(face)
	r.Values["tickets_redeemed_last_run"] = float64(runCount)
	r.Values["ticket_face_value_eth_last_run"] = units(runFace)
	reportCursor(r, p.cur, span)
	r.Evidence["tickets_redeemed_total"] = strconv.FormatUint(t.Tickets, 10)
	r.Evidence["ticket_face_value_total"] = formatUnits(face) + " ETH"
	if t.LastTicketTx != "" {
		r.Evidence["last_ticket"] = fmt.Sprintf("block %d, tx %s", t.LastTicketBlock, t.LastTicketTx)
	}
	r.Success = true
	return finish(r, start, p.now)
}
