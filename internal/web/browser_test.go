package web_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lpops/lpops/internal/testenv"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the page's screenshots into docs/screenshots")

// chromium finds Debian's chromium: linked into .tools/bin by
// scripts/install-test-tools.sh, or on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p, ok := testenv.LookTool("chromium"); ok {
		return p
	}
	const msg = "chromium not found: install it with `sudo apt-get install chromium` or scripts/install-test-tools.sh"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium with a fresh profile for the test and
// returns a tab's context; everything is closed when the test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	profile := t.TempDir()
	var out bytes.Buffer
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&out),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		if t.Failed() && out.Len() > 0 {
			t.Logf("chromium output:\n%s", tail(out.String(), 4000))
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// open loads url and waits until the page has rendered its documents once.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	waitJS(t, ctx, `document.body.dataset.loaded === 'true'`)
}

// waitJS waits until the JavaScript expression is truthy.
func waitJS(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// js evaluates expr in the page.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// text returns the visible text of the element with id, its white space
// collapsed to single spaces.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return strings.Join(strings.Fields(js[string](t, ctx, `(document.getElementById(`+quote(id)+`) || {innerText: ''}).innerText`)), " ")
}

// chromedpReset undoes a screenshot's device emulation before the next page.
func chromedpReset(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.EmulateReset())
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// screenshot saves a full-page PNG at the viewport width: a published one
// into docs/screenshots with -update-screenshots, else into the test's
// artifact directory (kept with -artifacts).
func screenshot(t *testing.T, ctx context.Context, name string, width, height int64, mobile, publish bool) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if mobile {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatal(err)
	}
	// The chart redraws for the new width after a resize.
	waitJS(t, ctx, `(() => { const s = document.querySelector('#chart svg'); return !s || Math.abs(Number(s.getAttribute('width')) - Math.max(s.parentNode.clientWidth, 240)) < 1; })()`)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := t.ArtifactDir()
	if publish && *updateScreenshots {
		dir = "../../docs/screenshots"
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", p, len(png))
}
