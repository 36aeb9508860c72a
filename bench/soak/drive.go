package main

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// drive mines the soak's blocks, one every block time, from the first
// round's start to the end of the last, injecting and clearing faults on
// the blocks the plan names.
func (s *soak) drive(ctx context.Context, end uint64) error {
	starts := map[uint64][]*fault{}
	ends := map[uint64][]*fault{}
	for _, f := range s.plan.Faults {
		starts[f.Start] = append(starts[f.Start], f)
		if f.End > f.Start {
			ends[f.End] = append(ends[f.End], f)
		}
	}
	next, err := s.chain.head(ctx)
	if err != nil {
		return err
	}
	next++
	tick := time.NewTicker(s.t.BlockTime)
	defer tick.Stop()
	lastRound := uint64(0)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		head, err := s.chain.mine(ctx, s.currentBaseFee())
		if err != nil {
			return err
		}
		// Every block since the last one handled: on geth, transactions
		// seal blocks of their own between the driver's.
		for ; next <= head; next++ {
			b := next
			if b >= end {
				return nil
			}
			if r := s.roundOf(b); r != lastRound && b >= s.plan.Rounds[0].Start {
				lastRound = r
				rp := s.plan.Rounds[r-s.plan.Rounds[0].Round]
				s.logf("round %d starts at block %d (node rewards: %v)", r, rp.Start, rp.NodeRewards)
			}
			if r := s.roundOf(b); b >= s.plan.Rounds[0].Start && b == s.roundStart(r)+2 {
				s.async(func() { s.ensureInitialized(ctx, r) })
			}
			for _, f := range ends[b] {
				s.clear(ctx, f)
			}
			for _, f := range starts[b] {
				s.logf("fault: %s", f)
				s.inject(ctx, f)
			}
		}
	}
}

// roundOf is the round of block b (blockNum() is the block number here).
func (s *soak) roundOf(b uint64) uint64 {
	first := s.plan.Rounds[0]
	if b < first.Start {
		return first.Round - 1 - (first.Start-1-b)/s.t.RoundLength
	}
	return first.Round + (b-first.Start)/s.t.RoundLength
}

// roundStart is the first block of round r.
func (s *soak) roundStart(r uint64) uint64 {
	first := s.plan.Rounds[0]
	return first.Start + (r-first.Round)*s.t.RoundLength
}

// ensureInitialized initializes round r with the deployer's key (another
// orchestrator, as anyone may) if the node stand-in has not two blocks
// after the round's start: a round nobody can reward would count against
// lpops. It is logged, and counted in the result.
func (s *soak) ensureInitialized(ctx context.Context, r uint64) {
	ok, err := s.dep.RoundInitialized(ctx)
	if err != nil || ok {
		return
	}
	if cur, err := s.dep.CurrentRound(ctx); err != nil || cur != r {
		return
	}
	s.logf("round %d: the node has not initialized it; the deployer does", r)
	s.mu.Lock()
	s.initByDriver = append(s.initByDriver, r)
	s.mu.Unlock()
	if err := (nodeDuties{dep: s.dep, key: s.owner}).InitializeRound(ctx); err != nil {
		s.logf("round %d: initializeRound by the deployer: %v", r, err)
	}
}

func (s *soak) inject(ctx context.Context, f *fault) {
	switch f.Kind {
	case faultRPCKill:
		if err := s.proxies[f.Target].Kill(); err != nil {
			f.Note = err.Error()
		}
	case faultRPCFreeze:
		s.proxies[f.Target].Freeze()
	case faultRPCLag:
		n, _ := strconv.ParseUint(f.Param, 10, 64)
		s.proxies[f.Target].Lag(n)
	case faultRPCGarbage:
		s.proxies[f.Target].Garbage(true)
	case faultAllFrozen:
		s.proxies["a"].Freeze()
		s.proxies["b"].Freeze()
	case faultNodeDown:
		s.api.Down()
	case faultNodeHang:
		s.api.Hang()
	case faultKill, faultKillRound:
		d, _ := time.ParseDuration(strings.TrimPrefix(f.Param, "+"))
		s.async(func() {
			time.Sleep(d)
			s.killAndRestart(ctx, f)
		})
	case faultKillSend:
		s.async(func() { s.killAtSend(ctx, f) })
	case faultDrain:
		caller := crypto.PubkeyToAddress(s.signer.PublicKey)
		bal, err := s.chain.balance(ctx, caller)
		if err == nil {
			err = s.chain.setBalance(ctx, caller, drained)
		}
		if err != nil {
			f.Note = "not drained: " + err.Error()
			return
		}
		f.Param = bal.String() // refilled to this
	case faultBaseFee:
		g, _ := new(big.Int).SetString(strings.TrimSuffix(f.Param, atSend), 10)
		fee := new(big.Int).Mul(g, gwei)
		if !strings.HasSuffix(f.Param, atSend) {
			s.setBaseFee(fee)
			return
		}
		s.async(func() { s.spikeAtSend(ctx, f, fee) })
	case faultSinkDown:
		s.sink.Down()
	case faultDiskFull:
		if err := fillDisk(s.stateDir); err != nil {
			f.Note = "not filled: " + err.Error()
		}
	}
}

