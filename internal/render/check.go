package render

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/lpops/lpops/internal/config"
)

// Check reports what rendering needs beyond config.Validate, as
// *config.ValidationError values naming the key and placed at it in the
// file: a chain node that fits the network, runbooks restarting only units
// render writes, the keys only a rendered host uses (service_addr,
// price_per_unit, ssh_cidrs), a -ethUrl the node can be given without
// putting a provider's API key on its command line and that reaches a chain
// node, the node's CLI where lpops looks for it, and paths that mean the
// same on the host as in the file (absolute, readable under
// ProtectHome=yes).
func Check(c *config.Config) error {
	var errs []error
	add := func(field, value, msg string) {
		errs = append(errs, &config.ValidationError{Field: field, Value: value, Msg: msg})
	}
	h := c.Host
	if m := c.ChainNodeMismatch(); m != nil {
		errs = append(errs, m)
	}
	errs = append(errs, c.ChainNodeRestarts()...)
	if h.Node.ServiceAddr == "" {
		add("host.node.service_addr", "", "is required to render livepeer.service: the public host:port of the orchestrator (-serviceAddr)")
	}
	if h.Node.PricePerUnit == "" {
		add("host.node.price_per_unit", "", "is required to render livepeer.service (-pricePerUnit, wei per pixel)")
	}
	if len(h.Firewall.SSHCIDRs.Items) == 0 {
		add("host.firewall.ssh_cidrs", "", "is required to render nftables.conf: without it ssh would be closed to everyone")
	}
	if h.Node.EthURL == "" && h.ChainNodeURL() == "" {
		u, field := firstLiteralURL(c)
		switch {
		case u != "" && keyFree(u):
		case h.Node.EnvironmentFile != "":
			// LP_ETHURL comes from the environment file.
		case u != "":
			add("host.node.eth_url", "", fmt.Sprintf("is required: %s has a path, query or user info, which may hold an API key, and -ethUrl is on the node's command line; set host.node.eth_url, or LP_ETHURL in host.node.environment_file", field))
		default:
			add("host.node.eth_url", "", "is required: no rpc entry has a literal url; set host.node.eth_url, run a chain node (host.chain_node.kind), or put LP_ETHURL in host.node.environment_file")
		}
	}
	if u, field := ethURLSource(c); u != "" && loopbackURL(u) && !servesURL(h.ChainNodeURL(), u) {
		add(field, u, fmt.Sprintf("is -ethUrl of livepeer.service and points at this host, where no chain node listens: host.chain_node.kind is %s; "+
			"run one there (host.chain_node.kind nitro for Arbitrum One) or use a hosted endpoint", h.ChainNodeKind()))
	}
	checkClef(c, add)
	checkKMS(c, add)
	checkSSM(c, add)
	rendered := []string{"livepeer.service", "lpops.service"}
	if u := config.ChainNodeUnits[h.ChainNodeKind()]; u != "" {
		rendered = append(rendered, u)
	}
	for i, rb := range c.Remediation.Runbooks {
		for j, s := range rb.Steps {
			if s.Type == config.StepSystemdRestart && !slices.Contains(rendered, s.Unit) && !slices.Contains(slices.Collect(maps.Values(config.ChainNodeUnits)), s.Unit) {
				add(fmt.Sprintf("remediation.runbooks[%d].steps[%d].unit", i, j), s.Unit,
					"is not a unit render writes ("+strings.Join(rendered, ", ")+"): the polkit rule would let lpops restart a unit this host does not have")
			}
		}
	}
	if c.Node.CLIURL != "" {
		if u, err := url.Parse(c.Node.CLIURL); err == nil && !sameHostPort(u.Host, h.Node.CLIAddr) {
			add("host.node.cli_addr", h.Node.CLIAddr, fmt.Sprintf("must be where node.cli_url (%s) points, or lpops cannot reach the node", u.Host))
		}
	}
	users := []string{h.Node.User, h.Lpops.User}
	if h.ChainNodeKind() == config.ChainNodeGeth {
		users = append(users, h.Geth.User)
	}
	for _, v := range []struct {
		field string
		vol   config.HostVolume
	}{{"host.volumes.data.owner", h.Volumes.Data}, {"host.volumes.chain.owner", h.Volumes.Chain}} {
		if v.field == "host.volumes.chain.owner" && h.ChainNodeKind() == config.ChainNodeNitro {
			continue // nitro.service gives its data directory to the image's user
		}
		if v.vol.Managed() && !slices.Contains(users, v.vol.Owner) {
			add(v.field, v.vol.Owner, "must be a user the host configuration creates: "+strings.Join(users, ", "))
		}
	}
	walkPaths(reflect.ValueOf(*c), "", func(field, p string) {
		switch {
		case !filepath.IsAbs(p):
			add(field, p, "must be an absolute path: the rendered host reads it from "+h.Lpops.ConfigPath)
		case under(p, "/home") || under(p, "/root") || under(p, "/run/user"):
			add(field, p, "must not be under /home, /root or /run/user: lpops.service runs with ProtectHome=yes")
		case strings.HasPrefix(p, CredentialsPrefix):
			name := strings.TrimPrefix(p, CredentialsPrefix)
			if name == "" || strings.Contains(name, "/") || strings.ContainsAny(name, " :$%\\") {
				add(field, p, "must name a file directly in "+CredentialsPrefix+", such as "+CredentialsPrefix+"passphrase")
			}
		}
	})
	return c.Place(errors.Join(errs...))
}

