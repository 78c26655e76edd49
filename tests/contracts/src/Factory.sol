// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Child
/// @notice Deployed by Factory. All configuration lives in immutables, which
/// the constructor writes into the runtime code it returns.
contract Child {
    address public immutable owner;
    address public immutable factory;
    uint256 public immutable seed;
    uint256 public immutable seedSquared;

    uint256 public counter;

    event Bumped(address indexed by, uint256 newCounter);

    error NotOwner(address caller);

    constructor(address owner_, uint256 seed_) {
        require(owner_ != address(0), "Child: zero owner");
        owner = owner_;
        factory = msg.sender;
        seed = seed_;
        // Wraps deliberately so any seed is accepted.
        unchecked {
            seedSquared = seed_ * seed_;
        }
    }

    /// Mixes immutables with storage and call context.
    function describe() external view returns (address, address, uint256, uint256) {
        return (owner, factory, seed, counter);
    }

    function fingerprint() external view returns (bytes32) {
        return keccak256(abi.encode(owner, factory, seed, seedSquared, address(this)));
    }

    /// Owner-only state change; returns the new counter value.
    function bump(uint256 by) external returns (uint256) {
        if (msg.sender != owner && msg.sender != factory) revert NotOwner(msg.sender);
        counter += by;
        emit Bumped(msg.sender, counter);
        return counter;
    }
}

/// @title Factory
/// @notice Deploys Child contracts with CREATE and CREATE2, predicts CREATE2
/// addresses and calls into the children it made.
contract Factory {
    address[] public children;
    mapping(address => bool) public isChild;

    event ChildCreated(address indexed child, address indexed owner, bytes32 indexed salt, uint256 seed, bool viaCreate2);

    error UnknownChild(address child);

    function create(uint256 seed) external returns (address) {
        Child child = new Child(msg.sender, seed);
        _record(address(child), seed, bytes32(0), false);
        return address(child);
    }

    function create2(uint256 seed, bytes32 salt) external returns (address) {
        Child child = new Child{salt: salt}(msg.sender, seed);
        _record(address(child), seed, salt, true);
        return address(child);
    }

    /// CREATE2 address for `create2(seed, salt)` called by msg.sender.
    function predict(uint256 seed, bytes32 salt) external view returns (address) {
        return predictFor(msg.sender, seed, salt);
    }

    function predictFor(address owner, uint256 seed, bytes32 salt) public view returns (address) {
        bytes memory initCode = abi.encodePacked(type(Child).creationCode, abi.encode(owner, seed));
        bytes32 hash = keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, keccak256(initCode)));
        return address(uint160(uint256(hash)));
    }

    function childCount() external view returns (uint256) {
        return children.length;
    }

    /// Cross-contract call with a return value: bump a child we created.
    function bumpChild(address child, uint256 by) external returns (uint256) {
        if (!isChild[child]) revert UnknownChild(child);
        return Child(child).bump(by);
    }

    /// Reads several immutables of a child through external view calls.
    function childSeedSquared(uint256 index) external view returns (uint256 seed, uint256 squared) {
        Child child = Child(children[index]); // panics 0x32 when out of range
        seed = child.seed();
        squared = child.seedSquared();
    }

    function _record(address child, uint256 seed, bytes32 salt, bool viaCreate2) private {
        children.push(child);
        isChild[child] = true;
        emit ChildCreated(child, msg.sender, salt, seed, viaCreate2);
    }
}
