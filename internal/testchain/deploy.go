package testchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/lpops/lpops/internal/testchain/bindings"
)

// Backend is what deploying and driving the contracts needs. *ethclient.Client and the
// client of a go-ethereum simulated.Backend both satisfy it.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
}

var _ Backend = (*ethclient.Client)(nil)

// Names under which Deploy registers the contracts in the Controller, as on the real
// network. The Controller key of a name is ContractID(name).
const (
	NameLivepeerToken  = "LivepeerToken"
	NameMinter         = "Minter"
	NameRoundsManager  = "RoundsManager"
	NameBondingManager = "BondingManager"
	NameTicketBroker   = "TicketBroker"
	// NameVerifier is the role allowed to slash; Deploy gives it to the deployer.
	NameVerifier = "Verifier"
)

// ContractID is the Controller registry key of a contract name: keccak256(name).
func ContractID(name string) common.Hash {
	return crypto.Keccak256Hash([]byte(name))
}

// Defaults that Deploy applies to zero Params fields.
const (
	DefaultRoundLength     = 50
	DefaultNumActive       = 10
	DefaultUnbondingPeriod = 7
)

// DefaultMintPerRound is the LPT minted per round when Params.MintPerRound is nil: 1000 LPT.
var DefaultMintPerRound = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))

// gitCommitHash is what Deploy records as every contract's commit in the Controller.
var gitCommitHash = [20]byte{'l', 'p', 'o', 'p', 's', '-', 't', 'e', 's', 't', 'c', 'h', 'a', 'i', 'n'}

// Params shapes a test deployment. Zero fields take the defaults above, except LIP118:
// false deploys a BondingManager that behaves like one from before LIP-118.
type Params struct {
	// RoundLength is the round length in blocks of RoundsManager.blockNum().
	RoundLength uint64
	// BlockNumOffset and BlockNumDivisor set the test clock:
	// blockNum() = BlockNumOffset + block.number / BlockNumDivisor (divisor 0 means 1).
	BlockNumOffset, BlockNumDivisor uint64
	// MintPerRound is the LPT (in wei) the Minter makes mintable each round.
	MintPerRound *big.Int
	// NumActive caps the active transcoder set.
	NumActive uint64
	// LIP118 enables setRewardCaller, rewardForTranscoder(WithHint) and transcoderToRewardCaller.
	LIP118 bool
	// RoundLockAmount is the share of a round, in millionths, at its end during which
	// transcoder() is refused (the real lock period). Zero disables the lock.
	RoundLockAmount uint64
	// UnbondingPeriod is the number of rounds unbonded stake stays locked.
	UnbondingPeriod uint64
}

func (p Params) withDefaults() Params {
	if p.RoundLength == 0 {
		p.RoundLength = DefaultRoundLength
	}
	if p.BlockNumDivisor == 0 {
		p.BlockNumDivisor = 1
	}
	if p.MintPerRound == nil {
		p.MintPerRound = new(big.Int).Set(DefaultMintPerRound)
	}
	if p.NumActive == 0 {
		p.NumActive = DefaultNumActive
	}
	if p.UnbondingPeriod == 0 {
		p.UnbondingPeriod = DefaultUnbondingPeriod
	}
	return p
}

// Contracts holds the bound contract handles of a deployment.
type Contracts struct {
	Controller     *bindings.Controller
	Token          *bindings.LivepeerToken
	Minter         *bindings.Minter
	RoundsManager  *bindings.RoundsManager
	BondingManager *bindings.BondingManager
	TicketBroker   *bindings.TicketBroker
}

// Deployment is a set of deployed test contracts on one chain.
type Deployment struct {
	Controller, Token, Minter, RoundsManager, BondingManager, TicketBroker common.Address

	// Contracts are bound to the backend the Deployment was made with.
	Contracts Contracts

	// PollInterval is how often Wait asks for a receipt; zero means DefaultPollInterval.
	PollInterval time.Duration

	backend Backend
	chainID *big.Int
}

