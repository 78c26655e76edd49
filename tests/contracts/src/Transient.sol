// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TransientUser
/// @notice EIP-1153 transient storage (the `transient` keyword and raw
/// TSTORE/TLOAD), EIP-5656 MCOPY, and a DELEGATECALL-based multicall so
/// several calls can share one transaction's transient state.
contract TransientUser {
    /// Reentrancy lock that lives only for the current transaction.
    bool transient private _locked;

    /// Address that entered the locked section (transient, value type).
    address transient private _enteredBy;

    /// Raw transient slot for a per-transaction counter.
    bytes32 private constant COUNTER_SLOT = keccak256("evmove.TransientUser.counter");

    /// Persistent storage, to contrast with the transient values.
    uint256 public calls;

    event Counted(uint256 value);

    error Reentrancy();
    error SliceOutOfBounds(uint256 start, uint256 length, uint256 dataLength);

    modifier lock() {
        if (_locked) revert Reentrancy();
        _locked = true;
        _enteredBy = msg.sender;
        _;
        _locked = false;
        _enteredBy = address(0);
    }

    // ---- transient keyword --------------------------------------------------

    function isLocked() external view returns (bool) {
        return _locked;
    }

    function ping() external lock returns (address) {
        calls++;
        return _enteredBy;
    }

    /// Re-enters `ping` through an external self-call while locked; the
    /// nested call reverts with Reentrancy() and we report that it did.
    function tryReenter() external lock returns (bool blocked, bytes memory reason) {
        calls++;
        try this.ping() {
            blocked = false;
        } catch (bytes memory data) {
            blocked = true;
            reason = data;
        }
    }

    /// Same, but lets the nested revert bubble up (whole call reverts).
    function reenterOrRevert() external lock {
        this.ping();
    }

    // ---- raw TSTORE / TLOAD -----------------------------------------------

    function _bump() internal returns (uint256 next) {
        bytes32 slot = COUNTER_SLOT;
        assembly {
            next := add(tload(slot), 1)
            tstore(slot, next)
        }
    }

    /// Increments the transaction-scoped counter and returns it.
    function bump() external returns (uint256 value) {
        value = _bump();
        emit Counted(value);
    }

    /// Increments `n` times within one call and reads the total back.
    function bumpTimes(uint256 n) external returns (uint256) {
        require(n <= 1000, "TransientUser: too many");
        for (uint256 i = 0; i < n; i++) {
            _bump();
        }
        return counter();
    }

    /// Current counter value: 0 at the start of every transaction.
    function counter() public view returns (uint256 value) {
        bytes32 slot = COUNTER_SLOT;
        assembly {
            value := tload(slot)
        }
    }

    /// Writes `value` under `key` in transient storage and reads it back.
    function stashAndLoad(bytes32 key, uint256 value) external returns (uint256 loaded) {
        assembly {
            tstore(key, value)
            loaded := tload(key)
        }
    }

    function loadTransient(bytes32 key) external view returns (uint256 value) {
        assembly {
            value := tload(key)
        }
    }

    // ---- multicall ----------------------------------------------------------

    /// Runs each call against this contract via DELEGATECALL, in one
    /// transaction, so transient values carry over between them. A failing
    /// call bubbles its revert data up unchanged.
    function multicall(bytes[] calldata data) external returns (bytes[] memory results) {
        results = new bytes[](data.length);
        for (uint256 i = 0; i < data.length; i++) {
            (bool ok, bytes memory result) = address(this).delegatecall(data[i]);
            if (!ok) {
                assembly {
                    revert(add(result, 0x20), mload(result))
                }
            }
            results[i] = result;
        }
    }

    // ---- MCOPY ----------------------------------------------------------------

    /// Copies `data` into a fresh buffer with a single MCOPY.
    function copy(bytes memory data) external pure returns (bytes memory out) {
        uint256 len = data.length;
        out = new bytes(len);
        assembly {
            mcopy(add(out, 0x20), add(data, 0x20), len)
        }
    }

    /// Returns data[start : start + len] (memory slice via MCOPY).
    function slice(bytes memory data, uint256 start, uint256 len) public pure returns (bytes memory out) {
        if (start > data.length || len > data.length - start) {
            revert SliceOutOfBounds(start, len, data.length);
        }
        out = new bytes(len);
        assembly {
            mcopy(add(out, 0x20), add(add(data, 0x20), start), len)
        }
    }

    /// Drops the first `n` bytes in place with an overlapping MCOPY
    /// (memmove semantics), then shortens the length word.
    function dropFront(bytes memory data, uint256 n) external pure returns (bytes memory) {
        require(n <= data.length, "TransientUser: n > length");
        uint256 remaining = data.length - n;
        assembly {
            let base := add(data, 0x20)
            mcopy(base, add(base, n), remaining)
            mstore(data, remaining)
        }
        return data;
    }

    /// Calldata slice syntax: returns the slice as a new memory bytes.
    function calldataSlice(bytes calldata data, uint256 start, uint256 end) external pure returns (bytes memory) {
        require(start <= end && end <= data.length, "TransientUser: bad range");
        return data[start:end];
    }

    /// Concatenation of two memory buffers (compiler-generated copies).
    function join(bytes memory a, bytes memory b) external pure returns (bytes memory) {
        return bytes.concat(a, b);
    }
}
