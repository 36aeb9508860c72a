package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/store"
)

// FuzzAddSilence posts arbitrary bodies to POST /api/v1/silences, seeded
// with the requests of the API's documentation and tests. Whatever the
// body, the answer is JSON; a refusal is a 400 that names the field at
// fault; an accepted silence is returned with an id, at least one named
// matcher, a comment and an end in the future, and is listed at once.
func FuzzAddSilence(f *testing.F) {
	for _, b := range []string{
		`{"matchers":[{"name":"alertname","value":"NodeDown"}],"duration":"2h","comment":"maintenance"}`,
		`{"matchers":[{"name":"alertname","value":"RewardMissed"},{"name":"orchestrator","value":"0x570e1b321d9359007a7df39c8038b32b4fc366d7"}],"until":"2099-03-01T18:00:00Z","comment":"node migration","created_by":"ops"}`,
		`{"matchers":[],"duration":"1h","comment":"x"}`,
		`{"matchers":[{"name":"","value":"x"}],"duration":"1h","comment":"x"}`,
		`{"matchers":[{"name":"alertname","value":"x"}],"until":"2020-01-01T00:00:00Z","comment":"past"}`,
		`{"matchers":[{"name":"alertname","value":"x"}],"until":"tomorrow","comment":"x"}`,
		`{"matchers":[{"name":"alertname","value":"x"}],"duration":"-1h","comment":"x"}`,
		`{"matchers":[{"name":"alertname","value":"x"}],"duration":"1h","until":"2099-01-01T00:00:00Z","comment":"x"}`,
		`{"matchers":"NodeDown","duration":"1h","comment":"x"}`,
		`{"matchers":[{"name":"alertname","value":"x"}],"duration":"1h","comment":"   "}`,
		`{"matcher":[]}`, `{} {}`, ``, `{"matchers":[`, `[]`, `null`,
	} {
		f.Add([]byte(b))
	}

	dir := os.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		dir = "/dev/shm" // every accepted silence is fsynced
	}
	sdir, err := os.MkdirTemp(dir, "lpops-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(sdir) })
	st, err := store.Open(sdir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	e, err := alert.New(alert.Options{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	s := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	s.EnableAlerts(e, testToken)
	h := s.Handler()

	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/silences", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out, _ := io.ReadAll(rec.Body)
		switch rec.Code {
		case http.StatusBadRequest:
			var doc errorDoc
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("400 answer is not JSON: %v: %q", err, out)
			}
			if doc.Error == "" || doc.Field == "" {
				t.Fatalf("400 answer does not say what is wrong where: %s", out)
			}
		case http.StatusCreated:
			var sil alert.Silence
			if err := json.Unmarshal(out, &sil); err != nil {
				t.Fatalf("201 answer is not a silence: %v: %q", err, out)
			}
			if sil.ID == "" || len(sil.Matchers) == 0 || strings.TrimSpace(sil.Comment) == "" || !sil.Until.After(time.Now()) {
				t.Fatalf("accepted an incomplete silence: %s (body %q)", out, body)
			}
			for _, m := range sil.Matchers {
				if m.Name == "" {
					t.Fatalf("accepted a matcher without a name: %s", out)
				}
			}
			listed := false
			for _, l := range e.Doc().Silences {
				listed = listed || l.ID == sil.ID
			}
			if !listed {
				t.Fatalf("silence %s accepted but not listed", sil.ID)
			}
			if err := e.RemoveSilence(sil.ID); err != nil {
				t.Fatalf("remove silence %s: %v", sil.ID, err)
			}
		default:
			t.Fatalf("HTTP %d for body %q: %s", rec.Code, body, out)
		}
	})
}
