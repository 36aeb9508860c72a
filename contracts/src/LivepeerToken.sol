// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./Manager.sol";

/// @title LivepeerToken (lpops test double)
/// @notice Minimal ERC-20 standing in for LPT. Simplified: the real token is an
///         OpenZeppelin ERC20 with role-based minting; here the deployer (owner) and
///         whichever contract the Controller lists as "Minter" may mint.
contract LivepeerToken {
    string public constant name = "Livepeer Token";
    string public constant symbol = "LPT";
    uint8 public constant decimals = 18;

    address public owner;
    IController public controller;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Mint(address indexed to, uint256 amount);
    event Burn(address indexed burner, uint256 value);

    constructor(address _controller) {
        owner = msg.sender;
        controller = IController(_controller);
    }

    function transfer(address _to, uint256 _value) external returns (bool) {
        _transfer(msg.sender, _to, _value);
        return true;
    }

    function approve(address _spender, uint256 _value) external returns (bool) {
        allowance[msg.sender][_spender] = _value;
        emit Approval(msg.sender, _spender, _value);
        return true;
    }

    function transferFrom(
        address _from,
        address _to,
        uint256 _value
    ) external returns (bool) {
        uint256 allowed = allowance[_from][msg.sender];
        require(allowed >= _value, "ERC20: insufficient allowance");
        if (allowed != type(uint256).max) {
            allowance[_from][msg.sender] = allowed - _value;
        }
        _transfer(_from, _to, _value);
        return true;
    }

    /// @notice Mint tokens. TEST-ONLY access rule: the owner or the registered Minter.
    function mint(address _to, uint256 _amount) external returns (bool) {
        require(
            msg.sender == owner || msg.sender == controller.getContract(keccak256("Minter")),
            "caller must be owner or Minter"
        );
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Mint(_to, _amount);
        emit Transfer(address(0), _to, _amount);
        return true;
    }

    /// @notice Burn the caller's tokens (used by the Minter when a transcoder is slashed).
    function burn(uint256 _amount) external {
        require(balanceOf[msg.sender] >= _amount, "ERC20: burn amount exceeds balance");
        balanceOf[msg.sender] -= _amount;
        totalSupply -= _amount;
        emit Burn(msg.sender, _amount);
        emit Transfer(msg.sender, address(0), _amount);
    }

    function _transfer(
        address _from,
        address _to,
        uint256 _value
    ) internal {
        require(_to != address(0), "ERC20: transfer to the zero address");
        require(balanceOf[_from] >= _value, "ERC20: transfer amount exceeds balance");
        balanceOf[_from] -= _value;
        balanceOf[_to] += _value;
        emit Transfer(_from, _to, _value);
    }
}
