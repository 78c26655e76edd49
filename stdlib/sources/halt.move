/// Ending the EVM frame (`runtime-shim/src/natives/halt.rs`).
///
/// Each native here records how the frame ended in the host and returns; the transpiled
/// code after it returns too, through every function that never returns up to the entry
/// (an EVM halt may happen deep inside internal functions), or, in a function that returns
/// words, aborts with code 0, which unwinds every Move frame of the EVM frame at once. The
/// host reads an entry returning, and an abort with code 0 (also that of a native failing
/// on the way, out of gas), as "ended as recorded". Transpiled code aborts directly, with a non-zero code, where the
/// front end found a fault (invalid jump, stack underflow or overflow): an exceptional halt
/// (state of the frame rolled back, all its gas consumed), as is running out of gas. Any
/// other abort, and any other Move runtime error, is evmove's failure, not the EVM's: the
/// whole transaction stops with an error (`TxError::Evmove`). Every code and its meaning is
/// in the shim table (`word/src/shim/abort.rs`).
module evmove::halt {
    /// STOP: success with empty return data.
    public native fun stop();

    /// RETURN: success with `size` bytes of memory at `offset` as return data.
    public native fun ret(offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128);

    /// REVERT: failure with `size` bytes of memory at `offset` as return data; the frame's
    /// state changes are rolled back.
    public native fun revert(offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128);

    /// INVALID (0xfe) and undefined opcodes: an exceptional halt.
    public native fun invalid();

    /// SELFDESTRUCT, with EIP-6780 semantics: the balance moves to `beneficiary`; the account
    /// is deleted only if it was created in the same transaction.
    public native fun selfdestruct(beneficiary_hi: u128, beneficiary_lo: u128);

    /// Writes `value` at `offset`, then RETURNs those 32 bytes: `mstore(offset, value)
    /// return(offset, 32)`, a function returning one word.
    public native fun ret_word(offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128);
}
