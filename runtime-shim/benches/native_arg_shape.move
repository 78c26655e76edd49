/// Benchmark only (`native_arg_shape.rs`): the same 256-bit wrapping add as a native in the
/// two argument shapes the shim could use, each called from a loop written in Move.
module bench::shapes {
    /// The struct shape's word, as `evmove::u256::U256`.
    struct U256 has copy, drop {
        hi: u128,
        lo: u128,
    }

    /// Struct shape: one struct per word.
    native fun add_struct(a: U256, b: U256): U256;

    /// Scalar shape: two u128 halves per word.
    native fun add_scalar(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128);

    // Each loop takes `b` as arguments, so that the compiler cannot fold it into constants:
    // lowered code finds its operands in locals.

    /// The loop alone: the baseline subtracted from the others.
    public fun empty_loop(n: u64, _b_hi: u128, _b_lo: u128) {
        let i = 0;
        while (i < n) {
            i = i + 1;
        };
    }

    /// `n` calls of the struct-shaped add; `a` moves in and out of its local, `b` is copied.
    public fun struct_loop(n: u64, b_hi: u128, b_lo: u128): U256 {
        let a = U256 { hi: 0, lo: 1 };
        let b = U256 { hi: b_hi, lo: b_lo };
        let i = 0;
        while (i < n) {
            a = add_struct(a, b);
            i = i + 1;
        };
        a
    }

    /// `n` calls of the scalar-shaped add, the same values in two locals each.
    public fun scalar_loop(n: u64, b_hi: u128, b_lo: u128): (u128, u128) {
        let (a_hi, a_lo) = (0, 1);
        let i = 0;
        while (i < n) {
            (a_hi, a_lo) = add_scalar(a_hi, a_lo, b_hi, b_lo);
            i = i + 1;
        };
        (a_hi, a_lo)
    }

    /// `n` calls of the shim library's own add (`evmove::arith::add`, scalar shape), as a
    /// check that the production native costs what the scalar shape measured.
    public fun stdlib_loop(n: u64, b_hi: u128, b_lo: u128): (u128, u128) {
        let (a_hi, a_lo) = (0, 1);
        let i = 0;
        while (i < n) {
            (a_hi, a_lo) = evmove::arith::add(a_hi, a_lo, b_hi, b_lo);
            i = i + 1;
        };
        (a_hi, a_lo)
    }
}
