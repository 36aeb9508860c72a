package config

import (
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// testdataDir is the repository's testdata, shared with cmd/lpops.
const testdataDir = "../../testdata"

// subtestName turns "invalid-bad-rpc-scheme.yaml" into "BadRpcScheme".
func subtestName(file string) string {
	base := strings.TrimSuffix(filepath.Base(file), ".yaml")
	base = strings.TrimPrefix(strings.TrimPrefix(base, "invalid-"), "valid-")
	var b strings.Builder
	for _, w := range strings.Split(base, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// secretsInTestdata appear in invalid fixtures and must never be echoed.
var secretsInTestdata = []string{"hunter2", "secret-key", "key-one", "key-two"}

func TestLoadInvalid(t *testing.T) {
	// Errors name the file as given; run from the repository root so they read
	// as they do for `lpops check-config testdata/...`.
	t.Chdir(testdataDir + "/..")
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("found %d invalid fixtures, want at least 20", len(files))
	}
	for _, file := range files {
		t.Run(subtestName(file), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(file, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			c, err := Load(file)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want error %q", file, c, want)
			}
			if got := err.Error(); got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("Load(%s) error\n got: %s\nwant: %s", file, got, want)
			}
			for _, s := range secretsInTestdata {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q reveals %q", err, s)
				}
			}
		})
	}
}

