package devnet

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/livepeer"
)

// NodeDuties are the transactions the simulated node sends with its own key.
type NodeDuties interface {
	InitializeRound(ctx context.Context) error
	Reward(ctx context.Context) error
}

// Node simulates a go-livepeer orchestrator: its round behaviour (initialize
// the round, call reward once per round, never retry within the round — as
// the real node does) and its CLI HTTP API.
//
// The CLI API follows go-livepeer's wire format as documented in
// shared/LIVEPEER.md (observed from go-livepeer 0.9.1): plain-text decimal
// answers for /currentRound, /ethBalance, /EthChainID, lower-case hex for
// /ethAddr, and /orchestratorInfo JSON with big integers as bare numbers.
// It is a fake at a boundary we cannot run here; lpops is tested against the
// real node's documented format, not this code's choices.
type Node struct {
	reader  *livepeer.Reader
	duties  NodeDuties
	chainID uint64
	addr    common.Address
	// RewardThisRound decides whether the node's reward service "works" in a
	// round; the demo switches it off every other round.
	rewardThisRound func(round uint64) bool
	log             *slog.Logger

	mu         sync.Mutex
	snap       *livepeer.Snapshot
	lastRound  uint64
	rewardErrs int
	events     chan NodeEvent
	// remote are the transcoders connected to an orchestrator started
	// without -transcoder; nil: the node transcodes itself.
	remote []RemoteTranscoder
}

// RemoteTranscoder is one entry of /status' RegisteredTranscoders
// (go-livepeer's common.RemoteTranscoderInfo).
type RemoteTranscoder struct {
	Address  string
	Capacity int
}

// SetRemoteTranscoders makes the node an orchestrator without -transcoder
// with these transcoders connected (an empty list: none); nil makes it
// transcode itself again (LocalTranscoding, no RegisteredTranscoders).
func (n *Node) SetRemoteTranscoders(ts []RemoteTranscoder) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if ts == nil {
		n.remote = nil
		return
	}
	n.remote = append([]RemoteTranscoder{}, ts...)
}

// NodeEvent reports what the simulated node did.
type NodeEvent struct {
	Round  uint64
	Action string // "initialized", "rewarded", "skipped reward", "reward failed"
	Err    error
}

// NewNode returns a simulated node for orch.
func NewNode(reader *livepeer.Reader, duties NodeDuties, orch common.Address, chainID uint64, rewardThisRound func(uint64) bool, log *slog.Logger) *Node {
	return &Node{reader: reader, duties: duties, addr: orch, chainID: chainID, rewardThisRound: rewardThisRound,
		log: log.With("component", "simulated-node"), events: make(chan NodeEvent, 64)}
}

// Events delivers what the node did, round by round.
func (n *Node) Events() <-chan NodeEvent { return n.events }

// Run follows the chain: on a new round it initializes it, then calls reward
// once if its reward service works this round.
func (n *Node) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		s, err := n.reader.Snapshot(ctx)
		if err != nil {
			continue
		}
		n.mu.Lock()
		n.snap = s
		newRound := s.CurrentRound > n.lastRound
		if newRound {
			n.lastRound = s.CurrentRound
		}
		n.mu.Unlock()
		if !newRound {
			continue
		}
		if !s.RoundInitialized {
			if err := n.duties.InitializeRound(ctx); err != nil && !strings.Contains(err.Error(), "already initialized") {
				n.emit(NodeEvent{Round: s.CurrentRound, Action: "initialize failed", Err: err})
				continue
			}
			n.emit(NodeEvent{Round: s.CurrentRound, Action: "initialized"})
		}
		if !s.Active || s.Rewarded() {
			continue
		}
		if !n.rewardThisRound(s.CurrentRound) {
			n.emit(NodeEvent{Round: s.CurrentRound, Action: "skipped reward"})
			continue
		}
		if err := n.duties.Reward(ctx); err != nil {
			n.mu.Lock()
			n.rewardErrs++
			n.mu.Unlock()
			n.emit(NodeEvent{Round: s.CurrentRound, Action: "reward failed", Err: err})
			continue
		}
		n.emit(NodeEvent{Round: s.CurrentRound, Action: "rewarded"})
	}
}

