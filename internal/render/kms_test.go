package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lpops/lpops/internal/config"
)

func kmsSample(t *testing.T, keyID string) *config.Config {
	t.Helper()
	c := load(t, sampleConfig)
	c.Signer = config.Default().Signer
	c.Signer.Kind = config.SignerKindAWSKMS
	c.Signer.KMS.KeyID = keyID
	return c
}

// TestKMSInstanceRole: with signer.kind aws-kms the instance gets a role
// whose only permissions are kms:Sign and kms:GetPublicKey on the one key.
func TestKMSInstanceRole(t *testing.T) {
	for _, tc := range []struct {
		Name, KeyID, Region, WantARN string
	}{
		{"KeyIDInTheHostRegion", "1234abcd-12ab-34cd-56ef-1234567890ab", "", "arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"KeyIDOtherRegion", "mrk-1234abcd12ab34cd56ef1234567890ab", "eu-west-2", "arn:${AWS::Partition}:kms:eu-west-2:${AWS::AccountId}:key/mrk-1234abcd12ab34cd56ef1234567890ab"},
		{"KeyARN", "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "", "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			c := kmsSample(t, tc.KeyID)
			c.Signer.KMS.Region = tc.Region
			files, err := Render(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tmpl := cfnTemplate(t, files)
			res := tmpl["Resources"].(map[string]any)
			role, ok := res["SignerRole"].(map[string]any)
			if !ok || role["Type"] != "AWS::IAM::Role" {
				t.Fatalf("no SignerRole: %v", res["SignerRole"])
			}
			props := role["Properties"].(map[string]any)
			if _, ok := props["ManagedPolicyArns"]; ok {
				t.Error("the signer role carries managed policies; want only its inline policy")
			}
			policies := props["Policies"].([]any)
			if len(policies) != 1 {
				t.Fatalf("policies %v; want one", policies)
			}
			got, _ := json.Marshal(policies[0].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"])
			want := `[{"Action":["kms:Sign","kms:GetPublicKey"],"Effect":"Allow","Resource":{"Fn::Sub":"` + tc.WantARN + `"}}]`
			if string(got) != want {
				t.Errorf("statements\n got %s\nwant %s", got, want)
			}
			prof := res["SignerInstanceProfile"].(map[string]any)
			if prof["Type"] != "AWS::IAM::InstanceProfile" {
				t.Errorf("SignerInstanceProfile type %v", prof["Type"])
			}
			inst := res["Instance"].(map[string]any)["Properties"].(map[string]any)
			if ref, _ := inst["IamInstanceProfile"].(map[string]any); ref["Ref"] != "SignerInstanceProfile" {
				t.Errorf("instance IamInstanceProfile %v; want Ref SignerInstanceProfile", inst["IamInstanceProfile"])
			}
		})
	}

	// Without aws-kms the instance has no role at all.
	tmpl := cfnTemplate(t, renderSample(t))
	if _, ok := tmpl["Resources"].(map[string]any)["SignerRole"]; ok {
		t.Error("SignerRole rendered for a keystore signer")
	}
}

func TestKMSAliasCannotBeGranted(t *testing.T) {
	_, err := Render(kmsSample(t, "alias/lpops"), Options{})
	if want := `signer.kms.key_id: must be the key's id or key ARN to render the CloudFormation template`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Render: %v; want %q", err, want)
	}
}
