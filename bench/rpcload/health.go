package main

import (
	"time"

	"github.com/lpops/lpops/internal/rpcproxy"
)

// healthCheck is the shape of the endpoint pool's health check.
const healthCheck = "[eth_chainId, eth_getBlockByNumber]"

// realHealthChecks estimates how many health checks lpops' endpoint pool
// would have made over the measured window if its ticker scaled like every
// other interval.
//
// The pool (internal/chain/health.go) checks, on a ticker of
// max(health_interval/4, 1s), every endpoint that no round trip reached
// within health_interval. The 1 s floor does not bind in real time (the
// default ticker is 15 s) but does in a run compressed S times, which so
// sees fewer checks than real time would. This replays the same rule over
// the measured requests that were not health checks, with the ticker at
// tick (health_interval/4, or the floor divided by S), averaged over
// ticker phases.
func realHealthChecks(reqs []rpcproxy.Request, start, end time.Time, interval, tick time.Duration) float64 {
	var contacts []time.Duration
	for _, r := range reqs {
		if r.Shape != healthCheck {
			contacts = append(contacts, r.At.Sub(start))
		}
	}
	window := end.Sub(start)
	const phases = 16
	total := 0
	for ph := range phases {
		last, i := time.Duration(0), 0
		for t := tick * time.Duration(ph) / phases; t <= window; t += tick {
			for i < len(contacts) && contacts[i] <= t {
				last = contacts[i]
				i++
			}
			if t-last >= interval {
				total++
				last = t
			}
		}
	}
	return float64(total) / phases
}
