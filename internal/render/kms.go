package render

import (
	"regexp"
	"strings"

	"github.com/lpops/lpops/internal/config"
)

// A KMS key id is a UUID, or a multi-Region key id (mrk- and 32 hex digits).
var kmsKeyIDRe = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

// kmsKeyARNRe is the ARN of a key (not of an alias).
var kmsKeyARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-z-]+$`)

// checkKMS reports what the CloudFormation template needs to grant the
// instance role the signing key: the key itself, not an alias, which an
// IAM policy's Resource cannot name.
func checkKMS(c *config.Config, add func(field, value, msg string)) {
	if c.Signer.Kind != config.SignerKindAWSKMS {
		return
	}
	id := c.Signer.KMS.KeyID
	if !kmsKeyIDRe.MatchString(id) && !kmsKeyARNRe.MatchString(id) {
		add("signer.kms.key_id", id, "must be the key's id or key ARN to render the CloudFormation template: its instance role is granted kms:Sign on that key alone, and an IAM policy cannot name a key by alias")
	}
}

// kmsKeyARN is the signing key's ARN as an Fn::Sub string: the ARN as
// given, or built from the key id in signer.kms.region (else
// host.aws.region) of the stack's account.
func kmsKeyARN(c *config.Config) string {
	id := c.Signer.KMS.KeyID
	if strings.HasPrefix(id, "arn:") {
		return id
	}
	region := c.Signer.KMS.Region
	if region == "" {
		region = c.Host.AWS.Region
	}
	return "arn:${AWS::Partition}:kms:" + region + ":${AWS::AccountId}:key/" + id
}
