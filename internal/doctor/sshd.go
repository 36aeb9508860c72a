package doctor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// sshdSetting is one keyword's value and where it came from.
type sshdSetting struct {
	Value string
	// Where is "file:line", or "sshd -T", or "default".
	Where string
}

// sshdConfig is sshd's effective global configuration, plus what Match
// blocks override for some connections.
type sshdConfig struct {
	Global map[string]sshdSetting
	// Match holds settings made inside Match blocks, keyed like Global; a
	// Match block can re-enable what the global section turns off.
	Match map[string][]sshdSetting
}

// sshdDefaults are OpenSSH's compiled-in defaults of the keywords doctor
// reads (sshd_config(5)).
var sshdDefaults = map[string]string{
	"permitrootlogin":                 "prohibit-password",
	"passwordauthentication":          "yes",
	"kbdinteractiveauthentication":    "yes",
	"challengeresponseauthentication": "yes",
	"usepam":                          "no",
}

func (c sshdConfig) get(key string) sshdSetting {
	if s, ok := c.Global[key]; ok {
		return s
	}
	if key == "kbdinteractiveauthentication" {
		// The deprecated alias, as older configurations spell it.
		if s, ok := c.Global["challengeresponseauthentication"]; ok {
			return s
		}
	}
	return sshdSetting{Value: sshdDefaults[key], Where: "default"}
}

// parseSSHDTest reads `sshd -T`: one "keyword value" per line, keywords in
// lower case, every setting resolved.
func parseSSHDTest(out []byte) sshdConfig {
	c := sshdConfig{Global: map[string]sshdSetting{}, Match: map[string][]sshdSetting{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if k == "" {
			continue
		}
		c.Global[strings.ToLower(k)] = sshdSetting{Value: strings.ToLower(strings.TrimSpace(v)), Where: "sshd -T"}
	}
	return c
}

// maxIncludeDepth bounds Include recursion (sshd's own limit is 16).
const maxIncludeDepth = 16

// parseSSHDConfig reads sshd_config as sshd does for the global section:
// keywords are case-insensitive, "Keyword value" or "Keyword=value"; the
// first value of a keyword wins; Include expands globs (relative ones
// against the main file's directory, as sshd resolves them against
// /etc/ssh) in lexical order, in place; lines after a Match apply only to
// some connections, until the next Match or the end of the file.
func parseSSHDConfig(path string) (sshdConfig, error) {
	c := sshdConfig{Global: map[string]sshdSetting{}, Match: map[string][]sshdSetting{}}
	err := c.parseFile(path, filepath.Dir(path), false, 0)
	return c, err
}

func (c *sshdConfig) parseFile(path, baseDir string, inMatch bool, depth int) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("%s: Include nested more than %d deep", path, maxIncludeDepth)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value := splitSSHDLine(line)
		where := fmt.Sprintf("%s:%d", path, n)
		switch key {
		case "match":
			// Even "Match all" only overrides for connections, after the
			// global section: it is a Match block like any other.
			inMatch = true
			continue
		case "include":
			for _, pattern := range strings.Fields(value) {
				if !filepath.IsAbs(pattern) {
					pattern = filepath.Join(baseDir, pattern)
				}
				files, err := filepath.Glob(pattern)
				if err != nil {
					return fmt.Errorf("%s: Include %s: %w", where, pattern, err)
				}
				for _, f := range files {
					if err := c.parseFile(f, baseDir, inMatch, depth+1); err != nil {
						return err
					}
				}
			}
			continue
		}
		s := sshdSetting{Value: strings.ToLower(value), Where: where}
		if inMatch {
			c.Match[key] = append(c.Match[key], s)
			continue
		}
		if _, set := c.Global[key]; !set {
			c.Global[key] = s
		}
	}
	return sc.Err()
}

// splitSSHDLine splits "Keyword value", "Keyword=value" or "Keyword = value"
// into the lower-cased keyword and the value, quotes removed.
func splitSSHDLine(line string) (string, string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	key := strings.ToLower(line[:i])
	rest := strings.TrimSpace(line[i:])
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "="))
	if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
		rest = rest[1 : len(rest)-1]
	}
	return key, rest
}

