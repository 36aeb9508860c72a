package livepeer

import (
	"math/big"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

var (
	bm    = common.HexToAddress("0x00000000000000000000000000000000000000b0")
	tb    = common.HexToAddress("0x00000000000000000000000000000000000000b1")
	orch  = common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	deleg = common.HexToAddress("0x00000000000000000000000000000000000000d1")
	other = common.HexToAddress("0x00000000000000000000000000000000000000d2")
)

// mkLog packs an event as the contract would emit it.
func mkLog(t *testing.T, a abi.ABI, name string, at common.Address, indexed []common.Address, values ...any) EventLog {
	t.Helper()
	ev := a.Events[name]
	data, err := ev.Inputs.NonIndexed().Pack(values...)
	if err != nil {
		t.Fatalf("pack %s: %v", name, err)
	}
	topics := []common.Hash{ev.ID}
	for _, x := range indexed {
		topics = append(topics, AddressTopic(x))
	}
	return EventLog{Address: at, Topics: topics, Data: data, BlockNumber: 7, TxHash: common.Hash{9}, Index: 3}
}

func TestTopicsAreTheRealSignatures(t *testing.T) {
	for _, tc := range []struct {
		Name  string
		Topic common.Hash
		Sig   string
	}{
		{"Bond", TopicBond, "Bond(address,address,address,uint256,uint256)"},
		{"Unbond", TopicUnbond, "Unbond(address,address,uint256,uint256,uint256)"},
		{"Reward", TopicReward, "Reward(address,uint256)"},
		{"TranscoderSlashed", TopicTranscoderSlashed, "TranscoderSlashed(address,address,uint256,uint256)"},
		{"TranscoderActivated", TopicTranscoderActivated, "TranscoderActivated(address,uint256)"},
		{"TranscoderDeactivated", TopicTranscoderDeactivated, "TranscoderDeactivated(address,uint256)"},
		{"TranscoderUpdate", TopicTranscoderUpdate, "TranscoderUpdate(address,uint256,uint256)"},
		{"Rebond", TopicRebond, "Rebond(address,address,uint256,uint256)"},
		{"EarningsClaimed", TopicEarningsClaimed, "EarningsClaimed(address,address,uint256,uint256,uint256,uint256)"},
		{"WinningTicketRedeemed", TopicWinningTicketRedeemed, "WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			if want := crypto.Keccak256Hash([]byte(tc.Sig)); tc.Topic != want {
				t.Fatalf("topic %s, want keccak256(%q) = %s", tc.Topic, tc.Sig, want)
			}
		})
	}
	for _, m := range []struct{ name, sel string }{
		{"getTranscoderPoolMaxSize", "getTranscoderPoolMaxSize()"},
		{"getTranscoderPoolSize", "getTranscoderPoolSize()"},
		{"getFirstTranscoderInPool", "getFirstTranscoderInPool()"},
		{"getNextTranscoderInPool", "getNextTranscoderInPool(address)"},
	} {
		if got, want := BondingManagerWatchABI.Methods[m.name].ID, crypto.Keccak256([]byte(m.sel))[:4]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s selector %x, want %x", m.name, got, want)
		}
	}
}

