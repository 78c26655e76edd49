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
}
