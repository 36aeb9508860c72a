package doctor

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseChronyTracking(t *testing.T) {
	tests := []struct {
		file   string
		synced bool
		text   string
	}{
		{"testdata/chronyc-tracking-synced.txt", true, "synchronised to A9FEA97B (169.254.169.123), stratum 4, system time 0.000012345 seconds slow of NTP time"},
		{"testdata/chronyc-tracking-unsynced.txt", false, `leap status "Not synchronised"`},
	}
	for _, tt := range tests {
		out, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		tr, ok := parseChronyTracking(out)
		if !ok || tr.synced() != tt.synced || !strings.Contains(tr.String(), tt.text) {
			t.Errorf("%s: ok %v, synced %v, %q; want synced %v containing %q", tt.file, ok, tr.synced(), tr, tt.synced, tt.text)
		}
	}
	if _, ok := parseChronyTracking([]byte("506 Cannot talk to daemon\n")); ok {
		t.Error("chronyc's error text parsed as tracking output")
	}
}

func TestParseTimedatectl(t *testing.T) {
	tests := []struct {
		out        string
		synced, ok bool
	}{
		{"yes\n", true, true}, {"no\n", false, true}, {"NTPSynchronized=yes\n", true, true}, {"", false, false}, {"maybe", false, false},
	}
	for _, tt := range tests {
		if synced, ok := parseTimedatectl([]byte(tt.out)); synced != tt.synced || ok != tt.ok {
			t.Errorf("parseTimedatectl(%q) = %v, %v; want %v, %v", tt.out, synced, ok, tt.synced, tt.ok)
		}
	}
}

func TestClock(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	down := runnerAnswer{err: errors.New("chronyc -n tracking: exit status 1: 506 Cannot talk to daemon")}
	noSystemd := runnerAnswer{err: errors.New("timedatectl show: exit status 1: System has not been booted with systemd")}
	kernel := func(k KernelClock, err error) func() (KernelClock, error) {
		return func() (KernelClock, error) { return k, err }
	}
	tests := []struct {
		name   string
		runner fakeRunner
		kernel func() (KernelClock, error)
		want   Status
		text   string
	}{
		{name: "ChronySynced", runner: fakeRunner{"chronyc -n tracking": {out: read("chronyc-tracking-synced.txt")}},
			want: Pass, text: "chrony: synchronised to A9FEA97B (169.254.169.123)"},
		{name: "ChronyUnsynced", runner: fakeRunner{"chronyc -n tracking": {out: read("chronyc-tracking-unsynced.txt")}},
			want: Fail, text: "no usable time source"},
		{name: "TimedatectlSynced", runner: fakeRunner{"chronyc -n tracking": down, "timedatectl show -p NTPSynchronized --value": {out: "yes\n"}},
			want: Pass, text: "NTPSynchronized=yes"},
		{name: "TimedatectlUnsynced", runner: fakeRunner{"timedatectl show -p NTPSynchronized --value": {out: "no\n"}},
			want: Fail, text: "NTPSynchronized=no"},
		{name: "KernelSynced", runner: fakeRunner{"chronyc -n tracking": down, "timedatectl show -p NTPSynchronized --value": noSystemd},
			kernel: kernel(KernelClock{Synced: true, EstError: 2 * time.Millisecond, MaxError: 40 * time.Millisecond}, nil),
			want:   Pass, text: "kernel (adjtimex): synchronised, estimated error 2ms, maximum error 40ms (chronyc -n tracking: exit status 1: 506 Cannot talk to daemon"},
		{name: "KernelUnsynced", kernel: kernel(KernelClock{}, nil), want: Fail, text: "not synchronised"},
		{name: "Unknown", kernel: kernel(KernelClock{}, errors.New("adjtimex: operation not permitted")),
			want: Warn, text: "synchronisation unknown: chronyc: not installed; timedatectl: not installed; adjtimex: operation not permitted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := fixtureSystem(t.TempDir())
			sys.Run = tt.runner.run
			if tt.kernel != nil {
				sys.KernelClock = tt.kernel
			}
			got := runOnly(t, testConfig(t, ""), sys, Options{}, CheckClock)
			if len(got) != 1 || got[0].Status != tt.want || !strings.Contains(got[0].Evidence, tt.text) {
				t.Fatalf("findings %+v, want one %s containing %q", got, tt.want, tt.text)
			}
			if wantFix := tt.want != Pass; (got[0].Fix != "") != wantFix {
				t.Errorf("fix %q; want one: %v", got[0].Fix, wantFix)
			}
		})
	}
}
