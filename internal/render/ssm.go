package render

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/secretref"
)

// ssmNameRe is a parameter name as Parameter Store allows it (letters,
// digits, _ . - and / as the hierarchy separator), optionally with the
// :version or :label selector GetParameter accepts.
var ssmNameRe = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+(:[a-zA-Z0-9_.\-]+)?$`)

// ssmParamARNRe is a parameter's ARN, optionally with a selector.
var ssmParamARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[a-zA-Z0-9_.\-/]+(:[a-zA-Z0-9_.\-]+)?$`)

// ssmRefs returns the ssm: references of c's *_secret keys: parameter
// name or ARN by key path.
func ssmRefs(c *config.Config) map[string]string {
	out := map[string]string{}
	for field, s := range c.SecretReferences() {
		r, err := secretref.Parse(s)
		if err == nil && r.Scheme == secretref.SchemeSSM {
			out[field] = r.Path
		}
	}
	return out
}

// checkSSM reports an ssm: reference the instance role cannot be granted
// exactly (a name an IAM Resource would misread).
func checkSSM(c *config.Config, add func(field, value, msg string)) {
	for field, p := range ssmRefs(c) {
		if !ssmNameRe.MatchString(p) && !ssmParamARNRe.MatchString(p) {
			add(field, "ssm:"+p, "must name a parameter (letters, digits, _ . - /) or its ARN to render the CloudFormation template: its instance role is granted ssm:GetParameter on that parameter alone")
		}
	}
}

// ssmParameterARNs are the ARNs (Fn::Sub strings, sorted, each once) of
// the parameters c's ssm: references read: an ARN as given, a name in
// secrets.ssm.region (else the stack's region) of the stack's account. A
// :version or :label selector is not part of the ARN.
func ssmParameterARNs(c *config.Config) []string {
	region := c.Secrets.SSM.Region
	if region == "" {
		region = "${AWS::Region}"
	}
	set := map[string]bool{}
	for _, p := range ssmRefs(c) {
		if strings.HasPrefix(p, "arn:") {
			head, name, _ := strings.Cut(p, ":parameter/")
			name, _, _ = strings.Cut(name, ":")
			set[head+":parameter/"+name] = true
			continue
		}
		name, _, _ := strings.Cut(p, ":")
		// A hierarchical name's ARN is parameter/a/b, not parameter//a/b.
		set["arn:${AWS::Partition}:ssm:"+region+":${AWS::AccountId}:parameter/"+strings.TrimPrefix(name, "/")] = true
	}
	return slices.Sorted(maps.Keys(set))
}
