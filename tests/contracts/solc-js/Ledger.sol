// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Compiled at build time by solc-js (`tests/build.rs`), not by `compile.mjs`: a
/// constructor with arguments, an event, a custom error and an overloaded function, checked
/// through the generated bindings against revm (`tests/tests/corpus_bindings.rs`).
contract Ledger {
    error Overdrawn(address account, uint256 balance, uint256 wanted);

    event Moved(address indexed from, address indexed to, uint256 amount);

    string public label;
    mapping(address => uint256) public balanceOf;

    constructor(string memory label_, uint256 supply) {
        label = label_;
        balanceOf[msg.sender] = supply;
    }

    /// Pays one unit.
    function pay(address to) external returns (uint256) {
        return pay(to, 1);
    }

    /// Pays `amount`: the recipient's new balance.
    function pay(address to, uint256 amount) public returns (uint256) {
        uint256 balance = balanceOf[msg.sender];
        if (balance < amount) revert Overdrawn(msg.sender, balance, amount);
        balanceOf[msg.sender] = balance - amount;
        balanceOf[to] += amount;
        emit Moved(msg.sender, to, amount);
        return balanceOf[to];
    }
}
