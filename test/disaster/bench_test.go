package disaster

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/testenv"
)

// BenchmarkRestoreToAPIReady: from "restore starts" (`lpops backup restore`
// from MinIO, its checks against anvil included) to "B's API answers", per
// restore; the baseline, measured in the same run, is lpops started on a
// configuration already in place (A's own, after it died). Goal: under a
// minute.
//
//	go test ./test/disaster -run '^$' -bench RestoreToAPIReady -benchtime 3x
func BenchmarkRestoreToAPIReady(b *testing.B) {
	d := newDrill(b)
	aDir := b.TempDir()
	d.a = d.start(aDir, d.aConfig, false)
	testenv.WaitFor(b, waitLong, "A's first scheduled backup", func() bool {
		var s status
		return d.a.Status(&s) == nil && s.Backup != nil && s.Backup.LastName != ""
	})
	d.a.Stop(syscall.SIGKILL)

	began := time.Now()
	base := d.start(aDir, d.aConfig, false)
	baseline := time.Since(began)
	base.Stop(syscall.SIGKILL)

	var total time.Duration
	b.ResetTimer()
	for i := range b.N {
		dir := filepath.Join(b.TempDir(), fmt.Sprintf("b%d", i))
		began := time.Now()
		if code, out := d.lpops("backup", "restore", "--from", d.dest, "--to", dir, "--identity", d.idFile, "--idle-blocks", "5"); code != 0 {
			b.Fatalf("restore: exit %d:\n%s", code, out)
		}
		host := d.start(dir, restoredConfig(b, dir), false)
		total += time.Since(began)
		b.StopTimer()
		host.Stop(syscall.SIGKILL)
		b.StartTimer()
	}
	per := total.Seconds() / float64(b.N)
	b.ReportMetric(per, "s/restore-to-api")
	b.ReportMetric(baseline.Seconds(), "s/baseline-start")
	b.ReportMetric(per/baseline.Seconds(), "x-baseline")
	b.Logf("restore starts -> B's API answers: %.2f s (baseline: lpops start on its own config %.2f s; ratio %.1f); goal < 60 s",
		per, baseline.Seconds(), per/baseline.Seconds())
}
