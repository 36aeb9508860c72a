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

// RoundsManagerMetaData contains all meta data concerning the RoundsManager contract.
var RoundsManagerMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"_controller\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"_roundLength\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_blockNumOffset\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_blockNumDivisor\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"round\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"blockHash\",\"type\":\"bytes32\"}],\"name\":\"NewRound\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"string\",\"name\":\"param\",\"type\":\"string\"}],\"name\":\"ParameterUpdate\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"controller\",\"type\":\"address\"}],\"name\":\"SetController\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_block\",\"type\":\"uint256\"}],\"name\":\"blockHash\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_round\",\"type\":\"uint256\"}],\"name\":\"blockHashForRound\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"blockNum\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"blockNumDivisor\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"blockNumOffset\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"controller\",\"outputs\":[{\"internalType\":\"contractIController\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentRoundInitialized\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentRoundLocked\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentRoundStartBlock\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"initializeRound\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastInitializedRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastRoundLengthUpdateRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastRoundLengthUpdateStartBlock\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"lipUpgradeRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"roundLength\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"roundLockAmount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_offset\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_divisor\",\"type\":\"uint256\"}],\"name\":\"setBlockNumParams\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_roundLength\",\"type\":\"uint256\"}],\"name\":\"setRoundLength\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_roundLockAmount\",\"type\":\"uint256\"}],\"name\":\"setRoundLockAmount\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x608060405234801561001057600080fd5b5060405161109c38038061109c83398101604081905261002f91610216565b600080546001600160a01b0319166001600160a01b0386161790556008829055801561005b578061005e565b60015b60095582156100705761007083610079565b505050506102dc565b600081116100cd5760405162461bcd60e51b815260206004820152601860248201527f726f756e64206c656e6774682063616e6e6f7420626520300000000000000000604482015260640160405180910390fd5b6001546000036100f75760018190556100e461016b565b6004556100ef6101ac565b600555610113565b6100ff61016b565b60045561010a6101ac565b60055560018190555b7f9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674604051610160906020808252600b908201526a0e4deeadcc898cadccee8d60ab1b604082015260600190565b60405180910390a150565b6000806001546005546101826101f460201b60201c565b61018c9190610277565b6101969190610290565b9050806004546101a691906102b2565b91505090565b6000806001546005546101c36101f460201b60201c565b6101cd9190610277565b6101d79190610290565b9050600154816101e791906102c5565b6005546101a691906102b2565b6000600954436102049190610290565b60085461021191906102b2565b905090565b6000806000806080858703121561022c57600080fd5b84516001600160a01b038116811461024357600080fd5b60208601516040870151606090970151919890975090945092505050565b634e487b7160e01b600052601160045260246000fd5b8181038181111561028a5761028a610261565b92915050565b6000826102ad57634e487b7160e01b600052601260045260246000fd5b500490565b8082018082111561028a5761028a610261565b808202811582820484141761028a5761028a610261565b610db1806102eb6000396000f3fe608060405234801561001057600080fd5b506004361061012c5760003560e01c806385df51fd116100ad5780638fa148f2116100715780638fa148f21461022f5780639fad5aa914610237578063d4807fb214610240578063f5b490d514610248578063f77c47911461025157600080fd5b806385df51fd146101fa5780638807f36e1461020d5780638a19c8bc146102165780638ae63d6d1461021e5780638b649b941461022657600080fd5b80634caa28ec116100f45780634caa28ec146101ba5780634d9fa2e1146101cd578063668abff7146101d6578063681312f5146101df5780636841f253146101f257600080fd5b80630b1573b8146101315780630fe1dfa8146101465780631e6d4c2214610162578063219bc76c146101825780633aa4add41461019a575b600080fd5b61014461013f366004610c6b565b61027c565b005b61014f60045481565b6040519081526020015b60405180910390f35b61014f610170366004610c6b565b60076020526000908152604090205481565b61018a6103fa565b6040519015158152602001610159565b61014f6101a8366004610c6b565b60009081526006602052604090205490565b6101446101c8366004610c84565b61040d565b61014f60095481565b61014f60055481565b6101446101ed366004610c6b565b6105c2565b61018a610673565b61014f610208366004610c6b565b6106b6565b61014f60035481565b61014f6107a0565b61014f6107db565b61014f60015481565b61014f6107fd565b61014f60085481565b61014461083f565b61014f60025481565b600054610264906001600160a01b031681565b6040516001600160a01b039091168152602001610159565b60008054906101000a90046001600160a01b03166001600160a01b0316638da5cb5b6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156102cd573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906102f19190610ca6565b6001600160a01b0316336001600160a01b03161461032a5760405162461bcd60e51b815260040161032190610cd6565b60405180910390fd5b61033781620f4240101590565b6103985760405162461bcd60e51b815260206004820152602c60248201527f726f756e64206c6f636b20616d6f756e74206d75737420626520612076616c6960448201526b642070657263656e7461676560a01b6064820152608401610321565b60028190556040517f9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674906103ef906020808252600f908201526e1c9bdd5b99131bd8dad05b5bdd5b9d608a1b604082015260600190565b60405180910390a150565b60006104046107a0565b60035414905090565b60008054906101000a90046001600160a01b03166001600160a01b0316638da5cb5b6040518163ffffffff1660e01b8152600401602060405180830381865afa15801561045e573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906104829190610ca6565b6001600160a01b0316336001600160a01b0316146104b25760405162461bcd60e51b815260040161032190610cd6565b600081116104f85760405162461bcd60e51b8152602060048201526013602482015272064697669736f722063616e6e6f74206265203606c1b6044820152606401610321565b60006105026107db565b600884905560098390559050806105176107db565b10156105655760405162461bcd60e51b815260206004820152601c60248201527f626c6f636b4e756d2063616e6e6f7420676f206261636b7761726473000000006044820152606401610321565b7f9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd6746040516105b5906020808252600e908201526d626c6f636b4e756d506172616d7360901b604082015260600190565b60405180910390a1505050565b60008054906101000a90046001600160a01b03166001600160a01b0316638da5cb5b6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610613573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906106379190610ca6565b6001600160a01b0316336001600160a01b0316146106675760405162461bcd60e51b815260040161032190610cd6565b61067081610a86565b50565b600080610684600154600254610b69565b9050806001546106949190610d23565b61069c6107fd565b6106a46107db565b6106ae9190610d23565b101591505090565b6000806106c16107db565b905080831061071e5760405162461bcd60e51b815260206004820152602360248201527f63616e206f6e6c79207265747269657665207061737420626c6f636b2068617360448201526268657360e81b6064820152608401610321565b610100811080610739575061073561010082610d23565b8310155b61079a5760405162461bcd60e51b815260206004820152602c60248201527f63616e206f6e6c792072657472696576652068617368657320666f72206c617360448201526b742032353620626c6f636b7360a01b6064820152608401610321565b50504090565b6000806001546005546107b16107db565b6107bb9190610d23565b6107c59190610d36565b9050806004546107d59190610d58565b91505090565b6000600954436107eb9190610d36565b6008546107f89190610d58565b905090565b60008060015460055461080e6107db565b6108189190610d23565b6108229190610d36565b9050600154816108329190610d6b565b6005546107d59190610d58565b60008054906101000a90046001600160a01b03166001600160a01b0316635c975abb6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610890573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906108b49190610d82565b156108f45760405162461bcd60e51b815260206004820152601060248201526f1cde5cdd195b481a5cc81c185d5cd95960821b6044820152606401610321565b60006108fe6107a0565b905080600354106109515760405162461bcd60e51b815260206004820152601960248201527f726f756e6420616c726561647920696e697469616c697a6564000000000000006044820152606401610321565b600381905560006109606107db565b90506000808211610972576000610980565b610980610208600184610d23565b6000848152600660205260409020819055905061099b610b8c565b6001600160a01b031663713f22166040518163ffffffff1660e01b8152600401600060405180830381600087803b1580156109d557600080fd5b505af11580156109e9573d6000803e3d6000fd5b505050506109f5610c1a565b6001600160a01b031663ece2064c6040518163ffffffff1660e01b8152600401600060405180830381600087803b158015610a2f57600080fd5b505af1158015610a43573d6000803e3d6000fd5b50505050827f22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e78682604051610a7991815260200190565b60405180910390a2505050565b60008111610ad65760405162461bcd60e51b815260206004820152601860248201527f726f756e64206c656e6774682063616e6e6f74206265203000000000000000006044820152606401610321565b600154600003610b00576001819055610aed6107a0565b600455610af86107fd565b600555610b1c565b610b086107a0565b600455610b136107fd565b60055560018190555b7f9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd6746040516103ef906020808252600b908201526a0e4deeadcc898cadccee8d60ab1b604082015260600190565b6000620f4240610b798385610d6b565b610b839190610d36565b90505b92915050565b60008054604051631c2d8fb360e31b81527f2517d59a36a86548e38734e8ab416f42afff4bca78706a66ad65750dae7f9e3760048201526001600160a01b039091169063e16c7d98906024015b602060405180830381865afa158015610bf6573d6000803e3d6000fd5b505050506040513d601f19601f820116820180604052508101906107f89190610ca6565b60008054604051631c2d8fb360e31b81527f6e58ad548d72b425ea94c15f453bf26caddb061d82b2551db7fdd3cefe0e994060048201526001600160a01b039091169063e16c7d9890602401610bd9565b600060208284031215610c7d57600080fd5b5035919050565b60008060408385031215610c9757600080fd5b50508035926020909101359150565b600060208284031215610cb857600080fd5b81516001600160a01b0381168114610ccf57600080fd5b9392505050565b6020808252601f908201527f63616c6c6572206d75737420626520436f6e74726f6c6c6572206f776e657200604082015260600190565b634e487b7160e01b600052601160045260246000fd5b81810381811115610b8657610b86610d0d565b600082610d5357634e487b7160e01b600052601260045260246000fd5b500490565b80820180821115610b8657610b86610d0d565b8082028115828204841417610b8657610b86610d0d565b600060208284031215610d9457600080fd5b81518015158114610ccf57600080fdfea164736f6c634300081c000a",
}

