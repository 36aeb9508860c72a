package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Channel types.
const (
	ChannelWebhook      = "webhook"
	ChannelSlack        = "slack"
	ChannelDiscord      = "discord"
	ChannelTelegram     = "telegram"
	ChannelPagerDuty    = "pagerduty"
	ChannelEmail        = "email"
	ChannelAlertmanager = "alertmanager"
)

// SMTP transport security modes (Channel.SMTPTLS).
const (
	// SMTPStartTLS upgrades the connection with STARTTLS and refuses a server
	// that does not offer it. The default.
	SMTPStartTLS = "starttls"
	// SMTPImplicitTLS speaks TLS from the first byte (SMTPS, port 465).
	SMTPImplicitTLS = "implicit"
	// SMTPNoTLS sends in clear text; only accepted for a loopback smarthost
	// (a local relay such as postfix or a test server).
	SMTPNoTLS = "none"
)

// Defaults for keys a channel leaves out (list entries decode without
// Default(), so these apply when the value is zero).
const (
	// DefaultChannelTimeout bounds one delivery attempt.
	DefaultChannelTimeout = 10 * time.Second
	// DefaultResolveTimeout is how far ahead of now an Alertmanager channel
	// sets endsAt on a firing alert. It exceeds the longest default repeat
	// interval (24h for info) so Alertmanager does not resolve an alert lpops
	// still sees firing before lpops sends it again.
	DefaultResolveTimeout = 48 * time.Hour
	// DefaultTelegramAPI and DefaultPagerDutyURL are the public endpoints.
	DefaultTelegramAPI  = "https://api.telegram.org"
	DefaultPagerDutyURL = "https://events.pagerduty.com/v2/enqueue"
)

// Channel is one notification channel: where alerts are sent, in which wire
// format (Type), and which severities it receives. One flat struct serves
// every type; Validate rejects a key that does not apply to the type, so a
// token_file on a slack channel is an error, not a silently ignored line.
//
// Secrets (webhook URLs of Slack and Discord, which embed their token; bot
// tokens; routing keys; passwords; HMAC keys) come only from a file, an
// environment variable or a secret store (the *_secret keys), never from
// this file, and are read by the methods
// below when the notifier is built. No error quotes their content.
type Channel struct {
	// Name identifies the channel in logs, metrics and the outbox. Unique.
	Name string `yaml:"name"`
	// Type is webhook | slack | discord | telegram | pagerduty | email | alertmanager.
	Type string `yaml:"type"`
	// Severities routes: the severities this channel receives. Empty: all.
	Severities List `yaml:"severities"`
	// Timeout bounds one delivery attempt. 0: DefaultChannelTimeout.
	Timeout Duration `yaml:"timeout"`

	// URL is where to send: the receiver (webhook), the Alertmanager base
	// URL, the Telegram Bot API base or the PagerDuty events endpoint. Slack
	// and Discord webhook URLs are secrets and only come from URLFile/URLEnv.
	URL       string    `yaml:"url"`
	URLFile   string    `yaml:"url_file"`
	URLEnv    string    `yaml:"url_env"`
	URLSecret SecretRef `yaml:"url_secret"`

	// SecretFile, SecretEnv or SecretSecret (a secret store reference)
	// holds the webhook's HMAC-SHA256 key (optional).
	SecretFile   string    `yaml:"secret_file"`
	SecretEnv    string    `yaml:"secret_env"`
	SecretSecret SecretRef `yaml:"secret_secret"`

	// TokenFile, TokenEnv or TokenSecret holds the Telegram bot token.
	TokenFile   string    `yaml:"token_file"`
	TokenEnv    string    `yaml:"token_env"`
	TokenSecret SecretRef `yaml:"token_secret"`
	// ChatID is the Telegram chat: a number (negative for groups) or
	// @channelusername.
	ChatID string `yaml:"chat_id"`

	// RoutingKeyFile, RoutingKeyEnv or RoutingKeySecret holds the PagerDuty
	// integration key.
	RoutingKeyFile   string    `yaml:"routing_key_file"`
	RoutingKeyEnv    string    `yaml:"routing_key_env"`
	RoutingKeySecret SecretRef `yaml:"routing_key_secret"`

	// ResolveTimeout is how far ahead endsAt is set on a firing alert sent to
	// Alertmanager. 0: DefaultResolveTimeout.
	ResolveTimeout Duration `yaml:"resolve_timeout"`

	// Email over SMTP.
	Smarthost      string    `yaml:"smarthost"` // host:port
	From           string    `yaml:"from"`
	To             List      `yaml:"to"`
	Username       string    `yaml:"username"` // AUTH PLAIN when set
	PasswordFile   string    `yaml:"password_file"`
	PasswordEnv    string    `yaml:"password_env"`
	PasswordSecret SecretRef `yaml:"password_secret"`
	SMTPTLS        string    `yaml:"smtp_tls"` // starttls (default) | implicit | none

	// TLSCAFile is a PEM bundle trusted instead of the system roots (a
	// private CA, a self-signed receiver).
	TLSCAFile string `yaml:"tls_ca_file"`
	// TLSInsecureSkipVerify accepts any server certificate. For tests only:
	// it lets anyone on the path read and forge notifications.
	TLSInsecureSkipVerify bool `yaml:"tls_insecure_skip_verify"`
}

