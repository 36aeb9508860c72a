package httpx_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lpops/lpops/internal/httpx"
)

func TestLimitBodies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		wantErr bool
	}{
		{"Small", 10, false},
		{"ExactlyAtLimit", 1000, false},
		{"OneByteOver", 1001, true},
		{"Huge", 50 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				chunk := []byte(strings.Repeat("x", 32<<10))
				for left := tc.size; left > 0; left -= len(chunk) {
					if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			c := httpx.Client(nil, 1000)
			resp, err := c.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, err := io.ReadAll(resp.Body)
			switch {
			case tc.wantErr && !errors.Is(err, httpx.ErrBodyTooLarge):
				t.Fatalf("read %d bytes, err %v; want ErrBodyTooLarge", len(data), err)
			case tc.wantErr && len(data) > 1000:
				t.Fatalf("read %d bytes past the limit", len(data))
			case !tc.wantErr && (err != nil || len(data) != tc.size):
				t.Fatalf("read %d bytes, err %v; want %d bytes", len(data), err, tc.size)
			}
		})
	}
}

func TestReadBody(t *testing.T) {
	if b, err := httpx.ReadBody(strings.NewReader("abc"), 3); err != nil || string(b) != "abc" {
		t.Errorf("ReadBody(abc, 3) = %q, %v", b, err)
	}
	if _, err := httpx.ReadBody(strings.NewReader("abcd"), 3); !errors.Is(err, httpx.ErrBodyTooLarge) {
		t.Errorf("ReadBody(abcd, 3) err = %v, want ErrBodyTooLarge", err)
	}
}

func TestText(t *testing.T) {
	page := "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\t" + strings.Repeat("<p>nginx é</p>\n", 5000) + "</body></html>"
	got := httpx.Text(page)
	if len(got) > httpx.MaxText || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
		t.Errorf("Text(page) = %d bytes %q; want at most %d valid bytes ending in …", len(got), got, httpx.MaxText)
	}
	if !strings.HasPrefix(got, "<html> <head><title>502 Bad Gateway</title></head> <body> <p>nginx é</p>") {
		t.Errorf("Text(page) = %q, want it folded onto one line", got)
	}
	if got := httpx.Text("bad\x00gateway\x1b[31m"); got != "bad gateway [31m" {
		t.Errorf("Text(control characters) = %q", got)
	}
	if got := httpx.Text("short"); got != "short" {
		t.Errorf("Text(short) = %q", got)
	}
	if got := httpx.Text(strings.Repeat(" ", 5000) + "tail"); got != "…" {
		t.Errorf("Text(mostly blank) = %q, want the cut marked", got)
	}
}

func TestError(t *testing.T) {
	inner := errors.New("503 Service Unavailable: " + strings.Repeat("<div>", 10000))
	err := httpx.Error(inner)
	if len(err.Error()) > httpx.MaxText {
		t.Errorf("Error() is %d bytes, want at most %d", len(err.Error()), httpx.MaxText)
	}
	if !errors.Is(err, inner) {
		t.Error("the clipped error lost its chain")
	}
	short := errors.New("connection refused")
	if httpx.Error(short) != short {
		t.Error("a short error was wrapped")
	}
}
