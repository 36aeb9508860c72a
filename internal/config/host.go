package config

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Host describes the orchestrator's machine: what `lpops render` turns into
// host configuration (systemd units, firewall, volumes, cloud-init, AWS) and
// what `lpops doctor` audits the live host against. The policy each field
// states is the same for both: a port render leaves closed is a port doctor
// expects closed, a LimitNOFILE render writes is the floor doctor checks in
// /proc/PID/limits.
//
// Validate only checks the values that are set; keys that only rendering
// needs (host.node.service_addr, host.node.price_per_unit,
// host.firewall.ssh_cidrs) are required by `lpops render`, so a file that
// never renders anything does not have to carry them.
type Host struct {
	// Hostname is the machine's host name (one RFC 1123 label or a dotted
	// name). Empty: left as the image sets it.
	Hostname string `yaml:"hostname"`

	Node HostNode `yaml:"node"`
	// Transcoder is the remote transcoder hosts' role (transcoders.go).
	Transcoder HostTranscoder `yaml:"transcoder"`
	ChainNode  HostChainNode  `yaml:"chain_node"`
	Geth       HostGeth       `yaml:"geth"`
	Nitro      HostNitro      `yaml:"nitro"`
	Lpops      HostLpops      `yaml:"lpops"`
	Volumes    HostVolumes    `yaml:"volumes"`
	Firewall   HostFirewall   `yaml:"firewall"`
	Journald   HostJournald   `yaml:"journald"`
	Logrotate  HostLogrotate  `yaml:"logrotate"`
	Chrony     HostChrony     `yaml:"chrony"`
	Sysctl     HostSysctl     `yaml:"sysctl"`
	AWS        HostAWS        `yaml:"aws"`
}

// HostNode is the go-livepeer orchestrator as it runs on the host: its
// binary, user, directories and the flags of livepeer.service. Field names
// follow the go-livepeer flag they set.
type HostNode struct {
	// Binary is the absolute path of the livepeer executable.
	Binary string `yaml:"binary"`
	// User is the system user (and group of the same name) the node runs as;
	// it owns DataDir and KeystorePath.
	User string `yaml:"user"`
	// DataDir is -datadir: the node's database, and the only path it may
	// write (ReadWritePaths=).
	DataDir string `yaml:"data_dir"`
	// KeystorePath is -ethKeystorePath: the keystore directory, or one key
	// file in it. Must be 0700/0600 and owned by User.
	KeystorePath string `yaml:"keystore_path"`
	// PassphraseCredential is the root-only file on the host holding the
	// keystore passphrase. systemd hands it to the node with LoadCredential=
	// and the node reads it through -ethPassword
	// ${CREDENTIALS_DIRECTORY}/passphrase: the passphrase is never in a
	// command line, an environment or a unit file.
	PassphraseCredential string `yaml:"passphrase_credential"`
	// EthURL is -ethUrl. Empty: http://<host.geth.http_addr> when geth is
	// enabled, else the first rpc endpoint given as a literal url.
	EthURL string `yaml:"eth_url"`
	// EnvironmentFile is an optional EnvironmentFile= of LP_* variables that
	// go-livepeer reads as flags (LP_ETHURL=...), for a provider URL that
	// holds an API key. Empty: none.
	EnvironmentFile string `yaml:"environment_file"`
	// ServiceAddr is -serviceAddr: the public host:port broadcasters reach
	// the orchestrator at, as registered on chain.
	ServiceAddr string `yaml:"service_addr"`
	// HTTPAddr is -httpAddr: where the service port listens. Its port is the
	// one port (with ssh) the firewall opens to the world.
	HTTPAddr string `yaml:"http_addr"`
	// CLIAddr is -cliAddr: the unauthenticated CLI API. Must be a loopback
	// address; the firewall never opens it.
	CLIAddr string `yaml:"cli_addr"`
	// PricePerUnit is -pricePerUnit (wei per pixel, or a value with a
	// currency such as 0.5USD as go-livepeer accepts it).
	PricePerUnit string `yaml:"price_per_unit"`
	// MaxSessions is -maxSessions.
	MaxSessions uint `yaml:"max_sessions"`
	// Transcoder adds -transcoder: transcode on this host (off for an
	// orchestrator with separate transcoders).
	Transcoder bool `yaml:"transcoder"`
	// Monitor is -monitor: Prometheus metrics on the CLI port.
	Monitor bool `yaml:"monitor"`
	// Reward is -reward: whether the node calls reward itself. lpops acts
	// after the grace window only when the node has not, so keeping both on
	// gives two chances per round.
	Reward bool `yaml:"reward"`
	// LimitNOFILE is the open-file limit of the node (at least 50000; the
	// node fails with "too many open files" below that under load).
	LimitNOFILE uint64 `yaml:"limit_nofile"`
	// ExtraFlags are more go-livepeer flags, one argument each
	// (-maxGasPrice=1000000000).
	ExtraFlags List `yaml:"extra_flags"`
}

