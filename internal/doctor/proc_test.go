package doctor

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestNOFILE(t *testing.T) {
	node := func(pid int, nofile string) fakeProc {
		return fakeProc{pid: pid, comm: "livepeer", argv: []string{"/usr/local/bin/livepeer", "-orchestrator"}, nofile: nofile}
	}
	tests := []struct {
		name   string
		procs  []fakeProc
		extra  string
		check  string
		pids   []int
		want   []string
		inText string // in evidence or fix of the first finding
	}{
		{name: "LowLimitFails", procs: []fakeProc{node(100, "1024 4096")}, check: CheckNodeNOFILE,
			want: []string{"limits.node pid 100 (livepeer)=fail"}, inText: "prlimit --pid 100 --nofile=65536:65536"},
		{name: "BelowPolicyWarns", procs: []fakeProc{node(100, "60000 60000")}, check: CheckNodeNOFILE,
			want: []string{"limits.node pid 100 (livepeer)=warn"}, inText: "below host.node.limit_nofile 65536"},
		{name: "PolicyFromConfig", procs: []fakeProc{node(100, "65536 65536")}, check: CheckNodeNOFILE,
			extra: "host:\n  node:\n    limit_nofile: 100000\n",
			want:  []string{"limits.node pid 100 (livepeer)=warn"}, inText: "LimitNOFILE=100000"},
		{name: "AtPolicyPasses", procs: []fakeProc{node(100, "65536 65536")}, check: CheckNodeNOFILE,
			want: []string{"limits.node pid 100 (livepeer)=pass"}},
		{name: "UnlimitedPasses", procs: []fakeProc{node(100, "unlimited unlimited")}, check: CheckNodeNOFILE,
			want: []string{"limits.node pid 100 (livepeer)=pass"}, inText: "unlimited"},
		{name: "FoundByArgv0", check: CheckNodeNOFILE,
			procs: []fakeProc{{pid: 7, comm: "lp-node", argv: []string{"/opt/lp/livepeer"}, nofile: "1024 1024"}},
			want:  []string{"limits.node pid 7 (lp-node)=fail"}},
		{name: "EveryNode", procs: []fakeProc{node(300, "1024 1024"), node(200, "65536 65536")}, check: CheckNodeNOFILE,
			want: []string{"limits.node pid 200 (livepeer)=pass", "limits.node pid 300 (livepeer)=fail"}},
		{name: "NotRunningWarns", check: CheckNodeNOFILE,
			procs: []fakeProc{{pid: 5, comm: "livepeer"}, {pid: 6, comm: "bash", argv: []string{"bash"}}},
			want:  []string{"limits.node=warn"}, inText: "no running process named livepeer"},
		{name: "NodePIDChosen", check: CheckNodeNOFILE, pids: []int{200},
			procs: []fakeProc{node(100, "1024 1024"), {pid: 200, comm: "orch", argv: []string{"orch"}, nofile: "65536 65536"}},
			want:  []string{"limits.node pid 200 (orch)=pass"}},
		{name: "NodePIDMissing", check: CheckNodeNOFILE, pids: []int{999},
			want: []string{"limits.node pid 999=warn"}, inText: "no such process"},
		{name: "GethDisabledSkips", check: CheckGethNOFILE, procs: []fakeProc{{pid: 9, comm: "geth", argv: []string{"geth"}, nofile: "1024 1024"}},
			want: []string{"limits.geth=skip"}},
		{name: "GethLowFails", check: CheckGethNOFILE, extra: "host:\n  geth:\n    enabled: true\n",
			procs: []fakeProc{{pid: 9, comm: "geth", argv: []string{"/usr/local/bin/geth", "--mainnet"}, nofile: "4096 4096"}},
			want:  []string{"limits.geth pid 9 (geth)=fail"}, inText: "geth.service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig(t, tt.extra)
			got := runOnly(t, c, fixtureSystem(fixtureProc(t, tt.procs...)), Options{NodePIDs: tt.pids}, tt.check)
			if !slices.Equal(statuses(got), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(got), tt.want, got)
			}
			if tt.inText != "" && !strings.Contains(got[0].Evidence+got[0].Fix, tt.inText) {
				t.Errorf("finding lacks %q: %+v", tt.inText, got[0])
			}
		})
	}
}

