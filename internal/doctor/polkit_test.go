package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
)

// renderSample is the configuration lpops render's golden files come from:
// its runbooks restart geth.service and livepeer.service.
const renderSample = "../render/testdata/lpops.yaml"

func loadRenderSample(t *testing.T) *config.Config {
	t.Helper()
	b, err := os.ReadFile(renderSample)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(b, renderSample)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// renderedRule is the polkit rule lpops render writes for c.
func renderedRule(t *testing.T, c *config.Config) []byte {
	t.Helper()
	files, err := render.Render(c, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Dest == render.PolkitRules {
			return f.Content
		}
	}
	t.Fatal("render wrote no polkit rule")
	return nil
}

func TestPolkitCheck(t *testing.T) {
	full := loadRenderSample(t)
	// A rule rendered before livepeer.service joined the runbooks.
	gethOnly := loadRenderSample(t)
	gethOnly.Remediation.Runbooks = []config.Runbook{{Name: "g", Steps: []config.Step{{Type: config.StepSystemdRestart, Unit: "geth.service"}}}}
	otherUser := loadRenderSample(t)
	otherUser.Host.Lpops.User = "ops"
	none := loadRenderSample(t)
	none.Remediation.Runbooks = nil

	tests := []struct {
		name     string
		cfg      *config.Config
		rule     []byte // nil: no file
		status   Status
		evidence string
	}{
		{"NoRestartsNoRule", none, nil, Skip, "no remediation runbook restarts a systemd unit"},
		{"Missing", full, nil, Warn, "runbooks restart geth.service, livepeer.service over D-Bus, but there is no polkit rule letting lpops do it"},
		{"Rendered", full, renderedRule(t, full), Pass, "the polkit rule lets lpops restart geth.service, livepeer.service"},
		{"StaleUnits", full, renderedRule(t, gethOnly), Warn, "does not name livepeer.service"},
		{"OtherUser", full, renderedRule(t, otherUser), Warn, `does not name lpops' user "lpops"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "50-lpops.rules")
			if tc.rule != nil {
				if err := os.WriteFile(path, tc.rule, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := New(tc.cfg, System{PolkitRules: path}, Options{Checks: []string{CheckPolkit}}).Run(context.Background())
			if len(r.Findings) != 1 {
				t.Fatalf("findings %+v, want one", r.Findings)
			}
			f := r.Findings[0]
			if f.Status != tc.status || !strings.Contains(f.Evidence, tc.evidence) {
				t.Errorf("finding %+v, want %s with %q", f, tc.status, tc.evidence)
			}
			if (f.Status == Warn) != strings.Contains(f.Fix, "lpops render") {
				t.Errorf("fix %q: want the render command exactly for a warning", f.Fix)
			}
		})
	}
}
