package signer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/external"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// ClefOptions configures OpenClef.
type ClefOptions struct {
	// Endpoint is clef's IPC socket path or http(s) URL.
	Endpoint string
	// Address is the account clef signs with.
	Address common.Address
	// Timeout bounds connecting and each signing request.
	Timeout time.Duration
	ChainID *big.Int
	// ReadOnly names the account without contacting clef.
	ReadOnly bool
}

// Clef asks go-ethereum's external signer clef to sign. clef decides by its
// rule file; a refusal comes back as an error and nothing is sent.
type Clef struct {
	ext     *external.ExternalSigner // nil when read-only
	account accounts.Account
	chainID *big.Int
	signer  types.Signer
	timeout time.Duration
}

var _ Backend = (*Clef)(nil)

// ErrClefTimeout is returned when clef does not answer within the timeout
// (a rule file asking for manual approval, or clef down).
var ErrClefTimeout = errors.New("clef did not answer in time")

// OpenClef connects to clef and checks it answers (account_version).
func OpenClef(ctx context.Context, o ClefOptions) (*Clef, error) {
	if o.Endpoint == "" {
		return nil, errors.New("signer.clef.endpoint is not set")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	c := &Clef{account: accounts.Account{Address: o.Address}, chainID: o.ChainID,
		signer: types.LatestSignerForChainID(o.ChainID), timeout: o.Timeout}
	if o.ReadOnly {
		return c, nil
	}
	ext, err := bounded(ctx, o.Timeout, func() (*external.ExternalSigner, error) { return external.NewExternalSigner(o.Endpoint) })
	if err != nil {
		return nil, fmt.Errorf("clef %s: %w", o.Endpoint, err)
	}
	c.ext = ext
	return c, nil
}

// bounded runs f (go-ethereum's external signer takes no context) and
// gives up after d or when ctx ends. f's goroutine finishes when clef
// answers or its connection closes.
func bounded[T any](ctx context.Context, d time.Duration, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	var zero T
	select {
	case r := <-ch:
		return r.v, r.err
	case <-t.C:
		return zero, fmt.Errorf("%w (%s)", ErrClefTimeout, d)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Address is the account clef signs with.
func (c *Clef) Address() common.Address { return c.account.Address }

// CanSign is false when opened read-only.
func (c *Clef) CanSign() bool { return c.ext != nil }

// Close does nothing: go-ethereum's external signer keeps its connection
// for the process's life and offers no way to close it.
func (c *Clef) Close() error { return nil }

// Sign sends tx to clef (account_signTransaction) and checks that what comes
// back is tx, unchanged, signed by the configured account.
func (c *Clef) Sign(tx *types.Transaction) (*types.Transaction, error) {
	if c.ext == nil {
		return nil, ErrReadOnly
	}
	signed, err := bounded(context.Background(), c.timeout, func() (*types.Transaction, error) {
		return c.ext.SignTx(c.account, tx, c.chainID)
	})
	if err != nil {
		return nil, fmt.Errorf("clef: sign: %w", err)
	}
	if signed == nil {
		return nil, errors.New("clef: sign: no transaction in the answer")
	}
	if c.signer.Hash(signed) != c.signer.Hash(tx) {
		return nil, errors.New("clef: sign: the signed transaction differs from the one sent to clef")
	}
	from, err := types.Sender(c.signer, signed)
	if err != nil {
		return nil, fmt.Errorf("clef: sign: %w", err)
	}
	if from != c.account.Address {
		return nil, fmt.Errorf("clef: sign: signed by %s, not %s", from, c.account.Address)
	}
	return signed, nil
}
