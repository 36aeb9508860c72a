// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Controller (lpops test double)
/// @notice Registry of protocol contracts, as livepeer/protocol Controller.sol: contracts are
///         looked up by keccak256 of their name ("BondingManager", "RoundsManager", ...).
///         Signatures, the SetContractInfo event and the start-paused behaviour match the
///         real contract. Simplified: Ownable and Pausable are inlined and updateController
///         is left out (nothing here sits behind a proxy).
contract Controller {
    // Track information about a registered contract
    struct ContractInfo {
        address contractAddress; // Address of contract
        bytes20 gitCommitHash; // SHA1 hash of head Git commit during registration of this contract
    }

    address public owner;
    bool public paused;

    // Track contract ids and contract info
    mapping(bytes32 => ContractInfo) private registry;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event Pause();
    event Unpause();
    event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash);

    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    modifier whenNotPaused() {
        require(!paused);
        _;
    }

    modifier whenPaused() {
        require(paused);
        _;
    }

    constructor() {
        owner = msg.sender;
        // Start in paused state, like the real Controller; the deployer unpauses
        // once every contract is registered.
        paused = true;
        emit Pause();
    }

    function transferOwnership(address newOwner) public onlyOwner {
        require(newOwner != address(0));
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function pause() public onlyOwner whenNotPaused {
        paused = true;
        emit Pause();
    }

    function unpause() public onlyOwner whenPaused {
        paused = false;
        emit Unpause();
    }

    /**
     * @notice Register contract id and mapped address
     * @param _id Contract id (keccak256 hash of contract name)
     * @param _contractAddress Contract address
     */
    function setContractInfo(
        bytes32 _id,
        address _contractAddress,
        bytes20 _gitCommitHash
    ) external onlyOwner {
        registry[_id].contractAddress = _contractAddress;
        registry[_id].gitCommitHash = _gitCommitHash;

        emit SetContractInfo(_id, _contractAddress, _gitCommitHash);
    }

    /**
     * @notice Return contract info for a given contract id
     * @param _id Contract id (keccak256 hash of contract name)
     */
    function getContractInfo(bytes32 _id) public view returns (address, bytes20) {
        return (registry[_id].contractAddress, registry[_id].gitCommitHash);
    }

    /**
     * @notice Get contract address for an id
     * @param _id Contract id
     */
    function getContract(bytes32 _id) public view returns (address) {
        return registry[_id].contractAddress;
    }
}
