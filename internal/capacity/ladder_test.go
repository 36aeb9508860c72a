package capacity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseLadder(t *testing.T) {
	t.Run("DefaultLadder", func(t *testing.T) {
		l, err := ParseLadder("")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(l.Names(), ","); got != DefaultLadder {
			t.Errorf("names = %s, want %s", got, DefaultLadder)
		}
		// lpms videoprofile.go: 600k + 1200k + 4000k.
		if got := l.BitrateBps(); got != 5800000 {
			t.Errorf("bitrate = %d, want 5800000", got)
		}
		if r := l.Renditions[2]; r.Width != 1280 || r.Height != 720 || r.FPS != 30 {
			t.Errorf("P720p30fps16x9 = %+v", r)
		}
	})
	t.Run("TranscodingOptionsJSON", func(t *testing.T) {
		l, err := ParseLadder(filepath.Join("testdata", "transcodingOptions.json"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(l.Names(), ","); got != "240p0,360p0,480p0,720p0" {
			t.Errorf("names = %s", got)
		}
		// The guide's "about 5.65 Mbit/s per stream".
		if got := l.BitrateBps(); got != 5650000 {
			t.Errorf("bitrate = %d, want 5650000", got)
		}
		r := l.Renditions[0]
		if r.Profile != "constrained_high" || r.GOP != time.Second || r.FPS != 0 || r.Width != 426 {
			t.Errorf("240p0 = %+v", r)
		}
	})
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ name, spec, want string }{
		{"UnknownName", "P240p30fps16x9,P9000p", `unknown profile "P9000p"`},
		{"MissingFile", "/nonexistent/options.json", "neither a file nor a go-livepeer profile name"},
		{"NotJSON", write("a.json", "{"), "want a JSON array of profiles"},
		{"NoBitrate", write("b.json", `[{"name":"x","width":640,"height":360}]`), "profiles[0] (x): bitrate must be positive"},
		{"BadProfile", write("c.json", `[{"width":640,"height":360,"bitrate":1,"profile":"h265"}]`), `profile "h265"`},
		{"BadGOP", write("d.json", `[{"width":640,"height":360,"bitrate":1,"gop":"-2"}]`), `gop "-2"`},
		{"Empty", write("e.json", `[]`), "no profiles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseLadder(tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	t.Run("UnnamedAndIntra", func(t *testing.T) {
		l, err := ParseLadder(write("f.json", `[{"width":640,"height":360,"bitrate":900000,"gop":"intra","profile":"H264Main","fps":30,"fpsDen":1}]`))
		if err != nil {
			t.Fatal(err)
		}
		r := l.Renditions[0]
		if r.Name != "custom_640x360_900000" || r.GOP != GOPIntraOnly || r.Profile != "main" {
			t.Errorf("rendition = %+v", r)
		}
	})
}

func TestReadPlaylist(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.m3u8")
	os.WriteFile(p, []byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000000,\na.ts\n#EXTINF:1.5,\n/abs/b.ts\n#EXT-X-ENDLIST\n"), 0o644)
	src, err := ReadPlaylist(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Segments) != 2 || src.Segments[0].Path != filepath.Join(dir, "a.ts") || src.Segments[1].Path != "/abs/b.ts" ||
		src.Segments[1].Duration != 1500*time.Millisecond {
		t.Errorf("segments = %+v", src.Segments)
	}
	os.WriteFile(p, []byte("#EXTM3U\na.ts\n"), 0o644)
	if _, err := ReadPlaylist(p); err == nil || !strings.Contains(err.Error(), "no #EXTINF") {
		t.Errorf("err = %v", err)
	}
}

func TestParseResolution(t *testing.T) {
	for in, want := range map[string][2]int{"1080p": {1920, 1080}, "720p": {1280, 720}, "160x90": {160, 90}} {
		w, h, err := ParseResolution(in)
		if err != nil || w != want[0] || h != want[1] {
			t.Errorf("%s = %dx%d, %v", in, w, h, err)
		}
	}
	for _, bad := range []string{"", "160", "161x90", "8x8", "axb"} {
		if _, _, err := ParseResolution(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