// sameHostPort compares two host:port strings, treating localhost as
// 127.0.0.1.
func sameHostPort(a, b string) bool {
	norm := func(s string) string {
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return s
		}
		if host == "localhost" {
			host = "127.0.0.1"
		}
		return net.JoinHostPort(host, port)
	}
	return norm(a) == norm(b)
}

// ethURLSource is the -ethUrl render gives the node when it is not the
// host's chain node, and the key it comes from; "" when it comes from an
// environment file or the chain node.
func ethURLSource(c *config.Config) (string, string) {
	if c.Host.Node.EthURL != "" {
		return c.Host.Node.EthURL, "host.node.eth_url"
	}
	if c.Host.ChainNodeURL() != "" {
		return "", ""
	}
	if u, field := firstLiteralURL(c); u != "" && keyFree(u) {
		return u, field
	}
	return "", ""
}

// servesURL reports whether the chain node at nodeURL ("" for none) is
// what u reaches: the same port, localhost being 127.0.0.1.
func servesURL(nodeURL, u string) bool {
	a, errA := url.Parse(nodeURL)
	b, errB := url.Parse(u)
	return nodeURL != "" && errA == nil && errB == nil && b.Port() != "" && sameHostPort(a.Host, b.Host)
}

// loopbackURL reports whether a URL's host is this machine.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Hostname(), "localhost") {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// firstLiteralURL returns the first rpc entry given as a literal http(s) or
// ws(s) url, and its key path.
func firstLiteralURL(c *config.Config) (string, string) {
	for i, e := range c.RPC {
		if strings.HasPrefix(e.URL, "http://") || strings.HasPrefix(e.URL, "https://") ||
			strings.HasPrefix(e.URL, "ws://") || strings.HasPrefix(e.URL, "wss://") {
			return e.URL, fmt.Sprintf("rpc[%d].url", i)
		}
	}
	return "", ""
}

// keyFree reports whether a URL has nowhere to hide an API key: no user
// info, no query and no path beyond "/". Such a URL may go on a command line.
func keyFree(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User == nil && u.RawQuery == "" && u.Fragment == "" &&
		(u.Path == "" || u.Path == "/") && !strings.ContainsAny(raw, " \"'\\$%")
}

// walkPaths calls fn for every file path lpops itself reads from the
// configuration (every key ending in _file, signer.keystore and state_dir),
// outside the host section, with its key path.
func walkPaths(v reflect.Value, prefix string, fn func(field, p string)) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || prefix == "" && key == "host" {
				continue
			}
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.String {
				if s := fv.String(); s != "" && (strings.HasSuffix(key, "_file") || p == "signer.keystore" || p == "state_dir") {
					fn(p, s)
				}
				continue
			}
			walkPaths(fv, p, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkPaths(v.Index(i), fmt.Sprintf("%s[%d]", prefix, i), fn)
		}
	}
}

// credentials are lpops.service's LoadCredential= entries: one per file
// name the configuration reads under CredentialsPrefix, in order of name.
func credentials(c *config.Config) []credential {
	byName := map[string]*credential{}
	walkPaths(reflect.ValueOf(*c), "", func(field, p string) {
		name, ok := strings.CutPrefix(p, CredentialsPrefix)
		if !ok {
			return
		}
		cr := byName[name]
		if cr == nil {
			cr = &credential{Name: name, Source: strings.TrimSuffix(c.Host.Lpops.CredentialsDir, "/") + "/" + name}
			byName[name] = cr
		}
		cr.Fields = append(cr.Fields, field)
	})
	out := make([]credential, 0, len(byName))
	for _, cr := range byName {
		out = append(out, *cr)
	}
	slices.SortFunc(out, func(a, b credential) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// readFile is a file lpops reads directly (not a credential), for README.
type readFile struct {
	Path   string
	Fields []string
}

// lpopsFiles are the files outside the credentials directory that lpops
// reads, state_dir aside: the lpops user must be able to read them.
func lpopsFiles(c *config.Config) []readFile {
	var out []readFile
	walkPaths(reflect.ValueOf(*c), "", func(field, p string) {
		if field == "state_dir" || strings.HasPrefix(p, CredentialsPrefix) {
			return
		}
		for i := range out {
			if out[i].Path == p {
				out[i].Fields = append(out[i].Fields, field)
				return
			}
		}
		out = append(out, readFile{Path: p, Fields: []string{field}})
	})
	slices.SortFunc(out, func(a, b readFile) int { return strings.Compare(a.Path, b.Path) })
	return out
}
