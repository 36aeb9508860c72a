package config

import (
	"strings"
	"testing"
)

func TestBackupValidation(t *testing.T) {
	const base = "network: custom\nchain_id: 1\ncontroller: \"0x00000000000000000000000000000000000000c1\"\n" +
		"rpc: [{url: \"http://127.0.0.1:8545\"}]\norchestrator: \"0x00000000000000000000000000000000000000a1\"\n" +
		"reward: {mode: observe}\n"
	const key = "age10y5qs5d8s8c732dkwr3tgd65x3s8yt7943u3ywv78dchlr2xk4aql8sy6n"
	for _, tc := range []struct {
		name, backup, want string
	}{
		{"Disabled", "backup: {}", ""},
		{"S3", "backup: {destination: s3://b/p, recipients: [" + key + "]}", ""},
		{"Dir", "backup: {destination: /var/backups/lpops, recipients: [\"ssh-ed25519 AAAA x\"]}", ""},
		{"NoRecipients", "backup: {destination: s3://b/p}", "backup.recipients: is required"},
		{"SecretKeyAsRecipient", "backup: {destination: s3://b/p, recipients: [AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQ]}", "backup.recipients[0]"},
		{"BadScheme", "backup: {destination: \"gs://b/p\", recipients: [" + key + "]}", "backup.destination"},
		{"BadEndpoint", "backup: {destination: s3://b, recipients: [" + key + "], s3: {endpoint: \"minio:9000\"}}", "backup.s3.endpoint"},
		{"HalfCredentials", "backup: {destination: s3://b, recipients: [" + key + "], s3: {access_key_id_file: /x}}", "backup.s3:"},
		{"NegativeKeep", "backup: {keep: -1}", "backup.keep"},
		{"MaxAgeBelowInterval", "backup: {destination: s3://b, recipients: [" + key + "], interval: 6h, max_age: 1h}", "backup.max_age"},
		{"UnknownKey", "backup: {destination: s3://b, recipient: [" + key + "]}", "backup.recipient"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(base+tc.backup+"\n"), "lpops.yaml")
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQ") {
				t.Fatalf("the error echoes a secret key: %v", err)
			}
		})
	}
}
