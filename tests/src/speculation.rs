//! Code whose static path speculates and whose speculation fails on the calldata's say
//! (`evmove::lift::jumps`, **Escaped labels**): it keeps a label at a computed address and
//! jumps to a value loaded from another, which calldata wrote (by MSTORE, CALLDATACOPY,
//! SSTORE or TSTORE). Calldata naming the label runs as the static path assumed; naming
//! another JUMPDEST, the frame runs again in universal form. For suites that run such
//! frames: alone (`universal_speculation.rs`) and inside blocks (`block_evm.rs`).

use alloy_primitives::{Address, U256};
use evmove::evm::{assemble, Code};

/// How calldata word 0 (the target) reaches the computed address calldata word 2 names, and
/// how it is loaded back from there.
pub const WRITES: [(&str, &str); 4] = [
    (
        "PUSH0 CALLDATALOAD PUSH 0x40 CALLDATALOAD MSTORE",
        "PUSH 0x40 CALLDATALOAD MLOAD",
    ),
    (
        "PUSH 0x20 PUSH0 PUSH 0x40 CALLDATALOAD CALLDATACOPY",
        "PUSH 0x40 CALLDATALOAD MLOAD",
    ),
    (
        "PUSH0 CALLDATALOAD PUSH 0x40 CALLDATALOAD SSTORE",
        "PUSH 0x40 CALLDATALOAD SLOAD",
    ),
    (
        "PUSH0 CALLDATALOAD PUSH 0x40 CALLDATALOAD TSTORE",
        "PUSH 0x40 CALLDATALOAD TLOAD",
    ),
];

/// Code that runs `prelude`, keeps label `f` in memory at an address computed from calldata
/// word 1, has `write` put the target somewhere computed and `load` read it back, and jumps
/// to it: `f` returns 0xf0, the pads `g0`..`g2` (labels no data names) their index, `out`
/// underflows.
pub fn speculating(prelude: &str, (write, load): (&str, &str)) -> Vec<u8> {
    assemble(&format!(
        "{prelude}
         PUSH @f PUSH 0x20 CALLDATALOAD PUSH 0x3e0 AND PUSH 0x400 ADD MSTORE
         {write} {load} JUMP
         f: PUSH 0xf0 PUSH @out JUMP
         g0: PUSH 0 PUSH @out JUMP
         g1: PUSH 1 PUSH @out JUMP
         g2: PUSH 2 PUSH @out JUMP
         out: PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN"
    ))
    .expect("assembles")
}

/// The JUMPDESTs of `code`, in order: in [`speculating`]'s code, `f`, `g0`, `g1`, `g2`,
/// `out`.
pub fn jumpdests(code: &[u8]) -> Vec<U256> {
    (Code::new(code.to_vec()).instructions().iter())
        .filter(|instruction| instruction.opcode.get() == 0x5b)
        .map(|instruction| U256::from(instruction.pc.0))
        .collect()
}

/// Calldata jumping to `target`, the label kept at 0x420 and the target at 0x100.
pub fn calldata(target: U256) -> Vec<u8> {
    [target, U256::from(0x20), U256::from(0x100)]
        .iter()
        .flat_map(|word| word.to_be_bytes::<32>())
        .collect()
}

/// What a frame does before its speculation fails: counts in storage slot 5, writes
/// transient storage and memory, logs, warms `warmed` and calls `counter` with 1 wei (which
/// counts in its slot 0 and logs). Run twice without undoing the first, each would show.
pub fn effects(counter: Address, warmed: Address) -> String {
    format!(
        "PUSH 1 PUSH 5 SLOAD ADD PUSH 5 SSTORE
         PUSH 2 PUSH 6 TSTORE
         PUSH 0x11 PUSH 0x300 MSTORE
         PUSH 0xaa PUSH0 PUSH0 LOG1
         {} BALANCE POP
         PUSH0 PUSH0 PUSH0 PUSH0 PUSH 1 {} GAS CALL POP",
        push(warmed),
        push(counter),
    )
}

/// Code that counts its calls in slot 0 and logs.
pub const COUNTER: &str = "PUSH 1 PUSH0 SLOAD ADD PUSH0 SSTORE PUSH 0xcc PUSH0 PUSH0 LOG1 STOP";

/// `PUSH` of an address.
pub fn push(address: Address) -> String {
    format!("PUSH 0x{}", alloy_primitives::hex::encode(address))
}
