package ha

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// PathStepDown is the API route that makes the leader resign.
const PathStepDown = "POST /api/v1/ha/step-down"

// StepDownDoc answers PathStepDown.
type StepDownDoc struct {
	// SteppedDown is false when this instance did not lead.
	SteppedDown bool   `json:"stepped_down"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Error       string `json:"error,omitempty"`
}

// StepDownHandler serves PathStepDown, guarded by the API's bearer token
// (disabled without api.token_file): it changes who sends.
func StepDownHandler(n *Node, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" {
			writeJSON(w, http.StatusForbidden, StepDownDoc{Error: "disabled: set api.token_file"})
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lpops"`)
			writeJSON(w, http.StatusUnauthorized, StepDownDoc{Error: "missing or wrong bearer token (api.token_file)"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), max(n.o.TTL, 5*time.Second))
		defer cancel()
		stepped, err := n.StepDown(ctx)
		doc := StepDownDoc{SteppedDown: stepped, Name: n.o.Name}
		code := http.StatusOK
		if err != nil {
			doc.Error, code = "resign: "+err.Error(), http.StatusBadGateway
		}
		doc.Role = n.Status().Role
		writeJSON(w, code, doc)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
