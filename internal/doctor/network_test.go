package doctor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeChain is a JSON-RPC endpoint answering the RPC probe's batch
// (eth_chainId, eth_syncing, eth_blockNumber, eth_getBlockByNumber,
// net_peerCount) as go-ethereum does.
type fakeChain struct {
	chainID string
	syncing any
	head    uint64
	headAt  time.Time
}

func (c fakeChain) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var reqs []struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.NewDecoder(r.Body).Decode(&reqs); err != nil {
			http.Error(w, "batch expected", http.StatusBadRequest)
			return
		}
		var resps []map[string]any
		for _, q := range reqs {
			resp := map[string]any{"jsonrpc": "2.0", "id": q.ID}
			switch q.Method {
			case "eth_chainId":
				resp["result"] = c.chainID
			case "eth_syncing":
				resp["result"] = c.syncing
			case "eth_blockNumber":
				resp["result"] = fmt.Sprintf("0x%x", c.head)
			case "eth_getBlockByNumber":
				resp["result"] = map[string]string{"number": fmt.Sprintf("0x%x", c.head), "timestamp": fmt.Sprintf("0x%x", c.headAt.Unix())}
			case "net_peerCount":
				resp["result"] = "0x5"
			default:
				resp["error"] = map[string]any{"code": -32601, "message": "method not found"}
			}
			resps = append(resps, resp)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resps)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRPC(t *testing.T) {
	now := fixtureSystem("").Now()
	arb := "0xa4b1" // 42161
	synced := fakeChain{chainID: arb, syncing: false, head: 16, headAt: now.Add(-5 * time.Second)}
	tests := []struct {
		name  string
		chain fakeChain
		// rpc is the configuration's rpc: list; URL stands for the fake's
		// address, DIR for a directory of credential files.
		rpc string
		// root runs doctor as uid 0.
		root  bool
		want  []string
		texts []string
		// absent are texts the report must not hold.
		absent []string
	}{
		{name: "Synced", chain: synced, rpc: "  - name: nitro\n    url: URL\n",
			want: []string{"rpc.synced nitro=pass"}, texts: []string{"synced: head 16, 5s old (chain.max_head_age 2m)"}},
		{name: "Syncing", rpc: "  - name: nitro\n    url: URL\n",
			chain: fakeChain{chainID: arb, syncing: map[string]string{"currentBlock": "0x5", "highestBlock": "0x10"}, head: 5, headAt: now},
			want:  []string{"rpc.synced nitro=fail"}, texts: []string{"not synced: syncing: block 5 of 16"}},
		{name: "StaleHead", rpc: "  - name: nitro\n    url: URL\n",
			chain: fakeChain{chainID: arb, syncing: false, head: 16, headAt: now.Add(-10 * time.Minute)},
			want:  []string{"rpc.synced nitro=fail"}, texts: []string{"head 16 is 10m0s old"}},
		{name: "WrongChain", rpc: "  - name: nitro\n    url: URL\n",
			chain: fakeChain{chainID: "0x1", syncing: false, head: 16, headAt: now},
			want:  []string{"rpc.synced nitro=fail"}, texts: []string{"chain id 1", "chain id 42161"}},
		{name: "DownAndNamedNeverShown", chain: synced,
			rpc:   "  - name: good\n    url: URL/v2/KEY-in-path\n  - name: down\n    url: http://127.0.0.1:1/v2/KEY-in-path\n",
			want:  []string{"rpc.synced good=pass", "rpc.synced down=fail"},
			texts: []string{"does not answer"}},
		{name: "CredentialURLFileFromItsSource", chain: synced,
			rpc:  "  - name: provider\n    url_file: /run/credentials/lpops.service/rpc-provider\nhost:\n  lpops:\n    credentials_dir: DIR\n",
			want: []string{"rpc.synced provider=pass"}},
		{name: "UnreadableURLFile", chain: synced,
			rpc:   "  - name: provider\n    url_file: DIR/missing\n  - name: nitro\n    url: URL\n",
			want:  []string{"rpc.synced provider=warn", "rpc.synced nitro=pass"},
			texts: []string{"cannot read its URL: rpc[0].url_file: open DIR/missing", "run lpops doctor as root, or fix rpc[0]"}},
		{name: "UnreadableSecondURLFileNamedByItsIndex", chain: synced,
			rpc:    "  - name: nitro\n    url: URL\n  - name: provider\n    url_file: DIR/missing\n",
			want:   []string{"rpc.synced provider=warn", "rpc.synced nitro=pass"},
			texts:  []string{"cannot read its URL: rpc[1].url_file: open DIR/missing", "or fix rpc[1]"},
			absent: []string{"rpc[0]"}},
		{name: "UnreadableURLFileAsRoot", chain: synced, root: true,
			rpc:    "  - name: provider\n    url_file: DIR/missing\n",
			want:   []string{"rpc.synced provider=warn"},
			texts:  []string{"fix rpc[0]: its URL file or variable is missing"},
			absent: []string{"as root"}},
		{name: "LocalNitroAdded", chain: synced,
			rpc:  "  - name: provider\n    url: http://127.0.0.1:1\nhost:\n  chain_node:\n    kind: nitro\n  nitro:\n    http_addr: ADDR\n",
			want: []string{"rpc.synced provider=fail", "rpc.synced host.nitro.http_addr=pass"}},
		{name: "LocalNitroDownSaysWhichUnit", chain: synced,
			rpc:   "  - name: provider\n    url: URL\nhost:\n  chain_node:\n    kind: nitro\n  nitro:\n    http_addr: 127.0.0.1:1\n",
			want:  []string{"rpc.synced provider=pass", "rpc.synced host.nitro.http_addr=fail"},
			texts: []string{"systemctl status nitro.service; journalctl -u nitro.service"}},
		{name: "LocalGethAdded", chain: synced,
			rpc:  "  - name: nitro\n    url: http://127.0.0.1:1\nhost:\n  geth:\n    enabled: true\n    http_addr: ADDR\n",
			want: []string{"rpc.synced nitro=fail", "rpc.synced host.geth.http_addr=pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.chain.serve(t)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "rpc-provider"), []byte(srv.URL+"/v2/KEY-in-path\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			yaml := "rpc:\n" + strings.NewReplacer("URL", srv.URL, "DIR", dir, "ADDR", strings.TrimPrefix(srv.URL, "http://")).Replace(tt.rpc)
			sys := fixtureSystem(t.TempDir())
			if tt.root {
				sys.EUID = func() int { return 0 }
			}
			r := New(testConfig(t, yaml), sys, Options{Checks: []string{CheckRPCSynced}}).Run(t.Context())
			if !slices.Equal(statuses(r.Findings), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(r.Findings), tt.want, r.Findings)
			}
			var out strings.Builder
			_ = r.WriteJSON(&out)
			_ = r.WriteText(&out)
			for _, s := range tt.texts {
				if !strings.Contains(out.String(), strings.ReplaceAll(s, "DIR", dir)) {
					t.Errorf("report lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(out.String(), s) {
					t.Errorf("report holds %q:\n%s", s, out.String())
				}
			}
			if strings.Contains(out.String(), "KEY-in-path") {
				t.Errorf("report shows an endpoint URL:\n%s", out.String())
			}
		})
	}
}

