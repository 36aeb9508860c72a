//go:build !demo

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// demoOffHelp is `lpops demo --help` in a binary built without the demo.
const demoOffHelp = `Usage: lpops demo [flags]

Run lpops against an embedded local devnet: an in-process go-ethereum chain, the
Livepeer-compatible test contracts, a simulated go-livepeer node that misses every
other round, and lpops calling reward for those rounds.

This binary was built without the devnet (it links a whole go-ethereum node, which
the daemon you deploy does not carry). From a checkout of the lpops source, run:

  ./scripts/demo.sh      (says it is building first: a cold build takes minutes)
  go run -tags demo ./cmd/lpops demo

or build a demo binary with: go build -tags demo -o lpops-demo ./cmd/lpops

Example:
  lpops demo --rounds 6 --listen 127.0.0.1:7940
`

// The embedded devnet links a whole go-ethereum node (about 40 MB of code)
// into the binary. The daemon an operator runs does not carry it: its idle
// RSS stays small. The demo is built with the "demo" tag.
func runDemo(_ context.Context, args []string, _, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(stderr, demoOffHelp)
			return 0
		}
	}
	cmd := strings.TrimSpace("go run -tags demo ./cmd/lpops demo " + strings.Join(args, " "))
	fmt.Fprintln(stderr, "lpops demo: this binary was built without the embedded devnet (build tag \"demo\").")
	fmt.Fprintln(stderr, "From a checkout of the lpops source, run:")
	fmt.Fprintln(stderr, "  "+cmd)
	return 2
}
