package render

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/lpops/lpops/internal/config"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current templates")

const sampleConfig = "testdata/lpops.yaml"

// load parses a configuration as `lpops render` does (relative paths kept).
func load(t *testing.T, file string) *config.Config {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(data, file)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func renderSample(t *testing.T) []File {
	t.Helper()
	files, err := Render(load(t, sampleConfig), Options{Source: sampleConfig})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func fileByPath(t *testing.T, files []File, p string) File {
	t.Helper()
	for _, f := range files {
		if f.Path == p {
			return f
		}
	}
	t.Fatalf("no %s rendered", p)
	return File{}
}

func TestGolden(t *testing.T) {
	checkGolden(t, renderSample(t), "golden")
}

// checkGolden compares files with testdata/<name>, or rewrites it with
// -update.
func checkGolden(t *testing.T, files []File, name string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if _, err := WriteDir(golden, files, false); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		t.Run(strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(f.Path), func(t *testing.T) {
			g, err := os.ReadFile(filepath.Join(golden, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatalf("%v (run go test ./internal/render -run TestGolden -update)", err)
			}
			if !bytes.Equal(g, f.Content) {
				t.Errorf("%s differs from testdata/%s/%s (rerun with -update and review the diff):\n%s", f.Path, name, f.Path, f.Content)
			}
		})
	}
	err := filepath.WalkDir(golden, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(golden, p)
			if !want[filepath.ToSlash(rel)] {
				t.Errorf("testdata/%s/%s is no longer rendered; remove it (-update does)", name, rel)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a, b := renderSample(t), renderSample(t)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Content, b[i].Content) {
			t.Errorf("%s renders differently on a second run", a[i].Path)
		}
	}
	// The source is named by its base name: where the file is does not matter.
	c, err := Render(load(t, sampleConfig), Options{Source: "/elsewhere/" + filepath.Base(sampleConfig)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !bytes.Equal(a[i].Content, c[i].Content) {
			t.Errorf("%s depends on the configuration's directory", a[i].Path)
		}
	}
}

func TestRenderedFileSet(t *testing.T) {
	files := renderSample(t)
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	want := []string{"README.txt", "geth.service", "livepeer.service", "lpops.service",
		"journald.conf.d/lpops.conf", "logrotate.d/lpops", "chrony.conf", "nftables.conf",
		"sysctl.d/90-lpops.conf", "fstab", "lpops-volumes.sh", "polkit/50-lpops.rules", "user-data.yaml", "aws/cloudformation.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("files\n got %q\nwant %q", got, want)
	}
	readme := string(fileByPath(t, files, "README.txt").Content)
	for _, f := range files {
		if f.Path != "README.txt" && !strings.Contains(readme, "\n"+f.Path+"\n") {
			t.Errorf("README.txt does not describe %s", f.Path)
		}
	}

	// Without geth there is no geth.service, and nothing refers to it.
	c := load(t, sampleConfig)
	c.Host.Geth.Enabled = false
	c.Host.Volumes.Chain.Owner = c.Host.Node.User
	c.Host.Node.EthURL = "https://arb1.arbitrum.io"
	c.Remediation.Runbooks = nil // the sample's restart geth.service
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == "geth.service" || strings.Contains(string(f.Content), "geth.service") {
			t.Errorf("%s: geth.service rendered or named with host.geth.enabled false", f.Path)
		}
	}
}

// unitValues returns every value of key in a unit file, continuation lines
// joined.
func unitValues(unit, key string) []string {
	var out []string
	text := strings.ReplaceAll(unit, "\\\n", " ")
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestLivepeerUnit(t *testing.T) {
	files := renderSample(t)
	unit := string(fileByPath(t, files, "livepeer.service").Content)
	nofile := unitValues(unit, "LimitNOFILE")
	if len(nofile) != 1 {
		t.Fatalf("LimitNOFILE set %d times", len(nofile))
	}
	if n, err := strconv.Atoi(nofile[0]); err != nil || n < config.MinLimitNOFILE {
		t.Errorf("LimitNOFILE=%s, want at least %d", nofile[0], config.MinLimitNOFILE)
	}
	for key, want := range map[string]string{
		"Restart": "always", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
		"PrivateTmp": "yes", "ProtectHome": "yes", "User": "livepeer",
		"ReadWritePaths": "/var/lib/livepeer",
		"LoadCredential": "passphrase:/etc/lpops/credentials/livepeer-passphrase",
	} {
		if got := unitValues(unit, key); !slices.Equal(got, []string{want}) {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
	exec := strings.Fields(unitValues(unit, "ExecStart")[0])
	for _, want := range []string{"-orchestrator", "-transcoder", "-network=mainnet",
		"-ethPassword=${CREDENTIALS_DIRECTORY}/passphrase", "-serviceAddr=orch.example.com:8935",
		"-cliAddr=127.0.0.1:7935", "-pricePerUnit=1200", "-maxSessions=20", "-monitor=true", "-reward=true",
		"-ethUrl=http://127.0.0.1:8545", "-maxGasPrice=1000000000"} {
		if !slices.Contains(exec, want) {
			t.Errorf("ExecStart lacks %s: %q", want, exec)
		}
	}
	var pass []string
	for _, a := range exec {
		if strings.Contains(strings.ToLower(a), "password") {
			pass = append(pass, a)
		}
	}
	if len(pass) != 1 {
		t.Errorf("ExecStart passes a password %d times: %q", len(pass), pass)
	}

	lp := string(fileByPath(t, files, "lpops.service").Content)
	for key, want := range map[string]string{
		"Type": "notify", "WatchdogSec": "60s", "ReadWritePaths": "/var/lib/lpops", "ProtectSystem": "strict",
		"NoNewPrivileges": "yes", "ProtectHome": "yes", "PrivateTmp": "yes", "User": "lpops",
		"ExecStart": "/usr/local/bin/lpops      run      --config=/etc/lpops/lpops.yaml",
	} {
		if got := unitValues(lp, key); !slices.Equal(got, []string{want}) {
			t.Errorf("lpops.service %s=%q, want %q", key, got, want)
		}
	}
	wantCreds := []string{
		"heartbeat-url:/etc/lpops/credentials/heartbeat-url",
		"keystore:/etc/lpops/credentials/keystore",
		"pagerduty-key:/etc/lpops/credentials/pagerduty-key",
		"passphrase:/etc/lpops/credentials/passphrase",
		"rpc-alchemy:/etc/lpops/credentials/rpc-alchemy",
		"slack-webhook:/etc/lpops/credentials/slack-webhook",
	}
	if got := unitValues(lp, "LoadCredential"); !slices.Equal(got, wantCreds) {
		t.Errorf("lpops.service LoadCredential=\n got %q\nwant %q", got, wantCreds)
	}
}

func TestWatchdogOff(t *testing.T) {
	c := load(t, sampleConfig)
	c.Host.Lpops.Watchdog = config.Duration{}
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := unitValues(string(fileByPath(t, files, "lpops.service").Content), "WatchdogSec"); got != nil {
		t.Errorf("WatchdogSec=%q with host.lpops.watchdog 0, want none", got)
	}
}

// TestNoSecretInOutput renders through WriteDir a configuration whose every
// secret file holds a known value, and looks for each value in every file
// written.
func TestNoSecretInOutput(t *testing.T) {
	dir := t.TempDir()
	secrets := map[string]string{
		"livepeer-passphrase": "correct-horse-battery-staple-livepeer",
		"passphrase":          "lpops-signer-passphrase-42",
		"rpc":                 "https://arb-mainnet.g.alchemy.com/v2/ALCHEMYKEY123",
		"slack":               "https://hooks.slack.com/services/T000/B000/SLACKTOKEN",
		"token":               "api-token-0123456789abcdef",
	}
	for name, s := range secrets {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`
rpc:
  - url_file: %[1]s/rpc
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
signer:
  keystore: %[1]s/keystore.json
  passphrase_file: %[1]s/passphrase
alerts:
  channels:
    - {name: s, type: slack, url_file: %[1]s/slack}
api:
  token_file: %[1]s/token
host:
  node:
    passphrase_credential: %[1]s/livepeer-passphrase
    service_addr: orch.example.com:8935
    price_per_unit: "1000"
    eth_url: http://10.1.2.3:8547
  firewall:
    ssh_cidrs: [10.0.0.0/8]
`, dir)
	c, err := config.Parse([]byte(cfg), "secret.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render(c, Options{Source: "secret.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := WriteDir(out, files, true); err != nil {
		t.Fatal(err)
	}
	var written int
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		written++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the secret %q", p, s)
			}
		}
		// The credentials are named, so the unit can load them.
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if written != len(files) {
		t.Errorf("found %d files in %s, rendered %d", written, out, len(files))
	}
	unit := string(fileByPath(t, files, "livepeer.service").Content)
	if !strings.Contains(unit, "LoadCredential=passphrase:"+dir+"/livepeer-passphrase\n") {
		t.Errorf("livepeer.service does not load %s/livepeer-passphrase:\n%s", dir, unit)
	}
}

func TestWriteDir(t *testing.T) {
	files := renderSample(t)
	out := filepath.Join(t.TempDir(), "host")
	if _, err := WriteDir(out, files, false); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(out, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644", f.Path, fi.Mode().Perm())
		}
	}
	if _, err := WriteDir(out, files, false); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second WriteDir without force: %v, want ErrNotEmpty", err)
	}
	extra := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(extra, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	stale, err := WriteDir(out, files[1:], true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{files[0].Path, "notes.txt"}; !slices.Equal(stale, want) {
		t.Errorf("stale = %q, want %q", stale, want)
	}
	if b, _ := os.ReadFile(extra); string(b) != "mine" {
		t.Errorf("--force touched a file it did not render")
	}
}

// cloudConfigFile is a write_files entry as cloud-init reads it.
type cloudConfigFile struct {
	Path        string `yaml:"path"`
	Permissions string `yaml:"permissions"`
	Content     string `yaml:"content"`
}

func TestUserDataCarriesEveryInstalledFile(t *testing.T) {
	files := renderSample(t)
	ud := fileByPath(t, files, "user-data.yaml").Content
	if !bytes.HasPrefix(ud, []byte("#cloud-config\n")) {
		t.Fatalf("user-data.yaml does not start with #cloud-config")
	}
	var cc struct {
		WriteFiles []cloudConfigFile `yaml:"write_files"`
		Users      []any             `yaml:"users"`
		Packages   []string          `yaml:"packages"`
		Runcmd     [][]string        `yaml:"runcmd"`
	}
	if err := yaml.Unmarshal(ud, &cc); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]cloudConfigFile{}
	for _, w := range cc.WriteFiles {
		byPath[w.Path] = w
	}
	for _, f := range files {
		if f.Dest == "" {
			continue
		}
		w, ok := byPath[f.Dest]
		switch {
		case !ok:
			t.Errorf("user-data does not write %s (%s)", f.Dest, f.Path)
		case w.Content != string(f.Content):
			t.Errorf("user-data's %s differs from %s", f.Dest, f.Path)
		case w.Permissions != fmt.Sprintf("%04o", f.Mode):
			t.Errorf("user-data writes %s with mode %s, want %04o", f.Dest, w.Permissions, f.Mode)
		}
	}
	for _, p := range []string{"chrony", "nftables"} {
		if !slices.Contains(cc.Packages, p) {
			t.Errorf("packages %q lack %s", cc.Packages, p)
		}
	}
	// Every user-data file is a readable block, not a quoted one-liner.
	if bytes.Contains(ud, []byte(`\n`)) {
		t.Errorf("user-data.yaml holds an escaped newline: a file was not written as a block")
	}
	var cmds []string
	for _, c := range cc.Runcmd {
		cmds = append(cmds, strings.Join(c, " "))
	}
	joined := strings.Join(cmds, "\n")
	for _, want := range []string{"systemctl daemon-reload", VolumesScript,
		"systemctl enable --now --no-block geth.service livepeer.service lpops.service"} {
		if !strings.Contains(joined, want) {
			t.Errorf("runcmd lacks %q:\n%s", want, joined)
		}
	}
	if strings.Index(joined, VolumesScript) > strings.Index(joined, "systemctl enable --now") {
		t.Errorf("units are started before the volumes are mounted:\n%s", joined)
	}
}

// cfnTemplate parses the CloudFormation template (plain YAML: intrinsic
// functions are written in their long form, Ref: and Fn::GetAtt:).
func cfnTemplate(t *testing.T, files []File) map[string]any {
	t.Helper()
	var tmpl map[string]any
	if err := yaml.Unmarshal(fileByPath(t, files, "aws/cloudformation.yaml").Content, &tmpl); err != nil {
		t.Fatalf("aws/cloudformation.yaml is not YAML: %v", err)
	}
	return tmpl
}

// walk calls fn on every map in v.
func walk(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, e := range x {
			walk(e, fn)
		}
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	}
}

func TestCloudFormation(t *testing.T) {
	files := renderSample(t)
	tmpl := cfnTemplate(t, files)
	params, _ := tmpl["Parameters"].(map[string]any)
	resources, _ := tmpl["Resources"].(map[string]any)
	types := map[string]string{}
	for name, r := range resources {
		types[name] = r.(map[string]any)["Type"].(string)
	}
	want := map[string]string{
		"SecurityGroup": "AWS::EC2::SecurityGroup", "Instance": "AWS::EC2::Instance",
		"DataVolume": "AWS::EC2::Volume", "DataVolumeAttachment": "AWS::EC2::VolumeAttachment",
		"ChainVolume": "AWS::EC2::Volume", "ChainVolumeAttachment": "AWS::EC2::VolumeAttachment",
		"ElasticIP": "AWS::EC2::EIP", "ElasticIPAssociation": "AWS::EC2::EIPAssociation",
		"SnapshotRole": "AWS::IAM::Role", "SnapshotPolicy": "AWS::DLM::LifecyclePolicy",
	}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("resources\n got %v\nwant %v", types, want)
	}
	// Every Ref and Fn::GetAtt names something the template defines.
	pseudo := map[string]bool{"AWS::StackName": true, "AWS::Region": true, "AWS::Partition": true, "AWS::AccountId": true}
	walk(tmpl, func(m map[string]any) {
		if r, ok := m["Ref"].(string); ok && params[r] == nil && resources[r] == nil && !pseudo[r] {
			t.Errorf("Ref %s names nothing", r)
		}
		if g, ok := m["Fn::GetAtt"].([]any); ok && (len(g) != 2 || resources[g[0].(string)] == nil) {
			t.Errorf("Fn::GetAtt %v names no resource", g)
		}
		if s, ok := m["Fn::Sub"].(string); ok {
			for _, v := range regexp.MustCompile(`\$\{([^}!]+)\}`).FindAllStringSubmatch(s, -1) {
				if !pseudo[v[1]] && params[v[1]] == nil && resources[v[1]] == nil {
					t.Errorf("Fn::Sub %q names %s, which is not defined", s, v[1])
				}
			}
		}
	})
	// The instance boots with user-data.yaml.
	if !bytes.Equal(instanceUserData(t, tmpl), fileByPath(t, files, "user-data.yaml").Content) {
		t.Errorf("the instance's UserData is not user-data.yaml")
	}
	// The volumes are attached under the names lpops-volumes looks for.
	for res, dev := range map[string]string{"DataVolumeAttachment": "/dev/sdf", "ChainVolumeAttachment": "/dev/sdg"} {
		if got := resources[res].(map[string]any)["Properties"].(map[string]any)["Device"]; got != dev {
			t.Errorf("%s Device = %v, want %s", res, got, dev)
		}
	}
	// The DLM policy targets the tag the volumes carry.
	policy := resources["SnapshotPolicy"].(map[string]any)["Properties"].(map[string]any)["PolicyDetails"].(map[string]any)
	target := policy["TargetTags"].([]any)[0].(map[string]any)
	for _, v := range []string{"DataVolume", "ChainVolume"} {
		var tagged bool
		for _, tag := range resources[v].(map[string]any)["Properties"].(map[string]any)["Tags"].([]any) {
			tm := tag.(map[string]any)
			if tm["Key"] == target["Key"] && fmt.Sprint(tm["Value"]) == fmt.Sprint(target["Value"]) {
				tagged = true
			}
		}
		if !tagged {
			t.Errorf("%s lacks the snapshot policy's target tag %v", v, target)
		}
	}
}

// TestSecurityGroupMirrorsFirewall checks that the security group opens what
// nftables.conf opens and nothing else.
func TestSecurityGroupMirrorsFirewall(t *testing.T) {
	files := renderSample(t)
	sg := cfnTemplate(t, files)["Resources"].(map[string]any)["SecurityGroup"].(map[string]any)["Properties"].(map[string]any)
	var got []string
	for _, r := range sg["SecurityGroupIngress"].([]any) {
		m := r.(map[string]any)
		src := m["CidrIp"]
		if src == nil {
			src = m["CidrIpv6"]
		}
		got = append(got, fmt.Sprintf("%v %v-%v %v", m["IpProtocol"], m["FromPort"], m["ToPort"], src))
	}
	want := []string{
		"tcp 2222-2222 203.0.113.10/32", "tcp 2222-2222 2001:db8:42::/48",
		"tcp 8935-8935 0.0.0.0/0", "tcp 8935-8935 ::/0",
		"icmp -1--1 0.0.0.0/0", "58 -1--1 ::/0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ingress\n got %q\nwant %q", got, want)
	}
	nft := string(fileByPath(t, files, "nftables.conf").Content)
	for _, rule := range []string{
		"tcp dport 2222 ip saddr { 203.0.113.10/32 } accept",
		"tcp dport 2222 ip6 saddr { 2001:db8:42::/48 } accept",
		"tcp dport 8935 accept",
	} {
		if !strings.Contains(nft, "\n    "+rule+"\n") {
			t.Errorf("nftables.conf lacks %q", rule)
		}
	}
}

