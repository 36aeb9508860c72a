package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/store"
)

const testToken = "0123456789abcdef0123456789abcdef"

// alertServer is an API server over a real alert engine, with token as its
// api.token_file token ("" for none).
func alertServer(t *testing.T, token string) (*Server, *alert.Engine) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := alert.New(alert.Options{Store: st, Logger: slog.New(slog.DiscardHandler),
		Silences: []alert.Silence{{Matchers: []alert.Matcher{{Name: "alertname", Value: "NewRelease"}}, Until: time.Now().Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	s.EnableAlerts(e, token)
	return s, e
}

func do(t *testing.T, s *Server, method, path, auth, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestAlertRoutes(t *testing.T) {
	const bearer = "Bearer " + testToken
	const good = `{"matchers":[{"name":"alertname","value":"NodeDown"}],"duration":"2h","comment":"maintenance"}`
	for _, tc := range []struct {
		Name     string
		Token    string
		Method   string
		Path     string
		Auth     string
		Body     string
		WantCode int
		WantBody string
	}{
		{"ListNeedsNoToken", "", "GET", "/api/v1/alerts", "", "", 200, `"silences": [`},
		{"DisabledWithoutTokenFile", "", "POST", "/api/v1/silences", bearer, good, 403, "disabled: set api.token_file"},
		{"DeleteDisabledWithoutTokenFile", "", "DELETE", "/api/v1/silences/x", bearer, "", 403, "disabled: set api.token_file"},
		{"MissingToken", testToken, "POST", "/api/v1/silences", "", good, 401, "bearer token"},
		{"WrongToken", testToken, "POST", "/api/v1/silences", "Bearer nope", good, 401, "bearer token"},
		{"NotBearer", testToken, "POST", "/api/v1/silences", "Basic " + testToken, good, 401, "bearer token"},
		{"DeleteWrongToken", testToken, "DELETE", "/api/v1/silences/x", "Bearer nope", "", 401, "bearer token"},
		{"Created", testToken, "POST", "/api/v1/silences", bearer, good, 201, `"comment": "maintenance"`},
		{"CreatedUntil", testToken, "POST", "/api/v1/silences", bearer,
			`{"matchers":[{"name":"node","value":"n1"}],"until":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `","comment":"x","created_by":"alice"}`,
			201, `"created_by": "alice"`},
		{"BadJSON", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":`, 400, `"field": "body"`},
		{"EmptyBody", testToken, "POST", "/api/v1/silences", bearer, ``, 400, `"field": "body"`},
		// Found by FuzzAddSilence: these named no field.
		{"BodyNotAnObject", testToken, "POST", "/api/v1/silences", bearer, `[]`, 400, `"field": "body"`},
		{"UnknownFieldWithoutName", testToken, "POST", "/api/v1/silences", bearer, `{"":""}`, 400, `"field": "body"`},
		{"UnknownField", testToken, "POST", "/api/v1/silences", bearer, `{"matcher":[]}`, 400, `"field": "matcher"`},
		{"MatchersWrongType", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":"NodeDown"}`, 400, `"field": "matchers"`},
		{"NoMatchers", testToken, "POST", "/api/v1/silences", bearer, `{"duration":"1h","comment":"x"}`, 400, `"field": "matchers"`},
		{"EmptyMatcherName", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"value":"x"}],"duration":"1h","comment":"x"}`, 400, `"field": "matchers[0].name"`},
		{"NoEnd", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"comment":"x"}`, 400, `"field": "until"`},
		{"BadUntil", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"until":"tomorrow","comment":"x"}`, 400, `"field": "until"`},
		{"PastUntil", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"until":"2000-01-01T00:00:00Z","comment":"x"}`, 400, `"field": "until"`},
		{"BadDuration", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"duration":"-1h","comment":"x"}`, 400, `"field": "duration"`},
		{"BothEnds", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"duration":"1h","until":"2030-01-01T00:00:00Z","comment":"x"}`, 400, `"field": "duration"`},
		{"NoComment", testToken, "POST", "/api/v1/silences", bearer, `{"matchers":[{"name":"alertname","value":"x"}],"duration":"1h"}`, 400, `"field": "comment"`},
		{"DeleteUnknown", testToken, "DELETE", "/api/v1/silences/nope", bearer, "", 404, `no silence \"nope\"`},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			s, _ := alertServer(t, tc.Token)
			code, body := do(t, s, tc.Method, tc.Path, tc.Auth, tc.Body)
			if code != tc.WantCode || !strings.Contains(body, tc.WantBody) {
				t.Fatalf("%s %s = %d %s; want %d containing %q", tc.Method, tc.Path, code, body, tc.WantCode, tc.WantBody)
			}
		})
	}
}

func TestSilenceLifecycleOverHTTP(t *testing.T) {
	s, _ := alertServer(t, testToken)
	auth := "Bearer " + testToken
	code, body := do(t, s, "POST", "/api/v1/silences", auth, `{"matchers":[{"name":"alertname","value":"NodeDown"}],"duration":"30m","comment":"reboot"}`)
	if code != 201 {
		t.Fatalf("POST = %d %s", code, body)
	}
	var added alert.Silence
	if err := json.Unmarshal([]byte(body), &added); err != nil || added.ID == "" || added.CreatedBy != "api" {
		t.Fatalf("created %s (%v)", body, err)
	}
	var doc alert.Doc
	_, body = do(t, s, "GET", "/api/v1/alerts", "", "")
	if err := json.Unmarshal([]byte(body), &doc); err != nil || len(doc.Silences) != 2 {
		t.Fatalf("list %s (%v)", body, err)
	}
	var static string
	for _, si := range doc.Silences {
		if si.Static {
			static = si.ID
		}
	}
	if code, body := do(t, s, "DELETE", "/api/v1/silences/"+static, auth, ""); code != http.StatusConflict {
		t.Fatalf("DELETE static = %d %s", code, body)
	}
	if code, body := do(t, s, "DELETE", "/api/v1/silences/"+added.ID, auth, ""); code != 200 {
		t.Fatalf("DELETE = %d %s", code, body)
	}
	if code, _ := do(t, s, "DELETE", "/api/v1/silences/"+added.ID, auth, ""); code != 404 {
		t.Fatalf("second DELETE = %d, want 404", code)
	}
}

func TestAlertRoutesAbsentUntilEnabled(t *testing.T) {
	s := New(fakeSource{}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	if code, _ := do(t, s, "GET", "/api/v1/alerts", "", ""); code != 404 {
		t.Fatalf("GET /api/v1/alerts = %d, want 404", code)
	}
}

func TestLoadToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		Name    string
		Path    string
		Want    string
		WantErr string
	}{
		{"None", "", "", ""},
		{"Private", write("ok", testToken+"\n", 0o600), testToken, ""},
		{"GroupReadable", write("group", testToken, 0o640), "", "accessible to group or others (mode 0640)"},
		{"Short", write("short", "abc", 0o600), "", "shorter than 16 characters"},
		{"Missing", filepath.Join(dir, "missing"), "", "no such file"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := LoadToken(tc.Path)
			switch {
			case tc.WantErr == "" && err != nil:
				t.Fatalf("LoadToken = %v", err)
			case tc.WantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.WantErr)):
				t.Fatalf("LoadToken = %v, want an error containing %q", err, tc.WantErr)
			case got != tc.Want:
				t.Fatalf("token %q, want %q", got, tc.Want)
			case err != nil && strings.Contains(err.Error(), testToken):
				t.Fatalf("error reveals the token: %v", err)
			}
		})
	}
}
