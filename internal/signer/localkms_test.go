package signer

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lpops/lpops/internal/testenv"
)

// localKMSRegion is the region local-kms is started in (its KMS_REGION).
const localKMSRegion = "eu-west-2"

// localKMS is a running local-kms: a KMS-compatible server that implements
// ECC_SECG_P256K1 signing keys (github.com/nsmithuk/local-kms, installed by
// scripts/install-test-tools.sh). It speaks KMS's JSON protocol, so the
// signer talks to it with the real AWS SDK; it checks no signatures, so any
// static credentials do.
type localKMS struct {
	Endpoint string
	client   *kms.Client
}

// startLocalKMS runs local-kms on a free loopback port with its data in a
// temporary directory, and sets AWS credentials for the SDK in this test's
// environment (inherited by an lpops the test starts).
func startLocalKMS(t testing.TB) *localKMS {
	t.Helper()
	bin := testenv.RequireTool(t, "local-kms")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLPOPSTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "lpops-test-secret")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir := t.TempDir()
	var l *localKMS
	for attempt := 1; ; attempt++ {
		port := testenv.FreePort(t)
		p := testenv.StartProc(t, bin, nil, []string{
			fmt.Sprintf("PORT=%d", port), "KMS_REGION=" + localKMSRegion, "KMS_ACCOUNT_ID=111122223333",
			"KMS_DATA_PATH=" + filepath.Join(dir, "data"), "KMS_SEED_PATH=" + filepath.Join(dir, "no-seed.yaml"),
		})
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		up := false
		testenv.WaitFor(t, 30*time.Second, "local-kms to listen on "+addr, func() bool {
			if p.Exited() {
				return true
			}
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				up = true
			}
			return up
		})
		if up {
			l = &localKMS{Endpoint: "http://" + addr}
			break
		}
		if attempt == 3 {
			t.Fatalf("local-kms exited at start:\n%s", p.Output())
		}
	}
	cfg, err := awsconfig.LoadDefaultConfig(t.Context(), awsconfig.WithRegion(localKMSRegion))
	if err != nil {
		t.Fatal(err)
	}
	l.client = kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(l.Endpoint) })
	return l
}

// createKey creates a signing key of spec and returns its id.
func (l *localKMS) createKey(t testing.TB, spec kmstypes.KeySpec) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := l.client.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	if err != nil {
		t.Fatalf("create %s key in local-kms: %v", spec, err)
	}
	return aws.ToString(out.KeyMetadata.KeyId)
}

// keyARN returns the key's ARN.
func (l *localKMS) keyARN(t testing.TB, id string) string {
	t.Helper()
	out, err := l.client.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}
