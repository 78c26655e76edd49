/// The executing frame's EVM memory, held by the host (`runtime-shim/src/natives/memory.rs`).
///
/// Words travel as two u128 halves, `hi` then `lo`, as in `arith.move`; operands are in the
/// EVM's order (the first is the top of the EVM stack). Memory grows as the EVM's does (to a
/// multiple of 32 bytes covering every byte touched, never for a zero-length access); an
/// access beyond what any gas limit could pay for ends the frame exceptionally.
module evmove::memory {
    /// The word at `offset` (MLOAD).
    public native fun mload(offset_hi: u128, offset_lo: u128): (u128, u128);

    /// Writes `value` at `offset`, big-endian (MSTORE).
    public native fun mstore(offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128);

    /// Writes the low byte of `value` at `offset` (MSTORE8).
    public native fun mstore8(offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128);

    /// The size of memory in bytes, a multiple of 32 (MSIZE): its low half alone, the high
    /// half zero (as `env::calldatasize`).
    public native fun msize(): u128;

    /// Copies `size` bytes from `source` to `dest`; the ranges may overlap (MCOPY).
    public native fun mcopy(
        dest_hi: u128, dest_lo: u128, source_hi: u128, source_lo: u128, size_hi: u128, size_lo: u128
    );

    /// The Keccak-256 hash of `size` bytes of memory at `offset` (KECCAK256).
    public native fun keccak256(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128
    ): (u128, u128);

    /// Writes 0x80 at 0x40: `mstore(0x40, 0x80)`, solc's free memory pointer, set where its
    /// code starts.
    public native fun init_free_pointer();

    /// Writes `key` at 0 and `slot` at 32, then gives the Keccak-256 hash of those 64 bytes:
    /// `mstore(0, key) mstore(32, slot) keccak256(0, 64)`, a mapping's storage slot.
    public native fun keccak_slot(
        key_hi: u128, key_lo: u128, slot_hi: u128, slot_lo: u128
    ): (u128, u128);

    /// Writes `key` at 0, then gives the Keccak-256 hash of the 64 bytes at 0:
    /// `mstore(0, key) keccak256(0, 64)`, a mapping's storage slot when the mapping's slot is
    /// still at 32 from the hash before.
    public native fun keccak_key(key_hi: u128, key_lo: u128): (u128, u128);
}
