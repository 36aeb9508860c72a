package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/testenv"
)

// TestHelpShowsExample runs every command's --help: it must succeed and end
// with an example that runs that very command (`lpops <cmd> ...`, under sudo
// at most), using only flags the command has.
func TestHelpShowsExample(t *testing.T) {
	specs := map[string]cmdSpec{}
	for _, s := range completionSpecs() {
		specs[s.name] = s
	}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.name, "--help")
			help := out + errOut
			if code != 0 {
				t.Fatalf("lpops %s --help: exit %d:\n%s", c.name, code, help)
			}
			ex := helpExamples(help)
			if len(ex) == 0 {
				t.Fatalf("lpops %s --help shows no example:\n%s", c.name, help)
			}
			flags := map[string]bool{}
			for _, f := range specs[c.name].flags {
				flags[f.name] = true
			}
			for _, line := range ex {
				args := strings.Fields(strings.TrimPrefix(line, "sudo "))
				if len(args) < 2 || args[0] != "lpops" || args[1] != c.name {
					t.Errorf("example %q does not run `lpops %s ...`", line, c.name)
					continue
				}
				for _, a := range args[2:] {
					name, isFlag := strings.CutPrefix(a, "-")
					name = strings.TrimPrefix(name, "-")
					name, _, _ = strings.Cut(name, "=")
					if isFlag && !flags[name] && c.name != "demo" { // demo's flags exist only with -tags demo
						t.Errorf("example %q uses %s, which lpops %s does not have", line, a, c.name)
					}
				}
			}
		})
	}
}

// helpExamples returns the indented lines under "Example:" (or
// "Examples:"), up to the first blank line.
func helpExamples(help string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(help, "\n") {
		switch {
		case l == "Example:" || l == "Examples:":
			in = true
		case in && strings.HasPrefix(l, "  ") && strings.TrimSpace(l) != "":
			out = append(out, strings.TrimSpace(l))
		case in:
			in = false
		}
	}
	return out
}

func TestCompletionSpecs(t *testing.T) {
	specs := map[string]cmdSpec{}
	for _, s := range completionSpecs() {
		specs[s.name] = s
	}
	if len(specs) != len(commands()) {
		t.Fatalf("%d specs for %d commands", len(specs), len(commands()))
	}
	flags := func(name string) map[string]flagSpec {
		out := map[string]flagSpec{}
		for _, f := range specs[name].flags {
			out[f.name] = f
		}
		return out
	}
	txs := flags("txs")
	for name, value := range map[string]string{"account": "ADDR", "all": "", "blocks": "N", "chunk": "N", "config": "FILE",
		"from-block": "B", "json": "", "limit": "N", "scan": "N"} {
		if f, ok := txs[name]; !ok || f.value != value {
			t.Errorf("txs --%s: got %+v, want value %q", name, f, value)
		}
	}
	if !txs["account"].repeatable || txs["config"].repeatable {
		t.Error("txs: --account is repeatable, --config is not")
	}
	for _, cmd := range []string{"reward", "rounds", "txs"} {
		if f, ok := flags(cmd)["orchestrator"]; !ok || f.value != "ADDR" {
			t.Errorf("%s --orchestrator: got %+v, want value ADDR", cmd, f)
		}
	}
	alerts := flags("alerts")
	for _, name := range []string{"config", "json", "alertname", "label", "for", "until", "comment", "created-by"} {
		if _, ok := alerts[name]; !ok {
			t.Errorf("alerts: no --%s", name)
		}
	}
	if f := flags("render")["out"]; f.valueKind() != "dir" {
		t.Errorf("render --out completes %q, want dir", f.valueKind())
	}
}

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "completion", shell)
	if code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, errOut)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("%s script lacks command %s", shell, c.name)
		}
	}
	path := filepath.Join(t.TempDir(), "lpops."+shell)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCompletionBash loads the script in bash and asks it what it would
