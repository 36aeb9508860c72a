package render

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/lpops/lpops/internal/config"
)

// File is one rendered file.
type File struct {
	// Path is where the file goes in the output directory (slash-separated).
	Path string
	// Dest is where the file is installed on the host; empty for files that
	// are not installed (user-data, the CloudFormation template, README).
	Dest string
	// Mode is the file's mode on the host. In the output directory every
	// file is 0644.
	Mode fs.FileMode
	// Summary says what the file is, for README.txt.
	Summary string
	// Apply says how to apply it by hand.
	Apply string
	// Role is the host the file is installed on: "" for the orchestrator's,
	// RoleTranscoder for a transcoder host's (user-data.yaml carries only
	// the orchestrator's).
	Role    string
	Content []byte
}

// Options tune rendering.
type Options struct {
	// Source names the configuration in the files' headers. Only its base
	// name is used, so output does not depend on where it was rendered.
	Source string
}

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"exec":    execLine,
	"indent":  indent,
	"q":       quote,
	"join":    strings.Join,
	"js":      jsValue,
	"seconds": func(d config.Duration) int64 { return int64(d.Seconds()) },
}).ParseFS(templateFS, "templates/*.tmpl"))

// CredentialsPrefix is the directory systemd puts lpops.service's credentials
// in. A secret the configuration reads from CredentialsPrefix+NAME is loaded
// with LoadCredential=NAME:<host.lpops.credentials_dir>/NAME.
const CredentialsPrefix = config.CredentialsPrefix

// VolumesScript is where lpops-volumes is installed on the host.
const VolumesScript = "/usr/local/sbin/lpops-volumes"

// PolkitRules is where the polkit rule that lets lpops restart its
// runbooks' units is installed on the host.
const PolkitRules = "/etc/polkit-1/rules.d/50-lpops.rules"

// RestartUnits returns the units the remediation runbooks' systemd_restart
// steps restart, sorted, each once: what the polkit rule allows lpops to
// restart. Runbooks in dry run count: turning dry run off must not need a
// new rule.
func RestartUnits(c *config.Config) []string {
	var units []string
	for _, rb := range c.Remediation.Runbooks {
		for _, s := range rb.Steps {
			if s.Type == config.StepSystemdRestart && s.Unit != "" {
				units = append(units, s.Unit)
			}
		}
	}
	slices.Sort(units)
	return slices.Compact(units)
}