// The chain nodes a host can run (host.chain_node.kind).
const (
	// ChainNodeNone runs no chain node: the node and lpops use hosted RPC
	// endpoints. The usual choice for Arbitrum One.
	ChainNodeNone = "none"
	// ChainNodeNitro runs an Arbitrum One full node as nitro.service: the
	// official Nitro container image under podman or docker.
	ChainNodeNitro = "nitro"
	// ChainNodeGeth runs geth as geth.service: an Ethereum L1 node (network
	// mainnet) or a devnet (network custom).
	ChainNodeGeth = "geth"
)

// ChainNodeUnits are the systemd units of the chain nodes render can write.
var ChainNodeUnits = map[string]string{ChainNodeNitro: "nitro.service", ChainNodeGeth: "geth.service"}

// HostChainNode says which chain node, if any, the host runs. Render writes
// its unit, points the node's -ethUrl at it, and only its unit may be named
// by a runbook among the chain nodes' units.
type HostChainNode struct {
	// Kind is none, nitro or geth. Empty: geth when host.geth.enabled is
	// true (the older spelling), else none.
	Kind string `yaml:"kind"`
}

// ChainNodeKind is the chain node the host runs: host.chain_node.kind, or
// what host.geth.enabled says when the kind is left out.
func (h Host) ChainNodeKind() string {
	switch {
	case h.ChainNode.Kind != "":
		return h.ChainNode.Kind
	case h.Geth.Enabled:
		return ChainNodeGeth
	}
	return ChainNodeNone
}

