package disaster

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// TestDeadHostRestoredOnNewHost is the drill: A rewards round R, backs up
// (scheduled at start, then `lpops backup create` beside the running
// daemon, which asks it for its state), and dies by SIGKILL; a restore
// while A still runs is refused; B restores from the bucket with the age
// identity alone, starts, and rewards round R+1. Each of R and R+1 has
// exactly one reward transaction on chain, and B carries A's round records.
func TestDeadHostRestoredOnNewHost(t *testing.T) {
	d := newDrill(t)

	// Host A.
	aDir := t.TempDir()
	d.a = d.start(aDir, d.aConfig, true)
	testenv.WaitFor(t, waitLong, "A's first scheduled backup", func() bool {
		var s status
		return d.a.Status(&s) == nil && s.Backup != nil && s.Backup.LastName != ""
	})
	if got := d.a.Metric("lpops_backup_last_success_timestamp_seconds"); got <= 0 {
		t.Fatalf("lpops_backup_last_success_timestamp_seconds = %v after a backup", got)
	}
	roundA, startA := d.nextRound()
	headBeforeA := startA - 1
	d.rewardsBy(d.a, roundA, startA)

	// A backup taken now, beside the running daemon: the state comes from
	// its API (bearer token), since the daemon holds the store's lock.
	code, out := d.lpops("backup", "create", "--config", d.a.Config)
	if code != 0 || !strings.Contains(out, "state from daemon") {
		t.Fatalf("lpops backup create beside the daemon: exit %d:\n%s", code, out)
	}
	code, out = d.lpops("backup", "list", "--from", d.dest)
	if code != 0 || !strings.Contains(out, "2 backup(s)") {
		t.Fatalf("lpops backup list: exit %d:\n%s", code, out)
	}
	code, out = d.lpops("backup", "verify", "--from", d.dest, "--identity", d.idFile)
	if code != 0 || !strings.Contains(out, "every file matches the manifest") || !strings.Contains(strings.ToLower(out), strings.ToLower(addr(d.signer).Hex())) {
		t.Fatalf("lpops backup verify: exit %d:\n%s", code, out)
	}

	// While A lives, restore refuses: its API answers and its signer has
	// just sent a transaction.
	refused := filepath.Join(t.TempDir(), "b")
	code, out = d.lpops("backup", "restore", "--from", d.dest, "--to", refused, "--identity", d.idFile, "--idle-blocks", "5")
	if code != 3 || !strings.Contains(out, "refused") || !strings.Contains(out, "still answers") {
		t.Fatalf("restore beside a live A: exit %d, want 3 (refused):\n%s", code, out)
	}
	if _, err := os.Stat(refused); !os.IsNotExist(err) {
		t.Fatalf("a refused restore left %s behind (%v)", refused, err)
	}

	// A dies. The next round starts (more than --idle-blocks blocks after
	// A's last transaction); nobody has rewarded it yet.
	d.a.Stop(syscall.SIGKILL)
	roundB, startB := d.nextRound()

	// Host B: new directories; the bucket, the identity and the S3
	// credentials of the environment are all it shares with A.
	bDir := filepath.Join(t.TempDir(), "lpops")
	began := time.Now()
	code, out = d.lpops("backup", "restore", "--from", d.dest, "--to", bDir, "--identity", d.idFile, "--idle-blocks", "5")
	if code != 0 {
		t.Fatalf("restore after A died: exit %d:\n%s", code, out)
	}
	t.Logf("restore:\n%s", out)
	for _, want := range []string{"keystore opens", "reward caller", "no sign of a live signer"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q", want)
		}
	}
	b := d.start(bDir, restoredConfig(t, bDir), false)
	t.Logf("restore started to B's API answering: %s", time.Since(began).Round(time.Millisecond))
	raw, _ := os.ReadFile(b.Config)
	if strings.Contains(string(raw), aDir) {
		t.Fatalf("B's config names A's directory %s:\n%s", aDir, raw)
	}
	d.rewardsBy(b, roundB, startB)

	// The chain's verdict: one reward transaction in each round, from A in
	// R and from B in R+1, none from the node.
	if n := d.rewardTxs(headBeforeA, startB-1); n != 1 {
		t.Errorf("round %d (A's): %d reward transactions, want exactly 1", roundA, n)
	}
	if n := d.rewardTxs(startB, d.chain.Head(t)); n != 1 {
		t.Errorf("round %d (B's): %d reward transactions, want exactly 1", roundB, n)
	}
	// B went on from A's state: it knows A's reward of round R.
	body, err := b.Get("/api/v1/rounds?limit=10")
	if err != nil {
		t.Fatal(err)
	}
	var rounds []struct {
		Round      uint64 `json:"round"`
		Outcome    string `json:"outcome"`
		RewardedBy string `json:"rewarded_by"`
	}
	if err := json.Unmarshal(body, &rounds); err != nil {
		t.Fatalf("rounds: %v\n%s", err, body)
	}
	var knowsA bool
	for _, r := range rounds {
		knowsA = knowsA || (r.Round == roundA && (r.RewardedBy == "lpops" || r.Outcome == "rewarded_by_lpops"))
	}
	if !knowsA {
		t.Errorf("B's round history lacks A's reward of round %d: %s", roundA, body)
	}
}
