// Package disaster plays the dead-host drill end to end with real parts:
// host A (the built lpops binary, on anvil, its node missing rounds) backs
// up to a real MinIO server and is SIGKILLed; host B, made of new
// directories that share nothing with A but the bucket and the age
// identity, restores with `lpops backup restore`, starts and rewards the
// next round. The chain is the judge: exactly one reward transaction per
// round across A and B.
//
// BenchmarkRestoreToAPIReady measures the time from "restore starts" to
// "B's API answers", against a baseline measured in the same run: starting
// lpops on a configuration already in place.
package disaster
