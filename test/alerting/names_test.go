package alerting

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAlertNamesMatchTheCode checks that every alert the code raises (the
// Alert* string constants of the probes, the alert engine and remediation)
// has its section in docs/alerts.md, and that every alert name the docs and
// examples/lpops.yaml use (section titles, silence matchers, runbook
// triggers) is one the code raises: a silence on a name nothing raises
// silences nothing.
func TestAlertNamesMatchTheCode(t *testing.T) {
	root := filepath.Join("..", "..")
	code := map[string]bool{}
	for _, dir := range []string{"internal/probe", "internal/alert", "internal/remediate", "internal/ha"} {
		// The package's non-test files for this build (go/build applies the
		// build constraints parser.ParseDir ignored).
		pkg, err := build.ImportDir(filepath.Join(root, dir), 0)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, name := range pkg.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(pkg.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Alert") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						code[v] = true
					}
				}
				return true
			})
		}
	}
	if len(code) < 30 {
		t.Fatalf("found only %d alert names in the code: %v", len(code), code)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	docs, example := read("docs/alerts.md"), read("examples/lpops.yaml")
	ownSection := docs[:strings.Index(docs, "## Prometheus rules")]
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^#### `([A-Za-z]+)`").FindAllStringSubmatch(ownSection, -1) {
		documented[m[1]] = true
		if !code[m[1]] {
			t.Errorf("docs/alerts.md documents %s, which the code never raises", m[1])
		}
	}
	for name := range code {
		if !documented[name] {
			t.Errorf("%s is raised by the code but has no section in docs/alerts.md", name)
		}
	}
	used := regexp.MustCompile(`(?m)(?:alertname:\s*|name: alertname\s*\n\s*value:\s*)([A-Z][A-Za-z]+)`).FindAllStringSubmatch(example, -1)
	if len(used) == 0 {
		t.Fatal("examples/lpops.yaml names no alert (the pattern is out of date)")
	}
	for _, m := range used {
		if !code[m[1]] {
			known := slices.Sorted(maps.Keys(code))
			t.Errorf("examples/lpops.yaml names alert %s, which the code never raises (known: %v)", m[1], known)
		}
	}
}
