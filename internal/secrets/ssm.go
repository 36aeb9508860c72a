package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// SSMOptions configures the AWS SSM Parameter Store store. Credentials come
// from the SDK's default chain.
type SSMOptions struct {
	// Region overrides AWS_REGION and the shared config's region.
	Region string
	// Endpoint overrides the service endpoint (a VPC endpoint, a test
	// server); "" means the region's public endpoint.
	Endpoint string
}

// SSM reads SecureString parameters with GetParameter, WithDecryption.
type SSM struct {
	client *ssm.Client
	where  string
}

// NewSSM returns the SSM store for opts. It reads the shared AWS config
// files and environment but makes no request.
func NewSSM(opts SSMOptions) (*SSM, error) {
	var load []func(*awsconfig.LoadOptions) error
	if opts.Region != "" {
		load = append(load, awsconfig.WithRegion(opts.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(context.Background(), load...)
	if err != nil {
		return nil, fmt.Errorf("ssm: load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("ssm: no AWS region: set secrets.ssm.region or AWS_REGION")
	}
	where := cfg.Region
	client := ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
			where = opts.Endpoint
		}
	})
	return &SSM{client: client, where: "ssm " + where}, nil
}

// Fetch returns the decrypted value of the parameter ref names. A parameter
// that is not a SecureString is refused: a secret kept in a String
// parameter is readable by anyone who may list parameters.
func (s *SSM) Fetch(ctx context.Context, ref Ref) ([]byte, error) {
	out, err := s.client.GetParameter(ctx, &ssm.GetParameterInput{
		Name:           aws.String(ref.Path),
		WithDecryption: aws.Bool(true),
	})
	if err != nil {
		return nil, s.explain(err)
	}
	p := out.Parameter
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("%s: the answer holds no parameter value", s.where)
	}
	if p.Type != types.ParameterTypeSecureString {
		return nil, fmt.Errorf("%s: %s is a %s parameter; keep secrets in a SecureString", s.where, ref.Path, p.Type)
	}
	return []byte(*p.Value), nil
}

// explain turns an SDK error into one that names the store and AWS' error
// code and message (which never hold a parameter's value) and nothing of
// the response body.
func (s *SSM) explain(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorCode()
		switch ae.ErrorCode() {
		case "ParameterNotFound":
			msg += ": no such parameter"
		case "ParameterVersionNotFound":
			msg += ": no such parameter version"
		}
		if m := strings.TrimSpace(ae.ErrorMessage()); m != "" {
			if len(m) > 300 {
				m = m[:300] + "..."
			}
			msg += " (" + m + ")"
		}
		return fmt.Errorf("%s: GetParameter: %s", s.where, msg)
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: GetParameter: the answer is not a GetParameter response", s.where)
	}
	return fmt.Errorf("%s: %w", s.where, err)
}
