/// Charging the frame's gas (`runtime-shim/src/natives/gas.rs`). Transpiled code calls
/// `charge` at the start of every straight-line section of EVM code with the section's
/// static gas, summed at compile time, and `charge_exp` before every EXP. A charge beyond the
/// gas left halts the frame out of gas.
module evmove::gas {
    /// Charges `gas`.
    public native fun charge(gas: u64);

    /// Charges EXP's dynamic gas for the exponent, per byte at the block's fork's price (10,
    /// then 50 from EIP-160).
    public native fun charge_exp(exponent_hi: u128, exponent_lo: u128);
}
