package remediate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
)

// Step types, as configured.
const (
	StepSystemdRestart = config.StepSystemdRestart
	StepCommand        = config.StepCommand
	StepHTTP           = config.StepHTTP
	StepWaitRPCSynced  = config.StepWaitRPCSynced
	StepWaitHTTPOK     = config.StepWaitHTTPOK
)

// Runbook is a named sequence of steps, what triggers it and its guards.
// Zero guard values take the config.Default* values (see withDefaults).
type Runbook struct {
	Name   string
	DryRun bool
	// When: a firing, unsilenced alert matching any of these triggers a run.
	When []Matcher
	// Schedule triggers runs at fixed times; nil for none.
	Schedule  *Schedule
	Steps     []Step
	RateLimit RateLimit
	Backoff   Backoff
	Breaker   Breaker
}

// Matcher matches an alert by name and by the labels it lists.
type Matcher struct {
	Alertname string
	Labels    map[string]string
}

// Matches reports whether a has the matcher's name and every label it lists.
func (m Matcher) Matches(a *alert.Alert) bool {
	if a.Name != m.Alertname {
		return false
	}
	for k, v := range m.Labels {
		if a.Labels[k] != v {
			return false
		}
	}
	return true
}

func (m Matcher) String() string {
	if len(m.Labels) == 0 {
		return m.Alertname
	}
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(m.Labels)) {
		pairs = append(pairs, k+"="+m.Labels[k])
	}
	return m.Alertname + "{" + strings.Join(pairs, ",") + "}"
}

// RateLimit: at most Max actions on one target within any window of Per.
type RateLimit struct {
	Max int
	Per time.Duration
}

// Backoff spaces attempts after failures: Initial·2^(n−1), at most Max.
type Backoff struct {
	Initial, Max time.Duration
}

// After returns the wait after n failures in a row (0 for none).
func (b Backoff) After(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := b.Initial
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Breaker opens after Failures failed runs in a row; after Cooldown it lets
// one trial run through.
type Breaker struct {
	Failures int
	Cooldown time.Duration
}

// Step is one action or wait. Only the fields of its Type are used.
type Step struct {
	Name    string
	Type    string
	Timeout time.Duration

	Unit         string   // systemd_restart
	Argv         []string // command
	Method       string   // http
	URL          string   // http, wait_http_ok, wait_rpc_synced (may hold a key: see redactURL)
	ExpectStatus int      // http, wait_http_ok; 0: any 2xx
	BodyContains string   // wait_http_ok
	Endpoint     string   // wait_rpc_synced: the rpc[] name URL was resolved from
	MaxHeadAge   time.Duration
}

// IsAction reports whether the step changes something (as opposed to a
// wait, which only reads and may safely be repeated).
func (s Step) IsAction() bool {
	switch s.Type {
	case StepSystemdRestart, StepCommand, StepHTTP:
		return true
	}
	return false
}

// Target identifies what an action acts on, for the one-at-a-time lock and
// the rate limit: the unit, the program, or the method and URL. Waits have
// none.
func (s Step) Target() string {
	switch s.Type {
	case StepSystemdRestart:
		return "unit:" + s.Unit
	case StepCommand:
		if len(s.Argv) > 0 {
			return "command:" + s.Argv[0]
		}
	case StepHTTP:
		return "http:" + s.method() + " " + redactURL(s.URL)
	}
	return ""
}

func (s Step) method() string {
	if s.Method == "" {
		return "GET"
	}
	return s.Method
}

// Detail says what the step does, for the audit log: never a secret.
func (s Step) Detail() string {
	switch s.Type {
	case StepSystemdRestart:
		return "restart unit " + s.Unit
	case StepCommand:
		return "run " + strings.Join(quoteArgs(s.Argv), " ")
	case StepHTTP:
		return fmt.Sprintf("%s %s, expect %s", s.method(), redactURL(s.URL), statusWant(s.ExpectStatus))
	case StepWaitRPCSynced:
		return fmt.Sprintf("wait until %s is synced, its head younger than %s and advancing", s.endpointName(), s.MaxHeadAge)
	case StepWaitHTTPOK:
		d := fmt.Sprintf("wait until GET %s answers %s", redactURL(s.URL), statusWant(s.ExpectStatus))
		if s.BodyContains != "" {
			d += fmt.Sprintf(" containing %q", s.BodyContains)
		}
		return d
	}
	return s.Type
}

// endpointName names a wait_rpc_synced endpoint: its rpc[] name, or the
// scheme and host of its URL (a provider's path holds its API key).
func (s Step) endpointName() string {
	if s.Endpoint != "" {
		return s.Endpoint
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		return "(unparseable URL)"
	}
	return u.Scheme + "://" + u.Host
}

// defaultName names a step by its type and target.
func (s Step) defaultName() string {
	switch s.Type {
	case StepSystemdRestart:
		return s.Type + " " + s.Unit
	case StepCommand:
		if len(s.Argv) > 0 {
			return s.Type + " " + filepath.Base(s.Argv[0])
		}
	case StepHTTP:
		return s.Type + " " + s.method() + " " + redactURL(s.URL)
	case StepWaitRPCSynced:
		return s.Type + " " + s.endpointName()
	case StepWaitHTTPOK:
		return s.Type + " " + redactURL(s.URL)
	}
	return s.Type
}

func statusWant(code int) string {
	if code == 0 {
		return "2xx"
	}
	return fmt.Sprint(code)
}

func quoteArgs(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") {
			a = fmt.Sprintf("%q", a)
		}
		out[i] = a
	}
	return out
}