// Severities an alert can have, most severe first.
var channelSeverities = []string{"critical", "warning", "info"}

// Receives reports whether the channel routes alerts of severity.
func (c Channel) Receives(severity string) bool {
	return len(c.Severities.Items) == 0 || slices.Contains(c.Severities.Items, severity)
}

// RequestTimeout is Timeout, or DefaultChannelTimeout when it is not set.
func (c Channel) RequestTimeout() time.Duration {
	if c.Timeout.Duration > 0 {
		return c.Timeout.Duration
	}
	return DefaultChannelTimeout
}

// AlertmanagerResolveTimeout is ResolveTimeout, or DefaultResolveTimeout when
// it is not set.
func (c Channel) AlertmanagerResolveTimeout() time.Duration {
	if c.ResolveTimeout.Duration > 0 {
		return c.ResolveTimeout.Duration
	}
	return DefaultResolveTimeout
}

// TLSMode is SMTPTLS, or SMTPStartTLS when it is not set.
func (c Channel) TLSMode() string {
	if c.SMTPTLS == "" {
		return SMTPStartTLS
	}
	return c.SMTPTLS
}

// TargetURL returns the channel's URL from url, url_file or url_env
// (surrounding whitespace trimmed), or the public default of its type
// (Telegram, PagerDuty) when none is set. A URL read from a file or the
// environment is checked like a literal one, but the error never shows it.
// Errors name the key relative to the channel ("url_file: ...").
func (c Channel) TargetURL() (string, error) {
	var raw, key, src string
	switch {
	case c.URL != "":
		return c.URL, nil
	case c.URLFile != "":
		key, src = "url_file", c.URLFile
		s, err := readSecretFile(key, c.URLFile)
		if err != nil {
			return "", err
		}
		raw = strings.TrimSpace(s)
	case c.URLEnv != "":
		key, src = "url_env", c.URLEnv
		s, err := readSecretEnv(key, c.URLEnv)
		if err != nil {
			return "", err
		}
		raw = strings.TrimSpace(s)
	case c.URLSecret.IsSet():
		key, src = "url_secret", c.URLSecret.Ref
		b, err := c.URLSecret.Value(key)
		if err != nil {
			return "", err
		}
		raw = strings.TrimSpace(string(b))
	case c.Type == ChannelTelegram:
		return DefaultTelegramAPI, nil
	case c.Type == ChannelPagerDuty:
		return DefaultPagerDutyURL, nil
	default:
		return "", errors.New("url: needs one of url, url_file, url_env or url_secret")
	}
	if raw == "" {
		return "", fmt.Errorf("%s: %s is empty", key, src)
	}
	if msg, _ := checkChannelURL(raw); msg != "" {
		return "", fmt.Errorf("%s: the URL in %s %s", key, src, msg)
	}
	return raw, nil
}

// Secret returns the webhook's HMAC key from secret_file or secret_env
// (surrounding whitespace trimmed), or "" when neither is set.
func (c Channel) Secret() (string, error) {
	return c.secret("secret", c.SecretFile, c.SecretEnv, c.SecretSecret, strings.TrimSpace)
}

// Token returns the Telegram bot token from token_file or token_env
// (surrounding whitespace trimmed).
func (c Channel) Token() (string, error) {
	return c.requiredSecret("token", c.TokenFile, c.TokenEnv, c.TokenSecret, strings.TrimSpace)
}

// RoutingKey returns the PagerDuty routing (integration) key from
// routing_key_file or routing_key_env (surrounding whitespace trimmed).
func (c Channel) RoutingKey() (string, error) {
	return c.requiredSecret("routing_key", c.RoutingKeyFile, c.RoutingKeyEnv, c.RoutingKeySecret, strings.TrimSpace)
}

