// Package secretstest provides secret stores for tests: a sops file
// encrypted to an age identity made in the test, and stand-ins for Vault's
// and AWS SSM's HTTP APIs where the real server cannot run here.
//
// The stand-ins are fakes at a boundary, and say so: they follow the
// documented wire formats exactly (Vault's KV v2 and AppRole HTTP API, AWS
// JSON 1.1 for SSM's GetParameter), so the code under test speaks to them
// as it would to the real service. Only tests import this package.
package secretstest