// ChainNodeURL is the JSON-RPC URL of the host's own chain node, or "" when
// it runs none.
func (h Host) ChainNodeURL() string {
	var addr string
	switch h.ChainNodeKind() {
	case ChainNodeGeth:
		addr = h.Geth.HTTPAddr
	case ChainNodeNitro:
		addr = h.Nitro.HTTPAddr
	default:
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return "http://" + net.JoinHostPort(host, port)
}

// HostNitro is a local Arbitrum One full node, run as nitro.service: the
// official image (offchainlabs/nitro-node) in a container. Its parent chain
// (Ethereum L1) endpoints are a systemd credential, never on a command line.
type HostNitro struct {
	// Runtime is the container runtime's binary: /usr/bin/podman or
	// /usr/bin/docker.
	Runtime string `yaml:"runtime"`
	// Image is the Nitro image with its release tag (pin one; never latest).
	Image string `yaml:"image"`
	// DataDir is mounted at /home/user/.arbitrum in the container, usually
	// the chain volume's mount point. The unit gives it to the image's
	// user (uid 1000) before each start.
	DataDir string `yaml:"data_dir"`
	// HTTPAddr is where Nitro's JSON-RPC listens (the container uses the
	// host network: no NAT rule for nftables.conf to flush).
	// Must be loopback: the firewall never opens it.
	HTTPAddr string `yaml:"http_addr"`
	// L1Credential is the root-only file holding the parent chain
	// endpoints as environment lines Nitro reads (--conf.env-prefix=NITRO):
	//   NITRO_PARENT__CHAIN_CONNECTION_URL=https://...
	//   NITRO_PARENT__CHAIN_BLOB__CLIENT_BEACON__URL=https://...
	// systemd loads it with LoadCredential= and the runtime reads it with
	// --env-file: provider URLs hold API keys.
	L1Credential string `yaml:"l1_credential"`
	// Init is --init.latest: the snapshot Nitro downloads into an empty
	// data directory (pruned or archive). Empty: none, sync from genesis.
	Init string `yaml:"init"`
	// ExtraFlags are more Nitro flags, one argument each.
	ExtraFlags List `yaml:"extra_flags"`
}

// HostGeth is an optional local chain node run as geth.service.
type HostGeth struct {
	Enabled bool   `yaml:"enabled"`
	Binary  string `yaml:"binary"`
	User    string `yaml:"user"`
	// DataDir is --datadir, usually the chain volume's mount point.
	DataDir string `yaml:"data_dir"`
	// HTTPAddr is the JSON-RPC listener (--http.addr/--http.port). Must be
	// loopback: the firewall never opens it.
	HTTPAddr string `yaml:"http_addr"`
	// SyncMode is --syncmode: snap or full.
	SyncMode string `yaml:"sync_mode"`
	// CacheMB is --cache, in megabytes.
	CacheMB     uint   `yaml:"cache_mb"`
	LimitNOFILE uint64 `yaml:"limit_nofile"`
	// ExtraFlags are more geth flags, one argument each.
	ExtraFlags List `yaml:"extra_flags"`
}

// HostLpops is lpops itself as lpops.service.
type HostLpops struct {
	Binary string `yaml:"binary"`
	User   string `yaml:"user"`
	// ConfigPath is where this configuration file lives on the host.
	ConfigPath string `yaml:"config_path"`
	// CredentialsDir holds the root-only files systemd loads as lpops'
	// credentials: every secret file this configuration names under
	// /run/credentials/lpops.service/NAME is loaded from CredentialsDir/NAME.
	CredentialsDir string `yaml:"credentials_dir"`
	// EnvironmentFile is an optional EnvironmentFile= for the *_env secrets.
	EnvironmentFile string `yaml:"environment_file"`
	// Watchdog is WatchdogSec=: systemd restarts lpops when its keeper loop
	// stops pinging for this long. 0 disables it.
	Watchdog Duration `yaml:"watchdog"`
}

// HostVolumes are the block volumes lpops' host mounts: one for the node's
// data and one for the chain node.
type HostVolumes struct {
	Data  HostVolume `yaml:"data"`
	Chain HostVolume `yaml:"chain"`
}

// HostVolume is one block volume, formatted on first boot (only when it holds
// no filesystem) and mounted by label.
type HostVolume struct {
	// Device is the block device as attached (/dev/sdf; on AWS Nitro hosts
	// the NVMe device whose EBS mapping names it is found). Empty: this
	// volume is not managed.
	Device string `yaml:"device"`
	// Label is the filesystem label fstab mounts by (ext4: 16 characters,
	// xfs: 12).
	Label string `yaml:"label"`
	// Mount is the mount point.
	Mount string `yaml:"mount"`
	// FSType is ext4 or xfs.
	FSType string `yaml:"fs_type"`
	// Options are the fstab mount options; nofail is always added.
	Options string `yaml:"options"`
	// Owner is the user that owns the mount point.
	Owner string `yaml:"owner"`
}

// Managed reports whether the volume is set up by the host configuration.
func (v HostVolume) Managed() bool { return v.Device != "" }

// HostFirewall is the inbound policy: everything is dropped except
// established traffic, loopback, ICMP, ssh from SSHCIDRs and the node's
// service port (host.node.http_addr) from anywhere.
type HostFirewall struct {
	SSHPort uint16 `yaml:"ssh_port"`
	// SSHCIDRs are the networks (a bastion's address/32) ssh is open to.
	SSHCIDRs List `yaml:"ssh_cidrs"`
}

// HostJournald bounds the journal.
type HostJournald struct {
	// SystemMaxUse is SystemMaxUse=: a size such as 2G.
	SystemMaxUse string `yaml:"system_max_use"`
	// MaxRetention is MaxRetentionSec=; 0: no time limit.
	MaxRetention Duration `yaml:"max_retention"`
}

// HostLogrotate rotates file logs (the services log to the journal; this is
// for anything else an operator adds).
type HostLogrotate struct {
	Paths List `yaml:"paths"`
	// Rotate is how many daily rotations are kept.
	Rotate uint `yaml:"rotate"`
}

// HostChrony lists the time servers chrony prefers.
type HostChrony struct {
	Servers List `yaml:"servers"`
}

// HostSysctl raises the kernel's file-handle limits.
type HostSysctl struct {
	FileMax uint64 `yaml:"file_max"`
	// NrOpen is fs.nr_open, the ceiling of any LimitNOFILE.
	NrOpen uint64 `yaml:"nr_open"`
}

// HostAWS is the AWS layout `lpops render` writes as a CloudFormation
// template: one instance, a data and a chain EBS volume, an Elastic IP, a
// security group mirroring host.firewall and a DLM snapshot policy.
type HostAWS struct {
	Region string `yaml:"region"`
	// AvailabilityZone pins the instance when no SubnetID is given.
	AvailabilityZone string  `yaml:"availability_zone"`
	InstanceType     string  `yaml:"instance_type"`
	AMI              HostAMI `yaml:"ami"`
	// KeyName is an EC2 key pair for ssh. Empty: none.
	KeyName string `yaml:"key_name"`
	// VPCID and SubnetID place the instance; both empty: the default VPC.
	VPCID       string    `yaml:"vpc_id"`
	SubnetID    string    `yaml:"subnet_id"`
	RootVolume  HostEBS   `yaml:"root_volume"`
	DataVolume  HostEBS   `yaml:"data_volume"`
	ChainVolume HostEBS   `yaml:"chain_volume"`
	ElasticIP   bool      `yaml:"elastic_ip"`
	Snapshots   HostDLM   `yaml:"snapshots"`
	Tags        []HostTag `yaml:"tags"`
}

// HostAMI selects the machine image: ID when set, else the SSM public
// parameter (Canonical publishes Ubuntu's current AMI ids there).
type HostAMI struct {
	SSMParameter string `yaml:"ssm_parameter"`
	ID           string `yaml:"id"`
}

// HostEBS is the size and type of an EBS volume.
type HostEBS struct {
	SizeGB uint   `yaml:"size_gb"`
	Type   string `yaml:"type"`
}

// HostDLM is the snapshot schedule of the data and chain volumes.
type HostDLM struct {
	Enabled bool `yaml:"enabled"`
	// IntervalHours is one of 1, 2, 3, 4, 6, 8, 12 or 24.
	IntervalHours uint `yaml:"interval_hours"`
	// Time is the UTC start time, hh:mm.
	Time string `yaml:"time"`
	// Retain is how many snapshots of each volume are kept.
	Retain uint `yaml:"retain"`
}

// HostTag is one AWS tag put on every resource.
type HostTag struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// MinLimitNOFILE is the lowest open-file limit accepted for go-livepeer and
// geth: below it they fail under load with "too many open files".
const MinLimitNOFILE = 50000

// DefaultHost are the host defaults.
func DefaultHost() Host {
	return Host{
		Node: HostNode{
			Binary:               "/usr/local/bin/livepeer",
			User:                 "livepeer",
			DataDir:              "/var/lib/livepeer",
			KeystorePath:         "/var/lib/livepeer/keystore",
			PassphraseCredential: "/etc/lpops/credentials/livepeer-passphrase",
			HTTPAddr:             "0.0.0.0:8935",
			CLIAddr:              "127.0.0.1:7935",
			MaxSessions:          10,
			Transcoder:           true,
			Monitor:              true,
			Reward:               true,
			LimitNOFILE:          65536,
		},
		Transcoder: DefaultHostTranscoder(),
		Geth: HostGeth{
			Binary:      "/usr/local/bin/geth",
			User:        "geth",
			DataDir:     "/var/lib/geth",
			HTTPAddr:    "127.0.0.1:8545",
			SyncMode:    "snap",
			CacheMB:     4096,
			LimitNOFILE: 65536,
		},
		Nitro: HostNitro{
			Runtime:      "/usr/bin/podman",
			Image:        "docker.io/offchainlabs/nitro-node:v3.9.5-66e42c4",
			DataDir:      "/var/lib/nitro",
			HTTPAddr:     "127.0.0.1:8547",
			L1Credential: "/etc/lpops/credentials/nitro-l1.env",
			Init:         "pruned",
		},
		Lpops: HostLpops{
			Binary:         "/usr/local/bin/lpops",
			User:           "lpops",
			ConfigPath:     "/etc/lpops/lpops.yaml",
			CredentialsDir: "/etc/lpops/credentials",
			Watchdog:       Duration{time.Minute},
		},
		Volumes: HostVolumes{
			Data: HostVolume{Device: "/dev/sdf", Label: "lpops-data", Mount: "/var/lib/livepeer",
				FSType: "ext4", Options: "defaults,noatime", Owner: "livepeer"},
			Chain: HostVolume{Label: "lpops-chain", Mount: "/var/lib/geth",
				FSType: "ext4", Options: "defaults,noatime", Owner: "geth"},
		},
		Firewall: HostFirewall{SSHPort: 22},
		Journald: HostJournald{SystemMaxUse: "2G", MaxRetention: Duration{30 * 24 * time.Hour}},
		Logrotate: HostLogrotate{
			Rotate: 14,
		},
		Chrony: HostChrony{Servers: List{Items: []string{"169.254.169.123"}}},
		Sysctl: HostSysctl{FileMax: 2097152, NrOpen: 1048576},
		AWS: HostAWS{
			Region:       "us-east-1",
			InstanceType: "c6i.2xlarge",
			AMI: HostAMI{
				SSMParameter: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
			},
			RootVolume:  HostEBS{SizeGB: 30, Type: "gp3"},
			DataVolume:  HostEBS{SizeGB: 100, Type: "gp3"},
			ChainVolume: HostEBS{SizeGB: 2000, Type: "gp3"},
			ElasticIP:   true,
			Snapshots:   HostDLM{Enabled: true, IntervalHours: 24, Time: "03:00", Retain: 7},
		},
	}
}

var (
	userNameRe  = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	hostLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	sizeRe      = regexp.MustCompile(`^[0-9]+[KMGT]?$`)
	hhmmRe      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	awsIDRe     = regexp.MustCompile(`^(ami|vpc|subnet)-[0-9a-f]{8,17}$`)
)

// argSafe is the set of characters a unit's ExecStart argument or path may
// hold without quoting: systemd splits on spaces, expands $ and %, and
// interprets quotes and backslashes.
func argSafe(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n\"'\\$%;")
}

