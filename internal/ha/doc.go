// Package ha runs lpops as one of several instances that share one
// orchestrator, with etcd as the engine of every distributed guarantee: the
// lease, the leader election and the fencing of writes (STYLE.md: "a
// distributed guarantee belongs to the engine that provides it").
//
// # Election
//
// Every instance holds a concurrency.Session, an etcd lease of ha.lease_ttl
// kept alive by the client, and campaigns with a concurrency.Election under
// <key_prefix>election/. The election key with the lowest create revision
// leads. A leader whose lease is not renewed (its host died, froze, or lost
// etcd) is gone lease_ttl after the last renewal: etcd deletes its key with
// the lease and the next candidate's Campaign returns.
//
// # Fencing
//
// Leading is a belief, and a belief can be stale: a process frozen past its
// lease (SIGSTOP, a long GC pause, a VM migration) resumes convinced it still
// leads. So nothing that may lead to a transaction is decided on the belief.
// The keeper writes every signed transaction, with its nonce, into the
// round's record before it broadcasts it, and in HA mode that record lives
// in etcd (Store). Every write of Store is one etcd Txn whose If compares the
// create revision of this instance's election key with the revision it got
// when it won: CreateRevision(key) == rev. A deleted key (lease expired or
// revoked, resigned) has create revision 0, a new campaign a new revision; in
// both cases the comparison fails, the write is refused (ErrFenced), and the
// keeper does not broadcast a transaction it could not record. The check and
// the write are one linearizable operation of the cluster: there is no window
// between them.
//
// # Continuity
//
// A new leader reads the round records, with the old leader's signed
// transactions, from etcd: its keeper reconciles them exactly as after a
// restart (receipt, mined nonce, re-broadcast of a signed transaction) and
// replaces rather than adds, so one reward transaction per round holds across
// a takeover just as it holds across a crash.
//
// # Alerts
//
// The alert engine's state, outboxes, dead letters and silences live in
// etcd under <prefix>alerts/ (NewAlertStore, an alert.SharedStore), every
// write fenced like the records': only the leader queues a notification or
// marks it delivered, and it asks etcd (CheckLeader, a fenced Txn that
// writes nothing) before each send. A new leader continues from that state
// (alert.Engine.Lead). HAQuorumLost and HALeaderMissing are the exception:
// they fire when nobody can lead, so each instance keeps and sends them
// itself.
//
// # What followers do
//
// A follower reads the chain, probes, evaluates its alerts, serves its API
// and page, and reports the round as the leader recorded it
// (keeper.StateStandby); it neither decides nor writes, and notifies only
// the HA alerts. The ha probe raises HALeaderMissing when the cluster
// answers but nobody leads, and HAQuorumLost when the cluster does not
// answer: then nobody can record, so nobody sends.
package ha