// Render checks what rendering needs beyond config.Validate (see Check) and
// returns the host configuration's files in a fixed order. c is the
// configuration as parsed, with relative paths kept as written.
func Render(c *config.Config, opts Options) ([]File, error) {
	m, err := newModel(c, opts)
	if err != nil {
		return nil, err
	}
	var files []File
	add := func(tmpl, p, dest string, mode fs.FileMode, summary, apply string) error {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, tmpl, m); err != nil {
			return fmt.Errorf("render %s: %w", p, err)
		}
		files = append(files, File{Path: p, Dest: dest, Mode: mode, Summary: summary, Apply: apply, Content: b.Bytes()})
		return nil
	}
	// The files installed on the host, in the order user-data writes them.
	for _, f := range []struct {
		tmpl, path, dest string
		mode             fs.FileMode
		summary, apply   string
		on               bool
	}{
		{"geth.service.tmpl", "geth.service", "/etc/systemd/system/geth.service", 0o644,
			"systemd unit of the local geth (JSON-RPC on loopback only)",
			"systemctl daemon-reload && systemctl enable --now geth.service", m.Geth != nil},
		{"nitro.service.tmpl", "nitro.service", "/etc/systemd/system/nitro.service", 0o644,
			"systemd unit of the local Arbitrum One full node (Nitro container; JSON-RPC on loopback only)",
			"systemctl daemon-reload && systemctl enable --now nitro.service", m.Nitro != nil},
		{"livepeer.service.tmpl", "livepeer.service", "/etc/systemd/system/livepeer.service", 0o644,
			"systemd unit of the go-livepeer orchestrator",
			"systemctl daemon-reload && systemctl enable --now livepeer.service", true},
		{"clef.service.tmpl", "clef.service", "/etc/systemd/system/clef.service", 0o644,
			"systemd unit of clef, the external signer lpops signs with (its own user; master password as a credential on stdin)",
			"systemctl daemon-reload && systemctl enable --now clef.service", m.Clef != nil},
		{"clef-rules.js.tmpl", "clef/rules.js", ClefRules, 0o444,
			"clef's rule file: approves only lpops' reward and initializeRound calls below the fee caps, rejects everything else",
			"install -D -m 0444 clef/rules.js " + ClefRules + " && sudo -u " + ClefUser + " " + ClefBinary + " --configdir " + ClefHome + " attest $(sha256sum " + ClefRules + " | cut -d' ' -f1)", m.Clef != nil},
		{"lpops.service.tmpl", "lpops.service", "/etc/systemd/system/lpops.service", 0o644,
			"systemd unit of lpops (Type=notify, watchdog)",
			"systemctl daemon-reload && systemctl enable --now lpops.service", true},
		{"journald.conf.tmpl", "journald.conf.d/lpops.conf", "/etc/systemd/journald.conf.d/lpops.conf", 0o644,
			"journald retention (SystemMaxUse, MaxRetentionSec)",
			"systemctl restart systemd-journald", true},
		{"logrotate.tmpl", "logrotate.d/lpops", "/etc/logrotate.d/lpops", 0o644,
			"logrotate policy for file logs (the services log to the journal)",
			"logrotate -d /etc/logrotate.d/lpops (dry run); the daily timer applies it", true},
		{"chrony.conf.tmpl", "chrony.conf", "/etc/chrony/conf.d/lpops.conf", 0o644,
			"chrony drop-in: preferred time servers",
			"systemctl restart chrony; chronyc sources", true},
		{"nftables.conf.tmpl", "nftables.conf", "/etc/nftables.conf", 0o644,
			"nftables ruleset: inbound dropped except ssh from the bastion and the service port",
			"nft -c -f /etc/nftables.conf && systemctl enable nftables && systemctl restart nftables", true},
		{"sysctl.conf.tmpl", "sysctl.d/90-lpops.conf", "/etc/sysctl.d/90-lpops.conf", 0o644,
			"kernel file-handle limits (fs.file-max, fs.nr_open)",
			"sysctl --system", true},
		{"fstab.tmpl", "fstab", "", 0o644,
			"fstab lines of the data volumes (by label, nofail); lpops-volumes writes them",
			"run lpops-volumes, or append to /etc/fstab once the volumes carry these labels", true},
		{"lpops-volumes.sh.tmpl", "lpops-volumes.sh", VolumesScript, 0o755,
			"formats (only when blank) and mounts the data volumes, and writes their fstab lines",
			"install -m 0755 lpops-volumes.sh " + VolumesScript + " && " + VolumesScript, true},
		{"polkit.rules.tmpl", "polkit/50-lpops.rules", PolkitRules, 0o644,
			"polkit rule: lets " + m.Lpops.User + " restart only " + strings.Join(m.RestartUnits, ", ") + " (the runbooks' systemd_restart units)",
			"install -m 0644 polkit/50-lpops.rules " + PolkitRules + " (polkitd reloads it by itself)", len(m.RestartUnits) > 0},
	} {
		if !f.on {
			continue
		}
		if err := add(f.tmpl, f.path, f.dest, f.mode, f.summary, f.apply); err != nil {
			return nil, err
		}
	}
	if m.Clef != nil {
		// Not a template: the selectors come from lpops' own ABIs.
		files = append(files, File{Path: "clef/4byte.json", Dest: ClefFourByte, Mode: 0o444, Content: ClefFourByteFile(),
			Summary: "clef's custom 4-byte database: names lpops' calls, which clef's validator must know to sign them",
			Apply:   "install -D -m 0444 clef/4byte.json " + ClefFourByte})
	}
	ud, err := userData(m, files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: "user-data.yaml", Mode: 0o644, Content: ud,
		Summary: "cloud-init user-data (#cloud-config): users, packages, every file above, volumes, units",
		Apply:   "pass as the instance's user data on a fresh Ubuntu host; check with: cloud-init schema --config-file user-data.yaml"})
	if err := m.setUserData(ud); err != nil {
		return nil, err
	}
	if m.Transcoder != nil {
		tf, err := m.renderTranscoder()
		if err != nil {
			return nil, err
		}
		files = append(files, tf...)
	}
	if err := add("cloudformation.yaml.tmpl", "aws/cloudformation.yaml", "", 0o644,
		"AWS CloudFormation: instance, data and chain EBS volumes, Elastic IP, security group, DLM snapshots",
		m.DeployCommand()); err != nil {
		return nil, err
	}
	m.Files = files
	if err := add("README.txt.tmpl", "README.txt", "", 0o644, "what each file is and how to apply it", ""); err != nil {
		return nil, err
	}
	// README lists itself last; move it first so it is what a reader sees.
	files = append(files[len(files)-1:], files[:len(files)-1]...)
	return files, nil
}

