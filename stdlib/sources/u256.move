// Argument shape of the 256-bit natives: SCALAR. A word crosses the native boundary as two
// u128 halves (`add(a_hi, a_lo, b_hi, b_lo): (u128, u128)`), not as this module's `U256`
// struct (`add(a: U256, b: U256): U256`). Measured by `runtime-shim/benches/native_arg_shape.rs`
// (release, fat LTO, 2-core x86; the same wrapping add as a native in each shape, called
// 10,000 times from a loop written in Move, operands in locals, minus the empty loop):
//
//   empty loop (baseline, per iteration)       124-131 ns
//   struct shape, per call                      257-283 ns   (MoveLoc, CopyLoc, Call, StLoc)
//   scalar shape, per call                      216-246 ns   (2 MoveLoc, 2 CopyLoc, Call, 2 StLoc)
//   evmove::arith::add as shipped (scalar)      235-257 ns
//
// (low figure: best of 300 runs; high figure: criterion's mean on a shared machine.) The
// scalar shape is ~40 ns (~15%) cheaper per call despite three more Move instructions: a
// struct is a heap container in the VM, so copying one out of a local and packing the result
// both allocate. Its cost is locals: two per live word, so a function holds at most ~127 live
// words in the 0.3.2 verifier's 256 params+locals (the EVM reaches 16 stack slots deep, and a
// value narrowed to u64/u128 by range analysis needs one local in either shape and feeds a
// native with a constant 0 as `hi`). `U256` stays the type of words at boundaries that need
// one value (typed ABI entry functions, storage values).

/// 256-bit unsigned integers: the value type of every EVM stack slot and storage word.
///
/// Move bytecode version 5 has no u256, so a word is two 128-bit halves. Arithmetic with EVM
/// semantics is provided by the natives of `evmove::arith` (`arith.move`), which take and
/// return words as their halves; the functions here are the ones that need no host:
/// construction, access and comparison of the packed form.
module evmove::u256 {
    /// A 256-bit word, `hi * 2^128 + lo`.
    struct U256 has copy, drop, store {
        hi: u128,
        lo: u128,
    }

    /// Aborted with when a word does not fit the narrower integer asked for (the shim table's
    /// `AbortCode::DoesNotFit`).
    const E_DOES_NOT_FIT: u64 = 4;

    /// The word 0.
    public fun zero(): U256 {
        U256 { hi: 0, lo: 0 }
    }

    /// The word with value `v`.
    public fun from_u128(v: u128): U256 {
        U256 { hi: 0, lo: v }
    }

    /// The word `hi * 2^128 + lo`.
    public fun from_halves(hi: u128, lo: u128): U256 {
        U256 { hi, lo }
    }

    /// The upper 128 bits of `v`.
    public fun hi(v: &U256): u128 {
        v.hi
    }

    /// The lower 128 bits of `v`.
    public fun lo(v: &U256): u128 {
        v.lo
    }

    /// Whether `v` is 0 (EVM ISZERO).
    public fun is_zero(v: &U256): bool {
        v.hi == 0 && v.lo == 0
    }

    /// Whether `a < b`, both unsigned (EVM LT).
    public fun lt(a: &U256, b: &U256): bool {
        a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
    }

    /// Whether `v` fits in 128 bits.
    public fun fits_u128(v: &U256): bool {
        v.hi == 0
    }

    /// `v` as a u128; aborts with `E_DOES_NOT_FIT` if it is 2^128 or more.
    public fun to_u128(v: &U256): u128 {
        assert!(v.hi == 0, E_DOES_NOT_FIT);
        v.lo
    }
}
