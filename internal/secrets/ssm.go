package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/lpops/lpops/internal/httpx"
)

// SSMOptions configures the AWS SSM Parameter Store store. Credentials come
// from the SDK's default chain.
type SSMOptions struct {
	// Region overrides AWS_REGION and the shared config's region.
	Region string
	// Endpoint overrides the service endpoint (a VPC endpoint, a test
	// server); "" means AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL when set,
	// else the region's public endpoint.
	Endpoint string
}

// SSM reads SecureString parameters with GetParameter, WithDecryption.
//
// The one call is made here, on the AWS JSON 1.1 protocol as Parameter
// Store documents it (POST /, X-Amz-Target: AmazonSSM.GetParameter), while
// the SDK does what is hard to get right: the credential chain (environment,
// shared files, SSO, web identity, container and instance roles), the region,
// and Signature Version 4. The SDK's SSM client is not linked: it carries
// every Parameter Store operation (over a hundred), which added about 4 MB
// to the binary and 1.4 MB of schemas built on the heap at start, resident
// in every lpops whether it reads SSM or not.
type SSM struct {
	creds    aws.CredentialsProvider
	region   string
	endpoint string
	http     *http.Client
	signer   *v4.Signer
	where    string
}

// maxSSMAnswer bounds a GetParameter answer: a parameter holds at most 8 KB
// (advanced tier), and the answer adds its metadata.
const maxSSMAnswer = 64 << 10

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
	endpoint := opts.Endpoint
	for _, e := range []string{os.Getenv("AWS_ENDPOINT_URL_SSM"), aws.ToString(cfg.BaseEndpoint)} {
		if endpoint == "" {
			endpoint = e
		}
	}
	where := cfg.Region
	if endpoint != "" {
		where = endpoint
	} else {
		endpoint = "https://ssm." + cfg.Region + ".amazonaws.com"
		if strings.HasPrefix(cfg.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	return &SSM{creds: cfg.Credentials, region: cfg.Region, endpoint: strings.TrimSuffix(endpoint, "/"),
		http: &http.Client{Transport: httpx.LimitBodies(http.DefaultTransport, maxSSMAnswer)}, signer: v4.NewSigner(),
		where: "ssm " + where}, nil
}

// Fetch returns the decrypted value of the parameter ref names. A parameter
// that is not a SecureString is refused: a secret kept in a String
// parameter is readable by anyone who may list parameters.
func (s *SSM) Fetch(ctx context.Context, ref Ref) ([]byte, error) {
	body, err := json.Marshal(struct {
		Name           string
		WithDecryption bool
	}{ref.Path, true})
	if err != nil {
		return nil, err
	}
	var out struct {
		Parameter *struct {
			Type  string
			Value *string
		}
	}
	// Throttling, a 5xx and a connection that fails are tried again, twice,
	// as the SDK's standard retryer would.
	for attempt := 0; ; attempt++ {
		retry, err := s.getParameter(ctx, body, &out)
		if err == nil {
			break
		}
		if !retry || attempt == 2 {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(200<<attempt) * time.Millisecond):
		}
	}
	p := out.Parameter
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("%s: GetParameter: the answer holds no parameter value", s.where)
	}
	if p.Type != "SecureString" {
		return nil, fmt.Errorf("%s: %s is a %s parameter; keep secrets in a SecureString", s.where, ref.Path, p.Type)
	}
	return []byte(*p.Value), nil
}

// getParameter makes one signed GetParameter call and decodes a 200 answer
// into out. It says whether a failure is worth another try.
func (s *SSM) getParameter(ctx context.Context, body []byte, out any) (retry bool, err error) {
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: AWS credentials: %w", s.where, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.where, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", s.region, time.Now()); err != nil {
		return false, fmt.Errorf("%s: sign the request: %w", s.where, err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("%s: %w", s.where, httpx.Error(err))
	}
	defer resp.Body.Close()
	data, err := httpx.ReadBody(resp.Body, maxSSMAnswer)
	defer clear(data)
	if err != nil {
		return false, fmt.Errorf("%s: GetParameter: read the answer: %w", s.where, err)
	}
	if resp.StatusCode != http.StatusOK {
		code, msg := awsJSONError(resp.Header, data)
		retry = resp.StatusCode >= 500 || code == "ThrottlingException"
		switch code {
		case "ParameterNotFound":
			code += ": no such parameter"
		case "ParameterVersionNotFound":
			code += ": no such parameter version"
		case "":
			code = fmt.Sprintf("HTTP %d", resp.StatusCode)
		}
		if msg != "" {
			code += " (" + msg + ")"
		}
		return retry, fmt.Errorf("%s: GetParameter: %s", s.where, code)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, fmt.Errorf("%s: GetParameter: the answer is not a GetParameter response", s.where)
	}
	return false, nil
}

// awsJSONError reads an AWS JSON 1.1 error: the code from the
// X-Amzn-ErrorType header or the body's __type (or code), less any
// namespace before '#' and detail after ':', and the message (which never
// holds a parameter's value), clipped to one line of 300 bytes.
func awsJSONError(h http.Header, body []byte) (code, msg string) {
	var e struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &e)
	for _, c := range []string{h.Get("X-Amzn-ErrorType"), e.Type, e.Code} {
		if code == "" {
			code = c
		}
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	msg = strings.Join(strings.Fields(e.Message+e.MessageU), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	return httpx.Text(code), httpx.Text(msg)
}