// hostFlagsSet are the go-livepeer flags livepeer.service sets from
// host.node keys; extra_flags may not set them again.
var hostFlagsSet = map[string]string{
	"orchestrator": "", "transcoder": "transcoder", "network": "network",
	"ethController": "controller", "ethUrl": "eth_url", "ethKeystorePath": "keystore_path",
	"datadir": "data_dir", "serviceAddr": "service_addr",
	"httpAddr": "http_addr", "cliAddr": "cli_addr", "pricePerUnit": "price_per_unit",
	"maxSessions": "max_sessions", "monitor": "monitor", "reward": "reward",
}

func (v *validator) host(h Host) {
	if h.Hostname != "" {
		for _, l := range strings.Split(h.Hostname, ".") {
			if !hostLabelRe.MatchString(l) {
				v.add("host.hostname", h.Hostname, "must be a host name: lower-case letters, digits and '-', dot-separated labels of up to 63 characters")
				break
			}
		}
	}
	v.hostNode(h.Node)
	v.hostTranscoder(h)
	v.hostGeth(h.Geth)
	v.hostLpops(h.Lpops)
	v.hostVolume("host.volumes.data", h.Volumes.Data)
	v.hostVolume("host.volumes.chain", h.Volumes.Chain)
	if h.Volumes.Data.Managed() && h.Volumes.Chain.Managed() {
		if h.Volumes.Data.Device == h.Volumes.Chain.Device {
			v.add("host.volumes.chain.device", h.Volumes.Chain.Device, "is also host.volumes.data.device")
		}
		if h.Volumes.Data.Label == h.Volumes.Chain.Label {
			v.add("host.volumes.chain.label", h.Volumes.Chain.Label, "is also host.volumes.data.label")
		}
		if h.Volumes.Data.Mount == h.Volumes.Chain.Mount {
			v.add("host.volumes.chain.mount", h.Volumes.Chain.Mount, "is also host.volumes.data.mount")
		}
	}
	v.hostFirewall(h.Firewall, h.Node.HTTPAddr)
	if !sizeRe.MatchString(h.Journald.SystemMaxUse) {
		v.add("host.journald.system_max_use", h.Journald.SystemMaxUse, "must be a size such as 500M or 2G")
	}
	if h.Journald.MaxRetention.Duration < 0 {
		v.add("host.journald.max_retention", h.Journald.MaxRetention.String(), "must not be negative (0: no time limit)")
	}
	for i, p := range h.Logrotate.Paths.Items {
		v.hostPath(fmt.Sprintf("host.logrotate.paths[%d]", i), p)
	}
	if h.Logrotate.Rotate == 0 {
		v.add("host.logrotate.rotate", "0", "must be at least 1")
	}
	for i, s := range h.Chrony.Servers.Items {
		if !argSafe(s) || strings.HasPrefix(s, "-") {
			v.add(fmt.Sprintf("host.chrony.servers[%d]", i), s, "must be a host name or an IP address")
		}
	}
	if h.Sysctl.FileMax < MinLimitNOFILE {
		v.add("host.sysctl.file_max", strconv.FormatUint(h.Sysctl.FileMax, 10), fmt.Sprintf("must be at least %d", MinLimitNOFILE))
	}
	for _, l := range []struct {
		field string
		n     uint64
	}{{"host.node.limit_nofile", h.Node.LimitNOFILE}, {"host.geth.limit_nofile", h.Geth.LimitNOFILE}} {
		if l.n > h.Sysctl.NrOpen {
			v.add("host.sysctl.nr_open", strconv.FormatUint(h.Sysctl.NrOpen, 10),
				fmt.Sprintf("must be at least %s (%d): no process may open more files than fs.nr_open", l.field, l.n))
			break
		}
	}
	v.hostAWS(h.AWS)
}

