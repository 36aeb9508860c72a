package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAlertsDefaults(t *testing.T) {
	c, err := Parse([]byte(minimal), "")
	if err != nil {
		t.Fatal(err)
	}
	a := c.Alerts
	if a.RepeatInterval.Critical.Duration != time.Hour || a.RepeatInterval.Warning.Duration != 4*time.Hour ||
		a.RepeatInterval.Info.Duration != 24*time.Hour || a.ResolvedRetention.Duration != 24*time.Hour ||
		a.Heartbeat.Interval.Duration != time.Minute || a.Heartbeat.Enabled() ||
		a.Outbox.MaxPending != 10000 || a.Outbox.MaxBackoff.Duration != 5*time.Minute || a.Outbox.MaxRejections != 3 || c.API.TokenFile != "" {
		t.Fatalf("defaults %+v, api %+v", a, c.API)
	}
}

func TestAlertsValid(t *testing.T) {
	c, err := Parse([]byte(minimal+`
alerts:
  repeat_interval:
    critical: 30m
  heartbeat:
    url_env: LPOPS_HEARTBEAT
    interval: 30s
  outbox:
    max_pending: 50
  silences:
    - matchers:
        - {name: alertname, value: NodeDown}
        - {name: node, value: main}
      until: "2026-03-01T18:00:00Z"
      comment: maintenance
api:
  token_file: /etc/lpops/api-token
  public_listen: 0.0.0.0:8080
`), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.API.PublicListen != "0.0.0.0:8080" {
		t.Errorf("api.public_listen = %q", c.API.PublicListen)
	}
	s := c.Alerts.Silences[0]
	if c.Alerts.RepeatInterval.Critical.Duration != 30*time.Minute || c.Alerts.RepeatInterval.Warning.Duration != 4*time.Hour ||
		len(s.Matchers) != 2 || s.Matchers[1].Value != "main" || !s.Until.Equal(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("alerts %+v", c.Alerts)
	}
}

func TestAlertsInvalid(t *testing.T) {
	for _, tc := range []struct {
		Name string
		YAML string
		Want string
	}{
		{"ZeroRepeat", "alerts:\n  repeat_interval:\n    warning: 0\n", `alerts.repeat_interval.warning: must be more than 0 (got "0s")`},
		{"ZeroRetention", "alerts:\n  resolved_retention: 0\n", `alerts.resolved_retention: must be more than 0`},
		{"HeartbeatBothSources", "alerts:\n  heartbeat:\n    url_file: /x\n    url_env: HB\n", "alerts.heartbeat: sets both url_file and url_env; set only one"},
		{"HeartbeatBadEnv", "alerts:\n  heartbeat:\n    url_env: 1HB\n", `alerts.heartbeat.url_env: must be an environment variable name`},
		{"HeartbeatTooOften", "alerts:\n  heartbeat:\n    url_env: HB\n    interval: 10ms\n", `alerts.heartbeat.interval: must be at least 1s (got "10ms")`},
		{"OutboxZero", "alerts:\n  outbox:\n    max_pending: 0\n", `alerts.outbox.max_pending: must be from 1 to 1000000 (got "0")`},
		{"BackoffTiny", "alerts:\n  outbox:\n    max_backoff: 1ms\n", `alerts.outbox.max_backoff: must be at least 1s (got "1ms")`},
		{"RejectionsZero", "alerts:\n  outbox:\n    max_rejections: 0\n", `alerts.outbox.max_rejections: must be from 1 to 100 (got "0")`},
		{"SilenceNoMatchers", "alerts:\n  silences:\n    - until: \"2026-03-01T18:00:00Z\"\n", "alerts.silences[0].matchers: needs at least one matcher"},
		{"SilenceNoName", "alerts:\n  silences:\n    - matchers: [{value: x}]\n      until: \"2026-03-01T18:00:00Z\"\n", `alerts.silences[0].matchers[0].name: is required`},
		{"SilenceNoUntil", "alerts:\n  silences:\n    - matchers: [{name: alertname, value: x}]\n", "alerts.silences[0].until: is required"},
		{"SilenceBadUntil", "alerts:\n  silences:\n    - matchers: [{name: alertname, value: x}]\n      until: tomorrow\n", `alerts.silences[0].until: must be an RFC 3339 time`},
		{"UnknownKey", "alerts:\n  repeat_interval:\n    urgent: 1h\n", "unknown key alerts.repeat_interval.urgent"},
		{"TokenFileSpaces", "api:\n  token_file: \"/etc/x \"\n", `api.token_file: must not start or end with spaces`},
		{"PublicListenNoPort", "api:\n  public_listen: 0.0.0.0\n", `api.public_listen: must be host:port with a numeric port, such as 127.0.0.1:7940 (got "0.0.0.0")`},
		{"PublicListenBadPort", "api:\n  public_listen: \":http\"\n", `api.public_listen: must be host:port with a numeric port`},
		{"PublicListenSamePort", "listen: 127.0.0.1:7940\napi:\n  public_listen: 0.0.0.0:7940\n", `api.public_listen: must use another port than listen (127.0.0.1:7940): it is a second listener (got "0.0.0.0:7940")`},
		{"PublicPageRemoved", "api:\n  public: true\n", "unknown key api.public"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := Parse([]byte(minimal+tc.YAML), "")
			if err == nil || !strings.Contains(err.Error(), tc.Want) {
				t.Fatalf("Parse = %v, want an error containing %q", err, tc.Want)
			}
		})
	}
}

func TestHeartbeatURL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hb")
	if err := os.WriteFile(file, []byte(" https://hc-ping.com/secret-uuid\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LPOPS_TEST_HB", "https://hc-ping.com/secret-uuid")
	t.Setenv("LPOPS_TEST_HB_BAD", "hc-ping.com/secret-uuid")
	for _, tc := range []struct {
		Name    string
		H       Heartbeat
		Want    string
		WantErr string
	}{
		{"None", Heartbeat{}, "", ""},
		{"File", Heartbeat{URLFile: file}, "https://hc-ping.com/secret-uuid", ""},
		{"Env", Heartbeat{URLEnv: "LPOPS_TEST_HB"}, "https://hc-ping.com/secret-uuid", ""},
		{"EmptyFile", Heartbeat{URLFile: empty}, "", "alerts.heartbeat.url_file: " + empty + " is empty"},
		{"UnsetEnv", Heartbeat{URLEnv: "LPOPS_TEST_HB_UNSET"}, "", "environment variable LPOPS_TEST_HB_UNSET is not set"},
		{"NotHTTP", Heartbeat{URLEnv: "LPOPS_TEST_HB_BAD"}, "", "must start with http:// or https://"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := tc.H.URL()
			switch {
			case tc.WantErr == "" && err != nil:
				t.Fatal(err)
			case tc.WantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.WantErr)):
				t.Fatalf("URL() = %v, want an error containing %q", err, tc.WantErr)
			case err != nil && strings.Contains(err.Error(), "secret-uuid"):
				t.Fatalf("error reveals the URL: %v", err)
			case got != tc.Want:
				t.Fatalf("URL() = %q, want %q", got, tc.Want)
			}
		})
	}
}