// checkSSHD reads sshd's effective settings (`sshd -T`, which needs root,
// else its configuration files) and checks that root cannot log in and that
// passwords are not accepted.
func (d *Doctor) checkSSHD(ctx context.Context, _ *runEnv) []Finding {
	var c sshdConfig
	source := "sshd -T"
	out, err := d.sys.Run(ctx, "sshd", "-T")
	if err == nil {
		c = parseSSHDTest(out)
	} else {
		note := ""
		if !errors.Is(err, ErrNotInstalled) {
			note = " (sshd -T: " + shortErr(err) + ")"
		}
		var perr error
		c, perr = parseSSHDConfig(d.sys.SSHDConfig)
		switch {
		case errors.Is(perr, fs.ErrNotExist) && errors.Is(err, ErrNotInstalled):
			ev := "sshd is not installed (no sshd program, no " + d.sys.SSHDConfig + ")"
			return []Finding{
				{Check: CheckSSHRootLogin, Status: Skip, Evidence: ev},
				{Check: CheckSSHPassword, Status: Skip, Evidence: ev},
			}
		case perr != nil:
			ev := "cannot read sshd's configuration: " + shortErr(perr) + note
			fix := d.unreadableFix("check " + d.sys.SSHDConfig + " and the files it includes")
			return []Finding{
				{Check: CheckSSHRootLogin, Status: Warn, Evidence: ev, Fix: fix},
				{Check: CheckSSHPassword, Status: Warn, Evidence: ev, Fix: fix},
			}
		}
		source = d.sys.SSHDConfig + note
	}
	return sshdFindings(c, source, filepath.Dir(d.sys.SSHDConfig))
}

// sshdFindings judges sshd's settings. source says where they were read.
func sshdFindings(c sshdConfig, source, dir string) []Finding {
	dropIn := filepath.Join(dir, "sshd_config.d", "00-lpops.conf")
	fix := func(setting string) string {
		return fmt.Sprintf("put %q in %s (sshd keeps the first value it reads; the main file includes sshd_config.d/*.conf first on Ubuntu), then: sshd -t && systemctl reload ssh",
			setting, dropIn)
	}
	shown := func(name string, s sshdSetting) string {
		return fmt.Sprintf("%s %s (%s; from %s)", name, s.Value, s.Where, source)
	}

	root := c.get("permitrootlogin")
	rf := Finding{Check: CheckSSHRootLogin, Evidence: shown("PermitRootLogin", root)}
	switch root.Value {
	case "no":
		rf.Status = Pass
	case "prohibit-password", "without-password", "forced-commands-only":
		rf.Status, rf.Fix = Warn, fix("PermitRootLogin no")
		rf.Evidence += ": root may still log in with a key"
	default:
		rf.Status, rf.Fix = Fail, fix("PermitRootLogin no")
		rf.Evidence += ": root may log in"
	}
	if rf.Status == Pass {
		for _, m := range c.Match["permitrootlogin"] {
			if m.Value != "no" {
				rf.Status, rf.Fix = Warn, "remove PermitRootLogin from the Match block at "+m.Where
				rf.Evidence += fmt.Sprintf("; but a Match block at %s sets PermitRootLogin %s for some connections", m.Where, m.Value)
				break
			}
		}
	}

	pw := c.get("passwordauthentication")
	pf := Finding{Check: CheckSSHPassword, Evidence: shown("PasswordAuthentication", pw)}
	switch pw.Value {
	case "no":
		pf.Status = Pass
		kbd, pam := c.get("kbdinteractiveauthentication"), c.get("usepam")
		if kbd.Value == "yes" && pam.Value == "yes" {
			pf.Status, pf.Fix = Warn, fix("KbdInteractiveAuthentication no")
			pf.Evidence += fmt.Sprintf("; but KbdInteractiveAuthentication yes (%s) with UsePAM yes (%s) lets PAM ask for a password", kbd.Where, pam.Where)
		}
		for _, m := range c.Match["passwordauthentication"] {
			if pf.Status == Pass && m.Value != "no" {
				pf.Status, pf.Fix = Warn, "remove PasswordAuthentication from the Match block at "+m.Where
				pf.Evidence += fmt.Sprintf("; but a Match block at %s sets PasswordAuthentication %s for some connections", m.Where, m.Value)
			}
		}
	default:
		pf.Status, pf.Fix = Fail, fix("PasswordAuthentication no")
		pf.Evidence += ": passwords can be guessed over the network"
	}
	return []Finding{rf, pf}
}
