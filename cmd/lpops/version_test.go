package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionBuildInfo(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name                   string
		stampV, stampC, stampD string
		bi                     *debug.BuildInfo
		ok                     bool
		want                   string
	}{
		{name: "FromVCS", stampV: "dev", bi: vcs, ok: true, want: "lpops dev\n" +
			"  commit:  0123456789abcdef (with uncommitted changes)\n" +
			"  built:   2026-12-01T10:00:00Z (commit time)\n" +
			"  go:      go1.99.1 " + platform + "\n"},
		{name: "Stamped", stampV: "v1.2.0", stampC: "fedcba", stampD: "2026-12-07T00:00:00Z", bi: vcs, ok: true, want: "lpops v1.2.0\n" +
			"  commit:  fedcba\n" +
			"  built:   2026-12-07T00:00:00Z\n" +
			"  go:      go1.99.1 " + platform + "\n"},
		{name: "GoInstall", stampV: "dev", bi: &debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Version: "v1.3.0"}}, ok: true, want: "lpops v1.3.0\n" +
			"  commit:  -\n" +
			"  built:   -\n" +
			"  go:      go1.99.1 " + platform + "\n"},
		{name: "NoBuildInfo", stampV: "dev", ok: false, want: "lpops dev\n" +
			"  commit:  -\n" +
			"  built:   -\n" +
			"  go:      " + runtime.Version() + " " + platform + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldV, oldC, oldD := version, commit, date
			t.Cleanup(func() { version, commit, date = oldV, oldC, oldD })
			version, commit, date = tt.stampV, tt.stampC, tt.stampD
			var b bytes.Buffer
			readBuildInfo(tt.bi, tt.ok).write(&b)
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestVersionCommand: lpops version and lpops --version print the same.
func TestVersionCommand(t *testing.T) {
	code1, out1, _ := runCLI(t, "version")
	code2, out2, _ := runCLI(t, "--version")
	if code1 != 0 || code2 != 0 || out1 != out2 || !strings.HasPrefix(out1, "lpops ") || !strings.Contains(out1, "  go:      go") {
		t.Errorf("version: exit %d %q; --version: exit %d %q", code1, out1, code2, out2)
	}
}
