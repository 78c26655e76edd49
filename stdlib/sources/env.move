/// The frame's and the block's environment, read from the host
/// (`runtime-shim/src/natives/env.rs`): one native per EVM opcode, operands in the EVM's
/// order, words as in `arith.move`; an address is the low 160 bits of its word.
/// Code reads (CODESIZE, CODECOPY, EXTCODE*) see the deployed EVM code of the account, so
/// immutables read from it are those of this deployment.
module evmove::env {
    /// ADDRESS: this contract's address. (Named `self_address`: `address` is a reserved
    /// word of Move source, so the shim library cannot declare a function of that name.)
    public native fun self_address(): (u128, u128);

    /// ORIGIN: the transaction's sender.
    public native fun origin(): (u128, u128);

    /// CALLER: this frame's caller.
    public native fun caller(): (u128, u128);

    /// CALLVALUE: the wei sent to this frame.
    public native fun callvalue(): (u128, u128);

    /// ISZERO of CALLVALUE: whether this frame was sent no wei.
    public native fun no_callvalue(): bool;

    /// CALLDATASIZE: the size of the input in bytes (a size: its low half alone, the high
    /// half zero).
    public native fun calldatasize(): u128;

    /// CODESIZE: the size of the running code (the deployed EVM code, or the initcode), as
    /// CALLDATASIZE gives it.
    public native fun codesize(): u128;

    /// GASPRICE: the transaction's gas price.
    public native fun gasprice(): (u128, u128);

    /// RETURNDATASIZE: the size of the last call's return data, as CALLDATASIZE gives it.
    public native fun returndatasize(): u128;

    /// COINBASE: the block's beneficiary.
    public native fun coinbase(): (u128, u128);

    /// TIMESTAMP: the block's time.
    public native fun timestamp(): (u128, u128);

    /// NUMBER: the block's number.
    public native fun number(): (u128, u128);

    /// PREVRANDAO (formerly DIFFICULTY): the block's randomness.
    public native fun prevrandao(): (u128, u128);

    /// GASLIMIT: the block's gas limit.
    public native fun gaslimit(): (u128, u128);

    /// CHAINID: the chain id.
    public native fun chainid(): (u128, u128);

    /// SELFBALANCE: this contract's balance.
    public native fun selfbalance(): (u128, u128);

    /// BASEFEE: the block's base fee.
    public native fun basefee(): (u128, u128);

    /// BLOBBASEFEE: the block's blob base fee.
    public native fun blobbasefee(): (u128, u128);

    /// GAS: the gas left (the runtime's gas model: see its `gas` module).
    public native fun gas(): (u128, u128);

    /// BALANCE: the balance of `address`.
    public native fun balance(address_hi: u128, address_lo: u128): (u128, u128);

    /// CALLDATALOAD: the 32 bytes of input at `offset`, zero past its end.
    public native fun calldataload(offset_hi: u128, offset_lo: u128): (u128, u128);

    /// CALLDATALOAD of offset 0 shifted right by 224 bits: the function selector, the
    /// input's first four bytes (zero past its end), as CALLDATASIZE gives a size.
    public native fun selector(): u128;

    /// EXTCODESIZE: the size of `address`'s EVM code, as CALLDATASIZE gives it.
    public native fun extcodesize(address_hi: u128, address_lo: u128): u128;

    /// EXTCODEHASH: the Keccak-256 hash of `address`'s EVM code; 0 for an account that does
    /// not exist.
    public native fun extcodehash(address_hi: u128, address_lo: u128): (u128, u128);

    /// BLOCKHASH: the hash of one of the 256 blocks before this one, else 0.
    public native fun blockhash(number_hi: u128, number_lo: u128): (u128, u128);

    /// BLOBHASH: the transaction's versioned blob hash at `index`, else 0.
    public native fun blobhash(index_hi: u128, index_lo: u128): (u128, u128);

    /// CALLDATACOPY: `size` bytes of input from `offset` (zero past its end) to memory at `dest`.
    public native fun calldatacopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128
    );

    /// CODECOPY: `size` bytes of the running code from `offset` (zero past its end) to memory
    /// at `dest`.
    public native fun codecopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128
    );

    /// RETURNDATACOPY: `size` bytes of the last call's return data from `offset` to memory at
    /// `dest`; reading past its end is an exceptional halt.
    public native fun returndatacopy(
        dest_hi: u128, dest_lo: u128, offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128
    );

    /// EXTCODECOPY: as CODECOPY, from `address`'s EVM code.
    public native fun extcodecopy(
        address_hi: u128, address_lo: u128, dest_hi: u128, dest_lo: u128,
        offset_hi: u128, offset_lo: u128, size_hi: u128, size_lo: u128
    );
}