// Deploy deploys all contracts from deployer, registers them in the Controller under their
// real names, makes the deployer the Verifier (the slashing role), applies p and unpauses
// the Controller. It sends the deployments, then the configuration, as two batches and
// waits for each, so the chain must be mining.
func Deploy(ctx context.Context, b Backend, deployer *ecdsa.PrivateKey, p Params) (*Deployment, error) {
	p = p.withDefaults()
	chainID, err := b.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("deploy: chain id: %w", err)
	}
	d := &Deployment{backend: b, chainID: chainID}
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	nonce, err := b.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("deploy: nonce of %s: %w", from, err)
	}
	// Each transaction of a batch gets the next nonce, so a batch goes out without waiting.
	next := func() (*bind.TransactOpts, error) {
		opts, err := d.TransactOpts(ctx, deployer)
		if err != nil {
			return nil, err
		}
		opts.Nonce = new(big.Int).SetUint64(nonce)
		nonce++
		return opts, nil
	}
	batch := newBatch(d)

	// Batch 1: the contracts. Addresses follow from the nonces, so no deployment waits for another.
	opts, err := next()
	if err != nil {
		return nil, err
	}
	addr, tx, controller, err := bindings.DeployController(opts, b)
	if err := batch.add("deploy Controller", tx, err); err != nil {
		return nil, err
	}
	d.Controller, d.Contracts.Controller = addr, controller

	if opts, err = next(); err != nil {
		return nil, err
	}
	addr, tx, token, err := bindings.DeployLivepeerToken(opts, b, d.Controller)
	if err := batch.add("deploy LivepeerToken", tx, err); err != nil {
		return nil, err
	}
	d.Token, d.Contracts.Token = addr, token

	if opts, err = next(); err != nil {
		return nil, err
	}
	addr, tx, mint, err := bindings.DeployMinter(opts, b, d.Controller, p.MintPerRound)
	if err := batch.add("deploy Minter", tx, err); err != nil {
		return nil, err
	}
	d.Minter, d.Contracts.Minter = addr, mint

	if opts, err = next(); err != nil {
		return nil, err
	}
	addr, tx, rounds, err := bindings.DeployRoundsManager(opts, b, d.Controller,
		new(big.Int).SetUint64(p.RoundLength), new(big.Int).SetUint64(p.BlockNumOffset), new(big.Int).SetUint64(p.BlockNumDivisor))
	if err := batch.add("deploy RoundsManager", tx, err); err != nil {
		return nil, err
	}
	d.RoundsManager, d.Contracts.RoundsManager = addr, rounds

	if opts, err = next(); err != nil {
		return nil, err
	}
	addr, tx, bonding, err := bindings.DeployBondingManager(opts, b, d.Controller)
	if err := batch.add("deploy BondingManager", tx, err); err != nil {
		return nil, err
	}
	d.BondingManager, d.Contracts.BondingManager = addr, bonding

	if opts, err = next(); err != nil {
		return nil, err
	}
	addr, tx, broker, err := bindings.DeployTicketBroker(opts, b, d.Controller)
	if err := batch.add("deploy TicketBroker", tx, err); err != nil {
		return nil, err
	}
	d.TicketBroker, d.Contracts.TicketBroker = addr, broker

	if err := batch.wait(ctx); err != nil {
		return nil, err
	}

	// Batch 2: registry and parameters. None of these depends on another.
	registry := []struct {
		name string
		addr common.Address
	}{
		{NameLivepeerToken, d.Token},
		{NameMinter, d.Minter},
		{NameRoundsManager, d.RoundsManager},
		{NameBondingManager, d.BondingManager},
		{NameTicketBroker, d.TicketBroker},
		{NameVerifier, from},
	}
	for _, r := range registry {
		if opts, err = next(); err != nil {
			return nil, err
		}
		tx, err := d.Contracts.Controller.SetContractInfo(opts, ContractID(r.name), r.addr, gitCommitHash)
		if err := batch.add("setContractInfo "+r.name, tx, err); err != nil {
			return nil, err
		}
	}
	config := []struct {
		method string
		skip   bool
		send   func(*bind.TransactOpts) (*types.Transaction, error)
	}{
		{"setUnbondingPeriod", false, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.BondingManager.SetUnbondingPeriod(o, p.UnbondingPeriod)
		}},
		{"setNumActiveTranscoders", false, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.BondingManager.SetNumActiveTranscoders(o, new(big.Int).SetUint64(p.NumActive))
		}},
		{"setLIP118Enabled", p.LIP118, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.BondingManager.SetLIP118Enabled(o, false)
		}},
		{"setRoundLockAmount", p.RoundLockAmount == 0, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.Contracts.RoundsManager.SetRoundLockAmount(o, new(big.Int).SetUint64(p.RoundLockAmount))
		}},
		{"unpause", false, d.Contracts.Controller.Unpause},
	}
	for _, c := range config {
		if c.skip {
			continue
		}
		if opts, err = next(); err != nil {
			return nil, err
		}
		tx, err := c.send(opts)
		if err := batch.add(c.method, tx, err); err != nil {
			return nil, err
		}
	}
	if err := batch.wait(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// Attach binds to contracts deployed earlier, resolving each through the Controller at
// controller as lpops does on a real network.
func Attach(ctx context.Context, b Backend, controller common.Address) (*Deployment, error) {
	chainID, err := b.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("attach: chain id: %w", err)
	}
	d := &Deployment{backend: b, chainID: chainID, Controller: controller}
	if d.Contracts.Controller, err = bindings.NewController(controller, b); err != nil {
		return nil, fmt.Errorf("attach: bind Controller: %w", err)
	}
	opts := &bind.CallOpts{Context: ctx}
	resolve := func(name string) (common.Address, error) {
		addr, err := d.Contracts.Controller.GetContract(opts, ContractID(name))
		if err != nil {
			return common.Address{}, fmt.Errorf("attach: resolve %s: %w", name, err)
		}
		if addr == (common.Address{}) {
			return common.Address{}, fmt.Errorf("attach: %s is not registered in controller %s", name, controller)
		}
		return addr, nil
	}
	if d.Token, err = resolve(NameLivepeerToken); err != nil {
		return nil, err
	}
	if d.Minter, err = resolve(NameMinter); err != nil {
		return nil, err
	}
	if d.RoundsManager, err = resolve(NameRoundsManager); err != nil {
		return nil, err
	}
	if d.BondingManager, err = resolve(NameBondingManager); err != nil {
		return nil, err
	}
	if d.TicketBroker, err = resolve(NameTicketBroker); err != nil {
		return nil, err
	}
	if err := d.bindAll(); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return d, nil
}

