package livepeer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
)

// Caller sends JSON-RPC batches; *chain.Pool satisfies it.
type Caller interface {
	BatchCall(ctx context.Context, b []rpc.BatchElem) error
}

// RPCCaller is a Caller over one plain rpc.Client (no pool, no failover):
// for the devnet's simulated node, benchmarks and tests.
type RPCCaller struct{ C *rpc.Client }

// BatchCall sends b in one round trip.
func (c RPCCaller) BatchCall(ctx context.Context, b []rpc.BatchElem) error {
	return c.C.BatchCallContext(ctx, b)
}

// Addresses are the protocol contracts resolved through the Controller.
type Addresses struct {
	Controller     common.Address `json:"controller"`
	BondingManager common.Address `json:"bonding_manager"`
	RoundsManager  common.Address `json:"rounds_manager"`
	Minter         common.Address `json:"minter"`
	TicketBroker   common.Address `json:"ticket_broker"`
	LivepeerToken  common.Address `json:"livepeer_token"`
}

// ContractID is the Controller key of a contract: keccak256 of its name.
func ContractID(name string) common.Hash { return crypto.Keccak256Hash([]byte(name)) }

// Resolve looks every protocol contract up in the Controller, in one batch.
// BondingManager and RoundsManager are required; the others may be unset on a
// minimal deployment.
func Resolve(ctx context.Context, c Caller, controller common.Address) (Addresses, error) {
	names := []string{"BondingManager", "RoundsManager", "Minter", "TicketBroker", "LivepeerToken"}
	calls := make([]*call, len(names))
	batch := make([]rpc.BatchElem, len(names))
	for i, n := range names {
		calls[i] = newCall(ControllerABI, controller, "getContract", ContractID(n))
		batch[i] = calls[i].elem()
	}
	if err := c.BatchCall(ctx, batch); err != nil {
		return Addresses{}, fmt.Errorf("resolve contracts via controller %s: %w", controller, err)
	}
	out := [5]common.Address{}
	for i, n := range names {
		if err := calls[i].decode(batch[i], &out[i]); err != nil {
			return Addresses{}, fmt.Errorf("controller %s getContract(%s): %w", controller, n, err)
		}
	}
	a := Addresses{Controller: controller, BondingManager: out[0], RoundsManager: out[1], Minter: out[2], TicketBroker: out[3], LivepeerToken: out[4]}
	if a.BondingManager == (common.Address{}) || a.RoundsManager == (common.Address{}) {
		return a, fmt.Errorf("controller %s: BondingManager or RoundsManager not registered (is this a Livepeer Controller on this chain?)", controller)
	}
	return a, nil
}

// Transcoder is BondingManager.getTranscoder's answer, in contract order.
type Transcoder struct {
	LastRewardRound            uint64   `json:"last_reward_round"`
	RewardCut                  uint64   `json:"reward_cut"`
	FeeShare                   uint64   `json:"fee_share"`
	LastActiveStakeUpdateRound uint64   `json:"last_active_stake_update_round"`
	ActivationRound            uint64   `json:"activation_round"`
	DeactivationRound          *big.Int `json:"deactivation_round"`
	ActiveCumulativeRewards    *big.Int `json:"active_cumulative_rewards"`
	CumulativeRewards          *big.Int `json:"cumulative_rewards"`
	CumulativeFees             *big.Int `json:"cumulative_fees"`
	LastFeeRound               uint64   `json:"last_fee_round"`
}

