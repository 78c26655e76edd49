// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

error MulDivOverflow(uint256 a, uint256 b, uint256 denominator);

/// @title FullMath
/// @notice 512-bit multiply-then-divide without intermediate overflow
/// (Remco Bloemen's method, as used by Uniswap v3).
library FullMath {
    /// floor(a * b / denominator) with full precision. Reverts if
    /// denominator is zero or the result does not fit in 256 bits.
    function mulDiv(uint256 a, uint256 b, uint256 denominator) internal pure returns (uint256 result) {
        unchecked {
            // 512-bit product [prod1 prod0] = a * b, computed with the
            // Chinese remainder theorem on mod 2^256 and mod 2^256 - 1.
            uint256 prod0;
            uint256 prod1;
            assembly {
                let mm := mulmod(a, b, not(0))
                prod0 := mul(a, b)
                prod1 := sub(sub(mm, prod0), lt(mm, prod0))
            }

            // Short path: the product fits in 256 bits.
            if (prod1 == 0) {
                if (denominator == 0) revert MulDivOverflow(a, b, denominator);
                assembly {
                    result := div(prod0, denominator)
                }
                return result;
            }

            // The result must fit in 256 bits (this also rejects denominator == 0).
            if (denominator <= prod1) revert MulDivOverflow(a, b, denominator);

            // Subtract the remainder to make [prod1 prod0] divisible by denominator.
            uint256 remainder;
            assembly {
                remainder := mulmod(a, b, denominator)
                prod1 := sub(prod1, gt(remainder, prod0))
                prod0 := sub(prod0, remainder)
            }

            // Factor the largest power of two out of denominator.
            uint256 twos = (0 - denominator) & denominator;
            assembly {
                denominator := div(denominator, twos)
                prod0 := div(prod0, twos)
                // twos := 2^256 / twos
                twos := add(div(sub(0, twos), twos), 1)
            }
            prod0 |= prod1 * twos;

            // Modular inverse of the (now odd) denominator mod 2^256 by
            // Newton-Raphson: correct to 4 bits, each step doubles that.
            uint256 inv = (3 * denominator) ^ 2;
            inv *= 2 - denominator * inv; // 8 bits
            inv *= 2 - denominator * inv; // 16 bits
            inv *= 2 - denominator * inv; // 32 bits
            inv *= 2 - denominator * inv; // 64 bits
            inv *= 2 - denominator * inv; // 128 bits
            inv *= 2 - denominator * inv; // 256 bits

            result = prod0 * inv;
        }
    }

    /// ceil(a * b / denominator) with full precision.
    function mulDivRoundingUp(uint256 a, uint256 b, uint256 denominator) internal pure returns (uint256 result) {
        result = mulDiv(a, b, denominator);
        if (mulmod(a, b, denominator) > 0) {
            require(result < type(uint256).max, "FullMath: rounding overflow");
            unchecked {
                result++;
            }
        }
    }
}

/// @title SignedMath
/// @notice Helpers over int256 (SDIV, SMOD, SAR, SLT/SGT heavy).
library SignedMath {
    /// |n| as uint256; well defined for type(int256).min.
    function abs(int256 n) internal pure returns (uint256) {
        unchecked {
            return uint256(n >= 0 ? n : -n);
        }
    }

    /// Average rounded towards zero, without overflow.
    function average(int256 a, int256 b) internal pure returns (int256) {
        // (a & b) + (a ^ b) / 2 rounds towards negative infinity...
        int256 x = (a & b) + ((a ^ b) >> 1);
        // ...so add 1 when the result is negative and a + b is odd.
        return x + (int256(uint256(x) >> 255) & (a ^ b));
    }

    function max(int256 a, int256 b) internal pure returns (int256) {
        return a > b ? a : b;
    }

    function min(int256 a, int256 b) internal pure returns (int256) {
        return a < b ? a : b;
    }

    /// Checked signed division: panics 0x12 on zero, 0x11 on min / -1.
    function div(int256 a, int256 b) internal pure returns (int256) {
        return a / b;
    }

    /// Signed remainder; the sign follows the dividend.
    function mod(int256 a, int256 b) internal pure returns (int256) {
        return a % b;
    }
}

