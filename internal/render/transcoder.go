package render

import (
	"bytes"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/lpops/lpops/internal/config"
)

// Remote transcoders (host.transcoder): go-livepeer's orchestrator/transcoder
// split. The orchestrator runs -orchestrator without -transcoder (only then
// does go-livepeer accept remote transcoders) and with -orchSecret; each
// transcoder host runs -transcoder -orchAddr=<orchestrator> with the same
// secret and announces its -maxSessions as its capacity. Both read the
// secret from a file: go-livepeer's -orchSecret takes a value or a path
// (common.ReadFromFile: the file's content, trimmed, when the path can be
// read), so the units give it ${CREDENTIALS_DIRECTORY}/orch-secret, a
// systemd credential, and the secret is never on a command line. A
// credential systemd cannot load fails the unit's start, and the units are
// skipped until the file exists, so go-livepeer never falls back to taking
// the path itself as the secret.

// RoleTranscoder marks the files installed on a transcoder host
// (File.Role); the orchestrator's user-data leaves them out.
const RoleTranscoder = "transcoder"

// TranscoderUnit is the transcoder host's unit.
const TranscoderUnit = "livepeer-transcoder.service"

// orchSecretArg is -orchSecret as both units pass it: the credential's path.
const orchSecretArg = "-orchSecret=${CREDENTIALS_DIRECTORY}/orch-secret"

// transcoderArgs are livepeer-transcoder.service's ExecStart arguments.
func transcoderArgs(t config.HostTranscoder) []string {
	args := []string{t.Binary, "-transcoder",
		"-orchAddr=" + t.OrchAddr,
		orchSecretArg,
		"-datadir=" + t.DataDir,
		"-cliAddr=" + t.CLIAddr,
		"-maxSessions=" + strconv.FormatUint(uint64(t.MaxSessions), 10),
	}
	if t.Nvidia != "" {
		args = append(args, "-nvidia="+t.Nvidia)
	}
	return append(args, t.ExtraFlags.Items...)
}

// transcoderModel is what the transcoder host's templates see: the
// orchestrator's model with the transcoder host's firewall, users and no
// volume, chain node or service port.
func (m *model) transcoderModel() *model {
	tm := *m
	t := *m.Transcoder
	tm.Geth, tm.Nitro, tm.ChainUnit = nil, nil, ""
	tm.ServicePort = 0
	tm.ClosedPorts = []closedPort{{config.HostPort(t.CLIAddr), "go-livepeer transcoder CLI API (-cliAddr), loopback only"}}
	tm.Volumes = nil
	tm.Users = []string{t.User}
	tm.RestartUnits = nil
	tm.Hostname = ""
	return &tm
}

// renderTranscoder renders the transcoder host's files under transcoder/
// and its user-data, and keeps the user-data for the CloudFormation
// template's launch template.
func (m *model) renderTranscoder() ([]File, error) {
	tm := m.transcoderModel()
	var files []File
	for _, f := range []struct {
		tmpl, path, dest string
		summary, apply   string
	}{
		{"livepeer-transcoder.service.tmpl", "transcoder/" + TranscoderUnit, "/etc/systemd/system/" + TranscoderUnit,
			"transcoder host: systemd unit of the remote transcoder (-transcoder -orchAddr, the secret a credential)",
			"systemctl daemon-reload && systemctl enable --now " + TranscoderUnit},
		{"journald.conf.tmpl", "transcoder/journald.conf.d/lpops.conf", "/etc/systemd/journald.conf.d/lpops.conf",
			"transcoder host: journald retention", "systemctl restart systemd-journald"},
		{"chrony.conf.tmpl", "transcoder/chrony.conf", "/etc/chrony/conf.d/lpops.conf",
			"transcoder host: chrony drop-in", "systemctl restart chrony"},
		{"nftables.conf.tmpl", "transcoder/nftables.conf", "/etc/nftables.conf",
			"transcoder host: nftables ruleset, inbound dropped except ssh from the bastion",
			"nft -c -f /etc/nftables.conf && systemctl enable nftables && systemctl restart nftables"},
	} {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, f.tmpl, tm); err != nil {
			return nil, fmt.Errorf("render %s: %w", f.path, err)
		}
		files = append(files, File{Path: f.path, Dest: f.dest, Mode: 0o644, Role: RoleTranscoder,
			Summary: f.summary, Apply: f.apply, Content: b.Bytes()})
	}
	ud, err := transcoderUserData(tm, files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: "transcoder/user-data.yaml", Mode: 0o644, Content: ud,
		Summary: "transcoder host: cloud-init user-data (#cloud-config), also the Auto Scaling group's launch template's",
		Apply:   "pass as the user data of a fresh Ubuntu transcoder host; check with: cloud-init schema --config-file transcoder/user-data.yaml"})
	m.TranscoderUserData, m.TranscoderUserDataGzip, err = fitUserData("transcoder/user-data.yaml", ud)
	return files, err
}

// transcoderUserData renders the transcoder host's cloud-init user-data:
// its user, chrony and nftables, the files above, its data directory and
// the unit enabled.
func transcoderUserData(tm *model, files []File) ([]byte, error) {
	t := tm.Transcoder
	cc := cloudConfig{
		SSHPwauth:     false,
		DisableRoot:   true,
		Users:         []any{"default", cloudUser{Name: t.User, System: true, Shell: "/usr/sbin/nologin", LockPasswd: true, NoCreateHome: true}},
		PackageUpdate: true,
		Packages:      []string{"chrony", "nftables"},
	}
	for _, f := range files {
		cc.WriteFiles = append(cc.WriteFiles, writeFile{
			Path: f.Dest, Owner: "root:root", Permissions: fmt.Sprintf("%04o", f.Mode), Content: string(f.Content),
		})
	}
	run := func(args ...string) { cc.Runcmd = append(cc.Runcmd, flowList(args)) }
	run("systemctl", "restart", "systemd-journald")
	run("systemctl", "restart", "chrony")
	run("systemctl", "enable", "nftables.service")
	run("systemctl", "restart", "nftables.service")
	run("install", "-d", "-m", "0700", "-o", "root", "-g", "root", "/etc/lpops", dir(t.SecretCredential))
	run("install", "-d", "-m", "0750", "-o", t.User, "-g", t.User, t.DataDir)
	run("systemctl", "daemon-reload")
	// --no-block: the unit waits (skipped by its conditions) for the binary
	// and the secret; cloud-init must not wait on it.
	run("systemctl", "enable", "--now", "--no-block", TranscoderUnit)

	var b bytes.Buffer
	b.WriteString("#cloud-config\n")
	fmt.Fprintf(&b, "# Rendered by `lpops render` from %s: a remote transcoder of the\n", tm.Source)
	fmt.Fprintf(&b, "# orchestrator at %s. It holds no secret: install the livepeer binary\n", t.OrchAddr)
	fmt.Fprintf(&b, "# and %s afterwards (README.txt).\n", t.SecretCredential)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cc); err != nil {
		return nil, fmt.Errorf("render transcoder/user-data.yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// TranscoderUnit is the transcoder host's unit, for the templates.
func (m *model) TranscoderUnit() string { return TranscoderUnit }

// TranscoderImage is the transcoder hosts' AMI: host.transcoder.aws.ami, or
// the orchestrator's when it is left empty.
func (m *model) TranscoderImage() config.HostAMI {
	if a := m.Transcoder.AWS.AMI; a.ID != "" || a.SSMParameter != "" {
		return a
	}
	return m.H.AWS.AMI
}