// RoundsManagerABI is the input ABI used to generate the binding from.
// Deprecated: Use RoundsManagerMetaData.ABI instead.
var RoundsManagerABI = RoundsManagerMetaData.ABI

// RoundsManagerBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use RoundsManagerMetaData.Bin instead.
var RoundsManagerBin = RoundsManagerMetaData.Bin

// DeployRoundsManager deploys a new Ethereum contract, binding an instance of RoundsManager to it.
func DeployRoundsManager(auth *bind.TransactOpts, backend bind.ContractBackend, _controller common.Address, _roundLength *big.Int, _blockNumOffset *big.Int, _blockNumDivisor *big.Int) (common.Address, *types.Transaction, *RoundsManager, error) {
	parsed, err := RoundsManagerMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(RoundsManagerBin), backend, _controller, _roundLength, _blockNumOffset, _blockNumDivisor)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &RoundsManager{RoundsManagerCaller: RoundsManagerCaller{contract: contract}, RoundsManagerTransactor: RoundsManagerTransactor{contract: contract}, RoundsManagerFilterer: RoundsManagerFilterer{contract: contract}}, nil
}

// RoundsManager is an auto generated Go binding around an Ethereum contract.
type RoundsManager struct {
	RoundsManagerCaller     // Read-only binding to the contract
	RoundsManagerTransactor // Write-only binding to the contract
	RoundsManagerFilterer   // Log filterer for contract events
}

