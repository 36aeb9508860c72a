// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// TicketBrokerReserveInfo is an auto generated low-level Go binding around an user-defined struct.
type TicketBrokerReserveInfo struct {
	FundsRemaining        *big.Int
	ClaimedInCurrentRound *big.Int
}

// TicketBrokerSender is an auto generated low-level Go binding around an user-defined struct.
type TicketBrokerSender struct {
	Deposit       *big.Int
	WithdrawRound *big.Int
}

// TicketBrokerMetaData contains all meta data concerning the TicketBroker contract.
var TicketBrokerMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"_controller\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"DepositFunded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"string\",\"name\":\"param\",\"type\":\"string\"}],\"name\":\"ParameterUpdate\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"reserveHolder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"claimant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"ReserveClaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"reserveHolder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"ReserveFunded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"controller\",\"type\":\"address\"}],\"name\":\"SetController\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"recipient\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"faceValue\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"winProb\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"senderNonce\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"recipientRand\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"auxData\",\"type\":\"bytes\"}],\"name\":\"WinningTicketRedeemed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"recipient\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"WinningTicketTransfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"controller\",\"outputs\":[{\"internalType\":\"contractIController\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"fundDeposit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_depositAmount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_reserveAmount\",\"type\":\"uint256\"}],\"name\":\"fundDepositAndReserve\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"fundReserve\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"_reserveHolder\",\"type\":\"address\"}],\"name\":\"getReserveInfo\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"fundsRemaining\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimedInCurrentRound\",\"type\":\"uint256\"}],\"internalType\":\"structTicketBroker.ReserveInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"_sender\",\"type\":\"address\"}],\"name\":\"getSenderInfo\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"withdrawRound\",\"type\":\"uint256\"}],\"internalType\":\"structTicketBroker.Sender\",\"name\":\"sender\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"fundsRemaining\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"claimedInCurrentRound\",\"type\":\"uint256\"}],\"internalType\":\"structTicketBroker.ReserveInfo\",\"name\":\"reserve\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"_sender\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"_recipient\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"_faceValue\",\"type\":\"uint256\"}],\"name\":\"redeemWinningTicketForTest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600f57600080fd5b50604051610fe5380380610fe5833981016040819052602c916050565b600080546001600160a01b0319166001600160a01b0392909216919091179055607e565b600060208284031215606157600080fd5b81516001600160a01b0381168114607757600080fd5b9392505050565b610f588061008d6000396000f3fe6080604052600436106100705760003560e01c80636f9c3c8f1161004e5780636f9c3c8f146100c8578063904490d3146100d0578063e1a589da146100f0578063f77c47911461011e57600080fd5b8063511f4073146100755780635b6333eb1461008a5780636caa736b146100c0575b600080fd5b610088610083366004610d96565b610156565b005b34801561009657600080fd5b506100aa6100a5366004610dd0565b61032f565b6040516100b79190610df4565b60405180910390f35b61008861040b565b6100886104f9565b3480156100dc57600080fd5b506100886100eb366004610e0d565b6105e1565b3480156100fc57600080fd5b5061011061010b366004610dd0565b610bff565b6040516100b7929190610e4e565b34801561012a57600080fd5b5060005461013e906001600160a01b031681565b6040516001600160a01b0390911681526020016100b7565b60008054906101000a90046001600160a01b03166001600160a01b0316635c975abb6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156101a7573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906101cb9190610e74565b156101f15760405162461bcd60e51b81526004016101e890610e96565b60405180910390fd5b6101fb8183610ed6565b34146102795760405162461bcd60e51b815260206004820152604160248201527f6d73672e76616c756520646f6573206e6f7420657175616c2073756d206f662060448201527f6465706f73697420616d6f756e7420616e64207265736572766520616d6f756e6064820152601d60fa1b608482015260a4016101e8565b3360009081526001602052604081208054849290610298908490610ed6565b909155505033600090815260026020526040812080548392906102bc908490610ed6565b909155505060405182815233907f5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f9060200160405180910390a260405181815233907fb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c8509060200160405180910390a25050565b60408051808201909152600080825260208201526001600160a01b0382166000908152600260205260409020548152610366610c61565b6001600160a01b0316638a19c8bc6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156103a3573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906103c79190610ee9565b6001600160a01b03831660009081526003602052604090205403610406576001600160a01b038216600090815260046020908152604090912054908201525b919050565b60008054906101000a90046001600160a01b03166001600160a01b0316635c975abb6040518163ffffffff1660e01b8152600401602060405180830381865afa15801561045c573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906104809190610e74565b1561049d5760405162461bcd60e51b81526004016101e890610e96565b33600090815260016020526040812080543492906104bc908490610ed6565b909155505060405134815233907f5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f906020015b60405180910390a2565b60008054906101000a90046001600160a01b03166001600160a01b0316635c975abb6040518163ffffffff1660e01b8152600401602060405180830381865afa15801561054a573d6000803e3d6000fd5b505050506040513d601f19601f8201168201806040525081019061056e9190610e74565b1561058b5760405162461bcd60e51b81526004016101e890610e96565b33600090815260026020526040812080543492906105aa908490610ed6565b909155505060405134815233907fb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850906020016104ef565b60008054906101000a90046001600160a01b03166001600160a01b0316635c975abb6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610632573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906106569190610e74565b156106735760405162461bcd60e51b81526004016101e890610e96565b6001600160a01b0382166106c95760405162461bcd60e51b815260206004820181905260248201527f7469636b657420726563697069656e74206973206e756c6c206164647265737360448201526064016101e8565b6106d1610c61565b6001600160a01b031663219bc76c6040518163ffffffff1660e01b8152600401602060405180830381865afa15801561070e573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906107329190610e74565b61077e5760405162461bcd60e51b815260206004820181905260248201527f63757272656e7420726f756e64206973206e6f7420696e697469616c697a656460448201526064016101e8565b6001600160a01b038316600090815260016020908152604080832060029092529091205481541515806107b15750600081115b6108095760405162461bcd60e51b815260206004820152602360248201527f73656e646572206465706f73697420616e64207265736572766520617265207a60448201526265726f60e81b60648201526084016101e8565b815460009084111561099d5782546000906108249086610f02565b9050828111156108315750815b835461083e908290610ed6565b6000855591508015610997576108548184610f02565b6001600160a01b038816600090815260026020526040812091909155610878610c61565b6001600160a01b0316638a19c8bc6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156108b5573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906108d99190610ee9565b6001600160a01b0389166000908152600360205260409020549091508114610922576001600160a01b038816600090815260036020908152604080832084905560049091528120555b6001600160a01b0388166000908152600460205260408120805484929061094a908490610ed6565b9091555050604080516001600160a01b038981168252602082018590528a16917f5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98910160405180910390a2505b506109ba565b839050838360000160008282546109b49190610f02565b90915550505b8015610b62576109c8610cf4565b6001600160a01b0316633aeb512c86836109e0610c61565b6001600160a01b0316638a19c8bc6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610a1d573d6000803e3d6000fd5b505050506040513d601f19601f82011682018060405250810190610a419190610ee9565b6040516001600160e01b031960e086901b1681526001600160a01b03909316600484015260248301919091526044820152606401600060405180830381600087803b158015610a8f57600080fd5b505af1158015610aa3573d6000803e3d6000fd5b50505050610aaf610d45565b6001600160a01b031663f6326fb3826040518263ffffffff1660e01b815260040160206040518083038185885af1158015610aee573d6000803e3d6000fd5b50505050506040513d601f19601f82011682018060405250810190610b139190610e74565b50846001600160a01b0316866001600160a01b03167f8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c83604051610b5991815260200190565b60405180910390a35b6001600160a01b038616600090815260056020526040812080548290610b8790610f15565b918290555060408051878152600019602082015290810182905260006060820181905260a0608083018190528201529091506001600160a01b0380881691908916907fc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee79060c00160405180910390a350505050505050565b60408051808201825260008082526020918201819052825180840184528181528083018290526001600160a01b03851682526001808452918490208451808601909552805485529091015491830191909152610c5a8361032f565b9050915091565b60008054604051631c2d8fb360e31b81527fe8438ea868df48e3fc21f2f087b993c9b1837dc0f6135064161ce7d7a1701fe860048201526001600160a01b039091169063e16c7d98906024015b602060405180830381865afa158015610ccb573d6000803e3d6000fd5b505050506040513d601f19601f82011682018060405250810190610cef9190610f2e565b905090565b60008054604051631c2d8fb360e31b81527f2517d59a36a86548e38734e8ab416f42afff4bca78706a66ad65750dae7f9e3760048201526001600160a01b039091169063e16c7d9890602401610cae565b60008054604051631c2d8fb360e31b81527f6e58ad548d72b425ea94c15f453bf26caddb061d82b2551db7fdd3cefe0e994060048201526001600160a01b039091169063e16c7d9890602401610cae565b60008060408385031215610da957600080fd5b50508035926020909101359150565b6001600160a01b0381168114610dcd57600080fd5b50565b600060208284031215610de257600080fd5b8135610ded81610db8565b9392505050565b8151815260208083015190820152604081015b92915050565b600080600060608486031215610e2257600080fd5b8335610e2d81610db8565b92506020840135610e3d81610db8565b929592945050506040919091013590565b825181526020808401518183015282516040830152820151606082015260808101610ded565b600060208284031215610e8657600080fd5b81518015158114610ded57600080fd5b60208082526010908201526f1cde5cdd195b481a5cc81c185d5cd95960821b604082015260600190565b634e487b7160e01b600052601160045260246000fd5b80820180821115610e0757610e07610ec0565b600060208284031215610efb57600080fd5b5051919050565b81810381811115610e0757610e07610ec0565b600060018201610f2757610f27610ec0565b5060010190565b600060208284031215610f4057600080fd5b8151610ded81610db856fea164736f6c634300081c000a",
}

