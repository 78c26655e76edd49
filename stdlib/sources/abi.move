/// What the typed entry functions of transpiled modules (`transpiler/src/lower/typed.rs`) are
/// made of. A typed entry `transfer(contract: address, to: address, amount: U256): bool`
/// writes the selector and each argument's ABI word into the frame's memory (`put_*`), makes
/// an EVM CALL to `contract` with that calldata (`call`), and reads each result's word back
/// from the return data (`*_at`). The EVM code sees an ordinary call, from the frame the
/// typed entry runs in (its CALLER is that frame's address).
///
/// `bytes` and `string` are `vector<u8>` (a string's UTF-8 bytes); arrays and tuples have no
/// Move type here yet. Of the static types, `uintN` is `u8`, `u64`, `u128` or `U256`
/// (the narrowest that holds it; a value beyond N bits aborts), `intN` is a `U256` holding
/// the two's complement word (it must be sign-extended from N bits), `bytesN` is a `U256`
/// holding the left-aligned word (its low 32-N bytes must be zero), `bool` is `bool` and
/// `address` is `address` (Move addresses are 20 bytes in this build, as EVM ones).
module evmove::abi {
    use evmove::arith;
    use evmove::call;
    use evmove::env;
    use evmove::memory;
    use evmove::u256::{Self, U256};

    /// The call reverted or failed; the return data is what it gave.
    const E_REVERTED: u64 = 1;
    /// An argument does not fit its ABI type.
    const E_ARGUMENT_OUT_OF_RANGE: u64 = 2;
    /// A result word is not a value of its ABI type.
    const E_RESULT_OUT_OF_RANGE: u64 = 3;

    /// The word of an address: its 20 bytes, zero-extended.
    public native fun address_to_word(a: address): (u128, u128);

    /// The address in a word: its low 20 bytes (callers check the rest is zero).
    public native fun word_to_address(hi: u128, lo: u128): address;

    /// A dynamic (`bytes` or `string`) argument: writes `tail`, the offset of its encoding
    /// among the arguments, as argument `index`, and the encoding there (the length, then the
    /// bytes zero-padded to whole words); the offset after it.
    public native fun put_bytes(index: u64, tail: u64, data: vector<u8>): u64;

    /// A dynamic (`bytes` or `string`) result: the bytes the offset in result `index` points
    /// to; aborts with `E_RESULT_OUT_OF_RANGE` if the return data is too short for them.
    public native fun bytes_at(index: u64): vector<u8>;

    /// Writes the 4-byte function selector at the start of the calldata.
    public fun put_selector(selector: u64) {
        memory::mstore(0, 0, (selector as u128) << 96, 0)
    }

    /// Writes argument `index` (its head word, at `4 + 32 * index`).
    fun put(index: u64, hi: u128, lo: u128) {
        memory::mstore(0, 4 + 32 * (index as u128), hi, lo)
    }

    /// A `uint256`, `int256` or `bytes32` argument: any word.
    public fun put_word(index: u64, v: U256) {
        put(index, u256::hi(&v), u256::lo(&v))
    }

    /// A `uintN` argument held in a `U256` (136 <= N < 256).
    public fun put_uint(index: u64, v: U256, bits: u8) {
        assert!(fits(u256::hi(&v), bits - 128), E_ARGUMENT_OUT_OF_RANGE);
        put_word(index, v)
    }

    /// A `uintN` argument held in a `u128` (72 <= N <= 128).
    public fun put_u128(index: u64, v: u128, bits: u8) {
        assert!(fits(v, bits), E_ARGUMENT_OUT_OF_RANGE);
        put(index, 0, v)
    }

    /// A `uintN` argument held in a `u64` (16 <= N <= 64).
    public fun put_u64(index: u64, v: u64, bits: u8) {
        put_u128(index, (v as u128), bits)
    }

    /// A `uint8` argument.
    public fun put_u8(index: u64, v: u8) {
        put(index, 0, (v as u128))
    }

    /// An `intN` argument (N < 256): a word sign-extended from N bits.
    public fun put_int(index: u64, v: U256, bits: u8) {
        assert!(is_sign_extended(&v, bits), E_ARGUMENT_OUT_OF_RANGE);
        put_word(index, v)
    }

    /// A `bytesN` argument (N < 32): a word whose low 32 - N bytes are zero.
    public fun put_fixed_bytes(index: u64, v: U256, size: u8) {
        assert!(is_left_aligned(&v, size), E_ARGUMENT_OUT_OF_RANGE);
        put_word(index, v)
    }

