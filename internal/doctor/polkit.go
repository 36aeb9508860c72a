package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/lpops/lpops/internal/render"
)

// checkPolkit audits the polkit rule that lets lpops restart the units its
// runbooks' systemd_restart steps name. Without it systemd answers lpops'
// user "access denied", and the runbook fails exactly when it is needed; the
// daemon cannot tell before the first repair.
func (d *Doctor) checkPolkit(_ context.Context, _ *runEnv) []Finding {
	units := render.RestartUnits(d.cfg)
	path, user := d.sys.PolkitRules, d.cfg.Host.Lpops.User
	f := Finding{Check: CheckPolkit, Subject: path}
	if len(units) == 0 {
		f.Subject, f.Status, f.Evidence = "", Skip, "no remediation runbook restarts a systemd unit"
		return []Finding{f}
	}
	names := strings.Join(units, ", ")
	fix := fmt.Sprintf("lpops render --config FILE --out DIR && install -m 0644 DIR/polkit/50-lpops.rules %s (polkitd reloads it by itself)", path)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.Status, f.Fix = Warn, fix
		f.Evidence = fmt.Sprintf("runbooks restart %s over D-Bus, but there is no polkit rule letting %s do it: systemd will answer access denied", names, user)
		return []Finding{f}
	case errors.Is(err, fs.ErrPermission):
		f.Status, f.Fix = Warn, d.unreadableFix("check "+path+" and the directory above it")
		f.Evidence = fmt.Sprintf("cannot read the polkit rule (%v), so cannot tell whether %s may restart %s", err, user, names)
		return []Finding{f}
	case err != nil:
		f.Status, f.Fix, f.Evidence = Warn, fix, fmt.Sprintf("cannot read the polkit rule: %v", err)
		return []Finding{f}
	}
	// The rule names the user and each unit as JavaScript string literals,
	// as lpops render writes them; one that lacks a name does not allow it.
	rule := string(b)
	var missing []string
	for _, u := range units {
		if !strings.Contains(rule, jsString(u)) {
			missing = append(missing, u)
		}
	}
	switch {
	case !strings.Contains(rule, jsString(user)):
		f.Status, f.Fix = Warn, fix
		f.Evidence = fmt.Sprintf("the polkit rule does not name lpops' user %q: runbooks restarting %s will be denied", user, names)
	case len(missing) > 0:
		f.Status, f.Fix = Warn, fix
		f.Evidence = fmt.Sprintf("the polkit rule does not name %s, which runbooks restart: those restarts will be denied", strings.Join(missing, ", "))
	default:
		f.Status = Pass
		f.Evidence = fmt.Sprintf("the polkit rule lets %s restart %s", user, names)
	}
	return []Finding{f}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
