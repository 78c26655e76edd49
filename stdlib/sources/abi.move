/// What the typed entry functions of transpiled modules (`transpiler/src/lower/typed.rs`) are
/// made of. A typed entry `transfer(contract: address, to: address, amount: U256): bool`
/// writes the calldata of the ABI function (its selector, then its arguments ABI-encoded)
/// into the frame's memory (`put_call`, given each argument's BCS encoding, `to_bcs`), makes
/// an EVM CALL to `contract` with it (`call`), and reads each result out of the return data
/// (`result_at`). The EVM code sees an ordinary call, from the frame the typed entry runs in
/// (its CALLER is that frame's address).
///
/// The ABI types come as the text of a tuple type (`(address,uint256)`); which Move types
/// carry them is the shim table's mapping (`word/src/shim/abi_types.rs`): `uintN` is `u8`, `u64`, `u128` or `U256`
/// (the narrowest that holds it), `intN` and `bytesN` are `U256` words, `bytes` and `string`
/// are `vector<u8>`, arrays are vectors, and a tuple is one Move value per component (an
/// array of tuples one vector per component).
module evmove::abi {
    use evmove::call;
    use evmove::env;
    use evmove::u256::{Self, U256};

    // The abort codes are the shim table's (`word/src/shim/abort.rs`); a test
    // (`tests/tests/shim_interface.rs`) checks these constants against it.

    /// The call reverted or failed; the return data is what it gave.
    const E_REVERTED: u64 = 1;
    /// An argument does not fit its ABI type (a `u128` beyond N bits for a `uintN`, a fixed
    /// array of the wrong length, the vectors of an array of tuples of different lengths).
    /// The natives abort with it.
    const E_ARGUMENT_OUT_OF_RANGE: u64 = 2;
    /// The return data does not decode as the results' ABI types (too short, an offset out
    /// of range, a word that is not a value of its type). The natives abort with it.
    const E_RESULT_OUT_OF_RANGE: u64 = 3;

    /// The word of an address: its 20 bytes, zero-extended.
    public native fun address_to_word(a: address): (u128, u128);

    /// The BCS encoding of `v`, as `put_call` takes arguments.
    public native fun to_bcs<T>(v: T): vector<u8>;

    /// Writes the calldata of function `selector` (its 4 bytes) with arguments of the ABI
    /// types `types` whose Move values, BCS-encoded, are `args`, at offset 0 of memory; its
    /// size. Aborts with `E_ARGUMENT_OUT_OF_RANGE` if a value does not fit its type.
    public native fun put_call(selector: u64, types: vector<u8>, args: vector<vector<u8>>): u64;

    /// Move value `index` of the results, of the ABI types `types`, in the return data;
    /// aborts with `E_RESULT_OUT_OF_RANGE` if the return data does not decode.
    public native fun result_at<T>(types: vector<u8>, index: u64): T;

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
}
