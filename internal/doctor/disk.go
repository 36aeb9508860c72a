package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/prometheus/procfs"

	"github.com/lpops/lpops/internal/config"
)

// Free-space thresholds, in percent of the filesystem (and of its inodes)
// available to unprivileged users.
const (
	DiskWarnPercent = 15
	DiskFailPercent = 5
)

// diskPath is a directory whose filesystem is audited.
type diskPath struct {
	key, path string
	// volume is set for a host.volumes mount, which must be mounted.
	volume *config.HostVolume
}

func (d *Doctor) diskPaths() []diskPath {
	h := d.cfg.Host
	var out []diskPath
	for _, v := range []struct {
		key string
		vol config.HostVolume
	}{{"host.volumes.data.mount", h.Volumes.Data}, {"host.volumes.chain.mount", h.Volumes.Chain}} {
		if v.vol.Managed() {
			out = append(out, diskPath{key: v.key, path: v.vol.Mount, volume: &v.vol})
		}
	}
	out = append(out, diskPath{key: "host.node.data_dir", path: h.Node.DataDir})
	switch h.ChainNodeKind() {
	case config.ChainNodeGeth:
		out = append(out, diskPath{key: "host.geth.data_dir", path: h.Geth.DataDir})
	case config.ChainNodeNitro:
		out = append(out, diskPath{key: "host.nitro.data_dir", path: h.Nitro.DataDir})
	}
	out = append(out, diskPath{key: "state_dir", path: d.cfg.StateDir})
	return out
}

// checkDisk checks that the data volumes are mounted and that the
// filesystems holding the node's, the chain node's and lpops' data have room:
// under DiskWarnPercent free (space or inodes) warns, under DiskFailPercent
// fails. Each filesystem is reported once, naming the keys it holds.
func (d *Doctor) checkDisk(_ context.Context, _ *runEnv) []Finding {
	mounts := d.mountPoints()
	// One entry per path, naming every key that points there.
	type pathKeys struct {
		path   string
		keys   []string
		volume *config.HostVolume
		volKey string
	}
	var paths []*pathKeys
	for _, p := range d.diskPaths() {
		if p.path == "" {
			continue
		}
		i := slices.IndexFunc(paths, func(pk *pathKeys) bool { return pk.path == p.path })
		if i < 0 {
			paths = append(paths, &pathKeys{path: p.path})
			i = len(paths) - 1
		}
		paths[i].keys = append(paths[i].keys, p.key)
		if p.volume != nil && paths[i].volume == nil {
			paths[i].volume, paths[i].volKey = p.volume, p.key
		}
	}

	type fsGroup struct {
		usage DiskUsage
		mount string
		held  []string
	}
	var out []Finding
	var groups []*fsGroup
	for _, p := range paths {
		keys := strings.Join(p.keys, ", ")
		u, err := d.sys.Statfs(p.path)
		notMounted := p.volume != nil && mounts != nil && !mounts[p.path]
		if notMounted {
			f := Finding{Check: CheckDisk, Status: Fail, Subject: p.path,
				Evidence: fmt.Sprintf("%s is not a mount point (%s): what is written there fills the filesystem below it", p.path, keys),
				Fix: fmt.Sprintf("mount the %s volume: mkdir -p %s && mount -L %s %s (lpops render's fstab mounts it by label at boot; lpops-volumes.sh formats a blank device first)",
					strings.TrimSuffix(strings.TrimPrefix(p.volKey, "host.volumes."), ".mount"), p.path, p.volume.Label, p.path)}
			if errors.Is(err, fs.ErrNotExist) {
				f.Evidence = fmt.Sprintf("%s does not exist (%s): the volume is not mounted", p.path, keys)
			}
			out = append(out, f)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if !notMounted {
				out = append(out, Finding{Check: CheckDisk, Status: Warn, Subject: p.path,
					Evidence: fmt.Sprintf("%s does not exist (%s)", p.path, keys),
					Fix:      "create it, or correct " + keys})
			}
			continue
		case err != nil:
			out = append(out, Finding{Check: CheckDisk, Status: Warn, Subject: p.path,
				Evidence: fmt.Sprintf("%s (%s): %s", p.path, keys, shortErr(err)), Fix: d.unreadableFix("check " + p.path + " and the directories above it")})
			continue
		}
		held := keys + " " + p.path
		i := slices.IndexFunc(groups, func(g *fsGroup) bool { return g.usage.Dev == u.Dev })
		if i < 0 {
			groups = append(groups, &fsGroup{usage: u, mount: mountOf(mounts, p.path)})
			i = len(groups) - 1
		}
		groups[i].held = append(groups[i].held, held)
	}
	for _, g := range groups {
		out = append(out, diskFinding(g.usage, g.mount, g.held))
	}
	return out
}

// diskFinding judges one filesystem's free space and inodes.
func diskFinding(u DiskUsage, mount string, held []string) Finding {
	f := Finding{Check: CheckDisk, Subject: mount, Status: Pass}
	if u.TotalBytes == 0 {
		f.Status, f.Evidence = Warn, "the filesystem reports no size; holds "+strings.Join(held, ", ")
		f.Fix = "check the mount (findmnt " + mount + ")"
		return f
	}
	space := 100 * float64(u.AvailBytes) / float64(u.TotalBytes)
	ev := fmt.Sprintf("%s free of %s (%.0f%%)", fmtBytes(u.AvailBytes), fmtBytes(u.TotalBytes), space)
	worst := space
	what := "space"
	if u.Files > 0 {
		inodes := 100 * float64(u.FilesFree) / float64(u.Files)
		ev += fmt.Sprintf(", %.0f%% of inodes free", inodes)
		if inodes < worst {
			worst, what = inodes, "inodes"
		}
	}
	ev += "; holds " + strings.Join(held, ", ")
	f.Evidence = ev
	switch {
	case worst < DiskFailPercent:
		f.Status = Fail
	case worst < DiskWarnPercent:
		f.Status = Warn
	default:
		return f
	}
	f.Evidence = fmt.Sprintf("%s below %d%%: %s", what, map[Status]int{Fail: DiskFailPercent, Warn: DiskWarnPercent}[f.Status], ev)
	f.Fix = "free space on " + mount + " (du -xsh " + mount + "/* | sort -h), or grow the volume (resize the EBS volume, then resize2fs or xfs_growfs " + mount + ")"
	return f
}

// mountPoints reads the mount points of doctor's mount namespace; nil when
// unreadable (then mounts are not judged).
func (d *Doctor) mountPoints() map[string]bool {
	pfs, err := procfs.NewFS(d.sys.ProcRoot)
	if err != nil {
		return nil
	}
	p, err := pfs.Proc(d.sys.SelfPID)
	if err != nil {
		return nil
	}
	infos, err := p.MountInfo()
	if err != nil {
		return nil
	}
	m := map[string]bool{}
	for _, mi := range infos {
		m[mi.MountPoint] = true
	}
	return m
}

// mountOf is the longest mount point holding path ("" → path itself).
func mountOf(mounts map[string]bool, path string) string {
	best := ""
	for m := range mounts {
		if (path == m || strings.HasPrefix(path, strings.TrimSuffix(m, "/")+"/")) && len(m) > len(best) {
			best = m
		}
	}
	if best == "" {
		return path
	}
	return best
}

func fmtBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
