package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Remediation configures runbooks: what lpops does, on its own, when an
// alert fires (restart geth, wait until it follows the chain again, restart
// the node, check that it answers) or on a schedule (a nightly restart).
// The package internal/remediate runs them; its documentation describes the
// run state machine and the guards.
type Remediation struct {
	// DryRun logs and audits what every runbook would do and does nothing.
	DryRun bool `yaml:"dry_run"`
	// Interval is how often alert states and schedules are checked.
	Interval Duration `yaml:"interval"`
	// AuditKeep is how many runs the audit log keeps; older ones are deleted.
	AuditKeep int `yaml:"audit_keep"`
	// Runbooks, each bound to alerts (When), a Schedule, or both.
	Runbooks []Runbook `yaml:"runbooks"`
}

// Runbook is a named sequence of steps and the guards around it. List
// entries decode without defaults: zero values mean the Default* constants
// below, which internal/remediate applies.
type Runbook struct {
	Name string `yaml:"name"`
	// DryRun makes this runbook only log and audit, as remediation.dry_run
	// does for all of them.
	DryRun bool `yaml:"dry_run"`
	// When lists alert matchers; a firing, unsilenced alert matching any of
	// them triggers a run.
	When []AlertMatcher `yaml:"when"`
	// Schedule runs the runbook at fixed times as well (or only).
	Schedule Schedule `yaml:"schedule"`
	// Steps run in order; the first that fails ends the run.
	Steps     []Step    `yaml:"steps"`
	RateLimit RateLimit `yaml:"rate_limit"`
	Backoff   Backoff   `yaml:"backoff"`
	Breaker   Breaker   `yaml:"breaker"`
}

// AlertMatcher matches an alert by name and, for each label given, by equal
// label value; labels the matcher leaves out match anything.
type AlertMatcher struct {
	Alertname string `yaml:"alertname"`
	Labels    Labels `yaml:"labels"`
}

// Schedule is `every` an interval or `at` a time of day ("04:00", the host's
// local time), shifted by a random offset of up to ± Jitter each time.
type Schedule struct {
	Every  Duration `yaml:"every"`
	At     string   `yaml:"at"`
	Jitter Duration `yaml:"jitter"`
}

// IsZero reports whether no schedule is set.
func (s Schedule) IsZero() bool { return s.Every.Duration == 0 && s.At == "" && s.Jitter.Duration == 0 }

