package capacity

import (
	"strings"
	"testing"
)

func TestBandwidthSessions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mbps   float64
		bps    int64
		want   int
		reason string
	}{
		{"GuideLadderExact", 56.5, 5650000, 10, ""},
		{"GuideLadderJustUnder", 56.4, 5650000, 9, ""},
		{"DefaultLadderGigabit", 1000, 5800000, 172, ""},
		{"SlowLink", 5, 5800000, 0, ""},
		{"NoUpload", 0, 5800000, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BandwidthSessions(tc.mbps, tc.bps); got != tc.want {
				t.Errorf("BandwidthSessions(%v, %v) = %d, want %d", tc.mbps, tc.bps, got, tc.want)
			}
		})
	}
}

func TestRecommend(t *testing.T) {
	l, err := ParseLadder("testdata/transcodingOptions.json") // 5.65 Mbit/s a session
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		compute int
		upload  float64
		want    int
		bound   string
		reason  string
	}{
		{"ComputeBound", 6, 100, 6, "compute", "compute: 6 sessions keep the p95 real-time ratio at or under 0.80; 100 Mbit/s of upload carries 17 sessions"},
		{"BandwidthBound", 20, 50, 8, "bandwidth", "bandwidth: 50 Mbit/s of upload carries 8 sessions of 5.65 Mbit/s"},
		{"Equal", 10, 56.5, 10, "compute_and_bandwidth", "compute and bandwidth agree"},
		{"NoUploadGiven", 7, 0, 7, "compute", "no upload speed given (--upload-mbps)"},
		{"TooSlow", 0, 100, 0, "compute", "even one session's p95 real-time ratio is over 0.80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Recommend(tc.compute, l, tc.upload, 0.8)
			if r.MaxSessions != tc.want || r.BoundBy != tc.bound || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("Recommend = %d (%s): %s\nwant %d (%s) containing %q", r.MaxSessions, r.BoundBy, r.Reason, tc.want, tc.bound, tc.reason)
			}
			if (tc.upload > 0) != (r.Bandwidth != nil) {
				t.Errorf("bandwidth_sessions = %v with upload %v", r.Bandwidth, tc.upload)
			}
		})
	}
}