// RoundsManagerCaller is an auto generated read-only Go binding around an Ethereum contract.
type RoundsManagerCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// RoundsManagerTransactor is an auto generated write-only Go binding around an Ethereum contract.
type RoundsManagerTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// RoundsManagerFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type RoundsManagerFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// RoundsManagerSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type RoundsManagerSession struct {
	Contract     *RoundsManager    // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// RoundsManagerCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type RoundsManagerCallerSession struct {
	Contract *RoundsManagerCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts        // Call options to use throughout this session
}

// RoundsManagerTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type RoundsManagerTransactorSession struct {
	Contract     *RoundsManagerTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts        // Transaction auth options to use throughout this session
}

// RoundsManagerRaw is an auto generated low-level Go binding around an Ethereum contract.
type RoundsManagerRaw struct {
	Contract *RoundsManager // Generic contract binding to access the raw methods on
}

// RoundsManagerCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type RoundsManagerCallerRaw struct {
	Contract *RoundsManagerCaller // Generic read-only contract binding to access the raw methods on
}

// RoundsManagerTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type RoundsManagerTransactorRaw struct {
	Contract *RoundsManagerTransactor // Generic write-only contract binding to access the raw methods on
}

// NewRoundsManager creates a new instance of RoundsManager, bound to a specific deployed contract.
func NewRoundsManager(address common.Address, backend bind.ContractBackend) (*RoundsManager, error) {
	contract, err := bindRoundsManager(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &RoundsManager{RoundsManagerCaller: RoundsManagerCaller{contract: contract}, RoundsManagerTransactor: RoundsManagerTransactor{contract: contract}, RoundsManagerFilterer: RoundsManagerFilterer{contract: contract}}, nil
}

// NewRoundsManagerCaller creates a new read-only instance of RoundsManager, bound to a specific deployed contract.
func NewRoundsManagerCaller(address common.Address, caller bind.ContractCaller) (*RoundsManagerCaller, error) {
	contract, err := bindRoundsManager(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &RoundsManagerCaller{contract: contract}, nil
}

// NewRoundsManagerTransactor creates a new write-only instance of RoundsManager, bound to a specific deployed contract.
func NewRoundsManagerTransactor(address common.Address, transactor bind.ContractTransactor) (*RoundsManagerTransactor, error) {
	contract, err := bindRoundsManager(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &RoundsManagerTransactor{contract: contract}, nil
}

// NewRoundsManagerFilterer creates a new log filterer instance of RoundsManager, bound to a specific deployed contract.
func NewRoundsManagerFilterer(address common.Address, filterer bind.ContractFilterer) (*RoundsManagerFilterer, error) {
	contract, err := bindRoundsManager(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &RoundsManagerFilterer{contract: contract}, nil
}

// bindRoundsManager binds a generic wrapper to an already deployed contract.
func bindRoundsManager(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := RoundsManagerMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_RoundsManager *RoundsManagerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _RoundsManager.Contract.RoundsManagerCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_RoundsManager *RoundsManagerRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _RoundsManager.Contract.RoundsManagerTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_RoundsManager *RoundsManagerRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _RoundsManager.Contract.RoundsManagerTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_RoundsManager *RoundsManagerCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _RoundsManager.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_RoundsManager *RoundsManagerTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _RoundsManager.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_RoundsManager *RoundsManagerTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _RoundsManager.Contract.contract.Transact(opts, method, params...)
}

// BlockHash is a free data retrieval call binding the contract method 0x85df51fd.
//
// Solidity: function blockHash(uint256 _block) view returns(bytes32)
func (_RoundsManager *RoundsManagerCaller) BlockHash(opts *bind.CallOpts, _block *big.Int) ([32]byte, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "blockHash", _block)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// BlockHash is a free data retrieval call binding the contract method 0x85df51fd.
//
// Solidity: function blockHash(uint256 _block) view returns(bytes32)
func (_RoundsManager *RoundsManagerSession) BlockHash(_block *big.Int) ([32]byte, error) {
	return _RoundsManager.Contract.BlockHash(&_RoundsManager.CallOpts, _block)
}

// BlockHash is a free data retrieval call binding the contract method 0x85df51fd.
//
// Solidity: function blockHash(uint256 _block) view returns(bytes32)
func (_RoundsManager *RoundsManagerCallerSession) BlockHash(_block *big.Int) ([32]byte, error) {
	return _RoundsManager.Contract.BlockHash(&_RoundsManager.CallOpts, _block)
}

// BlockHashForRound is a free data retrieval call binding the contract method 0x3aa4add4.
//
// Solidity: function blockHashForRound(uint256 _round) view returns(bytes32)
func (_RoundsManager *RoundsManagerCaller) BlockHashForRound(opts *bind.CallOpts, _round *big.Int) ([32]byte, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "blockHashForRound", _round)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// BlockHashForRound is a free data retrieval call binding the contract method 0x3aa4add4.
//
// Solidity: function blockHashForRound(uint256 _round) view returns(bytes32)
func (_RoundsManager *RoundsManagerSession) BlockHashForRound(_round *big.Int) ([32]byte, error) {
	return _RoundsManager.Contract.BlockHashForRound(&_RoundsManager.CallOpts, _round)
}

// BlockHashForRound is a free data retrieval call binding the contract method 0x3aa4add4.
//
// Solidity: function blockHashForRound(uint256 _round) view returns(bytes32)
func (_RoundsManager *RoundsManagerCallerSession) BlockHashForRound(_round *big.Int) ([32]byte, error) {
	return _RoundsManager.Contract.BlockHashForRound(&_RoundsManager.CallOpts, _round)
}

// BlockNum is a free data retrieval call binding the contract method 0x8ae63d6d.
//
// Solidity: function blockNum() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) BlockNum(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "blockNum")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BlockNum is a free data retrieval call binding the contract method 0x8ae63d6d.
//
// Solidity: function blockNum() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) BlockNum() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNum(&_RoundsManager.CallOpts)
}

// BlockNum is a free data retrieval call binding the contract method 0x8ae63d6d.
//
// Solidity: function blockNum() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) BlockNum() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNum(&_RoundsManager.CallOpts)
}

// BlockNumDivisor is a free data retrieval call binding the contract method 0x4d9fa2e1.
//
// Solidity: function blockNumDivisor() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) BlockNumDivisor(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "blockNumDivisor")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BlockNumDivisor is a free data retrieval call binding the contract method 0x4d9fa2e1.
//
// Solidity: function blockNumDivisor() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) BlockNumDivisor() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNumDivisor(&_RoundsManager.CallOpts)
}

// BlockNumDivisor is a free data retrieval call binding the contract method 0x4d9fa2e1.
//
// Solidity: function blockNumDivisor() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) BlockNumDivisor() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNumDivisor(&_RoundsManager.CallOpts)
}