// AtOffset parses At ("HH:MM", 24-hour clock) as the time since midnight.
func (s Schedule) AtOffset() (time.Duration, error) {
	h, m, ok := strings.Cut(s.At, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, errors.New(`must be a time of day "HH:MM" on the 24-hour clock, such as "04:00"`)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// Step types.
const (
	StepSystemdRestart = "systemd_restart"
	StepCommand        = "command"
	StepHTTP           = "http"
	StepWaitRPCSynced  = "wait_rpc_synced"
	StepWaitHTTPOK     = "wait_http_ok"
)

// Step is one action or wait of a runbook. One flat struct serves every
// type; Validate rejects a key that does not apply to the type.
type Step struct {
	// Name labels the step in the audit log and in metrics. Default: the
	// type and its target, such as "systemd_restart geth.service".
	Name string `yaml:"name"`
	Type string `yaml:"type"`
	// Unit is the systemd unit to restart (systemd_restart).
	Unit string `yaml:"unit"`
	// Argv is the command and its arguments (command), run without a
	// shell. Never put a secret in it: argv is visible to every user in
	// /proc and is written to the audit log.
	Argv List `yaml:"argv"`
	// Method (http; default GET), URL (http, wait_http_ok, wait_rpc_synced)
	// and ExpectStatus (http, wait_http_ok; 0: any 2xx).
	Method       string `yaml:"method"`
	URL          string `yaml:"url"`
	ExpectStatus int    `yaml:"expect_status"`
	// BodyContains must appear in the answer (wait_http_ok).
	BodyContains string `yaml:"body_contains"`
	// Endpoint names an rpc[] entry, instead of URL (wait_rpc_synced).
	Endpoint string `yaml:"endpoint"`
	// MaxHeadAge is the oldest the endpoint's newest block may be
	// (wait_rpc_synced).
	MaxHeadAge Duration `yaml:"max_head_age"`
	// Timeout bounds the step. 0: the type's default.
	Timeout Duration `yaml:"timeout"`
}

// RateLimit caps the actions on one target (a unit, a command, a URL):
// at most Max within any window of Per, whichever runbooks act on it.
type RateLimit struct {
	Max int      `yaml:"max"`
	Per Duration `yaml:"per"`
}

// Backoff spaces the runs of a runbook that keeps failing: after n failed
// runs in a row, the next waits Initial·2^(n−1), at most Max.
type Backoff struct {
	Initial Duration `yaml:"initial"`
	Max     Duration `yaml:"max"`
}

// Breaker stops a runbook after Failures failed runs in a row and raises
// the RemediationBreakerOpen alert, until it is reset or Cooldown passes
// (then one trial run decides).
type Breaker struct {
	Failures int      `yaml:"failures"`
	Cooldown Duration `yaml:"cooldown"`
}

// Defaults of the remediation section and of its list entries' zero values.
const (
	DefaultRemediationInterval = 5 * time.Second
	DefaultAuditKeep           = 1000
	DefaultRateLimitMax        = 3
	DefaultRateLimitPer        = time.Hour
	DefaultBackoffInitial      = time.Minute
	DefaultBackoffMax          = 30 * time.Minute
	DefaultBreakerFailures     = 3
	DefaultBreakerCooldown     = 6 * time.Hour
	DefaultMaxHeadAge          = time.Minute
)

// DefaultStepTimeout is the timeout of each step type when it sets none.
var DefaultStepTimeout = map[string]time.Duration{
	StepSystemdRestart: 2 * time.Minute,
	StepCommand:        time.Minute,
	StepHTTP:           10 * time.Second,
	StepWaitRPCSynced:  10 * time.Minute,
	StepWaitHTTPOK:     2 * time.Minute,
}

// DefaultRemediation are the remediation defaults.
func DefaultRemediation() Remediation {
	return Remediation{Interval: Duration{DefaultRemediationInterval}, AuditKeep: DefaultAuditKeep}
}

// Labels is a YAML mapping of label names to values. It is a struct rather
// than a map so that the key tooling (strict key checks, the example's
// documentation test) treats it as one value: its keys are label names,
// not configuration keys.
type Labels struct{ Items map[string]string }

var (
	_ yaml.Unmarshaler = (*Labels)(nil)
	_ yaml.Marshaler   = Labels{}
)

var errLabelsSyntax = errors.New("must be a mapping of label names to values, such as {endpoint: local-geth}")

// UnmarshalYAML decodes a mapping of scalars.
func (l *Labels) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return errLabelsSyntax
	}
	items := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			return errLabelsSyntax
		}
		if _, dup := items[k.Value]; dup {
			return fmt.Errorf("label %q is set twice", k.Value)
		}
		items[k.Value] = v.Value
	}
	l.Items = items
	return nil
}

// MarshalYAML encodes the labels as a YAML mapping.
func (l Labels) MarshalYAML() (any, error) { return l.Items, nil }

// stepKeys lists, per step type, the keys that apply to it besides name,
// type and timeout.
var stepKeys = map[string][]string{
	StepSystemdRestart: {"unit"},
	StepCommand:        {"argv"},
	StepHTTP:           {"method", "url", "expect_status"},
	StepWaitRPCSynced:  {"url", "endpoint", "max_head_age"},
	StepWaitHTTPOK:     {"url", "expect_status", "body_contains"},
}

const stepTypeNames = "systemd_restart, command, http, wait_rpc_synced or wait_http_ok"

// unitSuffixes are the systemd unit types; the D-Bus API wants the full
// name, where systemctl would add ".service" itself.
var unitSuffixes = []string{".service", ".socket", ".target", ".timer", ".path", ".mount", ".automount", ".swap", ".slice", ".scope", ".device"}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// maxAuditKeep bounds remediation.audit_keep: a run record is a few
// kilobytes with its output excerpts.
const maxAuditKeep = 100000

