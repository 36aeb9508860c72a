package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Alerts configures the alert engine and its notification channels (the
// Channel type and its checks are in channels.go).
type Alerts struct {
	Channels []Channel `yaml:"channels"`
	// RepeatInterval is how long a firing alert waits before it is notified
	// again, per severity.
	RepeatInterval RepeatInterval `yaml:"repeat_interval"`
	// ResolvedRetention is how long a resolved alert stays listed by the API.
	ResolvedRetention Duration  `yaml:"resolved_retention"`
	Heartbeat         Heartbeat `yaml:"heartbeat"`
	Outbox            Outbox    `yaml:"outbox"`
	// Silences are static silences; more are added with `lpops alerts silence`.
	Silences []Silence `yaml:"silences"`
}

// RepeatInterval is the re-notification interval of each severity.
type RepeatInterval struct {
	Critical Duration `yaml:"critical"`
	Warning  Duration `yaml:"warning"`
	Info     Duration `yaml:"info"`
}

// Heartbeat is the dead-man's switch: an external service (healthchecks.io,
// Better Stack, Cronitor) expects a GET on its URL every Interval and alerts
// when pings stop. lpops pings while it is healthy and no critical alert
// fires. The URL embeds the service's token, so it comes only from a file or
// an environment variable.
type Heartbeat struct {
	URLFile   string    `yaml:"url_file"`
	URLEnv    string    `yaml:"url_env"`
	URLSecret SecretRef `yaml:"url_secret"`
	Interval  Duration  `yaml:"interval"`
}

// Enabled reports whether a heartbeat URL source is configured.
func (h Heartbeat) Enabled() bool { return h.URLFile != "" || h.URLEnv != "" || h.URLSecret.IsSet() }

// URL reads the heartbeat URL from url_file, url_env or url_secret
// (surrounding whitespace trimmed). It returns "" without error when neither is set. Errors name
// the key and the file or variable, never the URL.
func (h Heartbeat) URL() (string, error) {
	var raw string
	switch {
	case h.URLFile != "":
		b, err := os.ReadFile(h.URLFile)
		if err != nil {
			return "", fmt.Errorf("alerts.heartbeat.url_file: %w", err)
		}
		if raw = strings.TrimSpace(string(b)); raw == "" {
			return "", fmt.Errorf("alerts.heartbeat.url_file: %s is empty", h.URLFile)
		}
	case h.URLEnv != "":
		if raw = strings.TrimSpace(os.Getenv(h.URLEnv)); raw == "" {
			return "", fmt.Errorf("alerts.heartbeat.url_env: environment variable %s is not set or empty", h.URLEnv)
		}
	case h.URLSecret.IsSet():
		b, err := h.URLSecret.Value("alerts.heartbeat.url_secret")
		if err != nil {
			return "", err
		}
		if raw = strings.TrimSpace(string(b)); raw == "" {
			return "", fmt.Errorf("alerts.heartbeat.url_secret: %s is empty", h.URLSecret.Ref)
		}
	default:
		return "", nil
	}
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return "", errors.New("alerts.heartbeat: the URL must start with http:// or https://")
	}
	return raw, nil
}

// Outbox bounds each channel's persisted queue of notifications to deliver.
type Outbox struct {
	// MaxPending caps the queue; beyond it the oldest entry is dropped (and
	// counted), so a dead channel cannot fill the disk.
	MaxPending int `yaml:"max_pending"`
	// MaxBackoff caps the wait between delivery attempts to a failing channel.
	MaxBackoff Duration `yaml:"max_backoff"`
	// MaxRejections is how many times a channel may reject the same
	// notification for good (an HTTP 4xx other than 408, 425 and 429, or an
	// SMTP 5xx) before it moves to the channel's dead letters and the next
	// one is sent.
	MaxRejections int `yaml:"max_rejections"`
}

// Silence mutes the alerts its matchers all match until Until.
type Silence struct {
	Matchers []Matcher `yaml:"matchers"`
	Until    Time      `yaml:"until"`
	Comment  string    `yaml:"comment"`
}

// Matcher matches the alert name (Name "alertname") or a label by equality.
type Matcher struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// Time is a timestamp written in RFC 3339 ("2026-03-01T18:00:00Z").
type Time struct{ time.Time }

var _ yaml.Unmarshaler = (*Time)(nil)

// UnmarshalYAML decodes an RFC 3339 timestamp.
func (t *Time) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errTimeSyntax
	}
	v, err := time.Parse(time.RFC3339, n.Value)
	if err != nil {
		return errTimeSyntax
	}
	t.Time = v
	return nil
}

