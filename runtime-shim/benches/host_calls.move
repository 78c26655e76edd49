// The loops `host_calls.rs` times. Calldata `[kind, n]`: `n` iterations of one operation.
module bench::loops {
    use evmove::arith;
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::memory;
    use evmove::storage;

    const MAX: u128 = 340282366920938463463374607431768211455;
    /// The `sink` contract's address (low half; high half 0): 0x...5151.
    const SINK: u128 = 0x5151;

    public fun run() {
        let (_, kind) = env::calldataload(0, 0);
        let (_, n) = env::calldataload(0, 32);
        let i = 0;
        if (kind == 0) {
            while (i < n) { i = i + 1; };
        } else if (kind == 1) {
            while (i < n) { memory::mstore(0, 0, 0, i); i = i + 1; };
        } else if (kind == 2) {
            while (i < n) { let (_, _) = memory::mload(0, 0); i = i + 1; };
        } else if (kind == 3) {
            while (i < n) { let (_, _) = storage::sload(0, 0); i = i + 1; };
        } else if (kind == 4) {
            while (i < n) { storage::sstore(0, 0, 0, i); i = i + 1; };
        } else if (kind == 5) {
            while (i < n) { let (_, _) = env::caller(); i = i + 1; };
        } else if (kind == 6) {
            while (i < n) { let (_, _) = arith::add(0, i, 0, 1); i = i + 1; };
        } else {
            while (i < n) {
                let (_, _) = call::call(MAX, MAX, 0, SINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                i = i + 1;
            };
        };
        halt::stop();
    }
}

module bench::sink {
    use evmove::halt;

    public fun run() {
        halt::stop();
    }
}
