package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// demoTimeout bounds the demo run: its build (cached by the test binary's
// own build, so mostly the link), setup and five rounds of 20 blocks of
// 200ms, with room for a loaded CI machine.
const demoTimeout = 6 * time.Minute

// readmeDemo is the README's first command: the script that says what it
// builds before the minutes of a first go-ethereum build, then runs the demo.
const readmeDemo = "./scripts/demo.sh"

// readmeDemoCommand returns the first command of the README's first shell
// block, which the README promises runs the demo.
func readmeDemoCommand(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.RepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		switch l := sc.Text(); {
		case l == "```sh":
			in = true
		case in:
			cmd, _, _ := strings.Cut(l, "#")
			return strings.TrimSpace(cmd)
		}
	}
	t.Fatal("README.md has no ```sh block")
	return ""
}

// TestReadmeDemo runs the README's first command as a newcomer would —
// ./scripts/demo.sh, which builds the demo binary and runs it — bounded with
// --rounds and on a free port, and checks what they notice: a first line
// before the build, the status page it tells them to open, the status
// command it tells them to try, the story it tells and what its API said
// meanwhile (the node missed a round, lpops called reward for it, nothing
// was missed), exit 0, and no temporary directory (with a keystore and its
// passphrase) left behind.
func TestReadmeDemo(t *testing.T) {
	t.Parallel()
	if cmd := readmeDemoCommand(t); cmd != readmeDemo {
		t.Fatalf("README.md's first command is %q; this test runs %q: update one or the other", cmd, readmeDemo)
	}
	root := testenv.RepoRoot(t)
	// The demo makes its working directory under TMPDIR: keep it in the test's.
	tmp := t.TempDir()
	p := testenv.StartProc(t, filepath.Join(root, readmeDemo), []string{"--rounds", "4", "--listen", "127.0.0.1:0"}, []string{"TMPDIR=" + tmp})

	// The first line comes before the build, which takes minutes when cold.
	testenv.WaitFor(t, time.Minute, "the demo's first line", func() bool { return strings.Contains(p.Stdout(), "\n") })
	if first, _, _ := strings.Cut(p.Stdout(), "\n"); !strings.Contains(first, "building lpops with the embedded chain") {
		t.Errorf("the demo's first line is %q; want it to say the build comes first", first)
	}

	// Its API, while it runs: record who called reward in each round.
	pageRE := regexp.MustCompile(`lpops: status page http://(127\.0\.0\.1:\d+)/ `)
	client := &http.Client{Timeout: 5 * time.Second}
	byRound := map[uint64]string{} // last_reward.round -> last_reward.by, as /api/v1/status said
	statuses := 0
	pageRead := false
	hintRE := regexp.MustCompile(`(?m)try: (.+) --config (\S+)$`)
	hintRan := false
	testenv.WaitFor(t, demoTimeout, "the demo to finish its 4 rounds", func() bool {
		if m := pageRE.FindStringSubmatch(p.Stdout()); m != nil {
			if !pageRead {
				if resp, err := client.Get("http://" + m[1] + "/"); err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "<html") {
						t.Errorf("the status page the demo names answered %s:\n%.300s", resp.Status, b)
					}
					pageRead = true
				}
			}
			if c := hintRE.FindStringSubmatch(p.Stdout()); c != nil && !hintRan && !p.Exited() {
				// Run the hint as printed, from where the user ran the script.
				hintRan = true
				args := append(strings.Fields(c[1]), "--config", c[2])
				hint := exec.Command(args[0], args[1:]...)
				hint.Dir = root
				out, err := hint.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "the daemon at "+m[1]) {
					t.Errorf("the demo's hint `%s` (%v) did not show the demo's daemon at %s:\n%s", strings.Join(args, " "), err, m[1], out)
				}
			}
			var s struct {
				Keeper *struct {
					LastReward *struct {
						Round uint64 `json:"round"`
						By    string `json:"by"`
					} `json:"last_reward"`
				} `json:"keeper"`
			}
			if resp, err := client.Get("http://" + m[1] + "/api/v1/status"); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && json.Unmarshal(b, &s) == nil {
					statuses++
					if s.Keeper != nil && s.Keeper.LastReward != nil {
						byRound[s.Keeper.LastReward.Round] = s.Keeper.LastReward.By
					}
				}
			}
		}
		return p.Exited()
	})
	out := p.Stdout()
	if code := p.ExitCode(); code != 0 {
		t.Fatalf("demo exited %d, want 0\n%s", code, p.Output())
	}
	t.Logf("read /api/v1/status %d times; last reward by round: %v", statuses, byRound)
	if statuses == 0 || !pageRead {
		t.Fatalf("the demo's status page or /api/v1/status never answered\n%s", out)
	}
	if !hintRan {
		t.Errorf("the demo printed no `try: … status --config …` hint while it ran:\n%s", out)
	}
	left, err := filepath.Glob(filepath.Join(tmp, "lpops-demo-*"))
	if err != nil || len(left) > 0 {
		t.Errorf("the demo left %v behind (a keystore and its passphrase) after it exited:\n%s", left, out)
	}
	if !strings.Contains(out, "demo: removed ") {
		t.Errorf("the demo did not say it removed its temporary directory:\n%s", out)
	}

	// The story: a round the node skipped, settled by lpops' call.
	missed := regexp.MustCompile(`round (\d+): the node's reward call is off this round`).FindAllStringSubmatch(out, -1)
	called := regexp.MustCompile(`round (\d+): settled — node missed it, lpops called rewardForTranscoder \(tx 0x`).FindAllStringSubmatch(out, -1)
	if len(missed) == 0 || len(called) == 0 {
		t.Fatalf("the demo does not tell of a round the node missed and lpops rewarded:\n%s", out)
	}
	skipped := map[string]bool{}
	for _, m := range missed {
		skipped[m[1]] = true
	}
	seenByAPI := false
	for _, c := range called {
		if !skipped[c[1]] {
			t.Errorf("round %s: lpops called reward, but the node's call was not off that round:\n%s", c[1], out)
		}
		var r uint64
		fmt.Sscan(c[1], &r)
		if byRound[r] == "lpops" {
			seenByAPI = true
		}
	}
	if !seenByAPI {
		t.Errorf("no /api/v1/status (of %d read) said lpops called reward in the rounds %v; it said %v", statuses, called, byRound)
	}
	for r, by := range byRound {
		if by != "node" && by != "lpops" {
			t.Errorf("/api/v1/status: round %d rewarded by %q", r, by)
		}
	}
	if !regexp.MustCompile(`summary: \d+ rounds rewarded by the node, [1-9]\d* by lpops, 0 missed`).MatchString(out) {
		t.Errorf("demo summary missing or wrong:\n%s", out)
	}
}
