package render

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// cloudConfig is the subset of cloud-init's #cloud-config that the host
// needs, in the order cloud-init applies it: files and users in its init
// stage, packages and then runcmd in its final stage.
type cloudConfig struct {
	Hostname         string      `yaml:"hostname,omitempty"`
	FQDN             string      `yaml:"fqdn,omitempty"`
	PreserveHostname *bool       `yaml:"preserve_hostname,omitempty"`
	SSHPwauth        bool        `yaml:"ssh_pwauth"`
	DisableRoot      bool        `yaml:"disable_root"`
	Users            []any       `yaml:"users"`
	PackageUpdate    bool        `yaml:"package_update"`
	Packages         []string    `yaml:"packages"`
	WriteFiles       []writeFile `yaml:"write_files"`
	Runcmd           []flowList  `yaml:"runcmd"`
}

// flowList is a list of strings written on one line: [systemctl, daemon-reload].
type flowList []string

// MarshalYAML writes the list in flow style.
func (l flowList) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range l {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
	}
	return n, nil
}

type cloudUser struct {
	Name         string `yaml:"name"`
	System       bool   `yaml:"system"`
	Shell        string `yaml:"shell"`
	LockPasswd   bool   `yaml:"lock_passwd"`
	NoCreateHome bool   `yaml:"no_create_home"`
}

type writeFile struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions string `yaml:"permissions"`
	Content     string `yaml:"content"`
}

// userData renders cloud-init user-data that installs every file with a Dest,
// creates the service users, installs chrony and nftables, sets up the
// volumes and enables the units.
func userData(m *model, files []File) ([]byte, error) {
	cc := cloudConfig{
		SSHPwauth:     false,
		DisableRoot:   true,
		Users:         []any{"default"},
		PackageUpdate: true,
		Packages:      []string{"chrony", "logrotate", "nftables", "nvme-cli"},
	}
	if m.Hostname != "" {
		f := false
		cc.PreserveHostname = &f
		cc.Hostname, _, _ = strings.Cut(m.Hostname, ".")
		if strings.Contains(m.Hostname, ".") {
			cc.FQDN = m.Hostname
		}
	}
	if m.Nitro != nil {
		// nitro.service's container runtime: Ubuntu's podman, or docker.io.
		pkg := "podman"
		if strings.HasSuffix(m.Nitro.Runtime, "/docker") {
			pkg = "docker.io"
		}
		cc.Packages = append(cc.Packages, pkg)
	}
	if len(m.RestartUnits) > 0 {
		// The polkit rule needs polkitd (JavaScript rules), which a
		// minimal cloud image may lack.
		cc.Packages = append(cc.Packages, "polkitd")
	}
	for _, v := range m.Volumes {
		if v.FSType == "xfs" {
			cc.Packages = append(cc.Packages, "xfsprogs")
			break
		}
	}
	for _, u := range m.Users {
		cc.Users = append(cc.Users, cloudUser{Name: u, System: true, Shell: "/usr/sbin/nologin", LockPasswd: true, NoCreateHome: true})
	}
	for _, f := range files {
		if f.Dest == "" || f.Role != "" {
			continue
		}
		if strings.Contains(string(f.Content), "\t") || strings.Contains(string(f.Content), " \n") {
			// YAML would fall back to a quoted one-line string: unreadable.
			return nil, fmt.Errorf("render %s: a tab or trailing space in the template", f.Path)
		}
		cc.WriteFiles = append(cc.WriteFiles, writeFile{
			Path: f.Dest, Owner: "root:root", Permissions: fmt.Sprintf("%04o", f.Mode), Content: string(f.Content),
		})
	}

	run := func(args ...string) { cc.Runcmd = append(cc.Runcmd, flowList(slices.Compact(args))) }
	run("sysctl", "--system")
	run("systemctl", "restart", "systemd-journald")
	run("systemctl", "restart", "chrony")
	run("systemctl", "enable", "nftables.service")
	run("systemctl", "restart", "nftables.service")
	run(VolumesScript)
	h := m.H
	run("install", "-d", "-m", "0700", "-o", "root", "-g", "root", "/etc/lpops", h.Lpops.CredentialsDir, dir(h.Node.PassphraseCredential))
	run("install", "-d", "-m", "0750", "-o", h.Node.User, "-g", h.Node.User, h.Node.DataDir)
	run("install", "-d", "-m", "0700", "-o", h.Node.User, "-g", h.Node.User, keystoreDir(h.Node.KeystorePath))
	if m.Geth != nil {
		run("install", "-d", "-m", "0750", "-o", m.Geth.User, "-g", m.Geth.User, m.Geth.DataDir)
	}
	if m.Nitro != nil {
		run("install", "-d", "-m", "0750", m.Nitro.DataDir)
	}
	run("install", "-d", "-m", "0700", "-o", h.Lpops.User, "-g", h.Lpops.User, m.C.StateDir)
	run("systemctl", "daemon-reload")
	units := []string{"livepeer.service", "lpops.service"}
	if m.ChainUnit != "" {
		units = append([]string{m.ChainUnit}, units...)
	}
	// --no-block: a unit still waiting for its binary or credentials is
	// skipped by its conditions; cloud-init must not wait on it.
	run(append([]string{"systemctl", "enable", "--now", "--no-block"}, units...)...)

	var b bytes.Buffer
	b.WriteString("#cloud-config\n")
	fmt.Fprintf(&b, "# Rendered by `lpops render` from %s. It holds no secret: install the\n", m.Source)
	b.WriteString("# binaries, the configuration and the credentials afterwards (README.txt).\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cc); err != nil {
		return nil, fmt.Errorf("render user-data.yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// dir is the directory of an absolute path.
func dir(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// keystoreDir is the keystore directory of -ethKeystorePath, which names the
// directory or a key file (UTC--...) in it.
func keystoreDir(p string) string {
	base := p[strings.LastIndex(p, "/")+1:]
	if strings.HasPrefix(base, "UTC--") || strings.HasSuffix(base, ".json") {
		return dir(p)
	}
	return p
}
