// Package backup writes and reads lpops' encrypted backups: one archive that
// holds what a new host needs to take over the orchestrator's duties (the
// signer's keystore and its passphrase, go-livepeer's keystore when the host
// has one, lpops' configuration, a consistent copy of the state store, the
// rendered host configuration) and a manifest naming the accounts, the chain
// and the SHA-256 of every file.
//
// Format. The file is an age encryption (filippo.io/age) of a tar stream; no
// byte of the tar, not even a file name, is in clear. manifest.json is the
// first entry; every other entry is named by where `lpops backup restore`
// puts it under its --to directory (keystore/…, secrets/…, state/lpops.db,
// node-keystore/…, rendered/…, lpops.yaml), so the archive is the restored
// layout. Open checks every entry against the manifest's hashes and refuses
// an archive with a missing, extra or altered file. age authenticates the
// payload against corruption, not its author: anyone holding a recipient's
// public key can write an archive, so restore still checks the keystore's
// address against the configuration and the chain.
//
// Consistency of the state store. bbolt's read transaction sees one
// committed state, and Tx.WriteTo copies it while writers go on. The daemon
// holds the file lock, so a command beside it cannot open the file (bbolt's
// read-only open waits for the lock); it asks the daemon instead, on the
// loopback API with the bearer token (GET /api/v1/state/snapshot), and the
// daemon's scheduled backups read their own store directly.
//
// Destinations (Target) are a local directory or an S3 bucket and prefix
// (minio-go, any S3-compatible server); both pass the same test suite.
// Retention keeps the newest N archives and drops those older than a maximum
// age, never the newest one.
package backup