func (v *validator) hostNode(n HostNode) {
	v.hostPath("host.node.binary", n.Binary)
	v.userName("host.node.user", n.User)
	v.hostPath("host.node.data_dir", n.DataDir)
	v.hostPath("host.node.keystore_path", n.KeystorePath)
	v.hostPath("host.node.passphrase_credential", n.PassphraseCredential)
	if n.EthURL != "" {
		if msg, shown := checkEndpointURL(n.EthURL); msg != "" || !argSafe(n.EthURL) {
			if msg == "" {
				msg = "must not hold spaces, quotes, $ or %"
			}
			v.add("host.node.eth_url", shown, msg)
		}
	}
	if n.EnvironmentFile != "" {
		v.hostPath("host.node.environment_file", n.EnvironmentFile)
	}
	if n.ServiceAddr != "" {
		if _, _, err := splitHostPort(n.ServiceAddr); err != nil {
			v.add("host.node.service_addr", n.ServiceAddr, "must be the public host:port of the service, such as orch.example.com:8935")
		}
	}
	v.hostPort("host.node.http_addr", n.HTTPAddr, false)
	v.hostPort("host.node.cli_addr", n.CLIAddr, true)
	if n.PricePerUnit != "" && !argSafe(n.PricePerUnit) {
		v.add("host.node.price_per_unit", n.PricePerUnit, "must be one word, such as 1000 or 0.5USD")
	}
	if n.MaxSessions == 0 {
		v.add("host.node.max_sessions", "0", "must be at least 1")
	}
	v.limitNOFILE("host.node.limit_nofile", n.LimitNOFILE)
	v.extraFlags("host.node.extra_flags", n.ExtraFlags.Items, true, hostFlagsSet, "livepeer.service", "host.node.")
}