func (v *validator) remediation(r Remediation) {
	if v.positive("remediation.interval", r.Interval) && r.Interval.Duration < 100*time.Millisecond {
		v.add("remediation.interval", r.Interval.String(), "must be at least 100ms")
	}
	if r.AuditKeep < 1 || r.AuditKeep > maxAuditKeep {
		v.add("remediation.audit_keep", strconv.Itoa(r.AuditKeep), fmt.Sprintf("must be from 1 to %d", maxAuditKeep))
	}
	names := map[string]int{}
	for i, rb := range r.Runbooks {
		p := fmt.Sprintf("remediation.runbooks[%d]", i)
		switch {
		case rb.Name == "":
			v.add(p+".name", "", "is required")
		case !validChannelName(rb.Name):
			v.add(p+".name", rb.Name, "must be letters, digits, '.', '-' or '_'")
		default:
			if j, dup := names[rb.Name]; dup {
				v.add(p+".name", rb.Name, fmt.Sprintf("is already the name of remediation.runbooks[%d]; give each runbook a distinct name", j))
			} else {
				names[rb.Name] = i
			}
		}
		if len(rb.When) == 0 && rb.Schedule.IsZero() {
			v.add(p, "", "needs when, schedule or both: without them it never runs")
		}
		for j, m := range rb.When {
			mp := fmt.Sprintf("%s.when[%d]", p, j)
			if m.Alertname == "" {
				v.add(mp+".alertname", "", "is required")
			}
			for _, k := range slices.Sorted(maps.Keys(m.Labels.Items)) {
				if k == "" || k == "alertname" {
					v.add(mp+".labels", k, "label names must not be empty or alertname (set alertname instead)")
				}
			}
		}
		if !rb.Schedule.IsZero() {
			v.schedule(p+".schedule", rb.Schedule)
		}
		if len(rb.Steps) == 0 {
			v.add(p+".steps", "", "needs at least one step")
		}
		for j, s := range rb.Steps {
			v.step(fmt.Sprintf("%s.steps[%d]", p, j), s)
		}
		v.nonNegativeInt(p+".rate_limit.max", rb.RateLimit.Max)
		v.nonNegative(p+".rate_limit.per", rb.RateLimit.Per)
		v.nonNegative(p+".backoff.initial", rb.Backoff.Initial)
		if v.nonNegative(p+".backoff.max", rb.Backoff.Max) && rb.Backoff.Max.Duration > 0 &&
			rb.Backoff.Max.Duration < orDefault(rb.Backoff.Initial.Duration, DefaultBackoffInitial) {
			v.add(p+".backoff.max", rb.Backoff.Max.String(), "must not be shorter than backoff.initial")
		}
		v.nonNegativeInt(p+".breaker.failures", rb.Breaker.Failures)
		v.nonNegative(p+".breaker.cooldown", rb.Breaker.Cooldown)
	}
}

// remediationEndpoints checks that every wait_rpc_synced endpoint names an
// rpc[] entry. Endpoint names are final (defaults filled in) by the time
// Validate runs.
func (v *validator) remediationEndpoints(r Remediation, eps []Endpoint) {
	known := map[string]bool{}
	for _, e := range eps {
		known[e.Name] = true
	}
	for i, rb := range r.Runbooks {
		for j, s := range rb.Steps {
			if s.Type == StepWaitRPCSynced && s.Endpoint != "" && !known[s.Endpoint] {
				v.add(fmt.Sprintf("remediation.runbooks[%d].steps[%d].endpoint", i, j), s.Endpoint, "names no rpc[] endpoint")
			}
		}
	}
}

func (v *validator) schedule(p string, s Schedule) {
	var period time.Duration
	switch {
	case s.Every.Duration != 0 && s.At != "":
		v.add(p, "", "sets both every and at; set only one")
		return
	case s.At != "":
		if _, err := s.AtOffset(); err != nil {
			v.add(p+".at", s.At, err.Error())
			return
		}
		period = 24 * time.Hour
	case s.Every.Duration != 0:
		if s.Every.Duration < time.Minute {
			v.add(p+".every", s.Every.String(), "must be at least 1m")
			return
		}
		period = s.Every.Duration
	default:
		v.add(p, "", "needs every or at")
		return
	}
	if v.nonNegative(p+".jitter", s.Jitter) && 2*s.Jitter.Duration >= period {
		v.add(p+".jitter", s.Jitter.String(), fmt.Sprintf("must be less than half the period (%s), or runs could swap order", Duration{period}))
	}
}

