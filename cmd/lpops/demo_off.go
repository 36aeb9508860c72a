//go:build !demo

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// The embedded devnet links a whole go-ethereum node (about 40 MB of code)
// into the binary. The daemon an operator runs does not carry it: its idle
// RSS stays small. The demo is built with the "demo" tag.
func runDemo(_ context.Context, args []string, _, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(stderr, "Usage: lpops demo [flags]\n\nRun lpops against an embedded local devnet. This binary was built without it.\n\n"+
				"Example:\n  go run -tags demo ./cmd/lpops demo --rounds 6\n")
			return 0
		}
	}
	fmt.Fprintln(stderr, "lpops demo: this binary was built without the embedded devnet; run:")
	fmt.Fprintln(stderr, "  go run -tags demo ./cmd/lpops demo "+strings.Join(args, " "))
	return 2
}