// BlockNumOffset is a free data retrieval call binding the contract method 0x9fad5aa9.
//
// Solidity: function blockNumOffset() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) BlockNumOffset(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "blockNumOffset")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BlockNumOffset is a free data retrieval call binding the contract method 0x9fad5aa9.
//
// Solidity: function blockNumOffset() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) BlockNumOffset() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNumOffset(&_RoundsManager.CallOpts)
}

// BlockNumOffset is a free data retrieval call binding the contract method 0x9fad5aa9.
//
// Solidity: function blockNumOffset() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) BlockNumOffset() (*big.Int, error) {
	return _RoundsManager.Contract.BlockNumOffset(&_RoundsManager.CallOpts)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_RoundsManager *RoundsManagerCaller) Controller(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "controller")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_RoundsManager *RoundsManagerSession) Controller() (common.Address, error) {
	return _RoundsManager.Contract.Controller(&_RoundsManager.CallOpts)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_RoundsManager *RoundsManagerCallerSession) Controller() (common.Address, error) {
	return _RoundsManager.Contract.Controller(&_RoundsManager.CallOpts)
}

// CurrentRound is a free data retrieval call binding the contract method 0x8a19c8bc.
//
// Solidity: function currentRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) CurrentRound(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "currentRound")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// CurrentRound is a free data retrieval call binding the contract method 0x8a19c8bc.
//
// Solidity: function currentRound() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) CurrentRound() (*big.Int, error) {
	return _RoundsManager.Contract.CurrentRound(&_RoundsManager.CallOpts)
}

// CurrentRound is a free data retrieval call binding the contract method 0x8a19c8bc.
//
// Solidity: function currentRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) CurrentRound() (*big.Int, error) {
	return _RoundsManager.Contract.CurrentRound(&_RoundsManager.CallOpts)
}

