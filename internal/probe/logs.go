package probe

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/store"
)

// LogBucket is the store bucket of the log checkpoints.
const LogBucket = "probe.logs"

// maxRangesPerRun bounds the eth_getLogs ranges one run reads, so that a
// probe catching up after a long stop stays within one modest batch.
const maxRangesPerRun = 8

// MinReorgRewind and MaxReorgRewind bound how many blocks a cursor re-scans
// after it finds the hash of its checkpoint block changed: the number of
// confirmations, at least MinReorgRewind and at most MaxReorgRewind.
const (
	MinReorgRewind = 16
	MaxReorgRewind = 1024
)

// Checkpoints is where a LogCursor keeps its position; *store.Store
// satisfies it.
type Checkpoints interface {
	Get(bucket string, key []byte, v any) error
	Put(bucket string, key []byte, v any) error
}

var _ Checkpoints = (*store.Store)(nil)

// LogCursor reads the logs of a set of queries once each, from a persisted
// checkpoint. It is not safe for concurrent use: one probe owns it.
//
// # Reading events exactly once
//
// The stake and fees probes learn about one-off events (a delegator bonds, the
// orchestrator is slashed, a ticket is redeemed) from eth_getLogs. A LogCursor
// reads them block range by block range from a checkpoint kept in the store
// (bucket "probe.logs", one key per probe and orchestrator):
//
//   - Only blocks at or below head − confirmations are read, so a reorg
//     shallower than the confirmations cannot remove or reorder a log already
//     reported. One run reads at most maxRangesPerRun ranges of at most
//     max_log_range blocks each, in one batch.
//   - Confirmations are not trusted alone. The checkpoint keeps the hash of
//     the last block read, and every run asks for the block at that height
//     again in the same batch: if its hash changed (or the block is gone), a
//     reorg deeper than the confirmations replaced it. The run then delivers
//     nothing and rewinds the checkpoint by the reorg depth,
//     max(confirmations, MinReorgRewind), at most MaxReorgRewind blocks and
//     never before the first block the cursor read, and the next run
//     re-scans from there. The logs delivered from those blocks are
//     remembered by transaction hash, log index and block hash, so the
//     re-scan delivers only the logs of the new blocks: an event still in
//     the canonical chain is not counted twice, one that replaced it is
//     counted once. A log that was delivered and then reorged away is not
//     taken back (its alert was sent); the totals count it. The hash of the
//     newest block read is asked in the same batch as its logs, and a log of
//     that block with another hash (a reorg between the two answers) fails
//     the run, which is read again.
//   - Without a checkpoint (first start) reading begins at the confirmed head:
//     history is not replayed (CursorConfig.StartBlock can say where to start).
//   - The checkpoint, the probe's running totals (tickets counted, the last
//     reward) and the alerts it fired are written in one store transaction
//     before the run's Result is returned, so a restart neither reads a range
//     twice nor skips one, and totals are never counted twice.
//
// An event alert has labels naming its log (tx and log_index), so its
// fingerprint is unique to the event. It fires in the run that reads the
// event and is resolved by a later run (the first at least EventHold after
// it fired): the alert engine sends one firing notice and one resolved notice
// per event, never a repeat. The cursor relies on one contract with its
// caller: the Observations of a Result are handed to the alert engine before
// the same probe is checked again. The first run of a new process cannot
// know whether the previous process delivered its last Result, so it sends
// the alerts that were still firing again (same fingerprint: the engine
// keeps one alert) and the resolutions of the last run again (resolving a
// resolved alert changes nothing). A probe whose run was cut short (its
// context ended: the Runner drops that Result) does not Commit, so the same
// range is read and fired on the next run. Delivery is therefore at least
// once, and the fingerprint makes it once.
type LogCursor struct {
	key           []byte
	kv            Checkpoints
	queries       []livepeer.LogQuery
	confirmations uint64
	rewind        uint64
	maxRange      uint64
	hold          time.Duration
	start         uint64
	now           func() time.Time

	loaded  bool
	resumed bool // a Commit returned in this process
	st      cursorState
}

