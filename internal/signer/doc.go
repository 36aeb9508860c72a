// Package signer holds what lpops signs transactions with. Three backends
// stand behind one small interface, chosen once from signer.kind when the
// daemon (or status, or check-config) is assembled:
//
//   - keystore (keystore.go): a go-ethereum keystore file on this host,
//     decrypted in memory with a passphrase from a file or a named
//     environment variable, never argv.
//   - aws-kms (kms.go): an asymmetric AWS KMS key of spec ECC_SECG_P256K1.
//     The address comes from GetPublicKey; each transaction's signing hash is
//     signed by KMS (ECDSA_SHA_256 over the digest, MessageType DIGEST), the
//     DER signature normalised to low-S and its recovery id found by
//     recovering the public key, so the private key never leaves KMS.
//   - clef (clef.go): go-ethereum's external signer, reached over IPC or HTTP
//     with go-ethereum's accounts/external. clef holds the key and approves
//     each transaction by its own rule file (lpops render writes one that
//     lets through reward and initializeRound only), so a compromised lpops
//     cannot make clef sign anything else.
//
// Sign takes no context: the keeper's interface (keeper.TxSigner) predates
// remote signers, so each remote backend bounds its own calls with the
// timeout from its configuration.
package signer