// bindAll binds the handles of every contract but the Controller to their addresses.
func (d *Deployment) bindAll() error {
	var errs []error
	var err error
	d.Contracts.Token, err = bindings.NewLivepeerToken(d.Token, d.backend)
	errs = append(errs, err)
	d.Contracts.Minter, err = bindings.NewMinter(d.Minter, d.backend)
	errs = append(errs, err)
	d.Contracts.RoundsManager, err = bindings.NewRoundsManager(d.RoundsManager, d.backend)
	errs = append(errs, err)
	d.Contracts.BondingManager, err = bindings.NewBondingManager(d.BondingManager, d.backend)
	errs = append(errs, err)
	d.Contracts.TicketBroker, err = bindings.NewTicketBroker(d.TicketBroker, d.backend)
	errs = append(errs, err)
	return errors.Join(errs...)
}

// Backend returns the backend the deployment sends through.
func (d *Deployment) Backend() Backend { return d.backend }

// ChainID returns the chain id the deployment signs for.
func (d *Deployment) ChainID() *big.Int { return new(big.Int).Set(d.chainID) }

// batch collects transactions sent back to back and waits for all of them.
type batch struct {
	d       *Deployment
	methods []string
	txs     []*types.Transaction
}

func newBatch(d *Deployment) *batch { return &batch{d: d} }

// add records tx, or turns the send error err into the returned error.
func (b *batch) add(method string, tx *types.Transaction, err error) error {
	if err != nil {
		return fmt.Errorf("deploy: %w", asRevert(method, err))
	}
	b.methods = append(b.methods, method)
	b.txs = append(b.txs, tx)
	return nil
}

// wait waits for every recorded transaction and fails on the first that reverted.
func (b *batch) wait(ctx context.Context) error {
	for i, tx := range b.txs {
		if _, err := b.d.wait(ctx, b.methods[i], tx); err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
	}
	b.methods, b.txs = nil, nil
	return nil
}