// cursorState is the persisted record of a cursor.
type cursorState struct {
	// Next is the first block not read yet.
	Next uint64 `json:"next_block"`
	// Hash is the hash of block Next-1, the last block read; zero when
	// unknown (a checkpoint written before hashes were kept, or just after a
	// rewind).
	Hash common.Hash `json:"block_hash,omitzero"`
	// Floor is the first block the cursor ever read: a rewind never goes
	// before it, so history skipped at the first start stays skipped.
	Floor uint64 `json:"floor_block,omitempty"`
	// Seen are the logs delivered from the blocks a rewind may re-scan.
	Seen []seenLog `json:"seen,omitempty"`
	// Reorgs counts the reorgs found.
	Reorgs uint64 `json:"reorgs,omitempty"`
	// Fired are event alerts sent firing and not resolved yet.
	Fired []sentEvent `json:"fired,omitempty"`
	// Resolving are the alerts the last run resolved.
	Resolving []sentEvent `json:"resolving,omitempty"`
	// Data is the owning probe's running totals.
	Data json.RawMessage `json:"data,omitempty"`
}

// logKey names one delivered log whatever block holds it: its transaction
// and its content (emitter, topics, data). A transaction a reorg moved to
// another block emits the same log there, at another block hash and maybe
// another log index: it is the same event, delivered once.
type logKey struct {
	Tx    common.Hash `json:"tx"`
	Event common.Hash `json:"event"`
}

// seenLog is a delivered log and the block it was first delivered from,
// which bounds how long it is remembered.
type seenLog struct {
	logKey
	Block uint64 `json:"block"`
}

func keyOf(l livepeer.EventLog) logKey {
	parts := make([][]byte, 0, 2+len(l.Topics))
	parts = append(parts, l.Address.Bytes())
	for _, t := range l.Topics {
		parts = append(parts, t.Bytes())
	}
	parts = append(parts, l.Data)
	return logKey{Tx: l.TxHash, Event: crypto.Keccak256Hash(parts...)}
}

type sentEvent struct {
	Obs     alert.Observation `json:"obs"`
	FiredAt time.Time         `json:"fired_at"`
}

// CursorConfig configures a LogCursor.
type CursorConfig struct {
	// Name tells cursors apart in the store ("stake", "fees").
	Name         string
	Orchestrator common.Address
	// Confirmations: blocks younger than head - Confirmations are not read.
	Confirmations uint64
	// MaxLogRange bounds one eth_getLogs request, in blocks (0 means 5000).
	MaxLogRange uint64
	// EventHold is the least time an event alert stays firing before it is
	// resolved; 0 resolves it on the next run.
	EventHold time.Duration
	// StartBlock is where a cursor without a checkpoint starts reading; 0
	// means the confirmed head (no history replay).
	StartBlock uint64
}

// NewLogCursor returns a cursor over qs.
func NewLogCursor(kv Checkpoints, cfg CursorConfig, now func() time.Time, qs ...livepeer.LogQuery) *LogCursor {
	if now == nil {
		now = time.Now
	}
	if cfg.MaxLogRange == 0 {
		cfg.MaxLogRange = 5000
	}
	key := []byte(cfg.Name + "/" + strings.ToLower(cfg.Orchestrator.Hex()))
	rewind := min(max(cfg.Confirmations, MinReorgRewind), MaxReorgRewind)
	return &LogCursor{key: key, kv: kv, queries: qs, confirmations: cfg.Confirmations, rewind: rewind,
		maxRange: cfg.MaxLogRange, hold: cfg.EventHold, start: cfg.StartBlock, now: now}
}

// Span is the block range one run reads: Plan it, add Elems to a batch, run
// the batch, then take the Logs.
type Span struct {
	// From and To bound the blocks read; To < From means nothing to read.
	From, To uint64
	// Start reports that the cursor had no checkpoint: reading starts at the
	// confirmed head without replaying history.
	Start   bool
	elems   []rpc.BatchElem
	results [][]livepeer.EventLog

	// The checkpoint block asked again (checkAt < 0: not asked) and the
	// newest block read (topAt < 0: none).
	checkNum, topNum uint64
	checkAt, topAt   int
	check, top       *blockHash
	want             common.Hash // the checkpoint's hash
	seen             map[logKey]bool

	// Filled in by Logs.
	reorg   bool
	reorgAt uint64
	topHash common.Hash
	keys    []seenLog
}

