#!/bin/sh
# A stand-in for go-livepeer's livepeer_bench, for tests only: go-livepeer's
# binary (cgo, its own ffmpeg build) cannot be built here. It takes the flags
# lpops passes and prints livepeer_bench's output format (cmd/livepeer_bench:
# the settings table on stderr, one CSV line per segment on stdout, the
# statistics table on stderr; see livepeer_bench.stdout/.stderr beside it),
# with a transcode time of 0.3 s per concurrent session for every 2 s
# segment: real time ratio 0.15 × sessions. LPB_ARGS_LOG, when set, gets
# one line per run: sessions, segs, nvidia.
in='' n=1 segs=0 opts='' nvidia=''
while [ $# -gt 0 ]; do
	case "$1" in
	-in) in=$2 && shift ;;
	-concurrentSessions) n=$2 && shift ;;
	-segs) segs=$2 && shift ;;
	-transcodingOptions) opts=$2 && shift ;;
	-nvidia) nvidia=$2 && shift ;;
	-live=true) ;;
	*) echo "flag provided but not defined: $1" >&2 && exit 2 ;;
	esac
	shift
done
[ -f "$in" ] || { echo "F1207 05:00:00.000000 1 livepeer_bench.go:70] Couldn't open input manifest: $in" >&2 && exit 255; }
[ "$segs" -gt 0 ] || segs=10
[ -n "$LPB_ARGS_LOG" ] && echo "$n $segs $nvidia" >>"$LPB_ARGS_LOG"
cat >&2 <<T
*---------------------*----------------------------------------------*
| Source File         | $in |
| Transcoding Options | $opts |
| Concurrent Sessions | $n |
| Live Mode           | true |
*---------------------*----------------------------------------------*
T
echo "timestamp,session,segment,seg_dur,transcode_time"
awk -v n="$n" -v segs="$segs" 'BEGIN {
	t = 0.3 * n
	for (k = 0; k < n; k++) for (j = 0; j < segs; j++)
		printf "2026-12-07 05:00:%02d.1234,%d,%d,2,%.4g\n", (2 * j) % 60, k, j, t
}'
awk -v n="$n" -v segs="$segs" 'BEGIN {
	t = 0.3 * n; total = n * segs; rt = (t <= 2) ? total : 0
	print "*------------------------------*---------------------*"
	printf "| Concurrent Sessions          | %d |\n", n
	printf "| Total Segs Transcoded        | %d |\n", total
	printf "| Real-Time Segs Transcoded    | %d |\n", rt
	printf "| * Real-Time Segs Ratio *     | %.4g |\n", rt / total
	printf "| Total Source Duration        | %ds |\n", 2 * total
	printf "| Total Transcoding Duration   | %.10gs |\n", t * total
	printf "| * Real-Time Duration Ratio * | %.4g |\n", t / 2
	print "*------------------------------*---------------------*"
}' >&2
