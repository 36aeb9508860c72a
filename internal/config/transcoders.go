package config

import (
	"fmt"
	"strconv"
	"strings"
)

// NodeTranscoders is what lpops expects of the remote transcoders of an
// orchestrator that does not transcode itself (go-livepeer's
// orchestrator/transcoder split: the orchestrator runs -orchestrator
// -orchSecret without -transcoder, each transcoder host runs -transcoder
// -orchAddr with the same secret). The transcoders probe reads the node's
// /status RegisteredTranscoders and compares them with it. Both zero: no
// remote transcoders are watched.
type NodeTranscoders struct {
	// Expected is how many transcoders must be connected; fewer fires
	// TranscoderMissing.
	Expected uint `yaml:"expected"`
	// MinCapacity is the least total capacity (sum of the transcoders'
	// -maxSessions) that must be connected; less fires
	// TranscoderCapacityLow. 0: not checked.
	MinCapacity uint `yaml:"min_capacity"`
}

// Enabled reports whether remote transcoders are watched.
func (t NodeTranscoders) Enabled() bool { return t.Expected > 0 || t.MinCapacity > 0 }

func (v *validator) nodeTranscoders(n Node) {
	if n.Transcoders.Enabled() && n.CLIURL == "" {
		v.add("node.transcoders", "", "needs node.cli_url: the connected transcoders are read from the node's /status")
	}
}

// HostTranscoder is a transcoder host: a machine running go-livepeer as
// -transcoder for the orchestrator at OrchAddr, under the orchestrator's one
// on-chain identity (it holds no key and no ETH). `lpops render` writes its
// unit and cloud-init under transcoder/ and, in the CloudFormation template,
// an Auto Scaling group of such hosts. Setting OrchAddr is what turns the
// role on; the orchestrator's livepeer.service then gains -orchSecret from
// the same credential, and must run without -transcoder (host.node.transcoder
// false): go-livepeer accepts remote transcoders only then.
type HostTranscoder struct {
	// OrchAddr is -orchAddr: the orchestrator's service address
	// (host.node.service_addr, or its private address) the transcoder
	// connects to. Empty: no transcoder hosts.
	OrchAddr string `yaml:"orch_addr"`
	// SecretCredential is the root-only file holding the secret the
	// orchestrator and its transcoders share (-orchSecret), on the
	// orchestrator host and on every transcoder host. systemd hands it to
	// the node with LoadCredential= and go-livepeer reads the file named by
	// -orchSecret: the secret is never on a command line.
	SecretCredential string `yaml:"secret_credential"`
	// Binary is the livepeer executable on the transcoder host.
	Binary string `yaml:"binary"`
	// User is the system user the transcoder runs as.
	User string `yaml:"user"`
	// DataDir is -datadir: the transcoder's scratch space for segments.
	DataDir string `yaml:"data_dir"`
	// CLIAddr is -cliAddr, loopback only (go-livepeer's default for a
	// transcoder is 127.0.0.1:6935).
	CLIAddr string `yaml:"cli_addr"`
	// Nvidia is -nvidia: the GPU ids to transcode on ("0,1", or "all").
	// Empty: transcode on the CPU.
	Nvidia string `yaml:"nvidia"`
	// MaxSessions is -maxSessions: the capacity the transcoder announces to
	// the orchestrator (RegisteredTranscoders[].Capacity).
	MaxSessions uint `yaml:"max_sessions"`
	// LimitNOFILE is the transcoder's open-file limit.
	LimitNOFILE uint64 `yaml:"limit_nofile"`
	// ExtraFlags are more go-livepeer flags, one argument each.
	ExtraFlags List `yaml:"extra_flags"`
	// AWS is the Auto Scaling group of transcoder hosts in the
	// CloudFormation template.
	AWS HostTranscoderAWS `yaml:"aws"`
}

// HostTranscoderAWS sizes the transcoder hosts' Auto Scaling group. The
// counts are the template's parameters' defaults, changed at deploy time
// without a new render.
type HostTranscoderAWS struct {
	InstanceType string `yaml:"instance_type"`
	// AMI of the transcoder hosts; with nvidia set, an image that has the
	// NVIDIA driver (Ubuntu's stock image has none). Empty: host.aws.ami.
	AMI        HostAMI `yaml:"ami"`
	RootVolume HostEBS `yaml:"root_volume"`
	Desired    uint    `yaml:"desired"`
	Min        uint    `yaml:"min"`
	Max        uint    `yaml:"max"`
}

// Enabled reports whether the host section describes transcoder hosts.
func (t HostTranscoder) Enabled() bool { return t.OrchAddr != "" }

