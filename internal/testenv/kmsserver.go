package testenv

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// KMSServer is a local-kms process (github.com/nsmithuk/local-kms): a
// KMS-compatible server speaking AWS KMS' JSON API, with secp256k1 keys.
type KMSServer struct {
	// Endpoint is http://127.0.0.1:PORT; Region and AccountID are the ones
	// its key ARNs carry.
	Endpoint, Region, AccountID string
	Proc                        *Proc
}

// StartKMSServer starts local-kms on a free port with its database in a
// temporary directory, waits until it accepts connections, and sets the
// AWS environment (static dummy credentials, the region) for the SDK's
// default chain. The server dies with the test.
func StartKMSServer(t *testing.T) *KMSServer {
	t.Helper()
	bin := RequireTool(t, "local-kms")
	s := &KMSServer{Region: "eu-west-2", AccountID: "111122223333"}
	port := FreePort(t)
	s.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	s.Proc = StartProc(t, bin, nil, []string{
		"PORT=" + strconv.Itoa(port),
		"KMS_REGION=" + s.Region,
		"KMS_ACCOUNT_ID=" + s.AccountID,
		"KMS_DATA_PATH=" + filepath.Join(t.TempDir(), "kms"),
		"KMS_SEED_PATH=" + filepath.Join(t.TempDir(), "no-seed.yaml"),
	})
	WaitFor(t, readyTimeout, "local-kms to accept connections on "+s.Endpoint, func() bool {
		if s.Proc.Exited() {
			t.Fatalf("local-kms exited:\n%s", s.Proc.Output())
		}
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	// The SDK's default chain reads these; local-kms checks no signature.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALKMS")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local-kms-accepts-any-secret")
	t.Setenv("AWS_REGION", s.Region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return s
}