// Password returns the SMTP password from password_file or password_env. One
// trailing newline is stripped; other whitespace is kept, as it may belong to
// the password. "" when neither is set.
func (c Channel) Password() (string, error) {
	return c.secret("password", c.PasswordFile, c.PasswordEnv, c.PasswordSecret,
		func(s string) string { return string(trimNewline([]byte(s))) })
}

func (c Channel) requiredSecret(key, file, env string, ref SecretRef, clean func(string) string) (string, error) {
	if file == "" && env == "" && !ref.IsSet() {
		return "", fmt.Errorf("%s: needs %s_file, %s_env or %s_secret", key, key, key, key)
	}
	return c.secret(key, file, env, ref, clean)
}

// secret reads the secret named key from key_file, key_env or key_secret,
// or returns "" when none is set.
func (Channel) secret(key, file, env string, ref SecretRef, clean func(string) string) (string, error) {
	fileKey, envKey, refKey := key+"_file", key+"_env", key+"_secret"
	var s string
	var err error
	switch {
	case file != "":
		if s, err = readSecretFile(fileKey, file); err != nil {
			return "", err
		}
		if s = clean(s); s == "" {
			return "", fmt.Errorf("%s: %s is empty", fileKey, file)
		}
	case env != "":
		if s, err = readSecretEnv(envKey, env); err != nil {
			return "", err
		}
		if s = clean(s); s == "" {
			return "", fmt.Errorf("%s: environment variable %s is not set or empty", envKey, env)
		}
	case ref.IsSet():
		b, err := ref.Value(refKey)
		if err != nil {
			return "", err
		}
		if s = clean(string(b)); s == "" {
			return "", fmt.Errorf("%s: %s is empty", refKey, ref.Ref)
		}
	}
	return s, nil
}

func readSecretFile(key, path string) (string, error) {
	b, err := ReadSecretFile(key, path) // names the path, not the content
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func readSecretEnv(key, name string) (string, error) {
	s, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%s: environment variable %s is not set or empty", key, name)
	}
	return s, nil
}

