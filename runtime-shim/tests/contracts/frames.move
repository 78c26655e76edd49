// Hand-written stand-ins for transpiled contracts, for the runtime's host tests
// (`tests/host_*.rs`). Each module is registered as the code of some fake EVM bytes (its
// name). Calldata words are read with `env::calldataload`; addresses are the low halves.
module contracts::counter {
    use evmove::arith;
    use evmove::halt;
    use evmove::memory;
    use evmove::storage;

    /// Increments slot 0 and returns its new value.
    public fun run() {
        let (h, l) = storage::sload(0, 0);
        let (h, l) = arith::add(h, l, 0, 1);
        storage::sstore(0, 0, h, l);
        memory::mstore(0, 0, h, l);
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::reader {
    use evmove::halt;
    use evmove::memory;
    use evmove::storage;

    /// Returns slot 0.
    public fun run() {
        let (h, l) = storage::sload(0, 0);
        memory::mstore(0, 0, h, l);
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::reverter {
    use evmove::halt;
    use evmove::log;
    use evmove::memory;
    use evmove::storage;

    /// Writes slot 0, logs, and reverts with 0xdead.
    public fun run() {
        storage::sstore(0, 0, 0, 5);
        log::log0(0, 0, 0, 0);
        memory::mstore(0, 0, 0, 0xdead);
        halt::revert(0, 0, 0, 32);
    }
}

module contracts::sink {
    use evmove::halt;

    /// Accepts anything.
    public fun run() {
        halt::stop();
    }
}

module contracts::caller {
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::log;
    use evmove::storage;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// Calldata `[target, value, kind]`: sets slot 0 to 1, logs, calls `target` (kind 0:
    /// CALL with `value`, 1: STATICCALL, 2: DELEGATECALL, 3: CALLCODE with `value`), stores
    /// the call's result in slot 1 and returns the callee's return data.
    public fun run() {
        storage::sstore(0, 0, 0, 1);
        log::log1(0, 0, 0, 0, 0, 1);
        let (th, tl) = env::calldataload(0, 0);
        let (vh, vl) = env::calldataload(0, 32);
        let (_, kind) = env::calldataload(0, 64);
        let (okh, okl) = if (kind == 0) {
            call::call(MAX, MAX, th, tl, vh, vl, 0, 0, 0, 0, 0, 0, 0, 0)
        } else if (kind == 1) {
            call::staticcall(MAX, MAX, th, tl, 0, 0, 0, 0, 0, 0, 0, 0)
        } else if (kind == 2) {
            call::delegatecall(MAX, MAX, th, tl, 0, 0, 0, 0, 0, 0, 0, 0)
        } else {
            call::callcode(MAX, MAX, th, tl, vh, vl, 0, 0, 0, 0, 0, 0, 0, 0)
        };
        storage::sstore(0, 1, okh, okl);
        let (sh, sl) = (0, env::returndatasize());
        env::returndatacopy(0, 0, 0, 0, sh, sl);
        halt::ret(0, 0, sh, sl);
    }
}

module contracts::reenter {
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::storage;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// First entry (slot 2 unset): sets slot 2 and slot 0 = 42, then calls the address in
    /// calldata (which calls back). Re-entered: copies slot 0 into slot 1.
    public fun run() {
        let (_, entered) = storage::sload(0, 2);
        if (entered == 0) {
            storage::sstore(0, 2, 0, 1);
            storage::sstore(0, 0, 0, 42);
            let (th, tl) = env::calldataload(0, 0);
            let (_, _) = call::call(MAX, MAX, th, tl, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        } else {
            let (h, l) = storage::sload(0, 0);
            storage::sstore(0, 1, h, l);
        };
        halt::stop();
    }
}

module contracts::bouncer {
    use evmove::call;
    use evmove::env;
    use evmove::halt;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// Calls its caller back with no calldata.
    public fun run() {
        let (ch, cl) = env::caller();
        let (_, _) = call::call(MAX, MAX, ch, cl, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        halt::stop();
    }
}

module contracts::deep {
    use evmove::arith;
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// Calldata `[depth]`: calls itself with `depth + 1` and returns the deepest depth
    /// reached (its own if the call fails).
    public fun run() {
        let (h, l) = env::calldataload(0, 0);
        let (nh, nl) = arith::add(h, l, 0, 1);
        memory::mstore(0, 0, nh, nl);
        let (ah, al) = env::self_address();
        let (_, ok) = call::call(MAX, MAX, ah, al, 0, 0, 0, 0, 0, 32, 0, 0, 0, 32);
        if (ok == 0) {
            memory::mstore(0, 0, h, l);
        };
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::spin {
    use evmove::gas;
    use evmove::storage;

    /// Loops forever, charging gas each round as transpiled code does.
    public fun run() {
        loop {
            gas::charge(8);
            let (_, _) = storage::sload(0, 0);
        }
    }
}

module contracts::returns_normally {
    /// Returns without ending the frame through a native.
    public fun run() {}
}

module contracts::aborts {
    /// Aborts as transpiled code does on a fault it found.
    public fun run() {
        abort 7
    }
}

module contracts::forwarder {
    use evmove::call;
    use evmove::env;
    use evmove::halt;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// Calldata `[target, input...]`: calls `target` with the rest of the calldata as input
    /// and returns its return data; reverts if the call fails.
    public fun run() {
        let size = env::calldatasize();
        env::calldatacopy(0, 0, 0, 32, 0, size - 32);
        let (th, tl) = env::calldataload(0, 0);
        let (_, ok) = call::staticcall(MAX, MAX, th, tl, 0, 0, 0, size - 32, 0, 0, 0, 0);
        let rs = env::returndatasize();
        env::returndatacopy(0, 0, 0, 0, 0, rs);
        if (ok == 0) {
            halt::revert(0, 0, 0, rs);
            return
        };
        halt::ret(0, 0, 0, rs);
    }
}

module contracts::factory {
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    /// Calldata `[kind, salt, initcode...]`: creates a contract from the initcode with
    /// CREATE (kind 0) or CREATE2 (kind 1) and returns its address (0 on failure).
    public fun run() {
        let size = env::calldatasize();
        env::calldatacopy(0, 0, 0, 64, 0, size - 64);
        let (_, kind) = env::calldataload(0, 0);
        let (sh, sl) = env::calldataload(0, 32);
        let (ah, al) = if (kind == 0) {
            call::create(0, 0, 0, 0, 0, size - 64)
        } else {
            call::create2(0, 0, 0, 0, 0, size - 64, sh, sl)
        };
        memory::mstore(0, 0, ah, al);
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::constructor {
    use evmove::env;
    use evmove::halt;

    /// The Move side of `PUSH1 8 PUSH1 10 PUSH0 CODECOPY PUSH1 8 PUSH0 RETURN <runtime>`:
    /// returns the 8 bytes of code after its 10-byte head as the runtime code (constructor
    /// arguments may follow).
    public fun run() {
        env::codecopy(0, 0, 0, 10, 0, 8);
        halt::ret(0, 0, 0, 8);
    }
}

module contracts::answer {
    use evmove::halt;
    use evmove::memory;

    /// The Move side of `PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN`.
    public fun run() {
        memory::mstore(0, 0, 0, 42);
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::memory_probe {
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    /// Exercises memory and copies; returns 7 words:
    /// [msize after mstore8 at 40, mload(32), calldataload(4) (padded), codesize,
    ///  keccak256 of memory 0..3, msize after mcopy to 200, the mcopied word].
    public fun run() {
        memory::mstore8(0, 40, 0, 0x1ff);
        let (m1h, m1l) = (0, memory::msize());
        let (wh, wl) = memory::mload(0, 32);
        let (ch, cl) = env::calldataload(0, 4);
        let (sh, sl) = (0, env::codesize());
        memory::mstore(0, 0, 0, 0x616263);
        let (kh, kl) = memory::keccak256(0, 29, 0, 3);
        memory::mcopy(0, 200, 0, 0, 0, 32);
        let (m2h, m2l) = (0, memory::msize());
        let (xh, xl) = memory::mload(0, 200);
        memory::mstore(0, 300, m1h, m1l);
        memory::mstore(0, 332, wh, wl);
        memory::mstore(0, 364, ch, cl);
        memory::mstore(0, 396, sh, sl);
        memory::mstore(0, 428, kh, kl);
        memory::mstore(0, 460, m2h, m2l);
        memory::mstore(0, 492, xh, xl);
        halt::ret(0, 300, 0, 224);
    }
}

module contracts::faults {
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    /// Calldata `[kind]`: 0 RETURNDATACOPY out of bounds, 1 memory at a huge offset,
    /// 2 INVALID, 3 a zero-size access at a huge offset (fine: returns).
    public fun run() {
        let (_, kind) = env::calldataload(0, 0);
        if (kind == 0) {
            env::returndatacopy(0, 0, 0, 0, 0, 1);
        } else if (kind == 1) {
            memory::mstore(0, 0xffffffffffff, 0, 1);
        } else if (kind == 2) {
            halt::invalid();
            return
        } else {
            let (_, _) = memory::keccak256(0xffff, 0xffffffff, 0, 0);
        };
        halt::stop();
    }
}

module contracts::kamikaze {
    use evmove::env;
    use evmove::halt;

    /// Self-destructs to the address in calldata (to its caller if there is none).
    public fun run() {
        let size = env::calldatasize();
        let (bh, bl) = if (size == 0) { env::caller() } else { env::calldataload(0, 0) };
        halt::selfdestruct(bh, bl);
    }
}

module contracts::transient {
    use evmove::call;
    use evmove::env;
    use evmove::halt;
    use evmove::memory;
    use evmove::storage;

    const MAX: u128 = 340282366920938463463374607431768211455;

    /// Without calldata: sets transient slot 1 to 9, calls itself (with calldata) and
    /// returns what that saw. With calldata: returns transient slot 1.
    public fun run() {
        let size = env::calldatasize();
        if (size == 0) {
            storage::tstore(0, 1, 0, 9);
            let (ah, al) = env::self_address();
            let (_, _) = call::call(MAX, MAX, ah, al, 0, 0, 0, 0, 0, 1, 0, 0, 0, 32);
        } else {
            let (h, l) = storage::tload(0, 1);
            memory::mstore(0, 0, h, l);
        };
        halt::ret(0, 0, 0, 32);
    }
}

module contracts::env_probe {
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    fun put(slot: u128, h: u128, l: u128) {
        memory::mstore(0, slot * 32, h, l);
    }

    /// Returns the environment, one word each, in `env.move`'s order.
    public fun run() {
        let (h, l) = env::self_address(); put(0, h, l);
        let (h, l) = env::origin(); put(1, h, l);
        let (h, l) = env::caller(); put(2, h, l);
        let (h, l) = env::callvalue(); put(3, h, l);
        put(4, 0, env::calldatasize());
        put(5, 0, env::codesize());
        let (h, l) = env::gasprice(); put(6, h, l);
        put(7, 0, env::returndatasize());
        let (h, l) = env::coinbase(); put(8, h, l);
        let (h, l) = env::timestamp(); put(9, h, l);
        let (h, l) = env::number(); put(10, h, l);
        let (h, l) = env::prevrandao(); put(11, h, l);
        let (h, l) = env::gaslimit(); put(12, h, l);
        let (h, l) = env::chainid(); put(13, h, l);
        let (h, l) = env::selfbalance(); put(14, h, l);
        let (h, l) = env::basefee(); put(15, h, l);
        let (h, l) = env::blobbasefee(); put(16, h, l);
        let (h, l) = env::balance(0x5e5e5e5e, 0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e); put(17, h, l);
        put(18, 0, env::extcodesize(0, 0));
        let (h, l) = env::extcodehash(0, 0); put(19, h, l);
        let (h, l) = env::blockhash(0, 7); put(20, h, l);
        let (h, l) = env::blobhash(0, 0); put(21, h, l);
        let (h, l) = env::blobhash(0, 1); put(22, h, l);
        halt::ret(0, 0, 0, 736);
    }
}

module contracts::kamikaze_constructor {
    use evmove::env;
    use evmove::halt;

    /// A constructor that self-destructs to its creator.
    public fun run() {
        let (ch, cl) = env::caller();
        halt::selfdestruct(ch, cl);
    }
}

module contracts::copy_probes {
    use evmove::env;
    use evmove::halt;
    use evmove::memory;

    /// Calldata `[a, b, c]`.
    public fun args(): (u128, u128, u128, u128, u128, u128) {
        let (ah, al) = env::calldataload(0, 0);
        let (bh, bl) = env::calldataload(0, 32);
        let (ch, cl) = env::calldataload(0, 64);
        (ah, al, bh, bl, ch, cl)
    }

    /// Returns all of memory.
    public fun return_memory() {
        let (sh, sl) = (0, memory::msize());
        halt::ret(0, 0, sh, sl);
    }
}

module contracts::calldata_copy {
    use contracts::copy_probes;
    use evmove::env;

    /// CALLDATACOPY(a, b, c), then all of memory.
    public fun run() {
        let (ah, al, bh, bl, ch, cl) = copy_probes::args();
        env::calldatacopy(ah, al, bh, bl, ch, cl);
        copy_probes::return_memory();
    }
}

module contracts::code_copy {
    use contracts::copy_probes;
    use evmove::env;

    /// CODECOPY(a, b, c), then all of memory.
    public fun run() {
        let (ah, al, bh, bl, ch, cl) = copy_probes::args();
        env::codecopy(ah, al, bh, bl, ch, cl);
        copy_probes::return_memory();
    }
}

module contracts::memory_copy {
    use contracts::copy_probes;
    use evmove::memory;

    /// MSTORE(0, 0x0102..20), MCOPY(a, b, c), then all of memory.
    public fun run() {
        memory::mstore(0, 0, 0x0102030405060708090a0b0c0d0e0f10, 0x1112131415161718191a1b1c1d1e1f20);
        let (ah, al, bh, bl, ch, cl) = copy_probes::args();
        memory::mcopy(ah, al, bh, bl, ch, cl);
        copy_probes::return_memory();
    }
}

module contracts::store_byte {
    use contracts::copy_probes;
    use evmove::memory;

    /// MSTORE8(a, b), then all of memory.
    public fun run() {
        let (ah, al, bh, bl, _, _) = copy_probes::args();
        memory::mstore8(ah, al, bh, bl);
        copy_probes::return_memory();
    }
}
