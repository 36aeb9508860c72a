package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"

	"github.com/lpops/lpops/internal/config"
)

// tcpListen is the LISTEN state in /proc/net/tcp's st column.
const tcpListen = 0x0A

// listener is one listening TCP socket.
type listener struct {
	Addr  netip.Addr // IPv4-mapped addresses unmapped
	Port  uint16
	Inode uint64
}

func (l listener) public() bool { return !l.Addr.IsLoopback() }

func (l listener) String() string { return netip.AddrPortFrom(l.Addr, l.Port).String() }

// readListeners parses procRoot/net/tcp and tcp6 (missing when IPv6 is off)
// and returns the sockets in LISTEN state.
func readListeners(procRoot string) ([]listener, error) {
	pfs, err := procfs.NewFS(procRoot)
	if err != nil {
		return nil, err
	}
	var out []listener
	for _, read := range []func() (procfs.NetTCP, error){pfs.NetTCP, pfs.NetTCP6} {
		lines, err := read()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if l.St != tcpListen || l.LocalPort > 65535 {
				continue
			}
			a, ok := netip.AddrFromSlice(l.LocalAddr)
			if !ok {
				continue
			}
			out = append(out, listener{Addr: a.Unmap(), Port: uint16(l.LocalPort), Inode: l.Inode})
		}
	}
	return out, nil
}

// socketOwners maps socket inodes to the processes holding them, from the
// /proc/PID/fd links ("socket:[12345]"). unreadable counts the processes
// whose fds could not be read (another user's, when not root).
func socketOwners(procs []process) (owners map[uint64]process, unreadable int) {
	owners = map[uint64]process{}
	for _, p := range procs {
		targets, err := p.p.FileDescriptorTargets()
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				unreadable++
			}
			continue
		}
		for _, t := range targets {
			rest, ok := strings.CutPrefix(t, "socket:[")
			if !ok {
				continue
			}
			if ino, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
				if _, seen := owners[ino]; !seen {
					owners[ino] = p
				}
			}
		}
	}
	return owners, unreadable
}

// privatePort is a port the policy keeps on loopback.
type privatePort struct {
	port uint16
	what string // "go-livepeer CLI API"
	key  string // the configuration key that sets it
	addr string // its configured address
	fix  string
}

// portGroup is the listeners of one port held by one process.
type portGroup struct {
	port  uint16
	owner *process
	addrs []string
}

func (g portGroup) String() string {
	s := strings.Join(g.addrs, ", ")
	if g.owner != nil {
		return s + " (" + g.owner.String() + ")"
	}
	return s + " (owner unknown)"
}

// groupListeners groups listeners by port and owning process, in port order.
func groupListeners(ls []listener, owners map[uint64]process) []portGroup {
	var out []portGroup
	for _, l := range ls {
		var owner *process
		if p, ok := owners[l.Inode]; ok {
			owner = &p
		}
		i := slices.IndexFunc(out, func(g portGroup) bool {
			return g.port == l.Port && (g.owner == nil) == (owner == nil) && (owner == nil || g.owner.PID == owner.PID)
		})
		if i < 0 {
			out = append(out, portGroup{port: l.Port, owner: owner})
			i = len(out) - 1
		}
		if a := l.String(); !slices.Contains(out[i].addrs, a) {
			out[i].addrs = append(out[i].addrs, a)
		}
	}
	slices.SortStableFunc(out, func(a, b portGroup) int { return int(a.port) - int(b.port) })
	return out
}

// checkListen compares the TCP listeners with the policy: the CLI API, the
// chain node's RPC and lpops' API must listen on loopback only (fail), and
// nothing but ssh and the orchestrator's service port should listen on a
// public address (warn: lpops render's firewall drops it, if it is loaded).
func (d *Doctor) checkListen(_ context.Context, env *runEnv) []Finding {
	ls, err := readListeners(d.sys.ProcRoot)
	if err != nil {
		fix := "run lpops doctor on the orchestrator's host, where /proc/net/tcp is readable"
		return []Finding{
			{Check: CheckListenLoopback, Status: Warn, Evidence: "read listening sockets: " + err.Error(), Fix: fix},
			{Check: CheckListenPublic, Status: Warn, Evidence: "read listening sockets: " + err.Error(), Fix: fix},
		}
	}
	owners, unreadable := socketOwners(env.procs)
	return listenFindings(d.cfg, ls, owners, unreadable)
}

