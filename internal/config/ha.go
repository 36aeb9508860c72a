package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// HA runs lpops as one of two or three instances on different hosts that
// share one orchestrator: each watches, probes and serves its API, and only
// the one holding the leadership on the etcd cluster sends transactions. An
// empty HA (no endpoints) is single-host mode with the embedded store.
type HA struct {
	// Endpoints are the etcd members' client URLs (http or https), all of
	// them: the client fails over between members.
	Endpoints []string `yaml:"endpoints"`
	// TLS is the client's TLS to etcd (https endpoints).
	TLS HATLS `yaml:"tls"`
	// Auth is etcd's user authentication; the password comes from a file
	// or an environment variable, never the config or the command line.
	Auth HAAuth `yaml:"auth"`
	// KeyPrefix is the prefix of every key lpops writes in etcd; instances
	// of one orchestrator share it, another orchestrator takes another.
	KeyPrefix string `yaml:"key_prefix"`
	// LeaseTTL is the leader's lease: a leader that stops renewing it (a
	// dead host, a partition) loses the leadership this long after its
	// last renewal, and the next instance takes over.
	LeaseTTL Duration `yaml:"lease_ttl"`
	// Name is this instance's name among the members (the host name by
	// default), shown in status and as the leader's name.
	Name string `yaml:"name"`
}

// HATLS holds the PEM files of the TLS client to etcd.
type HATLS struct {
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// HAAuth is an etcd user and where its password is read from.
type HAAuth struct {
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
	PasswordEnv  string `yaml:"password_env"`
}

// Enabled reports whether HA mode is configured.
func (h HA) Enabled() bool { return len(h.Endpoints) > 0 }

// DefaultHA is HA off, with the defaults used once endpoints are set.
func DefaultHA() HA {
	return HA{KeyPrefix: "/lpops/", LeaseTTL: Duration{10 * time.Second}}
}

// minLeaseTTL is etcd's own floor for a lease (the server raises a shorter
// one to its minimum TTL, about 1.5 election timeouts; 2 s keeps the
// configured value the one in force on a default-tuned cluster).
const minLeaseTTL = 2 * time.Second

// InstanceName is Name, or the host name when Name is empty.
func (h HA) InstanceName() string {
	if h.Name != "" {
		return h.Name
	}
	n, err := os.Hostname()
	if err != nil || n == "" {
		return "lpops"
	}
	return n
}

// Password reads the etcd password from auth.password_file or
// auth.password_env (one trailing newline stripped). Errors name the key and
// the file or variable, never the password.
func (a HAAuth) Password() (string, error) {
	switch {
	case a.PasswordFile != "":
		b, err := ReadSecretFile("ha.auth.password_file", a.PasswordFile)
		if err != nil {
			return "", err
		}
		p := trimNewline(b)
		if len(p) == 0 {
			return "", fmt.Errorf("ha.auth.password_file: %s is empty", a.PasswordFile)
		}
		return string(p), nil
	case a.PasswordEnv != "":
		p := trimNewline([]byte(os.Getenv(a.PasswordEnv)))
		if len(p) == 0 {
			return "", fmt.Errorf("ha.auth.password_env: environment variable %s is not set or empty", a.PasswordEnv)
		}
		return string(p), nil
	}
	return "", errors.New("ha.auth: no password source; set password_file or password_env")
}

func (v *validator) ha(h HA) {
	if !h.Enabled() {
		// Nothing else is read without endpoints; a stray key still says so.
		if h.TLS != (HATLS{}) || h.Auth != (HAAuth{}) || h.Name != "" {
			v.add("ha", "", "sets keys but no endpoints: ha.endpoints is required (ha is off without it)")
		}
		return
	}
	https := false
	for i, e := range h.Endpoints {
		f := fmt.Sprintf("ha.endpoints[%d]", i)
		u, err := url.Parse(e)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Port() == "" {
			v.add(f, e, "must be an etcd client URL with a port, such as https://10.0.0.1:2379")
			continue
		}
		if u.User != nil {
			v.add(f, u.Redacted(), "must not hold credentials: use ha.auth")
		}
		https = https || u.Scheme == "https"
	}
	t := h.TLS
	if (t.CertFile == "") != (t.KeyFile == "") {
		field, other := "ha.tls.key_file", "ha.tls.cert_file"
		if t.CertFile == "" {
			field, other = other, field
		}
		v.add(field, "", "is required with "+other)
	}
	if !https && t != (HATLS{}) {
		v.add("ha.tls", "", "is set but no ha.endpoints entry is https")
	}
	a := h.Auth
	switch {
	case a.Username == "" && (a.PasswordFile != "" || a.PasswordEnv != ""):
		v.add("ha.auth.username", "", "is required with a password")
	case a.Username != "" && a.PasswordFile == "" && a.PasswordEnv == "":
		v.add("ha.auth", "", "needs password_file or password_env with username")
	case a.PasswordFile != "" && a.PasswordEnv != "":
		v.add("ha.auth", "", "set only one of password_file and password_env")
	}
	if a.PasswordEnv != "" {
		v.envName("ha.auth.password_env", a.PasswordEnv)
	}
	if !strings.HasPrefix(h.KeyPrefix, "/") || strings.ContainsAny(h.KeyPrefix, " \t\n") {
		v.add("ha.key_prefix", h.KeyPrefix, "must start with / and hold no spaces, such as /lpops/")
	}
	if h.LeaseTTL.Duration < minLeaseTTL {
		v.add("ha.lease_ttl", h.LeaseTTL.String(), fmt.Sprintf("must be at least %s", minLeaseTTL))
	} else if h.LeaseTTL.Duration%time.Second != 0 {
		v.add("ha.lease_ttl", h.LeaseTTL.String(), "must be whole seconds (etcd leases count seconds)")
	}
	if strings.ContainsAny(h.Name, "/ \t\n") {
		v.add("ha.name", h.Name, "must hold no / or spaces")
	}
}
