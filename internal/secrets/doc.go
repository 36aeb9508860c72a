// Package secrets reads the secrets lpops needs (the keystore passphrase,
// RPC URLs that embed an API key, alert channel tokens and webhook URLs, the
// API token) from a secret store, as an alternative to the files and
// environment variables the configuration already accepts.
//
// A secret is named by a reference, one string in the configuration:
//
//	vault:<mount>/<path>#<key>      HashiCorp Vault KV v2 (token or AppRole auth)
//	ssm:<parameter name or ARN>     AWS SSM Parameter Store SecureString
//	sops:<file>[#<key>]             a sops-encrypted YAML, JSON or binary file
//
// References are parsed by package secretref, which the configuration uses
// to check them without linking any store; package fromconfig builds a
// Resolver from the configuration's secrets section and hands it to the
// configuration (config.SecretStores) in the programs that import it: lpops.
//
// Each kind of store is one backend behind the small Store interface, chosen
// once from the reference's scheme; Resolver builds a backend the first time
// a reference needs it, so loading a configuration never touches the network
// or a key file, and a store the configuration does not use is never built.
// The same test table runs against every backend (store_test.go).
//
// Values are never cached, logged or put in an error. Every error names the
// reference and the store (Vault's address, the SSM region or endpoint, the
// sops file) and, for a server's refusal, its status and error code, never a
// response body: a body is where the value would be. Every fetch runs under
// a deadline (Options.Timeout), so a store that does not answer fails the
// read instead of hanging the daemon's start.
//
// Vault is spoken to over its documented HTTP API (GET /v1/<mount>/data/<path>
// with X-Vault-Token; POST /v1/auth/<approle mount>/login for AppRole), not
// through github.com/hashicorp/vault/api, which reads VAULT_* variables of its
// own accord and puts response bodies in its errors. An AppRole token is kept
// until shortly before its lease ends and fetched again after a 403.
//
// SSM is reached through the AWS SDK for Go v2 with the usual credential
// chain (environment, shared config and credentials files, SSO, web identity,
// container and instance roles); region and endpoint may be set.
//
// sops files are decrypted by the sops command (`sops decrypt FILE`,
// secrets.sops.binary or sops on PATH), so any recipient sops supports works:
// age, AWS KMS, GCP KMS, Azure Key Vault, Vault transit, PGP, each finding its
// credentials the way the operator's own sops does. lpops does not link sops'
// Go packages: with every key service's SDK they doubled the daemon's binary
// and its resident memory, for one read at start. An age identity file set in
// the configuration is given to that one sops process as SOPS_AGE_KEY_FILE,
// after checking that only its owner can read it; the cleartext comes back
// on a pipe, bounded to 1 MiB, and a fetch that times out kills sops.
package secrets
