package capacity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultLadder is go-livepeer's default -transcodingOptions (and
// livepeer_bench's): three renditions for every stream.
const DefaultLadder = "P240p30fps16x9,P360p30fps16x9,P720p30fps16x9"

// Rendition is one output of the transcoding ladder, as go-livepeer's
// ffmpeg.VideoProfile describes it.
type Rendition struct {
	Name       string `json:"name"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	BitrateBps int64  `json:"bitrate_bps"`
	// FPS and FPSDen are the output frame rate; 0 keeps the source's.
	FPS    uint `json:"fps"`
	FPSDen uint `json:"fps_den,omitempty"`
	// Profile is the H.264 profile: "", "baseline", "main", "high" or
	// "constrained_high" (high without B-frames).
	Profile string `json:"profile,omitempty"`
	// GOP is the keyframe interval; 0 leaves it to the encoder, -1 is
	// intra-only ("intra" in transcodingOptions.json).
	GOP time.Duration `json:"gop_ns,omitempty"`
}

// GOPIntraOnly is a Rendition.GOP of every frame a keyframe.
const GOPIntraOnly time.Duration = -1

// builtin are go-livepeer's named profiles (lpms ffmpeg/videoprofile.go,
// VideoProfileLookup): the names -transcodingOptions accepts.
var builtin = map[string]Rendition{
	"P720p60fps16x9": {Width: 1280, Height: 720, BitrateBps: 6000000, FPS: 60},
	"P720p30fps16x9": {Width: 1280, Height: 720, BitrateBps: 4000000, FPS: 30},
	"P720p25fps16x9": {Width: 1280, Height: 720, BitrateBps: 3500000, FPS: 25},
	"P720p30fps4x3":  {Width: 960, Height: 720, BitrateBps: 3500000, FPS: 30},
	"P576p30fps16x9": {Width: 1024, Height: 576, BitrateBps: 1500000, FPS: 30},
	"P576p25fps16x9": {Width: 1024, Height: 576, BitrateBps: 1500000, FPS: 25},
	"P360p30fps16x9": {Width: 640, Height: 360, BitrateBps: 1200000, FPS: 30},
	"P360p25fps16x9": {Width: 640, Height: 360, BitrateBps: 1000000, FPS: 25},
	"P360p30fps4x3":  {Width: 480, Height: 360, BitrateBps: 1000000, FPS: 30},
	"P240p30fps16x9": {Width: 426, Height: 240, BitrateBps: 600000, FPS: 30},
	"P240p25fps16x9": {Width: 426, Height: 240, BitrateBps: 600000, FPS: 25},
	"P240p30fps4x3":  {Width: 320, Height: 240, BitrateBps: 600000, FPS: 30},
	"P144p30fps16x9": {Width: 256, Height: 144, BitrateBps: 400000, FPS: 30},
}

// Ladder is the renditions every session is transcoded into, and the
// -transcodingOptions value that names them (a list of profile names or a
// JSON file's path), which livepeer_bench is given unchanged.
type Ladder struct {
	Spec       string      `json:"spec"`
	Renditions []Rendition `json:"renditions"`
}

// BitrateBps is the ladder's summed bitrate: what one session uploads.
func (l Ladder) BitrateBps() int64 {
	var sum int64
	for _, r := range l.Renditions {
		sum += r.BitrateBps
	}
	return sum
}

// Names lists the renditions' names.
func (l Ladder) Names() []string {
	out := make([]string, len(l.Renditions))
	for i, r := range l.Renditions {
		out[i] = r.Name
	}
	return out
}

// ParseLadder reads a ladder the way go-livepeer reads -transcodingOptions:
// spec is the path of a JSON file when one exists there, else a
// comma-separated list of profile names. Unlike go-livepeer, which skips
// names it does not know, an unknown name is an error.
func ParseLadder(spec string) (Ladder, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		spec = DefaultLadder
	}
	if data, err := os.ReadFile(spec); err == nil {
		rs, err := ParseTranscodingOptions(data)
		if err != nil {
			return Ladder{}, fmt.Errorf("ladder %s: %w", spec, err)
		}
		return Ladder{Spec: spec, Renditions: rs}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return Ladder{}, fmt.Errorf("ladder: %w", err)
	}
	var rs []Rendition
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		r, ok := builtin[name]
		if !ok {
			if strings.ContainsAny(name, "/.") {
				return Ladder{}, fmt.Errorf("ladder: %q is neither a file nor a go-livepeer profile name", name)
			}
			return Ladder{}, fmt.Errorf("ladder: unknown profile %q (known: %s)", name, strings.Join(ProfileNames(), ", "))
		}
		r.Name = name
		rs = append(rs, r)
	}
	return Ladder{Spec: spec, Renditions: rs}, nil
}

// ProfileNames lists go-livepeer's built-in profile names, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(builtin))
	for n := range builtin {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// jsonProfile is one entry of a transcodingOptions.json file (lpms
// ffmpeg.JsonProfile): a top-level array of these.
type jsonProfile struct {
	Name    string          `json:"name"`
	Width   int             `json:"width"`
	Height  int             `json:"height"`
	Bitrate int64           `json:"bitrate"`
	FPS     uint            `json:"fps"`
	FPSDen  uint            `json:"fpsDen"`
	Profile string          `json:"profile"`
	GOP     string          `json:"gop"`
	Encoder string          `json:"encoder"`
	Quality json.RawMessage `json:"quality"`
}

// ParseTranscodingOptions parses a transcodingOptions.json file as
// go-livepeer does: an array of profiles, bitrate in bit/s, gop in seconds
// or "intra", profile one of H264Baseline, H264Main, H264High,
// H264ConstrainedHigh (any case) or empty. Errors name the entry and field.
func ParseTranscodingOptions(data []byte) ([]Rendition, error) {
	var ps []jsonProfile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("transcoding options: %w (want a JSON array of profiles)", err)
	}
	if len(ps) == 0 {
		return nil, errors.New("transcoding options: no profiles")
	}
	out := make([]Rendition, 0, len(ps))
	for i, p := range ps {
		at := fmt.Sprintf("profiles[%d]", i)
		if p.Name != "" {
			at += " (" + p.Name + ")"
		}
		if p.Width <= 0 || p.Height <= 0 {
			return nil, fmt.Errorf("%s: width and height must be positive, got %dx%d", at, p.Width, p.Height)
		}
		if p.Bitrate <= 0 {
			return nil, fmt.Errorf("%s: bitrate must be positive (bit/s), got %d", at, p.Bitrate)
		}
		if p.Encoder != "" && !strings.EqualFold(p.Encoder, "h264") {
			return nil, fmt.Errorf("%s: encoder %q: only H.264 is benchmarked", at, p.Encoder)
		}
		r := Rendition{Name: p.Name, Width: p.Width, Height: p.Height, BitrateBps: p.Bitrate, FPS: p.FPS, FPSDen: p.FPSDen}
		if r.Name == "" {
			// go-livepeer's common.DefaultProfileName, prefixed as it does.
			r.Name = fmt.Sprintf("custom_%dx%d_%d", p.Width, p.Height, p.Bitrate)
		}
		switch strings.ToLower(p.Profile) {
		case "", "none":
		case "h264baseline":
			r.Profile = "baseline"
		case "h264main":
			r.Profile = "main"
		case "h264high":
			r.Profile = "high"
		case "h264constrainedhigh":
			r.Profile = "constrained_high"
		default:
			return nil, fmt.Errorf("%s: profile %q: want H264Baseline, H264Main, H264High or H264ConstrainedHigh", at, p.Profile)
		}
		switch g := strings.TrimSpace(p.GOP); g {
		case "":
		case "intra":
			r.GOP = GOPIntraOnly
		default:
			secs, err := strconv.ParseFloat(g, 64)
			if err != nil || secs <= 0 {
				return nil, fmt.Errorf("%s: gop %q: want a positive number of seconds or \"intra\"", at, p.GOP)
			}
			r.GOP = time.Duration(secs * float64(time.Second))
		}
		out = append(out, r)
	}
	return out, nil
}