// listenFindings judges listeners against the configuration's policy.
func listenFindings(c *config.Config, ls []listener, owners map[uint64]process, unreadable int) []Finding {
	h := c.Host
	private := []privatePort{
		{config.HostPort(h.Node.CLIAddr), "go-livepeer CLI API (unauthenticated)", "host.node.cli_addr", h.Node.CLIAddr,
			"start go-livepeer with -cliAddr=" + loopbackAddr(h.Node.CLIAddr) + " (host.node.cli_addr; lpops render's livepeer.service sets it) and restart it"},
		{config.HostPort(h.Geth.HTTPAddr), "chain node JSON-RPC", "host.geth.http_addr", h.Geth.HTTPAddr,
			"start the chain node with its HTTP RPC on " + loopbackAddr(h.Geth.HTTPAddr) + " (geth --http.addr 127.0.0.1; lpops render's geth.service sets it) and restart it"},
		{config.HostPort(c.Listen), "lpops API and metrics", "listen", c.Listen,
			"set listen: " + loopbackAddr(c.Listen) + " in the configuration and restart lpops"},
	}
	sshPort, servicePort := h.Firewall.SSHPort, config.HostPort(h.Node.HTTPAddr)
	note := ""
	if unreadable > 0 {
		note = fmt.Sprintf(" (owners of sockets in %d processes unreadable: run as root to name them)", unreadable)
	}
	groups := groupListeners(ls, owners)

	var out []Finding
	var bad, fine []string
	for _, pp := range private {
		if pp.port == 0 {
			continue
		}
		var public, local []string
		var pid int
		for _, g := range groups {
			if g.port != pp.port {
				continue
			}
			var pub []string
			for _, a := range g.addrs {
				if ap, err := netip.ParseAddrPort(a); err == nil && !ap.Addr().IsLoopback() {
					pub = append(pub, a)
				}
			}
			if len(pub) > 0 {
				public = append(public, portGroup{port: g.port, owner: g.owner, addrs: pub}.String())
				if g.owner != nil && pid == 0 {
					pid = g.owner.PID
				}
			} else {
				local = append(local, g.String())
			}
		}
		switch {
		case len(public) > 0:
			bad = append(bad, strconv.Itoa(int(pp.port)))
			out = append(out, Finding{Check: CheckListenLoopback, Status: Fail, Subject: "port " + strconv.Itoa(int(pp.port)), PID: pid,
				Evidence: fmt.Sprintf("%s (%s %s) listens on %s: reachable from the network unless a firewall drops it%s",
					pp.what, pp.key, pp.addr, strings.Join(public, "; "), note),
				Fix: pp.fix})
		case len(local) > 0:
			fine = append(fine, fmt.Sprintf("%d on %s", pp.port, strings.Join(local, "; ")))
		default:
			fine = append(fine, fmt.Sprintf("%d not listening", pp.port))
		}
	}
	if len(bad) == 0 {
		out = append(out, Finding{Check: CheckListenLoopback, Status: Pass,
			Evidence: "loopback only: " + strings.Join(fine, ", ") + note})
	}

	var expected []string
	unexpected := 0
	for _, g := range groups {
		var pub []string
		for _, a := range g.addrs {
			if ap, err := netip.ParseAddrPort(a); err == nil && !ap.Addr().IsLoopback() {
				pub = append(pub, a)
			}
		}
		if len(pub) == 0 || slices.ContainsFunc(private, func(pp privatePort) bool { return pp.port == g.port }) {
			continue
		}
		pg := portGroup{port: g.port, owner: g.owner, addrs: pub}
		if g.port == sshPort || g.port == servicePort {
			expected = append(expected, pg.String())
			continue
		}
		unexpected++
		f := Finding{Check: CheckListenPublic, Status: Warn, Subject: "port " + strconv.Itoa(int(g.port)),
			Evidence: fmt.Sprintf("listens on %s; the policy opens only ssh (host.firewall.ssh_port %d) and the service port (host.node.http_addr %s)%s",
				pg, sshPort, h.Node.HTTPAddr, note),
			Fix: "bind it to 127.0.0.1 if nothing outside needs it, or stop it; lpops render's nftables.conf drops it: check that ruleset is loaded (nft list ruleset)"}
		if g.owner != nil {
			f.PID = g.owner.PID
		}
		out = append(out, f)
	}
	if unexpected == 0 {
		ev := "no public listener besides ssh and the service port"
		if len(expected) > 0 {
			ev = "public listeners are the expected ones: " + strings.Join(expected, "; ")
		}
		out = append(out, Finding{Check: CheckListenPublic, Status: Pass, Evidence: ev + note})
	}
	return out
}

// loopbackAddr is addr with its host replaced by 127.0.0.1.
func loopbackAddr(addr string) string {
	if p := config.HostPort(addr); p != 0 {
		return "127.0.0.1:" + strconv.Itoa(int(p))
	}
	return "127.0.0.1:PORT"
}
