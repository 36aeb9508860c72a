package secretref_test

import (
	"errors"
	"testing"

	"github.com/lpops/lpops/internal/secretref"
)

func TestParse(t *testing.T) {
	good := []struct {
		in   string
		want secretref.Ref
	}{
		{"vault:secret/lpops#passphrase", secretref.Ref{Scheme: "vault", Mount: "secret", Path: "lpops", Key: "passphrase"}},
		{"vault:kv/hosts/orch-1#rpc_url", secretref.Ref{Scheme: "vault", Mount: "kv", Path: "hosts/orch-1", Key: "rpc_url"}},
		{"vault:team/kv/data/lpops#token", secretref.Ref{Scheme: "vault", Mount: "team/kv", Path: "lpops", Key: "token"}},
		{"ssm:/lpops/passphrase", secretref.Ref{Scheme: "ssm", Path: "/lpops/passphrase"}},
		{"ssm:arn:aws:ssm:us-east-1:123456789012:parameter/lpops/pass", secretref.Ref{Scheme: "ssm", Path: "arn:aws:ssm:us-east-1:123456789012:parameter/lpops/pass"}},
		{"sops:secretref.enc.yaml#rpc_url", secretref.Ref{Scheme: "sops", Path: "secretref.enc.yaml", Key: "rpc_url"}},
		{"sops:/etc/lpops/s.enc.json#a.b", secretref.Ref{Scheme: "sops", Path: "/etc/lpops/s.enc.json", Key: "a.b"}},
		{"sops:/etc/lpops/passphrase.enc", secretref.Ref{Scheme: "sops", Path: "/etc/lpops/passphrase.enc"}},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			got, err := secretref.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("ParseRef = %+v, want %+v", got, tc.want)
			}
			if tc.in != "vault:team/kv/data/lpops#token" && got.String() != tc.in {
				t.Errorf("String() = %s", got.String())
			}
		})
	}
	bad := []struct{ in, want string }{
		{"hunter2", secretref.ErrNotReference.Error()},
		{"file:/etc/x", secretref.ErrNotReference.Error()},
		{"vault:secret/lpops", "vault:secret/lpops: names no key: a KV v2 secret holds several, add #<key>, such as vault:secret/lpops#passphrase"},
		{"vault:lpops#x", "vault:lpops#x: must be vault:<mount>/<path>#<key>, such as vault:secret/lpops#passphrase"},
		{"vault:secret/lpops#", "vault:secret/lpops#: nothing after #: name the key to read"},
		{"ssm:/lpops/x#y", "ssm:/lpops/x#y: an SSM parameter holds one value: leave out #y"},
		{"ssm:", "ssm:: names no parameter, such as ssm:/lpops/passphrase"},
		{"sops:s.enc.yaml", "sops:s.enc.yaml: names no key: add #<key> to pick one value of the .yaml document"},
		{"sops: s.enc.yaml#x", "sops reference must not hold spaces around it or control characters"},
	}
	for _, tc := range bad {
		t.Run(tc.in, func(t *testing.T) {
			_, err := secretref.Parse(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("ParseRef(%q) error = %v, want %s", tc.in, err, tc.want)
			}
			if tc.want == secretref.ErrNotReference.Error() && !errors.Is(err, secretref.ErrNotReference) {
				t.Errorf("not ErrNotReference")
			}
		})
	}
}
