package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/testenv"
)

// Modules and packages the tests and the code generator use, which the
// default lpops binary must never link. go.mod requires some of them (a test
// import needs a requirement), so only the build itself can tell.
var (
	// testOnlyModules are module paths or prefixes ending in "/".
	testOnlyModules = []string{
		"github.com/chromedp/",          // the browser internal/web's tests drive
		"github.com/cockroachdb/pebble", // the simulated backend's database
		"github.com/syndtr/goleveldb",   // likewise
		"github.com/urfave/cli/",        // abigen's command line
		"gopkg.in/yaml.v3",              // abigen's, superseded by go.yaml.in/yaml/v3
		// lpops runs the sops command: sops' packages link every key
		// service's SDK and doubled the binary and its resident memory.
		"github.com/getsops/",
	}
	testOnlyPackages = []string{
		"testing",
		"github.com/ethereum/go-ethereum/accounts/abi/abigen",
		"github.com/ethereum/go-ethereum/cmd/abigen",
		"github.com/ethereum/go-ethereum/ethclient/simulated",
		"github.com/lpops/lpops/internal/devnet", // only with -tags demo
		"github.com/lpops/lpops/internal/testchain",
		"github.com/lpops/lpops/internal/testchain/bindings",
		"github.com/lpops/lpops/internal/testenv",
		"github.com/lpops/lpops/internal/secrets/secretstest",
	}
)

// TestBinaryLinksOnlyWhatTheDaemonUses: `go version -m lpops` lists the
// modules linked into the binary; none may be one only tests or tools use,
// and no test-only package may be linked (go list -deps, since go version
// -m names modules, and go-ethereum's simulated backend and abigen live in
// the module lpops links for its RPC client).
func TestBinaryLinksOnlyWhatTheDaemonUses(t *testing.T) {
	bin := testenv.BuildLpops(t)
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m %s: %v\n%s", bin, err, out)
	}
	var mods []string
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "dep" {
			mods = append(mods, f[1])
		}
	}
	// Guard against a format this parse misreads: lpops links these.
	for _, want := range []string{"github.com/ethereum/go-ethereum", "go.etcd.io/bbolt", "go.yaml.in/yaml/v3"} {
		if !slices.Contains(mods, want) {
			t.Fatalf("go version -m lists no %s; parsed modules %v from:\n%s", want, mods, out)
		}
	}
	for _, m := range mods {
		for _, bad := range testOnlyModules {
			if m == bad || strings.HasPrefix(m, strings.TrimSuffix(bad, "/")+"/") {
				t.Errorf("lpops links module %s, which only tests or tools use (go mod why -m %s)", m, m)
			}
		}
	}

	// Each line: a package, then the packages it imports.
	list, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	var pkgs []string
	importers := map[string][]string{}
	for line := range strings.Lines(string(list)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkgs = append(pkgs, f[0])
		for _, imp := range f[1:] {
			importers[imp] = append(importers[imp], f[0])
		}
	}
	if !slices.Contains(pkgs, "github.com/lpops/lpops/internal/keeper") {
		t.Fatalf("go list -deps lists no internal/keeper:\n%s", list)
	}
	for _, bad := range testOnlyPackages {
		if !slices.Contains(pkgs, bad) {
			continue
		}
		t.Errorf("lpops links package %s, which only tests or tools use (imported by %v)", bad, importers[bad])
	}
}