// Snapshot is the protocol state for one orchestrator, read in one batch.
type Snapshot struct {
	// Round clock, from RoundsManager.
	BlockNum             uint64 `json:"block_num"`
	CurrentRound         uint64 `json:"current_round"`
	RoundStartBlock      uint64 `json:"round_start_block"`
	RoundLength          uint64 `json:"round_length"`
	RoundInitialized     bool   `json:"round_initialized"`
	LastInitializedRound uint64 `json:"last_initialized_round"`

	// The orchestrator, from BondingManager.
	Orchestrator common.Address `json:"orchestrator"`
	Transcoder   Transcoder     `json:"transcoder"`
	Registered   bool           `json:"registered"`
	Active       bool           `json:"active"`
	TotalStake   *big.Int       `json:"total_stake"`
	// RewardCaller is the LIP-118 delegated reward caller (zero if none).
	// LIP118 is false when the deployment lacks LIP-118.
	RewardCaller common.Address `json:"reward_caller"`
	LIP118       bool           `json:"lip118"`

	// Balances of the accounts asked for (orchestrator, signer), in wei.
	Balances map[common.Address]*big.Int `json:"balances"`
	// Head is the chain's own block number (the L2 block on Arbitrum) that
	// every read of the snapshot was made at. It bounds log queries; it
	// never places the round.
	Head   uint64    `json:"head"`
	ReadAt time.Time `json:"read_at"`
}

// RoundEndBlock is the first blockNum of the next round.
func (s *Snapshot) RoundEndBlock() uint64 { return s.RoundStartBlock + s.RoundLength }

// Rewarded reports whether reward was called for the current round.
func (s *Snapshot) Rewarded() bool { return s.Transcoder.LastRewardRound >= s.CurrentRound }

// Reader reads Snapshots of one orchestrator.
//
// Every call of a snapshot names one explicit block, so that a block landing
// while the node works through the batch (or a load-balanced endpoint serving
// its calls from nodes at different heads) cannot mix two states. The block
// is the head the Reader asks for just before, in one small request of its
// own: the head the endpoint pool learned on its previous round trip may be
// a poll interval old, and a snapshot must show the chain as it is now.
type Reader struct {
	c            Caller
	addrs        Addresses
	orchestrator common.Address
	accounts     []common.Address
	now          func() time.Time
}

// NewReader returns a Reader for orch, also reading the ETH balance of each account.
func NewReader(c Caller, addrs Addresses, orch common.Address, accounts []common.Address, now func() time.Time) *Reader {
	if now == nil {
		now = time.Now
	}
	seen := map[common.Address]bool{orch: true}
	accts := []common.Address{orch}
	for _, a := range accounts {
		if !seen[a] {
			seen[a] = true
			accts = append(accts, a)
		}
	}
	return &Reader{c: c, addrs: addrs, orchestrator: orch, accounts: accts, now: now}
}

// pin reads the head a snapshot is read at.
func (r *Reader) pin(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	b := []rpc.BatchElem{{Method: "eth_blockNumber", Result: &n}}
	if err := r.c.BatchCall(ctx, b); err != nil {
		return 0, err
	}
	if b[0].Error != nil {
		return 0, fmt.Errorf("eth_blockNumber: %w", b[0].Error)
	}
	return uint64(n), nil
}

// Addresses returns the resolved contract addresses.
func (r *Reader) Addresses() Addresses { return r.addrs }

// Snapshot reads the round clock, the orchestrator and the balances in one
// batch, every call at the same block.
//
// The head and the batch are two requests, and the pool may send them to
// different endpoints (a failover between them, or nodes behind one load
// balancer), the second behind the first and not knowing its head yet. Then
// the batch is read again at that endpoint's latest block: a little less
// consistent, for once, rather than a chain reported unreadable.
func (r *Reader) Snapshot(ctx context.Context) (*Snapshot, error) {
	at, err := r.pin(ctx)
	if err != nil {
		return nil, fmt.Errorf("read protocol state: head: %w", err)
	}
	s, err := r.snapshotAt(ctx, hexutil.Uint64(at), at)
	if errors.Is(err, errUnknownBlock) {
		s, err = r.snapshotAt(ctx, "latest", at)
	}
	return s, err
}

// errUnknownBlock: the endpoint does not know the block a read named.
var errUnknownBlock = errors.New("block unknown to the endpoint")