// blockHash is the part of eth_getBlockByNumber a cursor reads.
type blockHash struct {
	Hash common.Hash `json:"hash"`
}

// Empty reports whether the span reads no blocks.
func (s *Span) Empty() bool { return s.To < s.From }

// Elems are the requests of the span: eth_getLogs for its ranges and
// eth_getBlockByNumber for the checkpoint block and the newest block read.
// Send them whenever there are any, even for an empty span.
func (s *Span) Elems() []rpc.BatchElem { return s.elems }

// Reorg reports, after Logs, that the checkpoint block was replaced: the
// span delivered nothing and Commit rewinds.
func (s *Span) Reorg() (bool, uint64) { return s.reorg, s.reorgAt }

// Logs returns the span's new logs in chain order from the answered Elems
// (the elements as they came back from the batch, in Elems' order): none if
// a reorg replaced the checkpoint block, and none already delivered.
func (s *Span) Logs(answered []rpc.BatchElem) ([]livepeer.EventLog, error) {
	if len(answered) != len(s.elems) {
		return nil, fmt.Errorf("eth_getLogs %d-%d: %d answers for %d requests", s.From, s.To, len(answered), len(s.elems))
	}
	for _, e := range answered {
		if e.Error != nil {
			return nil, fmt.Errorf("%s %d-%d: %w", e.Method, s.From, s.To, e.Error)
		}
	}
	if s.checkAt >= 0 && (s.check == nil || s.check.Hash != s.want) {
		s.reorg, s.reorgAt = true, s.checkNum
		return nil, nil
	}
	if s.topAt >= 0 {
		if s.top == nil {
			return nil, fmt.Errorf("eth_getBlockByNumber(%d): no such block (the chain is shorter than its head said)", s.topNum)
		}
		s.topHash = s.top.Hash
	}
	var out []livepeer.EventLog
	for _, l := range livepeer.MergeLogs(s.results...) {
		if l.Removed {
			continue
		}
		if s.topAt >= 0 && l.Block() == s.topNum && l.BlockHash != s.topHash {
			return nil, fmt.Errorf("block %d changed while it was read (%s, then %s): a reorg; reading it again", s.topNum, s.topHash.Hex(), l.BlockHash.Hex())
		}
		k := keyOf(l)
		if s.seen[k] {
			continue // delivered before a rewind, or from a block a reorg replaced
		}
		s.seen[k] = true // twice in one span: the same transaction in two blocks read
		s.keys = append(s.keys, seenLog{logKey: k, Block: l.Block()})
		out = append(out, l)
	}
	return out, nil
}

// Data decodes the owning probe's persisted totals into v; it leaves v alone
// when there are none.
func (c *LogCursor) Data(v any) error {
	if err := c.load(); err != nil {
		return err
	}
	if len(c.st.Data) == 0 {
		return nil
	}
	return json.Unmarshal(c.st.Data, v)
}

// Checkpoint returns the first block not read yet (0 before the first run).
func (c *LogCursor) Checkpoint() uint64 { return c.st.Next }

// Reorgs returns how many reorgs the cursor has found.
func (c *LogCursor) Reorgs() uint64 { return c.st.Reorgs }

func (c *LogCursor) load() error {
	if c.loaded {
		return nil
	}
	var st cursorState
	err := c.kv.Get(LogBucket, c.key, &st)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fmt.Errorf("load log checkpoint %s: %w", c.key, err)
	}
	c.st, c.loaded = st, true
	return nil
}