// MarshalYAML encodes the time in RFC 3339.
func (t Time) MarshalYAML() (any, error) { return t.Format(time.RFC3339), nil }

var errTimeSyntax = errors.New(`must be an RFC 3339 time, such as "2026-03-01T18:00:00Z"`)

// API configures the HTTP API beyond its listen address.
type API struct {
	// TokenFile holds the bearer token required by state-changing routes
	// (silences). The file must not be readable by group or others. Empty:
	// those routes answer 403.
	TokenFile string `yaml:"token_file"`
	// TokenSecret reads the token from a secret store instead.
	TokenSecret SecretRef `yaml:"token_secret"`
	// PublicListen is host:port of a second listener that serves only the
	// public status page: read-only, allowlisted fields, accounts named by
	// role. Empty: no public page. `listen` keeps the API and the full page.
	PublicListen string `yaml:"public_listen"`
}

// DefaultAlerts are the alert defaults.
func DefaultAlerts() Alerts {
	return Alerts{
		RepeatInterval: RepeatInterval{
			Critical: Duration{time.Hour},
			Warning:  Duration{4 * time.Hour},
			Info:     Duration{24 * time.Hour},
		},
		ResolvedRetention: Duration{24 * time.Hour},
		Heartbeat:         Heartbeat{Interval: Duration{time.Minute}},
		Outbox:            Outbox{MaxPending: 10000, MaxBackoff: Duration{5 * time.Minute}, MaxRejections: 3},
	}
}

// maxOutboxPending bounds alerts.outbox.max_pending: at a few hundred bytes
// an entry, a million entries per channel is already hundreds of megabytes.
const maxOutboxPending = 1000000

func (v *validator) alerts(a Alerts) {
	v.channels(a.Channels)
	v.positive("alerts.repeat_interval.critical", a.RepeatInterval.Critical)
	v.positive("alerts.repeat_interval.warning", a.RepeatInterval.Warning)
	v.positive("alerts.repeat_interval.info", a.RepeatInterval.Info)
	v.positive("alerts.resolved_retention", a.ResolvedRetention)
	h := a.Heartbeat
	v.oneSecretSource("alerts.heartbeat", "a URL", false, secretSource{"url_file", h.URLFile != ""},
		secretSource{"url_env", h.URLEnv != ""}, secretSource{"url_secret", h.URLSecret.IsSet()})
	if h.URLEnv != "" {
		v.envName("alerts.heartbeat.url_env", h.URLEnv)
	}
	if h.Enabled() && v.positive("alerts.heartbeat.interval", h.Interval) && h.Interval.Duration < time.Second {
		v.add("alerts.heartbeat.interval", h.Interval.String(), "must be at least 1s")
	}
	if n := a.Outbox.MaxPending; n < 1 || n > maxOutboxPending {
		v.add("alerts.outbox.max_pending", fmt.Sprint(n), fmt.Sprintf("must be from 1 to %d", maxOutboxPending))
	}
	if n := a.Outbox.MaxRejections; n < 1 || n > 100 {
		v.add("alerts.outbox.max_rejections", fmt.Sprint(n), "must be from 1 to 100")
	}
	if v.positive("alerts.outbox.max_backoff", a.Outbox.MaxBackoff) && a.Outbox.MaxBackoff.Duration < time.Second {
		v.add("alerts.outbox.max_backoff", a.Outbox.MaxBackoff.String(), "must be at least 1s")
	}
	for i, s := range a.Silences {
		p := fmt.Sprintf("alerts.silences[%d]", i)
		if len(s.Matchers) == 0 {
			v.add(p+".matchers", "", "needs at least one matcher; a silence without one would mute every alert")
		}
		for j, m := range s.Matchers {
			if m.Name == "" {
				v.add(fmt.Sprintf("%s.matchers[%d].name", p, j), "", `is required ("alertname" or a label name)`)
			}
		}
		if s.Until.IsZero() {
			v.add(p+".until", "", "is required")
		}
	}
}

func (v *validator) api(a API, listen string) {
	if strings.TrimSpace(a.TokenFile) != a.TokenFile {
		v.add("api.token_file", a.TokenFile, "must not start or end with spaces")
	}
	if a.TokenFile != "" && a.TokenSecret.IsSet() {
		v.add("api", "", "sets both token_file and token_secret; set only one")
	}
	if a.PublicListen == "" || !v.listenAddr("api.public_listen", a.PublicListen) {
		return
	}
	_, pub, _ := net.SplitHostPort(a.PublicListen)
	if _, port, err := net.SplitHostPort(listen); err == nil && port == pub && port != "0" {
		v.add("api.public_listen", a.PublicListen, "must use another port than listen ("+listen+"): it is a second listener")
	}
}