// redactURL drops what may hold a secret (user info, query, fragment).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment = nil, "", false, ""
	return u.String()
}

// Schedule triggers a runbook Every interval, or At a time of day, each
// occurrence shifted by a uniform random offset within ± Jitter.
type Schedule struct {
	// Every is the interval; when zero, At is used.
	Every time.Duration
	// At is the time of day, as the time since midnight on the wall clock
	// of the remediator's location.
	At     time.Duration
	Jitter time.Duration
}

// first returns the schedule's first occurrence strictly after now, before
// jitter. An interval counts from now.
func (s *Schedule) first(now time.Time, loc *time.Location) time.Time {
	if s.Every > 0 {
		return now.Add(s.Every)
	}
	t := s.onDay(now.In(loc), 0)
	if !t.After(now) {
		t = s.onDay(now.In(loc), 1)
	}
	return t
}

// next returns the occurrence after base, before jitter. A time of day is
// placed on the wall clock of the next day, so it stays at 04:00 across a
// daylight-saving change.
func (s *Schedule) next(base time.Time, loc *time.Location) time.Time {
	if s.Every > 0 {
		return base.Add(s.Every)
	}
	return s.onDay(base.In(loc), 1)
}

func (s *Schedule) onDay(t time.Time, days int) time.Time {
	h, m := int(s.At/time.Hour), int(s.At%time.Hour/time.Minute)
	return time.Date(t.Year(), t.Month(), t.Day()+days, h, m, 0, 0, t.Location())
}

// offset draws an occurrence's jitter, uniform in [−Jitter, +Jitter].
func (s *Schedule) offset(r *rand.Rand) time.Duration {
	if s.Jitter <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(2*s.Jitter)+1)) - s.Jitter
}

func (s *Schedule) String() string {
	var b string
	if s.Every > 0 {
		b = "every " + config.Duration{Duration: s.Every}.String()
	} else {
		b = fmt.Sprintf("at %02d:%02d", int(s.At/time.Hour), int(s.At%time.Hour/time.Minute))
	}
	if s.Jitter > 0 {
		b += " ± " + config.Duration{Duration: s.Jitter}.String()
	}
	return b
}

// Settings is what the remediation section configures besides the stores,
// sources and clocks the caller adds to Options.
type Settings struct {
	DryRun    bool
	Interval  time.Duration
	AuditKeep int
	Runbooks  []Runbook
}

