package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// maxFeeCapGwei bounds every fee cap. It is far above any sane gas price on
// Arbitrum or L1 and exists to catch a unit mistake (wei or ETH written where
// gwei is meant) before it can drain the signer.
const maxFeeCapGwei = 10000

// Validate checks every setting and returns all problems at once, joined in
// the order the keys appear in Config, as *ValidationError values. It does
// not touch the file system or the environment: EndpointURLs and
// Signer.Passphrase resolve secrets when they are needed.
func (c *Config) Validate() error {
	v := &validator{}
	v.network(c)
	v.rpc(c.RPC)
	v.chain(c.Chain)
	v.orchestrators(c)
	v.node(c.Node)
	v.signer(c)
	v.reward(c.Reward)
	v.fee("initialize_round.max_fee_gwei", c.InitializeRound.MaxFeeGwei)
	if c.StateDir == "" {
		v.add("state_dir", "", "is required")
	}
	v.listen(c.Listen)
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "json", "text")
	v.probes(c.Probes)
	v.alerts(c.Alerts)
	v.api(c.API, c.Listen)
	v.host(c.Host)
	v.chainNode(c)
	v.remediation(c.Remediation)
	v.remediationEndpoints(c.Remediation, c.RPC)
	v.backup(c.Backup)
	v.secretsSection(c)
	v.ha(c.HA)
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) add(field, value, msg string) {
	v.errs = append(v.errs, &ValidationError{Field: field, Value: value, Msg: msg})
}

func (v *validator) network(c *Config) {
	p, preset := presets[c.Network]
	switch {
	case preset:
		if c.ChainID != p.ChainID {
			v.add("chain_id", strconv.FormatUint(c.ChainID, 10),
				fmt.Sprintf("must be %d for network %s, or left out", p.ChainID, c.Network))
		}
		if c.Controller == "" || v.address("controller", c.Controller) && !strings.EqualFold(c.Controller, p.Controller) {
			v.add("controller", c.Controller,
				fmt.Sprintf("must be %s for network %s, or left out", p.Controller, c.Network))
		}
	case c.Network == NetworkCustom:
		if c.ChainID == 0 {
			v.add("chain_id", "", "is required for network custom")
		}
		if c.Controller == "" {
			v.add("controller", "", "is required for network custom")
		} else {
			v.address("controller", c.Controller)
		}
	default:
		v.add("network", c.Network,
			fmt.Sprintf("must be %s, %s or %s", NetworkArbitrumOne, NetworkMainnet, NetworkCustom))
		if c.Controller != "" {
			v.address("controller", c.Controller)
		}
	}
}

func (v *validator) requiredAddress(field, s string) {
	if s == "" {
		v.add(field, "", "is required")
		return
	}
	v.address(field, s)
}

// address checks that s is a usable account or contract address and reports
// whether it is.
func (v *validator) address(field, s string) bool {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") || !isHex(s[2:]) {
		v.add(field, s, "must be 0x followed by 40 hex digits")
		return false
	}
	if strings.Trim(s[2:], "0") == "" {
		v.add(field, s, "must not be the zero address")
		return false
	}
	// An all-lower or all-upper address carries no checksum; a mixed-case
	// one does (EIP-55), and a mismatch is almost always a typo.
	hex := s[2:]
	if hex != strings.ToLower(hex) && hex != strings.ToUpper(hex) && common.HexToAddress(s).Hex() != s {
		v.add(field, s, "fails its EIP-55 mixed-case checksum; check it for a typo")
		return false
	}
	return true
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

func (v *validator) rpc(eps []Endpoint) {
	if len(eps) == 0 {
		v.add("rpc", "", "needs at least one endpoint")
		return
	}
	names := map[string]int{}
	for i, e := range eps {
		p := fmt.Sprintf("rpc[%d]", i)
		var set []string
		for _, s := range []struct{ key, val string }{{"url", e.URL}, {"url_file", e.URLFile}, {"url_env", e.URLEnv}, {"url_secret", e.URLSecret.Ref}} {
			if s.val != "" {
				set = append(set, s.key)
			}
		}
		switch {
		case len(set) == 0:
			v.add(p, "", "needs one of url, url_file, url_env or url_secret")
		case len(set) > 1:
			v.add(p, "", fmt.Sprintf("sets %s; set exactly one of url, url_file, url_env or url_secret", strings.Join(set, " and ")))
		case e.URL != "":
			if msg, shown := checkEndpointURL(e.URL); msg != "" {
				v.add(p+".url", shown, msg)
				if e.Name == e.defaultName() {
					continue // its name comes from the bad URL: not a second problem
				}
			}
		case e.URLEnv != "":
			v.envName(p+".url_env", e.URLEnv)
		}
		name := e.Name
		if name == "" {
			name = e.defaultName()
		}
		if name == "" {
			continue // the URL is invalid and already reported
		}
		if j, dup := names[name]; dup {
			v.add(p+".name", name, fmt.Sprintf("is already the name of rpc[%d]; give each endpoint a distinct name", j))
			continue
		}
		names[name] = i
	}
}