// DefaultHostTranscoder are the transcoder host's defaults.
func DefaultHostTranscoder() HostTranscoder {
	return HostTranscoder{
		SecretCredential: "/etc/lpops/credentials/livepeer-orch-secret",
		Binary:           "/usr/local/bin/livepeer",
		User:             "livepeer",
		DataDir:          "/var/lib/livepeer-transcoder",
		CLIAddr:          "127.0.0.1:6935",
		MaxSessions:      10,
		LimitNOFILE:      65536,
		AWS: HostTranscoderAWS{
			InstanceType: "g4dn.xlarge",
			RootVolume:   HostEBS{SizeGB: 50, Type: "gp3"},
			Desired:      1,
			Min:          1,
			Max:          4,
		},
	}
}

// transcoderFlagsSet are the go-livepeer flags livepeer-transcoder.service
// sets from host.transcoder keys.
var transcoderFlagsSet = map[string]string{
	"transcoder": "", "orchestrator": "", "orchAddr": "orch_addr", "orchSecret": "secret_credential",
	"datadir": "data_dir", "cliAddr": "cli_addr", "nvidia": "nvidia", "maxSessions": "max_sessions",
}

func (v *validator) hostTranscoder(h Host) {
	t := h.Transcoder
	if !t.Enabled() {
		return
	}
	if h.Node.Transcoder {
		v.add("host.node.transcoder", "true", "must be false when host.transcoder.orch_addr is set: "+
			"go-livepeer accepts remote transcoders only on an orchestrator started without -transcoder")
	}
	const p = "host.transcoder."
	if _, _, err := splitHostPort(t.OrchAddr); err != nil || !argSafe(t.OrchAddr) {
		v.add(p+"orch_addr", t.OrchAddr, "must be the orchestrator's host:port, such as orch.example.com:8935")
	}
	v.hostPath(p+"secret_credential", t.SecretCredential)
	v.hostPath(p+"binary", t.Binary)
	v.userName(p+"user", t.User)
	v.hostPath(p+"data_dir", t.DataDir)
	v.hostPort(p+"cli_addr", t.CLIAddr, true)
	if t.Nvidia != "" && t.Nvidia != "all" {
		for _, id := range strings.Split(t.Nvidia, ",") {
			if _, err := strconv.ParseUint(id, 10, 8); err != nil {
				v.add(p+"nvidia", t.Nvidia, `must be GPU ids separated by commas, such as "0,1", or "all"`)
				break
			}
		}
	}
	if t.MaxSessions == 0 {
		v.add(p+"max_sessions", "0", "must be at least 1")
	}
	v.limitNOFILE(p+"limit_nofile", t.LimitNOFILE)
	v.extraFlags(p+"extra_flags", t.ExtraFlags.Items, true, transcoderFlagsSet, "livepeer-transcoder.service", p)
	a := t.AWS
	if a.InstanceType == "" || !argSafe(a.InstanceType) {
		v.add(p+"aws.instance_type", a.InstanceType, "must be an EC2 instance type such as g4dn.xlarge")
	}
	if a.AMI.ID != "" && (!awsIDRe.MatchString(a.AMI.ID) || !strings.HasPrefix(a.AMI.ID, "ami-")) {
		v.add(p+"aws.ami.id", a.AMI.ID, "must be an AMI id such as ami-0123456789abcdef0")
	}
	if a.AMI.SSMParameter != "" && (!strings.HasPrefix(a.AMI.SSMParameter, "/") || !argSafe(a.AMI.SSMParameter)) {
		v.add(p+"aws.ami.ssm_parameter", a.AMI.SSMParameter, "must be an SSM parameter path such as /aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id")
	}
	if a.RootVolume.SizeGB == 0 || a.RootVolume.SizeGB > 65536 {
		v.add(p+"aws.root_volume.size_gb", strconv.FormatUint(uint64(a.RootVolume.SizeGB), 10), "must be from 1 to 65536")
	}
	v.oneOf(p+"aws.root_volume.type", a.RootVolume.Type, ebsTypes...)
	switch {
	case a.Max == 0:
		v.add(p+"aws.max", "0", "must be at least 1")
	case a.Min > a.Max:
		v.add(p+"aws.min", strconv.FormatUint(uint64(a.Min), 10), fmt.Sprintf("must be at most host.transcoder.aws.max (%d)", a.Max))
	case a.Desired < a.Min || a.Desired > a.Max:
		v.add(p+"aws.desired", strconv.FormatUint(uint64(a.Desired), 10), fmt.Sprintf("must be from host.transcoder.aws.min (%d) to host.transcoder.aws.max (%d)", a.Min, a.Max))
	}
}