func TestDecodeBondingEvent(t *testing.T) {
	n := func(v int64) *big.Int { return big.NewInt(v) }
	bond := mkLog(t, BondingManagerABI, "Bond", bm, []common.Address{orch, other, deleg}, n(100), n(250))
	for _, tc := range []struct {
		Name string
		Log  EventLog
		Want any // nil: not decoded
	}{
		{"Bond", bond, BondEvent{NewDelegate: orch, OldDelegate: other, Delegator: deleg, AdditionalAmount: n(100), BondedAmount: n(250), Log: bond}},
		{"Unbond", mkLog(t, BondingManagerABI, "Unbond", bm, []common.Address{orch, deleg}, n(1), n(40), n(19)),
			UnbondEvent{Delegate: orch, Delegator: deleg, UnbondingLockID: n(1), Amount: n(40), WithdrawRound: n(19)}},
		{"Slashed", mkLog(t, BondingManagerABI, "TranscoderSlashed", bm, []common.Address{orch}, other, n(500), n(50)),
			SlashEvent{Transcoder: orch, Finder: other, Penalty: n(500), FinderReward: n(50)}},
		{"Activated", mkLog(t, BondingManagerABI, "TranscoderActivated", bm, []common.Address{orch}, n(12)),
			ActivationEvent{Transcoder: orch, Round: n(12)}},
		{"Deactivated", mkLog(t, BondingManagerABI, "TranscoderDeactivated", bm, []common.Address{orch}, n(13)),
			ActivationEvent{Transcoder: orch, Round: n(13), Deactivated: true}},
		{"TranscoderUpdate", mkLog(t, BondingManagerWatchABI, "TranscoderUpdate", bm, []common.Address{orch}, n(100000), n(500000)),
			TranscoderUpdateEvent{Transcoder: orch, RewardCut: n(100000), FeeShare: n(500000)}},
		{"Reward", mkLog(t, BondingManagerABI, "Reward", bm, []common.Address{orch}, n(7)),
			RewardLogEvent{Transcoder: orch, Amount: n(7)}},
		{"OtherContract", mkLog(t, BondingManagerABI, "Reward", other, []common.Address{orch}, n(7)), nil},
		{"MissingIndexedTopic", mkLog(t, BondingManagerABI, "Bond", bm, []common.Address{orch, other}, n(1), n(1)), nil},
		{"ShortData", func() EventLog { l := bond; l.Data = l.Data[:32]; return l }(), nil},
		{"UnwatchedEvent", mkLog(t, BondingManagerABI, "RewardCallerSet", bm, []common.Address{orch, other}), nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, ok := DecodeBondingEvent(bm, tc.Log)
			if tc.Want == nil {
				if ok {
					t.Fatalf("decoded %+v, want nothing", got)
				}
				return
			}
			if !ok {
				t.Fatal("not decoded")
			}
			// The decoded event carries its log; compare the rest.
			want := reflect.ValueOf(&tc.Want).Elem()
			w := reflect.New(want.Elem().Type()).Elem()
			w.Set(want.Elem())
			w.FieldByName("Log").Set(reflect.ValueOf(tc.Log))
			if !reflect.DeepEqual(got, w.Interface()) {
				t.Fatalf("got  %+v\nwant %+v", got, w.Interface())
			}
		})
	}
}

func TestDecodeTicket(t *testing.T) {
	l := mkLog(t, TicketBrokerABI, "WinningTicketRedeemed", tb, []common.Address{deleg, orch},
		big.NewInt(1e17), big.NewInt(5), big.NewInt(1), big.NewInt(0), []byte("aux"))
	ev, ok := DecodeTicket(tb, l)
	if !ok || ev.Sender != deleg || ev.Recipient != orch || ev.FaceValue.Cmp(big.NewInt(1e17)) != 0 || ev.WinProb.Int64() != 5 {
		t.Fatalf("DecodeTicket = %+v, %v", ev, ok)
	}
	if _, ok := DecodeTicket(bm, l); ok {
		t.Fatal("decoded a ticket from another contract")
	}
}

func TestMergeLogs(t *testing.T) {
	at := func(block uint64, idx uint, tx byte, removed bool) EventLog {
		return EventLog{BlockNumber: hexutil.Uint64(block), Index: hexutil.Uint(idx), TxHash: common.Hash{tx}, Removed: removed}
	}
	got := MergeLogs(
		[]EventLog{at(5, 2, 1, false), at(3, 0, 2, false)},
		[]EventLog{at(5, 2, 1, false), at(5, 1, 1, false), at(4, 0, 3, true)},
	)
	var pos [][2]uint64
	for _, l := range got {
		pos = append(pos, [2]uint64{uint64(l.BlockNumber), uint64(l.Index)})
	}
	if want := [][2]uint64{{3, 0}, {5, 1}, {5, 2}}; !reflect.DeepEqual(pos, want) {
		t.Fatalf("merged %v, want %v (chain order, once each, no removed logs)", pos, want)
	}
}

func TestLogQueryAndViewCallRequests(t *testing.T) {
	var out []EventLog
	e := LogQuery{Addresses: []common.Address{bm}, Topics: [][]common.Hash{{TopicBond}, nil, {AddressTopic(orch)}}}.Elem(10, 20, &out)
	f := e.Args[0].(map[string]any)
	if e.Method != "eth_getLogs" || f["address"] != bm || f["fromBlock"] != hexutil.Uint64(10) || f["toBlock"] != hexutil.Uint64(20) {
		t.Fatalf("request %+v", e)
	}
	if topics := f["topics"].([]any); len(topics) != 3 || topics[0] != TopicBond || topics[1] != nil || topics[2] != AddressTopic(orch) {
		t.Fatalf("topics %v", topics)
	}
	v := NewViewCall(BondingManagerABI, bm, "transcoderTotalStake", orch).AtBlock(255)
	if tag := v.Elem().Args[1]; tag != "0xff" {
		t.Fatalf("block tag %v, want 0xff", tag)
	}
}