// FromConfig turns the remediation section into Settings, applying the
// defaults of zero values and resolving wait_rpc_synced endpoints by name
// among eps (config.EndpointURLs). The URL of a named endpoint may hold an
// API key: it is used, never shown (steps name the endpoint instead).
func FromConfig(c config.Remediation, eps []config.ResolvedEndpoint) (Settings, error) {
	s := Settings{DryRun: c.DryRun, Interval: c.Interval.Duration, AuditKeep: c.AuditKeep}
	urls := map[string]string{}
	for _, e := range eps {
		urls[e.Name] = e.URL
	}
	for i, rb := range c.Runbooks {
		b := Runbook{
			Name: rb.Name, DryRun: rb.DryRun,
			RateLimit: RateLimit{Max: rb.RateLimit.Max, Per: rb.RateLimit.Per.Duration},
			Backoff:   Backoff{Initial: rb.Backoff.Initial.Duration, Max: rb.Backoff.Max.Duration},
			Breaker:   Breaker{Failures: rb.Breaker.Failures, Cooldown: rb.Breaker.Cooldown.Duration},
		}
		for _, m := range rb.When {
			b.When = append(b.When, Matcher{Alertname: m.Alertname, Labels: maps.Clone(m.Labels.Items)})
		}
		if sc := rb.Schedule; !sc.IsZero() {
			b.Schedule = &Schedule{Every: sc.Every.Duration, Jitter: sc.Jitter.Duration}
			if sc.At != "" {
				at, err := sc.AtOffset()
				if err != nil {
					return Settings{}, fmt.Errorf("remediation.runbooks[%d].schedule.at: %w", i, err)
				}
				b.Schedule.At = at
			}
		}
		for j, st := range rb.Steps {
			step := Step{
				Name: st.Name, Type: st.Type, Timeout: st.Timeout.Duration,
				Unit: st.Unit, Argv: slices.Clone(st.Argv.Items), Method: st.Method, URL: st.URL,
				ExpectStatus: st.ExpectStatus, BodyContains: st.BodyContains, MaxHeadAge: st.MaxHeadAge.Duration,
			}
			if st.Endpoint != "" {
				u, ok := urls[st.Endpoint]
				if !ok {
					return Settings{}, fmt.Errorf("remediation.runbooks[%d].steps[%d].endpoint: names no rpc[] endpoint (got %q)", i, j, st.Endpoint)
				}
				step.URL, step.Endpoint = u, st.Endpoint
			}
			b.Steps = append(b.Steps, step)
		}
		s.Runbooks = append(s.Runbooks, b)
	}
	return s, nil
}

// withDefaults fills the zero values of a runbook and its steps.
func (rb Runbook) withDefaults() Runbook {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if rb.RateLimit.Max <= 0 {
		rb.RateLimit.Max = config.DefaultRateLimitMax
	}
	def(&rb.RateLimit.Per, config.DefaultRateLimitPer)
	def(&rb.Backoff.Initial, config.DefaultBackoffInitial)
	def(&rb.Backoff.Max, config.DefaultBackoffMax)
	rb.Backoff.Max = max(rb.Backoff.Max, rb.Backoff.Initial)
	if rb.Breaker.Failures <= 0 {
		rb.Breaker.Failures = config.DefaultBreakerFailures
	}
	def(&rb.Breaker.Cooldown, config.DefaultBreakerCooldown)
	steps := make([]Step, len(rb.Steps))
	for i, s := range rb.Steps {
		def(&s.Timeout, config.DefaultStepTimeout[s.Type])
		if s.Type == StepWaitRPCSynced {
			def(&s.MaxHeadAge, config.DefaultMaxHeadAge)
		}
		if s.Name == "" {
			s.Name = s.defaultName()
		}
		steps[i] = s
	}
	rb.Steps = steps
	return rb
}

// triggers describes what starts the runbook, for status.
func (rb *Runbook) triggers() []string {
	var out []string
	for _, m := range rb.When {
		out = append(out, "alert "+m.String())
	}
	if rb.Schedule != nil {
		out = append(out, "schedule "+rb.Schedule.String())
	}
	return out
}
