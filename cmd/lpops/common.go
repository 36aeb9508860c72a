package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/lpops/lpops/internal/config"
)

// newFlags returns a FlagSet whose --help prints the summary, the flags and
// an example.
func newFlags(name, summary, example string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lpops %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExample:\n  %s\n", example)
	}
	return fs
}

// parseFlags parses args; it returns (exit code, true) when the command
// should stop (help or a usage error).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "lpops %s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args(), " "))
		return 2, true
	}
	return 0, false
}

// newLogger builds the process logger: JSON for journald by default. When
// w is the stream systemd connected to the journal (JOURNAL_STREAM), each
// record starts with its syslog priority as sd-daemon(3) prefixes it, <3>
// error, <4> warning, <6> info, <7> debug, so journalctl -p and its colours
// see the level instead of filing every line as info.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	journal := toJournal(w)
	var out io.Writer = w
	var buf *recordBuffer
	if journal {
		buf = &recordBuffer{}
		out = buf
	}
	var h slog.Handler
	if c.Format == "text" {
		h = slog.NewTextHandler(out, opts)
	} else {
		h = slog.NewJSONHandler(out, opts)
	}
	if journal {
		h = &journalHandler{inner: h, buf: buf, w: w, mu: new(sync.Mutex)}
	}
	return slog.New(h)
}

// toJournal reports whether w is the journal stream systemd gave the
// service: JOURNAL_STREAM holds that stream's device and inode, and w must
// be that very file (not a pipe or file the output was redirected to).
func toJournal(w io.Writer) bool {
	js := os.Getenv("JOURNAL_STREAM")
	f, ok := w.(*os.File)
	if js == "" || !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return js == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// journalPriority is the sd-daemon prefix of a record's level.
func journalPriority(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "<7>" // debug
	case l < slog.LevelWarn:
		return "<6>" // info
	case l < slog.LevelError:
		return "<4>" // warning
	}
	return "<3>" // err
}

// recordBuffer collects one record as the inner handler writes it.
type recordBuffer struct{ b []byte }

func (r *recordBuffer) Write(p []byte) (int, error) {
	r.b = append(r.b, p...)
	return len(p), nil
}

// journalHandler writes each record of inner, prefixed with its priority,
// in one write (so concurrent records never interleave in the stream).
// Handlers derived with WithAttrs and WithGroup share the buffer and lock.
type journalHandler struct {
	inner slog.Handler
	buf   *recordBuffer
	w     io.Writer
	mu    *sync.Mutex
}

func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buf.b = append(h.buf.b[:0], journalPriority(r.Level)...)
	if err := h.inner.Handle(ctx, r); err != nil {
		return err
	}
	_, err := h.w.Write(h.buf.b)
	return err
}

func (h *journalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &journalHandler{inner: h.inner.WithAttrs(as), buf: h.buf, w: h.w, mu: h.mu}
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	return &journalHandler{inner: h.inner.WithGroup(name), buf: h.buf, w: h.w, mu: h.mu}
}
