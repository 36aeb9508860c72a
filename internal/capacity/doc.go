// Package capacity measures how many concurrent live streams this host can
// transcode in real time, the number go-livepeer's -maxSessions should be.
//
// # Method
//
// A source (a generated test clip, or the operator's own file) is cut into
// segments the way an HLS stream arrives at an orchestrator (2 s by
// default). A step runs N sessions at once; each session releases one
// segment every segment duration, as a live stream does, and transcodes it
// into every rendition of the ladder. A segment released while its session
// is still busy waits, as it would in go-livepeer's per-stream queue. With
// several sources (the default clips are 1080p30 and 720p30) the sessions
// alternate between them. The step measures, per segment, the real-time
// ratio: transcode time divided by the segment's duration. Its median and 95th percentile, the CPU time and
// the peak resident memory of the transcoding processes (read from /proc)
// describe the step.
//
// The ramp runs N = 1, 2, 4, … while the step's p95 ratio stays at or under
// the threshold (0.8 by default, Livepeer's own guidance: the last 20 % of
// each segment's time is left for the upload and download), then bisects
// between the last passing and the first failing N. The compute capacity is
// the highest passing N. It is 0 when a single stream is too slow.
//
// The bandwidth rule caps it: each session uploads every rendition of the
// ladder, so the sessions an uplink carries are the upload speed divided by
// the ladder's summed bitrate. The recommendation is the smaller of the two,
// and the report says which one bound it.
//
// # Engines
//
// An Engine transcodes one step. FFmpeg runs Debian's ffmpeg once per
// segment with the settings of go-livepeer's software (or NVIDIA) path as
// lpms documents them: one decode, per rendition an fps filter and a scale
// that keeps the aspect ratio, libx264 (preset medium, one thread, as lpms
// opens its encoder without a thread count) at a constant bitrate with
// forced IDR frames, the audio copied, an MPEG-TS muxer. LivepeerBench
// drives go-livepeer's own livepeer_bench with -concurrentSessions, which
// paces segments the same way, and reads its per-segment CSV lines and its
// closing report.
package capacity
