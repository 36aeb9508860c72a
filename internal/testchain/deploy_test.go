package testchain_test

import (
	"encoding/hex"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testchain/bindings"
)

func TestDeployRegistersContracts(t *testing.T) {
	e := newEnv(t, testchain.Params{LIP118: true}, 0)
	opts := &bind.CallOpts{Context: e.ctx}

	tests := []struct {
		name string
		want common.Address
	}{
		{"LivepeerToken", e.d.Token},
		{"Minter", e.d.Minter},
		{"RoundsManager", e.d.RoundsManager},
		{"BondingManager", e.d.BondingManager},
		{"TicketBroker", e.d.TicketBroker},
		{"Verifier", addr(e.owner)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := crypto.Keccak256Hash([]byte(tt.name))
			got, err := e.d.Contracts.Controller.GetContract(opts, id)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || got == (common.Address{}) {
				t.Fatalf("getContract(keccak256(%q)) = %s, want %s", tt.name, got, tt.want)
			}
			code, err := e.chain.client.CodeAt(e.ctx, got, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.name != "Verifier" && len(code) == 0 {
				t.Fatalf("no code at %s", got)
			}
		})
	}

	t.Run("Unpaused", func(t *testing.T) {
		paused, err := e.d.Contracts.Controller.Paused(opts)
		if err != nil || paused {
			t.Fatalf("paused = %v, %v; want false", paused, err)
		}
	})
	t.Run("Attach", func(t *testing.T) {
		a, err := testchain.Attach(e.ctx, e.chain.client, e.d.Controller)
		if err != nil {
			t.Fatal(err)
		}
		if a.Token != e.d.Token || a.Minter != e.d.Minter || a.RoundsManager != e.d.RoundsManager ||
			a.BondingManager != e.d.BondingManager || a.TicketBroker != e.d.TicketBroker {
			t.Fatalf("attach resolved %+v, deploy made %+v", a, e.d)
		}
		l, err := a.RoundLength(e.ctx)
		if err != nil || l != testchain.DefaultRoundLength {
			t.Fatalf("roundLength via attach = %d, %v; want %d", l, err, testchain.DefaultRoundLength)
		}
	})
	t.Run("AttachUnknownController", func(t *testing.T) {
		if _, err := testchain.Attach(e.ctx, e.chain.client, e.d.Token); err == nil {
			t.Fatal("attach to a non-controller succeeded")
		}
	})
}

func TestArtifactsMatchBindings(t *testing.T) {
	tests := []struct {
		name string
		meta *bind.MetaData
	}{
		{"Controller", bindings.ControllerMetaData},
		{"LivepeerToken", bindings.LivepeerTokenMetaData},
		{"Minter", bindings.MinterMetaData},
		{"RoundsManager", bindings.RoundsManagerMetaData},
		{"BondingManager", bindings.BondingManagerMetaData},
		{"TicketBroker", bindings.TicketBrokerMetaData},
		{"Multicall3", bindings.Multicall3MetaData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := testchain.LoadArtifact(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := "0x"+hex.EncodeToString(a.Bin), tt.meta.Bin; got != want {
				t.Fatalf("artifact bin differs from binding bin; run go generate ./internal/testchain")
			}
		})
	}
}

