package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

// ssmSample is the sample host with secrets in SSM Parameter Store: the API
// token, the first rpc url (by name with a version selector), the
// heartbeat url by ARN, the same parameter twice, and a Vault secret that
// is none of the role's business.
func ssmSample(t *testing.T) *config.Config {
	t.Helper()
	c := load(t, sampleConfig)
	c.API.TokenSecret = config.SecretRef{Ref: "ssm:/lpops/api-token"}
	c.RPC[0].URLSecret = config.SecretRef{Ref: "ssm:/lpops/rpc-url:3"}
	c.Alerts.Heartbeat.URLSecret = config.SecretRef{Ref: "ssm:arn:aws:ssm:us-east-1:111122223333:parameter/shared/heartbeat"}
	if len(c.Alerts.Channels) > 0 {
		c.Alerts.Channels[0].URLSecret = config.SecretRef{Ref: "ssm:/lpops/api-token"}
	}
	c.Signer.PassphraseSecret = config.SecretRef{Ref: "vault:secret/lpops#passphrase"}
	return c
}

// rolePolicies renders c and returns the SignerRole's inline policies by
// name (their statements as JSON), checking the instance carries the role.
func rolePolicies(t *testing.T, c *config.Config) map[string]string {
	t.Helper()
	files, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := cfnTemplate(t, files)["Resources"].(map[string]any)
	role, ok := res["SignerRole"].(map[string]any)
	if !ok || role["Type"] != "AWS::IAM::Role" {
		t.Fatalf("no SignerRole: %v", res["SignerRole"])
	}
	if prof, _ := res["SignerInstanceProfile"].(map[string]any); prof["Type"] != "AWS::IAM::InstanceProfile" {
		t.Errorf("SignerInstanceProfile %v", res["SignerInstanceProfile"])
	}
	inst := res["Instance"].(map[string]any)["Properties"].(map[string]any)
	if ref, _ := inst["IamInstanceProfile"].(map[string]any); ref["Ref"] != "SignerInstanceProfile" {
		t.Errorf("instance IamInstanceProfile %v; want Ref SignerInstanceProfile", inst["IamInstanceProfile"])
	}
	props := role["Properties"].(map[string]any)
	if _, ok := props["ManagedPolicyArns"]; ok {
		t.Error("the instance role carries managed policies; want only its inline policies")
	}
	out := map[string]string{}
	for _, p := range props["Policies"].([]any) {
		pm := p.(map[string]any)
		st, _ := json.Marshal(pm["PolicyDocument"].(map[string]any)["Statement"])
		out[pm["PolicyName"].(string)] = string(st)
	}
	return out
}

// TestSSMSecretsInstanceRole: ssm: secret references give the instance a
// role with ssm:GetParameter on exactly those parameters (each once, the
// version selector dropped, an ARN as given), and no kms:Decrypt: AWS
// documents that the AWS managed key aws/ssm lets every principal of the
// account decrypt (ps-restrict-decryption), and a customer managed key's
// Decrypt is granted by that key's own policy.
func TestSSMSecretsInstanceRole(t *testing.T) {
	wantSSM := func(region string) string {
		return `[{"Action":["ssm:GetParameter"],"Effect":"Allow","Resource":[` +
			`{"Fn::Sub":"arn:${AWS::Partition}:ssm:` + region + `:${AWS::AccountId}:parameter/lpops/api-token"},` +
			`{"Fn::Sub":"arn:${AWS::Partition}:ssm:` + region + `:${AWS::AccountId}:parameter/lpops/rpc-url"},` +
			`{"Fn::Sub":"arn:aws:ssm:us-east-1:111122223333:parameter/shared/heartbeat"}]}]`
	}
	t.Run("KeystoreSigner", func(t *testing.T) {
		got := rolePolicies(t, ssmSample(t))
		if len(got) != 1 || got["lpops-ssm-secrets"] != wantSSM("${AWS::Region}") {
			t.Fatalf("policies %v\nwant only lpops-ssm-secrets: %s", got, wantSSM("${AWS::Region}"))
		}
		if strings.Contains(got["lpops-ssm-secrets"], "kms:") || strings.Contains(got["lpops-ssm-secrets"], "vault") {
			t.Errorf("ssm policy grants more than the parameters: %s", got["lpops-ssm-secrets"])
		}
	})
	t.Run("SSMRegion", func(t *testing.T) {
		c := ssmSample(t)
		c.Secrets.SSM.Region = "eu-central-1"
		if got := rolePolicies(t, c)["lpops-ssm-secrets"]; got != wantSSM("eu-central-1") {
			t.Fatalf("statements\n got %s\nwant %s", got, wantSSM("eu-central-1"))
		}
	})
	t.Run("WithKMSSigner", func(t *testing.T) {
		c := ssmSample(t)
		c.Signer = config.Default().Signer
		c.Signer.Kind = config.SignerKindAWSKMS
		c.Signer.KMS.KeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"
		got := rolePolicies(t, c)
		wantKMS := `[{"Action":["kms:Sign","kms:GetPublicKey"],"Effect":"Allow","Resource":{"Fn::Sub":"arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]`
		if len(got) != 2 || got["lpops-kms-signer"] != wantKMS || got["lpops-ssm-secrets"] != wantSSM("${AWS::Region}") {
			t.Fatalf("policies %v; want lpops-kms-signer and lpops-ssm-secrets", got)
		}
	})
}

func TestSSMNameCannotBeGranted(t *testing.T) {
	c := load(t, sampleConfig)
	c.API.TokenSecret = config.SecretRef{Ref: "ssm:/lpops/${AWS::AccountId}"}
	_, err := Render(c, Options{})
	if want := "api.token_secret: "; err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "ssm:GetParameter on that parameter alone") {
		t.Fatalf("Render: %v; want an error naming api.token_secret", err)
	}
}
