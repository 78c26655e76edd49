/// Calls and creations (`runtime-shim/src/natives/call.rs`): each runs the target in a nested
/// execution of the same VM, under a checkpoint of the host's journal, and returns what the
/// EVM pushes (1 for success and 0 for failure; the new address or 0 for a creation). Return
/// data is kept for RETURNDATASIZE/RETURNDATACOPY. Operands in the EVM's order; words as in
/// `arith.move`; addresses are the low 160 bits of their word.
module evmove::call {
    /// CALL: run `address`'s code with `value` wei and `args_size` bytes of memory at
    /// `args_offset` as calldata; copy up to `ret_size` bytes of its return data to `ret_offset`.
    public native fun call(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128,
        value_hi: u128, value_lo: u128, args_offset_hi: u128, args_offset_lo: u128,
        args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128,
        ret_size_hi: u128, ret_size_lo: u128
    ): (u128, u128);

    /// CALLCODE: as `call`, but running `address`'s code on this contract's storage.
    public native fun callcode(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128,
        value_hi: u128, value_lo: u128, args_offset_hi: u128, args_offset_lo: u128,
        args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128,
        ret_size_hi: u128, ret_size_lo: u128
    ): (u128, u128);

    /// DELEGATECALL: `address`'s code in this frame's context (storage, caller, value).
    public native fun delegatecall(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128,
        args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128,
        ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128
    ): (u128, u128);

    /// STATICCALL: as `call` without value, and with every state change in the callee (and
    /// its callees) an exceptional halt.
    public native fun staticcall(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128,
        args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128,
        ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128
    ): (u128, u128);

    /// CREATE: run `size` bytes of memory at `offset` as initcode with `value` wei, at the
    /// address `keccak256(rlp([sender, nonce]))[12..]`; the new address, or 0 on failure.
    public native fun create(
        value_hi: u128, value_lo: u128, offset_hi: u128, offset_lo: u128,
        size_hi: u128, size_lo: u128
    ): (u128, u128);

    /// CREATE2: as `create`, at `keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12..]`.
    public native fun create2(
        value_hi: u128, value_lo: u128, offset_hi: u128, offset_lo: u128,
        size_hi: u128, size_lo: u128, salt_hi: u128, salt_lo: u128
    ): (u128, u128);
}
