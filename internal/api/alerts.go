package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/config"
)

// AlertSource is the alert engine as the API sees it.
type AlertSource interface {
	// Doc is the /api/v1/alerts document.
	Doc() alert.Doc
	AddSilence(s alert.Silence) (alert.Silence, error)
	RemoveSilence(id string) error
}

var _ AlertSource = (*alert.Engine)(nil)

// minTokenLen refuses tokens short enough to guess.
const minTokenLen = 16

// LoadToken reads the bearer token from api.token_file (surrounding
// whitespace trimmed). An empty path returns "" without error: the
// state-changing routes are then disabled. The file must not be accessible
// to group or others. Errors never include the token.
func LoadToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := config.ReadSecretFile("api.token_file", path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < minTokenLen {
		return "", fmt.Errorf("api.token_file: the token in %s is shorter than %d characters; generate one with: openssl rand -hex 32", path, minTokenLen)
	}
	return tok, nil
}

// ConfigToken reads the bearer token from api.token_file, as LoadToken
// does, or from the secret store api.token_secret names. Neither set
// returns "" without error. Errors never include the token.
func ConfigToken(a config.API) (string, error) {
	if !a.TokenSecret.IsSet() {
		return LoadToken(a.TokenFile)
	}
	b, err := a.TokenSecret.Value("api.token_secret")
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	clear(b)
	if len(tok) < minTokenLen {
		return "", fmt.Errorf("api.token_secret: the token in %s is shorter than %d characters; generate one with: openssl rand -hex 32", a.TokenSecret.Ref, minTokenLen)
	}
	return tok, nil
}

// EnableAlerts adds the alert routes: GET /api/v1/alerts, and, guarded by
// the bearer token, POST /api/v1/silences and DELETE /api/v1/silences/{id}.
// With an empty token (no api.token_file) the guarded routes answer 403.
// Call it before Serve.
func (s *Server) EnableAlerts(src AlertSource, token string) {
	a := &alertRoutes{src: src, token: token, s: s}
	s.mux.HandleFunc("GET /api/v1/alerts", a.list)
	s.mux.HandleFunc("POST /api/v1/silences", a.guard(a.addSilence))
	s.mux.HandleFunc("DELETE /api/v1/silences/{id}", a.guard(a.removeSilence))
}

type alertRoutes struct {
	src   AlertSource
	token string
	s     *Server
}

// errorDoc is the body of every error answer; Field names the request
// field at fault, when one is.
type errorDoc struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func (a *alertRoutes) list(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.src.Doc())
}

// guard lets a request through only with the configured bearer token.
func (a *alertRoutes) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.token == "" {
			writeJSON(w, http.StatusForbidden, errorDoc{Error: "disabled: set api.token_file"})
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(a.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lpops"`)
			writeJSON(w, http.StatusUnauthorized, errorDoc{Error: "missing or wrong bearer token (api.token_file)"})
			return
		}
		h(w, r)
	}
}

// SilenceRequest is the body of POST /api/v1/silences: the matchers, an end
// (Until, RFC 3339, or Duration from now, a Go duration such as "2h"), and
// why.
type SilenceRequest struct {
	Matchers  []alert.Matcher `json:"matchers"`
	Until     string          `json:"until,omitempty"`
	Duration  string          `json:"duration,omitempty"`
	Comment   string          `json:"comment"`
	CreatedBy string          `json:"created_by,omitempty"`
}

func (a *alertRoutes) addSilence(w http.ResponseWriter, r *http.Request) {
	var req SilenceRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, decodeError(err))
		return
	}
	if dec.More() {
		writeJSON(w, http.StatusBadRequest, errorDoc{Error: "body: one JSON object expected", Field: "body"})
		return
	}
	sil, fe := req.silence(time.Now())
	if fe != nil {
		writeJSON(w, http.StatusBadRequest, errorDoc{Error: fe.Error(), Field: fe.Field})
		return
	}
	if sil.CreatedBy == "" {
		sil.CreatedBy = "api"
	}
	added, err := a.src.AddSilence(sil)
	var ferr *alert.FieldError
	switch {
	case errors.As(err, &ferr):
		writeJSON(w, http.StatusBadRequest, errorDoc{Error: ferr.Error(), Field: ferr.Field})
	case errors.Is(err, alert.ErrFollower):
		writeJSON(w, http.StatusConflict, errorDoc{Error: err.Error()})
	case err != nil:
		a.s.log.Error("add silence", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorDoc{Error: err.Error()})
	default:
		writeJSON(w, http.StatusCreated, added)
	}
}

// silence checks the request's own fields; the engine checks the rest.
func (req SilenceRequest) silence(now time.Time) (alert.Silence, *alert.FieldError) {
	s := alert.Silence{Matchers: req.Matchers, Comment: strings.TrimSpace(req.Comment), CreatedBy: req.CreatedBy}
	switch {
	case req.Until != "" && req.Duration != "":
		return s, &alert.FieldError{Field: "duration", Msg: "set until or duration, not both"}
	case req.Until != "":
		t, err := time.Parse(time.RFC3339, req.Until)
		if err != nil {
			return s, &alert.FieldError{Field: "until", Msg: fmt.Sprintf("must be an RFC 3339 time such as 2026-03-01T18:00:00Z (got %q)", req.Until)}
		}
		s.Until = t
	case req.Duration != "":
		d, err := time.ParseDuration(req.Duration)
		if err != nil || d <= 0 {
			return s, &alert.FieldError{Field: "duration", Msg: fmt.Sprintf("must be a positive duration such as 2h or 30m (got %q)", req.Duration)}
		}
		s.Until = now.Add(d)
	default:
		return s, &alert.FieldError{Field: "until", Msg: "set until (RFC 3339) or duration (such as 2h)"}
	}
	if s.Comment == "" {
		return s, &alert.FieldError{Field: "comment", Msg: "is required: say why the alerts are silenced"}
	}
	return s, nil
}

// decodeError names the field a JSON decoding error is about.
func decodeError(err error) errorDoc {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" { // the body itself: a list, a string, a number
			field = "body"
		}
		return errorDoc{Error: fmt.Sprintf("%s: must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value), Field: field}
	case errors.As(err, &se):
		return errorDoc{Error: fmt.Sprintf("body: invalid JSON at byte %d: %v", se.Offset, err), Field: "body"}
	case errors.As(err, &mbe):
		return errorDoc{Error: "body: larger than 64 KiB", Field: "body"}
	case errors.Is(err, io.EOF):
		return errorDoc{Error: "body: a JSON object is required", Field: "body"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorDoc{Error: "body: the JSON ends too early", Field: "body"}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if f = strings.Trim(f, `"`); f == "" {
			return errorDoc{Error: `body: unknown field ""`, Field: "body"}
		}
		return errorDoc{Error: f + ": unknown field", Field: f}
	}
	return errorDoc{Error: "body: " + err.Error(), Field: "body"}
}

func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + k
}

func (a *alertRoutes) removeSilence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	err := a.src.RemoveSilence(id)
	switch {
	case errors.Is(err, alert.ErrSilenceNotFound):
		writeJSON(w, http.StatusNotFound, errorDoc{Error: fmt.Sprintf("no silence %q", id)})
	case errors.Is(err, alert.ErrStaticSilence), errors.Is(err, alert.ErrFollower):
		writeJSON(w, http.StatusConflict, errorDoc{Error: err.Error()})
	case err != nil:
		a.s.log.Error("remove silence", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorDoc{Error: err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"removed": id})
	}
}
