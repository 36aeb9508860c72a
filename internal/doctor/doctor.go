package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
)

// Status is the verdict of one finding.
type Status string

// Statuses, from best to worst. Skip counts as Pass for the exit code.
const (
	Pass Status = "pass"
	Skip Status = "skip"
	Warn Status = "warn"
	Fail Status = "fail"
)

func (s Status) rank() int {
	switch s {
	case Warn:
		return 1
	case Fail:
		return 2
	}
	return 0
}

// ExitCode is the process exit status for a worst finding of s: 0 pass (or
// skip), 1 warn, 2 fail.
func (s Status) ExitCode() int { return s.rank() }

// Check ids: stable names scripts and the JSON report key on.
const (
	CheckNodeNOFILE     = "limits.node"
	CheckGethNOFILE     = "limits.geth"
	CheckClock          = "clock.sync"
	CheckListenLoopback = "listen.loopback"
	CheckListenPublic   = "listen.public"
	CheckSSHRootLogin   = "sshd.root_login"
	CheckSSHPassword    = "sshd.password_auth"
	CheckKeystore       = "keystore.perms"
	CheckPassphrase     = "passphrase.exposed"
	CheckDisk           = "disk.free"
	CheckRPCSynced      = "rpc.synced"
	CheckNodeVersion    = "node.version"
	CheckPolkit         = "remediation.polkit"
)

// Finding is one line of the report.
type Finding struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	// Subject tells findings of one check apart: "pid 4242 (livepeer)",
	// a path, an address, an endpoint name. Empty for a single finding.
	Subject string `json:"subject,omitempty"`
	// PID is the process the finding is about, if any.
	PID      int    `json:"pid,omitempty"`
	Evidence string `json:"evidence"`
	// Fix is set for Warn and Fail: a command or a configuration change.
	Fix string `json:"fix,omitempty"`
}

// Counts are how many findings have each status.
type Counts struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// ReportVersion is the version of the JSON document; it changes only when a
// field changes meaning or goes away.
const ReportVersion = 1

// Report is the outcome of one run.
type Report struct {
	Version   int       `json:"version"`
	Host      string    `json:"host"`
	CheckedAt time.Time `json:"checked_at"`
	// Status is the worst status of any finding.
	Status   Status    `json:"status"`
	ExitCode int       `json:"exit_code"`
	Counts   Counts    `json:"counts"`
	Findings []Finding `json:"findings"`
}

// Runner runs a program with arguments and returns its standard output. A
// program that is not installed gives an error matching ErrNotInstalled.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// System is everything doctor reads from the host. The zero value of a field
// means the real host (DefaultSystem).
type System struct {
	// ProcRoot is where procfs is mounted.
	ProcRoot string
	// SSHDConfig is sshd's main configuration file.
	SSHDConfig string
	// PolkitRules is the polkit rule lpops render writes for runbooks'
	// systemd restarts.
	PolkitRules string
	Now         func() time.Time
	Run         Runner
	// Statfs reports the filesystem holding a path.
	Statfs func(path string) (DiskUsage, error)
	// KernelClock reads the kernel's NTP state (adjtimex).
	KernelClock func() (KernelClock, error)
	// LookupUser returns the uid of a user name.
	LookupUser func(name string) (int, error)
	// UserName names a uid for evidence ("1001" when unknown).
	UserName func(uid int) string
	// SelfPID is doctor's own process, left out of the process scans.
	SelfPID int
	// EUID is doctor's effective user id: as root, "run as root" is no
	// advice, and an unreadable file has another cause.
	EUID       func() int
	HTTPClient *http.Client
	Hostname   func() (string, error)
}

// DefaultSystem is the real host.
func DefaultSystem() System {
	return System{
		ProcRoot:    "/proc",
		SSHDConfig:  "/etc/ssh/sshd_config",
		PolkitRules: render.PolkitRules,
		Now:         time.Now,
		Run:         ExecRunner,
		Statfs:      statfs,
		KernelClock: adjtimex,
		LookupUser:  lookupUser,
		UserName:    userName,
		SelfPID:     os.Getpid(),
		EUID:        os.Geteuid,
		HTTPClient:  &http.Client{},
		Hostname:    os.Hostname,
	}
}

func (s System) withDefaults() System {
	d := DefaultSystem()
	if s.ProcRoot == "" {
		s.ProcRoot = d.ProcRoot
	}
	if s.SSHDConfig == "" {
		s.SSHDConfig = d.SSHDConfig
	}
	if s.PolkitRules == "" {
		s.PolkitRules = d.PolkitRules
	}
	if s.Now == nil {
		s.Now = d.Now
	}
	if s.Run == nil {
		s.Run = d.Run
	}
	if s.Statfs == nil {
		s.Statfs = d.Statfs
	}
	if s.KernelClock == nil {
		s.KernelClock = d.KernelClock
	}
	if s.LookupUser == nil {
		s.LookupUser = d.LookupUser
	}
	if s.UserName == nil {
		s.UserName = d.UserName
	}
	if s.SelfPID == 0 {
		s.SelfPID = d.SelfPID
	}
	if s.EUID == nil {
		s.EUID = d.EUID
	}
	if s.HTTPClient == nil {
		s.HTTPClient = d.HTTPClient
	}
	if s.Hostname == nil {
		s.Hostname = d.Hostname
	}
	return s
}

// Options narrow a run.
type Options struct {
	// NodePIDs are the go-livepeer processes to audit; empty: every process
	// named like host.node.binary.
	NodePIDs []int
	// Checks, when set, runs only the checks with these ids.
	Checks []string
}

// Doctor audits one host against one configuration.
type Doctor struct {
	cfg  *config.Config
	sys  System
	opts Options
}