// Plan returns the span to read given the chain head.
func (c *LogCursor) Plan(head uint64) (*Span, error) {
	if err := c.load(); err != nil {
		return nil, err
	}
	var safe uint64
	if head >= c.confirmations {
		safe = head - c.confirmations
	}
	s := &Span{From: c.st.Next, checkAt: -1, topAt: -1}
	if c.st.Next == 0 {
		// First start: begin at the confirmed head, no history replay,
		// unless told where to start.
		s.From, s.To, s.Start = safe+1, safe, true
		if c.start > 0 && c.start <= safe {
			s.To = c.start - 1
		}
		s.askTop()
		return s, nil
	}
	if c.st.Hash != (common.Hash{}) && c.st.Next > 0 {
		s.checkNum, s.want, s.checkAt = c.st.Next-1, c.st.Hash, len(s.elems)
		s.elems = append(s.elems, blockElem(s.checkNum, &s.check))
	}
	if safe < s.From {
		s.To = s.From - 1
		return s, nil
	}
	s.To = min(safe, s.From+c.maxRange*maxRangesPerRun-1)
	ranges := (s.To-s.From)/c.maxRange + 1
	// Sized up front: each request decodes into its own element.
	s.results = make([][]livepeer.EventLog, int(ranges)*len(c.queries))
	i := 0
	for from := s.From; from <= s.To; from += c.maxRange {
		to := min(s.To, from+c.maxRange-1)
		for _, q := range c.queries {
			s.elems = append(s.elems, q.Elem(from, to, &s.results[i]))
			i++
		}
	}
	s.askTop()
	s.seen = make(map[logKey]bool, len(c.st.Seen))
	for _, k := range c.st.Seen {
		s.seen[k.logKey] = true
	}
	return s, nil
}

// askTop adds the request for the hash of the newest block read.
func (s *Span) askTop() {
	if s.To == 0 || s.To < s.From && !s.Start {
		return
	}
	s.topNum, s.topAt = s.To, len(s.elems)
	s.elems = append(s.elems, blockElem(s.To, &s.top))
}

func blockElem(n uint64, into **blockHash) rpc.BatchElem {
	return rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(n), false}, Result: into}
}

// Commit records that span was read and the event alerts fired for its logs,
// with the owning probe's totals (data, JSON-encoded), durably. It returns the
// observations for the Result: resolutions of earlier event alerts that have
// been firing long enough, re-sent alerts after a restart, and fired. Nothing
// changes when it fails.
func (c *LogCursor) Commit(span *Span, fired []alert.Observation, data any) ([]alert.Observation, error) {
	if err := c.load(); err != nil {
		return nil, err
	}
	now := c.now()
	st := cursorState{Next: c.st.Next, Hash: c.st.Hash, Floor: c.st.Floor, Reorgs: c.st.Reorgs}
	var out []alert.Observation
	if !c.resumed {
		// Whether the last process delivered these is unknown: again.
		for _, e := range c.st.Resolving {
			out = append(out, resolved(e.Obs))
		}
		for _, e := range c.st.Fired {
			out = append(out, e.Obs)
		}
		st.Resolving = c.st.Resolving
		st.Fired = append(st.Fired, c.st.Fired...)
	} else {
		for _, e := range c.st.Fired {
			if now.Sub(e.FiredAt) >= c.hold {
				st.Resolving = append(st.Resolving, e)
				out = append(out, resolved(e.Obs))
			} else {
				st.Fired = append(st.Fired, e)
			}
		}
	}
	for _, o := range fired {
		st.Fired = append(st.Fired, sentEvent{Obs: o, FiredAt: now})
		out = append(out, o)
	}
	seen := append(slices.Clip(c.st.Seen), span.keys...)
	switch {
	case span.reorg:
		// Re-scan the newest blocks read; what they delivered is in Seen.
		st.Next = max(st.Next-min(c.rewind, st.Next), st.Floor, 1)
		st.Hash = common.Hash{}
		st.Reorgs++
	case !span.Empty() || span.Start:
		st.Next = span.To + 1
		st.Hash = span.topHash
		if span.Start && st.Floor == 0 {
			st.Floor = st.Next
		}
	}
	// Keep the keys of the blocks a rewind from here may re-scan.
	keep := st.Next - min(c.rewind, st.Next)
	for _, k := range seen {
		if k.Block >= keep {
			st.Seen = append(st.Seen, k)
		}
	}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("encode %s totals: %w", c.key, err)
		}
		st.Data = b
	} else {
		st.Data = c.st.Data
	}
	if err := c.kv.Put(LogBucket, c.key, st); err != nil {
		return nil, fmt.Errorf("save log checkpoint %s: %w", c.key, err)
	}
	c.st, c.resumed = st, true
	return out, nil
}

