package probe

import (
	"context"
	"fmt"
	"math/big"
	"slices"
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
	// Fleet lists the further orchestrators of a fleet, after Orchestrator,
	// in config order: each has its own Result, named FleetName("fees", o);
	// one run reads them all (see Fees).
	Fleet     []common.Address
	Contracts livepeer.Addresses
	// Multicall: see StakeConfig.Multicall (the pendingFees reads of a
	// fleet).
	Multicall func() (common.Address, bool)
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
//
// With FeesConfig.Fleet one run watches every orchestrator of the fleet (a
// Multi: one Result each): one LogCursor whose query names every
// orchestrator as the ticket's recipient (its checkpoint is the first
// orchestrator's), and the pendingFees of all that are due in one batch
// (through Multicall3 when FeesConfig.Multicall says so).
type Fees struct {
	cfg   FeesConfig
	c     livepeer.Caller
	cur   *LogCursor
	now   func() time.Time
	orchs []common.Address // Orchestrator, then Fleet
	names []string

	pending   []*big.Int // the last pendingFees read of each orchestrator
	pendRound []uint64
	pendAt    []time.Time
}

var (
	_ Probe = (*Fees)(nil)
	_ Multi = (*Fees)(nil)
)

// feeTotals persist with the checkpoint, so a restart never counts a ticket twice.
type feeTotals struct {
	Tickets         uint64 `json:"tickets"`
	FaceValue       string `json:"face_value_wei"`
	LastTicketBlock uint64 `json:"last_ticket_block,omitempty"`
	LastTicketTx    string `json:"last_ticket_tx,omitempty"`
}

// feeData is what the cursor keeps: the first orchestrator's totals where
// they always were, and the further ones' of a fleet by address.
type feeData struct {
	feeTotals
	Fleet map[string]feeTotals `json:"fleet,omitempty"`
}

// NewFees returns the fees probe. kv holds its log checkpoint.
func NewFees(c livepeer.Caller, kv Checkpoints, cfg FeesConfig, now func() time.Time) *Fees {
	if now == nil {
		now = time.Now
	}
	if cfg.PendingMaxAge <= 0 {
		cfg.PendingMaxAge = defaultPendingMaxAge
	}
	orchs := append([]common.Address{cfg.Orchestrator}, cfg.Fleet...)
	names := []string{"fees"}
	topics := []common.Hash{livepeer.AddressTopic(cfg.Orchestrator)}
	for _, o := range cfg.Fleet {
		names = append(names, FleetName("fees", o))
		topics = append(topics, livepeer.AddressTopic(o))
	}
	n := len(orchs)
	p := &Fees{cfg: cfg, c: c, now: now, orchs: orchs, names: names,
		pending: make([]*big.Int, n), pendRound: make([]uint64, n), pendAt: make([]time.Time, n)}
	if cfg.Contracts.TicketBroker != (common.Address{}) {
		p.cur = NewLogCursor(kv, CursorConfig{
			Name: "fees", Orchestrator: cfg.Orchestrator, Confirmations: cfg.Confirmations,
			MaxLogRange: cfg.MaxLogRange, StartBlock: cfg.StartBlock,
		}, now, livepeer.LogQuery{
			Addresses: []common.Address{cfg.Contracts.TicketBroker},
			Topics:    [][]common.Hash{{livepeer.TopicWinningTicketRedeemed}, nil, topics},
		})
	}
	return p
}

// Name implements Probe.
func (p *Fees) Name() string { return "fees" }

// Names implements Multi: "fees", then "fees-0x…" for each further
// orchestrator of a fleet.
func (p *Fees) Names() []string { return slices.Clone(p.names) }

// Check implements Probe: the first orchestrator's Result.
func (p *Fees) Check(ctx context.Context) Result { return p.CheckAll(ctx)[0] }

// readPending reads the pendingFees of the orchestrators at the indexes
// which in one batch, with extra (the span's requests) after them, and
// keeps them. It returns extra as answered.
func (p *Fees) readPending(ctx context.Context, which []int, cur *big.Int, extra []rpc.BatchElem) ([]rpc.BatchElem, error) {
	calls := make([]*livepeer.ViewCall, len(which))
	for k, i := range which {
		calls[k] = livepeer.NewViewCall(livepeer.BondingManagerABI, p.cfg.Contracts.BondingManager, "pendingFees", p.orchs[i], cur)
	}
	vb, err := newViews(calls, p.cfg.Multicall)
	if err != nil {
		return nil, err
	}
	nv := len(vb.Elems())
	b := append(slices.Clip(vb.Elems()), extra...)
	if len(b) > 0 {
		if err := p.c.BatchCall(ctx, b); err != nil {
			return nil, err
		}
	}
	if err := vb.Done(b[:nv]); err != nil {
		return nil, err
	}
	now := p.now()
	for k, i := range which {
		var fees *big.Int
		if err := calls[k].Result(&fees); err != nil {
			return nil, err
		}
		p.pending[i], p.pendRound[i], p.pendAt[i] = fees, cur.Uint64(), now
	}
	return b[nv:], nil
}

// CheckAll implements Multi.
func (p *Fees) CheckAll(ctx context.Context) []Result {
	run := newRunResults(p.names, p.orchs, p.now)
	rs, fail := run.rs, run.fail
	rm := p.cfg.Contracts.RoundsManager

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
		return fail("read round: " + err.Error())
	}
	if b[0].Error != nil {
		return fail("read head: " + b[0].Error.Error())
	}
	if !shared {
		if err := round.Decode(b[1], &cur); err != nil {
			return fail("read round: " + err.Error())
		}
	}

	// Then the pending fees whose last read no longer stands, and the new
	// logs, together.
	now := p.now()
	kept := make([]bool, len(p.orchs))
	var due []int
	for i := range p.orchs {
		kept[i] = p.pending[i] != nil && p.pendRound[i] == cur.Uint64() && !now.Before(p.pendAt[i]) && now.Sub(p.pendAt[i]) < p.cfg.PendingMaxAge
		if !kept[i] {
			due = append(due, i)
		}
	}
	var span *Span
	var spanElems []rpc.BatchElem
	if p.cur != nil {
		var err error
		if span, err = p.cur.Plan(uint64(head)); err != nil {
			return fail(err.Error())
		}
		spanElems = span.Elems()
	}
	answered, err := p.readPending(ctx, due, cur, spanElems)
	if err != nil {
		return fail("read fees: " + err.Error())
	}
	report := func(i int, read bool) {
		r, fees := rs[i], p.pending[i]
		r.Values["pending_fees_eth"] = units(fees)
		r.Values["pending_fees_read"] = boolValue(read)
		r.Evidence["pending_fees_wei"] = fees.String()
	}
	for i, r := range rs {
		report(i, !kept[i])
		r.Evidence["round"] = cur.String()
	}
	if p.cur == nil {
		for _, r := range rs {
			r.Evidence["tickets"] = "no TicketBroker registered in the Controller"
		}
		return run.done(true)
	}

	logs, err := span.Logs(answered)
	if err != nil {
		return fail("read tickets: " + err.Error())
	}
	var data feeData
	if err := p.cur.Data(&data); err != nil {
		return fail(err.Error())
	}
	totals := make([]feeTotals, len(p.orchs))
	totals[0] = data.feeTotals
	for i, o := range p.orchs[1:] {
		totals[i+1] = data.Fleet[lower(o)]
	}
	runCount := make([]int, len(p.orchs))
	runFace := make([]*big.Int, len(p.orchs))
	for i := range runFace {
		runFace[i] = new(big.Int)
	}
	for _, l := range logs {
		ev, ok := livepeer.DecodeTicket(p.cfg.Contracts.TicketBroker, l)
		if !ok {
			continue
		}
		i := slices.Index(p.orchs, ev.Recipient)
		if i < 0 {
			continue
		}
		runCount[i]++
		runFace[i].Add(runFace[i], ev.FaceValue)
		totals[i].LastTicketBlock, totals[i].LastTicketTx = l.Block(), l.TxHash.Hex()
	}
	// Tickets to an orchestrator whose fees were kept: they grew; read
	// them now.
	var grown []int
	for i := range p.orchs {
		if runCount[i] > 0 && kept[i] {
			grown = append(grown, i)
		}
	}
	if len(grown) > 0 {
		if _, err := p.readPending(ctx, grown, cur, nil); err != nil {
			return fail("read fees: " + err.Error())
		}
		for _, i := range grown {
			report(i, true)
		}
	}
	face := make([]*big.Int, len(p.orchs))
	for i := range totals {
		f, _ := new(big.Int).SetString(totals[i].FaceValue, 10)
		if f == nil {
			f = new(big.Int)
		}
		totals[i].Tickets += uint64(runCount[i])
		face[i] = f.Add(f, runFace[i])
		totals[i].FaceValue = face[i].String()
	}
	if err := ctx.Err(); err != nil {
		// The Runner gave up on this run: count nothing, read it again.
		return fail("fees run cut short: " + err.Error())
	}
	data.feeTotals = totals[0]
	if len(p.orchs) > 1 {
		data.Fleet = make(map[string]feeTotals, len(p.orchs)-1)
		for i, o := range p.orchs[1:] {
			data.Fleet[lower(o)] = totals[i+1]
		}
	}
	out, err := p.cur.Commit(span, nil, data)
	if err != nil {
		return fail(err.Error())
	}
	rs[0].Observations = out
	for i, r := range rs {
		t := totals[i]
		r.Values["tickets_redeemed_total"] = float64(t.Tickets)
		r.Values["ticket_face_value_eth_total"] = units(face[i])
		r.Values["tickets_redeemed_last_run"] = float64(runCount[i])
		r.Values["ticket_face_value_eth_last_run"] = units(runFace[i])
		reportCursor(r, p.cur, span)
		r.Evidence["tickets_redeemed_total"] = strconv.FormatUint(t.Tickets, 10)
		r.Evidence["ticket_face_value_total"] = formatUnits(face[i]) + " ETH"
		if t.LastTicketTx != "" {
			r.Evidence["last_ticket"] = fmt.Sprintf("block %d, tx %s", t.LastTicketBlock, t.LastTicketTx)
		}
	}
	return run.done(true)
}
