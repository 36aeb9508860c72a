package capacity

import (
	"fmt"
	"math"
)

// Recommendation is the -maxSessions lpops suggests and why.
type Recommendation struct {
	// Compute is the ramp's capacity: the most sessions whose p95 ratio
	// stayed at or under the threshold.
	Compute int `json:"compute_sessions"`
	// Bandwidth is the most sessions the uplink carries, nil when no
	// upload speed was given.
	Bandwidth *int `json:"bandwidth_sessions,omitempty"`
	// UploadMbps is the declared upload speed; SessionMbps what one session
	// uploads (the ladder's summed bitrate).
	UploadMbps  float64 `json:"upload_mbps,omitempty"`
	SessionMbps float64 `json:"session_mbps"`
	// MaxSessions is the recommendation: the smaller of the two.
	MaxSessions int `json:"max_sessions"`
	// BoundBy is "compute", "bandwidth" or "compute_and_bandwidth" (equal).
	BoundBy string `json:"bound_by"`
	// Reason says it in a sentence.
	Reason string `json:"reason"`
}

// BandwidthSessions is how many sessions an uplink of uploadMbps carries
// when each uploads its ladder at sessionBps: every rendition of every
// session goes back to the broadcaster.
func BandwidthSessions(uploadMbps float64, sessionBps int64) int {
	if uploadMbps <= 0 || sessionBps <= 0 {
		return 0
	}
	// A tiny epsilon so that 56.5 Mbit/s for a 5.65 Mbit/s ladder is 10,
	// not 9 from floating-point rounding.
	return int(math.Floor(uploadMbps*1e6/float64(sessionBps) + 1e-9))
}

// Recommend combines the ramp's capacity with the bandwidth rule.
// uploadMbps ≤ 0 means no upload speed was given: compute alone decides.
func Recommend(compute int, l Ladder, uploadMbps, maxRatio float64) Recommendation {
	r := Recommendation{Compute: compute, SessionMbps: float64(l.BitrateBps()) / 1e6, MaxSessions: compute, BoundBy: "compute"}
	computeWhy := fmt.Sprintf("%d sessions keep the p95 real-time ratio at or under %.2f", compute, maxRatio)
	if compute == 0 {
		computeWhy = fmt.Sprintf("even one session's p95 real-time ratio is over %.2f: this host cannot transcode the ladder in real time", maxRatio)
	}
	if uploadMbps <= 0 {
		r.Reason = computeWhy + "; no upload speed given (--upload-mbps), so bandwidth was not checked"
		return r
	}
	bw := BandwidthSessions(uploadMbps, l.BitrateBps())
	r.Bandwidth = &bw
	r.UploadMbps = uploadMbps
	bwWhy := fmt.Sprintf("%.4g Mbit/s of upload carries %d sessions of %.4g Mbit/s (the ladder's summed bitrate)", uploadMbps, bw, r.SessionMbps)
	switch {
	case bw < compute:
		r.MaxSessions, r.BoundBy = bw, "bandwidth"
		r.Reason = "bandwidth: " + bwWhy + ", fewer than the " + computeWhy
	case bw == compute:
		r.BoundBy = "compute_and_bandwidth"
		r.Reason = "compute and bandwidth agree: " + computeWhy + ", and " + bwWhy
	default:
		r.Reason = "compute: " + computeWhy + "; " + bwWhy
	}
	return r
}