func (n *Node) emit(e NodeEvent) {
	select {
	case n.events <- e:
	default:
	}
}

// Serve serves the CLI API on ln until ctx ends.
func (n *Node) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: n.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// Handler returns the CLI API routes.
func (n *Node) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		remote, _ := json.Marshal(n.remote)
		count, local := len(n.remote), n.remote == nil
		n.mu.Unlock()
		if local {
			remote = []byte("[]")
		}
		writeRawJSON(w, `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,`+
			`"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux",`+
			fmt.Sprintf(`"RegisteredTranscodersNumber":%d,"RegisteredTranscoders":%s,"LocalTranscoding":%t,`, count, remote, local)+
			`"BroadcasterPrices":{"default":"1"}}`)
	})
	mux.HandleFunc("GET /EthChainID", func(w http.ResponseWriter, r *http.Request) { writeText(w, fmt.Sprint(n.chainID)) })
	mux.HandleFunc("GET /ethAddr", func(w http.ResponseWriter, r *http.Request) { writeText(w, strings.ToLower(n.addr.Hex())) })
	mux.HandleFunc("GET /currentRound", func(w http.ResponseWriter, r *http.Request) {
		s, ok := n.snapshot(w)
		if ok {
			writeText(w, fmt.Sprint(s.CurrentRound))
		}
	})
	mux.HandleFunc("GET /ethBalance", func(w http.ResponseWriter, r *http.Request) {
		s, ok := n.snapshot(w)
		if ok {
			writeText(w, s.Balances[n.addr].String())
		}
	})
	mux.HandleFunc("GET /orchestratorInfo", func(w http.ResponseWriter, r *http.Request) {
		s, ok := n.snapshot(w)
		if !ok {
			return
		}
		status := "Not Registered"
		if s.Registered {
			status = "Registered"
		}
		tr := map[string]any{
			"Address": strings.ToLower(n.addr.Hex()), "ServiceURI": "https://127.0.0.1:8935",
			"LastRewardRound": s.Transcoder.LastRewardRound, "RewardCut": s.Transcoder.RewardCut, "FeeShare": s.Transcoder.FeeShare,
			"DelegatedStake": json.RawMessage(bigOrZero(s.TotalStake)), "ActivationRound": s.Transcoder.ActivationRound,
			"DeactivationRound":          json.RawMessage(bigOrZero(s.Transcoder.DeactivationRound)),
			"LastActiveStakeUpdateRound": s.Transcoder.LastActiveStakeUpdateRound, "Active": s.Active, "Status": status,
			"PricePerPixel": nil,
		}
		b, _ := json.Marshal(map[string]any{"Transcoder": tr, "PriceInfo": "1"})
		writeRawJSON(w, string(b))
	})
	mux.HandleFunc("/reward", func(w http.ResponseWriter, r *http.Request) {
		if err := n.duties.Reward(r.Context()); err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "Error calling reward: %v", err)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		errs := n.rewardErrs
		n.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		// Like go-livepeer, the counter appears only after the first failure.
		if errs > 0 {
			fmt.Fprintf(w, "# HELP livepeer_reward_call_errors Errors when calling rewards\n# TYPE livepeer_reward_call_errors counter\nlivepeer_reward_call_errors %d\n", errs)
		}
	})
	return mux
}

func (n *Node) snapshot(w http.ResponseWriter) (*livepeer.Snapshot, bool) {
	n.mu.Lock()
	s := n.snap
	n.mu.Unlock()
	if s == nil {
		http.Error(w, "chain not read yet", http.StatusServiceUnavailable)
		return nil, false
	}
	return s, true
}

func bigOrZero(b *big.Int) string {
	if b == nil {
		return "0"
	}
	return b.String()
}

func writeText(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, s)
}

func writeRawJSON(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, s)
}
