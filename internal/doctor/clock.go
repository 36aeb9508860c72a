package doctor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
)

const clockFix = "install and start chrony with the servers of host.chrony.servers (lpops render writes chrony.conf): apt-get install chrony && systemctl enable --now chrony; then chronyc tracking"

// checkClock asks, in order, chrony (which lpops render configures),
// timedatectl and the kernel (adjtimex) whether the clock is synchronised:
// the first that answers decides. Unsynchronised fails: transactions and
// round timing are judged against block timestamps. No answer warns.
func (d *Doctor) checkClock(ctx context.Context, _ *runEnv) []Finding {
	f := Finding{Check: CheckClock}
	var tried []string

	out, err := d.sys.Run(ctx, "chronyc", "-n", "tracking")
	if err == nil {
		if t, ok := parseChronyTracking(out); ok {
			if t.synced() {
				f.Status, f.Evidence = Pass, "chrony: "+t.String()
				return []Finding{f}
			}
			f.Status, f.Evidence, f.Fix = Fail, "chrony: "+t.String(), clockFix
			return []Finding{f}
		}
		err = errors.New("chronyc tracking: unexpected output")
	}
	tried = append(tried, shortErr(err))

	out, err = d.sys.Run(ctx, "timedatectl", "show", "-p", "NTPSynchronized", "--value")
	if err == nil {
		if synced, ok := parseTimedatectl(out); ok {
			if synced {
				f.Status, f.Evidence = Pass, "timedatectl: NTPSynchronized=yes"
				return []Finding{f}
			}
			f.Status, f.Evidence, f.Fix = Fail, "timedatectl: NTPSynchronized=no: no time service keeps the clock synchronised", clockFix
			return []Finding{f}
		}
		err = errors.New("timedatectl show: unexpected output")
	}
	tried = append(tried, shortErr(err))

	k, err := d.sys.KernelClock()
	if err == nil {
		note := " (" + strings.Join(tried, "; ") + ")"
		if k.Synced {
			f.Status = Pass
			f.Evidence = fmt.Sprintf("kernel (adjtimex): synchronised, estimated error %s, maximum error %s%s", k.EstError, k.MaxError, note)
			return []Finding{f}
		}
		f.Status, f.Fix = Fail, clockFix
		f.Evidence = "kernel (adjtimex): clock not synchronised: no NTP service disciplines it" + note
		return []Finding{f}
	}
	tried = append(tried, shortErr(err))
	f.Status, f.Fix = Warn, clockFix
	f.Evidence = "synchronisation unknown: " + strings.Join(tried, "; ")
	return []Finding{f}
}

// chronyTracking is the part of `chronyc -n tracking` doctor reads.
type chronyTracking struct {
	Reference  string // "A9FEA97B (169.254.169.123)"
	Stratum    string
	SystemTime string // "0.000012345 seconds slow of NTP time"
	Leap       string // "Normal", "Insert second", "Delete second", "Not synchronised"
}

func (t chronyTracking) synced() bool {
	return t.Leap != "" && t.Leap != "Not synchronised"
}

func (t chronyTracking) String() string {
	if !t.synced() {
		return fmt.Sprintf("leap status %q: chrony has no usable time source (reference %s)", t.Leap, orDash(t.Reference))
	}
	return fmt.Sprintf("synchronised to %s, stratum %s, system time %s", t.Reference, t.Stratum, t.SystemTime)
}

// parseChronyTracking reads `chronyc tracking`'s "Key : value" lines. ok is
// false when the output has no leap status (not chronyc's).
func parseChronyTracking(out []byte) (chronyTracking, bool) {
	var t chronyTracking
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		k, v, found := strings.Cut(sc.Text(), ":")
		if !found {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Reference ID":
			t.Reference = v
		case "Stratum":
			t.Stratum = v
		case "System time":
			t.SystemTime = v
		case "Leap status":
			t.Leap = v
		}
	}
	return t, t.Leap != ""
}

// parseTimedatectl reads `timedatectl show -p NTPSynchronized [--value]`:
// "yes", or "NTPSynchronized=yes".
func parseTimedatectl(out []byte) (synced, ok bool) {
	v := strings.TrimSpace(string(out))
	v = strings.TrimPrefix(v, "NTPSynchronized=")
	switch v {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortErr is an error's text, trimmed for a one-line finding.
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