// complete, as bash does on Tab.
func TestCompletionBash(t *testing.T) {
	bash := shell(t, "bash")
	script := completionScript(t, "bash")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lpops.yaml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		Name  string
		Words string
		Want  string
	}{
		{"Command", "lpops tx", "txs"},
		{"Commands", "lpops r", "run reward rounds reward-caller render"},
		{"RewardCallerAction", "lpops reward-caller s", "set show"},
		{"RewardCallerFlag", "lpops reward-caller set --ca", "--caller"},
		{"Flags", "lpops txs --c", "--chunk --config --credentials-dir"},
		{"Version", "lpops --v", "--version"},
		{"CheckConfigFlags", "lpops check-config --", "--config --credentials-dir --syntax-only --help"},
		{"ConfigFile", "lpops rounds --config lp", "lpops.yaml"},
		{"FlagValue", "lpops txs --limit ", ""},
		{"AlertsAction", "lpops alerts si", "silence"},
		{"AlertsFlag", "lpops alerts silence --al", "--alertname"},
		{"Shell", "lpops completion ", "bash zsh fish"},
		{"CheckConfigFile", "lpops check-config lp", "lpops.yaml"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=($2); [[ "$2" == *" " ]] && COMP_WORDS+=(""); `+
				`COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _lpops; echo "${COMPREPLY[*]}"`, "bash", script, tc.Words)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != tc.Want {
				t.Errorf("%q completes to %q (%v), want %q", tc.Words, strings.TrimSpace(string(out)), err, tc.Want)
			}
		})
	}
}

// TestCompletionFish asks fish itself for completions.
func TestCompletionFish(t *testing.T) {
	fish := shell(t, "fish")
	script := completionScript(t, "fish")
	for _, tc := range []struct {
		Name, Line string
		Want       []string
	}{
		{"Command", "lpops tx", []string{"txs"}},
		{"Flags", "lpops txs --fr", []string{"--from-block"}},
		{"Shell", "lpops completion ", []string{"bash", "fish", "zsh"}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			out, err := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, script, tc.Line).CombinedOutput()
			if err != nil {
				t.Fatalf("fish: %v\n%s", err, out)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
			if strings.Join(got, " ") != strings.Join(tc.Want, " ") {
				t.Errorf("%q completes to %q, want %q", tc.Line, got, tc.Want)
			}
		})
	}
}

// TestCompletionZsh checks the script parses and registers _lpops.
func TestCompletionZsh(t *testing.T) {
	zsh := shell(t, "zsh")
	script := completionScript(t, "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	out, err := exec.Command(zsh, "-f", "-c", `autoload -U compinit && compinit -u -D && source $1 && print -r -- $_comps[lpops]`, "zsh", script).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_lpops" {
		t.Errorf("zsh did not register the completion: %v\n%s", err, out)
	}
}

func TestCompletionErrors(t *testing.T) {
	for _, tc := range []struct {
		Name string
		Args []string
		Want string
	}{
		{"NoShell", []string{"completion"}, "want one shell"},
		{"UnknownShell", []string{"completion", "tcsh"}, `unknown shell "tcsh"`},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.Args...)
			if code != 2 || !strings.Contains(errOut, tc.Want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.Want)
			}
		})
	}
}

// skipOrFail skips a shell test where the shell is missing, except in CI,
// which installs it (scripts/install-test-tools.sh) and must not skip.
// shell returns the path of a shell: .tools/bin first (zsh and fish are
// Debian's, unpacked there by scripts/install-test-tools.sh), then PATH.
// Missing, it fails the test under CI=true and skips it elsewhere.
func shell(t *testing.T, name string) string {
	t.Helper()
	if p, ok := testenv.LookTool(name); ok {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found; run scripts/install-test-tools.sh", name)
	}
	t.Skipf("%s not found; run scripts/install-test-tools.sh", name)
	return ""
}
