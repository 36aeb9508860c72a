package doctor

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/report.json and report.txt")

// sampleReport has one finding of each status.
func sampleReport() *Report {
	r := &Report{
		Version:   ReportVersion,
		Host:      "lp-orch-1",
		CheckedAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		Findings: []Finding{
			{Check: CheckNodeNOFILE, Status: Fail, Subject: "pid 4242 (livepeer)", PID: 4242,
				Evidence: "go-livepeer may open 1024 files", Fix: "prlimit --pid 4242 --nofile=65536:65536"},
			{Check: CheckGethNOFILE, Status: Skip, Evidence: "host.chain_node.kind is none: no local geth to audit"},
			{Check: CheckClock, Status: Pass, Evidence: "chrony: synchronised"},
			{Check: CheckNodeVersion, Status: Warn, Evidence: "unknown: newest release unknown", Fix: "compare by hand"},
		},
	}
	r.tally()
	return r
}

// TestReportFormats pins the JSON document (a stable interface: scripts
// read it) and the text lines.
func TestReportFormats(t *testing.T) {
	r := sampleReport()
	for _, f := range []struct {
		file  string
		write func(*Report, *bytes.Buffer) error
	}{
		{"testdata/report.json", func(r *Report, b *bytes.Buffer) error { return r.WriteJSON(b) }},
		{"testdata/report.txt", func(r *Report, b *bytes.Buffer) error { return r.WriteText(b) }},
	} {
		var got bytes.Buffer
		if err := f.write(r, &got); err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(f.file, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs (go test -run TestReportFormats -update rewrites it):\n got:\n%s\nwant:\n%s", f.file, got.String(), want)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		statuses []Status
		want     int
	}{
		{nil, 0},
		{[]Status{Pass, Skip}, 0},
		{[]Status{Pass, Warn, Skip}, 1},
		{[]Status{Warn, Fail, Pass}, 2},
	}
	for _, tt := range tests {
		r := &Report{}
		for _, s := range tt.statuses {
			r.Findings = append(r.Findings, Finding{Check: "x", Status: s})
		}
		r.tally()
		if r.ExitCode != tt.want || r.Status.ExitCode() != tt.want {
			t.Errorf("statuses %v: exit %d (status %s), want %d", tt.statuses, r.ExitCode, r.Status, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	r := &Report{Findings: []Finding{{Check: "x", Subject: "a hunter22 b", Evidence: "hunter22 and abc", Fix: "echo hunter22"}}}
	r.Redact([][]byte{[]byte("hunter22"), []byte("abc")})
	f := r.Findings[0]
	if f.Subject != "a [redacted] b" || f.Evidence != "[redacted] and abc" || f.Fix != "echo [redacted]" {
		t.Errorf("redacted finding %+v", f)
	}
}

func TestCheckIDs(t *testing.T) {
	want := []string{CheckNodeNOFILE, CheckGethNOFILE, CheckClock, CheckListenLoopback, CheckListenPublic,
		CheckSSHRootLogin, CheckSSHPassword, CheckKeystore, CheckPassphrase, CheckDisk, CheckRPCSynced, CheckNodeVersion, CheckPolkit,
		CheckBackup}
	if got := CheckIDs(); !slices.Equal(got, want) {
		t.Errorf("CheckIDs() = %q, want %q", got, want)
	}
	for _, id := range want {
		if strings.ToLower(id) != id || strings.Contains(id, " ") {
			t.Errorf("check id %q is not a lower-case word", id)
		}
	}
}