// model is what the templates see.
type model struct {
	Source string
	C      *config.Config
	H      config.Host
	Node   config.HostNode
	Geth   *config.HostGeth
	Nitro  *config.HostNitro
	Lpops  config.HostLpops
	// Transcoder is the remote transcoder hosts' role, or nil (transcoder.go).
	Transcoder *config.HostTranscoder
	// ChainUnit is the chain node's unit livepeer.service waits for, or "".
	ChainUnit string
	// Clef is set when signer.kind is clef: its rule file and unit.
	Clef *ClefModel
	// KMSKeyARN is the KMS signing key's ARN (an Fn::Sub string) when
	// signer.kind is aws-kms: the instance role may use it and nothing else.
	KMSKeyARN string
	// SSMParameterARNs are the parameters (Fn::Sub strings) that ssm:
	// secret references read: the instance role may get them and no other.
	SSMParameterARNs []string

	NodeArgs, GethArgs, NitroArgs, LpopsArgs []string
	NodeRW                                   []string
	NodeConditions                           []string
	LpopsConditions                          []string
	GethHTTPHost                             string
	GethHTTPPort                             uint16
	Credentials                              []credential
	LpopsFiles                               []readFile
	Users                                    []string
	ServicePort                              uint16
	ClosedPorts                              []closedPort
	SSHv4, SSHv6                             []string
	Volumes                                  []volume
	Hostname                                 string
	RestartUnits                             []string // systemd_restart units: the polkit rule
	UserData                                 string   // user-data.yaml as text, or
	UserDataGzip                             string   // base64 of it gzipped, when too long
	Files                                    []File
	TranscoderArgs                           []string
	TranscoderUserData                       string // transcoder/user-data.yaml as text, or
	TranscoderUserDataGzip                   string // base64 of it gzipped, when too long
}

// credential is one LoadCredential= of lpops.service.
type credential struct {
	Name   string
	Source string
	Fields []string
}

// closedPort is a port the firewall leaves closed on purpose, for the
// ruleset's comments and README.
type closedPort struct {
	Port uint16
	What string
}

// volume is a managed volume with its derived fstab line.
type volume struct {
	Name string
	config.HostVolume
	Pass int
}

// FstabLine is the volume's /etc/fstab line.
func (v volume) FstabLine() string {
	return fmt.Sprintf("LABEL=%s %s %s %s,nofail,x-systemd.device-timeout=10min 0 %d", v.Label, v.Mount, v.FSType, v.Options, v.Pass)
}

