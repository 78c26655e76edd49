/// The natives that reach the host, each charging the static gas of its section of EVM code
/// first (`runtime-shim/src/natives/frame.rs`): `charged::mstore(..., charge)` is
/// `gas::charge(charge)` then `memory::mstore(...)` in one native call. Each takes its
/// native's arguments, then `charge`, an encoded charge (its gas, and the fork its section
/// needs in the top byte: a block of an older fork halts as revm halts an opcode not yet
/// activated), and gives back what its native does. The lowering calls one where a section's
/// charge is followed by its native with nothing between that could halt or observe the gas
/// (`evmove_word::shim::natives` derives these rows from the natives').
module evmove::charged {
    // evmove::memory
    public native fun mload(offset_hi: u128, offset_lo: u128, charge: u64): (u128, u128);
    public native fun mstore(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    public native fun mstore8(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    public native fun msize(charge: u64): u128;
    public native fun mcopy(
        dest_hi: u128, dest_lo: u128, source_hi: u128, source_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun keccak256(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun keccak_slot(
        key_hi: u128, key_lo: u128, slot_hi: u128, slot_lo: u128, charge: u64
    ): (u128, u128);
    public native fun init_free_pointer(charge: u64);
    public native fun keccak_key(key_hi: u128, key_lo: u128, charge: u64): (u128, u128);
    // evmove::storage
    public native fun sload(key_hi: u128, key_lo: u128, charge: u64): (u128, u128);
    public native fun sstore(
        key_hi: u128, key_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    public native fun tload(key_hi: u128, key_lo: u128, charge: u64): (u128, u128);
    public native fun tstore(
        key_hi: u128, key_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    // evmove::env
    public native fun self_address(charge: u64): (u128, u128);
    public native fun origin(charge: u64): (u128, u128);
    public native fun caller(charge: u64): (u128, u128);
    public native fun callvalue(charge: u64): (u128, u128);
    public native fun no_callvalue(charge: u64): bool;
    public native fun calldatasize(charge: u64): u128;
    public native fun codesize(charge: u64): u128;
    public native fun gasprice(charge: u64): (u128, u128);
    public native fun returndatasize(charge: u64): u128;
    public native fun coinbase(charge: u64): (u128, u128);
    public native fun timestamp(charge: u64): (u128, u128);
    public native fun number(charge: u64): (u128, u128);
    public native fun prevrandao(charge: u64): (u128, u128);
    public native fun gaslimit(charge: u64): (u128, u128);
    public native fun chainid(charge: u64): (u128, u128);
    public native fun selfbalance(charge: u64): (u128, u128);
    public native fun basefee(charge: u64): (u128, u128);
    public native fun blobbasefee(charge: u64): (u128, u128);
    public native fun gas(charge: u64): (u128, u128);
    public native fun balance(address_hi: u128, address_lo: u128, charge: u64): (u128, u128);
    public native fun calldataload(offset_hi: u128, offset_lo: u128, charge: u64): (u128, u128);
    public native fun selector(charge: u64): u128;
    public native fun extcodesize(address_hi: u128, address_lo: u128, charge: u64): u128;
    public native fun extcodehash(address_hi: u128, address_lo: u128, charge: u64): (u128, u128);
    public native fun blockhash(number_hi: u128, number_lo: u128, charge: u64): (u128, u128);
    public native fun blobhash(index_hi: u128, index_lo: u128, charge: u64): (u128, u128);
    public native fun calldatacopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun codecopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun returndatacopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun extcodecopy(
        address_hi: u128, address_lo: u128, dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    // evmove::log
    public native fun log0(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun log1(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, topic1_hi: u128, topic1_lo: u128, charge: u64
    );
    public native fun log2(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, charge: u64
    );
    public native fun log3(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128, charge: u64
    );
    public native fun log4(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128, topic4_hi: u128, topic4_lo: u128, charge: u64
    );
    public native fun log0_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    public native fun log1_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, topic1_hi: u128, topic1_lo: u128, charge: u64
    );
    public native fun log2_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, charge: u64
    );
    public native fun log3_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128, charge: u64
    );
    public native fun log4_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, topic1_hi: u128, topic1_lo: u128, topic2_hi: u128, topic2_lo: u128, topic3_hi: u128, topic3_lo: u128, topic4_hi: u128, topic4_lo: u128, charge: u64
    );
    // evmove::halt
    public native fun stop(charge: u64);
    public native fun ret(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun revert(
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    );
    public native fun invalid(charge: u64);
    public native fun selfdestruct(beneficiary_hi: u128, beneficiary_lo: u128, charge: u64);
    public native fun ret_word(
        offset_hi: u128, offset_lo: u128, value_hi: u128, value_lo: u128, charge: u64
    );
    // evmove::call
    public native fun call(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128, value_hi: u128, value_lo: u128, args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun callcode(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128, value_hi: u128, value_lo: u128, args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun delegatecall(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128, args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun staticcall(
        gas_hi: u128, gas_lo: u128, address_hi: u128, address_lo: u128, args_offset_hi: u128, args_offset_lo: u128, args_size_hi: u128, args_size_lo: u128, ret_offset_hi: u128, ret_offset_lo: u128, ret_size_hi: u128, ret_size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun create(
        value_hi: u128, value_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, charge: u64
    ): (u128, u128);
    public native fun create2(
        value_hi: u128, value_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128, salt_hi: u128, salt_lo: u128, charge: u64
    ): (u128, u128);
}