/// @title MathHarness
/// @notice Exposes arithmetic corner cases as external pure functions.
contract MathHarness {
    using SignedMath for int256;

    // ---- full precision -------------------------------------------------

    function mulDiv(uint256 a, uint256 b, uint256 denominator) external pure returns (uint256) {
        return FullMath.mulDiv(a, b, denominator);
    }

    function mulDivRoundingUp(uint256 a, uint256 b, uint256 denominator) external pure returns (uint256) {
        return FullMath.mulDivRoundingUp(a, b, denominator);
    }

    /// (a + b) % m without wrap-around; panics 0x12 when m == 0.
    function addMod(uint256 a, uint256 b, uint256 m) external pure returns (uint256) {
        return addmod(a, b, m);
    }

    /// (a * b) % m without wrap-around; panics 0x12 when m == 0.
    function mulMod(uint256 a, uint256 b, uint256 m) external pure returns (uint256) {
        return mulmod(a, b, m);
    }

    // ---- exponentiation ---------------------------------------------------

    /// Checked: panics 0x11 on overflow.
    function pow(uint256 base, uint256 exponent) external pure returns (uint256) {
        return base ** exponent;
    }

    /// Wraps modulo 2^256 (plain EXP).
    function powUnchecked(uint256 base, uint256 exponent) external pure returns (uint256) {
        unchecked {
            return base ** exponent;
        }
    }

    /// Checked exponentiation on a narrow type: overflow is checked at 8 bits.
    function powU8(uint8 base, uint8 exponent) external pure returns (uint8) {
        return base ** exponent;
    }

    // ---- shifts -----------------------------------------------------------

    function shiftLeft(uint256 x, uint256 bits) external pure returns (uint256) {
        return x << bits;
    }

    function shiftRight(uint256 x, uint256 bits) external pure returns (uint256) {
        return x >> bits;
    }

    /// Arithmetic shift: rounds towards negative infinity.
    function shiftRightSigned(int256 x, uint256 bits) external pure returns (int256) {
        return x >> bits;
    }

    /// Raw opcodes: shift amounts >= 256 give 0 (or -1 for SAR of negatives).
    function shlAsm(uint256 bits, uint256 x) external pure returns (uint256 r) {
        assembly {
            r := shl(bits, x)
        }
    }

    function shrAsm(uint256 bits, uint256 x) external pure returns (uint256 r) {
        assembly {
            r := shr(bits, x)
        }
    }

    function sarAsm(uint256 bits, int256 x) external pure returns (int256 r) {
        assembly {
            r := sar(bits, x)
        }
    }

    // ---- signed arithmetic --------------------------------------------------

    /// Panics 0x12 on b == 0 and 0x11 on type(int256).min / -1.
    function sdiv(int256 a, int256 b) external pure returns (int256) {
        return a.div(b);
    }

    /// Panics 0x12 on b == 0.
    function smod(int256 a, int256 b) external pure returns (int256) {
        return a.mod(b);
    }

    /// Wrapping division: type(int256).min / -1 == type(int256).min.
    /// Division by zero still panics (cannot be unchecked).
    function sdivUnchecked(int256 a, int256 b) external pure returns (int256) {
        unchecked {
            return a / b;
        }
    }

    /// Raw SDIV/SMOD: division by zero yields 0 instead of reverting.
    function sdivAsm(int256 a, int256 b) external pure returns (int256 q, int256 r) {
        assembly {
            q := sdiv(a, b)
            r := smod(a, b)
        }
    }

    /// Checked negation: panics 0x11 for type(int256).min.
    function negate(int256 a) external pure returns (int256) {
        return -a;
    }

    function abs(int256 a) external pure returns (uint256) {
        return a.abs();
    }

    function average(int256 a, int256 b) external pure returns (int256) {
        return a.average(b);
    }

    function clamp(int256 x, int256 lo, int256 hi) external pure returns (int256) {
        require(lo <= hi, "MathHarness: lo > hi");
        return x.max(lo).min(hi);
    }

    // ---- sign extension and bytes -----------------------------------------

    /// Truncates to the low 8 bits and sign-extends back.
    function toInt8AndBack(int256 x) external pure returns (int256) {
        return int256(int8(x));
    }

    /// Same with a 16-bit intermediate through uint256.
    function toInt16FromUint(uint256 x) external pure returns (int256) {
        return int256(int16(uint16(x)));
    }

    /// SIGNEXTEND(b, x): extend the sign bit of byte b (counting from the
    /// least significant); b >= 31 leaves x unchanged.
    function signExtendAsm(uint256 b, uint256 x) external pure returns (uint256 r) {
        assembly {
            r := signextend(b, x)
        }
    }

    /// BYTE(i, x): i-th byte counting from the most significant; 0 for i >= 32.
    function byteAt(uint256 i, uint256 x) external pure returns (uint256 r) {
        assembly {
            r := byte(i, x)
        }
    }

    /// Solidity-level bytes32 indexing: panics 0x32 for i >= 32.
    function bytes32At(bytes32 x, uint256 i) external pure returns (bytes1) {
        return x[i];
    }

    // ---- checked arithmetic panics ----------------------------------------

    /// Panics 0x11 on overflow.
    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }

    /// Panics 0x11 on underflow.
    function sub(uint256 a, uint256 b) external pure returns (uint256) {
        return a - b;
    }

    /// Panics 0x11 on overflow.
    function mul(uint256 a, uint256 b) external pure returns (uint256) {
        return a * b;
    }

    /// Narrow type: panics 0x11 past 255.
    function addU8(uint8 a, uint8 b) external pure returns (uint8) {
        return a + b;
    }

    /// Panics 0x12 on b == 0.
    function div(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    /// Panics 0x12 on b == 0.
    function mod(uint256 a, uint256 b) external pure returns (uint256) {
        return a % b;
    }

    // ---- loops ------------------------------------------------------------

    /// floor(sqrt(x)) by the Babylonian method.
    function sqrt(uint256 x) external pure returns (uint256) {
        if (x == 0) return 0;
        // Start above the root: 2^ceil(bits/2) >= sqrt(x).
        uint256 z = 1;
        for (uint256 shifted = x; shifted > 0; shifted >>= 2) {
            z <<= 1;
        }
        // Newton iterations decrease monotonically towards the root.
        while (true) {
            uint256 next = (z + x / z) >> 1;
            if (next >= z) break;
            z = next;
        }
        return z;
    }
}
