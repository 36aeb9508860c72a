package testchain_test

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"

	"github.com/lpops/lpops/internal/testchain"
)

// TestBlockNumParams checks that blockNum() follows offset + block.number / divisor and that
// rounds are counted in blockNum() blocks, as on Arbitrum where blockNum() is the L1 number.
func TestBlockNumParams(t *testing.T) {
	const roundLength = 20
	tests := []struct {
		name           string
		offset, div    uint64
		mine           int    // empty blocks to mine after deploying
		newOffset      uint64 // runtime change of the clock
		newDiv         uint64
		wantRoundsMore uint64 // at least this many more rounds after the change
	}{
		{name: "PlainBlockNumber", offset: 0, div: 1, mine: 45, newOffset: 3 * roundLength, newDiv: 1, wantRoundsMore: 3},
		{name: "OffsetMovesRounds", offset: 100000, div: 1, mine: 7, newOffset: 100000 + 10*roundLength, newDiv: 1, wantRoundsMore: 10},
		{name: "DivisorSlowsClock", offset: 0, div: 4, mine: 4 * roundLength, newOffset: 5 * roundLength, newDiv: 4, wantRoundsMore: 5},
		{name: "SwitchToSlowerClock", offset: 0, div: 1, mine: 30, newOffset: 1000, newDiv: 8, wantRoundsMore: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, testchain.Params{RoundLength: roundLength, BlockNumOffset: tt.offset, BlockNumDivisor: tt.div, LIP118: true}, 0)
			for range tt.mine {
				e.chain.commit()
			}
			checkClock(t, e, tt.offset, tt.div, roundLength)
			before := e.round()

			if _, err := e.d.SetBlockNumParams(e.ctx, e.owner, tt.newOffset, tt.newDiv); err != nil {
				t.Fatal(err)
			}
			checkClock(t, e, tt.newOffset, tt.newDiv, roundLength)
			if after := e.round(); after < before+tt.wantRoundsMore {
				t.Fatalf("round %d after the change, want at least %d", after, before+tt.wantRoundsMore)
			}
			// The new round is not initialized until someone does it.
			if ok, err := e.d.RoundInitialized(e.ctx); err != nil || ok {
				t.Fatalf("round initialized = %v, %v; want false", ok, err)
			}
		})
	}

	t.Run("ClockCannotGoBackwards", func(t *testing.T) {
		e := newEnv(t, testchain.Params{RoundLength: roundLength, BlockNumOffset: 500, LIP118: true}, 0)
		_, err := e.d.SetBlockNumParams(e.ctx, e.owner, 0, 1)
		wantRevert(t, err, "blockNum cannot go backwards")
	})
	t.Run("OnlyOwner", func(t *testing.T) {
		e := newEnv(t, testchain.Params{RoundLength: roundLength, LIP118: true}, 1)
		_, err := e.d.SetBlockNumParams(e.ctx, e.keys[0], 1000, 1)
		wantRevert(t, err, "caller must be Controller owner")
	})
}

// checkClock asserts blockNum() = offset + head/div and currentRound() = blockNum()/roundLength
// (rounds are anchored at a multiple of the round length when the length is first set).
func checkClock(t *testing.T, e *env, offset, div, roundLength uint64) {
	t.Helper()
	head := e.chain.head(t, e.ctx)
	bn, err := e.d.BlockNum(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := offset + head/div; bn != want {
		t.Fatalf("blockNum = %d at head %d, want %d", bn, head, want)
	}
	if got, want := e.round(), bn/roundLength; got != want {
		t.Fatalf("currentRound = %d at blockNum %d, want %d", got, bn, want)
	}
	start, err := e.d.RoundStartBlock(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := bn / roundLength * roundLength; start != want {
		t.Fatalf("currentRoundStartBlock = %d, want %d", start, want)
	}
}

// TestSetRoundLength checks the real lastRoundLengthUpdateRound/StartBlock bookkeeping: a
// new length counts from the start of the round in which it was set.
func TestSetRoundLength(t *testing.T) {
	e := newEnv(t, testchain.Params{RoundLength: 20, LIP118: true}, 0)
	opts := &bind.CallOpts{Context: e.ctx}
	e.nextRound()
	e.chain.commit()
	e.chain.commit()

	if _, err := e.d.SetRoundLength(e.ctx, e.owner, 7); err != nil {
		t.Fatal(err)
	}
	updateRound, err := e.d.Contracts.RoundsManager.LastRoundLengthUpdateRound(opts)
	if err != nil {
		t.Fatal(err)
	}
	updateStart, err := e.d.Contracts.RoundsManager.LastRoundLengthUpdateStartBlock(opts)
	if err != nil {
		t.Fatal(err)
	}
	round, start := e.round(), mustUint(t)(e.d.RoundStartBlock(e.ctx))
	if updateRound.Uint64() != round || updateStart.Uint64() != start {
		t.Fatalf("lastRoundLengthUpdate = (round %s, start %s), want (%d, %d)", updateRound, updateStart, round, start)
	}
	if start%20 != 0 {
		t.Fatalf("round start %d is not on the old 20-block grid", start)
	}

	for range 30 {
		e.chain.commit()
		bn := mustUint(t)(e.d.BlockNum(e.ctx))
		wantRound := round + (bn-start)/7
		if got := e.round(); got != wantRound {
			t.Fatalf("blockNum %d: currentRound = %d, want %d", bn, got, wantRound)
		}
		if got, want := mustUint(t)(e.d.RoundStartBlock(e.ctx)), start+(bn-start)/7*7; got != want {
			t.Fatalf("blockNum %d: currentRoundStartBlock = %d, want %d", bn, got, want)
		}
	}
}

// mustUint unwraps a (uint64, error) read, failing t on error.
func mustUint(t *testing.T) func(uint64, error) uint64 {
	return func(v uint64, err error) uint64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestWaitForBlockNum waits on a chain that mines by itself.
func TestWaitForBlockNum(t *testing.T) {
	e := newEnv(t, testchain.Params{BlockNumDivisor: 3, LIP118: true}, 0)
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { // a block timer
		defer close(done)
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				e.chain.commit()
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })

	target := mustUint(t)(e.d.BlockNum(ctx)) + 5
	if err := e.d.WaitForBlockNum(ctx, target, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if bn := mustUint(t)(e.d.BlockNum(ctx)); bn < target {
		t.Fatalf("blockNum %d after waiting for %d", bn, target)
	}
	round := e.round() + 1
	if err := e.d.WaitForRound(ctx, round, time.Millisecond); err != nil {
		t.Fatal(err)
	}

	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	if err := e.d.WaitForBlockNum(short, 1<<40, time.Millisecond); err == nil {
		t.Fatal("WaitForBlockNum returned nil for an unreachable block after its context ended")
	}
}