// endpointSchemes are the URL schemes go-ethereum's rpc.Dial speaks.
var endpointSchemes = map[string]bool{"http": true, "https": true, "ws": true, "wss": true}

// checkEndpointURL returns what is wrong with an endpoint URL (empty when
// nothing is) and the part of it that is safe to show: provider URLs carry
// API keys in their path, query or user info, so only scheme://host[:port]
// ever appears in an error.
func checkEndpointURL(raw string) (msg, shown string) {
	if filepath.IsAbs(raw) {
		return "", "" // IPC socket
	}
	const want = "must be an http, https, ws or wss URL, or the absolute path of an IPC socket"
	u, err := url.Parse(raw)
	if err != nil {
		return want, "" // url's error quotes the whole URL: not safe to show
	}
	if u.Host != "" {
		shown = u.Scheme + "://" + u.Host
	}
	if !endpointSchemes[u.Scheme] {
		return want, shown
	}
	if u.Host == "" {
		return "has no host", u.Scheme + ":"
	}
	return "", shown
}

// defaultName names an endpoint by what identifies it without revealing a
// secret: scheme://host[:port] of its URL, the base name of its IPC socket or
// URL file, or the environment variable holding its URL. It returns "" for a
// URL that does not parse.
func (e Endpoint) defaultName() string {
	switch {
	case e.URL != "" && filepath.IsAbs(e.URL):
		return "ipc:" + filepath.Base(e.URL)
	case e.URL != "":
		u, err := url.Parse(e.URL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return ""
		}
		return u.Scheme + "://" + u.Host
	case e.URLFile != "":
		return "file:" + filepath.Base(e.URLFile)
	case e.URLEnv != "":
		return "env:" + e.URLEnv
	case e.URLSecret.IsSet():
		return e.URLSecret.Ref
	}
	return ""
}

func (v *validator) envName(field, name string) {
	for i, r := range name {
		if !(r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || i > 0 && '0' <= r && r <= '9') {
			v.add(field, name, "must be an environment variable name: letters, digits and _, not starting with a digit")
			return
		}
	}
}

func (v *validator) chain(ch Chain) {
	// Each comparison runs only when both sides are valid on their own: one
	// bad value is one error, not one more for every key compared with it.
	pollOK := v.positive("chain.poll_interval", ch.PollInterval)
	if v.positive("chain.active_poll_interval", ch.ActivePollInterval) && pollOK && ch.ActivePollInterval.Duration > ch.PollInterval.Duration {
		v.add("chain.active_poll_interval", ch.ActivePollInterval.String(),
			fmt.Sprintf("must not be longer than chain.poll_interval (%s)", ch.PollInterval))
	}
	v.positive("chain.request_timeout", ch.RequestTimeout)
	v.positive("chain.health_interval", ch.HealthInterval)
	if ch.MaxHeadAge.Duration < 0 {
		v.add("chain.max_head_age", ch.MaxHeadAge.String(), "must not be negative (0 disables the check)")
	}
	if ch.MaxErrorRate < 0 || ch.MaxErrorRate > 1 {
		v.add("chain.max_error_rate", strconv.FormatFloat(ch.MaxErrorRate, 'g', -1, 64), "must be between 0 and 1 (0 disables the check)")
	}
}

// positive reports a duration that is not more than zero, and whether it is.
func (v *validator) positive(field string, d Duration) bool {
	if d.Duration <= 0 {
		v.add(field, d.String(), "must be more than 0")
		return false
	}
	return true
}

func (v *validator) node(n Node) {
	if n.CLIURL != "" {
		u, err := url.Parse(n.CLIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add("node.cli_url", n.CLIURL, "must be an http or https URL, such as http://127.0.0.1:7935")
		}
	}
	v.positive("node.timeout", n.Timeout)
	v.nodeTranscoders(n)
}

func (v *validator) signer(c *Config) {
	if c.topSignerUsed() || c.Signer.Configured() {
		v.signerAt("signer", c.Signer, c)
	}
}

