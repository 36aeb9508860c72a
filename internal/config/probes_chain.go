package config

import (
	"fmt"
	"math"
	"strconv"
)

// maxConfirmations bounds probes.stake.confirmations: events wait this many
// blocks before they are reported, and beyond it (about 40 minutes on
// Arbitrum) an alert would come too late to act on.
const maxConfirmations = 10000

// probesChain validates probes.accounts, probes.stake and probes.fees.
func (v *validator) probesChain(p Probes) {
	a := p.Accounts
	warn := v.probeThreshold("probes.accounts.warn_eth", a.WarnETH)
	crit := v.probeThreshold("probes.accounts.critical_eth", a.CriticalETH)
	if warn && crit && a.CriticalETH > a.WarnETH {
		v.add("probes.accounts.critical_eth", formatFloat(a.CriticalETH),
			fmt.Sprintf("must not exceed probes.accounts.warn_eth (%s)", formatFloat(a.WarnETH)))
	}
	warn = v.probeThreshold("probes.accounts.runway_warn_rounds", a.RunwayWarnRounds)
	crit = v.probeThreshold("probes.accounts.runway_critical_rounds", a.RunwayCriticalRounds)
	if warn && crit && a.RunwayCriticalRounds > a.RunwayWarnRounds {
		v.add("probes.accounts.runway_critical_rounds", formatFloat(a.RunwayCriticalRounds),
			fmt.Sprintf("must not exceed probes.accounts.runway_warn_rounds (%s)", formatFloat(a.RunwayWarnRounds)))
	}

	s := p.Stake
	if s.Confirmations > maxConfirmations {
		v.add("probes.stake.confirmations", strconv.FormatUint(s.Confirmations, 10),
			fmt.Sprintf("must be at most %d blocks", maxConfirmations))
	}
	if s.MaxLogRange == 0 {
		v.add("probes.stake.max_log_range", "0", "must be more than 0")
	}
	if v.probeThreshold("probes.stake.stake_change_warn_percent", s.StakeChangeWarnPercent) && s.StakeChangeWarnPercent > 100 {
		v.add("probes.stake.stake_change_warn_percent", formatFloat(s.StakeChangeWarnPercent), "must be at most 100")
	}
	v.probeThreshold("probes.stake.cutoff_warn_percent", s.CutoffWarnPercent)
	// probes.fees has only enabled: nothing to check.
}

// probeThreshold reports a threshold that is not a finite number of at least 0,
// and whether it is one.
func (v *validator) probeThreshold(field string, f float64) bool {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		v.add(field, formatFloat(f), "must be a finite number")
		return false
	case f < 0:
		v.add(field, formatFloat(f), "must not be negative")
		return false
	}
	return true
}
