package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// secret is a passphrase read for the scan. Its value is never written
// anywhere; source is the configuration key it came from.
type secret struct {
	source string
	value  []byte
	// env is the variable signer.passphrase_env names, when the secret came
	// from there: lpops holding it in its environment is by design.
	env string
}

// minSubstring is the shortest secret searched for inside longer strings;
// a shorter one is matched only as a whole argument or value, or it would
// be "found" everywhere.
const minSubstring = 6

// readSecrets reads the passphrases the configuration names, preferring the
// credential's source on the host to lpops' /run copy. notes say what could
// not be read; incomplete is set when that leaves the scan blind to a
// passphrase that exists.
func (d *Doctor) readSecrets(env *runEnv) (out []secret, notes []string, incomplete bool) {
	readFile := func(key string, paths ...string) {
		var lastErr error
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err == nil {
				v := trimNewline(b)
				if len(v) > 0 {
					env.addSecret(v)
					out = append(out, secret{source: key, value: v})
				}
				return
			}
			lastErr = err
		}
		notes = append(notes, key+": "+shortErr(lastErr))
		if !errors.Is(lastErr, fs.ErrNotExist) {
			incomplete = true
		}
	}
	s := d.cfg.Signer
	switch {
	case s.PassphraseFile != "":
		if src, cred := d.credentialSource(s.PassphraseFile); cred {
			readFile("signer.passphrase_file", src, s.PassphraseFile)
		} else {
			readFile("signer.passphrase_file", s.PassphraseFile)
		}
	case s.PassphraseEnv != "":
		if v := trimNewline([]byte(os.Getenv(s.PassphraseEnv))); len(v) > 0 {
			env.addSecret(v)
			out = append(out, secret{source: "signer.passphrase_env", value: v, env: s.PassphraseEnv})
		} else {
			notes = append(notes, fmt.Sprintf("signer.passphrase_env: %s is not set in doctor's environment", s.PassphraseEnv))
			incomplete = true
		}
	case s.PassphraseSecret.IsSet():
		// From a secret store: read it as lpops does, to look for copies
		// of it on the host.
		if v, err := s.Passphrase(); err == nil {
			env.addSecret(v)
			out = append(out, secret{source: "signer.passphrase_secret", value: v})
		} else {
			notes = append(notes, shortErr(err))
			incomplete = true
		}
	}
	if p := d.cfg.Host.Node.PassphraseCredential; p != "" {
		readFile("host.node.passphrase_credential", p)
	}
	return out, notes, incomplete
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// holds reports whether s shows the secret.
func holds(s string, sec []byte) bool {
	if len(sec) == 0 {
		return false
	}
	if len(sec) >= minSubstring {
		return strings.Contains(s, string(sec))
	}
	return s == string(sec) || strings.HasSuffix(s, "="+string(sec))
}

// ethPasswordArg returns the value given to go-livepeer's -ethPassword
// (-ethPassword X, -ethPassword=X, with one or two dashes).
func ethPasswordArg(argv []string) (string, bool) { return flagArg(argv, "ethPassword") }

// flagArg returns the value given to go-livepeer's flag -name (-name X,
// -name=X, with one or two dashes). -orchSecret, like -ethPassword, takes
// the secret itself or a file holding it.
func flagArg(argv []string, flag string) (string, bool) {
	for i, a := range argv {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !strings.EqualFold(name, flag) {
			continue
		}
		if hasValue {
			return value, true
		}
		if i+1 < len(argv) {
			return argv[i+1], true
		}
	}
	return "", false
}

// literalPassword reports whether a -ethPassword (or LP_ETHPASSWORD) value
// is the passphrase itself rather than a file: go-livepeer reads a file when
// one exists at that path and takes the value as the passphrase otherwise.
func (d *Doctor) literalPassword(p process, v string) bool {
	if v == "" || strings.Contains(v, "/") || strings.HasPrefix(v, "$") {
		return false
	}
	// A relative name is resolved against the process's working directory.
	_, err := os.Stat(filepath.Join(d.sys.ProcRoot, strconv.Itoa(p.PID), "cwd", v))
	return err != nil
}

// exposure is where one process shows a secret.
type exposure struct {
	p        process
	environ  bool
	reasons  []string
	byDesign string // the signer.passphrase_env variable lpops is told to read
	// orchSecret: the reasons include a literal -orchSecret (the secret an
	// orchestrator shares with its remote transcoders).
	orchSecret bool
}