// signerAt validates the signer s found at key path p (signer, or an
// orchestrators[i].signer).
func (v *validator) signerAt(p string, s Signer, c *Config) {
	v.oneOf(p+".kind", s.Kind, SignerKindKeystore, SignerKindAWSKMS, SignerKindClef)
	if s.Kind != SignerKindKeystore {
		for _, f := range []struct{ key, val string }{
			{p + ".keystore", s.Keystore}, {p + ".passphrase_file", s.PassphraseFile}, {p + ".passphrase_env", s.PassphraseEnv},
		} {
			if f.val != "" {
				v.add(f.key, f.val, fmt.Sprintf("is for "+p+".kind keystore, not %s", s.Kind))
			}
		}
		if s.PassphraseSecret.IsSet() {
			v.add(p+".passphrase_secret", "", fmt.Sprintf("is for "+p+".kind keystore, not %s", s.Kind))
		}
	}
	switch s.Kind {
	case SignerKindAWSKMS:
		if s.KMS.KeyID == "" {
			v.add(p+".kms.key_id", "", "is required when "+p+".kind is aws-kms (a key id, key ARN or alias/NAME)")
		}
		if s.KMS.Endpoint != "" {
			if u, err := url.Parse(s.KMS.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				v.add(p+".kms.endpoint", s.KMS.Endpoint, "must be an http or https URL, such as https://kms.us-east-1.amazonaws.com")
			}
		}
		v.positive(p+".kms.timeout", s.KMS.Timeout)
	case SignerKindClef:
		switch e := s.Clef.Endpoint; {
		case e == "":
			v.add(p+".clef.endpoint", "", "is required when "+p+".kind is clef (clef's IPC socket path or http URL)")
		case strings.HasPrefix(e, "http://") || strings.HasPrefix(e, "https://"):
			if u, err := url.Parse(e); err != nil || u.Host == "" {
				v.add(p+".clef.endpoint", e, "must be an http(s) URL with a host, or an absolute IPC socket path")
			}
		case !filepath.IsAbs(e):
			v.add(p+".clef.endpoint", e, "must be an absolute IPC socket path (such as /run/clef/clef.ipc) or an http(s) URL")
		}
		v.requiredAddress(p+".clef.address", s.Clef.Address)
		if s.Clef.BondingManager != "" {
			v.address(p+".clef.bonding_manager", s.Clef.BondingManager)
		}
		if s.Clef.RoundsManager != "" {
			v.address(p+".clef.rounds_manager", s.Clef.RoundsManager)
		}
		if s.Clef.MaxGas == 0 {
			v.add(p+".clef.max_gas", "0", "must be positive")
		}
		v.positive(p+".clef.timeout", s.Clef.Timeout)
	}
	if s.Kind == SignerKindKeystore && s.Keystore == "" {
		switch {
		case c.Reward.Mode == RewardModeAct:
			v.add(p+".keystore", "", "is required when reward.mode is act")
		case c.InitializeRound.Enabled:
			v.add(p+".keystore", "", "is required when initialize_round.enabled is true")
		}
	}
	if s.Kind == SignerKindKeystore && s.Keystore != "" {
		if s.PassphraseFile == "" && s.PassphraseEnv == "" && !s.PassphraseSecret.IsSet() {
			v.add(p, "", "needs passphrase_file, passphrase_env or passphrase_secret to unlock the keystore")
		}
		v.oneSecretSource(p, "a passphrase", false, secretSource{"passphrase_file", s.PassphraseFile != ""},
			secretSource{"passphrase_env", s.PassphraseEnv != ""}, secretSource{"passphrase_secret", s.PassphraseSecret.IsSet()})
	}
	if s.PassphraseEnv != "" {
		v.envName(p+".passphrase_env", s.PassphraseEnv)
	}
}

func (v *validator) reward(r Reward) {
	v.oneOf("reward.mode", r.Mode, RewardModeAct, RewardModeObserve)
	feeOK := v.fee("reward.max_fee_gwei", r.MaxFeeGwei)
	switch p := r.MaxPriorityFeeGwei; {
	case math.IsNaN(p) || math.IsInf(p, 0):
		v.add("reward.max_priority_fee_gwei", formatFloat(p), "must be a finite number")
	case p < 0:
		v.add("reward.max_priority_fee_gwei", formatFloat(p), "must not be negative (0 means no cap beyond reward.max_fee_gwei)")
	case feeOK && p > r.MaxFeeGwei:
		v.add("reward.max_priority_fee_gwei", formatFloat(p),
			fmt.Sprintf("must not exceed reward.max_fee_gwei (%s)", formatFloat(r.MaxFeeGwei)))
	}
	v.positive("reward.stuck_after", r.StuckAfter)
}

// fee checks a fee cap in gwei and reports whether it is good.
func (v *validator) fee(field string, gwei float64) bool {
	switch {
	case math.IsNaN(gwei) || math.IsInf(gwei, 0):
		v.add(field, formatFloat(gwei), "must be a finite number")
	case gwei <= 0:
		v.add(field, formatFloat(gwei), "must be more than 0")
	case gwei > maxFeeCapGwei:
		v.add(field, formatFloat(gwei), fmt.Sprintf("must be at most %d gwei", maxFeeCapGwei))
	default:
		return true
	}
	return false
}

func (v *validator) listen(addr string) { v.listenAddr("listen", addr) }

// listenAddr checks a listen address (port 0: any) and reports whether it
// is good.
func (v *validator) listenAddr(field, addr string) bool {
	const msg = "must be host:port with a numeric port, such as 127.0.0.1:7940"
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.add(field, addr, msg)
		return false
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		v.add(field, addr, msg)
		return false
	}
	return true
}

func (v *validator) oneOf(field, val string, allowed ...string) {
	for _, a := range allowed {
		if val == a {
			return
		}
	}
	msg := "must be " + allowed[0]
	if n := len(allowed); n > 1 {
		msg = "must be " + strings.Join(allowed[:n-1], ", ") + " or " + allowed[n-1]
	}
	v.add(field, val, msg)
}

// formatFloat prints a float as the user would have written it.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
