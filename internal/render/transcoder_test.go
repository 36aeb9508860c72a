package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const transcodersConfig = "testdata/lpops-transcoders.yaml"

func renderTranscoders(t *testing.T) []File {
	t.Helper()
	files, err := Render(load(t, transcodersConfig), Options{Source: transcodersConfig})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGoldenTranscoders(t *testing.T) {
	checkGolden(t, renderTranscoders(t), "golden-transcoders")
}

// The orchestrator runs without -transcoder and with -orchSecret, each
// transcoder host with -transcoder -orchAddr and the same secret; both read
// the secret from the file their credential is loaded as, never from argv.
func TestTranscoderUnits(t *testing.T) {
	files := renderTranscoders(t)
	orch := string(fileByPath(t, files, "livepeer.service").Content)
	orchExec := strings.Fields(unitValues(orch, "ExecStart")[0])
	if slices.Contains(orchExec, "-transcoder") {
		t.Errorf("the orchestrator runs with -transcoder, so go-livepeer would accept no remote transcoder: %q", orchExec)
	}
	if !slices.Contains(orchExec, "-orchestrator") || !slices.Contains(orchExec, orchSecretArg) {
		t.Errorf("orchestrator ExecStart lacks -orchestrator or %s: %q", orchSecretArg, orchExec)
	}
	wantCreds := []string{"passphrase:/etc/lpops/credentials/livepeer-passphrase", "orch-secret:/etc/lpops/credentials/livepeer-orch-secret"}
	if got := unitValues(orch, "LoadCredential"); !slices.Equal(got, wantCreds) {
		t.Errorf("orchestrator LoadCredential=%q, want %q", got, wantCreds)
	}
	if !slices.Contains(unitValues(orch, "ConditionPathExists"), "/etc/lpops/credentials/livepeer-orch-secret") {
		t.Errorf("the orchestrator starts without its secret: ConditionPathExists=%q", unitValues(orch, "ConditionPathExists"))
	}

	tr := fileByPath(t, files, "transcoder/"+TranscoderUnit)
	if tr.Dest != "/etc/systemd/system/"+TranscoderUnit || tr.Role != RoleTranscoder {
		t.Errorf("%s: Dest %q, Role %q", tr.Path, tr.Dest, tr.Role)
	}
	unit := string(tr.Content)
	exec := strings.Fields(unitValues(unit, "ExecStart")[0])
	want := []string{"/usr/local/bin/livepeer", "-transcoder", "-orchAddr=10.0.1.10:8935", orchSecretArg,
		"-datadir=/var/lib/livepeer-transcoder", "-cliAddr=127.0.0.1:6935", "-maxSessions=12", "-nvidia=0", "-v=4"}
	if !slices.Equal(exec, want) {
		t.Errorf("transcoder ExecStart\n got %q\nwant %q", exec, want)
	}
	for key, want := range map[string]string{
		"LoadCredential": "orch-secret:/etc/lpops/credentials/livepeer-orch-secret", "User": "livepeer",
		"Restart": "always", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
		"ReadWritePaths": "/var/lib/livepeer-transcoder", "ConditionPathExists": "/etc/lpops/credentials/livepeer-orch-secret",
	} {
		if got := unitValues(unit, key); !slices.Equal(got, []string{want}) {
			t.Errorf("transcoder %s=%q, want %q", key, got, want)
		}
	}
	for _, a := range append(orchExec, exec...) {
		if strings.Contains(strings.ToLower(a), "secret") && a != orchSecretArg {
			t.Errorf("a secret-like argument other than the credential's path: %q", a)
		}
	}
}

// Each host's user-data installs its own files only: the orchestrator's
// none of the transcoder's, the transcoder's every one of them, then
// enables the transcoder unit.
func TestTranscoderUserData(t *testing.T) {
	files := renderTranscoders(t)
	orchUD := string(fileByPath(t, files, "user-data.yaml").Content)
	if strings.Contains(orchUD, TranscoderUnit) {
		t.Errorf("the orchestrator's user-data installs %s", TranscoderUnit)
	}
	ud := fileByPath(t, files, "transcoder/user-data.yaml").Content
	var cc struct {
		WriteFiles []cloudConfigFile `yaml:"write_files"`
		Users      []any             `yaml:"users"`
		Runcmd     [][]string        `yaml:"runcmd"`
	}
	if err := yaml.Unmarshal(ud, &cc); err != nil || !bytes.HasPrefix(ud, []byte("#cloud-config\n")) {
		t.Fatalf("transcoder/user-data.yaml: %v", err)
	}
	byPath := map[string]cloudConfigFile{}
	for _, w := range cc.WriteFiles {
		byPath[w.Path] = w
	}
	n := 0
	for _, f := range files {
		if f.Role != RoleTranscoder {
			continue
		}
		n++
		if w, ok := byPath[f.Dest]; !ok || w.Content != string(f.Content) {
			t.Errorf("transcoder user-data does not write %s as %s", f.Path, f.Dest)
		}
	}
	if n != len(cc.WriteFiles) || n < 4 {
		t.Errorf("transcoder user-data writes %d files, %d are the transcoder host's", len(cc.WriteFiles), n)
	}
	var cmds []string
	for _, c := range cc.Runcmd {
		cmds = append(cmds, strings.Join(c, " "))
	}
	if last := cmds[len(cmds)-1]; last != "systemctl enable --now --no-block "+TranscoderUnit {
		t.Errorf("last runcmd %q, want the transcoder unit enabled", last)
	}
	if !slices.Contains(cmds, "install -d -m 0750 -o livepeer -g livepeer /var/lib/livepeer-transcoder") {
		t.Errorf("runcmd does not create the data directory:\n%s", strings.Join(cmds, "\n"))
	}
}

// The CloudFormation template gains an Auto Scaling group of transcoder
// hosts booting with transcoder/user-data.yaml, sized by parameters.
func TestTranscoderCloudFormation(t *testing.T) {
	files := renderTranscoders(t)
	tmpl := cfnTemplate(t, files)
	params, _ := tmpl["Parameters"].(map[string]any)
	resources, _ := tmpl["Resources"].(map[string]any)
	for name, typ := range map[string]string{
		"TranscoderSecurityGroup": "AWS::EC2::SecurityGroup", "TranscoderLaunchTemplate": "AWS::EC2::LaunchTemplate",
		"TranscoderGroup": "AWS::AutoScaling::AutoScalingGroup", "Instance": "AWS::EC2::Instance",
	} {
		r, _ := resources[name].(map[string]any)
		if r == nil || r["Type"] != typ {
			t.Errorf("resource %s = %v, want a %s", name, r, typ)
		}
	}
	for name, def := range map[string]int{"TranscoderDesired": 3, "TranscoderMin": 2, "TranscoderMax": 6} {
		p, _ := params[name].(map[string]any)
		if p == nil || p["Type"] != "Number" || p["Default"] != def {
			t.Errorf("parameter %s = %v, want a Number defaulting to %d", name, p, def)
		}
	}
	if p, _ := params["TranscoderImageId"].(map[string]any); p == nil || p["Default"] != "ami-0123456789abcdef0" {
		t.Errorf("TranscoderImageId = %v, want host.transcoder.aws.ami.id", p)
	}
	group := resources["TranscoderGroup"].(map[string]any)["Properties"].(map[string]any)
	for prop, param := range map[string]string{"DesiredCapacity": "TranscoderDesired", "MinSize": "TranscoderMin", "MaxSize": "TranscoderMax"} {
		if fmt.Sprint(group[prop]) != fmt.Sprint(map[string]any{"Ref": param}) {
			t.Errorf("TranscoderGroup %s = %v, want Ref %s", prop, group[prop], param)
		}
	}
	if fmt.Sprint(group["VPCZoneIdentifier"]) != "[subnet-0123456789abcdef0]" {
		t.Errorf("TranscoderGroup VPCZoneIdentifier = %v, want host.aws.subnet_id", group["VPCZoneIdentifier"])
	}
	lt := resources["TranscoderLaunchTemplate"].(map[string]any)["Properties"].(map[string]any)["LaunchTemplateData"].(map[string]any)
	if !bytes.Equal(userDataValue(t, lt["UserData"]), fileByPath(t, files, "transcoder/user-data.yaml").Content) {
		t.Errorf("the launch template's UserData is not transcoder/user-data.yaml")
	}
	// The transcoders accept only ssh from the bastion.
	sg := resources["TranscoderSecurityGroup"].(map[string]any)["Properties"].(map[string]any)
	for _, r := range sg["SecurityGroupIngress"].([]any) {
		rule := r.(map[string]any)
		if rule["IpProtocol"] == "tcp" && (rule["FromPort"] != 22 || rule["CidrIp"] != "203.0.113.10/32") {
			t.Errorf("transcoder security group opens %v", rule)
		}
	}
	// Every Ref and Fn::GetAtt names something the template defines.
	pseudo := map[string]bool{"AWS::StackName": true, "AWS::Region": true, "AWS::Partition": true}
	walk(tmpl, func(m map[string]any) {
		if r, ok := m["Ref"].(string); ok && params[r] == nil && resources[r] == nil && !pseudo[r] {
			t.Errorf("Ref %s names nothing", r)
		}
		if g, ok := m["Fn::GetAtt"].([]any); ok && (len(g) != 2 || resources[g[0].(string)] == nil) {
			t.Errorf("Fn::GetAtt %v names no resource", g)
		}
	})
}

// The transcoder host's files pass the tools that consume them:
// systemd-analyze verify (both units), cloud-init's schema, nft -c.
func TestTranscoderFilesWithTools(t *testing.T) {
	c := load(t, transcodersConfig)
	stubBinaries(t, c)
	c.Host.Transcoder.Binary = c.Host.Node.Binary // a stub that exists
	dir := renderTo(t, c)
	tdir := filepath.Join(dir, "transcoder")
	if f := verifyUnits(t, tdir, TranscoderUnit); len(f) > 0 {
		t.Errorf("systemd-analyze verify reports on %s:\n%s", TranscoderUnit, strings.Join(f, "\n"))
	}
	if f := verifyUnits(t, dir, "livepeer.service"); len(f) > 0 {
		t.Errorf("systemd-analyze verify reports on the orchestrator's unit:\n%s", strings.Join(f, "\n"))
	}
	ci := requireTool(t, "cloud-init", "cloud-init")
	if out, err := run(t, tdir, nil, ci, "schema", "--config-file", filepath.Join(tdir, "user-data.yaml")); err != nil || !strings.Contains(out, "Valid cloud-config") {
		t.Errorf("cloud-init schema transcoder/user-data.yaml: %v\n%s", err, out)
	}
	nft := requireTool(t, "nft", "nftables")
	if out, err := run(t, tdir, nil, nft, "-c", "-f", filepath.Join(tdir, "nftables.conf")); err != nil {
		t.Errorf("nft -c -f transcoder/nftables.conf: %v\n%s", err, out)
	}
}