func newModel(c *config.Config, opts Options) (*model, error) {
	if err := Check(c); err != nil {
		return nil, err
	}
	h := c.Host
	m := &model{
		Source: path.Base(strings.ReplaceAll(opts.Source, "\\", "/")),
		C:      c, H: h, Node: h.Node, Lpops: h.Lpops,
		ServicePort: config.HostPort(h.Node.HTTPAddr),
		Hostname:    h.Hostname,

		RestartUnits: RestartUnits(c),
	}
	if opts.Source == "" {
		m.Source = "lpops.yaml"
	}
	switch h.ChainNodeKind() {
	case config.ChainNodeGeth:
		g := h.Geth
		m.Geth = &g
		m.GethHTTPHost, _, _ = net.SplitHostPort(g.HTTPAddr)
		m.GethHTTPPort = config.HostPort(g.HTTPAddr)
		m.ChainUnit = "geth.service"
	case config.ChainNodeNitro:
		n := h.Nitro
		m.Nitro = &n
		m.NitroArgs = nitroArgs(c)
		m.ChainUnit = "nitro.service"
	}
	users := []string{h.Node.User, h.Lpops.User}
	if m.Geth != nil {
		users = append(users, m.Geth.User)
	}
	if c.Signer.Kind == config.SignerKindAWSKMS {
		m.KMSKeyARN = kmsKeyARN(c)
	}
	m.SSMParameterARNs = ssmParameterARNs(c)
	if c.Signer.Kind == config.SignerKindClef {
		cm, err := newClefModel(c)
		if err != nil {
			return nil, err
		}
		m.Clef = cm
		users = append(users, ClefUser)
	}
	for _, u := range users {
		if !slices.Contains(m.Users, u) {
			m.Users = append(m.Users, u)
		}
	}

	if h.Transcoder.Enabled() {
		t := h.Transcoder
		m.Transcoder = &t
		m.TranscoderArgs = transcoderArgs(t)
	}
	m.NodeArgs = nodeArgs(c, ethURL(c))
	m.NodeRW = []string{h.Node.DataDir}
	if !under(h.Node.KeystorePath, h.Node.DataDir) {
		m.NodeRW = append(m.NodeRW, h.Node.KeystorePath)
	}
	m.NodeConditions = []string{h.Node.PassphraseCredential}
	if m.Transcoder != nil {
		m.NodeConditions = append(m.NodeConditions, m.Transcoder.SecretCredential)
	}
	if h.Node.EnvironmentFile != "" {
		m.NodeConditions = append(m.NodeConditions, h.Node.EnvironmentFile)
	}
	if m.Geth != nil {
		m.GethArgs = gethArgs(*m.Geth, m.GethHTTPHost, m.GethHTTPPort)
	}
	m.LpopsArgs = []string{h.Lpops.Binary, "run", "--config=" + h.Lpops.ConfigPath}
	m.Credentials = credentials(c)
	m.LpopsFiles = lpopsFiles(c)
	m.LpopsConditions = []string{h.Lpops.ConfigPath}
	for _, cr := range m.Credentials {
		m.LpopsConditions = append(m.LpopsConditions, cr.Source)
	}
	if h.Lpops.EnvironmentFile != "" {
		m.LpopsConditions = append(m.LpopsConditions, h.Lpops.EnvironmentFile)
	}

	for _, s := range h.Firewall.SSHCIDRs.Items {
		p := netip.MustParsePrefix(s)
		if p.Addr().Is4() {
			m.SSHv4 = append(m.SSHv4, p.String())
		} else {
			m.SSHv6 = append(m.SSHv6, p.String())
		}
	}
	m.ClosedPorts = append(m.ClosedPorts, closedPort{config.HostPort(h.Node.CLIAddr), "go-livepeer CLI API (-cliAddr), loopback only"})
	if m.Geth != nil {
		m.ClosedPorts = append(m.ClosedPorts, closedPort{m.GethHTTPPort, "geth JSON-RPC, loopback only"})
	}
	if m.Nitro != nil {
		m.ClosedPorts = append(m.ClosedPorts, closedPort{config.HostPort(m.Nitro.HTTPAddr), "Nitro JSON-RPC, loopback only"})
	}
	if p := config.HostPort(c.Listen); p != 0 {
		m.ClosedPorts = append(m.ClosedPorts, closedPort{p, "lpops API and metrics (listen)"})
	}

	for _, v := range []struct {
		name string
		vol  config.HostVolume
	}{{"data", h.Volumes.Data}, {"chain", h.Volumes.Chain}} {
		if !v.vol.Managed() {
			continue
		}
		if v.name == "chain" && m.Nitro != nil {
			// nitro.service hands its data directory to the image's uid.
			v.vol.Owner = "root"
		}
		pass := 2
		if v.vol.FSType == "xfs" {
			pass = 0 // fsck.xfs does nothing; xfs repairs itself on mount
		}
		m.Volumes = append(m.Volumes, volume{Name: v.name, HostVolume: v.vol, Pass: pass})
	}
	return m, nil
}

