package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/store"
)

const cliTestToken = "cli-test-token-0123456789abcdef"

// alertsDaemon serves the alert routes of a real engine on a loopback port
// and returns a configuration file pointing at it; withToken sets
// api.token_file.
func alertsDaemon(t *testing.T, withToken bool) (*alert.Engine, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := alert.New(alert.Options{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	srv.EnableAlerts(e, cliTestToken)
	addr, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	tokenFile := filepath.Join(dir, "api-token")
	if err := os.WriteFile(tokenFile, []byte(cliTestToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "network: custom\nchain_id: 54321\ncontroller: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n" +
		"rpc:\n  - url: http://127.0.0.1:8545\norchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n" +
		"reward:\n  mode: observe\nstate_dir: " + filepath.Join(dir, "state") + "\nlisten: " + addr.String() + "\n"
	if withToken {
		cfg += "api:\n  token_file: " + tokenFile + "\n"
	}
	path := filepath.Join(dir, "lpops.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, path
}

func alertsCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"alerts"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAlertsCommand(t *testing.T) {
	e, cfg := alertsDaemon(t, true)
	e.Observe(alert.Observation{Name: "NodeDown", Labels: map[string]string{"node": "main"}, Severity: alert.Critical,
		Firing: true, Summary: "node API not answering"})

	code, out, errOut := alertsCmd(t, "--config", cfg, "silence", "--alertname", "NodeDown", "--label", "node=main",
		"--for", "2h", "--comment", "kernel upgrade")
	if code != 0 || !strings.Contains(out, "silence ") || !strings.Contains(out, `alertname="NodeDown",node="main"`) {
		t.Fatalf("silence: exit %d\n%s%s", code, out, errOut)
	}
	id := strings.Fields(out)[1]

	code, out, errOut = alertsCmd(t, "--config", cfg)
	for _, want := range []string{"firing", "critical", "NodeDown", "node=main", "silenced by " + id, "node API not answering", "kernel upgrade"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("list: exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}

	code, out, _ = alertsCmd(t, "list", "--config", cfg, "--json")
	var doc alert.Doc
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || len(doc.Silences) != 1 || doc.Silences[0].ID != id {
		t.Fatalf("list --json: exit %d, %v:\n%s", code, err, out)
	}

	if code, out, errOut = alertsCmd(t, "--config", cfg, "unsilence", id); code != 0 || !strings.Contains(out, "removed silence "+id) {
		t.Fatalf("unsilence: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut = alertsCmd(t, "--config", cfg, "unsilence", id); code != 1 || !strings.Contains(errOut, "404") {
		t.Fatalf("unsilence twice: exit %d, stderr %q", code, errOut)
	}
}

func TestAlertsCommandErrors(t *testing.T) {
	noDefaultConfig(t)
	_, cfg := alertsDaemon(t, true)
	_, noToken := alertsDaemon(t, false)
	for _, tc := range []struct {
		Name     string
		Args     []string
		WantCode int
		WantErr  string
	}{
		{"Help", []string{"--help"}, 0, "lpops alerts --config /etc/lpops/lpops.yaml silence --alertname NodeDown"},
		{"UnknownAction", []string{"--config", cfg, "mute"}, 2, `unknown action "mute"`},
		{"UnsilenceWithoutID", []string{"--config", cfg, "unsilence"}, 2, "want one silence ID"},
		{"BadLabel", []string{"--config", cfg, "silence", "--label", "node"}, 2, "want KEY=VALUE"},
		{"NoComment", []string{"--config", cfg, "silence", "--alertname", "X", "--for", "1h"}, 1, "comment: is required"},
		{"NoMatchers", []string{"--config", cfg, "silence", "--for", "1h", "--comment", "x"}, 1, "matchers: needs at least one matcher"},
		{"BadDuration", []string{"--config", cfg, "silence", "--alertname", "X", "--for", "soon", "--comment", "x"}, 1, "duration: must be a positive duration"},
		{"NoTokenFile", []string{"--config", noToken, "silence", "--alertname", "X", "--for", "1h", "--comment", "x"}, 1, "api.token_file is not set"},
		{"NoConfig", []string{"list"}, 2, "no configuration file: give --config FILE, set LPOPS_CONFIG=FILE"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			code, _, errOut := alertsCmd(t, tc.Args...)
			if code != tc.WantCode || !strings.Contains(errOut, tc.WantErr) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tc.WantCode, tc.WantErr)
			}
		})
	}
}
