package doctor

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestDisk(t *testing.T) {
	const gib = 1 << 30
	usage := func(dev uint64, freePct, inodePct uint64) DiskUsage {
		return DiskUsage{Dev: dev, TotalBytes: 100 * gib, AvailBytes: freePct * gib, Files: 1000, FilesFree: inodePct * 10}
	}
	// testdata/proc/1/mountinfo mounts /, /proc and /var/lib/livepeer.
	tests := []struct {
		name  string
		extra string
		fs    map[string]DiskUsage // path → usage; missing paths do not exist
		want  []string
		texts []string
	}{
		{name: "Healthy",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(2, 50, 90), "/var/lib/lpops": usage(1, 40, 90)},
			want:  []string{"disk.free /var/lib/livepeer=pass", "disk.free /=pass"},
			texts: []string{"50.0 GiB free of 100.0 GiB (50%), 90% of inodes free; holds host.volumes.data.mount, host.node.data_dir /var/lib/livepeer", "holds state_dir /var/lib/lpops"}},
		{name: "LowSpace",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(2, 10, 90), "/var/lib/lpops": usage(1, 3, 90)},
			want:  []string{"disk.free /var/lib/livepeer=warn", "disk.free /=fail"},
			texts: []string{"space below 15%: 10.0 GiB free", "space below 5%: 3.0 GiB free", "xfs_growfs /"}},
		{name: "LowInodes",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(2, 50, 2), "/var/lib/lpops": usage(2, 50, 2)},
			want:  []string{"disk.free /var/lib/livepeer=fail"},
			texts: []string{"inodes below 5%", "holds host.volumes.data.mount, host.node.data_dir /var/lib/livepeer, state_dir /var/lib/lpops"}},
		{name: "ChainVolumeNotMounted",
			extra: "host:\n  geth:\n    enabled: true\n  volumes:\n    chain:\n      device: /dev/sdg\n",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(2, 50, 90), "/var/lib/geth": usage(1, 50, 90), "/var/lib/lpops": usage(1, 50, 90)},
			want:  []string{"disk.free /var/lib/geth=fail", "disk.free /var/lib/livepeer=pass", "disk.free /=pass"},
			texts: []string{"/var/lib/geth is not a mount point (host.volumes.chain.mount, host.geth.data_dir)", "mount -L lpops-chain /var/lib/geth"}},
		{name: "Missing",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(2, 50, 90)},
			want:  []string{"disk.free /var/lib/lpops=warn", "disk.free /var/lib/livepeer=pass"},
			texts: []string{"/var/lib/lpops does not exist (state_dir)"}},
		{name: "DataVolumeMissing", extra: "host:\n  volumes:\n    data:\n      mount: /data\n",
			fs:    map[string]DiskUsage{"/var/lib/livepeer": usage(1, 50, 90), "/var/lib/lpops": usage(1, 50, 90)},
			want:  []string{"disk.free /data=fail", "disk.free /var/lib/livepeer=pass"},
			texts: []string{"/data does not exist (host.volumes.data.mount): the volume is not mounted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := fixtureSystem(fixtureProc(t))
			sys.Statfs = func(path string) (DiskUsage, error) {
				if u, ok := tt.fs[path]; ok {
					return u, nil
				}
				return DiskUsage{}, &os.PathError{Op: "stat", Path: path, Err: fs.ErrNotExist}
			}
			got := runOnly(t, testConfig(t, tt.extra), sys, Options{}, CheckDisk)
			if !slices.Equal(statuses(got), tt.want) {
				t.Fatalf("findings %q, want %q\n%+v", statuses(got), tt.want, got)
			}
			var all strings.Builder
			for _, f := range got {
				all.WriteString(f.Evidence + " | " + f.Fix + "\n")
			}
			for _, s := range tt.texts {
				if !strings.Contains(all.String(), s) {
					t.Errorf("findings lack %q:\n%s", s, all.String())
				}
			}
		})
	}
}