// resolvePaths makes the channel's file paths relative to dir, the directory
// of the configuration file. Load calls it for every channel.
func (c *Channel) resolvePaths(dir string) {
	for _, p := range []*string{&c.URLFile, &c.SecretFile, &c.TokenFile, &c.RoutingKeyFile, &c.PasswordFile, &c.TLSCAFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// channelKeys lists, per type, the keys that apply to it besides the common
// ones (name, type, severities, timeout and the TLS keys).
var channelKeys = map[string][]string{
	ChannelWebhook:      {"url", "url_file", "url_env", "url_secret", "secret_file", "secret_env", "secret_secret"},
	ChannelSlack:        {"url_file", "url_env", "url_secret"},
	ChannelDiscord:      {"url_file", "url_env", "url_secret"},
	ChannelTelegram:     {"url", "token_file", "token_env", "token_secret", "chat_id"},
	ChannelPagerDuty:    {"url", "routing_key_file", "routing_key_env", "routing_key_secret"},
	ChannelEmail:        {"smarthost", "from", "to", "username", "password_file", "password_env", "password_secret", "smtp_tls"},
	ChannelAlertmanager: {"url", "url_file", "url_env", "url_secret", "resolve_timeout"},
}

var commonChannelKeys = []string{"name", "type", "severities", "timeout", "tls_ca_file", "tls_insecure_skip_verify"}

// channelTypeNames is the type list as errors show it.
const channelTypeNames = "webhook, slack, discord, telegram, pagerduty, email or alertmanager"

// channels validates alerts.channels: names, types, the keys each type needs
// and accepts, routes, URLs and secret sources.
func (v *validator) channels(chs []Channel) {
	names := map[string]int{}
	for i, c := range chs {
		p := fmt.Sprintf("alerts.channels[%d]", i)
		switch {
		case c.Name == "":
			v.add(p+".name", "", "is required")
		case !validChannelName(c.Name):
			v.add(p+".name", c.Name, "must be letters, digits, '.', '-' or '_'")
		default:
			if j, dup := names[c.Name]; dup {
				v.add(p+".name", c.Name, fmt.Sprintf("is already the name of alerts.channels[%d]; give each channel a distinct name", j))
			} else {
				names[c.Name] = i
			}
		}
		keys, known := channelKeys[c.Type]
		if !known {
			if c.Type == "" {
				v.add(p+".type", "", "is required: "+channelTypeNames)
			} else {
				v.add(p+".type", c.Type, "must be "+channelTypeNames)
			}
		}
		for j, s := range c.Severities.Items {
			v.oneOf(fmt.Sprintf("%s.severities[%d]", p, j), s, channelSeverities...)
		}
		if c.Timeout.Duration < 0 {
			v.add(p+".timeout", c.Timeout.String(), "must not be negative (0 means the default, 10s)")
		}
		if c.TLSCAFile != "" && c.TLSInsecureSkipVerify {
			v.add(p, "", "sets both tls_ca_file and tls_insecure_skip_verify; set only one")
		}
		if !known {
			continue
		}
		v.channelKeys(p, c, keys)
		v.channelType(p, c)
		for _, e := range []source{{"url_env", c.URLEnv}, {"secret_env", c.SecretEnv}, {"token_env", c.TokenEnv},
			{"routing_key_env", c.RoutingKeyEnv}, {"password_env", c.PasswordEnv}} {
			if e.val != "" && slices.Contains(keys, e.key) {
				v.envName(p+"."+e.key, e.val)
			}
		}
	}
}

// channelKeys reports every key set on c that its type does not use.
func (v *validator) channelKeys(p string, c Channel, keys []string) {
	allowed := map[string]bool{}
	for _, k := range append(keys, commonChannelKeys...) {
		allowed[k] = true
	}
	rv := reflect.ValueOf(c)
	for i := range rv.NumField() {
		key := yamlKey(rv.Type().Field(i))
		if allowed[key] || rv.Field(i).IsZero() {
			continue
		}
		if ref, ok := rv.Field(i).Interface().(SecretRef); ok && !ref.IsSet() {
			continue
		}
		if key == "url" && (c.Type == ChannelSlack || c.Type == ChannelDiscord) {
			v.add(p+".url", "", fmt.Sprintf("a %s webhook URL holds its token, so it is not accepted here; use url_file, url_env or url_secret", channelTitle(c.Type)))
			continue
		}
		v.add(p+"."+key, "", "does not apply to type "+c.Type)
	}
}

func (v *validator) channelType(p string, c Channel) {
	switch c.Type {
	case ChannelWebhook:
		v.exactlyOne(p, true, source{"url", c.URL}, source{"url_file", c.URLFile}, source{"url_env", c.URLEnv}, source{"url_secret", c.URLSecret.Ref})
		v.channelURL(p, c)
		v.exactlyOne(p, false, source{"secret_file", c.SecretFile}, source{"secret_env", c.SecretEnv}, source{"secret_secret", c.SecretSecret.Ref})
	case ChannelAlertmanager:
		v.exactlyOne(p, true, source{"url", c.URL}, source{"url_file", c.URLFile}, source{"url_env", c.URLEnv}, source{"url_secret", c.URLSecret.Ref})
		v.channelURL(p, c)
		if c.ResolveTimeout.Duration < 0 {
			v.add(p+".resolve_timeout", c.ResolveTimeout.String(), "must not be negative (0 means the default, 48h)")
		}
	case ChannelSlack, ChannelDiscord:
		if c.URL == "" { // a literal url is already reported
			v.exactlyOne(p, true, source{"url_file", c.URLFile}, source{"url_env", c.URLEnv}, source{"url_secret", c.URLSecret.Ref})
		}
	case ChannelTelegram:
		v.channelURL(p, c)
		v.exactlyOne(p, true, source{"token_file", c.TokenFile}, source{"token_env", c.TokenEnv}, source{"token_secret", c.TokenSecret.Ref})
		switch {
		case c.ChatID == "":
			v.add(p+".chat_id", "", "is required: the chat's numeric id or @channelusername")
		case !validChatID(c.ChatID):
			v.add(p+".chat_id", c.ChatID, "must be a numeric chat id (negative for groups) or @channelusername")
		}
	case ChannelPagerDuty:
		v.channelURL(p, c)
		v.exactlyOne(p, true, source{"routing_key_file", c.RoutingKeyFile}, source{"routing_key_env", c.RoutingKeyEnv}, source{"routing_key_secret", c.RoutingKeySecret.Ref})
	case ChannelEmail:
		v.email(p, c)
	}
}

// email checks an email channel's SMTP settings.
func (v *validator) email(p string, c Channel) {
	host := ""
	if c.Smarthost == "" {
		v.add(p+".smarthost", "", "is required: host:port of the SMTP server, such as smtp.example.com:587")
	} else if h, port, err := net.SplitHostPort(c.Smarthost); err != nil || h == "" || !validPort(port) {
		v.add(p+".smarthost", c.Smarthost, "must be host:port, such as smtp.example.com:587")
	} else {
		host = h
	}
	if c.From == "" {
		v.add(p+".from", "", "is required: the sender address")
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		v.add(p+".from", c.From, "must be an email address, such as lpops@example.com or \"lpops\" <lpops@example.com>")
	}
	if len(c.To.Items) == 0 {
		v.add(p+".to", "", "needs at least one recipient address")
	}
	for j, to := range c.To.Items {
		if _, err := mail.ParseAddress(to); err != nil {
			v.add(fmt.Sprintf("%s.to[%d]", p, j), to, "must be an email address")
		}
	}
	if c.Username != "" {
		v.exactlyOne(p, true, source{"password_file", c.PasswordFile}, source{"password_env", c.PasswordEnv}, source{"password_secret", c.PasswordSecret.Ref})
	} else if c.PasswordFile != "" || c.PasswordEnv != "" || c.PasswordSecret.IsSet() {
		v.add(p+".username", "", "is required when a password is set (AUTH PLAIN needs both)")
	}
	switch c.SMTPTLS {
	case "", SMTPStartTLS, SMTPImplicitTLS:
	case SMTPNoTLS:
		if host != "" && !isLoopback(host) {
			v.add(p+".smtp_tls", c.SMTPTLS, "clear text is only accepted for a loopback smarthost (localhost, 127.0.0.1, ::1); use starttls or implicit")
		}
	default:
		v.add(p+".smtp_tls", c.SMTPTLS, "must be starttls, implicit or none")
	}
}

// channelURL checks a literal url.
func (v *validator) channelURL(p string, c Channel) {
	if c.URL != "" {
		if msg, shown := checkChannelURL(c.URL); msg != "" {
			v.add(p+".url", shown, msg)
		}
	}
}

type source struct{ key, val string }

// exactlyOne reports a channel that sets more than one of srcs, or none of
// them when one is required.
func (v *validator) exactlyOne(p string, required bool, srcs ...source) {
	var set, all []string
	for _, s := range srcs {
		all = append(all, s.key)
		if s.val != "" {
			set = append(set, s.key)
		}
	}
	list := strings.Join(all[:len(all)-1], ", ") + " or " + all[len(all)-1]
	switch {
	case len(set) == 0 && required:
		v.add(p, "", "needs one of "+list)
	case len(set) > 1:
		v.add(p, "", fmt.Sprintf("sets %s; set only one of %s", strings.Join(set, " and "), list))
	}
}

// checkChannelURL returns what is wrong with a channel URL (empty when
// nothing is) and the part that is safe to show, scheme://host[:port]: the
// path and query may hold a token.
func checkChannelURL(raw string) (msg, shown string) {
	const want = "must be an http or https URL"
	u, err := url.Parse(raw)
	if err != nil {
		return want, "" // url's error quotes the whole URL
	}
	if u.Host != "" {
		shown = u.Scheme + "://" + u.Host
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return want, shown
	}
	if u.Host == "" {
		return "has no host", u.Scheme + ":"
	}
	if u.User != nil {
		return "must not hold a user or password; they would show wherever the URL is logged", shown
	}
	return "", shown
}

func validChannelName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// validChatID accepts what sendMessage's chat_id accepts: an integer, or
// @username of a channel (5 to 32 letters, digits and underscores).
func validChatID(s string) bool {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		return len(name) >= 5 && len(name) <= 32 && validChannelName(name) && !strings.ContainsAny(name, ".-")
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func validPort(s string) bool {
	n, err := strconv.ParseUint(s, 10, 16)
	return err == nil && n > 0
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func channelTitle(typ string) string {
	switch typ {
	case ChannelSlack:
		return "Slack"
	case ChannelDiscord:
		return "Discord"
	}
	return typ
}

// List is a YAML list of strings (a single string is a list of one). It is a
// struct rather than a []string so that the key tooling (strict key checks,
// the example's documentation test) treats it as one value: its items have
// no keys of their own.
type List struct{ Items []string }

var (
	_ yaml.Unmarshaler = (*List)(nil)
	_ yaml.Marshaler   = List{}
)

var errListSyntax = errors.New("must be a list of strings, such as [a, b]")

// UnmarshalYAML decodes a sequence of scalars, or one scalar.
func (l *List) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		l.Items = []string{n.Value}
	case yaml.SequenceNode:
		items := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return errListSyntax
			}
			items = append(items, c.Value)
		}
		l.Items = items
	default:
		return errListSyntax
	}
	return nil
}

// MarshalYAML encodes the list as a YAML sequence.
func (l List) MarshalYAML() (any, error) { return l.Items, nil }
