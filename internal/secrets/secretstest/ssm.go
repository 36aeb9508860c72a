package secretstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// SSM is a stand-in for AWS Systems Manager Parameter Store: AWS cannot be
// reached from the tests. It speaks the AWS JSON 1.1 protocol as SSM
// documents it (docs.aws.amazon.com/systems-manager/latest/APIReference/
// API_GetParameter.html):
//
//   - POST / with Content-Type application/x-amz-json-1.1,
//     X-Amz-Target: AmazonSSM.GetParameter, a SigV4 Authorization header
//     for service ssm in Region, and the body {"Name":..,"WithDecryption":true};
//   - 200 {"Parameter":{"ARN":..,"DataType":"text","LastModifiedDate":..,
//     "Name":..,"Type":"SecureString","Value":..,"Version":N}}; without
//     WithDecryption a SecureString's Value is its ciphertext, base64;
//   - errors: HTTP 400 {"__type":"ParameterNotFound","message":..} (and
//     AccessDeniedException for a request signed for another region or
//     with another access key), with X-Amzn-RequestId.
type SSM struct {
	URL       string
	Region    string
	AccessKey string

	mu     sync.Mutex
	params map[string]ssmParam
}

type ssmParam struct {
	typ, value string
	version    int
}

// NewSSM starts the stand-in, accepting requests signed with accessKey for
// region.
func NewSSM(t testing.TB, region, accessKey string) *SSM {
	t.Helper()
	s := &SSM{Region: region, AccessKey: accessKey, params: map[string]ssmParam{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Put stores a parameter as PutParameter --type typ (SecureString, String).
func (s *SSM) Put(name, typ, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.params[name]
	s.params[name] = ssmParam{typ: typ, value: value, version: p.version + 1}
}

func (s *SSM) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Amzn-RequestId", randUUID())
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		ssmError(w, http.StatusNotFound, "UnknownOperationException", "")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		ssmError(w, http.StatusBadRequest, "SerializationException", "unexpected content type "+ct)
		return
	}
	auth := r.Header.Get("Authorization")
	wantScope := fmt.Sprintf("/%s/ssm/aws4_request", s.Region)
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+s.AccessKey+"/") || !strings.Contains(auth, wantScope) ||
		!strings.Contains(auth, "Signature=") || r.Header.Get("X-Amz-Date") == "" {
		ssmError(w, http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "AmazonSSM.GetParameter" {
		ssmError(w, http.StatusBadRequest, "UnknownOperationException", "")
		return
	}
	var in struct {
		Name           *string
		WithDecryption *bool
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name == nil {
		ssmError(w, http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
		return
	}
	s.mu.Lock()
	p, ok := s.params[*in.Name]
	s.mu.Unlock()
	if !ok {
		ssmError(w, http.StatusBadRequest, "ParameterNotFound", "")
		return
	}
	val := p.value
	if p.typ == "SecureString" && (in.WithDecryption == nil || !*in.WithDecryption) {
		val = base64.StdEncoding.EncodeToString([]byte("kms-ciphertext:" + randHex(16)))
	}
	name := *in.Name
	arn := fmt.Sprintf("arn:aws:ssm:%s:123456789012:parameter/%s", s.Region, strings.TrimPrefix(name, "/"))
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
		"ARN": arn, "DataType": "text", "LastModifiedDate": float64(time.Now().Unix()),
		"Name": name, "Type": p.typ, "Value": val, "Version": p.version,
	}})
}

func ssmError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	body := map[string]string{"__type": typ}
	if msg != "" {
		body["message"] = msg
	}
	_ = json.NewEncoder(w).Encode(body)
}
