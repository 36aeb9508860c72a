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

// demoTimeout bounds the demo run: setup and five rounds of 20 blocks of
// 200ms, with room for a loaded CI machine.
const demoTimeout = 4 * time.Minute

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
// `go run -tags demo ./cmd/lpops demo` — built once with the command's own
// tags, bounded with --rounds and on a free port, and checks the story it
// tells and what its API said meanwhile: the node missed a round, lpops
// called reward for it, nothing was missed, and it exits 0.
func TestReadmeDemo(t *testing.T) {
	t.Parallel()
	cmd := readmeDemoCommand(t)
	if cmd != "go run -tags demo ./cmd/lpops demo" {
		t.Fatalf("README.md's first command is %q; this test runs `go run -tags demo ./cmd/lpops demo`: update one or the other", cmd)
	}
	words := strings.Fields(cmd)
	// go run = go build, then run: build once, with the command's flags.
	bin := filepath.Join(t.TempDir(), "lpops-demo")
	build := exec.Command("go", append([]string{"build", "-o", bin}, words[2:5]...)...)
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(build.Args, " "), err, out)
	}
	// The demo makes its working directory under TMPDIR: keep it in the test's.
	p := testenv.StartProc(t, bin, append(words[5:], "--rounds", "4", "--listen", "127.0.0.1:0"), []string{"TMPDIR=" + t.TempDir()})

	// Its API, while it runs: record who called reward in each round.
	apiRE := regexp.MustCompile(`lpops: http://(127\.0\.0\.1:\d+)/api/v1/status`)
	client := &http.Client{Timeout: 5 * time.Second}
	byRound := map[uint64]string{} // last_reward.round -> last_reward.by, as /api/v1/status said
	statuses := 0
	cfgRE := regexp.MustCompile(`try: lpops status --config (\S+)\)`)
	cfgListen := "" // the listen line of the config the demo tells to try
	testenv.WaitFor(t, demoTimeout, "the demo to finish its 4 rounds", func() bool {
		if m := apiRE.FindStringSubmatch(p.Stdout()); m != nil {
			if c := cfgRE.FindStringSubmatch(p.Stdout()); c != nil && cfgListen == "" {
				b, err := os.ReadFile(c[1])
				if err != nil {
					t.Fatalf("the config the demo names: %v", err)
				}
				cfgListen = regexp.MustCompile(`(?m)^listen: (\S+)$`).FindString(string(b))
				if cfgListen != "listen: "+m[1] {
					t.Errorf("the demo's config says %q, its API is on %s: `lpops status --config` would not reach it", cfgListen, m[1])
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
	if statuses == 0 {
		t.Fatalf("the demo's /api/v1/status never answered\n%s", out)
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