// TestABIMatchesLivepeer checks selectors, event topics and tuple orders against the real
// contracts as listed in shared/LIVEPEER.md.
func TestABIMatchesLivepeer(t *testing.T) {
	abis := map[string]*bind.MetaData{
		"Controller":     bindings.ControllerMetaData,
		"Minter":         bindings.MinterMetaData,
		"RoundsManager":  bindings.RoundsManagerMetaData,
		"BondingManager": bindings.BondingManagerMetaData,
		"TicketBroker":   bindings.TicketBrokerMetaData,
	}
	parsed := func(t *testing.T, contract string) *abi.ABI {
		t.Helper()
		a, err := abis[contract].GetAbi()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	methods := []struct {
		name, contract, sig, selector string
	}{
		{"GetContract", "Controller", "getContract(bytes32)", "e16c7d98"},
		{"Reward", "BondingManager", "reward()", "228cb733"},
		{"RewardWithHint", "BondingManager", "rewardWithHint(address,address)", "81871056"},
		{"GetTranscoder", "BondingManager", "getTranscoder(address)", "5dce9948"},
		{"TranscoderTotalStake", "BondingManager", "transcoderTotalStake(address)", "9ef9df94"},
		{"TranscoderStatus", "BondingManager", "transcoderStatus(address)", "8b2f1652"},
		{"IsActiveTranscoder", "BondingManager", "isActiveTranscoder(address)", "08802374"},
		{"GetTotalBonded", "BondingManager", "getTotalBonded()", "5c50c356"},
		{"PendingStake", "BondingManager", "pendingStake(address,uint256)", "9d0b2c7a"},
		{"PendingFees", "BondingManager", "pendingFees(address,uint256)", "f595f1cc"},
		{"WithdrawFees", "BondingManager", "withdrawFees(address,uint256)", "ad3b1b47"},
		{"GetDelegator", "BondingManager", "getDelegator(address)", "a64ad595"},
		{"SetRewardCaller", "BondingManager", "setRewardCaller(address)", "0103e60e"},
		{"RewardForTranscoder", "BondingManager", "rewardForTranscoder(address)", "1a8c41f8"},
		{"RewardForTranscoderWithHint", "BondingManager", "rewardForTranscoderWithHint(address,address,address)", "b556966a"},
		{"TranscoderToRewardCaller", "BondingManager", "transcoderToRewardCaller(address)", "47621410"},
		{"CurrentRound", "RoundsManager", "currentRound()", "8a19c8bc"},
		{"CurrentRoundInitialized", "RoundsManager", "currentRoundInitialized()", "219bc76c"},
		{"CurrentRoundStartBlock", "RoundsManager", "currentRoundStartBlock()", "8fa148f2"},
		{"RoundLength", "RoundsManager", "roundLength()", "8b649b94"},
		{"BlockNum", "RoundsManager", "blockNum()", "8ae63d6d"},
		{"InitializeRound", "RoundsManager", "initializeRound()", "d4807fb2"},
		{"GetSenderInfo", "TicketBroker", "getSenderInfo(address)", "e1a589da"},
		{"CurrentMintableTokens", "Minter", "currentMintableTokens()", "9ae6309a"},
	}
	for _, tt := range methods {
		t.Run("Method"+tt.name, func(t *testing.T) {
			a := parsed(t, tt.contract)
			for _, m := range a.Methods {
				if m.Sig == tt.sig {
					if got := hex.EncodeToString(m.ID); got != tt.selector {
						t.Fatalf("%s selector = %s, want %s", tt.sig, got, tt.selector)
					}
					return
				}
			}
			t.Fatalf("%s has no method %s", tt.contract, tt.sig)
		})
	}

	events := []struct {
		name, contract, sig string
		indexed             int
		topic               string // known topic of the real event, when recorded
	}{
		{"Reward", "BondingManager", "Reward(address,uint256)", 1, ""},
		{"TranscoderSlashed", "BondingManager", "TranscoderSlashed(address,address,uint256,uint256)", 1, ""},
		{"TranscoderActivated", "BondingManager", "TranscoderActivated(address,uint256)", 1, ""},
		{"TranscoderDeactivated", "BondingManager", "TranscoderDeactivated(address,uint256)", 1, ""},
		{"TranscoderUpdate", "BondingManager", "TranscoderUpdate(address,uint256,uint256)", 1, ""},
		{"Bond", "BondingManager", "Bond(address,address,address,uint256,uint256)", 3, ""},
		{"Unbond", "BondingManager", "Unbond(address,address,uint256,uint256,uint256)", 2, ""},
		{"WithdrawFees", "BondingManager", "WithdrawFees(address,address,uint256)", 1, ""},
		{"RewardCallerSet", "BondingManager", "RewardCallerSet(address,address)", 2, ""},
		{"NewRound", "RoundsManager", "NewRound(uint256,bytes32)", 1, ""},
		{"SetContractInfo", "Controller", "SetContractInfo(bytes32,address,bytes20)", 0, ""},
		{"WinningTicketRedeemed", "TicketBroker", "WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)", 2,
			"0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7"},
	}
	for _, tt := range events {
		t.Run("Event"+tt.name, func(t *testing.T) {
			a := parsed(t, tt.contract)
			ev, ok := a.Events[tt.name]
			if !ok || ev.Sig != tt.sig {
				t.Fatalf("%s event %s: got %q, want %q", tt.contract, tt.name, ev.Sig, tt.sig)
			}
			n := 0
			for _, in := range ev.Inputs {
				if in.Indexed {
					n++
				}
			}
			if n != tt.indexed {
				t.Fatalf("%s has %d indexed inputs, want %d", tt.sig, n, tt.indexed)
			}
			if tt.topic != "" && ev.ID.Hex() != tt.topic {
				t.Fatalf("%s topic = %s, want %s", tt.sig, ev.ID.Hex(), tt.topic)
			}
		})
	}

	tuples := []struct {
		name, contract, method string
		outputs                []string
	}{
		{"GetTranscoder", "BondingManager", "getTranscoder", []string{
			"lastRewardRound", "rewardCut", "feeShare", "lastActiveStakeUpdateRound", "activationRound",
			"deactivationRound", "activeCumulativeRewards", "cumulativeRewards", "cumulativeFees", "lastFeeRound"}},
		{"GetDelegator", "BondingManager", "getDelegator", []string{
			"bondedAmount", "fees", "delegateAddress", "delegatedAmount", "startRound", "lastClaimRound", "nextUnbondingLockId"}},
		{"GetSenderInfo", "TicketBroker", "getSenderInfo", []string{"sender", "reserve"}},
	}
	for _, tt := range tuples {
		t.Run("Outputs"+tt.name, func(t *testing.T) {
			m := parsed(t, tt.contract).Methods[tt.method]
			if len(m.Outputs) != len(tt.outputs) {
				t.Fatalf("%s returns %d values, want %d", tt.method, len(m.Outputs), len(tt.outputs))
			}
			for i, o := range m.Outputs {
				if o.Name != tt.outputs[i] {
					t.Fatalf("%s output %d = %s, want %s", tt.method, i, o.Name, tt.outputs[i])
				}
			}
		})
	}
	t.Run("SenderInfoShape", func(t *testing.T) {
		m := parsed(t, "TicketBroker").Methods["getSenderInfo"]
		if got := m.Outputs[0].Type.String() + "," + m.Outputs[1].Type.String(); got != "(uint256,uint256),(uint256,uint256)" {
			t.Fatalf("getSenderInfo returns %s", got)
		}
	})
}
