package backup

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a destination in an S3 bucket under a prefix, through minio-go (AWS
// S3, MinIO and other S3-compatible servers).
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	shown  string
}

var _ Target = (*S3)(nil)

// NewS3 returns the destination s3://bucket/prefix. Credentials come from o
// or, when o has none, from the environment, the shared credentials file or
// the instance role; never from the command line.
func NewS3(bucket, prefix string, o S3Options) (*S3, error) {
	endpoint, secure := "s3.amazonaws.com", true
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("s3 endpoint %q: want http(s)://host[:port]", o.Endpoint)
		}
		endpoint, secure = u.Host, u.Scheme == "https"
	} else if o.Region != "" {
		endpoint = "s3." + o.Region + ".amazonaws.com"
	}
	var creds *credentials.Credentials
	if o.AccessKeyID != "" && o.SecretAccessKey != "" {
		creds = credentials.NewStaticV4(o.AccessKeyID, o.SecretAccessKey, "")
	} else {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.EnvMinio{},
			&credentials.FileAWSCredentials{}, &credentials.IAM{},
		})
	}
	c, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: o.Region})
	if err != nil {
		return nil, fmt.Errorf("s3 client: %w", err)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: c, bucket: bucket, prefix: prefix, shown: "s3://" + bucket + "/" + prefix}, nil
}

func (s *S3) String() string { return s.shown }

// Put uploads the archive.
func (s *S3) Put(ctx context.Context, name string, b []byte) error {
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+name, bytes.NewReader(b), int64(len(b)),
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("put %s%s: %w", s.shown, name, err)
	}
	return nil
}

// Get downloads name.
func (s *S3) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	o, err := s.client.GetObject(ctx, s.bucket, s.prefix+path.Base(name), minio.GetObjectOptions{})
	if err == nil {
		_, err = o.Stat()
	}
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, fmt.Errorf("%s in %s: %w", name, s.shown, ErrNoObject)
		}
		return nil, fmt.Errorf("get %s%s: %w", s.shown, name, err)
	}
	return o, nil
}

// List returns the backups under the prefix, oldest first.
func (s *S3) List(ctx context.Context) ([]Object, error) {
	var out []Object
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix}) {
		if o.Err != nil {
			return nil, fmt.Errorf("list %s: %w", s.shown, o.Err)
		}
		name := strings.TrimPrefix(o.Key, s.prefix)
		if strings.Contains(name, "/") {
			continue
		}
		t, ok := ParseObjectName(name)
		if !ok {
			continue
		}
		out = append(out, Object{Name: name, Size: o.Size, Time: t})
	}
	sortObjects(out)
	return out, nil
}

// Delete removes name.
func (s *S3) Delete(ctx context.Context, name string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+path.Base(name), minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("delete %s%s: %w", s.shown, name, err)
	}
	return nil
}

// MakeBucket creates the bucket if it is missing (tests; operators create
// theirs with its policy).
func (s *S3) MakeBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil || ok {
		return err
	}
	return s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
}