// New returns a Doctor for cfg, a configuration loaded with config.Load.
func New(cfg *config.Config, sys System, opts Options) *Doctor {
	return &Doctor{cfg: cfg, sys: sys.withDefaults(), opts: opts}
}

// unreadableFix is the fix for something doctor could not read: run as
// root, or, when it already runs as root, asRoot (a permission problem root
// does not bypass, such as a read-only or unreachable mount, or a file
// that is not what the configuration says).
func (d *Doctor) unreadableFix(asRoot string) string {
	if d.sys.EUID() == 0 {
		return asRoot
	}
	return "run lpops doctor as root"
}

// check is one audit. ids are the check ids it may report, for
// Options.Checks.
type check struct {
	ids []string
	run func(ctx context.Context, env *runEnv) []Finding
}

// runEnv is what the checks of one run share: the process table, read once,
// and the secrets read for the passphrase check, for Redact.
type runEnv struct {
	procs   []process
	procErr error

	mu      sync.Mutex
	secrets [][]byte
}

func (e *runEnv) addSecret(s []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s)
}

func (d *Doctor) checks() []check {
	return []check{
		{[]string{CheckNodeNOFILE}, d.checkNodeNOFILE},
		{[]string{CheckGethNOFILE}, d.checkGethNOFILE},
		{[]string{CheckClock}, d.checkClock},
		{[]string{CheckListenLoopback, CheckListenPublic}, d.checkListen},
		{[]string{CheckSSHRootLogin, CheckSSHPassword}, d.checkSSHD},
		{[]string{CheckKeystore}, d.checkKeystore},
		{[]string{CheckPassphrase}, d.checkPassphrase},
		{[]string{CheckDisk}, d.checkDisk},
		{[]string{CheckRPCSynced}, d.checkRPC},
		{[]string{CheckNodeVersion}, d.checkNodeVersion},
		{[]string{CheckPolkit}, d.checkPolkit},
		{[]string{CheckBackup}, d.checkBackup},
	}
}

// CheckIDs lists every check id in report order.
func CheckIDs() []string {
	var ids []string
	for _, c := range (&Doctor{}).checks() {
		ids = append(ids, c.ids...)
	}
	return ids
}

// Run runs the checks (concurrently: the network ones wait on timeouts) and
// returns the report, findings in check order. ctx bounds the network checks.
func (d *Doctor) Run(ctx context.Context) *Report {
	env := &runEnv{}
	env.procs, env.procErr = listProcesses(d.sys.ProcRoot, d.sys.SelfPID)

	var selected []check
	for _, c := range d.checks() {
		if d.wanted(c.ids) {
			selected = append(selected, c)
		}
	}
	results := make([][]Finding, len(selected))
	var wg sync.WaitGroup
	for i, c := range selected {
		wg.Go(func() { results[i] = c.run(ctx, env) })
	}
	wg.Wait()

	r := &Report{Version: ReportVersion, CheckedAt: d.sys.Now().UTC().Truncate(time.Second), Status: Pass, Findings: []Finding{}}
	if h, err := d.sys.Hostname(); err == nil {
		r.Host = h
	}
	for _, fs := range results {
		for _, f := range fs {
			if !d.wanted([]string{f.Check}) {
				continue
			}
			r.Findings = append(r.Findings, f)
		}
	}
	r.tally()
	r.Redact(env.secrets)
	for _, s := range env.secrets {
		clear(s)
	}
	return r
}

func (d *Doctor) wanted(ids []string) bool {
	if len(d.opts.Checks) == 0 {
		return true
	}
	for _, id := range ids {
		for _, w := range d.opts.Checks {
			if id == w {
				return true
			}
		}
	}
	return false
}

func (r *Report) tally() {
	r.Counts = Counts{}
	r.Status = Pass
	for _, f := range r.Findings {
		switch f.Status {
		case Pass:
			r.Counts.Pass++
		case Warn:
			r.Counts.Warn++
		case Fail:
			r.Counts.Fail++
		case Skip:
			r.Counts.Skip++
		}
		if f.Status.rank() > r.Status.rank() {
			r.Status = f.Status
		}
	}
	r.ExitCode = r.Status.ExitCode()
}

// Redact replaces every secret (of at least 4 bytes; shorter ones are
// neither searched for nor meaningful to hide in prose) found in a finding's
// text with "[redacted]". Checks never write a secret; this is the last guard.
func (r *Report) Redact(secrets [][]byte) {
	scrub := func(s string) string {
		for _, sec := range secrets {
			if len(sec) >= 4 && strings.Contains(s, string(sec)) {
				s = strings.ReplaceAll(s, string(sec), "[redacted]")
			}
		}
		return s
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Subject, f.Evidence, f.Fix = scrub(f.Subject), scrub(f.Evidence), scrub(f.Fix)
	}
	r.Host = scrub(r.Host)
}

// WriteText prints one line per finding,
//
//	FAIL  limits.node         pid 4242 (livepeer): evidence; fix: ...
//
// and a closing summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, f := range r.Findings {
		subject := ""
		if f.Subject != "" {
			subject = f.Subject + ": "
		}
		fmt.Fprintf(&b, "%-4s  %-18s  %s%s", strings.ToUpper(string(f.Status)), f.Check, subject, f.Evidence)
		if f.Fix != "" {
			fmt.Fprintf(&b, "; fix: %s", f.Fix)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "doctor: %s: %d pass, %d warn, %d fail, %d skip (exit %d)\n",
		strings.ToUpper(string(r.Status)), r.Counts.Pass, r.Counts.Warn, r.Counts.Fail, r.Counts.Skip, r.ExitCode)
	_, err := w.Write(b.Bytes())
	return err
}

// WriteJSON prints the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