func (v *validator) step(p string, s Step) {
	keys, known := stepKeys[s.Type]
	if !known {
		if s.Type == "" {
			v.add(p+".type", "", "is required: "+stepTypeNames)
		} else {
			v.add(p+".type", s.Type, "must be "+stepTypeNames)
		}
		return
	}
	allowed := map[string]bool{"name": true, "type": true, "timeout": true}
	for _, k := range keys {
		allowed[k] = true
	}
	rv := reflect.ValueOf(s)
	for i := range rv.NumField() {
		if key := yamlKey(rv.Type().Field(i)); !allowed[key] && !rv.Field(i).IsZero() {
			v.add(p+"."+key, "", "does not apply to type "+s.Type)
		}
	}
	v.nonNegative(p+".timeout", s.Timeout)
	switch s.Type {
	case StepSystemdRestart:
		switch {
		case s.Unit == "":
			v.add(p+".unit", "", "is required, such as geth.service")
		case strings.ContainsAny(s.Unit, "/ \t") || !slices.ContainsFunc(unitSuffixes, func(x string) bool { return strings.HasSuffix(s.Unit, x) && len(s.Unit) > len(x) }):
			v.add(p+".unit", s.Unit, "must be a full unit name with its type, such as geth.service")
		}
	case StepCommand:
		v.argv(p+".argv", s.Argv.Items)
	case StepHTTP:
		if s.Method != "" && !slices.Contains(httpMethods, s.Method) {
			v.add(p+".method", s.Method, "must be "+strings.Join(httpMethods[:len(httpMethods)-1], ", ")+" or "+httpMethods[len(httpMethods)-1])
		}
		v.stepURL(p+".url", s.URL, "http", "https")
		v.expectStatus(p+".expect_status", s.ExpectStatus)
	case StepWaitHTTPOK:
		v.stepURL(p+".url", s.URL, "http", "https")
		v.expectStatus(p+".expect_status", s.ExpectStatus)
	case StepWaitRPCSynced:
		switch {
		case s.URL != "" && s.Endpoint != "":
			v.add(p, "", "sets both url and endpoint; set only one")
		case s.URL == "" && s.Endpoint == "":
			v.add(p, "", "needs url or endpoint (the name of an rpc[] entry)")
		case s.URL != "":
			v.stepURL(p+".url", s.URL, "http", "https", "ws", "wss")
		}
		if v.nonNegative(p+".max_head_age", s.MaxHeadAge) && s.MaxHeadAge.Duration > 0 && s.MaxHeadAge.Duration < time.Second {
			v.add(p+".max_head_age", s.MaxHeadAge.String(), "must be at least 1s (block timestamps are in seconds)")
		}
	}
}

// secretWords mark an argv flag that carries a secret.
var secretWords = []string{"password", "passphrase", "passwd", "secret", "token", "apikey", "api-key", "api_key", "privatekey", "private-key", "private_key"}

// argv checks a command line: present, absolute program path, and no
// secret passed as a flag value (a path to a file holding it is fine).
// Errors never show an argument that may be a secret.
func (v *validator) argv(p string, argv []string) {
	if len(argv) == 0 {
		v.add(p, "", "needs the program and its arguments, such as [/usr/bin/systemctl, restart, geth.service]")
		return
	}
	if !filepath.IsAbs(argv[0]) {
		v.add(p+"[0]", argv[0], "must be an absolute path: lpops runs no shell and searches no PATH")
	}
	isSecretFlag := func(flag string) bool {
		f := strings.ToLower(strings.TrimLeft(flag, "-"))
		return strings.HasPrefix(flag, "-") && slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(f, w) })
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		flag, val, hasVal := strings.Cut(a, "=")
		switch {
		case hasVal && isSecretFlag(flag) && val != "" && !filepath.IsAbs(val):
			v.add(fmt.Sprintf("%s[%d]", p, i), "", "passes a secret on the command line, where every user can read it; pass the path of a file holding it instead")
		case !hasVal && isSecretFlag(a) && i+1 < len(argv) && argv[i+1] != "" &&
			!strings.HasPrefix(argv[i+1], "-") && !filepath.IsAbs(argv[i+1]):
			v.add(fmt.Sprintf("%s[%d]", p, i+1), "", "passes a secret on the command line, where every user can read it; pass the path of a file holding it instead")
			i++
		}
	}
}

// stepURL checks a step's URL. Only scheme://host[:port] is ever shown: the
// rest may hold a token.
func (v *validator) stepURL(field, raw string, schemes ...string) {
	if raw == "" {
		v.add(field, "", "is required")
		return
	}
	want := "must be an " + strings.Join(schemes[:len(schemes)-1], ", ") + " or " + schemes[len(schemes)-1] + " URL"
	u, err := url.Parse(raw)
	if err != nil {
		v.add(field, "", want)
		return
	}
	shown := ""
	if u.Host != "" {
		shown = u.Scheme + "://" + u.Host
	}
	switch {
	case !slices.Contains(schemes, u.Scheme):
		v.add(field, shown, want)
	case u.Host == "":
		v.add(field, u.Scheme+":", "has no host")
	case u.User != nil:
		v.add(field, shown, "must not hold a user or password; they would show in the audit log")
	}
}

func (v *validator) expectStatus(field string, code int) {
	if code != 0 && (code < 100 || code > 599) {
		v.add(field, strconv.Itoa(code), "must be an HTTP status from 100 to 599, or 0 for any 2xx")
	}
}

// nonNegative reports a negative duration, and whether d is not negative.
func (v *validator) nonNegative(field string, d Duration) bool {
	if d.Duration < 0 {
		v.add(field, d.String(), "must not be negative (0 means the default)")
		return false
	}
	return true
}

func (v *validator) nonNegativeInt(field string, n int) {
	if n < 0 {
		v.add(field, strconv.Itoa(n), "must not be negative (0 means the default)")
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
