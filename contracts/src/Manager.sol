// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Shared plumbing for the lpops test contracts. Mirrors livepeer/protocol's
// Manager.sol and MathUtils.sol (branch delta): every protocol contract holds the
// Controller, resolves its peers through Controller.getContract(keccak256(name))
// and uses the same modifier revert strings.
//
// Simplified: no ManagerProxy/ManagerProxyTarget (contracts are deployed directly,
// not behind proxies) and no setController.

/// @notice The part of the Controller that managed contracts use.
interface IController {
    function owner() external view returns (address);

    function paused() external view returns (bool);

    function getContract(bytes32 _id) external view returns (address);
}

/// @notice ERC-20 plus the mint/burn hooks the Minter uses (real ILivepeerToken).
interface ILivepeerToken {
    function transfer(address _to, uint256 _value) external returns (bool);

    function transferFrom(address _from, address _to, uint256 _value) external returns (bool);

    function balanceOf(address _owner) external view returns (uint256);

    function totalSupply() external view returns (uint256);

    function mint(address _to, uint256 _amount) external returns (bool);

    function burn(uint256 _amount) external;
}

/// @notice The Minter functions the BondingManager, RoundsManager and TicketBroker call.
interface IMinter {
    function createReward(uint256 _fracNum, uint256 _fracDenom) external returns (uint256);

    function trustedTransferTokens(address _to, uint256 _amount) external;

    function trustedBurnTokens(uint256 _amount) external;

    function trustedWithdrawETH(address payable _to, uint256 _amount) external;

    function depositETH() external payable returns (bool);

    function setCurrentRewardTokens() external;
}

/// @notice The RoundsManager views the other contracts read.
interface IRoundsManager {
    function currentRound() external view returns (uint256);

    function currentRoundInitialized() external view returns (bool);

    function currentRoundLocked() external view returns (bool);
}

/// @notice The BondingManager hooks the RoundsManager and TicketBroker call.
interface IBondingManager {
    function setCurrentRoundTotalActiveStake() external;

    function updateTranscoderWithFees(address _transcoder, uint256 _fees, uint256 _round) external;
}

/// @notice Base of every managed contract, as livepeer/protocol Manager.sol.
abstract contract Manager {
    // Controller that contract is registered with
    IController public controller;

    event SetController(address controller);
    event ParameterUpdate(string param);

    // Check if sender is controller owner
    modifier onlyControllerOwner() {
        require(msg.sender == controller.owner(), "caller must be Controller owner");
        _;
    }

    // Check if controller is not paused
    modifier whenSystemNotPaused() {
        require(!controller.paused(), "system is paused");
        _;
    }

    constructor(address _controller) {
        controller = IController(_controller);
    }

    function livepeerToken() internal view returns (ILivepeerToken) {
        return ILivepeerToken(controller.getContract(keccak256("LivepeerToken")));
    }

    function minter() internal view returns (IMinter) {
        return IMinter(controller.getContract(keccak256("Minter")));
    }

    function roundsManager() internal view returns (IRoundsManager) {
        return IRoundsManager(controller.getContract(keccak256("RoundsManager")));
    }

    function bondingManager() internal view returns (IBondingManager) {
        return IBondingManager(controller.getContract(keccak256("BondingManager")));
    }
}

/// @notice Percentages as in livepeer/protocol MathUtils.sol: numerators over PERC_DIVISOR (1,000,000).
library MathUtils {
    uint256 public constant PERC_DIVISOR = 1000000;

    function validPerc(uint256 _amount) internal pure returns (bool) {
        return _amount <= PERC_DIVISOR;
    }

    function percOf(uint256 _amount, uint256 _fracNum) internal pure returns (uint256) {
        return (_amount * _fracNum) / PERC_DIVISOR;
    }
}
