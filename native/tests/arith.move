// Move arithmetic with its aborts, calls, recursion, Move aborts and gas, for the native
// tier's property tests (`arith.rs`): each function is run in both tiers on random inputs.
module 0x2::arith {
    use evmove::arith;
    use evmove::gas;

    public fun add8(a: u8, b: u8): u8 { a + b }
    public fun add64(a: u64, b: u64): u64 { a + b }
    public fun add128(a: u128, b: u128): u128 { a + b }
    public fun sub8(a: u8, b: u8): u8 { a - b }
    public fun sub64(a: u64, b: u64): u64 { a - b }
    public fun sub128(a: u128, b: u128): u128 { a - b }
    public fun mul8(a: u8, b: u8): u8 { a * b }
    public fun mul64(a: u64, b: u64): u64 { a * b }
    public fun mul128(a: u128, b: u128): u128 { a * b }
    public fun div8(a: u8, b: u8): u8 { a / b }
    public fun div64(a: u64, b: u64): u64 { a / b }
    public fun div128(a: u128, b: u128): u128 { a / b }
    public fun mod8(a: u8, b: u8): u8 { a % b }
    public fun mod64(a: u64, b: u64): u64 { a % b }
    public fun mod128(a: u128, b: u128): u128 { a % b }
    public fun shl8(a: u8, n: u8): u8 { a << n }
    public fun shl64(a: u64, n: u8): u64 { a << n }
    public fun shl128(a: u128, n: u8): u128 { a << n }
    public fun shr8(a: u8, n: u8): u8 { a >> n }
    public fun shr64(a: u64, n: u8): u64 { a >> n }
    public fun shr128(a: u128, n: u8): u128 { a >> n }
    public fun bits128(a: u128, b: u128): u128 { (a & b) | (a ^ b) }
    public fun u8_of_u64(a: u64): u8 { (a as u8) }
    public fun u8_of_u128(a: u128): u8 { (a as u8) }
    public fun u64_of_u128(a: u128): u64 { (a as u64) }
    public fun u128_of_u8(a: u8): u128 { (a as u128) }
    public fun compare(a: u128, b: u128): u8 {
        let r = 0;
        if (a < b) r = r | 1;
        if (a <= b) r = r | 2;
        if (a > b) r = r | 4;
        if (a >= b) r = r | 8;
        if (a == b && !(a != b)) r = r | 16;
        r
    }
    // A loop with a Move abort and a word native: sums `a` `n` times in 256 bits.
    public fun sum(a: u128, n: u64): (u128, u128) {
        assert!(n < 1000, n);
        let (hi, lo) = (0, 0);
        let i = 0;
        while (i < n) {
            gas::charge(3);
            (hi, lo) = arith::add(hi, lo, 0, a);
            i = i + 1;
        };
        (hi, lo)
    }
    // Recursion through a call within the module, with overflow on the way back.
    public fun factorial(n: u64): u128 {
        if (n == 0) 1 else (n as u128) * factorial(n - 1)
    }
    // Gas: every step charges; runs out when the gas is short.
    public fun charged(steps: u64, each: u64): u64 {
        let i = 0;
        while (i < steps) {
            gas::charge(each);
            i = i + 1;
        };
        arith::lt(0, (steps as u128), 0, (each as u128));
        steps
    }
    // The word natives the native tier computes in place, on (hi, lo) halves.
    public fun words(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128, u128, u128, u128, u128, u8) {
        let (s_hi, s_lo) = arith::add(a_hi, a_lo, b_hi, b_lo);
        let (d_hi, d_lo) = arith::sub(a_hi, a_lo, b_hi, b_lo);
        let (n_hi, n_lo) = arith::and(a_hi, a_lo, b_hi, b_lo);
        let (o_hi, o_lo) = arith::or(a_hi, a_lo, b_hi, b_lo);
        let (x_hi, x_lo) = arith::xor(n_hi, n_lo, o_hi, o_lo);
        let (x_hi, x_lo) = arith::not(x_hi, x_lo);
        let flags = 0u8;
        if (arith::lt(a_hi, a_lo, b_hi, b_lo)) flags = flags | 1;
        if (arith::gt(a_hi, a_lo, b_hi, b_lo)) flags = flags | 2;
        if (arith::slt(a_hi, a_lo, b_hi, b_lo)) flags = flags | 4;
        if (arith::sgt(a_hi, a_lo, b_hi, b_lo)) flags = flags | 8;
        if (arith::eq(a_hi, a_lo, b_hi, b_lo)) flags = flags | 16;
        if (arith::iszero(a_hi, a_lo)) flags = flags | 32;
        if (arith::eq(a_hi, a_lo, a_hi, a_lo)) flags = flags | 64;
        (s_hi, s_lo, d_hi, d_lo, x_hi, x_lo, flags)
    }
    // MUL, which the native tier computes in place: of the arguments, and of each by
    // constants (a small one, one across the 64-bit limbs, the top bit), mixed.
    public fun products(a_hi: u128, a_lo: u128, b_hi: u128, b_lo: u128): (u128, u128) {
        let (p_hi, p_lo) = arith::mul(a_hi, a_lo, b_hi, b_lo);
        let (r_hi, r_lo) = arith::mul(a_hi, a_lo, 0, 3);
        let (p_hi, p_lo) = mix(p_hi, p_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::mul(0x123456789abcdef0fedcba9876543210, 0xffffffffffffffff0000000000000001, b_hi, b_lo);
        let (p_hi, p_lo) = mix(p_hi, p_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::mul(b_lo, b_hi, 0x80000000000000000000000000000000, 0);
        mix(p_hi, p_lo, r_hi, r_lo)
    }
    // Shifts and BYTE by constant amounts, which the native tier computes in place: every
    // case of the halves (0, within the low half, 128, across, 256 and more, a huge amount),
    // each result mixed into the last so that none is lost.
    public fun shl_by_constants(hi: u128, lo: u128): (u128, u128) {
        let (a_hi, a_lo) = arith::shl(0, 0, hi, lo);
        let (r_hi, r_lo) = arith::shl(0, 1, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 63, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 64, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 127, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 128, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 129, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 200, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 255, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 256, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(0, 1000, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shl(1, 0, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        (a_hi, a_lo)
    }
    public fun shr_by_constants(hi: u128, lo: u128): (u128, u128) {
        let (a_hi, a_lo) = arith::shr(0, 0, hi, lo);
        let (r_hi, r_lo) = arith::shr(0, 1, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 63, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 64, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 127, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 128, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 129, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 200, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 255, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 256, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(0, 1000, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::shr(1, 0, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        (a_hi, a_lo)
    }
    public fun sar_by_constants(hi: u128, lo: u128): (u128, u128) {
        let (a_hi, a_lo) = arith::sar(0, 0, hi, lo);
        let (r_hi, r_lo) = arith::sar(0, 1, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 63, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 64, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 127, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 128, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 129, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 200, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 255, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 256, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(0, 1000, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::sar(1, 0, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        (a_hi, a_lo)
    }
    public fun byte_by_constants(hi: u128, lo: u128): (u128, u128) {
        let (a_hi, a_lo) = arith::byte(0, 0, hi, lo);
        let (r_hi, r_lo) = arith::byte(0, 1, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 15, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 16, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 17, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 31, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 32, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(0, 33, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        let (r_hi, r_lo) = arith::byte(1, 0, hi, lo);
        let (a_hi, a_lo) = mix(a_hi, a_lo, r_hi, r_lo);
        (a_hi, a_lo)
    }
    fun mix(acc_hi: u128, acc_lo: u128, hi: u128, lo: u128): (u128, u128) {
        let (acc_hi, acc_lo) = arith::add(acc_hi, acc_lo, acc_hi, acc_lo);
        arith::xor(acc_hi, acc_lo, hi, lo)
    }
    // A charge of 5 gas gated on Cancun (`arith.rs` checks the encoding), `n` times.
    public fun gated(n: u64): u64 {
        let i = 0;
        while (i < n % 8) {
            gas::charge(GATED_CHARGE);
            i = i + 1;
        };
        i
    }
    const GATED_CHARGE: u64 = 0x0B00000000000005;
}