// unknownBlock tells the answers of geth, Erigon, Nethermind, Besu and anvil
// to a read at a block beyond their head.
func unknownBlock(err error) bool {
	if err == nil {
		return false
	}
	m := strings.ToLower(err.Error())
	for _, s := range []string{"header not found", "unknown block", "block not found", "blockoutofrange", "block number out of range"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// snapshotAt reads a snapshot at block (a number, or "latest"); head is the
// head the snapshot is said to be read at.
func (r *Reader) snapshotAt(ctx context.Context, block any, head uint64) (*Snapshot, error) {
	rm, bm, o := r.addrs.RoundsManager, r.addrs.BondingManager, r.orchestrator
	calls := []*call{
		newCall(RoundsManagerABI, rm, "blockNum"),
		newCall(RoundsManagerABI, rm, "currentRound"),
		newCall(RoundsManagerABI, rm, "currentRoundStartBlock"),
		newCall(RoundsManagerABI, rm, "roundLength"),
		newCall(RoundsManagerABI, rm, "currentRoundInitialized"),
		newCall(RoundsManagerABI, rm, "lastInitializedRound"),
		newCall(BondingManagerABI, bm, "getTranscoder", o),
		newCall(BondingManagerABI, bm, "transcoderStatus", o),
		newCall(BondingManagerABI, bm, "isActiveTranscoder", o),
		newCall(BondingManagerABI, bm, "transcoderTotalStake", o),
		newCall(BondingManagerABI, bm, "transcoderToRewardCaller", o),
	}
	batch := make([]rpc.BatchElem, 0, len(calls)+len(r.accounts))
	for _, c := range calls {
		batch = append(batch, c.elemAt(block))
	}
	balances := make([]*hexutil.Big, len(r.accounts))
	for i, a := range r.accounts {
		balances[i] = new(hexutil.Big)
		batch = append(batch, rpc.BatchElem{Method: "eth_getBalance", Args: []any{a, block}, Result: balances[i]})
	}
	if err := r.c.BatchCall(ctx, batch); err != nil {
		return nil, fmt.Errorf("read protocol state: %w", err)
	}
	if _, pinned := block.(hexutil.Uint64); pinned {
		for _, e := range batch {
			if unknownBlock(e.Error) {
				return nil, fmt.Errorf("read protocol state at block %d: %w: %v", head, errUnknownBlock, e.Error)
			}
		}
	}
	s := &Snapshot{Orchestrator: o, Balances: map[common.Address]*big.Int{}, ReadAt: r.now()}
	var (
		blockNum, round, start, length, lastInit, stake *big.Int
		status                                          uint8
	)
	dec := func(i int, out ...any) error { return calls[i].decode(batch[i], out...) }
	var tr [10]*big.Int
	trOut := make([]any, 10)
	for i := range tr {
		trOut[i] = &tr[i]
	}
	for _, d := range []struct {
		i   int
		out []any
	}{
		{0, []any{&blockNum}}, {1, []any{&round}}, {2, []any{&start}}, {3, []any{&length}},
		{4, []any{&s.RoundInitialized}}, {5, []any{&lastInit}}, {6, trOut},
		{7, []any{&status}}, {8, []any{&s.Active}}, {9, []any{&stake}},
	} {
		if err := dec(d.i, d.out...); err != nil {
			return nil, fmt.Errorf("read protocol state: %s: %w", calls[d.i].method, err)
		}
	}
	// LIP-118 may be absent: a revert there means "no delegated caller".
	if err := dec(10, &s.RewardCaller); err == nil {
		s.LIP118 = true
	} else if !IsRevert(batch[10].Error) {
		return nil, fmt.Errorf("read protocol state: transcoderToRewardCaller: %w", err)
	}
	s.BlockNum, s.CurrentRound, s.RoundStartBlock, s.RoundLength = u64(blockNum), u64(round), u64(start), u64(length)
	s.LastInitializedRound = u64(lastInit)
	s.Registered = status == 1
	s.TotalStake = stake
	s.Transcoder = Transcoder{
		LastRewardRound: u64(tr[0]), RewardCut: u64(tr[1]), FeeShare: u64(tr[2]),
		LastActiveStakeUpdateRound: u64(tr[3]), ActivationRound: u64(tr[4]), DeactivationRound: tr[5],
		ActiveCumulativeRewards: tr[6], CumulativeRewards: tr[7], CumulativeFees: tr[8], LastFeeRound: u64(tr[9]),
	}
	s.Head = head
	for i, a := range r.accounts {
		e := batch[len(calls)+i]
		if e.Error != nil {
			return nil, fmt.Errorf("read protocol state: eth_getBalance %s: %w", a, e.Error)
		}
		s.Balances[a] = balances[i].ToInt()
	}
	if s.RoundLength == 0 {
		return nil, fmt.Errorf("read protocol state: RoundsManager %s reports roundLength 0", rm)
	}
	return s, nil
}

func u64(b *big.Int) uint64 {
	if b == nil || !b.IsUint64() {
		return ^uint64(0)
	}
	return b.Uint64()
}

// call is one eth_call of a contract method, packed and ready to batch.
type call struct {
	abi    abi.ABI
	method string
	to     common.Address
	data   []byte
	err    error
	result hexutil.Bytes
}

func newCall(a abi.ABI, to common.Address, method string, args ...any) *call {
	data, err := a.Pack(method, args...)
	return &call{abi: a, method: method, to: to, data: data, err: err}
}

func (c *call) elem() rpc.BatchElem { return c.elemAt("latest") }

// elemAt is the eth_call at block (a number or a tag).
func (c *call) elemAt(block any) rpc.BatchElem {
	return rpc.BatchElem{
		Method: "eth_call",
		Args:   []any{map[string]any{"to": c.to, "data": hexutil.Bytes(c.data)}, block},
		Result: &c.result,
	}
}

func (c *call) decode(e rpc.BatchElem, out ...any) error { return c.decodeResult(e.Error, out...) }

// decodeResult decodes c.result into out, unless the call failed with callErr.
func (c *call) decodeResult(callErr error, out ...any) error {
	if c.err != nil {
		return c.err
	}
	if callErr != nil {
		return callErr
	}
	if len(c.result) == 0 {
		return fmt.Errorf("empty result from %s at %s (no contract there?)", c.method, c.to)
	}
	vals, err := c.abi.Unpack(c.method, c.result)
	if err != nil {
		return fmt.Errorf("decode %s: %w", c.method, err)
	}
	if len(vals) != len(out) {
		return fmt.Errorf("decode %s: %d values, want %d", c.method, len(vals), len(out))
	}
	for i := range vals {
		if err := assign(out[i], vals[i]); err != nil {
			return fmt.Errorf("decode %s: %w", c.method, err)
		}
	}
	return nil
}

func assign(dst, v any) error {
	switch d := dst.(type) {
	case **big.Int:
		b, ok := v.(*big.Int)
		if !ok {
			return fmt.Errorf("got %T, want uint256", v)
		}
		*d = b
	case *bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("got %T, want bool", v)
		}
		*d = b
	case *uint8:
		b, ok := v.(uint8)
		if !ok {
			return fmt.Errorf("got %T, want uint8", v)
		}
		*d = b
	case *common.Address:
		b, ok := v.(common.Address)
		if !ok {
			return fmt.Errorf("got %T, want address", v)
		}
		*d = b
	default:
		return fmt.Errorf("unsupported destination %T", dst)
	}
	return nil
}

// IsRevert reports whether err is an EVM revert rather than a transport or
// node error.
func IsRevert(err error) bool {
	if err == nil {
		return false
	}
	var de rpc.DataError
	if errors.As(err, &de) && de.ErrorData() != nil {
		return true
	}
	var ee rpc.Error
	if errors.As(err, &ee) && ee.ErrorCode() == 3 {
		return true
	}
	return strings.Contains(strings.ToLower(err.Error()), "execution reverted") || strings.Contains(strings.ToLower(err.Error()), "revert")
}

// RevertReason extracts the Solidity revert string from an eth_call or
// eth_estimateGas error, or returns the error text when there is none.
func RevertReason(err error) string {
	if err == nil {
		return ""
	}
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok {
			if b, derr := hexutil.Decode(s); derr == nil {
				if reason, uerr := abi.UnpackRevert(b); uerr == nil {
					return reason
				}
			}
		}
	}
	msg := err.Error()
	for _, p := range []string{"execution reverted: ", "reverted with reason string '"} {
		if i := strings.Index(msg, p); i >= 0 {
			return strings.TrimSuffix(msg[i+len(p):], "'")
		}
	}
	return msg
}
