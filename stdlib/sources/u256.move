/// 256-bit unsigned integers: the value type of every EVM stack slot and storage word.
///
/// Move bytecode version 5 has no u256, so a word is two 128-bit halves. Arithmetic with EVM
/// semantics is provided by natives of the runtime (see `runtime-shim/src/natives`); the
/// functions here are the ones that need no host: construction, access and comparison.
module evmove::u256 {
    /// A 256-bit word, `hi * 2^128 + lo`.
    struct U256 has copy, drop, store {
        hi: u128,
        lo: u128,
    }

    /// Aborted with when a word does not fit the narrower integer asked for.
    const E_DOES_NOT_FIT: u64 = 1;

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