// gethFlagsSet are the geth flags geth.service sets from host.geth keys.
var gethFlagsSet = map[string]string{
	"datadir": "data_dir", "syncmode": "sync_mode", "cache": "cache_mb",
	"http": "http_addr", "http.addr": "http_addr", "http.port": "http_addr", "http.api": "",
}

func (v *validator) hostGeth(g HostGeth) {
	v.hostPath("host.geth.binary", g.Binary)
	v.userName("host.geth.user", g.User)
	v.hostPath("host.geth.data_dir", g.DataDir)
	v.hostPort("host.geth.http_addr", g.HTTPAddr, true)
	v.oneOf("host.geth.sync_mode", g.SyncMode, "snap", "full")
	v.limitNOFILE("host.geth.limit_nofile", g.LimitNOFILE)
	v.extraFlags("host.geth.extra_flags", g.ExtraFlags.Items, false, gethFlagsSet, "geth.service", "host.geth.")
}

func (v *validator) hostLpops(l HostLpops) {
	v.hostPath("host.lpops.binary", l.Binary)
	v.userName("host.lpops.user", l.User)
	v.hostPath("host.lpops.config_path", l.ConfigPath)
	v.hostPath("host.lpops.credentials_dir", l.CredentialsDir)
	if l.EnvironmentFile != "" {
		v.hostPath("host.lpops.environment_file", l.EnvironmentFile)
	}
	switch d := l.Watchdog.Duration; {
	case d < 0:
		v.add("host.lpops.watchdog", l.Watchdog.String(), "must not be negative (0 disables the watchdog)")
	case d > 0 && d < 2*time.Second:
		v.add("host.lpops.watchdog", l.Watchdog.String(), "must be at least 2s, or 0 to disable the watchdog")
	}
}

func (v *validator) hostVolume(p string, vol HostVolume) {
	if !vol.Managed() {
		return
	}
	v.hostPath(p+".device", vol.Device)
	if !strings.HasPrefix(vol.Device, "/dev/") {
		v.add(p+".device", vol.Device, "must be a block device under /dev/, such as /dev/sdf")
	}
	v.hostPath(p+".mount", vol.Mount)
	if vol.Mount == "/" {
		v.add(p+".mount", vol.Mount, "must not be /")
	}
	v.oneOf(p+".fs_type", vol.FSType, "ext4", "xfs")
	maxLabel := 16
	if vol.FSType == "xfs" {
		maxLabel = 12
	}
	if vol.Label == "" || len(vol.Label) > maxLabel || !argSafe(vol.Label) || strings.Contains(vol.Label, "/") {
		v.add(p+".label", vol.Label, fmt.Sprintf("must be 1 to %d characters without spaces or /", maxLabel))
	}
	if vol.Options == "" || !argSafe(vol.Options) {
		v.add(p+".options", vol.Options, "must be fstab mount options such as defaults,noatime")
	}
	v.userName(p+".owner", vol.Owner)
}