func TestNodeVersion(t *testing.T) {
	node := func(version string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/status" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, `{"Manifests":{},"Version":%q,"GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux"}`, version)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	releases := func(tag string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"tag_name":%q,"html_url":"https://github.com/livepeer/go-livepeer/releases/tag/%s","published_at":"2026-04-01T00:00:00Z"}`, tag, tag)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	tests := []struct {
		name            string
		nodeURL, relURL string
		want            Status
		texts           []string
	}{
		{name: "Current", nodeURL: node("0.9.1").URL, relURL: releases("v0.9.1").URL, want: Pass,
			texts: []string{"the node runs 0.9.1, the newest release is v0.9.1"}},
		{name: "Outdated", nodeURL: node("0.8.9-abc123").URL, relURL: releases("v0.9.1").URL, want: Warn,
			texts: []string{"the node runs 0.8.9-abc123; v0.9.1 is out", "upgrade go-livepeer to v0.9.1 (https://github.com/livepeer/go-livepeer/releases/tag/v0.9.1)"}},
		{name: "ReleasesOffline", nodeURL: node("0.9.1").URL, relURL: "http://127.0.0.1:1/releases/latest", want: Warn,
			texts: []string{"unknown: node runs 0.9.1; newest release unknown (releases api:"}},
		{name: "NodeDown", nodeURL: "http://127.0.0.1:1", relURL: releases("v0.9.1").URL, want: Warn,
			texts: []string{"unknown: node version unknown (GET /status:", "newest release is v0.9.1", "curl http://127.0.0.1:1/status"}},
		{name: "Disabled", nodeURL: node("0.9.1").URL, want: Skip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig(t, fmt.Sprintf("node:\n  cli_url: %s\nprobes:\n  releases:\n    url: %q\n", tt.nodeURL, tt.relURL))
			got := runOnly(t, c, fixtureSystem(t.TempDir()), Options{}, CheckNodeVersion)
			if len(got) != 1 || got[0].Status != tt.want {
				t.Fatalf("findings %+v, want one %s", got, tt.want)
			}
			for _, s := range tt.texts {
				if !strings.Contains(got[0].Evidence+" | "+got[0].Fix, s) {
					t.Errorf("finding lacks %q: %+v", s, got[0])
				}
			}
		})
	}
}
