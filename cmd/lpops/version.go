package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Build stamps. A release build sets them with
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD) -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/lpops
//
// Left empty (or "dev"), they come from what the Go toolchain recorded in
// the binary (runtime/debug.ReadBuildInfo): the module version of a `go
// install ...@version` (or the pseudo-version Go derives from the commit of
// a git clone), and the vcs.revision, vcs.modified and vcs.time of a build
// inside a git clone; date is then the commit's time, not the build's.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// buildInfo is what lpops version prints.
type buildInfo struct {
	Version  string
	Commit   string // "" when unknown
	Modified bool   // built from a checkout with uncommitted changes
	Date     string // "" when unknown
	// DateIsCommit: Date is the commit's time (vcs.time), not -X main.date.
	DateIsCommit bool
	GoVersion    string
	Platform     string
}

// readBuildInfo merges the -X stamps with the toolchain's build info: a
// stamp, when set, wins.
func readBuildInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if !ok {
		return b
	}
	if b.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		b.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			if b.Date == "" {
				b.Date, b.DateIsCommit = s.Value, true
			}
		}
	}
	if commit != "" {
		b.Modified = false // a release stamp names exactly what was built
	}
	return b
}

func (b buildInfo) write(w io.Writer) {
	fmt.Fprintf(w, "lpops %s\n", b.Version)
	c := orDash(b.Commit)
	if b.Modified {
		c += " (with uncommitted changes)"
	}
	fmt.Fprintf(w, "  commit:  %s\n", c)
	d := orDash(b.Date)
	if b.DateIsCommit {
		d += " (commit time)"
	}
	fmt.Fprintf(w, "  built:   %s\n", d)
	fmt.Fprintf(w, "  go:      %s %s\n", b.GoVersion, b.Platform)
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "Print the version, the commit, the build date and the Go toolchain lpops was built with.\n"+
		"A release build stamps them with -ldflags -X main.version=, main.commit= and main.date=;\n"+
		"otherwise they come from the module and git information Go records in the binary.",
		"lpops version", stderr)
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	readBuildInfo(debug.ReadBuildInfo()).write(stdout)
	return exitOK
}

// buildVersion is the version lpops reports in its API, metrics and status
// page: the one lpops version prints.
func buildVersion() string {
	return readBuildInfo(debug.ReadBuildInfo()).Version
}
