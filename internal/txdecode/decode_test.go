package txdecode

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/livepeer"
)

var (
	testAddrs = livepeer.Addresses{
		Controller:     common.HexToAddress("0xD8E8328501E9645d16Cf49539efC04f734606ee4"),
		BondingManager: common.HexToAddress("0x35Bcf3c30594191d53231E4FF333E8A770453e40"),
		RoundsManager:  common.HexToAddress("0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f"),
		TicketBroker:   common.HexToAddress("0xa8bB618B1520E284046F3dFc448851A1Ff26e41B"),
		LivepeerToken:  common.HexToAddress("0x289ba1701C2F088cf0faf8B3705246331cB8A839"),
	}
	orch  = common.HexToAddress("0x570E1B321D9359007A7dF39C8038B32B4FC366D7")
	other = common.HexToAddress("0x00000000000000000000000000000000000000Aa")
)

func lptUnits(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

func pack(t *testing.T, a abi.ABI, method string, args ...any) []byte {
	t.Helper()
	b, err := a.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSelectors checks the selectors of shared/LIVEPEER.md: a wrong
// signature would decode a real transaction under the wrong name.
func TestSelectors(t *testing.T) {
	want := map[string]string{
		"0x228cb733": "reward", "0x81871056": "rewardWithHint", "0x1a8c41f8": "rewardForTranscoder",
		"0xb556966a": "rewardForTranscoderWithHint", "0x0103e60e": "setRewardCaller", "0xad3b1b47": "withdrawFees",
		"0xd4807fb2": "initializeRound", "0xa9059cbb": "transfer", "0x095ea7b3": "approve", "0x23b872dd": "transferFrom",
		"0xb78d27dc": "bond", "0x27de9e32": "unbond", "0x43d3461a": "transcoder", "0x25d5971f": "withdrawStake",
		"0x24b1babf": "claimEarnings", "0xeaffb3f9": "rebond", "0x3a080e93": "rebondFromUnbonded",
		// As go-ethereum bindings of the real BondingManager name them.
		"0x0584a373": "rebondFromUnbondedWithHint", "0xee4e804a": "bondForWithHint",
	}
	for sel, name := range want {
		var id [4]byte
		copy(id[:], hexutil.MustDecode(sel))
		m, ok := selectors[id]
		if !ok || m.m.RawName != name {
			t.Errorf("selector %s: got %q, want %s", sel, m.m.RawName, name)
		}
	}
	if n := len(Signatures()); n < 40 {
		t.Errorf("only %d known functions", n)
	}
}

func TestDecode(t *testing.T) {
	d := NewDecoder(testAddrs)
	bm, tok, rm, tb := testAddrs.BondingManager, testAddrs.LivepeerToken, testAddrs.RoundsManager, testAddrs.TicketBroker
	oLower := strings.ToLower(orch.Hex())
	zero := "0x0000000000000000000000000000000000000000"
	ticket := struct {
		Recipient         common.Address
		Sender            common.Address
		FaceValue         *big.Int
		WinProb           *big.Int
		SenderNonce       *big.Int
		RecipientRandHash [32]byte
		AuxData           []byte
	}{orch, other, big.NewInt(1e17), big.NewInt(5), big.NewInt(7), [32]byte{1}, []byte{0xab}}
	maxUint := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	for _, tc := range []struct {
		Name   string
		To     *common.Address
		Input  []byte
		Value  *big.Int
		Method string
		Args   string
		Known  bool
	}{
		{"Reward", &bm, pack(t, livepeer.BondingManagerABI, "reward"), nil, "reward", "", true},
		{"RewardWithHint", &bm, pack(t, livepeer.BondingManagerABI, "rewardWithHint", common.Address{}, orch), nil,
			"rewardWithHint", "newPosPrev=" + zero + ", newPosNext=" + oLower, true},
		{"RewardForTranscoder", &bm, pack(t, livepeer.BondingManagerABI, "rewardForTranscoder", orch), nil,
			"rewardForTranscoder", "transcoder=" + oLower, true},
		{"InitializeRound", &rm, pack(t, livepeer.RoundsManagerABI, "initializeRound"), nil, "initializeRound", "", true},
		{"Bond", &bm, pack(t, livepeer.BondingManagerABI, "bond", lptUnits(1000), orch), nil, "bond", "amount=1000 LPT, to=" + oLower, true},
		{"Unbond", &bm, pack(t, livepeer.BondingManagerABI, "unbond", big.NewInt(15e17)), nil, "unbond", "amount=1.5 LPT", true},
		{"Rebond", &bm, pack(t, BondingManagerExtraABI, "rebond", big.NewInt(3)), nil, "rebond", "unbondingLockId=3", true},
		{"WithdrawFees", &bm, pack(t, livepeer.BondingManagerABI, "withdrawFees", orch, big.NewInt(25e15)), nil,
			"withdrawFees", "recipient=" + oLower + ", amount=0.025 ETH", true},
		{"WithdrawStake", &bm, pack(t, BondingManagerExtraABI, "withdrawStake", big.NewInt(0)), nil, "withdrawStake", "unbondingLockId=0", true},
		{"Transcoder", &bm, pack(t, livepeer.BondingManagerABI, "transcoder", big.NewInt(100000), big.NewInt(505000)), nil,
			"transcoder", "rewardCut=10%, feeShare=50.5%", true},
		{"SetRewardCaller", &bm, pack(t, livepeer.BondingManagerABI, "setRewardCaller", other), nil,
			"setRewardCaller", "rewardCaller=0x00000000000000000000000000000000000000aa", true},
		{"ClaimEarnings", &bm, pack(t, BondingManagerExtraABI, "claimEarnings", big.NewInt(3500)), nil, "claimEarnings", "endRound=3500", true},
		{"LPTTransfer", &tok, pack(t, livepeer.TokenABI, "transfer", other, lptUnits(2)), nil,
			"transfer", "to=0x00000000000000000000000000000000000000aa, value=2 LPT", true},
		{"OtherTokenTransfer", &other, pack(t, livepeer.TokenABI, "transfer", orch, big.NewInt(1234)), nil,
			"transfer", "to=" + oLower + ", value=1234 (base units)", true},
		{"ApproveUnlimited", &tok, pack(t, livepeer.TokenABI, "approve", bm, maxUint), nil,
			"approve", "spender=" + strings.ToLower(bm.Hex()) + ", value=unlimited", true},
		{"TransferFrom", &tok, pack(t, ERC20ABI, "transferFrom", orch, other, lptUnits(1)), nil,
			"transferFrom", "from=" + oLower + ", to=0x00000000000000000000000000000000000000aa, value=1 LPT", true},
		{"FundDeposit", &tb, pack(t, TicketBrokerABI, "fundDeposit"), big.NewInt(2e17), "fundDeposit", "value=0.2 ETH", true},
		{"RedeemWinningTicket", &tb, pack(t, TicketBrokerABI, "redeemWinningTicket", ticket, []byte{1, 2}, big.NewInt(9)), nil,
			"redeemWinningTicket", "ticket={recipient: " + oLower + ", sender: 0x00000000000000000000000000000000000000aa, faceValue: 0.1 ETH, winProb: 5, senderNonce: 7, " +
				"recipientRandHash: 0x0100000000000000000000000000000000000000000000000000000000000000, auxData: 0xab}, sig=0x0102, recipientRand=9", true},
		{"UnknownSelector", &bm, []byte{0x12, 0x34, 0x56, 0x78, 0, 0}, nil, "0x12345678", "", false},
		{"PlainTransfer", &other, nil, big.NewInt(1e18), MethodETHTransfer, "value=1 ETH", true},
		{"ContractCreation", nil, []byte{0x60, 0x80}, nil, MethodCreate, "", true},
		{"ShortInput", &bm, []byte{0x01, 0x02}, nil, "0x0102", "(input shorter than a selector)", false},
		{"TruncatedArguments", &bm, pack(t, livepeer.BondingManagerABI, "bond", lptUnits(1), orch)[:20], nil,
			"bond", "(arguments do not decode)", true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			c := d.Decode(tc.To, tc.Input, tc.Value)
			if c.Method != tc.Method || c.ArgsString() != tc.Args || c.Known != tc.Known {
				t.Fatalf("got %q %q known=%v, want %q %q known=%v", c.Method, c.ArgsString(), c.Known, tc.Method, tc.Args, tc.Known)
			}
		})
	}
}

func TestContractName(t *testing.T) {
	d := NewDecoder(testAddrs)
	if n := d.ContractName(testAddrs.BondingManager); n != "BondingManager" {
		t.Errorf("BondingManager: got %q", n)
	}
	if n := d.ContractName(other); n != "" {
		t.Errorf("unknown address named %q", n)
	}
}

func TestFormatUnits(t *testing.T) {
	for _, tc := range []struct {
		V    *big.Int
		Want string
	}{
		{big.NewInt(0), "0"}, {big.NewInt(1), "0.000000000000000001"}, {lptUnits(1000), "1000"},
		{big.NewInt(1234500000000000000), "1.2345"}, {big.NewInt(-5e17), "-0.5"},
	} {
		if got := FormatETH(tc.V); got != tc.Want {
			t.Errorf("FormatETH(%s) = %s, want %s", tc.V, got, tc.Want)
		}
	}
}