func TestLongUserDataIsGzipped(t *testing.T) {
	c := load(t, sampleConfig)
	for i := range 400 {
		c.Host.Node.ExtraFlags.Items = append(c.Host.Node.ExtraFlags.Items, fmt.Sprintf("-flag%d=%d", i, i))
	}
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ud := fileByPath(t, files, "user-data.yaml").Content
	if len(ud) <= MaxUserData {
		t.Fatalf("user-data is %d bytes; the test wants it over %d", len(ud), MaxUserData)
	}
	inst := cfnTemplate(t, files)["Resources"].(map[string]any)["Instance"].(map[string]any)["Properties"].(map[string]any)
	s, ok := inst["UserData"].(string)
	if !ok {
		t.Fatalf("UserData is %T, want a base64 string", inst["UserData"])
	}
	if raw, _ := base64.StdEncoding.DecodeString(s); len(raw) > MaxUserData {
		t.Errorf("gzipped user data is %d bytes, over EC2's limit", len(raw))
	}
	back := instanceUserData(t, cfnTemplate(t, files))
	if !bytes.Equal(back, ud) {
		t.Errorf("gunzipped UserData is not user-data.yaml")
	}
}

// placed matches the line:column: an error about a key in the file starts with.
var placed = regexp.MustCompile(`(?m)^[0-9]+:[0-9]+: `)

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string
	}{
		{"NoServiceAddr", func(c *config.Config) { c.Host.Node.ServiceAddr = "" },
			"host.node.service_addr: is required to render livepeer.service: the public host:port of the orchestrator (-serviceAddr)"},
		{"NoPrice", func(c *config.Config) { c.Host.Node.PricePerUnit = "" },
			"host.node.price_per_unit: is required to render livepeer.service (-pricePerUnit, wei per pixel)"},
		{"NoSSHCIDRs", func(c *config.Config) { c.Host.Firewall.SSHCIDRs.Items = nil },
			"host.firewall.ssh_cidrs: is required to render nftables.conf: without it ssh would be closed to everyone"},
		{"EthURLWithKey", func(c *config.Config) {
			c.Host.Geth.Enabled = false
			c.Remediation.Runbooks = nil // they restart geth.service
			c.Host.Volumes.Chain.Owner = "livepeer"
			c.RPC[0].URL = "https://arb-mainnet.g.alchemy.com/v2/KEY"
		}, "host.node.eth_url: is required: rpc[0].url has a path, query or user info, which may hold an API key, and -ethUrl is on the node's command line; set host.node.eth_url, or LP_ETHURL in host.node.environment_file"},
		{"CLIMismatch", func(c *config.Config) { c.Node.CLIURL = "http://127.0.0.1:7936" },
			`host.node.cli_addr: must be where node.cli_url (127.0.0.1:7936) points, or lpops cannot reach the node (got "127.0.0.1:7935")`},
		{"RelativeKeystore", func(c *config.Config) { c.Signer.Keystore = "keystore/key.json" },
			`signer.keystore: must be an absolute path: the rendered host reads it from /etc/lpops/lpops.yaml (got "keystore/key.json")`},
		{"UnderHome", func(c *config.Config) { c.API.TokenFile = "/home/ops/token" },
			`api.token_file: must not be under /home, /root or /run/user: lpops.service runs with ProtectHome=yes (got "/home/ops/token")`},
		{"NestedCredential", func(c *config.Config) { c.Signer.PassphraseFile = CredentialsPrefix + "a/b" },
			`signer.passphrase_file: must name a file directly in /run/credentials/lpops.service/, such as /run/credentials/lpops.service/passphrase (got "/run/credentials/lpops.service/a/b")`},
		{"OwnerNotCreated", func(c *config.Config) { c.Host.Geth.Enabled, c.Remediation.Runbooks = false, nil },
			`host.volumes.chain.owner: must be a user the host configuration creates: livepeer, lpops (got "geth")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, sampleConfig)
			tt.change(c)
			_, err := Render(c, Options{})
			// The cases change keys after parsing, so where the file had
			// them is beside the point here (TestCheckErrorsArePlaced).
			if err == nil || placed.ReplaceAllString(err.Error(), "") != tt.want {
				t.Errorf("Render error\n got: %v\nwant: %s", err, tt.want)
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error %v is not a *config.ValidationError", err)
			}
		})
	}
}

const exampleConfig = "../../examples/lpops.yaml"

// TestExampleIsCoherent renders examples/lpops.yaml into a host that works
// as is: every unit a runbook restarts (and so the polkit rule names) is
// rendered, and livepeer's -ethUrl is the chain node the host runs for the
// network's chain, a Nitro container for Arbitrum One.
func TestExampleIsCoherent(t *testing.T) {
	c := load(t, exampleConfig)
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatalf("examples/lpops.yaml does not render: %v", err)
	}
	rendered := map[string]File{}
	for _, f := range files {
		rendered[f.Path] = f
	}
	restarted := RestartUnits(c)
	if len(restarted) == 0 {
		t.Fatal("the example's runbooks restart no unit: the check below proves nothing")
	}
	polkit := string(fileByPath(t, files, "polkit/50-lpops.rules").Content)
	for _, u := range restarted {
		if _, ok := rendered[u]; !ok {
			t.Errorf("a runbook restarts %s, which render does not write", u)
		}
		if !strings.Contains(polkit, `"`+u+`"`) {
			t.Errorf("the polkit rule does not name %s", u)
		}
	}

	if c.Network != config.NetworkArbitrumOne {
		t.Fatalf("the example's network is %s; this test checks an Arbitrum One host", c.Network)
	}
	node := string(fileByPath(t, files, "livepeer.service").Content)
	exec := strings.Fields(unitValues(node, "ExecStart")[0])
	if !slices.Contains(exec, "-network=arbitrum-one-mainnet") || !slices.Contains(exec, "-ethUrl=http://127.0.0.1:8547") {
		t.Errorf("livepeer.service ExecStart %q, want -network=arbitrum-one-mainnet -ethUrl=http://127.0.0.1:8547", exec)
	}
	if _, ok := rendered["geth.service"]; ok {
		t.Error("geth.service (an L1 node) rendered for an Arbitrum One host")
	}
	nitro, ok := rendered["nitro.service"]
	if !ok {
		t.Fatal("no nitro.service rendered, yet -ethUrl points at it")
	}
	unit := string(nitro.Content)
	nexec := strings.Fields(unitValues(unit, "ExecStart")[0])
	for _, want := range []string{"--network=host", "--http.addr=127.0.0.1", "--http.port=8547", "--chain.id=42161",
		"--env-file=${CREDENTIALS_DIRECTORY}/nitro-l1.env", "--conf.env-prefix=NITRO"} {
		if !slices.Contains(nexec, want) {
			t.Errorf("nitro.service ExecStart lacks %s: %q", want, nexec)
		}
	}
	if !strings.HasPrefix(nexec[slices.Index(nexec, "--conf.env-prefix=NITRO")-1], "docker.io/offchainlabs/nitro-node:v") {
		t.Errorf("nitro.service does not run the official Nitro image with a release tag: %q", nexec)
	}
	if got := unitValues(unit, "LoadCredential"); !slices.Equal(got, []string{"nitro-l1.env:/etc/lpops/credentials/nitro-l1.env"}) {
		t.Errorf("nitro.service LoadCredential=%q, want the L1 endpoints as a credential", got)
	}
	for _, flag := range []string{"parent-chain.connection.url", "beacon-url"} {
		if strings.Contains(unitValues(unit, "ExecStart")[0], flag) {
			t.Errorf("nitro.service puts %s on its command line", flag)
		}
	}
	if w := unitValues(node, "Wants")[0]; !strings.Contains(w, "nitro.service") {
		t.Errorf("livepeer.service Wants=%s, want nitro.service", w)
	}
	var cc struct {
		Packages []string `yaml:"packages"`
	}
	if err := yaml.Unmarshal(fileByPath(t, files, "user-data.yaml").Content, &cc); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cc.Packages, "podman") {
		t.Errorf("user-data installs %q, not podman, which nitro.service runs", cc.Packages)
	}
	// The rpc entry the runbooks wait on is the node render runs.
	for _, e := range c.RPC {
		if e.Name == "local-nitro" && e.URL != c.Host.ChainNodeURL() {
			t.Errorf("rpc local-nitro is %s, the rendered Nitro listens on %s", e.URL, c.Host.ChainNodeURL())
		}
	}
}

// TestChainNodeMismatch: a host whose chain node cannot serve the node's
// -ethUrl, or a runbook that restarts a unit render does not write, is
// refused with the key to change.
func TestChainNodeMismatch(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string
	}{
		{"LoopbackEthURLWithoutChainNode", func(c *config.Config) {
			c.Host.ChainNode.Kind = config.ChainNodeNone
			c.Host.Volumes.Chain.Owner = c.Host.Node.User
			c.Remediation.Runbooks = nil
		}, `42:10: rpc[0].url: is -ethUrl of livepeer.service and points at this host, where no chain node listens: host.chain_node.kind is none; ` +
			`run one there (host.chain_node.kind nitro for Arbitrum One) or use a hosted endpoint (got "http://127.0.0.1:8547")`},
		{"RestartsUnitNotRendered", func(c *config.Config) {
			c.Remediation.Runbooks[0].Steps[0].Unit = "arbitrum.service"
		}, `LINE:17: remediation.runbooks[0].steps[0].unit: is not a unit render writes (livepeer.service, lpops.service, nitro.service): ` +
			`the polkit rule would let lpops restart a unit this host does not have (got "arbitrum.service")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, exampleConfig)
			tt.change(c)
			_, err := Render(c, Options{})
			// LINE: the example's line of the key, which moves as keys are
			// added above it.
			if err == nil || !regexp.MustCompile("^"+strings.Replace(regexp.QuoteMeta(tt.want), "LINE", "[0-9]+", 1)+"$").MatchString(err.Error()) {
				t.Errorf("Render error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestNodeEthURL(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string // the -ethUrl argument; "" for none
	}{
		{"LocalGeth", func(c *config.Config) {}, "-ethUrl=http://127.0.0.1:8545"},
		{"Explicit", func(c *config.Config) { c.Host.Node.EthURL = "wss://arb.example.com" }, "-ethUrl=wss://arb.example.com"},
		{"FirstLiteralRPC", func(c *config.Config) { c.Host.Geth.Enabled = false }, "-ethUrl=http://10.0.0.5:8547"},
		{"EnvironmentFile", func(c *config.Config) {
			c.Host.Geth.Enabled = false
			c.RPC[0].URL = "https://arb-mainnet.g.alchemy.com/v2/KEY"
			c.Host.Node.EnvironmentFile = "/etc/lpops/credentials/livepeer.env"
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, sampleConfig)
			c.Host.Volumes.Chain.Owner = c.Host.Node.User
			c.Remediation.Runbooks = nil // some restart geth.service
			tt.change(c)
			files, err := Render(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			unit := string(fileByPath(t, files, "livepeer.service").Content)
			var got string
			for _, a := range strings.Fields(unitValues(unit, "ExecStart")[0]) {
				if strings.HasPrefix(a, "-ethUrl=") {
					got = a
				}
			}
			if got != tt.want {
				t.Errorf("ethUrl argument %q, want %q", got, tt.want)
			}
			if strings.Contains(unit, "KEY") {
				t.Errorf("the provider key is in the unit:\n%s", unit)
			}
			if env := c.Host.Node.EnvironmentFile; env != "" && !slices.Equal(unitValues(unit, "EnvironmentFile"), []string{env}) {
				t.Errorf("EnvironmentFile=%q, want %s", unitValues(unit, "EnvironmentFile"), env)
			}
		})
	}
}

func TestServiceUsers(t *testing.T) {
	tests := []struct {
		name   string
		change func(h *config.Host)
		want   []string
	}{
		{"OnePerService", func(h *config.Host) {}, []string{"livepeer", "lpops", "geth"}},
		{"LpopsSharesNodeUser", func(h *config.Host) { h.Lpops.User = "livepeer" }, []string{"livepeer", "geth"}},
		{"NoGeth", func(h *config.Host) {
			h.Geth.Enabled, h.Geth.User = false, "livepeer"
			h.Volumes.Chain.Owner = "livepeer"
		}, []string{"livepeer", "lpops"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, sampleConfig)
			c.Remediation.Runbooks = nil // some restart geth.service
			tt.change(&c.Host)
			files, err := Render(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var cc struct {
				Users []any `yaml:"users"`
			}
			if err := yaml.Unmarshal(fileByPath(t, files, "user-data.yaml").Content, &cc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range cc.Users[1:] { // "default" first: the image's login user
				got = append(got, u.(map[string]any)["name"].(string))
			}
			if cc.Users[0] != "default" || !slices.Equal(got, tt.want) {
				t.Errorf("users %v, want default then %q", cc.Users, tt.want)
			}
		})
	}
}

// instanceUserData returns the user data the template's instance boots with,
// as EC2 hands it to cloud-init: Fn::Base64 of text, or a base64 string of
// gzipped text, unpacked.
func instanceUserData(t *testing.T, tmpl map[string]any) []byte {
	t.Helper()
	inst, _ := tmpl["Resources"].(map[string]any)["Instance"].(map[string]any)
	props, _ := inst["Properties"].(map[string]any)
	return userDataValue(t, props["UserData"])
}

// userDataValue decodes a UserData property: Fn::Base64 of text, or base64
// of gzip.
func userDataValue(t *testing.T, v any) []byte {
	t.Helper()
	switch ud := v.(type) {
	case map[string]any:
		text, ok := ud["Fn::Base64"].(string)
		if !ok {
			t.Fatalf("UserData %v: want Fn::Base64 of text", ud)
		}
		return []byte(text)
	case string:
		raw, err := base64.StdEncoding.DecodeString(ud)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("the instance has no UserData")
	return nil
}

// TestCheckErrorsArePlaced: render's own errors about a key in the file
// carry its line and column, as check-config's do.
func TestCheckErrorsArePlaced(t *testing.T) {
	data := must(os.ReadFile(exampleConfig))
	data = []byte(strings.Replace(string(data), "    kind: nitro\n", "    kind: geth\n", 1))
	c, err := config.Parse(data, "lpops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Render(c, Options{})
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "    kind: geth\n")]), "\n")
	want := fmt.Sprintf("lpops.yaml:%d:11: host.chain_node.kind: runs geth", line)
	if got := config.InSource("lpops.yaml", err); got == nil || !strings.HasPrefix(got.Error(), want) {
		t.Errorf("Render error\n got: %v\nwant it to start: %s", got, want)
	}
	var ve *config.ValidationError
	if !errors.As(err, &ve) || ve.Field != "host.chain_node.kind" {
		t.Errorf("errors.As = %+v, want the host.chain_node.kind error", ve)
	}
}

// TestEthURLReachingTheChainNode: an explicit -ethUrl that reaches the
// rendered chain node by another name (localhost) is not refused.
func TestEthURLReachingTheChainNode(t *testing.T) {
	c := load(t, exampleConfig)
	c.Host.Node.EthURL = "http://localhost:8547"
	if _, err := Render(c, Options{}); err != nil {
		t.Errorf("Render refused -ethUrl %s with Nitro on %s: %v", c.Host.Node.EthURL, c.Host.Nitro.HTTPAddr, err)
	}
	c.Host.Node.EthURL = "http://localhost:8548"
	if _, err := Render(c, Options{}); err == nil || !strings.Contains(err.Error(), "host.node.eth_url: is -ethUrl of livepeer.service and points at this host") {
		t.Errorf("Render error %v, want host.node.eth_url refused (nothing listens on 8548)", err)
	}
}