// CurrentRoundInitialized is a free data retrieval call binding the contract method 0x219bc76c.
//
// Solidity: function currentRoundInitialized() view returns(bool)
func (_RoundsManager *RoundsManagerCaller) CurrentRoundInitialized(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "currentRoundInitialized")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// CurrentRoundInitialized is a free data retrieval call binding the contract method 0x219bc76c.
//
// Solidity: function currentRoundInitialized() view returns(bool)
func (_RoundsManager *RoundsManagerSession) CurrentRoundInitialized() (bool, error) {
	return _RoundsManager.Contract.CurrentRoundInitialized(&_RoundsManager.CallOpts)
}

// CurrentRoundInitialized is a free data retrieval call binding the contract method 0x219bc76c.
//
// Solidity: function currentRoundInitialized() view returns(bool)
func (_RoundsManager *RoundsManagerCallerSession) CurrentRoundInitialized() (bool, error) {
	return _RoundsManager.Contract.CurrentRoundInitialized(&_RoundsManager.CallOpts)
}

// CurrentRoundLocked is a free data retrieval call binding the contract method 0x6841f253.
//
// Solidity: function currentRoundLocked() view returns(bool)
func (_RoundsManager *RoundsManagerCaller) CurrentRoundLocked(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "currentRoundLocked")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// CurrentRoundLocked is a free data retrieval call binding the contract method 0x6841f253.
//
// Solidity: function currentRoundLocked() view returns(bool)
func (_RoundsManager *RoundsManagerSession) CurrentRoundLocked() (bool, error) {
	return _RoundsManager.Contract.CurrentRoundLocked(&_RoundsManager.CallOpts)
}

// CurrentRoundLocked is a free data retrieval call binding the contract method 0x6841f253.
//
// Solidity: function currentRoundLocked() view returns(bool)
func (_RoundsManager *RoundsManagerCallerSession) CurrentRoundLocked() (bool, error) {
	return _RoundsManager.Contract.CurrentRoundLocked(&_RoundsManager.CallOpts)
}

// CurrentRoundStartBlock is a free data retrieval call binding the contract method 0x8fa148f2.
//
// Solidity: function currentRoundStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) CurrentRoundStartBlock(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "currentRoundStartBlock")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// CurrentRoundStartBlock is a free data retrieval call binding the contract method 0x8fa148f2.
//
// Solidity: function currentRoundStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) CurrentRoundStartBlock() (*big.Int, error) {
	return _RoundsManager.Contract.CurrentRoundStartBlock(&_RoundsManager.CallOpts)
}

// CurrentRoundStartBlock is a free data retrieval call binding the contract method 0x8fa148f2.
//
// Solidity: function currentRoundStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) CurrentRoundStartBlock() (*big.Int, error) {
	return _RoundsManager.Contract.CurrentRoundStartBlock(&_RoundsManager.CallOpts)
}

// LastInitializedRound is a free data retrieval call binding the contract method 0x8807f36e.
//
// Solidity: function lastInitializedRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) LastInitializedRound(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "lastInitializedRound")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// LastInitializedRound is a free data retrieval call binding the contract method 0x8807f36e.
//
// Solidity: function lastInitializedRound() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) LastInitializedRound() (*big.Int, error) {
	return _RoundsManager.Contract.LastInitializedRound(&_RoundsManager.CallOpts)
}

// LastInitializedRound is a free data retrieval call binding the contract method 0x8807f36e.
//
// Solidity: function lastInitializedRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) LastInitializedRound() (*big.Int, error) {
	return _RoundsManager.Contract.LastInitializedRound(&_RoundsManager.CallOpts)
}

// LastRoundLengthUpdateRound is a free data retrieval call binding the contract method 0x0fe1dfa8.
//
// Solidity: function lastRoundLengthUpdateRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) LastRoundLengthUpdateRound(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "lastRoundLengthUpdateRound")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// LastRoundLengthUpdateRound is a free data retrieval call binding the contract method 0x0fe1dfa8.
//
// Solidity: function lastRoundLengthUpdateRound() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) LastRoundLengthUpdateRound() (*big.Int, error) {
	return _RoundsManager.Contract.LastRoundLengthUpdateRound(&_RoundsManager.CallOpts)
}

// LastRoundLengthUpdateRound is a free data retrieval call binding the contract method 0x0fe1dfa8.
//
// Solidity: function lastRoundLengthUpdateRound() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) LastRoundLengthUpdateRound() (*big.Int, error) {
	return _RoundsManager.Contract.LastRoundLengthUpdateRound(&_RoundsManager.CallOpts)
}

// LastRoundLengthUpdateStartBlock is a free data retrieval call binding the contract method 0x668abff7.
//
// Solidity: function lastRoundLengthUpdateStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) LastRoundLengthUpdateStartBlock(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "lastRoundLengthUpdateStartBlock")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// LastRoundLengthUpdateStartBlock is a free data retrieval call binding the contract method 0x668abff7.
//
// Solidity: function lastRoundLengthUpdateStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) LastRoundLengthUpdateStartBlock() (*big.Int, error) {
	return _RoundsManager.Contract.LastRoundLengthUpdateStartBlock(&_RoundsManager.CallOpts)
}

