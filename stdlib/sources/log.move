/// Logs (LOG0 to LOG4), collected by the host in order and dropped if the frame reverts
/// (`runtime-shim/src/natives/log.rs`). The data is `size` bytes of memory at `offset`;
/// topics come in the EVM's order. In a static call a log ends the frame exceptionally.
module evmove::log {
    /// LOG0.
    public native fun log0(offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128);

    /// LOG1.
    public native fun log1(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128,
        topic1_hi: u128, topic1_lo: u128
    );

    /// LOG2.
    public native fun log2(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128
    );

    /// LOG3.
    public native fun log3(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128,
        topic3_hi: u128, topic3_lo: u128
    );

    /// LOG4.
    public native fun log4(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128,
        topic3_hi: u128, topic3_lo: u128, topic4_hi: u128, topic4_lo: u128
    );

    /// Writes `value` at `offset`, then LOG0 of those 32 bytes: `mstore(offset, value)
    /// log0(offset, 32, ...)`, an event with one word of data.
    public native fun log0_word(offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128);

    /// Writes `value` at `offset`, then LOG1 of those 32 bytes: `mstore(offset, value)
    /// log1(offset, 32, ...)`, an event with one word of data.
    public native fun log1_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128,
        topic1_hi: u128, topic1_lo: u128
    );

    /// Writes `value` at `offset`, then LOG2 of those 32 bytes: `mstore(offset, value)
    /// log2(offset, 32, ...)`, an event with one word of data.
    public native fun log2_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128
    );

    /// Writes `value` at `offset`, then LOG3 of those 32 bytes: `mstore(offset, value)
    /// log3(offset, 32, ...)`, an event with one word of data.
    public native fun log3_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128
    );

    /// Writes `value` at `offset`, then LOG4 of those 32 bytes: `mstore(offset, value)
    /// log4(offset, 32, ...)`, an event with one word of data.
    public native fun log4_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128,
        topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128, topic4_hi: u128, topic4_lo: u128
    );
}