func (v *validator) hostFirewall(f HostFirewall, serviceAddr string) {
	switch {
	case f.SSHPort == 0:
		v.add("host.firewall.ssh_port", "0", "must be a port from 1 to 65535")
	case f.SSHPort == HostPort(serviceAddr):
		v.add("host.firewall.ssh_port", strconv.Itoa(int(f.SSHPort)), "is also the port of host.node.http_addr, which is open to everyone")
	}
	for i, c := range f.SSHCIDRs.Items {
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			v.add(fmt.Sprintf("host.firewall.ssh_cidrs[%d]", i), c, "must be a network in CIDR notation, such as 203.0.113.7/32")
		case p != p.Masked():
			v.add(fmt.Sprintf("host.firewall.ssh_cidrs[%d]", i), c, "has host bits set; the network is "+p.Masked().String())
		}
	}
}

var (
	ebsTypes       = []string{"gp3", "gp2", "io2", "io1", "st1", "sc1", "standard"}
	dlmIntervals   = map[uint]bool{1: true, 2: true, 3: true, 4: true, 6: true, 8: true, 12: true, 24: true}
	awsTagKeyWords = "letters, digits, spaces and _ . : / = + - @"
	awsTagRe       = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

func (v *validator) hostAWS(a HostAWS) {
	if !regionRe.MatchString(a.Region) {
		v.add("host.aws.region", a.Region, "must be an AWS region such as us-east-1")
	}
	if a.AvailabilityZone != "" && !strings.HasPrefix(a.AvailabilityZone, a.Region) {
		v.add("host.aws.availability_zone", a.AvailabilityZone, "must be a zone of host.aws.region, such as "+a.Region+"a")
	}
	if a.InstanceType == "" || !argSafe(a.InstanceType) {
		v.add("host.aws.instance_type", a.InstanceType, "must be an EC2 instance type such as c6i.2xlarge")
	}
	switch {
	case a.AMI.ID != "":
		if !awsIDRe.MatchString(a.AMI.ID) || !strings.HasPrefix(a.AMI.ID, "ami-") {
			v.add("host.aws.ami.id", a.AMI.ID, "must be an AMI id such as ami-0123456789abcdef0")
		}
	case !strings.HasPrefix(a.AMI.SSMParameter, "/") || !argSafe(a.AMI.SSMParameter):
		v.add("host.aws.ami.ssm_parameter", a.AMI.SSMParameter, "must be an SSM parameter path such as /aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id, or set host.aws.ami.id")
	}
	if a.KeyName != "" && strings.ContainsAny(a.KeyName, "\"\\\n") {
		v.add("host.aws.key_name", a.KeyName, "must be the name of an EC2 key pair")
	}
	if a.VPCID != "" && (!awsIDRe.MatchString(a.VPCID) || !strings.HasPrefix(a.VPCID, "vpc-")) {
		v.add("host.aws.vpc_id", a.VPCID, "must be a VPC id such as vpc-0123456789abcdef0")
	}
	if a.SubnetID != "" && (!awsIDRe.MatchString(a.SubnetID) || !strings.HasPrefix(a.SubnetID, "subnet-")) {
		v.add("host.aws.subnet_id", a.SubnetID, "must be a subnet id such as subnet-0123456789abcdef0")
	}
	if (a.VPCID == "") != (a.SubnetID == "") {
		v.add("host.aws", "", "sets only one of vpc_id and subnet_id; set both, or neither for the default VPC")
	}
	for _, e := range []struct {
		p string
		v HostEBS
	}{{"host.aws.root_volume", a.RootVolume}, {"host.aws.data_volume", a.DataVolume}, {"host.aws.chain_volume", a.ChainVolume}} {
		if e.v.SizeGB == 0 || e.v.SizeGB > 65536 {
			v.add(e.p+".size_gb", strconv.FormatUint(uint64(e.v.SizeGB), 10), "must be from 1 to 65536")
		}
		v.oneOf(e.p+".type", e.v.Type, ebsTypes...)
	}
	s := a.Snapshots
	if !dlmIntervals[s.IntervalHours] {
		v.add("host.aws.snapshots.interval_hours", strconv.FormatUint(uint64(s.IntervalHours), 10), "must be 1, 2, 3, 4, 6, 8, 12 or 24")
	}
	if !hhmmRe.MatchString(s.Time) {
		v.add("host.aws.snapshots.time", s.Time, "must be a UTC time hh:mm, such as 03:00")
	}
	if s.Retain == 0 || s.Retain > 1000 {
		v.add("host.aws.snapshots.retain", strconv.FormatUint(uint64(s.Retain), 10), "must be from 1 to 1000")
	}
	for i, t := range a.Tags {
		p := fmt.Sprintf("host.aws.tags[%d]", i)
		switch {
		case t.Key == "" || len(t.Key) > 128 || !awsTagRe.MatchString(t.Key):
			v.add(p+".key", t.Key, "must be 1 to 128 characters: "+awsTagKeyWords)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			v.add(p+".key", t.Key, "must not start with aws: (reserved by AWS)")
		}
		if len(t.Value) > 256 || !awsTagRe.MatchString(t.Value) {
			v.add(p+".value", t.Value, "must be up to 256 characters: "+awsTagKeyWords)
		}
	}
}

// hostPath checks an absolute path on the host that a unit or script names.
func (v *validator) hostPath(field, p string) {
	if !strings.HasPrefix(p, "/") || !argSafe(p) {
		v.add(field, p, "must be an absolute path without spaces, quotes, $ or %")
	}
}

func (v *validator) userName(field, name string) {
	if !userNameRe.MatchString(name) || name == "root" {
		v.add(field, name, "must be a system user name (lower-case letters, digits, _ and -; not root)")
	}
}

// hostPort checks host:port; loopback requires a loopback IP address.
func (v *validator) hostPort(field, addr string, loopback bool) {
	host, _, err := splitHostPort(addr)
	switch {
	case err != nil:
		v.add(field, addr, "must be host:port with a numeric port")
	case loopback:
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.IsLoopback() {
			v.add(field, addr, "must listen on a loopback address (127.0.0.1 or [::1]): the port is never opened to the network")
		}
	}
}

// splitHostPort splits host:port and parses a port from 1 to 65535.
func splitHostPort(addr string) (string, uint16, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return "", 0, fmt.Errorf("bad port %q", port)
	}
	return host, uint16(n), nil
}

