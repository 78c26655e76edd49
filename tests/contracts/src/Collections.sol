// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Collections
/// @notice Storage and memory arrays, strings, packed structs, mappings of
/// structs, loops and internal function pointers.
contract Collections {
    enum Op {
        Add,
        Mul,
        Max,
        Min,
        Xor
    }

    /// Packed storage: address (20 bytes) + uint96 (12) fill one slot,
    /// uint64 (8) + bool (1) share the next.
    struct Order {
        address owner;
        uint96 amount;
        uint64 deadline;
        bool filled;
    }

    uint256[] public values;
    string public note;

    Order[] public orders;
    /// Snapshot of each account's most recent order, taken when placed.
    mapping(address => Order) public lastOrderOf;
    mapping(address => uint256) public orderCountOf;

    event OrderPlaced(uint256 indexed id, address indexed owner, uint96 amount, uint64 deadline);
    event OrderFilled(uint256 indexed id, address indexed filler);
    /// Anonymous: no topic for the signature (LOG0).
    event ValuesSorted(uint256 length) anonymous;

    error OrderExpired(uint256 id, uint64 deadline, uint256 nowTs);
    error OrderAlreadyFilled(uint256 id);

    // ---- dynamic storage array --------------------------------------------

    function push(uint256 value) external {
        values.push(value);
    }

    function pushMany(uint256[] calldata items) external {
        for (uint256 i = 0; i < items.length; i++) {
            values.push(items[i]);
        }
    }

    /// Panics 0x31 when the array is empty.
    function pop() external returns (uint256 last) {
        uint256 len = values.length;
        if (len > 0) last = values[len - 1];
        values.pop(); // panics 0x31 on an empty array
    }

    function length() external view returns (uint256) {
        return values.length;
    }

    /// Panics 0x32 when `index` is out of bounds.
    function valueAt(uint256 index) external view returns (uint256) {
        return values[index];
    }

    /// Panics 0x32 when `index` is out of bounds.
    function setAt(uint256 index, uint256 value) external {
        values[index] = value;
    }

    /// Order-destroying removal: move the last element into the hole.
    function swapRemove(uint256 index) external {
        uint256 len = values.length;
        require(index < len, "Collections: index out of range");
        values[index] = values[len - 1];
        values.pop();
    }

    function sum() external view returns (uint256 total) {
        uint256 len = values.length;
        for (uint256 i = 0; i < len; i++) {
            total += values[i];
        }
    }

    function getValues() external view returns (uint256[] memory) {
        return values;
    }

    /// Insertion sort directly on the storage array.
    function sortValues() external {
        uint256 len = values.length;
        for (uint256 i = 1; i < len; i++) {
            uint256 key = values[i];
            uint256 j = i;
            while (j > 0 && values[j - 1] > key) {
                values[j] = values[j - 1];
                j--;
            }
            values[j] = key;
        }
        emit ValuesSorted(len);
    }

    function clear() external {
        delete values;
    }

    // ---- memory arrays and loops ------------------------------------------

    /// [start, start + step, ...] with `count` elements.
    function range(uint256 start, uint256 step, uint256 count) external pure returns (uint256[] memory out) {
        out = new uint256[](count);
        for (uint256 i = 0; i < count; i++) {
            out[i] = start + i * step;
        }
    }

    function reversed(uint256[] calldata items) external pure returns (uint256[] memory out) {
        uint256 n = items.length;
        out = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            out[n - 1 - i] = items[i];
        }
    }

    /// Steps of the Collatz sequence until reaching 1 (while loop).
    function collatzSteps(uint256 n) external pure returns (uint256 steps) {
        require(n > 0, "Collections: zero");
        while (n != 1) {
            n = n % 2 == 0 ? n / 2 : 3 * n + 1;
            steps++;
        }
    }

    /// Fixed-size memory array and nested loops: an n x n multiplication table
    /// flattened row by row (n <= 8).
    function multiplicationTable(uint256 n) external pure returns (uint256[] memory table) {
        require(n <= 8, "Collections: table too large");
        table = new uint256[](n * n);
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = 0; j < n; j++) {
                table[i * n + j] = (i + 1) * (j + 1);
            }
        }
    }

    // ---- strings ----------------------------------------------------------

    function greet(string calldata who) external pure returns (string memory) {
        return string.concat("Hello, ", who, "!");
    }

    function byteLength(string calldata s) external pure returns (uint256) {
        return bytes(s).length;
    }

    /// Panics 0x32 when `index` is out of bounds.
    function charAt(string calldata s, uint256 index) external pure returns (bytes1) {
        return bytes(s)[index];
    }

    /// ASCII upper-casing in a memory copy.
    function toUpper(string calldata s) external pure returns (string memory) {
        bytes memory b = bytes(s);
        for (uint256 i = 0; i < b.length; i++) {
            bytes1 c = b[i];
            if (c >= "a" && c <= "z") {
                b[i] = bytes1(uint8(c) - 32);
            }
        }
        return string(b);
    }

    function setNote(string calldata text) external {
        note = text;
    }

    function appendNote(string calldata text) external {
        note = string.concat(note, text);
    }

    function noteLength() external view returns (uint256) {
        return bytes(note).length;
    }

    function noteHash() external view returns (bytes32) {
        return keccak256(bytes(note));
    }

    // ---- structs ----------------------------------------------------------

    function placeOrder(uint96 amount, uint64 deadline) external returns (uint256 id) {
        require(amount > 0, "Collections: zero amount");
        Order memory order = Order({owner: msg.sender, amount: amount, deadline: deadline, filled: false});
        id = orders.length;
        orders.push(order);
        lastOrderOf[msg.sender] = order;
        orderCountOf[msg.sender]++;
        emit OrderPlaced(id, msg.sender, amount, deadline);
    }

    function fillOrder(uint256 id) external {
        Order storage order = orders[id]; // panics 0x32 for unknown ids
        if (order.filled) revert OrderAlreadyFilled(id);
        if (block.timestamp > order.deadline) revert OrderExpired(id, order.deadline, block.timestamp);
        order.filled = true;
        emit OrderFilled(id, msg.sender);
    }

    function getOrder(uint256 id) external view returns (Order memory) {
        return orders[id];
    }

    function orderCount() external view returns (uint256) {
        return orders.length;
    }

    /// Ids of all open orders of `owner` (two passes: count, then fill).
    function openOrdersOf(address owner) external view returns (uint256[] memory ids) {
        uint256 n;
        for (uint256 i = 0; i < orders.length; i++) {
            if (orders[i].owner == owner && !orders[i].filled) n++;
        }
        ids = new uint256[](n);
        uint256 k;
        for (uint256 i = 0; i < orders.length; i++) {
            if (orders[i].owner == owner && !orders[i].filled) ids[k++] = i;
        }
    }

    function totalOpenAmount() external view returns (uint256 total) {
        for (uint256 i = 0; i < orders.length; i++) {
            Order storage o = orders[i];
            if (!o.filled) total += o.amount;
        }
    }

    // ---- internal function pointers ---------------------------------------

    function _add(uint256 a, uint256 b) internal pure returns (uint256) {
        return a + b;
    }

    function _mul(uint256 a, uint256 b) internal pure returns (uint256) {
        return a * b;
    }

    function _max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    function _xor(uint256 a, uint256 b) internal pure returns (uint256) {
        return a ^ b;
    }

    function _opFor(Op op) internal pure returns (function(uint256, uint256) internal pure returns (uint256)) {
        if (op == Op.Add) return _add;
        if (op == Op.Mul) return _mul;
        if (op == Op.Max) return _max;
        if (op == Op.Min) return _min;
        return _xor;
    }

    function _fold(
        uint256[] memory items,
        uint256 init,
        function(uint256, uint256) internal pure returns (uint256) f
    ) internal pure returns (uint256 acc) {
        acc = init;
        for (uint256 i = 0; i < items.length; i++) {
            acc = f(acc, items[i]);
        }
    }

    /// `op` is a raw uint8: Op(op) panics 0x21 when op > 4.
    function fold(uint8 op, uint256 init, uint256[] calldata items) external pure returns (uint256) {
        return _fold(items, init, _opFor(Op(op)));
    }

    /// Typed enum argument: out-of-range values fail ABI decoding (empty revert).
    function applyOp(Op op, uint256 a, uint256 b) external pure returns (uint256) {
        return _opFor(op)(a, b);
    }

    /// Folds the storage array through a table of function pointers kept in memory.
    function foldValues(uint8 op) external view returns (uint256) {
        function(uint256, uint256) internal pure returns (uint256)[5] memory table = [_add, _mul, _max, _min, _xor];
        uint256 acc = op == uint8(Op.Mul) ? 1 : 0;
        // Index out of the table panics 0x32.
        function(uint256, uint256) internal pure returns (uint256) f = table[op];
        for (uint256 i = 0; i < values.length; i++) {
            acc = f(acc, values[i]);
        }
        return acc;
    }
}
