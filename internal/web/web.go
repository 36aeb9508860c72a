package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/lpops/lpops/internal/alert"
)

//go:embed assets
var assets embed.FS

// Source is the status and round history the page shows; *daemon.Daemon
// satisfies it (it is the API's StatusSource).
type Source interface {
	// Status is the /api/v1/status document.
	Status() any
	// Rounds is the /api/v1/rounds document: the newest n rounds.
	Rounds(n int) (any, error)
}

// AlertSource is the alert engine as the page sees it.
type AlertSource interface {
	Doc() alert.Doc
}

// ActionSource lists the newest n remediation actions, newest first, as
// (*remediate.Remediator).Actions does: the page shows each one's runbook,
// action (or type), outcome, started_at, dry_run, and detail and error
// outside public mode.
type ActionSource interface {
	Actions(n int) (any, error)
}

var (
	_ AlertSource  = (*alert.Engine)(nil)
	_ http.Handler = (*Handler)(nil)
)

// Options configure a Handler.
type Options struct {
	// Status is required.
	Status Source
	// Alerts and Actions are optional: without one, its document answers
	// 404 and the page hides or greys out its section.
	Alerts  AlertSource
	Actions ActionSource
	// Public serves only the allowlisted fields of every document the page
	// loads, accounts named by role; see the package documentation.
	Public bool
	Logger *slog.Logger
}

// DefaultRounds is how many rounds the chart shows.
const DefaultRounds = 30

// Handler serves the status page and the documents it loads.
type Handler struct {
	o   Options
	log *slog.Logger
	mux *http.ServeMux
}

// New returns the status page handler.
func New(o Options) *Handler {
	if isNil(o.Alerts) {
		o.Alerts = nil
	}
	if isNil(o.Actions) {
		o.Actions = nil
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{o: o, log: o.Logger.With("component", "web"), mux: http.NewServeMux()}
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(static)
	h.mux.HandleFunc("GET /{$}", h.index)
	h.mux.Handle("GET /assets/", noCache(http.StripPrefix("/assets/", noListing(files))))
	h.mux.HandleFunc("GET /ui/status.json", h.status)
	h.mux.HandleFunc("GET /ui/rounds.json", h.rounds)
	h.mux.HandleFunc("GET /ui/alerts.json", h.alerts)
	h.mux.HandleFunc("GET /ui/actions.json", h.actions)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if h.o.Public {
		w.Header().Set("Lpops-View", "public")
	}
	h.mux.ServeHTTP(w, r)
}

// csp allows the page its own script, style and data, and nothing else: the
// page loads nothing from elsewhere and renders no markup from the data.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *Handler) index(w http.ResponseWriter, _ *http.Request) {
	b, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// noListing answers 404 for directories: the assets are files, not a tree
// to browse.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// noCache makes browsers revalidate the assets, so an upgraded lpops never
// runs with last version's script.
func noCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) status(w http.ResponseWriter, _ *http.Request) {
	h.writeDoc(w, h.o.Status.Status(), publicStatus)
}

func (h *Handler) rounds(w http.ResponseWriter, r *http.Request) {
	n, ok := limit(w, r, DefaultRounds)
	if !ok {
		return
	}
	doc, err := h.o.Status.Rounds(n)
	if err != nil {
		h.log.Error("read rounds", "err", err)
		h.writeError(w, http.StatusInternalServerError, "read rounds: "+err.Error())
		return
	}
	h.writeDoc(w, doc, publicRounds)
}

func (h *Handler) alerts(w http.ResponseWriter, _ *http.Request) {
	if h.o.Alerts == nil {
		h.writeError(w, http.StatusNotFound, "alerts are not enabled")
		return
	}
	h.writeDoc(w, h.o.Alerts.Doc(), publicAlerts)
}

func (h *Handler) actions(w http.ResponseWriter, r *http.Request) {
	if h.o.Actions == nil {
		h.writeError(w, http.StatusNotFound, "no remediation actions")
		return
	}
	n, ok := limit(w, r, 10)
	if !ok {
		return
	}
	doc, err := h.o.Actions.Actions(n)
	if err != nil {
		h.log.Error("read actions", "err", err)
		h.writeError(w, http.StatusInternalServerError, "read actions: "+err.Error())
		return
	}
	h.writeDoc(w, doc, publicActions)
}

// limit reads ?limit=N (1–1000) and answers 400 itself when it is bad.
func limit(w http.ResponseWriter, r *http.Request, def int) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit: want an integer from 1 to 1000, got %q", v)})
		return 0, false
	}
	return n, true
}

// writeDoc writes v as JSON; in public mode only what the public shape
// keeps. The accounts to name by role come from the current status
// document, so the signer reads "[signer]", not "[address]".
func (h *Handler) writeDoc(w http.ResponseWriter, v any, public shape) {
	b, err := json.Marshal(v)
	if err != nil {
		h.log.Error("encode document", "err", err)
		h.writeError(w, http.StatusInternalServerError, "encode: "+err.Error())
		return
	}
	if h.o.Public {
		if b, err = publicDoc(b, public, AccountRoles(h.o.Status.Status())); err != nil {
			h.log.Error("public view", "err", err)
			h.writeError(w, http.StatusInternalServerError, "public view failed")
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

func (h *Handler) writeError(w http.ResponseWriter, code int, msg string) {
	if h.o.Public {
		msg = http.StatusText(code) // an error may quote a path or an address
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// isNil reports whether v is nil or a nil pointer in an interface, as a
// nil *alert.Engine passed as an AlertSource would be.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
