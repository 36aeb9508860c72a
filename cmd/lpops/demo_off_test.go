//go:build !demo

package main

import (
	"strings"
	"testing"
)

// TestDemoOffSaysHowToRunIt: the default binary has no devnet; `lpops demo`
// must say so and give the command that runs it, with the user's flags,
// and exit 2 (usage), not pretend to run.
func TestDemoOffSaysHowToRunIt(t *testing.T) {
	code, out, errOut := runCLI(t, "demo", "--rounds", "3")
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q; want 2 and nothing on stdout", code, out)
	}
	for _, want := range []string{"built without the embedded devnet", "go run -tags demo ./cmd/lpops demo --rounds 3"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
