package main

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/lpops/lpops/internal/ha"
)

// TestHAStepDownNeedsHA: without ha: there is no leadership to hand over.
func TestHAStepDownNeedsHA(t *testing.T) {
	noDefaultConfig(t)
	cfg := minimalConfig(t, "")
	code, _, errOut := runCLI(t, "ha", "--config", cfg, "step-down")
	if code != 1 || !strings.Contains(errOut, "ha is not configured") {
		t.Errorf("exit %d, stderr %q; want 1 and ha is not configured", code, errOut)
	}
	if code, _, _ := runCLI(t, "ha", "--config", cfg, "resign"); code != 2 {
		t.Errorf("unknown action: exit %d; want 2", code)
	}
}

// TestPrintHA: lpops status shows the role, the leader and for how long it
// has led, and the members.
func TestPrintHA(t *testing.T) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(k, f string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(f, a...)) }
	printHA(row, &ha.Status{Name: "lpops-b", Role: ha.RoleFollower, Leader: "lpops-a", LeaderSince: time.Now(), LeaseAgeS: 62.4,
		Members: []ha.Member{{Name: "lpops-a", Leader: true}, {Name: "lpops-b"}}, Quorum: true, LeaseTTL: 10})
	printHA(row, nil)
	tw.Flush()
	want := "HA role     follower (lpops-b)\n" +
		"HA leader   lpops-a, leading for 1m2s\n" +
		"HA members  lpops-a, lpops-b (lease 10s)\n"
	if b.String() != want {
		t.Errorf("printHA:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestRewardSubmitRefusedInHA: a one-shot command holds no leadership, so
// it must not send beside the leading daemon.
func TestRewardSubmitRefusedInHA(t *testing.T) {
	noDefaultConfig(t)
	cfg := minimalConfig(t, "signer:\n  keystore: /nonexistent/keystore\n  passphrase_env: LPOPS_TEST_NOPASS\nha:\n  endpoints:\n    - http://127.0.0.1:1\n")
	code, _, errOut := runCLI(t, "reward", "--config", cfg, "--submit")
	if code == 0 || !strings.Contains(errOut, "--submit is refused with ha: configured") {
		t.Errorf("exit %d, stderr %q; want a refusal naming ha", code, errOut)
	}
}
