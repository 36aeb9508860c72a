package secrets

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lpops/lpops/internal/secretref"
)

// Ref is a parsed reference; see package secretref.
type Ref = secretref.Ref

// Schemes a reference may start with.
const (
	SchemeVault = secretref.SchemeVault
	SchemeSSM   = secretref.SchemeSSM
	SchemeSops  = secretref.SchemeSops
)

// ErrNotReference is secretref.ErrNotReference.
var ErrNotReference = secretref.ErrNotReference

// ParseRef parses a reference: secretref.Parse.
func ParseRef(s string) (Ref, error) { return secretref.Parse(s) }

// DefaultTimeout bounds one fetch (an AppRole login included) when
// Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Store is one secret store. Fetch returns the value ref names, ref's
// scheme being the store's. Its errors name the store and what went wrong,
// never the value; Resolver adds the reference.
type Store interface {
	Fetch(ctx context.Context, ref Ref) ([]byte, error)
}

var (
	_ Store = (*Vault)(nil)
	_ Store = (*SSM)(nil)
	_ Store = (*Sops)(nil)
)

// ErrNotConfigured is returned for a reference to a store that needs
// settings the configuration does not give (Vault's address and auth).
var ErrNotConfigured = errors.New("store not configured")

// Options configures every store. A store is built from its options only
// when a reference first needs it.
type Options struct {
	// Timeout bounds one fetch; 0 means DefaultTimeout.
	Timeout time.Duration
	// Vault is nil when the configuration sets no Vault: vault: references
	// then fail with ErrNotConfigured.
	Vault *VaultOptions
	SSM   SSMOptions
	Sops  SopsOptions
}

// Resolver resolves references against the stores Options describes. It is
// safe for concurrent use.
type Resolver struct {
	opts Options

	mu     sync.Mutex
	stores map[string]Store
}

// NewResolver returns a Resolver for opts. It builds no store yet.
func NewResolver(opts Options) *Resolver {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Resolver{opts: opts, stores: map[string]Store{}}
}

// Resolve parses ref and fetches its value under the resolver's timeout.
// An error starts with the reference: "vault:secret/lpops#passphrase: ...".
func (r *Resolver) Resolve(ctx context.Context, ref string) ([]byte, error) {
	p, err := ParseRef(ref)
	if err != nil {
		return nil, err
	}
	return r.ResolveRef(ctx, p)
}

// ResolveRef fetches the value of a parsed reference, as Resolve does.
func (r *Resolver) ResolveRef(ctx context.Context, ref Ref) ([]byte, error) {
	s, err := r.store(ref.Scheme)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	v, err := s.Fetch(ctx, ref)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (no answer within %s)", err, r.opts.Timeout)
		}
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return v, nil
}

// store returns the backend for scheme, building it on first use.
func (r *Resolver) store(scheme string) (Store, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.stores[scheme]; ok {
		return s, nil
	}
	var s Store
	var err error
	switch scheme {
	case SchemeVault:
		if r.opts.Vault == nil {
			return nil, fmt.Errorf("vault: %w: set secrets.vault.address and its auth", ErrNotConfigured)
		}
		s, err = NewVault(*r.opts.Vault)
	case SchemeSSM:
		s, err = NewSSM(r.opts.SSM)
	case SchemeSops:
		s, err = NewSops(r.opts.Sops)
	default:
		return nil, fmt.Errorf("unknown scheme %q", scheme)
	}
	if err != nil {
		return nil, err
	}
	r.stores[scheme] = s
	return s, nil
}