func (s *soak) clear(ctx context.Context, f *fault) {
	var err error
	switch f.Kind {
	case faultRPCKill:
		err = s.proxies[f.Target].Revive()
	case faultRPCFreeze:
		s.proxies[f.Target].Unfreeze()
	case faultRPCLag:
		s.proxies[f.Target].Lag(0)
	case faultRPCGarbage:
		s.proxies[f.Target].Garbage(false)
	case faultAllFrozen:
		s.proxies["a"].Unfreeze()
		s.proxies["b"].Unfreeze()
	case faultNodeDown:
		err = s.api.Up()
	case faultNodeHang:
		s.api.Answer()
	case faultDrain:
		if bal, ok := parseBig(f.Param); ok {
			err = s.chain.setBalance(ctx, crypto.PubkeyToAddress(s.signer.PublicKey), bal)
		}
	case faultBaseFee:
		s.setBaseFee(baseFeeNorm)
	case faultSinkDown:
		err = s.sink.Up()
	case faultDiskFull:
		if f.Note == "" {
			err = freeDisk(s.stateDir)
		}
	}
	if err != nil {
		f.Note += " clear: " + err.Error()
		s.logf("fault %s: %v", f, err)
	}
}

// clearAll undoes every fault, whatever the plan still had in store: the
// soak's rounds are over and the alerts must drain.
func (s *soak) clearAll(ctx context.Context) {
	for _, p := range s.proxies {
		p.Unfreeze()
		p.Lag(0)
		p.Garbage(false)
		p.ReleaseSends()
		_ = p.Revive()
	}
	s.api.Answer()
	_ = s.api.Up()
	_ = s.sink.Up()
	s.setBaseFee(baseFeeNorm)
	for _, f := range s.plan.Faults {
		if f.Kind == faultDrain && f.Note == "" {
			if bal, ok := parseBig(f.Param); ok {
				_ = s.chain.setBalance(ctx, crypto.PubkeyToAddress(s.signer.PublicKey), bal)
			}
		}
	}
	if s.tmpfs {
		_ = freeDisk(s.stateDir)
	}
}

func (s *soak) async(fn func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
}

// spikeAtSend holds sends at both proxies until lpops broadcasts, raises
// the base fee of the next block to fee, and lets the send through: the
// transaction reaches the pool with a fee cap under the next base fee.
func (s *soak) spikeAtSend(ctx context.Context, f *fault, fee *big.Int) {
	a, b := s.proxies["a"], s.proxies["b"]
	heldA, heldB := a.HeldSends(), b.HeldSends()
	a.HoldSends()
	b.HoldSends()
	defer a.ReleaseSends()
	defer b.ReleaseSends()
	for a.HeldSends() == heldA && b.HeldSends() == heldB {
		head, err := s.chain.head(ctx)
		if err != nil || head >= f.End || ctx.Err() != nil {
			f.Note = "no send seen"
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.setBaseFee(fee)
	head, _ := s.chain.head(ctx)
	f.Note = fmt.Sprintf("send seen at block %d", head)
	s.logf("fault: %s", f)
}

// killAndRestart SIGKILLs lpops and starts it again at once, as systemd's
// Restart=always would (without its delay).
func (s *soak) killAndRestart(ctx context.Context, f *fault) {
	s.killMu.Lock()
	defer s.killMu.Unlock()
	if lp := s.lpops(); lp != nil {
		lp.Kill()
	}
	if err := s.startLpops(ctx); err != nil {
		f.Note = "restart failed: " + err.Error()
		s.logf("fault %s", f)
	}
}

// killAtSend holds every eth_sendRawTransaction at both proxies; when one
// arrives (lpops has signed and stored the transaction and is
// broadcasting it), SIGKILLs lpops, then forwards the held sends to the
// chain or drops them, and restarts lpops. With no send by the fault's end
// block, it lets sends pass again and says so.
func (s *soak) killAtSend(ctx context.Context, f *fault) {
	a, b := s.proxies["a"], s.proxies["b"]
	heldA, heldB := a.HeldSends(), b.HeldSends()
	a.HoldSends()
	b.HoldSends()
	release := func() {
		if f.Param == "drop" {
			a.DropSends()
			b.DropSends()
		} else {
			a.ReleaseSends()
			b.ReleaseSends()
		}
	}
	deadline := f.End
	for {
		if a.HeldSends() > heldA || b.HeldSends() > heldB {
			break
		}
		head, err := s.chain.head(ctx)
		if err != nil || head >= deadline || ctx.Err() != nil {
			a.ReleaseSends()
			b.ReleaseSends()
			f.Note = "no send seen"
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	head, _ := s.chain.head(ctx)
	f.Note = fmt.Sprintf("send seen at block %d", head)
	s.killMu.Lock()
	defer s.killMu.Unlock()
	if lp := s.lpops(); lp != nil {
		lp.Kill()
	}
	release()
	if err := s.startLpops(ctx); err != nil {
		f.Note += "; restart failed: " + err.Error()
	}
	s.logf("fault: %s", f)
}