// nodeArgs are livepeer.service's ExecStart arguments.
func nodeArgs(c *config.Config, ethURL string) []string {
	n := c.Host.Node
	args := []string{n.Binary, "-orchestrator"}
	if n.Transcoder {
		args = append(args, "-transcoder")
	}
	switch c.Network {
	case config.NetworkCustom:
		args = append(args, "-network="+c.Network, "-ethController="+c.Controller)
	default:
		args = append(args, "-network="+c.Network)
	}
	if ethURL != "" {
		args = append(args, "-ethUrl="+ethURL)
	}
	args = append(args,
		"-ethKeystorePath="+n.KeystorePath,
		"-ethPassword=${CREDENTIALS_DIRECTORY}/passphrase",
	)
	if c.Host.Transcoder.Enabled() {
		args = append(args, orchSecretArg)
	}
	args = append(args,
		"-datadir="+n.DataDir,
		"-serviceAddr="+n.ServiceAddr,
		"-httpAddr="+n.HTTPAddr,
		"-cliAddr="+n.CLIAddr,
		"-pricePerUnit="+n.PricePerUnit,
		"-maxSessions="+strconv.FormatUint(uint64(n.MaxSessions), 10),
		"-monitor="+strconv.FormatBool(n.Monitor),
		"-reward="+strconv.FormatBool(n.Reward),
	)
	return append(args, n.ExtraFlags.Items...)
}

func gethArgs(g config.HostGeth, host string, port uint16) []string {
	args := []string{g.Binary,
		"--datadir=" + g.DataDir,
		"--syncmode=" + g.SyncMode,
		"--cache=" + strconv.FormatUint(uint64(g.CacheMB), 10),
		"--http",
		"--http.addr=" + host,
		"--http.port=" + strconv.FormatUint(uint64(port), 10),
		"--http.api=eth,net,web3,txpool",
	}
	return append(args, g.ExtraFlags.Items...)
}

// nitroArgs are nitro.service's ExecStart arguments: the runtime's, then
// Nitro's. The parent chain endpoints come from the credential's
// environment lines (--conf.env-prefix=NITRO).
func nitroArgs(c *config.Config) []string {
	n := c.Host.Nitro
	host, port, _ := net.SplitHostPort(n.HTTPAddr)
	// Host networking: Nitro listens on the loopback address itself. A
	// published port would hang on NAT rules the runtime adds to the
	// firewall, which the rendered nftables.conf flushes on every reload.
	args := []string{n.Runtime, "run", "--rm", "--name=nitro", "--network=host",
		"--env-file=${CREDENTIALS_DIRECTORY}/nitro-l1.env",
		"--volume=" + n.DataDir + ":/home/user/.arbitrum",
		n.Image,
		"--conf.env-prefix=NITRO",
		"--chain.id=" + strconv.FormatUint(c.ChainID, 10),
		"--http.addr=" + host,
		"--http.port=" + port,
		"--http.vhosts=localhost",
		"--http.api=net,web3,eth,arb",
	}
	if n.Init != "" {
		args = append(args, "--init.latest="+n.Init)
	}
	return append(args, n.ExtraFlags.Items...)
}

