// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

interface IERC20 {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title Pool
/// @notice A Uniswap-v2-style constant-product pool of two ERC20 tokens with a 0.3% fee:
/// liquidity in and out by shares, swaps both ways with a slippage bound. Calls between
/// contracts on every operation (the tokens' transferFrom and transfer), immutables (the
/// token addresses), 256-bit multiplications and divisions, a Babylonian square root.
contract Pool {
    IERC20 public immutable token0;
    IERC20 public immutable token1;

    uint256 public reserve0;
    uint256 public reserve1;
    uint256 public totalShares;
    mapping(address => uint256) public shares;

    event Mint(address indexed provider, uint256 amount0, uint256 amount1, uint256 minted);
    event Burn(address indexed provider, uint256 amount0, uint256 amount1, uint256 burned);
    event Swap(address indexed trader, bool zeroForOne, uint256 amountIn, uint256 amountOut);

    error Slippage(uint256 amountOut, uint256 minOut);
    error NoLiquidity();

    constructor(IERC20 token0_, IERC20 token1_) {
        token0 = token0_;
        token1 = token1_;
    }

    /// What a swap of `amountIn` gives with reserves `reserveIn` and `reserveOut`.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut)
        public
        pure
        returns (uint256)
    {
        require(amountIn > 0, "Pool: zero input");
        if (reserveIn == 0 || reserveOut == 0) revert NoLiquidity();
        uint256 withFee = amountIn * 997;
        return (withFee * reserveOut) / (reserveIn * 1000 + withFee);
    }

    function addLiquidity(uint256 amount0, uint256 amount1) external returns (uint256 minted) {
        token0.transferFrom(msg.sender, address(this), amount0);
        token1.transferFrom(msg.sender, address(this), amount1);
        if (totalShares == 0) {
            minted = sqrt(amount0 * amount1);
        } else {
            uint256 by0 = (amount0 * totalShares) / reserve0;
            uint256 by1 = (amount1 * totalShares) / reserve1;
            minted = by0 < by1 ? by0 : by1;
        }
        require(minted > 0, "Pool: nothing minted");
        shares[msg.sender] += minted;
        totalShares += minted;
        reserve0 += amount0;
        reserve1 += amount1;
        emit Mint(msg.sender, amount0, amount1, minted);
    }

    function removeLiquidity(uint256 burned) external returns (uint256 amount0, uint256 amount1) {
        amount0 = (burned * reserve0) / totalShares;
        amount1 = (burned * reserve1) / totalShares;
        shares[msg.sender] -= burned;
        totalShares -= burned;
        reserve0 -= amount0;
        reserve1 -= amount1;
        token0.transfer(msg.sender, amount0);
        token1.transfer(msg.sender, amount1);
        emit Burn(msg.sender, amount0, amount1, burned);
    }

    /// Swaps `amountIn` of token0 for token1 (`zeroForOne`) or the other way; at least
    /// `minOut` must come out.
    function swap(bool zeroForOne, uint256 amountIn, uint256 minOut)
        external
        returns (uint256 amountOut)
    {
        (IERC20 tokenIn, IERC20 tokenOut) = zeroForOne ? (token0, token1) : (token1, token0);
        (uint256 reserveIn, uint256 reserveOut) =
            zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        amountOut = getAmountOut(amountIn, reserveIn, reserveOut);
        if (amountOut < minOut) revert Slippage(amountOut, minOut);
        tokenIn.transferFrom(msg.sender, address(this), amountIn);
        tokenOut.transfer(msg.sender, amountOut);
        if (zeroForOne) {
            reserve0 = reserveIn + amountIn;
            reserve1 = reserveOut - amountOut;
        } else {
            reserve1 = reserveIn + amountIn;
            reserve0 = reserveOut - amountOut;
        }
        emit Swap(msg.sender, zeroForOne, amountIn, amountOut);
    }

    function sqrt(uint256 y) internal pure returns (uint256 z) {
        if (y > 3) {
            z = y;
            uint256 x = y / 2 + 1;
            while (x < z) {
                z = x;
                x = (y / x + x) / 2;
            }
        } else if (y != 0) {
            z = 1;
        }
    }
}
