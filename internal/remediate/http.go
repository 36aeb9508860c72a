package remediate

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Routes served by Handler.
const (
	// PathActions lists the runbooks and the audit log (?limit=N runs,
	// 1 to 1000, default 50).
	PathActions = "GET /api/v1/actions"
	// PathReset closes a runbook's breaker; it needs the API bearer token.
	PathReset = "POST /api/v1/runbooks/{name}/reset"
)

// Handler serves GET /api/v1/actions and, guarded by the bearer token of
// api.token_file, POST /api/v1/runbooks/{name}/reset. With an empty token
// the reset answers 403, as the API's other state-changing routes do.
func (r *Remediator) Handler(token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(PathActions, r.serveActions)
	mux.HandleFunc(PathReset, func(w http.ResponseWriter, req *http.Request) {
		if token == "" {
			writeJSON(w, http.StatusForbidden, errorDoc{Error: "disabled: set api.token_file"})
			return
		}
		got, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lpops"`)
			writeJSON(w, http.StatusUnauthorized, errorDoc{Error: "missing or wrong bearer token (api.token_file)"})
			return
		}
		r.serveReset(w, req)
	})
	return mux
}

type errorDoc struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func (r *Remediator) serveActions(w http.ResponseWriter, req *http.Request) {
	n := 50
	if v := req.URL.Query().Get("limit"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > 1000 {
			writeJSON(w, http.StatusBadRequest, errorDoc{Error: fmt.Sprintf("limit: want an integer from 1 to 1000, got %q", v), Field: "limit"})
			return
		}
		n = i
	}
	doc, err := r.Doc(n)
	if err != nil {
		r.log.Error("read audit log", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorDoc{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

func (r *Remediator) serveReset(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	st, err := r.Reset(name)
	switch {
	case errors.Is(err, ErrUnknownRunbook):
		writeJSON(w, http.StatusNotFound, errorDoc{Error: fmt.Sprintf("no runbook %q", name)})
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, errorDoc{Error: err.Error()})
	default:
		writeJSON(w, http.StatusOK, st)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
