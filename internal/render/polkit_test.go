package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/testenv"
)

// polkitHarness loads a rules file the way polkitd does (polkit's
// src/polkitbackend/init.js: addRule appends, _runRules returns the first
// truthy result, Result.NOT_HANDLED is null) and answers one authorization
// check per case, as systemd asks for a unit job: action
// org.freedesktop.systemd1.manage-units with the details unit and verb.
const polkitHarness = `
const fs = require("fs");
const polkit = {
  _ruleFuncs: [],
  addRule(f) { this._ruleFuncs.push(f); },
  addAdminRule() {},
  log() {},
  Result: { NO: "no", YES: "yes", AUTH_SELF: "auth_self", AUTH_SELF_KEEP: "auth_self_keep",
    AUTH_ADMIN: "auth_admin", AUTH_ADMIN_KEEP: "auth_admin_keep", NOT_HANDLED: null },
  _runRules(action, subject) {
    for (const f of this._ruleFuncs) {
      const r = f(action, subject);
      if (r) return r;
    }
    return null;
  },
};
new Function("polkit", fs.readFileSync(process.argv[2], "utf8"))(polkit);
const cases = JSON.parse(process.argv[3]);
console.log(JSON.stringify(cases.map(c => polkit._runRules(
  { id: c.action, lookup: k => c.details[k] },
  { user: c.user, groups: [], isInGroup: () => false, isInNetGroup: () => false, local: false, active: false }))));
`

type polkitCase struct {
	Name    string            `json:"-"`
	Action  string            `json:"action"`
	User    string            `json:"user"`
	Details map[string]string `json:"details"`
	Want    *string           `json:"-"` // nil: not handled (polkit's default denies)
}

// evalPolkit runs the rules file against the cases in node and returns
// polkit's answer to each (nil: not handled).
func evalPolkit(t *testing.T, rules []byte, cases []polkitCase) []*string {
	t.Helper()
	node := testenv.RequireTool(t, "node")
	dir := t.TempDir()
	harness, file := filepath.Join(dir, "harness.js"), filepath.Join(dir, "50-lpops.rules")
	for p, b := range map[string][]byte{harness: []byte(polkitHarness), file: rules} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := json.Marshal(cases)
	out, err := run(t, dir, nil, node, harness, file, string(in))
	if err != nil {
		t.Fatalf("evaluate the polkit rule: %v\n%s", err, out)
	}
	var got []*string
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != len(cases) {
		t.Fatalf("harness answered %q: %v", out, err)
	}
	return got
}

func restart(user, unit string) polkitCase {
	return polkitCase{Action: "org.freedesktop.systemd1.manage-units", User: user,
		Details: map[string]string{"unit": unit, "verb": "restart"}}
}

// TestPolkitRule renders the sample, whose runbooks restart geth.service
// and livepeer.service, and asks the rendered rule what polkit would: the
// lpops user may restart exactly those units, nothing else and nobody else.
func TestPolkitRule(t *testing.T) {
	files := renderSample(t)
	f := fileByPath(t, files, "polkit/50-lpops.rules")
	if f.Dest != PolkitRules || f.Mode != 0o644 {
		t.Errorf("installed as %s mode %o, want %s 0644", f.Dest, f.Mode, PolkitRules)
	}
	yes := "yes"
	verb := func(c polkitCase, v string) polkitCase {
		c.Details = map[string]string{"unit": c.Details["unit"], "verb": v}
		return c
	}
	cases := []polkitCase{
		{Name: "RestartGeth", Want: &yes},
		{Name: "RestartLivepeer", Want: &yes},
		{Name: "UnitNotInRunbooks"},
		{Name: "SimilarName"},
		{Name: "StopGeth"},
		{Name: "StartGeth"},
		{Name: "OtherUser"},
		{Name: "Root"},
		{Name: "OtherAction"},
	}
	reqs := []polkitCase{
		restart("lpops", "geth.service"),
		restart("lpops", "livepeer.service"),
		restart("lpops", "sshd.service"),
		restart("lpops", "geth.service.d"),
		verb(restart("lpops", "geth.service"), "stop"),
		verb(restart("lpops", "geth.service"), "start"),
		restart("livepeer", "geth.service"),
		restart("root", "livepeer.service"),
		{Action: "org.freedesktop.systemd1.manage-unit-files", User: "lpops", Details: map[string]string{"unit": "geth.service", "verb": "restart"}},
	}
	got := evalPolkit(t, f.Content, reqs)
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if !equalResult(got[i], c.Want) {
				t.Errorf("%+v: polkit answers %s, want %s", reqs[i], show(got[i]), show(c.Want))
			}
		})
	}
}

// TestPolkitRuleQuotesNames: a user or unit name from the configuration is
// a string literal in the rule, whatever it holds; it cannot widen it. Check
// refuses a unit render does not write, so the template is run directly: the
// quoting must hold on its own.
func TestPolkitRuleQuotesNames(t *testing.T) {
	c := load(t, sampleConfig)
	evil := `x", "sshd.service`
	c.Remediation.Runbooks = []config.Runbook{{Name: "odd", Steps: []config.Step{{Type: config.StepSystemdRestart, Unit: evil}}}}
	if _, err := Render(c, Options{}); err == nil {
		t.Error("Render accepted a runbook restarting a unit it does not write")
	}
	var b bytes.Buffer
	m := &model{Source: "lpops.yaml", Lpops: c.Host.Lpops, RestartUnits: RestartUnits(c)}
	if err := templates.ExecuteTemplate(&b, "polkit.rules.tmpl", m); err != nil {
		t.Fatal(err)
	}
	rules := b.Bytes()
	got := evalPolkit(t, rules, []polkitCase{restart("lpops", evil), restart("lpops", "sshd.service"), restart("lpops", "x")})
	if show(got[0]) != "yes" || got[1] != nil || got[2] != nil {
		t.Errorf("answers %s %s %s, want yes for the odd name only", show(got[0]), show(got[1]), show(got[2]))
	}
}

// TestNoPolkitRuleWithoutRestarts: runbooks that restart no unit (or none
// at all) need no rule, and user-data installs none and no polkitd.
func TestNoPolkitRuleWithoutRestarts(t *testing.T) {
	c := load(t, sampleConfig)
	c.Remediation.Runbooks = slices.DeleteFunc(c.Remediation.Runbooks, func(rb config.Runbook) bool {
		return slices.ContainsFunc(rb.Steps, func(s config.Step) bool { return s.Type == config.StepSystemdRestart })
	})
	if len(c.Remediation.Runbooks) == 0 {
		t.Fatal("the sample has no runbook without a restart")
	}
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.Contains(f.Path, "polkit") {
			t.Errorf("%s rendered without a systemd_restart step", f.Path)
		}
	}
	ud := string(fileByPath(t, files, "user-data.yaml").Content)
	if strings.Contains(ud, "polkit") {
		t.Error("user-data mentions polkit without a systemd_restart step")
	}

	// With them, user-data installs the rule and polkitd.
	ud = string(fileByPath(t, renderSample(t), "user-data.yaml").Content)
	for _, want := range []string{"- path: " + PolkitRules + "\n", "\n  - polkitd\n", `var units = ["geth.service","livepeer.service"];`} {
		if !strings.Contains(ud, want) {
			t.Errorf("user-data lacks %q", want)
		}
	}
}

func equalResult(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func show(s *string) string {
	if s == nil {
		return "not handled"
	}
	return *s
}