    /// A `bool` argument.
    public fun put_bool(index: u64, v: bool) {
        put(index, 0, if (v) 1 else 0)
    }

    /// An `address` argument.
    public fun put_address(index: u64, a: address) {
        let (hi, lo) = address_to_word(a);
        put(index, hi, lo)
    }

    /// CALLs `contract` with `value` wei and the `size` bytes of calldata written, forwarding
    /// all the gas it may; aborts with `E_REVERTED` if the call does not succeed.
    public fun call(contract: address, value: U256, size: u64) {
        let (to_hi, to_lo) = address_to_word(contract);
        let (gas_hi, gas_lo) = env::gas();
        let (_, success) = call::call(
            gas_hi, gas_lo, to_hi, to_lo, u256::hi(&value), u256::lo(&value),
            0, 0, 0, (size as u128), 0, 0, 0, 0
        );
        assert!(success == 1, E_REVERTED);
    }

    /// Result `index`'s word (return data shorter than that ends the frame, as
    /// RETURNDATACOPY does).
    fun halves_at(index: u64): (u128, u128) {
        env::returndatacopy(0, 0, 0, 32 * (index as u128), 0, 32);
        memory::mload(0, 0)
    }

    /// A `uint256`, `int256` or `bytes32` result.
    public fun word_at(index: u64): U256 {
        let (hi, lo) = halves_at(index);
        u256::from_halves(hi, lo)
    }

    /// A `uintN` result held in a `U256` (136 <= N < 256).
    public fun uint_at(index: u64, bits: u8): U256 {
        let v = word_at(index);
        assert!(fits(u256::hi(&v), bits - 128), E_RESULT_OUT_OF_RANGE);
        v
    }

    /// A `uintN` result held in a `u128` (72 <= N <= 128).
    public fun u128_at(index: u64, bits: u8): u128 {
        let (hi, lo) = halves_at(index);
        assert!(hi == 0 && fits(lo, bits), E_RESULT_OUT_OF_RANGE);
        lo
    }

    /// A `uintN` result held in a `u64` (16 <= N <= 64).
    public fun u64_at(index: u64, bits: u8): u64 {
        (u128_at(index, bits) as u64)
    }

    /// A `uint8` result.
    public fun u8_at(index: u64): u8 {
        (u128_at(index, 8) as u8)
    }

    /// An `intN` result (N < 256).
    public fun int_at(index: u64, bits: u8): U256 {
        let v = word_at(index);
        assert!(is_sign_extended(&v, bits), E_RESULT_OUT_OF_RANGE);
        v
    }

    /// A `bytesN` result (N < 32).
    public fun fixed_bytes_at(index: u64, size: u8): U256 {
        let v = word_at(index);
        assert!(is_left_aligned(&v, size), E_RESULT_OUT_OF_RANGE);
        v
    }

    /// A `bool` result.
    public fun bool_at(index: u64): bool {
        let (hi, lo) = halves_at(index);
        assert!(hi == 0 && lo <= 1, E_RESULT_OUT_OF_RANGE);
        lo == 1
    }

    /// An `address` result.
    public fun address_at(index: u64): address {
        let (hi, lo) = halves_at(index);
        assert!(fits(hi, 32), E_RESULT_OUT_OF_RANGE);
        word_to_address(hi, lo)
    }

    /// Whether `v < 2^bits` (`bits <= 128`).
    fun fits(v: u128, bits: u8): bool {
        bits == 128 || (v >> bits) == 0
    }

    /// Whether `v` is its own sign extension from `bits` bits (a multiple of 8, < 256).
    fun is_sign_extended(v: &U256, bits: u8): bool {
        let (hi, lo) = (u256::hi(v), u256::lo(v));
        let (ext_hi, ext_lo) = arith::signextend(0, ((bits / 8 - 1) as u128), hi, lo);
        ext_hi == hi && ext_lo == lo
    }

    /// Whether the low `32 - size` bytes of `v` are zero (`size < 32`).
    fun is_left_aligned(v: &U256, size: u8): bool {
        let zero_bits = (32 - size) * 8;
        if (zero_bits <= 128) {
            low_bits_zero(u256::lo(v), zero_bits)
        } else {
            u256::lo(v) == 0 && low_bits_zero(u256::hi(v), zero_bits - 128)
        }
    }

    /// Whether the low `bits` bits of `v` are zero (`bits <= 128`).
    fun low_bits_zero(v: u128, bits: u8): bool {
        bits == 0 || (bits < 128 && (v << (128 - bits)) == 0) || (bits == 128 && v == 0)
    }
}