// LastRoundLengthUpdateStartBlock is a free data retrieval call binding the contract method 0x668abff7.
//
// Solidity: function lastRoundLengthUpdateStartBlock() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) LastRoundLengthUpdateStartBlock() (*big.Int, error) {
	return _RoundsManager.Contract.LastRoundLengthUpdateStartBlock(&_RoundsManager.CallOpts)
}

// LipUpgradeRound is a free data retrieval call binding the contract method 0x1e6d4c22.
//
// Solidity: function lipUpgradeRound(uint256 ) view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) LipUpgradeRound(opts *bind.CallOpts, arg0 *big.Int) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "lipUpgradeRound", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// LipUpgradeRound is a free data retrieval call binding the contract method 0x1e6d4c22.
//
// Solidity: function lipUpgradeRound(uint256 ) view returns(uint256)
func (_RoundsManager *RoundsManagerSession) LipUpgradeRound(arg0 *big.Int) (*big.Int, error) {
	return _RoundsManager.Contract.LipUpgradeRound(&_RoundsManager.CallOpts, arg0)
}

// LipUpgradeRound is a free data retrieval call binding the contract method 0x1e6d4c22.
//
// Solidity: function lipUpgradeRound(uint256 ) view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) LipUpgradeRound(arg0 *big.Int) (*big.Int, error) {
	return _RoundsManager.Contract.LipUpgradeRound(&_RoundsManager.CallOpts, arg0)
}

// RoundLength is a free data retrieval call binding the contract method 0x8b649b94.
//
// Solidity: function roundLength() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) RoundLength(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "roundLength")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RoundLength is a free data retrieval call binding the contract method 0x8b649b94.
//
// Solidity: function roundLength() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) RoundLength() (*big.Int, error) {
	return _RoundsManager.Contract.RoundLength(&_RoundsManager.CallOpts)
}

// RoundLength is a free data retrieval call binding the contract method 0x8b649b94.
//
// Solidity: function roundLength() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) RoundLength() (*big.Int, error) {
	return _RoundsManager.Contract.RoundLength(&_RoundsManager.CallOpts)
}