// ethURL is the node's -ethUrl: host.node.eth_url, the host's chain node, the
// first literal rpc URL, or "" when host.node.environment_file provides
// LP_ETHURL. Check has made sure one applies.
func ethURL(c *config.Config) string {
	n := c.Host.Node
	switch {
	case n.EthURL != "":
		return n.EthURL
	case c.Host.ChainNodeURL() != "":
		return c.Host.ChainNodeURL()
	}
	if u, _ := firstLiteralURL(c); u != "" && keyFree(u) {
		return u
	}
	return ""
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// execLine formats an ExecStart= value one argument per line.
func execLine(args []string) string {
	return strings.Join(args, " \\\n    ")
}

// indent prefixes every non-empty line of s with n spaces.
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// jsValue writes v as a JavaScript literal (JSON is one), for the polkit
// rule: names from the configuration cannot break out of their strings.
func jsValue(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// quote writes s as a double-quoted YAML scalar (JSON string syntax, which
// YAML accepts).
func quote(s string) string {
	return strconv.Quote(s)
}

// DeployCommand is the aws command that deploys the CloudFormation template.
func (m *model) DeployCommand() string {
	return fmt.Sprintf("aws cloudformation deploy --region %s --stack-name %s --template-file aws/cloudformation.yaml --capabilities CAPABILITY_IAM",
		m.H.AWS.Region, m.StackName())
}

// StackName is the suggested CloudFormation stack name, also the Name tag.
func (m *model) StackName() string {
	if m.Hostname != "" {
		return "lpops-" + strings.ReplaceAll(m.Hostname, ".", "-")
	}
	return "lpops"
}

// VolumesScript is where lpops-volumes is installed.
func (m *model) VolumesScript() string { return VolumesScript }

// awsVolume is an EBS volume of the CloudFormation template.
type awsVolume struct {
	Name     string // data | chain
	Resource string // DataVolume | ChainVolume
	Device   string // the attachment's device name, which lpops-volumes looks for
	EBS      config.HostEBS
}

// AWSVolumes are the EBS volumes of the managed host volumes.
func (m *model) AWSVolumes() []awsVolume {
	var out []awsVolume
	for _, v := range m.Volumes {
		a := awsVolume{Name: v.Name, Device: v.Device}
		switch v.Name {
		case "data":
			a.Resource, a.EBS = "DataVolume", m.H.AWS.DataVolume
		case "chain":
			a.Resource, a.EBS = "ChainVolume", m.H.AWS.ChainVolume
		}
		out = append(out, a)
	}
	return out
}

// ChainVolume reports whether the chain volume is managed.
func (m *model) ChainVolume() bool { return m.H.Volumes.Chain.Managed() }

// MaxUserData is EC2's limit on user data, before base64.
const MaxUserData = 16384

// setUserData keeps ud for the CloudFormation template: as text while it fits
// EC2's 16 KiB limit, else gzipped (cloud-init recognises gzip and unpacks
// it) and base64-encoded, as the template's UserData takes it.
func (m *model) setUserData(ud []byte) error {
	var err error
	m.UserData, m.UserDataGzip, err = fitUserData("user-data.yaml", ud)
	return err
}

// fitUserData returns ud as text while it fits EC2's limit, else gzipped and
// base64-encoded; name names it in the error when even that is too long.
func fitUserData(name string, ud []byte) (text, gz string, err error) {
	if len(ud) <= MaxUserData {
		return string(ud), "", nil
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(ud)
	if err := zw.Close(); err != nil {
		return "", "", err
	}
	if b.Len() > MaxUserData {
		return "", "", fmt.Errorf("render aws/cloudformation.yaml: %s is %d bytes gzipped, over EC2's limit of %d", name, b.Len(), MaxUserData)
	}
	return "", base64.StdEncoding.EncodeToString(b.Bytes()), nil
}