// TicketBrokerABI is the input ABI used to generate the binding from.
// Deprecated: Use TicketBrokerMetaData.ABI instead.
var TicketBrokerABI = TicketBrokerMetaData.ABI

// TicketBrokerBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TicketBrokerMetaData.Bin instead.
var TicketBrokerBin = TicketBrokerMetaData.Bin

// DeployTicketBroker deploys a new Ethereum contract, binding an instance of TicketBroker to it.
func DeployTicketBroker(auth *bind.TransactOpts, backend bind.ContractBackend, _controller common.Address) (common.Address, *types.Transaction, *TicketBroker, error) {
	parsed, err := TicketBrokerMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TicketBrokerBin), backend, _controller)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TicketBroker{TicketBrokerCaller: TicketBrokerCaller{contract: contract}, TicketBrokerTransactor: TicketBrokerTransactor{contract: contract}, TicketBrokerFilterer: TicketBrokerFilterer{contract: contract}}, nil
}

// TicketBroker is an auto generated Go binding around an Ethereum contract.
type TicketBroker struct {
	TicketBrokerCaller     // Read-only binding to the contract
	TicketBrokerTransactor // Write-only binding to the contract
	TicketBrokerFilterer   // Log filterer for contract events
}

// TicketBrokerCaller is an auto generated read-only Go binding around an Ethereum contract.
type TicketBrokerCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TicketBrokerTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TicketBrokerFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TicketBrokerSession struct {
	Contract     *TicketBroker     // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TicketBrokerCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TicketBrokerCallerSession struct {
	Contract *TicketBrokerCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts       // Call options to use throughout this session
}

// TicketBrokerTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TicketBrokerTransactorSession struct {
	Contract     *TicketBrokerTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts       // Transaction auth options to use throughout this session
}

// TicketBrokerRaw is an auto generated low-level Go binding around an Ethereum contract.
type TicketBrokerRaw struct {
	Contract *TicketBroker // Generic contract binding to access the raw methods on
}

// TicketBrokerCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TicketBrokerCallerRaw struct {
	Contract *TicketBrokerCaller // Generic read-only contract binding to access the raw methods on
}

// TicketBrokerTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TicketBrokerTransactorRaw struct {
	Contract *TicketBrokerTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTicketBroker creates a new instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBroker(address common.Address, backend bind.ContractBackend) (*TicketBroker, error) {
	contract, err := bindTicketBroker(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TicketBroker{TicketBrokerCaller: TicketBrokerCaller{contract: contract}, TicketBrokerTransactor: TicketBrokerTransactor{contract: contract}, TicketBrokerFilterer: TicketBrokerFilterer{contract: contract}}, nil
}

// NewTicketBrokerCaller creates a new read-only instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerCaller(address common.Address, caller bind.ContractCaller) (*TicketBrokerCaller, error) {
	contract, err := bindTicketBroker(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerCaller{contract: contract}, nil
}

// NewTicketBrokerTransactor creates a new write-only instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerTransactor(address common.Address, transactor bind.ContractTransactor) (*TicketBrokerTransactor, error) {
	contract, err := bindTicketBroker(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerTransactor{contract: contract}, nil
}

// NewTicketBrokerFilterer creates a new log filterer instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerFilterer(address common.Address, filterer bind.ContractFilterer) (*TicketBrokerFilterer, error) {
	contract, err := bindTicketBroker(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerFilterer{contract: contract}, nil
}

// bindTicketBroker binds a generic wrapper to an already deployed contract.
func bindTicketBroker(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TicketBrokerMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TicketBroker *TicketBrokerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TicketBroker.Contract.TicketBrokerCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TicketBroker *TicketBrokerRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.Contract.TicketBrokerTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TicketBroker *TicketBrokerRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TicketBroker.Contract.TicketBrokerTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TicketBroker *TicketBrokerCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TicketBroker.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TicketBroker *TicketBrokerTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TicketBroker *TicketBrokerTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TicketBroker.Contract.contract.Transact(opts, method, params...)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_TicketBroker *TicketBrokerCaller) Controller(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TicketBroker.contract.Call(opts, &out, "controller")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_TicketBroker *TicketBrokerSession) Controller() (common.Address, error) {
	return _TicketBroker.Contract.Controller(&_TicketBroker.CallOpts)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_TicketBroker *TicketBrokerCallerSession) Controller() (common.Address, error) {
	return _TicketBroker.Contract.Controller(&_TicketBroker.CallOpts)
}

// GetReserveInfo is a free data retrieval call binding the contract method 0x5b6333eb.
//
// Solidity: function getReserveInfo(address _reserveHolder) view returns((uint256,uint256) info)
func (_TicketBroker *TicketBrokerCaller) GetReserveInfo(opts *bind.CallOpts, _reserveHolder common.Address) (TicketBrokerReserveInfo, error) {
	var out []interface{}
	err := _TicketBroker.contract.Call(opts, &out, "getReserveInfo", _reserveHolder)

	if err != nil {
		return *new(TicketBrokerReserveInfo), err
	}

	out0 := *abi.ConvertType(out[0], new(TicketBrokerReserveInfo)).(*TicketBrokerReserveInfo)

	return out0, err

}

// GetReserveInfo is a free data retrieval call binding the contract method 0x5b6333eb.
//
// Solidity: function getReserveInfo(address _reserveHolder) view returns((uint256,uint256) info)
func (_TicketBroker *TicketBrokerSession) GetReserveInfo(_reserveHolder common.Address) (TicketBrokerReserveInfo, error) {
	return _TicketBroker.Contract.GetReserveInfo(&_TicketBroker.CallOpts, _reserveHolder)
}

// GetReserveInfo is a free data retrieval call binding the contract method 0x5b6333eb.
//
// Solidity: function getReserveInfo(address _reserveHolder) view returns((uint256,uint256) info)
func (_TicketBroker *TicketBrokerCallerSession) GetReserveInfo(_reserveHolder common.Address) (TicketBrokerReserveInfo, error) {
	return _TicketBroker.Contract.GetReserveInfo(&_TicketBroker.CallOpts, _reserveHolder)
}

// GetSenderInfo is a free data retrieval call binding the contract method 0xe1a589da.
//
// Solidity: function getSenderInfo(address _sender) view returns((uint256,uint256) sender, (uint256,uint256) reserve)
func (_TicketBroker *TicketBrokerCaller) GetSenderInfo(opts *bind.CallOpts, _sender common.Address) (struct {
	Sender  TicketBrokerSender
	Reserve TicketBrokerReserveInfo
}, error) {
	var out []interface{}
	err := _TicketBroker.contract.Call(opts, &out, "getSenderInfo", _sender)

	outstruct := new(struct {
		Sender  TicketBrokerSender
		Reserve TicketBrokerReserveInfo
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.Sender = *abi.ConvertType(out[0], new(TicketBrokerSender)).(*TicketBrokerSender)
	outstruct.Reserve = *abi.ConvertType(out[1], new(TicketBrokerReserveInfo)).(*TicketBrokerReserveInfo)

	return *outstruct, err

}

// GetSenderInfo is a free data retrieval call binding the contract method 0xe1a589da.
//
// Solidity: function getSenderInfo(address _sender) view returns((uint256,uint256) sender, (uint256,uint256) reserve)
func (_TicketBroker *TicketBrokerSession) GetSenderInfo(_sender common.Address) (struct {
	Sender  TicketBrokerSender
	Reserve TicketBrokerReserveInfo
}, error) {
	return _TicketBroker.Contract.GetSenderInfo(&_TicketBroker.CallOpts, _sender)
}

// GetSenderInfo is a free data retrieval call binding the contract method 0xe1a589da.
//
// Solidity: function getSenderInfo(address _sender) view returns((uint256,uint256) sender, (uint256,uint256) reserve)
func (_TicketBroker *TicketBrokerCallerSession) GetSenderInfo(_sender common.Address) (struct {
	Sender  TicketBrokerSender
	Reserve TicketBrokerReserveInfo
}, error) {
	return _TicketBroker.Contract.GetSenderInfo(&_TicketBroker.CallOpts, _sender)
}

// FundDeposit is a paid mutator transaction binding the contract method 0x6caa736b.
//
// Solidity: function fundDeposit() payable returns()
func (_TicketBroker *TicketBrokerTransactor) FundDeposit(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.contract.Transact(opts, "fundDeposit")
}

// FundDeposit is a paid mutator transaction binding the contract method 0x6caa736b.
//
// Solidity: function fundDeposit() payable returns()
func (_TicketBroker *TicketBrokerSession) FundDeposit() (*types.Transaction, error) {
	return _TicketBroker.Contract.FundDeposit(&_TicketBroker.TransactOpts)
}

// FundDeposit is a paid mutator transaction binding the contract method 0x6caa736b.
//
// Solidity: function fundDeposit() payable returns()
func (_TicketBroker *TicketBrokerTransactorSession) FundDeposit() (*types.Transaction, error) {
	return _TicketBroker.Contract.FundDeposit(&_TicketBroker.TransactOpts)
}

// FundDepositAndReserve is a paid mutator transaction binding the contract method 0x511f4073.
//
// Solidity: function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount) payable returns()
func (_TicketBroker *TicketBrokerTransactor) FundDepositAndReserve(opts *bind.TransactOpts, _depositAmount *big.Int, _reserveAmount *big.Int) (*types.Transaction, error) {
	return _TicketBroker.contract.Transact(opts, "fundDepositAndReserve", _depositAmount, _reserveAmount)
}

// FundDepositAndReserve is a paid mutator transaction binding the contract method 0x511f4073.
//
// Solidity: function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount) payable returns()
func (_TicketBroker *TicketBrokerSession) FundDepositAndReserve(_depositAmount *big.Int, _reserveAmount *big.Int) (*types.Transaction, error) {
	return _TicketBroker.Contract.FundDepositAndReserve(&_TicketBroker.TransactOpts, _depositAmount, _reserveAmount)
}

// FundDepositAndReserve is a paid mutator transaction binding the contract method 0x511f4073.
//
// Solidity: function fundDepositAndReserve(uint256 _depositAmount, uint256 _reserveAmount) payable returns()
func (_TicketBroker *TicketBrokerTransactorSession) FundDepositAndReserve(_depositAmount *big.Int, _reserveAmount *big.Int) (*types.Transaction, error) {
	return _TicketBroker.Contract.FundDepositAndReserve(&_TicketBroker.TransactOpts, _depositAmount, _reserveAmount)
}

// FundReserve is a paid mutator transaction binding the contract method 0x6f9c3c8f.
//
// Solidity: function fundReserve() payable returns()
func (_TicketBroker *TicketBrokerTransactor) FundReserve(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.contract.Transact(opts, "fundReserve")
}

// FundReserve is a paid mutator transaction binding the contract method 0x6f9c3c8f.
//
// Solidity: function fundReserve() payable returns()
func (_TicketBroker *TicketBrokerSession) FundReserve() (*types.Transaction, error) {
	return _TicketBroker.Contract.FundReserve(&_TicketBroker.TransactOpts)
}

// FundReserve is a paid mutator transaction binding the contract method 0x6f9c3c8f.
//
// Solidity: function fundReserve() payable returns()
func (_TicketBroker *TicketBrokerTransactorSession) FundReserve() (*types.Transaction, error) {
	return _TicketBroker.Contract.FundReserve(&_TicketBroker.TransactOpts)
}

// RedeemWinningTicketForTest is a paid mutator transaction binding the contract method 0x904490d3.
//
// Solidity: function redeemWinningTicketForTest(address _sender, address _recipient, uint256 _faceValue) returns()
func (_TicketBroker *TicketBrokerTransactor) RedeemWinningTicketForTest(opts *bind.TransactOpts, _sender common.Address, _recipient common.Address, _faceValue *big.Int) (*types.Transaction, error) {
	return _TicketBroker.contract.Transact(opts, "redeemWinningTicketForTest", _sender, _recipient, _faceValue)
}

// RedeemWinningTicketForTest is a paid mutator transaction binding the contract method 0x904490d3.
//
// Solidity: function redeemWinningTicketForTest(address _sender, address _recipient, uint256 _faceValue) returns()
func (_TicketBroker *TicketBrokerSession) RedeemWinningTicketForTest(_sender common.Address, _recipient common.Address, _faceValue *big.Int) (*types.Transaction, error) {
	return _TicketBroker.Contract.RedeemWinningTicketForTest(&_TicketBroker.TransactOpts, _sender, _recipient, _faceValue)
}

// RedeemWinningTicketForTest is a paid mutator transaction binding the contract method 0x904490d3.
//
// Solidity: function redeemWinningTicketForTest(address _sender, address _recipient, uint256 _faceValue) returns()
func (_TicketBroker *TicketBrokerTransactorSession) RedeemWinningTicketForTest(_sender common.Address, _recipient common.Address, _faceValue *big.Int) (*types.Transaction, error) {
	return _TicketBroker.Contract.RedeemWinningTicketForTest(&_TicketBroker.TransactOpts, _sender, _recipient, _faceValue)
}

// TicketBrokerDepositFundedIterator is returned from FilterDepositFunded and is used to iterate over the raw logs and unpacked data for DepositFunded events raised by the TicketBroker contract.
type TicketBrokerDepositFundedIterator struct {
	Event *TicketBrokerDepositFunded // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerDepositFundedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerDepositFunded)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerDepositFunded)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerDepositFundedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerDepositFundedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerDepositFunded represents a DepositFunded event raised by the TicketBroker contract.
type TicketBrokerDepositFunded struct {
	Sender common.Address
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterDepositFunded is a free log retrieval operation binding the contract event 0x5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f.
//
// Solidity: event DepositFunded(address indexed sender, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) FilterDepositFunded(opts *bind.FilterOpts, sender []common.Address) (*TicketBrokerDepositFundedIterator, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "DepositFunded", senderRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerDepositFundedIterator{contract: _TicketBroker.contract, event: "DepositFunded", logs: logs, sub: sub}, nil
}

// WatchDepositFunded is a free log subscription operation binding the contract event 0x5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f.
//
// Solidity: event DepositFunded(address indexed sender, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) WatchDepositFunded(opts *bind.WatchOpts, sink chan<- *TicketBrokerDepositFunded, sender []common.Address) (event.Subscription, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "DepositFunded", senderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerDepositFunded)
				if err := _TicketBroker.contract.UnpackLog(event, "DepositFunded", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseDepositFunded is a log parse operation binding the contract event 0x5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f.
//
// Solidity: event DepositFunded(address indexed sender, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) ParseDepositFunded(log types.Log) (*TicketBrokerDepositFunded, error) {
	event := new(TicketBrokerDepositFunded)
	if err := _TicketBroker.contract.UnpackLog(event, "DepositFunded", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerParameterUpdateIterator is returned from FilterParameterUpdate and is used to iterate over the raw logs and unpacked data for ParameterUpdate events raised by the TicketBroker contract.
type TicketBrokerParameterUpdateIterator struct {
	Event *TicketBrokerParameterUpdate // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerParameterUpdateIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerParameterUpdate)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerParameterUpdate)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerParameterUpdateIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerParameterUpdateIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerParameterUpdate represents a ParameterUpdate event raised by the TicketBroker contract.
type TicketBrokerParameterUpdate struct {
	Param string
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterParameterUpdate is a free log retrieval operation binding the contract event 0x9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674.
//
// Solidity: event ParameterUpdate(string param)
func (_TicketBroker *TicketBrokerFilterer) FilterParameterUpdate(opts *bind.FilterOpts) (*TicketBrokerParameterUpdateIterator, error) {

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "ParameterUpdate")
	if err != nil {
		return nil, err
	}
	return &TicketBrokerParameterUpdateIterator{contract: _TicketBroker.contract, event: "ParameterUpdate", logs: logs, sub: sub}, nil
}

// WatchParameterUpdate is a free log subscription operation binding the contract event 0x9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674.
//
// Solidity: event ParameterUpdate(string param)
func (_TicketBroker *TicketBrokerFilterer) WatchParameterUpdate(opts *bind.WatchOpts, sink chan<- *TicketBrokerParameterUpdate) (event.Subscription, error) {

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "ParameterUpdate")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerParameterUpdate)
				if err := _TicketBroker.contract.UnpackLog(event, "ParameterUpdate", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseParameterUpdate is a log parse operation binding the contract event 0x9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674.
//
// Solidity: event ParameterUpdate(string param)
func (_TicketBroker *TicketBrokerFilterer) ParseParameterUpdate(log types.Log) (*TicketBrokerParameterUpdate, error) {
	event := new(TicketBrokerParameterUpdate)
	if err := _TicketBroker.contract.UnpackLog(event, "ParameterUpdate", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerReserveClaimedIterator is returned from FilterReserveClaimed and is used to iterate over the raw logs and unpacked data for ReserveClaimed events raised by the TicketBroker contract.
type TicketBrokerReserveClaimedIterator struct {
	Event *TicketBrokerReserveClaimed // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerReserveClaimedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerReserveClaimed)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerReserveClaimed)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerReserveClaimedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerReserveClaimedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerReserveClaimed represents a ReserveClaimed event raised by the TicketBroker contract.
type TicketBrokerReserveClaimed struct {
	ReserveHolder common.Address
	Claimant      common.Address
	Amount        *big.Int
	Raw           types.Log // Blockchain specific contextual infos
}

// FilterReserveClaimed is a free log retrieval operation binding the contract event 0x5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98.
//
// Solidity: event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) FilterReserveClaimed(opts *bind.FilterOpts, reserveHolder []common.Address) (*TicketBrokerReserveClaimedIterator, error) {

	var reserveHolderRule []interface{}
	for _, reserveHolderItem := range reserveHolder {
		reserveHolderRule = append(reserveHolderRule, reserveHolderItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "ReserveClaimed", reserveHolderRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerReserveClaimedIterator{contract: _TicketBroker.contract, event: "ReserveClaimed", logs: logs, sub: sub}, nil
}

// WatchReserveClaimed is a free log subscription operation binding the contract event 0x5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98.
//
// Solidity: event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) WatchReserveClaimed(opts *bind.WatchOpts, sink chan<- *TicketBrokerReserveClaimed, reserveHolder []common.Address) (event.Subscription, error) {

	var reserveHolderRule []interface{}
	for _, reserveHolderItem := range reserveHolder {
		reserveHolderRule = append(reserveHolderRule, reserveHolderItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "ReserveClaimed", reserveHolderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerReserveClaimed)
				if err := _TicketBroker.contract.UnpackLog(event, "ReserveClaimed", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseReserveClaimed is a log parse operation binding the contract event 0x5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98.
//
// Solidity: event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) ParseReserveClaimed(log types.Log) (*TicketBrokerReserveClaimed, error) {
	event := new(TicketBrokerReserveClaimed)
	if err := _TicketBroker.contract.UnpackLog(event, "ReserveClaimed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerReserveFundedIterator is returned from FilterReserveFunded and is used to iterate over the raw logs and unpacked data for ReserveFunded events raised by the TicketBroker contract.
type TicketBrokerReserveFundedIterator struct {
	Event *TicketBrokerReserveFunded // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerReserveFundedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerReserveFunded)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerReserveFunded)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerReserveFundedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerReserveFundedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerReserveFunded represents a ReserveFunded event raised by the TicketBroker contract.
type TicketBrokerReserveFunded struct {
	ReserveHolder common.Address
	Amount        *big.Int
	Raw           types.Log // Blockchain specific contextual infos
}

// FilterReserveFunded is a free log retrieval operation binding the contract event 0xb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850.
//
// Solidity: event ReserveFunded(address indexed reserveHolder, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) FilterReserveFunded(opts *bind.FilterOpts, reserveHolder []common.Address) (*TicketBrokerReserveFundedIterator, error) {

	var reserveHolderRule []interface{}
	for _, reserveHolderItem := range reserveHolder {
		reserveHolderRule = append(reserveHolderRule, reserveHolderItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "ReserveFunded", reserveHolderRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerReserveFundedIterator{contract: _TicketBroker.contract, event: "ReserveFunded", logs: logs, sub: sub}, nil
}

// WatchReserveFunded is a free log subscription operation binding the contract event 0xb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850.
//
// Solidity: event ReserveFunded(address indexed reserveHolder, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) WatchReserveFunded(opts *bind.WatchOpts, sink chan<- *TicketBrokerReserveFunded, reserveHolder []common.Address) (event.Subscription, error) {

	var reserveHolderRule []interface{}
	for _, reserveHolderItem := range reserveHolder {
		reserveHolderRule = append(reserveHolderRule, reserveHolderItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "ReserveFunded", reserveHolderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerReserveFunded)
				if err := _TicketBroker.contract.UnpackLog(event, "ReserveFunded", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseReserveFunded is a log parse operation binding the contract event 0xb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850.
//
// Solidity: event ReserveFunded(address indexed reserveHolder, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) ParseReserveFunded(log types.Log) (*TicketBrokerReserveFunded, error) {
	event := new(TicketBrokerReserveFunded)
	if err := _TicketBroker.contract.UnpackLog(event, "ReserveFunded", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerSetControllerIterator is returned from FilterSetController and is used to iterate over the raw logs and unpacked data for SetController events raised by the TicketBroker contract.
type TicketBrokerSetControllerIterator struct {
	Event *TicketBrokerSetController // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerSetControllerIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerSetController)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerSetController)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerSetControllerIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerSetControllerIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerSetController represents a SetController event raised by the TicketBroker contract.
type TicketBrokerSetController struct {
	Controller common.Address
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterSetController is a free log retrieval operation binding the contract event 0x4ff638452bbf33c012645d18ae6f05515ff5f2d1dfb0cece8cbf018c60903f70.
//
// Solidity: event SetController(address controller)
func (_TicketBroker *TicketBrokerFilterer) FilterSetController(opts *bind.FilterOpts) (*TicketBrokerSetControllerIterator, error) {

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "SetController")
	if err != nil {
		return nil, err
	}
	return &TicketBrokerSetControllerIterator{contract: _TicketBroker.contract, event: "SetController", logs: logs, sub: sub}, nil
}

// WatchSetController is a free log subscription operation binding the contract event 0x4ff638452bbf33c012645d18ae6f05515ff5f2d1dfb0cece8cbf018c60903f70.
//
// Solidity: event SetController(address controller)
func (_TicketBroker *TicketBrokerFilterer) WatchSetController(opts *bind.WatchOpts, sink chan<- *TicketBrokerSetController) (event.Subscription, error) {

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "SetController")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerSetController)
				if err := _TicketBroker.contract.UnpackLog(event, "SetController", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseSetController is a log parse operation binding the contract event 0x4ff638452bbf33c012645d18ae6f05515ff5f2d1dfb0cece8cbf018c60903f70.
//
// Solidity: event SetController(address controller)
func (_TicketBroker *TicketBrokerFilterer) ParseSetController(log types.Log) (*TicketBrokerSetController, error) {
	event := new(TicketBrokerSetController)
	if err := _TicketBroker.contract.UnpackLog(event, "SetController", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerWinningTicketRedeemedIterator is returned from FilterWinningTicketRedeemed and is used to iterate over the raw logs and unpacked data for WinningTicketRedeemed events raised by the TicketBroker contract.
type TicketBrokerWinningTicketRedeemedIterator struct {
	Event *TicketBrokerWinningTicketRedeemed // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerWinningTicketRedeemedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerWinningTicketRedeemed)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerWinningTicketRedeemed)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerWinningTicketRedeemedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerWinningTicketRedeemedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerWinningTicketRedeemed represents a WinningTicketRedeemed event raised by the TicketBroker contract.
type TicketBrokerWinningTicketRedeemed struct {
	Sender        common.Address
	Recipient     common.Address
	FaceValue     *big.Int
	WinProb       *big.Int
	SenderNonce   *big.Int
	RecipientRand *big.Int
	AuxData       []byte
	Raw           types.Log // Blockchain specific contextual infos
}

// FilterWinningTicketRedeemed is a free log retrieval operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) FilterWinningTicketRedeemed(opts *bind.FilterOpts, sender []common.Address, recipient []common.Address) (*TicketBrokerWinningTicketRedeemedIterator, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "WinningTicketRedeemed", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerWinningTicketRedeemedIterator{contract: _TicketBroker.contract, event: "WinningTicketRedeemed", logs: logs, sub: sub}, nil
}

// WatchWinningTicketRedeemed is a free log subscription operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) WatchWinningTicketRedeemed(opts *bind.WatchOpts, sink chan<- *TicketBrokerWinningTicketRedeemed, sender []common.Address, recipient []common.Address) (event.Subscription, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "WinningTicketRedeemed", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerWinningTicketRedeemed)
				if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketRedeemed", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseWinningTicketRedeemed is a log parse operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) ParseWinningTicketRedeemed(log types.Log) (*TicketBrokerWinningTicketRedeemed, error) {
	event := new(TicketBrokerWinningTicketRedeemed)
	if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketRedeemed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TicketBrokerWinningTicketTransferIterator is returned from FilterWinningTicketTransfer and is used to iterate over the raw logs and unpacked data for WinningTicketTransfer events raised by the TicketBroker contract.
type TicketBrokerWinningTicketTransferIterator struct {
	Event *TicketBrokerWinningTicketTransfer // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *TicketBrokerWinningTicketTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerWinningTicketTransfer)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(TicketBrokerWinningTicketTransfer)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *TicketBrokerWinningTicketTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerWinningTicketTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerWinningTicketTransfer represents a WinningTicketTransfer event raised by the TicketBroker contract.
type TicketBrokerWinningTicketTransfer struct {
	Sender    common.Address
	Recipient common.Address
	Amount    *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterWinningTicketTransfer is a free log retrieval operation binding the contract event 0x8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c.
//
// Solidity: event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) FilterWinningTicketTransfer(opts *bind.FilterOpts, sender []common.Address, recipient []common.Address) (*TicketBrokerWinningTicketTransferIterator, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "WinningTicketTransfer", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerWinningTicketTransferIterator{contract: _TicketBroker.contract, event: "WinningTicketTransfer", logs: logs, sub: sub}, nil
}

// WatchWinningTicketTransfer is a free log subscription operation binding the contract event 0x8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c.
//
// Solidity: event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) WatchWinningTicketTransfer(opts *bind.WatchOpts, sink chan<- *TicketBrokerWinningTicketTransfer, sender []common.Address, recipient []common.Address) (event.Subscription, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "WinningTicketTransfer", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerWinningTicketTransfer)
				if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketTransfer", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseWinningTicketTransfer is a log parse operation binding the contract event 0x8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c.
//
// Solidity: event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount)
func (_TicketBroker *TicketBrokerFilterer) ParseWinningTicketTransfer(log types.Log) (*TicketBrokerWinningTicketTransfer, error) {
	event := new(TicketBrokerWinningTicketTransfer)
	if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketTransfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
