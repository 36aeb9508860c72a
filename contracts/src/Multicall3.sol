// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multicall3 (lpops test double)
/// @notice The read side of Multicall3 (mds1/multicall3), deployed on Arbitrum One and most
///         EVM chains at 0xcA11bde05977b3631167028862bE2a173976CA11, for test chains that lack it.
///         internal/testchain puts its runtime code at that address (genesis alloc on the
///         simulated chain, anvil_setCode on anvil). Written for lpops against Multicall3's
///         published interface: every function here has the real one's signature (so
///         selectors match) and behaviour, including aggregate3's revert string when a call
///         that does not allow failure fails. Left out: aggregate, tryAggregate,
///         blockAndAggregate, tryBlockAndAggregate and aggregate3Value (lpops only reads),
///         and the real contract's assembly and gas tricks.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Calls every target in order; a failed call whose allowFailure is false
    ///         reverts the whole aggregate with "Multicall3: call failed".
    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (!ok && !calls[i].allowFailure) {
                revert("Multicall3: call failed");
            }
            returnData[i] = Result(ok, ret);
        }
    }

    /// @notice The ETH balance of addr, in wei.
    function getEthBalance(address addr) public view returns (uint256 balance) {
        balance = addr.balance;
    }

    /// @notice The number of the block the call runs in.
    function getBlockNumber() public view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    /// @notice The hash of block blockNumber (zero beyond the last 256 blocks).
    function getBlockHash(uint256 blockNumber) public view returns (bytes32 blockHash) {
        blockHash = blockhash(blockNumber);
    }

    /// @notice The timestamp of the block the call runs in.
    function getCurrentBlockTimestamp() public view returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    /// @notice The chain id.
    function getChainId() public view returns (uint256 chainid) {
        chainid = block.chainid;
    }
}
