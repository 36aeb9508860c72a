package devnet

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/config"
)

// TestDemoNodeMissesLpopsCalls runs the demo as a newcomer would and checks
// the story it tells: the node rewards on even rounds, misses odd ones, and
// lpops calls reward for those; nothing is missed. Its temporary directory,
// with a keystore and its passphrase, is gone afterwards.
func TestDemoNodeMissesLpopsCalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var out bytes.Buffer
	res, err := RunDemo(ctx, DemoOptions{
		Listen: "127.0.0.1:0", BlockTime: 100 * time.Millisecond, RoundLength: 16, GraceBlocks: 4,
		Rounds: 4, Out: &out, Log: io.Discard,
	})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if res.Missed != 0 || res.RewardedByLpops < 1 || res.RewardedByNode < 1 {
		t.Fatalf("result %+v, want rounds by both the node and lpops and none missed\n%s", res, out.String())
	}
	for _, want := range []string{"lpops: status page http://127.0.0.1:", "stops after 4 rounds", "node missed it, lpops called rewardForTranscoder", "rewarded by the node", "summary:", "demo: removed "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	if left, err := filepath.Glob(filepath.Join(tmp, "lpops-demo-*")); err != nil || len(left) > 0 {
		t.Errorf("the demo left %v behind:\n%s", left, out.String())
	}
}

// TestDemoConfigRunsEveryProbeWithinARound checks the config the demo writes:
// rounds last seconds, so every probe, the RPC checks and the endpoint health
// checks run at least once a round, or the status page would show a stake
// and head many rounds older than the keeper's round.
func TestDemoConfigRunsEveryProbeWithinARound(t *testing.T) {
	o := DemoOptions{BlockTime: 200 * time.Millisecond, RoundLength: 20, GraceBlocks: 5, Dir: t.TempDir()}
	round := o.BlockTime * time.Duration(o.RoundLength)
	path, err := writeDemoConfig(o, "http://127.0.0.1:1", common.HexToAddress("0x1"), common.HexToAddress("0x2"), mustKey(), "http://127.0.0.1:2")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]time.Duration{
		"probes.interval":       cfg.Probes.Interval.Duration,
		"probes.chain_interval": cfg.Probes.ChainInterval.Duration,
		"probes.rpc.interval":   cfg.Probes.RPC.Interval.Duration,
		"chain.health_interval": cfg.Chain.HealthInterval.Duration,
		"chain.poll_interval":   cfg.Chain.PollInterval.Duration,
	} {
		if d <= 0 || d > round {
			t.Errorf("%s: %s, want at most a round (%s)", name, d, round)
		}
	}
}
