package keeper

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

func gwei(f float64) *big.Int {
	v, _ := new(big.Float).Mul(big.NewFloat(f), big.NewFloat(1e9)).Int(nil)
	return v
}

func TestPrice(t *testing.T) {
	for _, tc := range []struct {
		Name                        string
		BaseFee, GasPrice, Tip, Cap *big.Int
		TipCap                      *big.Int
		WantMax, WantTip            *big.Int
		WantRefused                 bool
	}{
		{Name: "UnderCap", BaseFee: gwei(1), GasPrice: gwei(2), Tip: gwei(1), Cap: gwei(5), WantMax: gwei(3), WantTip: gwei(1)},
		{Name: "ClampedToCap", BaseFee: gwei(3), GasPrice: gwei(4), Tip: gwei(1), Cap: gwei(5), WantMax: gwei(5), WantTip: gwei(1)},
		{Name: "TipSqueezedUnderCap", BaseFee: gwei(4.5), GasPrice: gwei(6), Tip: gwei(2), Cap: gwei(5), WantMax: gwei(5), WantTip: gwei(0.5)},
		{Name: "TipCapped", BaseFee: gwei(1), GasPrice: gwei(2), Tip: gwei(3), Cap: gwei(10), TipCap: gwei(0.5), WantMax: gwei(2.5), WantTip: gwei(0.5)},
		{Name: "BaseFeeAboveCap", BaseFee: gwei(6), GasPrice: gwei(7), Tip: gwei(1), Cap: gwei(5), WantRefused: true},
		{Name: "LegacyUnderCap", GasPrice: gwei(2), Tip: gwei(1), Cap: gwei(5), WantMax: gwei(2), WantTip: gwei(2)},
		{Name: "LegacyAboveCap", GasPrice: gwei(6), Tip: gwei(1), Cap: gwei(5), WantRefused: true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			mx, tip, why := price(tc.BaseFee, tc.GasPrice, tc.Tip, tc.Cap, tc.TipCap)
			if tc.WantRefused {
				if why == "" {
					t.Fatalf("price = %v, %v; want refusal", mx, tip)
				}
				return
			}
			if why != "" {
				t.Fatalf("refused: %s", why)
			}
			if mx.Cmp(tc.WantMax) != 0 || tip.Cmp(tc.WantTip) != 0 {
				t.Fatalf("price = max %v tip %v; want %v, %v", mx, tip, tc.WantMax, tc.WantTip)
			}
			if mx.Cmp(tc.Cap) > 0 {
				t.Fatalf("max fee %v above cap %v", mx, tc.Cap)
			}
		})
	}
}

func TestBumpIsAtLeast12Point5Percent(t *testing.T) {
	for _, v := range []int64{0, 1, 7, 8, 1000, 1_000_000_007, 3_000_000_000} {
		in := big.NewInt(v)
		out := bump(in)
		// out*1000 >= in*1125 and out > in
		lhs := new(big.Int).Mul(out, big.NewInt(1000))
		rhs := new(big.Int).Mul(in, big.NewInt(1125))
		if lhs.Cmp(rhs) < 0 || out.Cmp(in) <= 0 {
			t.Errorf("bump(%d) = %v: less than 12.5%% more", v, out)
		}
	}
}

func TestBlockClock(t *testing.T) {
	var c blockClock
	t0 := time.Unix(1000, 0)
	if got := c.eta(10, time.Second); got != time.Second {
		t.Fatalf("eta before any observation = %v, want the fallback", got)
	}
	c.observe(100, t0)
	c.observe(101, t0.Add(12*time.Second))
	c.observe(104, t0.Add(48*time.Second))
	if c.PerBlock() != 12*time.Second {
		t.Fatalf("per block = %v, want 12s", c.PerBlock())
	}
	if got := c.eta(10, time.Second); got != 108*time.Second {
		t.Fatalf("eta(10) = %v, want 90%% of 120s", got)
	}
	c.observe(5, t0.Add(60*time.Second)) // chain reset
	if c.PerBlock() != 0 {
		t.Fatalf("estimate survived a chain reset")
	}
}

func TestGasLimitBounded(t *testing.T) {
	for _, tc := range []struct {
		Name     string
		Estimate uint64
		Want     uint64
		Refused  bool
	}{
		{Name: "Reward", Estimate: 400_000, Want: 500_000},
		{Name: "AtBound", Estimate: MaxGasEstimate, Want: MaxGasEstimate * 5 / 4},
		{Name: "AboveBound", Estimate: MaxGasEstimate + 1, Refused: true},
		{Name: "WouldOverflow", Estimate: math.MaxUint64 / 2, Refused: true},
		{Name: "MaxUint64", Estimate: math.MaxUint64, Refused: true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := gasLimit(tc.Estimate)
			if tc.Refused {
				if err == nil || !strings.Contains(err.Error(), strconv.FormatUint(tc.Estimate, 10)) {
					t.Fatalf("gasLimit(%d) = %d, %v; want a refusal naming the estimate", tc.Estimate, got, err)
				}
				return
			}
			if err != nil || got != tc.Want {
				t.Fatalf("gasLimit(%d) = %d, %v; want %d", tc.Estimate, got, err, tc.Want)
			}
		})
	}
}

func TestBlockClockForgetsAStall(t *testing.T) {
	var c blockClock
	t0 := time.Unix(1000, 0)
	for b := uint64(0); b <= 30; b++ {
		c.observe(b, t0.Add(time.Duration(b)*time.Second))
	}
	// Five minutes without a block, then one block a second again.
	resume := t0.Add(330 * time.Second)
	c.observe(31, resume)
	if c.PerBlock() != time.Second {
		t.Fatalf("per block after a stall = %v, want the 1s from before it", c.PerBlock())
	}
	for b := uint64(32); b <= 40; b++ {
		c.observe(b, resume.Add(time.Duration(b-31)*time.Second))
	}
	if c.PerBlock() != time.Second {
		t.Fatalf("per block = %v, want 1s", c.PerBlock())
	}
	// A chain that really slowed down to 5s a block is believed after a few gaps.
	at := resume.Add(9 * time.Second)
	for b := uint64(41); b <= 45; b++ {
		at = at.Add(5 * time.Second)
		c.observe(b, at)
	}
	if c.PerBlock() < 4*time.Second {
		t.Fatalf("per block = %v after five 5s blocks, want about 5s", c.PerBlock())
	}
}
