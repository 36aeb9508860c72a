package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// ErrNoObject is returned by Target.Get for a name the destination lacks.
var ErrNoObject = errors.New("no such backup")

// Object is one backup in a destination.
type Object struct {
	Name string
	Size int64
	// Time is when the backup was made (from its name), else when it was
	// stored.
	Time time.Time
}

// Target is where backups are kept: a local directory or an S3 prefix.
type Target interface {
	// Put stores the archive under name (names carry the time to the
	// millisecond, so a put never replaces another backup).
	Put(ctx context.Context, name string, b []byte) error
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns the destination's backups, oldest first.
	List(ctx context.Context) ([]Object, error)
	Delete(ctx context.Context, name string) error
	// String names the destination for messages (no credentials).
	String() string
}

// S3Options configure an s3:// destination: any S3-compatible server.
type S3Options struct {
	// Endpoint is the server's URL (https://host[:port] or http://…);
	// empty: AWS's regional endpoint.
	Endpoint string
	Region   string
	// AccessKeyID and SecretAccessKey, when both set, are used as given;
	// else the usual chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
	// MINIO_ROOT_USER/MINIO_ROOT_PASSWORD, ~/.aws/credentials, the
	// instance role.
	AccessKeyID, SecretAccessKey string
}

// OpenTarget returns the Target for a destination: s3://bucket[/prefix] or a
// local directory.
func OpenTarget(dest string, s3 S3Options) (Target, error) {
	if rest, ok := strings.CutPrefix(dest, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, fmt.Errorf("destination %s: no bucket", dest)
		}
		return NewS3(bucket, prefix, s3)
	}
	if strings.Contains(dest, "://") {
		return nil, fmt.Errorf("destination %s: want s3://bucket/prefix or a local directory", dest)
	}
	if dest == "" {
		return nil, errors.New("no destination")
	}
	return &Dir{Path: dest}, nil
}

// sortObjects orders by time, then name.
func sortObjects(objs []Object) {
	slices.SortFunc(objs, func(a, b Object) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// Retention says which backups to keep: the newest Keep (0: no count
// limit) and none older than MaxAge (0: no age limit). The newest backup is
// always kept.
type Retention struct {
	Keep   int
	MaxAge time.Duration
}

// Prune deletes the backups r does not keep and returns their names.
func Prune(ctx context.Context, t Target, r Retention, now time.Time) ([]string, error) {
	if r.Keep <= 0 && r.MaxAge <= 0 {
		return nil, nil
	}
	objs, err := t.List(ctx)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for i, o := range objs {
		newer := len(objs) - 1 - i // backups newer than o
		if newer == 0 {
			break
		}
		tooMany := r.Keep > 0 && newer >= r.Keep
		tooOld := r.MaxAge > 0 && now.Sub(o.Time) > r.MaxAge
		if !tooMany && !tooOld {
			continue
		}
		if err := t.Delete(ctx, o.Name); err != nil {
			return deleted, fmt.Errorf("prune %s: %w", o.Name, err)
		}
		deleted = append(deleted, o.Name)
	}
	return deleted, nil
}
