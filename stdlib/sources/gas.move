/// Charging the frame's gas (`runtime-shim/src/natives/gas.rs`). Transpiled code calls
/// `charge` at the start of every straight-line section of EVM code with the section's
/// static gas, summed at compile time, and `charge_exp` before every EXP. A charge beyond the
/// gas left halts the frame out of gas. A loop that reaches no host native counts its
/// static gas in a `u64` local instead, from `gas_left` to `settle`.
module evmove::gas {
    /// Charges `gas`.
    public native fun charge(gas: u64);

    /// Charges EXP's dynamic gas for the exponent, per byte at the block's fork's price (10,
    /// then 50 from EIP-160).
    public native fun charge_exp(exponent_hi: u128, exponent_lo: u128);

    /// The gas the frame has left: code counting its static gas in a local starts there.
    public native fun gas_left(): u64;

    /// The block's fork (its number in revm's `SpecId`): code counting its static gas in a
    /// local checks its sections' forks against it.
    public native fun fork(): u64;

    /// Charges the frame down to `left`, what code counting its static gas in a local has
    /// left (never more than the frame has).
    public native fun settle(left: u64);
}
