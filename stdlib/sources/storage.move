/// The executing contract's persistent and transient storage, held in the host's journal
/// (`runtime-shim/src/natives/storage.rs`): one state key per slot, so two transactions
/// conflict only on the slots they both touch. Words as in `arith.move`.
module evmove::storage {
    /// The value of slot `key`, zero if never written (SLOAD).
    public native fun sload(key_hi: u128, key_lo: u128): (u128, u128);

    /// Sets slot `key` to `value`; in a static call this ends the frame exceptionally (SSTORE).
    public native fun sstore(key_hi: u128, key_lo: u128, value_hi: u128, value_lo: u128);

    /// The value of transient slot `key`, zero if not written in this transaction (TLOAD).
    public native fun tload(key_hi: u128, key_lo: u128): (u128, u128);

    /// Sets transient slot `key`; in a static call this ends the frame exceptionally (TSTORE).
    public native fun tstore(key_hi: u128, key_lo: u128, value_hi: u128, value_lo: u128);
}