// reportCursor adds a cursor's position and reorgs to a probe's result.
func reportCursor(r *Result, c *LogCursor, span *Span) {
	r.Values["log_checkpoint_block"] = float64(c.Checkpoint())
	r.Values["log_reorgs_total"] = float64(c.Reorgs())
	if reorg, at := span.Reorg(); reorg {
		r.Evidence["log_reorg"] = fmt.Sprintf("block %d was replaced since it was read: re-reading from block %d", at, c.Checkpoint())
	}
}

func resolved(o alert.Observation) alert.Observation {
	o.Firing = false
	return o
}

// eventLabels name one log: its alert's fingerprint is unique to it.
func eventLabels(orch common.Address, l livepeer.EventLog, extra ...string) map[string]string {
	m := map[string]string{
		"orchestrator": lower(orch),
		"tx":           l.TxHash.Hex(),
		"log_index":    strconv.FormatUint(uint64(l.Index), 10),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// Helpers shared by the chain probes.

func lower(a common.Address) string { return strings.ToLower(a.Hex()) }

// units converts an 18-decimal amount (wei, LPT base units) to a float.
func units(v *big.Int) float64 {
	if v == nil {
		return 0
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e18)).Float64()
	return f
}

// formatUnits writes an 18-decimal amount in whole units, exactly, without
// trailing zeros: 1500000000000000000 -> "1.5".
func formatUnits(v *big.Int) string {
	if v == nil {
		return "0"
	}
	neg := v.Sign() < 0
	a := new(big.Int).Abs(v)
	q, r := new(big.Int).QuoRem(a, big.NewInt(1e18), new(big.Int))
	s := q.String()
	if r.Sign() != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%018s", r.String()), "0")
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// gwei converts wei per gas to gwei.
func gwei(v *big.Int) float64 {
	if v == nil {
		return 0
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), big.NewFloat(1e9)).Float64()
	return f
}

// percentOf returns part/whole in percent (+Inf when whole is 0).
func percentOf(part, whole *big.Int) float64 {
	if whole == nil || whole.Sign() == 0 {
		return math.Inf(1)
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(part), new(big.Float).SetInt(whole)).Float64()
	return f * 100
}

// millionthsPercent turns a protocol fraction in millionths into percent.
func millionthsPercent(v *big.Int) float64 {
	if v == nil {
		return 0
	}
	f, _ := new(big.Float).SetInt(v).Float64()
	return f / 1e4
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// newViews plans view calls for one batch: through Multicall3 when mc says
// so (a fleet's reads), else as plain eth_calls.
func newViews(calls []*livepeer.ViewCall, mc func() (common.Address, bool)) (*livepeer.ViewBatch, error) {
	var (
		at  common.Address
		use bool
	)
	if mc != nil {
		at, use = mc()
	}
	return livepeer.NewViewBatch(calls, at, use)
}

// batchError returns the first error of a batch's elements.
func batchError(b []rpc.BatchElem) error {
	for _, e := range b {
		if e.Error != nil {
			return fmt.Errorf("%s: %w", e.Method, e.Error)
		}
	}
	return nil
}

// runResults are one run's Results of a Multi probe, one per orchestrator,
// in Names' order.
type runResults struct {
	rs    []*Result
	start time.Time
	now   func() time.Time
}

// newRunResults starts a run whose Results are named names, one for each of
// orchs.
func newRunResults(names []string, orchs []common.Address, now func() time.Time) runResults {
	rr := runResults{rs: make([]*Result, len(orchs)), start: now(), now: now}
	for i, o := range orchs {
		rr.rs[i] = &Result{Probe: names[i], Orchestrator: lower(o), Values: map[string]float64{}, Evidence: map[string]string{}}
	}
	return rr
}

// fail ends the run with err in every Result and no observations.
func (rr runResults) fail(err string) []Result {
	for _, r := range rr.rs {
		r.Error, r.Observations = err, nil
	}
	return rr.done(false)
}

// done ends the run, every Result with success as it says.
func (rr runResults) done(success bool) []Result {
	out := make([]Result, len(rr.rs))
	for i, r := range rr.rs {
		if success {
			r.Success = true
		}
		out[i] = finish(r, rr.start, rr.now)
	}
	return out
}

// finish completes a Result with its timing.
func finish(r *Result, start time.Time, now func() time.Time) Result {
	r.At = start
	r.Duration = now().Sub(start)
	return *r
}