// HostPort returns the port of a host:port the host section holds (0 if it
// does not parse).
func HostPort(addr string) uint16 {
	_, p, err := splitHostPort(addr)
	if err != nil {
		return 0
	}
	return p
}

func (v *validator) limitNOFILE(field string, n uint64) {
	if n < MinLimitNOFILE {
		v.add(field, strconv.FormatUint(n, 10), fmt.Sprintf("must be at least %d: go-livepeer and geth run out of file handles below it", MinLimitNOFILE))
	}
}

// extraFlags checks flags appended to an ExecStart line: one argument each,
// none that the unit already sets from a key (set maps flag to key), and for
// the node no -ethPassword (a literal passphrase on a command line).
func (v *validator) extraFlags(field string, flags []string, livepeer bool, set map[string]string, unit, keyPrefix string) {
	for i, f := range flags {
		p := fmt.Sprintf("%s[%d]", field, i)
		name := strings.TrimLeft(f, "-")
		name, _, _ = strings.Cut(name, "=")
		switch {
		case !strings.HasPrefix(f, "-") || name == "":
			v.add(p, f, "must be a flag starting with -, such as -maxGasPrice=1000000000")
		case livepeer && strings.EqualFold(name, "ethPassword"):
			v.add(p, "", "must not pass the passphrase on the command line; it comes from host.node.passphrase_credential")
		case livepeer && strings.EqualFold(name, "orchSecret"):
			v.add(p, "", "must not pass the orchestrator secret on the command line; it comes from host.transcoder.secret_credential")
		case !argSafe(f):
			v.add(p, f, "must be one argument without spaces, quotes, $ or %; write -flag=value")
		default:
			key, isSet := set[name]
			switch {
			case !isSet:
			case key == "network" || key == "controller":
				v.add(p, f, "is set by "+unit+" from the top-level "+key+" key")
			case key == "":
				v.add(p, f, "is set by "+unit+" already")
			default:
				v.add(p, f, "is set by "+unit+" already; use "+keyPrefix+key)
			}
		}
	}
}
