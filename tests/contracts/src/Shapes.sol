// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// ABI shapes for typed entry functions: dynamic and fixed arrays (nested, of addresses, of
/// byte strings and strings), structs as parameters and results, arrays of structs with
/// dynamic members, in storage and in pure functions.
contract Shapes {
    struct Point {
        int64 x;
        int64 y;
    }

    struct Order {
        address owner;
        uint96 amount;
        bytes32 tag;
    }

    struct Batch {
        string label;
        uint256[] values;
        Point origin;
    }

    address[] internal members;
    mapping(address => uint256) public weights;
    Order[] internal orders;

    event MembersAdded(address[] added, uint256 total);
    event OrderPlaced(uint256 indexed id, address indexed owner, uint96 amount);

    error EmptyOrder(uint256 index);

    // ---- arrays in storage -------------------------------------------------

    function addMembers(address[] calldata added) external returns (uint256 total) {
        for (uint256 i = 0; i < added.length; i++) {
            members.push(added[i]);
            weights[added[i]] += 1;
        }
        emit MembersAdded(added, members.length);
        return members.length;
    }

    function getMembers() external view returns (address[] memory) {
        return members;
    }

    function setWeights(address[] calldata who, uint256[] calldata amounts) external {
        require(who.length == amounts.length, "length mismatch");
        for (uint256 i = 0; i < who.length; i++) {
            weights[who[i]] = amounts[i];
        }
    }

    function weightsOf(address[] calldata who) external view returns (uint256[] memory out) {
        out = new uint256[](who.length);
        for (uint256 i = 0; i < who.length; i++) {
            out[i] = weights[who[i]];
        }
    }

    // ---- nested and fixed arrays --------------------------------------------

    function sumNested(uint256[][] calldata rows) external pure returns (uint256 total, uint256[] memory rowSums) {
        rowSums = new uint256[](rows.length);
        unchecked {
            for (uint256 i = 0; i < rows.length; i++) {
                for (uint256 j = 0; j < rows[i].length; j++) {
                    rowSums[i] += rows[i][j];
                }
                total += rowSums[i];
            }
        }
    }

    function transpose(uint8[3][2] calldata m) external pure returns (uint8[2][3] memory t) {
        for (uint256 i = 0; i < 2; i++) {
            for (uint256 j = 0; j < 3; j++) {
                t[j][i] = m[i][j];
            }
        }
    }

    function swapPair(address[2] calldata pair) external pure returns (address[2] memory swapped, bool same) {
        swapped = [pair[1], pair[0]];
        same = pair[0] == pair[1];
    }

    /// A loop whose body calls one helper from two places: via-IR code returns from it to
    /// two different labels, which the lifter must tell apart by the return label.
    function extremes(int16[4] calldata xs) external pure returns (int16 min, int16 max, bytes4[2] memory tags) {
        min = xs[0];
        max = xs[0];
        for (uint256 i = 1; i < 4; i++) {
            if (xs[i] < min) min = xs[i];
            if (xs[i] > max) max = xs[i];
        }
        tags = [bytes4(uint32(uint16(min))), bytes4(uint32(uint16(max)))];
    }

    function growRows(uint64[][2] calldata rows, uint64 extra) external pure returns (uint64[][] memory grown) {
        grown = new uint64[][](2);
        for (uint256 i = 0; i < 2; i++) {
            grown[i] = new uint64[](rows[i].length + 1);
            for (uint256 j = 0; j < rows[i].length; j++) {
                grown[i][j] = rows[i][j];
            }
            grown[i][rows[i].length] = extra;
        }
    }

    // ---- arrays of byte strings ---------------------------------------------

    function concatAll(bytes[] calldata parts) external pure returns (bytes memory joined, uint256[] memory lengths) {
        lengths = new uint256[](parts.length);
        for (uint256 i = 0; i < parts.length; i++) {
            joined = bytes.concat(joined, parts[i]);
            lengths[i] = parts[i].length;
        }
    }

    function reverseWords(string[] calldata words) external pure returns (string[] memory reversed) {
        reversed = new string[](words.length);
        for (uint256 i = 0; i < words.length; i++) {
            reversed[words.length - 1 - i] = words[i];
        }
    }

    // ---- structs -------------------------------------------------------------

    function midpoint(Point calldata a, Point calldata b) external pure returns (Point memory) {
        return Point(int64((int128(a.x) + b.x) / 2), int64((int128(a.y) + b.y) / 2));
    }

    function placeOrder(Order calldata order) external returns (uint256 id) {
        if (order.amount == 0) revert EmptyOrder(0);
        id = orders.length;
        orders.push(order);
        emit OrderPlaced(id, order.owner, order.amount);
    }

    function placeOrders(Order[] calldata batch) external returns (uint256 count) {
        for (uint256 i = 0; i < batch.length; i++) {
            if (batch[i].amount == 0) revert EmptyOrder(i);
            orders.push(batch[i]);
            emit OrderPlaced(orders.length - 1, batch[i].owner, batch[i].amount);
        }
        return orders.length;
    }

    function getOrder(uint256 id) external view returns (Order memory) {
        return orders[id];
    }

    function getOrders() external view returns (Order[] memory) {
        return orders;
    }

    function summarize(Batch calldata batch) external pure returns (string memory label, uint256 count, uint256 sum, Point memory origin) {
        unchecked {
            for (uint256 i = 0; i < batch.values.length; i++) {
                sum += batch.values[i];
            }
        }
        return (batch.label, batch.values.length, sum, batch.origin);
    }

    function shiftBatches(Batch[] calldata batches, int64 dx) external pure returns (Batch[] memory shifted) {
        shifted = new Batch[](batches.length);
        for (uint256 i = 0; i < batches.length; i++) {
            shifted[i] = batches[i];
            shifted[i].origin.x = int64(int128(batches[i].origin.x) + dx);
        }
    }
}
