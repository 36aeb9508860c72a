package backup

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/httpx"
	"github.com/lpops/lpops/internal/store"
)

// PathSnapshot is the daemon's route that streams a consistent copy of its
// state store (bearer token required: the store holds signed transactions).
const PathSnapshot = "GET /api/v1/state/snapshot"

// SnapshotHandler serves PathSnapshot from s. With an empty token (no
// api.token_file) it answers 403.
func SnapshotHandler(s *store.Store, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" {
			http.Error(w, "disabled: set api.token_file", http.StatusForbidden)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lpops"`)
			http.Error(w, "missing or wrong bearer token (api.token_file)", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Cache-Control", "no-store")
		// Streamed chunked: a failure mid-way ends the response without its
		// last chunk, which the client reads as an unexpected EOF, never as
		// a short but complete copy.
		if _, err := s.WriteTo(w); err != nil {
			panic(http.ErrAbortHandler)
		}
	})
}

// DaemonState asks the daemon listening on listen (host:port) for its
// state snapshot.
func DaemonState(listen, token string) StateFunc {
	return func(ctx context.Context, w io.Writer) (string, error) {
		if token == "" {
			return "", fmt.Errorf("the daemon holds the state store and api.token_file is not set, so it cannot be asked for a snapshot")
		}
		host, port, err := net.SplitHostPort(listen)
		if err != nil {
			return "", fmt.Errorf("listen %q: %w", listen, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		url := "http://" + net.JoinHostPort(host, port) + strings.TrimPrefix(PathSnapshot, "GET ")
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", fmt.Errorf("ask the daemon for a state snapshot: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			return "", fmt.Errorf("ask the daemon for a state snapshot: %s: %s", resp.Status, httpx.Text(string(b)))
		}
		if _, err := io.Copy(w, io.LimitReader(resp.Body, MaxFileSize)); err != nil {
			return "", fmt.Errorf("read the daemon's state snapshot: %w", err)
		}
		return "daemon", nil
	}
}