// checkPassphrase looks for the keystore passphrases in every process's
// command line (readable by every user) and environment, and for a literal
// -ethPassword. Findings name the PID, the process and where; never the
// secret.
func (d *Doctor) checkPassphrase(_ context.Context, env *runEnv) []Finding {
	if env.procErr != nil {
		return []Finding{{Check: CheckPassphrase, Status: Warn, Evidence: env.procErr.Error(),
			Fix: "run lpops doctor on the orchestrator's host, where /proc is readable"}}
	}
	secrets, notes, incomplete := d.readSecrets(env)
	var found []exposure
	var unreadable []string
	for _, p := range env.procs {
		if len(p.Argv) == 0 {
			continue
		}
		if e := d.scanCmdline(p, secrets); e != nil {
			found = append(found, *e)
		}
		environ, err := p.p.Environ()
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				unreadable = append(unreadable, p.String())
			}
			continue
		}
		if e := d.scanEnviron(p, environ, secrets); e != nil {
			found = append(found, *e)
		}
	}

	var out []Finding
	for _, e := range found {
		out = append(out, exposureFinding(e))
	}
	sources := []string{"a literal -ethPassword", "a literal -orchSecret"}
	for _, s := range secrets {
		sources = append(sources, "the passphrase of "+s.source)
	}
	coverage := fmt.Sprintf("searched the command lines and environments of %d processes for %s", len(env.procs), strings.Join(sources, ", "))
	var gaps []string
	if n := len(unreadable); n > 0 {
		if n > 5 {
			unreadable = append(unreadable[:5], "...")
		}
		gaps = append(gaps, fmt.Sprintf("could not read the environment of %d (%s)", n, strings.Join(unreadable, ", ")))
	}
	gaps = append(gaps, notes...)
	if len(gaps) > 0 {
		coverage += "; " + strings.Join(gaps, "; ")
	}
	switch {
	case len(unreadable) > 0 || incomplete:
		out = append(out, Finding{Check: CheckPassphrase, Status: Warn, Evidence: "incomplete: " + coverage,
			Fix: d.unreadableFix("check that the configuration's passphrase sources (files, environment) exist and are readable")})
	case len(found) == 0:
		out = append(out, Finding{Check: CheckPassphrase, Status: Pass, Evidence: "none found: " + coverage})
	}
	return out
}

func (d *Doctor) scanCmdline(p process, secrets []secret) *exposure {
	e := exposure{p: p}
	for _, s := range secrets {
		for _, a := range p.Argv {
			if holds(a, s.value) {
				e.reasons = append(e.reasons, "the passphrase of "+s.source)
				break
			}
		}
	}
	if v, ok := ethPasswordArg(p.Argv); ok && d.literalPassword(p, v) && len(e.reasons) == 0 {
		e.reasons = append(e.reasons, fmt.Sprintf("a literal -ethPassword value (%d characters, not a file)", len(v)))
	}
	if v, ok := flagArg(p.Argv, "orchSecret"); ok && d.literalPassword(p, v) {
		e.reasons = append(e.reasons, fmt.Sprintf("a literal -orchSecret value (%d characters, not a file)", len(v)))
		e.orchSecret = true
	}
	if len(e.reasons) == 0 {
		return nil
	}
	return &e
}

func (d *Doctor) scanEnviron(p process, environ []string, secrets []secret) *exposure {
	e := exposure{p: p, environ: true}
	for _, s := range secrets {
		for _, kv := range environ {
			name, value, _ := strings.Cut(kv, "=")
			if !holds(value, s.value) {
				continue
			}
			if s.env != "" && name == s.env {
				e.byDesign = name
			} else {
				e.reasons = append(e.reasons, fmt.Sprintf("the passphrase of %s (in $%s)", s.source, name))
			}
			break
		}
	}
	for _, kv := range environ {
		if name, value, _ := strings.Cut(kv, "="); name == "LP_ETHPASSWORD" && d.literalPassword(p, value) && len(e.reasons) == 0 {
			e.reasons = append(e.reasons, "a literal LP_ETHPASSWORD value (go-livepeer's -ethPassword)")
		}
	}
	if len(e.reasons) == 0 && e.byDesign == "" {
		return nil
	}
	return &e
}

func exposureFinding(e exposure) Finding {
	f := Finding{Check: CheckPassphrase, Subject: e.p.String(), PID: e.p.PID, Status: Fail}
	switch {
	case !e.environ:
		f.Evidence = fmt.Sprintf("%s on its command line, which every local user can read in /proc/%d/cmdline",
			strings.Join(e.reasons, " and "), e.p.PID)
		f.Fix = "give it a file instead (-ethPassword=/path/to/file, or a systemd credential as lpops render's livepeer.service does: " +
			"LoadCredential= with -ethPassword=${CREDENTIALS_DIRECTORY}/passphrase), restart it, then change the passphrase: every user of this host could read it"
		if e.orchSecret {
			f.Fix += "; for -orchSecret the same: a file (-orchSecret=${CREDENTIALS_DIRECTORY}/orch-secret with LoadCredential=, as lpops render's " +
				"units for host.transcoder do), then a new secret on the orchestrator and every transcoder: whoever holds it can register a transcoder and receive your streams"
		}
	case len(e.reasons) > 0:
		f.Evidence = fmt.Sprintf("%s in its environment (/proc/%d/environ)", strings.Join(e.reasons, " and "), e.p.PID)
		f.Fix = "pass the passphrase in a root-only file (systemd LoadCredential=) instead of the environment, restart the process, and change the passphrase if the environment was ever logged or shared"
	default:
		f.Status = Warn
		f.Evidence = fmt.Sprintf("holds the signer's passphrase in $%s, as signer.passphrase_env asks (/proc/%d/environ, readable by root and its user)",
			e.byDesign, e.p.PID)
		f.Fix = "prefer signer.passphrase_file: /run/credentials/lpops.service/passphrase (lpops render loads it with LoadCredential=)"
	}
	return f
}
