package probe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/httpx"
	"github.com/lpops/lpops/internal/nodeapi"
)

// Alerts raised by the transcoders probe.
const (
	// AlertTranscoderMissing: fewer remote transcoders are connected to the
	// orchestrator than node.transcoders.expected, or the node transcodes
	// itself and accepts none. Warning; Requires "node".
	AlertTranscoderMissing = "TranscoderMissing"
	// AlertTranscoderCapacityLow: the connected transcoders' total capacity
	// (the sum of their -maxSessions) is below
	// node.transcoders.min_capacity. Warning; Requires "node".
	AlertTranscoderCapacityLow = "TranscoderCapacityLow"
)

// maxListedTranscoders bounds the transcoders named in the evidence.
const maxListedTranscoders = 20

// TranscodersOptions configure the transcoders probe.
type TranscodersOptions struct {
	// CLI is the orchestrator's CLI API. Required.
	CLI *nodeapi.Client
	// Orchestrator labels the alerts, as the node probe's.
	Orchestrator common.Address
	// Expected is how many transcoders must be connected
	// (node.transcoders.expected); 0: the count is not judged.
	Expected uint
	// MinCapacity is the least total capacity (node.transcoders.min_capacity);
	// 0: not judged.
	MinCapacity uint
	// Sessions returns the node's current transcoding sessions
	// (livepeer_current_sessions_total, as the node probe last read it from
	// the node's -monitor metrics), ok false when unknown. Nil: sessions are
	// not shown beside the capacity.
	Sessions func() (sessions float64, ok bool)
}

// Transcoders checks the remote transcoders of an orchestrator that does not
// transcode itself (go-livepeer's orchestrator/transcoder split): how many
// are connected and with what capacity, from the node's /status
// RegisteredTranscoders, against node.transcoders.
//
// A /status that does not answer is the node probe's NodeDown (which
// provides "node"); this probe then judges nothing, so its alerts keep their
// state instead of reporting the transcoders of an unreachable node as
// gone.
type Transcoders struct {
	o      TranscodersOptions
	labels map[string]string
}

var _ Probe = (*Transcoders)(nil)

// NewTranscoders returns the transcoders probe.
func NewTranscoders(o TranscodersOptions) (*Transcoders, error) {
	if o.CLI == nil {
		return nil, errors.New("transcoders probe: no CLI API client")
	}
	return &Transcoders{o: o, labels: map[string]string{"orchestrator": hexAddr(o.Orchestrator)}}, nil
}

// Name implements Probe.
func (p *Transcoders) Name() string { return "transcoders" }

// Check implements Probe.
func (p *Transcoders) Check(ctx context.Context) Result {
	res := Result{Values: map[string]float64{}, Evidence: map[string]string{}}
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	res.Values["transcoders_expected"] = float64(p.o.Expected)
	res.Values["min_capacity"] = float64(p.o.MinCapacity)
	st, err := p.o.CLI.Status(ctx)
	if err != nil {
		res.Evidence["status_error"] = err.Error()
		fail("%v", err)
		return concludeResult(res, problems)
	}

	count, capacity := len(st.RegisteredTranscoders), 0
	listed := make([]string, 0, min(count, maxListedTranscoders))
	for i, t := range st.RegisteredTranscoders {
		// Saturating: capacities are the transcoders' own claims.
		capacity = min(capacity, math.MaxInt-t.Capacity) + t.Capacity
		if i < maxListedTranscoders {
			listed = append(listed, fmt.Sprintf("%s (capacity %d)", httpx.Text(t.Address), t.Capacity))
		}
	}
	if count > maxListedTranscoders {
		listed = append(listed, fmt.Sprintf("and %d more", count-maxListedTranscoders))
	}
	res.Values["transcoders"] = float64(count)
	res.Values["capacity"] = float64(capacity)
	res.Values["local_transcoding"] = flag01(st.LocalTranscoding)
	res.Evidence["transcoders"] = orElse(strings.Join(listed, ", "), "none")
	if p.o.Sessions != nil {
		if s, ok := p.o.Sessions(); ok {
			res.Values["current_sessions"] = s
			if capacity > 0 {
				res.Values["capacity_utilization"] = s / float64(capacity)
			}
		}
	}

	// TranscoderMissing
	missing := p.o.Expected > 0 && (st.LocalTranscoding || uint(count) < p.o.Expected)
	var desc string
	switch {
	case p.o.Expected > 0 && st.LocalTranscoding:
		desc = fmt.Sprintf("The node transcodes itself (started with -transcoder), so it accepts no remote transcoders; %d expected. "+
			"Start the orchestrator without -transcoder (host.node.transcoder: false) and with -orchSecret.", p.o.Expected)
	case missing:
		desc = fmt.Sprintf("%d of %d expected transcoders connected: %s.", count, p.o.Expected, res.Evidence["transcoders"])
		if count == 0 {
			desc += " The orchestrator has no transcoder: every stream sent to it fails."
		}
	default:
		desc = fmt.Sprintf("%d transcoders connected (%d expected): %s.", count, p.o.Expected, res.Evidence["transcoders"])
	}
	if missing {
		fail("%s", desc)
	}
	if p.o.Expected > 0 {
		res.Observations = append(res.Observations, p.obs(AlertTranscoderMissing, missing,
			"Fewer remote transcoders are connected than expected", desc))
	}

	// TranscoderCapacityLow
	if p.o.MinCapacity > 0 {
		low := uint(capacity) < p.o.MinCapacity
		desc := fmt.Sprintf("The connected transcoders offer %d sessions in all; node.transcoders.min_capacity is %d.", capacity, p.o.MinCapacity)
		if s, ok := res.Values["current_sessions"]; ok {
			desc += " The node runs " + strconv.FormatFloat(s, 'f', -1, 64) + " sessions now."
		}
		if low {
			fail("transcoder capacity %d is below %d", capacity, p.o.MinCapacity)
		}
		res.Observations = append(res.Observations, p.obs(AlertTranscoderCapacityLow, low,
			"The remote transcoders' total capacity is below the minimum", desc))
	}
	return concludeResult(res, problems)
}

func (p *Transcoders) obs(name string, firing bool, summary, desc string) alert.Observation {
	return alert.Observation{Name: name, Labels: p.labels, Severity: alert.Warning, Firing: firing,
		Summary: summary, Description: desc, Requires: SourceNode}
}
