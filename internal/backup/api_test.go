package backup

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/store"
)

// TestSnapshotRoute: the daemon's snapshot route needs the bearer token,
// and what it streams while the store stays open is a store that opens.
func TestSnapshotRoute(t *testing.T) {
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put("rounds", []byte("k"), 42); err != nil {
		t.Fatal(err)
	}
	const token = "snapshot-test-token-0123456789"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(PathSnapshot, SnapshotHandler(s, token))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	listen := ln.Addr().String()

	for _, tc := range []struct{ name, token, want string }{
		{"NoToken", "", "api.token_file is not set"},
		{"WrongToken", "wrong-token-0000000000000000", "401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := DaemonState(listen, tc.token)(context.Background(), &buf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), token) {
				t.Fatal("the error quotes the token")
			}
		})
	}
	var buf bytes.Buffer
	src, err := DaemonState(listen, token)(context.Background(), &buf)
	if err != nil || src != "daemon" {
		t.Fatal(src, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var v int
	if err := r.Get("rounds", []byte("k"), &v); err != nil || v != 42 {
		t.Fatalf("snapshot record %v, %v", v, err)
	}
	// A daemon without a token refuses.
	mux2 := http.NewServeMux()
	mux2.Handle(PathSnapshot, SnapshotHandler(s, ""))
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv2 := &http.Server{Handler: mux2}
	go srv2.Serve(ln2)
	defer srv2.Close()
	if _, err := DaemonState(ln2.Addr().String(), token)(context.Background(), &buf); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("tokenless daemon: %v, want 403", err)
	}
}
