package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/livepeer"
)

// poller is the baseline: a watcher that reads, every interval, the state
// lpops reads, the way go-livepeer reads the chain — one HTTP request per
// JSON-RPC call, never a batch.
//
// What it models. go-livepeer's block watcher (eth/blockwatch) polls the head
// every -blockPollingInterval (5 s by default): eth_getBlockByNumber("latest").
// Its round and transcoder services then read RoundsManager and
// BondingManager state through go-ethereum's bound contracts, each read its
// own eth_call over HTTP. This poller does all of it on every tick:
// eth_blockNumber and eth_getBlockByNumber("latest"), RoundsManager
// currentRound, currentRoundInitialized, blockNum, currentRoundStartBlock and
// roundLength, BondingManager getTranscoder, isActiveTranscoder,
// transcoderStatus and transcoderTotalStake, and eth_getBalance of the
// orchestrator: 12 requests a tick.
//
// go-livepeer itself issues only some of these every tick: its round and
// transcoder watchers read state when an event arrives, not on a timer. So
// the report also gives the "head only" baseline, one eth_getBlockByNumber
// per tick, the least a go-livepeer-style watcher sends. Both understate a
// real node on Arbitrum: for every new block since the last tick (about 20
// L2 blocks in 5 s) the block watcher also fetches that block's header and
// its logs, which this single-block-per-L1-block devnet does not reproduce.
type poller struct {
	c     *rpc.Client
	every time.Duration
	orch  common.Address
	calls []pollCall

	ticks  atomic.Int64 // ticks completed
	errors atomic.Int64 // calls that failed
}

type pollCall struct {
	to   common.Address
	data hexutil.Bytes
}

func newPoller(url string, every time.Duration, addrs livepeer.Addresses, orch common.Address) (*poller, error) {
	c, err := rpc.DialOptions(context.Background(), url)
	if err != nil {
		return nil, fmt.Errorf("poller: dial %s: %w", url, err)
	}
	p := &poller{c: c, every: every, orch: orch}
	rm, bm := addrs.RoundsManager, addrs.BondingManager
	for _, m := range []struct {
		to     common.Address
		isBM   bool
		method string
	}{
		{rm, false, "currentRound"}, {rm, false, "currentRoundInitialized"}, {rm, false, "blockNum"},
		{rm, false, "currentRoundStartBlock"}, {rm, false, "roundLength"},
		{bm, true, "getTranscoder"}, {bm, true, "isActiveTranscoder"}, {bm, true, "transcoderStatus"},
		{bm, true, "transcoderTotalStake"},
	} {
		var (
			data []byte
			err  error
		)
		if m.isBM {
			data, err = livepeer.BondingManagerABI.Pack(m.method, orch)
		} else {
			data, err = livepeer.RoundsManagerABI.Pack(m.method)
		}
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("poller: pack %s: %w", m.method, err)
		}
		p.calls = append(p.calls, pollCall{to: m.to, data: data})
	}
	return p, nil
}

// Run ticks every p.every until ctx ends. Like go-livepeer's time.Ticker, a
// tick that takes longer than the interval makes the next ones drop, which
// Ticks reveals.
func (p *poller) Run(ctx context.Context) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.tick(ctx)
	}
}

func (p *poller) tick(ctx context.Context) {
	call := func(out any, method string, args ...any) {
		if err := p.c.CallContext(ctx, out, method, args...); err != nil && ctx.Err() == nil {
			p.errors.Add(1)
		}
	}
	var head hexutil.Uint64
	call(&head, "eth_blockNumber")
	var block json.RawMessage
	call(&block, "eth_getBlockByNumber", "latest", false)
	for _, c := range p.calls {
		var out hexutil.Bytes
		call(&out, "eth_call", map[string]any{"to": c.to, "data": c.data}, "latest")
	}
	var bal hexutil.Big
	call(&bal, "eth_getBalance", p.orch, "latest")
	if ctx.Err() == nil {
		p.ticks.Add(1)
	}
}

func (p *poller) Close() { p.c.Close() }

// startPoller dials url and runs a poller there until ctx ends; stop waits
// for it after ctx is cancelled and closes it.
func startPoller(ctx context.Context, url string, every time.Duration, addrs livepeer.Addresses, orch common.Address) (*poller, func(), error) {
	pl, err := newPoller(url, every, addrs, orch)
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		pl.Run(ctx)
	}()
	return pl, func() { <-done; pl.Close() }, nil
}