// RoundLockAmount is a free data retrieval call binding the contract method 0xf5b490d5.
//
// Solidity: function roundLockAmount() view returns(uint256)
func (_RoundsManager *RoundsManagerCaller) RoundLockAmount(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _RoundsManager.contract.Call(opts, &out, "roundLockAmount")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RoundLockAmount is a free data retrieval call binding the contract method 0xf5b490d5.
//
// Solidity: function roundLockAmount() view returns(uint256)
func (_RoundsManager *RoundsManagerSession) RoundLockAmount() (*big.Int, error) {
	return _RoundsManager.Contract.RoundLockAmount(&_RoundsManager.CallOpts)
}

// RoundLockAmount is a free data retrieval call binding the contract method 0xf5b490d5.
//
// Solidity: function roundLockAmount() view returns(uint256)
func (_RoundsManager *RoundsManagerCallerSession) RoundLockAmount() (*big.Int, error) {
	return _RoundsManager.Contract.RoundLockAmount(&_RoundsManager.CallOpts)
}

// InitializeRound is a paid mutator transaction binding the contract method 0xd4807fb2.
//
// Solidity: function initializeRound() returns()
func (_RoundsManager *RoundsManagerTransactor) InitializeRound(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _RoundsManager.contract.Transact(opts, "initializeRound")
}

// InitializeRound is a paid mutator transaction binding the contract method 0xd4807fb2.
//
// Solidity: function initializeRound() returns()
func (_RoundsManager *RoundsManagerSession) InitializeRound() (*types.Transaction, error) {
	return _RoundsManager.Contract.InitializeRound(&_RoundsManager.TransactOpts)
}

// InitializeRound is a paid mutator transaction binding the contract method 0xd4807fb2.
//
// Solidity: function initializeRound() returns()
func (_RoundsManager *RoundsManagerTransactorSession) InitializeRound() (*types.Transaction, error) {
	return _RoundsManager.Contract.InitializeRound(&_RoundsManager.TransactOpts)
}

// SetBlockNumParams is a paid mutator transaction binding the contract method 0x4caa28ec.
//
// Solidity: function setBlockNumParams(uint256 _offset, uint256 _divisor) returns()
func (_RoundsManager *RoundsManagerTransactor) SetBlockNumParams(opts *bind.TransactOpts, _offset *big.Int, _divisor *big.Int) (*types.Transaction, error) {
	return _RoundsManager.contract.Transact(opts, "setBlockNumParams", _offset, _divisor)
}

// SetBlockNumParams is a paid mutator transaction binding the contract method 0x4caa28ec.
//
// Solidity: function setBlockNumParams(uint256 _offset, uint256 _divisor) returns()
func (_RoundsManager *RoundsManagerSession) SetBlockNumParams(_offset *big.Int, _divisor *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetBlockNumParams(&_RoundsManager.TransactOpts, _offset, _divisor)
}

// SetBlockNumParams is a paid mutator transaction binding the contract method 0x4caa28ec.
//
// Solidity: function setBlockNumParams(uint256 _offset, uint256 _divisor) returns()
func (_RoundsManager *RoundsManagerTransactorSession) SetBlockNumParams(_offset *big.Int, _divisor *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetBlockNumParams(&_RoundsManager.TransactOpts, _offset, _divisor)
}

// SetRoundLength is a paid mutator transaction binding the contract method 0x681312f5.
//
// Solidity: function setRoundLength(uint256 _roundLength) returns()
func (_RoundsManager *RoundsManagerTransactor) SetRoundLength(opts *bind.TransactOpts, _roundLength *big.Int) (*types.Transaction, error) {
	return _RoundsManager.contract.Transact(opts, "setRoundLength", _roundLength)
}

// SetRoundLength is a paid mutator transaction binding the contract method 0x681312f5.
//
// Solidity: function setRoundLength(uint256 _roundLength) returns()
func (_RoundsManager *RoundsManagerSession) SetRoundLength(_roundLength *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetRoundLength(&_RoundsManager.TransactOpts, _roundLength)
}

// SetRoundLength is a paid mutator transaction binding the contract method 0x681312f5.
//
// Solidity: function setRoundLength(uint256 _roundLength) returns()
func (_RoundsManager *RoundsManagerTransactorSession) SetRoundLength(_roundLength *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetRoundLength(&_RoundsManager.TransactOpts, _roundLength)
}

// SetRoundLockAmount is a paid mutator transaction binding the contract method 0x0b1573b8.
//
// Solidity: function setRoundLockAmount(uint256 _roundLockAmount) returns()
func (_RoundsManager *RoundsManagerTransactor) SetRoundLockAmount(opts *bind.TransactOpts, _roundLockAmount *big.Int) (*types.Transaction, error) {
	return _RoundsManager.contract.Transact(opts, "setRoundLockAmount", _roundLockAmount)
}

// SetRoundLockAmount is a paid mutator transaction binding the contract method 0x0b1573b8.
//
// Solidity: function setRoundLockAmount(uint256 _roundLockAmount) returns()
func (_RoundsManager *RoundsManagerSession) SetRoundLockAmount(_roundLockAmount *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetRoundLockAmount(&_RoundsManager.TransactOpts, _roundLockAmount)
}

// SetRoundLockAmount is a paid mutator transaction binding the contract method 0x0b1573b8.
//
// Solidity: function setRoundLockAmount(uint256 _roundLockAmount) returns()
func (_RoundsManager *RoundsManagerTransactorSession) SetRoundLockAmount(_roundLockAmount *big.Int) (*types.Transaction, error) {
	return _RoundsManager.Contract.SetRoundLockAmount(&_RoundsManager.TransactOpts, _roundLockAmount)
}

// RoundsManagerNewRoundIterator is returned from FilterNewRound and is used to iterate over the raw logs and unpacked data for NewRound events raised by the RoundsManager contract.
type RoundsManagerNewRoundIterator struct {
	Event *RoundsManagerNewRound // Event containing the contract specifics and raw log

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
func (it *RoundsManagerNewRoundIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(RoundsManagerNewRound)
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
		it.Event = new(RoundsManagerNewRound)
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
func (it *RoundsManagerNewRoundIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *RoundsManagerNewRoundIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// RoundsManagerNewRound represents a NewRound event raised by the RoundsManager contract.
type RoundsManagerNewRound struct {
	Round     *big.Int
	BlockHash [32]byte
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterNewRound is a free log retrieval operation binding the contract event 0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786.
//
// Solidity: event NewRound(uint256 indexed round, bytes32 blockHash)
func (_RoundsManager *RoundsManagerFilterer) FilterNewRound(opts *bind.FilterOpts, round []*big.Int) (*RoundsManagerNewRoundIterator, error) {

	var roundRule []interface{}
	for _, roundItem := range round {
		roundRule = append(roundRule, roundItem)
	}

	logs, sub, err := _RoundsManager.contract.FilterLogs(opts, "NewRound", roundRule)
	if err != nil {
		return nil, err
	}
	return &RoundsManagerNewRoundIterator{contract: _RoundsManager.contract, event: "NewRound", logs: logs, sub: sub}, nil
}

// WatchNewRound is a free log subscription operation binding the contract event 0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786.
//
// Solidity: event NewRound(uint256 indexed round, bytes32 blockHash)
func (_RoundsManager *RoundsManagerFilterer) WatchNewRound(opts *bind.WatchOpts, sink chan<- *RoundsManagerNewRound, round []*big.Int) (event.Subscription, error) {

	var roundRule []interface{}
	for _, roundItem := range round {
		roundRule = append(roundRule, roundItem)
	}

	logs, sub, err := _RoundsManager.contract.WatchLogs(opts, "NewRound", roundRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(RoundsManagerNewRound)
				if err := _RoundsManager.contract.UnpackLog(event, "NewRound", log); err != nil {
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

// ParseNewRound is a log parse operation binding the contract event 0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786.
//
// Solidity: event NewRound(uint256 indexed round, bytes32 blockHash)
func (_RoundsManager *RoundsManagerFilterer) ParseNewRound(log types.Log) (*RoundsManagerNewRound, error) {
	event := new(RoundsManagerNewRound)
	if err := _RoundsManager.contract.UnpackLog(event, "NewRound", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// RoundsManagerParameterUpdateIterator is returned from FilterParameterUpdate and is used to iterate over the raw logs and unpacked data for ParameterUpdate events raised by the RoundsManager contract.
type RoundsManagerParameterUpdateIterator struct {
	Event *RoundsManagerParameterUpdate // Event containing the contract specifics and raw log

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
func (it *RoundsManagerParameterUpdateIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(RoundsManagerParameterUpdate)
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
		it.Event = new(RoundsManagerParameterUpdate)
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
func (it *RoundsManagerParameterUpdateIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *RoundsManagerParameterUpdateIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// RoundsManagerParameterUpdate represents a ParameterUpdate event raised by the RoundsManager contract.
type RoundsManagerParameterUpdate struct {
	Param string
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterParameterUpdate is a free log retrieval operation binding the contract event 0x9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674.
//
// Solidity: event ParameterUpdate(string param)
func (_RoundsManager *RoundsManagerFilterer) FilterParameterUpdate(opts *bind.FilterOpts) (*RoundsManagerParameterUpdateIterator, error) {

	logs, sub, err := _RoundsManager.contract.FilterLogs(opts, "ParameterUpdate")
	if err != nil {
		return nil, err
	}
	return &RoundsManagerParameterUpdateIterator{contract: _RoundsManager.contract, event: "ParameterUpdate", logs: logs, sub: sub}, nil
}

// WatchParameterUpdate is a free log subscription operation binding the contract event 0x9f5033568d78ae30f29f01e944f97b2216493bd19d1b46d429673acff3dcd674.
//
// Solidity: event ParameterUpdate(string param)
func (_RoundsManager *RoundsManagerFilterer) WatchParameterUpdate(opts *bind.WatchOpts, sink chan<- *RoundsManagerParameterUpdate) (event.Subscription, error) {

	logs, sub, err := _RoundsManager.contract.WatchLogs(opts, "ParameterUpdate")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(RoundsManagerParameterUpdate)
				if err := _RoundsManager.contract.UnpackLog(event, "ParameterUpdate", log); err != nil {
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
func (_RoundsManager *RoundsManagerFilterer) ParseParameterUpdate(log types.Log) (*RoundsManagerParameterUpdate, error) {
	event := new(RoundsManagerParameterUpdate)
	if err := _RoundsManager.contract.UnpackLog(event, "ParameterUpdate", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// RoundsManagerSetControllerIterator is returned from FilterSetController and is used to iterate over the raw logs and unpacked data for SetController events raised by the RoundsManager contract.
type RoundsManagerSetControllerIterator struct {
	Event *RoundsManagerSetController // Event containing the contract specifics and raw log

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
func (it *RoundsManagerSetControllerIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(RoundsManagerSetController)
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
		it.Event = new(RoundsManagerSetController)
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
func (it *RoundsManagerSetControllerIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *RoundsManagerSetControllerIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// RoundsManagerSetController represents a SetController event raised by the RoundsManager contract.
type RoundsManagerSetController struct {
	Controller common.Address
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterSetController is a free log retrieval operation binding the contract event 0x4ff638452bbf33c012645d18ae6f05515ff5f2d1dfb0cece8cbf018c60903f70.
//
// Solidity: event SetController(address controller)
func (_RoundsManager *RoundsManagerFilterer) FilterSetController(opts *bind.FilterOpts) (*RoundsManagerSetControllerIterator, error) {

	logs, sub, err := _RoundsManager.contract.FilterLogs(opts, "SetController")
	if err != nil {
		return nil, err
	}
	return &RoundsManagerSetControllerIterator{contract: _RoundsManager.contract, event: "SetController", logs: logs, sub: sub}, nil
}

// WatchSetController is a free log subscription operation binding the contract event 0x4ff638452bbf33c012645d18ae6f05515ff5f2d1dfb0cece8cbf018c60903f70.
//
// Solidity: event SetController(address controller)
func (_RoundsManager *RoundsManagerFilterer) WatchSetController(opts *bind.WatchOpts, sink chan<- *RoundsManagerSetController) (event.Subscription, error) {

	logs, sub, err := _RoundsManager.contract.WatchLogs(opts, "SetController")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(RoundsManagerSetController)
				if err := _RoundsManager.contract.UnpackLog(event, "SetController", log); err != nil {
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
func (_RoundsManager *RoundsManagerFilterer) ParseSetController(log types.Log) (*RoundsManagerSetController, error) {
	event := new(RoundsManagerSetController)
	if err := _RoundsManager.contract.UnpackLog(event, "SetController", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