func TestReadListeners(t *testing.T) {
	got, err := readListeners(fixtureProc(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []listener{
		{netip.MustParseAddr("127.0.0.1"), 7935, 1001},
		{netip.MustParseAddr("0.0.0.0"), 22, 1002},
		{netip.MustParseAddr("0.0.0.0"), 8935, 1003},
		{netip.MustParseAddr("10.0.0.5"), 8545, 1004},
		{netip.MustParseAddr("127.0.0.1"), 7940, 1005},
		// tcp6; the established and time-wait sockets are left out.
		{netip.MustParseAddr("::"), 22, 1102},
		{netip.MustParseAddr("::"), 30303, 1103},
		{netip.MustParseAddr("::1"), 8545, 1104},
		{netip.MustParseAddr("127.0.0.1"), 7941, 1105}, // ::ffff:127.0.0.1, unmapped
	}
	if !slices.Equal(got, want) {
		t.Errorf("listeners\n got %v\nwant %v", got, want)
	}
	for _, l := range got {
		if wantPublic := !strings.HasPrefix(l.String(), "127.") && !strings.HasPrefix(l.String(), "[::1]"); l.public() != wantPublic {
			t.Errorf("%s public() = %v", l, l.public())
		}
	}
}

func TestListen(t *testing.T) {
	// The fixture's sockets (testdata/proc/net): 7935 on loopback, ssh and
	// 8935 public, 8545 on 10.0.0.5 and [::1], 7940 and 7941 on loopback,
	// 30303 public.
	owners := []fakeProc{
		{pid: 10, comm: "sshd", argv: []string{"sshd"}, sockets: []uint64{1002, 1102}},
		{pid: 20, comm: "livepeer", argv: []string{"livepeer"}, sockets: []uint64{1001, 1003}},
		{pid: 30, comm: "geth", argv: []string{"geth"}, sockets: []uint64{1004, 1103, 1104}},
	}
	tests := []struct {
		name  string
		extra string
		procs []fakeProc
		want  []string
		texts []string
	}{
		{name: "GethRPCOnPrivateAddressFails", procs: owners,
			want: []string{"listen.loopback port 8545=fail", "listen.public port 30303=warn"},
			texts: []string{"10.0.0.5:8545 (pid 30 (geth))", "host.geth.http_addr",
				"[::]:30303 (pid 30 (geth))"}},
		{name: "SSHOnAnotherPortIsUnexpected", procs: owners, extra: "host:\n  firewall:\n    ssh_port: 2222\n",
			want:  []string{"listen.loopback port 8545=fail", "listen.public port 22=warn", "listen.public port 30303=warn"},
			texts: []string{"0.0.0.0:22, [::]:22 (pid 10 (sshd))"}},
		{name: "CLIPortFromConfig", procs: owners, extra: "host:\n  node:\n    cli_addr: 127.0.0.1:8935\n",
			want:  []string{"listen.loopback port 8935=fail", "listen.loopback port 8545=fail", "listen.public port 30303=warn"},
			texts: []string{"go-livepeer CLI API", "0.0.0.0:8935 (pid 20 (livepeer))"}},
		{name: "OwnersUnknown",
			want:  []string{"listen.loopback port 8545=fail", "listen.public port 30303=warn"},
			texts: []string{"(owner unknown)"}},
		{name: "LpopsListenPortFromConfig", procs: owners, extra: "listen: 127.0.0.1:30303\n",
			want:  []string{"listen.loopback port 8545=fail", "listen.loopback port 30303=fail", "listen.public=pass"},
			texts: []string{"set listen: 127.0.0.1:30303"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runOnly(t, testConfig(t, tt.extra), fixtureSystem(fixtureProc(t, tt.procs...)), Options{}, CheckListenLoopback, CheckListenPublic)
			if !slices.Equal(statuses(got), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(got), tt.want, got)
			}
			var all strings.Builder
			for _, f := range got {
				all.WriteString(f.Evidence + " | " + f.Fix + "\n")
			}
			for _, s := range tt.texts {
				if !strings.Contains(all.String(), s) {
					t.Errorf("findings lack %q:\n%s", s, all.String())
				}
			}
		})
	}
}

func TestListenPasses(t *testing.T) {
	ls := []listener{
		{netip.MustParseAddr("127.0.0.1"), 7935, 1},
		{netip.MustParseAddr("::1"), 8545, 2},
		{netip.MustParseAddr("0.0.0.0"), 22, 3},
		{netip.MustParseAddr("::"), 8935, 4},
	}
	owners := map[uint64]process{1: {PID: 20, Comm: "livepeer"}, 4: {PID: 20, Comm: "livepeer"}}
	got := listenFindings(testConfig(t, ""), ls, owners, 2)
	want := []string{"listen.loopback=pass", "listen.public=pass"}
	if !slices.Equal(statuses(got), want) {
		t.Fatalf("findings %q, want %q\n%+v", statuses(got), want, got)
	}
	for _, s := range []string{"7935 on 127.0.0.1:7935 (pid 20 (livepeer))", "8545 on [::1]:8545 (owner unknown)", "7940 not listening", "in 2 processes unreadable"} {
		if !strings.Contains(got[0].Evidence, s) {
			t.Errorf("loopback evidence lacks %q: %s", s, got[0].Evidence)
		}
	}
	if !strings.Contains(got[1].Evidence, "0.0.0.0:22 (owner unknown); [::]:8935 (pid 20 (livepeer))") {
		t.Errorf("public evidence: %s", got[1].Evidence)
	}
}