func TestTestdataPairs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdataDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		switch {
		case strings.HasPrefix(base, "invalid-"):
			if _, err := os.Stat(strings.TrimSuffix(f, ".yaml") + ".err"); err != nil {
				t.Errorf("%s has no .err file with its expected error: %v", base, err)
			}
		case strings.HasPrefix(base, "valid-"):
		default:
			t.Errorf("%s: name config fixtures valid-*.yaml or invalid-*.yaml", base)
		}
	}
	errFiles, err := filepath.Glob(filepath.Join(testdataDir, "*.err"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range errFiles {
		if _, err := os.Stat(strings.TrimSuffix(f, ".err") + ".yaml"); err != nil {
			t.Errorf("%s has no .yaml file: %v", filepath.Base(f), err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(strings.TrimSuffix(string(b), "\n"), "\n"); n != 0 {
			t.Errorf("%s holds %d lines; keep one error per fixture", filepath.Base(f), n+1)
		}
	}
}

func TestLoadValid(t *testing.T) {
	keystore := filepath.Join(testdataDir, "keystore",
		"UTC--2026-01-01T00-00-00.000000000Z--1c1c9817f4b8f07efb298a17102531cdd09cef68")
	tests := []struct {
		name  string
		file  string
		check func(t *testing.T, c *Config)
	}{
		{"CustomDevnet", "valid-devnet.yaml", func(t *testing.T, c *Config) {
			want := Default()
			want.Network = NetworkCustom
			want.ChainID = 54321
			want.Controller = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
			want.RPC = []Endpoint{
				{Name: "http://127.0.0.1:8545", URL: "http://127.0.0.1:8545"},
				{Name: "devnet-ws", URL: "ws://127.0.0.1:8546"},
			}
			want.Orchestrator = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
			want.Node.CLIURL = "http://127.0.0.1:7935"
			want.Signer.Keystore = keystore
			want.Signer.PassphraseFile = filepath.Join(testdataDir, "keystore", "passphrase")
			want.Reward.GraceBlocks = 5
			want.Reward.MaxFeeGwei = 2.5
			want.Reward.MaxPriorityFeeGwei = 0.1
			want.InitializeRound.Enabled = true
			want.InitializeRound.AfterBlocks = 2
			want.Chain.PollInterval = Duration{10 * time.Second}
			want.Chain.ActivePollInterval = Duration{time.Second}
			want.Chain.MaxHeadAge = Duration{}
			want.StateDir = filepath.Join(testdataDir, "state")
			want.Listen = "127.0.0.1:0"
			want.Log = Log{Level: "debug", Format: "text"}
			if len(c.Alerts.Channels) != 1 || c.Alerts.Channels[0].Name != "ops" {
				t.Fatalf("channels %+v, want the one webhook ops", c.Alerts.Channels)
			}
			want.Alerts.Channels = c.Alerts.Channels // checked above: channels have their own tests
			want.positions = c.positions             // where each key was read: not a setting
			if !reflect.DeepEqual(*c, want) {
				t.Errorf("got  %+v\nwant %+v", *c, want)
			}
		}},
		{"ArbitrumPreset", "valid-arbitrum.yaml", func(t *testing.T, c *Config) {
			if c.ChainID != 42161 || c.Controller != "0xD8E8328501E9645d16Cf49539efC04f734606ee4" {
				t.Errorf("preset not applied: chain id %d, controller %s", c.ChainID, c.Controller)
			}
			names := []string{c.RPC[0].Name, c.RPC[1].Name}
			if want := []string{"https://arb-mainnet.g.alchemy.com", "ipc:nitro.ipc"}; !slices.Equal(names, want) {
				t.Errorf("endpoint names = %q, want %q", names, want)
			}
			if c.Reward.Mode != RewardModeObserve || c.NeedsSigner() {
				t.Errorf("mode %q, NeedsSigner %v; want observe without signer", c.Reward.Mode, c.NeedsSigner())
			}
			if c.StateDir != "/var/lib/lpops" {
				t.Errorf("state_dir = %q, want the default", c.StateDir)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(filepath.Join(testdataDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestDefault(t *testing.T) {
	d := Default()
	tests := []struct {
		name      string
		got, want any
	}{
		{"Network", d.Network, "arbitrum-one-mainnet"},
		{"PollInterval", d.Chain.PollInterval.Duration, 5 * time.Minute},
		{"ActivePollInterval", d.Chain.ActivePollInterval.Duration, 2 * time.Second},
		{"RequestTimeout", d.Chain.RequestTimeout.Duration, 10 * time.Second},
		{"HealthInterval", d.Chain.HealthInterval.Duration, 5 * time.Minute},
		{"MaxHeadAge", d.Chain.MaxHeadAge.Duration, 2 * time.Minute},
		{"MaxLagBlocks", d.Chain.MaxLagBlocks, uint64(100)},
		{"MaxErrorRate", d.Chain.MaxErrorRate, 0.25},
		{"NodeTimeout", d.Node.Timeout.Duration, 5 * time.Second},
		{"RewardMode", d.Reward.Mode, "act"},
		{"GraceBlocks", d.Reward.GraceBlocks, uint64(20)},
		{"MaxFeeGwei", d.Reward.MaxFeeGwei, 5.0},
		{"MaxPriorityFeeGwei", d.Reward.MaxPriorityFeeGwei, 0.0},
		{"StuckAfter", d.Reward.StuckAfter.Duration, 3 * time.Minute},
		{"InitializeRoundEnabled", d.InitializeRound.Enabled, false},
		{"InitializeRoundAfterBlocks", d.InitializeRound.AfterBlocks, uint64(10)},
		{"InitializeRoundMaxFeeGwei", d.InitializeRound.MaxFeeGwei, 1.0},
		{"StateDir", d.StateDir, "/var/lib/lpops"},
		{"Listen", d.Listen, "127.0.0.1:7940"},
		{"LogLevel", d.Log.Level, "info"},
		{"LogFormat", d.Log.Format, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// minimal is the smallest valid configuration: everything else defaults.
const minimal = `
rpc:
  - url: https://arb1.arbitrum.io/rpc
orchestrator: "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
reward:
  mode: observe
`

func TestParseMinimalTakesDefaults(t *testing.T) {
	c, err := Parse([]byte(minimal), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.ChainID, want.Controller = 42161, "0xD8E8328501E9645d16Cf49539efC04f734606ee4"
	want.RPC = []Endpoint{{Name: "https://arb1.arbitrum.io", URL: "https://arb1.arbitrum.io/rpc"}}
	want.Orchestrator = "0x1c1c9817f4b8f07efb298a17102531cdd09cef68"
	want.Reward.Mode = RewardModeObserve
	want.positions = c.positions // where each key was read: not a setting
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("got  %+v\nwant %+v", *c, want)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	const in = `
network: custom
rpc:
  - url: ftp://x
orchestrator: "0x0000000000000000000000000000000000000000"
reward:
  mode: auto
  max_fee_gwei: 0
log:
  level: loud
`
	_, err := Parse([]byte(in), "many.yaml")
	if err == nil {
		t.Fatal("Parse succeeded, want errors")
	}
	want := []string{
		`many.yaml: chain_id: is required for network custom`,
		`many.yaml: controller: is required for network custom`,
		`many.yaml:4:10: rpc[0].url: must be an http, https, ws or wss URL, or the absolute path of an IPC socket (got "ftp://x")`,
		`many.yaml:5:15: orchestrator: must not be the zero address (got "0x0000000000000000000000000000000000000000")`,
		`many.yaml:7:9: reward.mode: must be act or observe (got "auto")`,
		`many.yaml:8:17: reward.max_fee_gwei: must be more than 0 (got "0")`,
		`many.yaml:10:10: log.level: must be debug, info, warn or error (got "loud")`,
	}
	if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
		t.Errorf("errors\n got: %q\nwant: %q", got, want)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "chain_id" {
		t.Errorf("errors.As ValidationError = %+v, want the chain_id error first", ve)
	}
}

// TestPositionedErrorKeepsField: an error placed at a line and column is
// still the *ValidationError naming the field and the value, for callers.
func TestPositionedErrorKeepsField(t *testing.T) {
	_, err := Parse([]byte(minimal+"log:\n  level: loud\n"), "")
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "log.level" || ve.Value != "loud" {
		t.Fatalf("errors.As(%v) = %+v, want log.level with value loud", err, ve)
	}
	if !strings.HasPrefix(err.Error(), "8:10: log.level:") {
		t.Errorf("error %q is not placed at line 8, column 10", err)
	}
}

// TestNoCascade: each bad value gives one error, not one more for each key
// derived from it or compared with it.
func TestNoCascade(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"SameBadURLTwice", "rpc:\n  - url: ftp://x\n  - url: ftp://x\norchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\nreward:\n  mode: observe\n",
			"5:10: rpc[0].url: must be an http, https, ws or wss URL, or the absolute path of an IPC socket (got \"ftp://x\")\n" +
				"6:10: rpc[1].url: must be an http, https, ws or wss URL, or the absolute path of an IPC socket (got \"ftp://x\")"},
		{"NaNFeeAndPriority", minimal + "  max_fee_gwei: .nan\n  max_priority_fee_gwei: 1\n",
			"10:17: reward.max_fee_gwei: must be a finite number (got \"NaN\")"},
		{"NegativePollInterval", minimal + "chain:\n  poll_interval: -1m\n",
			"11:18: chain.poll_interval: must be more than 0 (got \"-1m\")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte("network: custom\nchain_id: 5\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n"+tc.yaml), "")
			if err == nil || err.Error() != tc.want {
				t.Errorf("errors\n got: %v\nwant: %s", err, tc.want)
			}
		})
	}
}

func TestParseUnknownKeyIsErrUnknownKey(t *testing.T) {
	_, err := Parse([]byte(minimal+"chain:\n  poll: 1m\n"), "")
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("error %v is not ErrUnknownKey", err)
	}
	if want := "8:3: unknown key chain.poll (did you mean poll_interval?)"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestParseKeyChecksFollowAnchorsAndMerges(t *testing.T) {
	const in = `
defaults: &fees
  max_fee_gwei: 3
`
	_, err := Parse([]byte(in), "")
	if err == nil || !strings.Contains(err.Error(), "unknown key defaults") {
		t.Fatalf("error %v, want unknown key defaults", err)
	}
	const merged = minimal + `
initialize_round: &fees
  max_fee_gwei: 3
  typo: 1
`
	_, err = Parse([]byte(merged), "")
	if err == nil || !strings.Contains(err.Error(), "unknown key initialize_round.typo") {
		t.Fatalf("error %v, want unknown key initialize_round.typo", err)
	}
}

func TestDurationYAML(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"Seconds", "10s", 10 * time.Second, false},
		{"Compound", "1h30m", 90 * time.Minute, false},
		{"Zero", "0", 0, false},
		{"ZeroWithUnit", "0s", 0, false},
		{"Negative", "-1m", -time.Minute, false},
		{"NumberWithoutUnit", "120", 0, true},
		{"Fraction", "1.5", 0, true},
		{"Word", "soon", 0, true},
		{"Empty", `""`, 0, true},
		{"List", "[1s]", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				D Duration `yaml:"d"`
			}
			err := yaml.Unmarshal([]byte("d: "+tt.in), &v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err == nil && v.D.Duration != tt.want {
				t.Errorf("Unmarshal(%s) = %v, want %v", tt.in, v.D.Duration, tt.want)
			}
		})
	}
}

func TestDurationMarshalRoundTrips(t *testing.T) {
	for _, d := range []time.Duration{0, 2 * time.Second, 2 * time.Minute, time.Hour, 90 * time.Minute, 1500 * time.Millisecond} {
		out, err := yaml.Marshal(Duration{d})
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := yaml.Unmarshal(out, &back); err != nil || back.Duration != d {
			t.Errorf("%v marshals to %q and back to %v, %v", d, out, back.Duration, err)
		}
	}
	if got := (Duration{2 * time.Hour}).String(); got != "2h" {
		t.Errorf("String() = %q, want 2h", got)
	}
}

func TestGweiToWei(t *testing.T) {
	tests := []struct {
		name string
		gwei float64
		want string
	}{
		{"Whole", 5, "5000000000"},
		{"Tenth", 0.1, "100000000"},
		{"OneWei", 0.000000001, "1"},
		{"NineDecimals", 1.123456789, "1123456789"},
		{"Cap", 10000, "10000000000000"},
		{"Zero", 0, "0"},
		{"RoundsBelowOneWei", 0.0000000004, "0"},
		{"NaN", math.NaN(), "0"},
		{"Inf", math.Inf(1), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _ := new(big.Int).SetString(tt.want, 10)
			if got := GweiToWei(tt.gwei); got.Cmp(want) != 0 {
				t.Errorf("GweiToWei(%v) = %v, want %v", tt.gwei, got, want)
			}
		})
	}
}

func TestDefaultEndpointNames(t *testing.T) {
	tests := []struct {
		name string
		ep   Endpoint
		want string
	}{
		{"PathAndQueryStripped", Endpoint{URL: "https://arb-mainnet.g.alchemy.com/v2/KEY?x=1"}, "https://arb-mainnet.g.alchemy.com"},
		{"UserInfoStripped", Endpoint{URL: "wss://user:pass@node.example:8546/ws"}, "wss://node.example:8546"},
		{"PortKept", Endpoint{URL: "http://127.0.0.1:8545"}, "http://127.0.0.1:8545"},
		{"IPC", Endpoint{URL: "/var/run/geth/geth.ipc"}, "ipc:geth.ipc"},
		{"Env", Endpoint{URLEnv: "LPOPS_RPC"}, "env:LPOPS_RPC"},
		{"File", Endpoint{URLFile: "/run/credentials/lpops.service/rpc"}, "file:rpc"},
		{"Unparseable", Endpoint{URL: "http://[::1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ep.defaultName(); got != tt.want {
				t.Errorf("defaultName() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateAddress(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		wantErr string
	}{
		{"Checksummed", "0xD8E8328501E9645d16Cf49539efC04f734606ee4", ""},
		{"LowerCase", "0xd8e8328501e9645d16cf49539efc04f734606ee4", ""},
		{"UpperCase", "0xD8E8328501E9645D16CF49539EFC04F734606EE4", ""},
		{"BadChecksum", "0xD8e8328501E9645d16Cf49539efC04f734606ee4", "EIP-55"},
		{"NoPrefix", "d8e8328501e9645d16cf49539efc04f734606ee4", "0x followed by 40 hex digits"},
		{"NotHex", "0xg8e8328501e9645d16cf49539efc04f734606ee4", "0x followed by 40 hex digits"},
		{"TooLong", "0xd8e8328501e9645d16cf49539efc04f734606ee400", "0x followed by 40 hex digits"},
		{"Zero", "0x0000000000000000000000000000000000000000", "zero address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(minimal), "")
			if err != nil {
				t.Fatal(err)
			}
			c.Orchestrator = tt.addr
			err = c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// keyPaths lists every key path Config decodes from, list entries written
// as rpc[].url, by reflection over the yaml tags.
func keyPaths(t reflect.Type, prefix string) []string {
	var paths []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue // yaml.v3 decodes exported fields only
		}
		if yamlKey(f) == "-" {
			continue
		}
		p := joinPath(prefix, yamlKey(f))
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			ft, p = ft.Elem(), p+"[]"
		}
		if ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(unmarshalerType) {
			paths = append(paths, keyPaths(ft, p)...)
			continue
		}
		paths = append(paths, p)
	}
	return paths
}

// documentedKeys returns each key path in the YAML tree n and whether a
// comment sits on the key, above it, or above the list entry holding it.
func documentedKeys(n *yaml.Node, prefix string, inherited bool, out map[string]bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			documentedKeys(c, prefix, false, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := joinPath(prefix, k.Value)
			commented := inherited || k.HeadComment != "" || k.LineComment != "" || v.LineComment != ""
			out[p] = out[p] || commented
			documentedKeys(v, p, false, out)
		}
	case yaml.SequenceNode:
		for _, e := range n.Content {
			documentedKeys(e, prefix+"[]", e.HeadComment != "" || inherited, out)
		}
	}
}

func TestExampleDocumentsEveryKey(t *testing.T) {
	const example = "../../examples/lpops.yaml"
	t.Setenv("LPOPS_RPC_ALCHEMY", "https://arb-mainnet.g.alchemy.com/v2/example")
	if _, err := Load(example); err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	documentedKeys(&root, "", false, documented)
	paths := keyPaths(reflect.TypeFor[Config](), "")
	if len(paths) < 30 {
		t.Fatalf("found only %d key paths in Config: %q", len(paths), paths)
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "orchestrators[]") {
			continue // commented out in the example: TestExampleFleetBlock
		}
		commented, ok := documented[p]
		switch {
		case !ok:
			t.Errorf("examples/lpops.yaml does not set %s; add it with a comment", p)
		case !commented:
			t.Errorf("examples/lpops.yaml sets %s without a comment explaining it", p)
		}
	}
}

func TestParseEmptyFileNamesWhatIsRequired(t *testing.T) {
	for _, tt := range []struct{ name, in string }{{"Empty", ""}, {"OnlyComments", "# nothing yet\n"}, {"Null", "~\n"}} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), "new.yaml")
			want := "new.yaml: rpc: needs at least one endpoint\n" +
				"new.yaml: orchestrator: is required\n" +
				"new.yaml: signer.keystore: is required when reward.mode is act"
			if err == nil || err.Error() != want {
				t.Errorf("Parse error\n got: %v\nwant: %s", err, want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		Name   string
		Listen string
		Want   string // a prefix of the only warning; "" for none
	}{
		{"Loopback", "127.0.0.1:7940", ""},
		{"LoopbackRange", "127.0.0.2:7940", ""},
		{"IPv6Loopback", "[::1]:7940", ""},
		{"Localhost", "localhost:7940", ""},
		{"AllInterfaces", ":7940", "listen: :7940 is not a loopback address"},
		{"Unspecified", "0.0.0.0:7940", "listen: 0.0.0.0:7940 is not a loopback address"},
		{"LANAddress", "192.168.1.5:7940", "listen: 192.168.1.5:7940 is not a loopback address"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			c := Default()
			c.Listen = tc.Listen
			c.Alerts.Channels = []Channel{{Name: "team", Type: "slack"}}
			got := c.Warnings()
			switch {
			case tc.Want == "" && len(got) != 0:
				t.Errorf("Warnings() = %q, want none", got)
			case tc.Want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tc.Want)):
				t.Errorf("Warnings() = %q, want one starting %q", got, tc.Want)
			}
		})
	}
}

// TestWarningsNoAlertChannel: a configuration that tells nobody about a
// firing alert is valid, and warned about.
func TestWarningsNoAlertChannel(t *testing.T) {
	c := Default()
	got := c.Warnings()
	if len(got) != 1 || !strings.HasPrefix(got[0], "alerts.channels: no alert channel is configured") {
		t.Errorf("Warnings() = %q, want one about alerts.channels", got)
	}
	c.Alerts.Channels = []Channel{{Name: "pager", Type: "pagerduty"}}
	if got := c.Warnings(); len(got) != 0 {
		t.Errorf("Warnings() with a channel = %q, want none", got)
	}
}

// TestWarningsChainNodeMismatch: geth (an L1 node) on an Arbitrum host is
// accepted by Validate, which doctor-only hosts need, but warned about.
func TestWarningsChainNodeMismatch(t *testing.T) {
	c := Default()
	c.Alerts.Channels = []Channel{{Name: "pager", Type: "pagerduty"}}
	c.Host.ChainNode.Kind = ChainNodeGeth
	got := c.Warnings()
	if len(got) != 1 || !strings.HasPrefix(got[0], `host.chain_node.kind: runs geth, an Ethereum L1 (or devnet) node, but network arbitrum-one-mainnet needs an Arbitrum One node`) {
		t.Errorf("Warnings() = %q, want the chain node mismatch", got)
	}
	c.Host.ChainNode.Kind = ChainNodeNitro
	if got := c.Warnings(); len(got) != 0 {
		t.Errorf("Warnings() with nitro on Arbitrum One = %q, want none", got)
	}
	// A devnet whose geth is told to follow a public network.
	c.Network, c.ChainID, c.Host.ChainNode.Kind = NetworkCustom, 54321, ChainNodeGeth
	c.Host.Geth.ExtraFlags.Items = []string{"--cache.gc=25", "--mainnet"}
	got = c.Warnings()
	if len(got) != 1 || !strings.HasPrefix(got[0], `host.geth.extra_flags[1]: makes geth follow chain id 1, but chain_id is 54321`) {
		t.Errorf("Warnings() = %q, want geth --mainnet on chain 54321", got)
	}
	c.Network, c.ChainID = NetworkMainnet, 1
	if got := c.Warnings(); len(got) != 0 {
		t.Errorf("Warnings() with geth --mainnet on network mainnet = %q, want none", got)
	}
}
