package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// streamOf returns f's JOURNAL_STREAM value, device:inode, as systemd sets
// it for the stream it connects a service's output to.
func streamOf(t *testing.T, f *os.File) string {
	t.Helper()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// TestLoggerJournalPriority logs one record of each level, through loggers
// with attributes and a group as components use them, into a file standing
// for the journal stream, and reads the priority prefix of each line.
func TestLoggerJournalPriority(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		for _, tc := range []struct {
			name   string
			stream func(t *testing.T, f, other *os.File) string
			prefix bool
		}{
			{"ToTheJournal", func(t *testing.T, f, _ *os.File) string { return streamOf(t, f) }, true},
			// Output redirected elsewhere (lpops run > file under a unit
			// whose stdout is the journal): no prefix in the file.
			{"JournalIsAnotherStream", func(t *testing.T, _, other *os.File) string { return streamOf(t, other) }, false},
			{"NoJournal", func(*testing.T, *os.File, *os.File) string { return "" }, false},
		} {
			t.Run(strings.ToUpper(format[:1])+format[1:]+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				f, err := os.Create(filepath.Join(dir, "stderr"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				other, err := os.Create(filepath.Join(dir, "other"))
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				t.Setenv("JOURNAL_STREAM", tc.stream(t, f, other))

				log := newLogger(config.Log{Level: "debug", Format: format}, f)
				comp := log.With("component", "keeper").WithGroup("tx")
				log.Debug("a debug line")
				log.Info("an info line")
				comp.Warn("a warning", "nonce", 7)
				comp.Error("an error", "err", "boom")

				b, err := os.ReadFile(f.Name())
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
				want := []struct{ prio, level, msg string }{
					{"<7>", "DEBUG", "a debug line"}, {"<6>", "INFO", "an info line"},
					{"<4>", "WARN", "a warning"}, {"<3>", "ERROR", "an error"},
				}
				if len(lines) != len(want) {
					t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), b)
				}
				for i, w := range want {
					line := lines[i]
					rest, had := strings.CutPrefix(line, w.prio)
					if had != tc.prefix {
						t.Errorf("line %q: priority prefix %s present %t, want %t", line, w.prio, had, tc.prefix)
					}
					if strings.HasPrefix(rest, "<") {
						t.Errorf("line %q carries a prefix it should not", line)
					}
					if format == "json" {
						var rec map[string]any
						if err := json.Unmarshal([]byte(rest), &rec); err != nil {
							t.Errorf("line %q is not JSON after the prefix: %v", line, err)
						} else if rec["level"] != w.level || rec["msg"] != w.msg {
							t.Errorf("record %v, want level %s msg %q", rec, w.level, w.msg)
						}
					} else if !strings.Contains(rest, "level="+w.level) {
						t.Errorf("line %q lacks level=%s", line, w.level)
					}
				}
				if format == "json" && !strings.Contains(lines[2], `"component":"keeper","tx":{"nonce":7}`) {
					t.Errorf("attributes and group lost: %s", lines[2])
				}
			})
		}
	}
}

// TestLoggerJournalConcurrent logs from many goroutines through loggers
// derived from one: every line is one whole record with its own prefix.
func TestLoggerJournalConcurrent(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv("JOURNAL_STREAM", streamOf(t, f))
	log := newLogger(config.Log{Level: "info", Format: "json"}, f)
	var wg sync.WaitGroup
	for g := range 8 {
		l := log.With("worker", g)
		wg.Go(func() {
			for i := range 200 {
				if i%2 == 0 {
					l.Info("tick", "i", i)
				} else {
					l.Error("fail", "i", i)
				}
			}
		})
	}
	wg.Wait()
	b, _ := os.ReadFile(f.Name())
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	for _, line := range lines {
		var rec struct{ Level, Msg string }
		prio, rest := line[:3], line[3:]
		if err := json.Unmarshal([]byte(rest), &rec); err != nil ||
			(rec.Level == "INFO") != (prio == "<6>") || (rec.Level == "ERROR") != (prio == "<3>") {
			t.Fatalf("line %q: a torn record or the wrong priority (%v)", line, err)
		}
	}
}
