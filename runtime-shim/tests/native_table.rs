//! The runtime's natives are the shim table's rows (`evmove_word::shim::natives`), in its
//! order, each with an implementation, and a VM built with them publishes the shim library.
//! That the table is what `stdlib/` declares is checked, for compiler and runtime at once,
//! by `tests/tests/shim_interface.rs` in `evmove-tests`.

mod common;

use evmove_runtime::natives;

#[test]
fn the_arithmetic_natives_are_all_there() {
    let names: Vec<_> = natives::NATIVES
        .iter()
        .filter(|native| native.row.module == "arith")
        .map(|native| native.row.name)
        .collect();
    assert_eq!(
        names,
        [
            "add",
            "sub",
            "mul",
            "div",
            "sdiv",
            "mod",
            "smod",
            "addmod",
            "mulmod",
            "exp",
            "signextend",
            "lt",
            "gt",
            "slt",
            "sgt",
            "eq",
            "iszero",
            "and",
            "or",
            "xor",
            "not",
            "byte",
            "shl",
            "shr",
            "sar",
            "clz",
        ]
    );
}

/// The names of the natives of `module`, in table order.
fn names_in(module: &str) -> Vec<&'static str> {
    natives::NATIVES
        .iter()
        .filter(|native| native.row.module == module)
        .map(|native| native.row.name)
        .collect()
}

#[test]
fn the_frame_natives_are_all_there() {
    assert_eq!(
        names_in("memory"),
        [
            "mload",
            "mstore",
            "mstore8",
            "msize",
            "mcopy",
            "keccak256",
            "init_free_pointer",
            "keccak_slot",
            "keccak_key"
        ]
    );
    assert_eq!(names_in("storage"), ["sload", "sstore", "tload", "tstore"]);
    assert_eq!(
        names_in("log"),
        [
            "log0",
            "log1",
            "log2",
            "log3",
            "log4",
            "log0_word",
            "log1_word",
            "log2_word",
            "log3_word",
            "log4_word"
        ]
    );
    assert_eq!(
        names_in("halt"),
        [
            "stop",
            "ret",
            "revert",
            "invalid",
            "selfdestruct",
            "ret_word"
        ]
    );
    assert_eq!(
        names_in("call"),
        [
            "call",
            "callcode",
            "delegatecall",
            "staticcall",
            "create",
            "create2"
        ]
    );
    // One per EVM environment opcode (ADDRESS is `self_address`: a reserved word in Move), and
    // the fused `no_callvalue` and `selector`.
    assert_eq!(
        names_in("env"),
        [
            "self_address",
            "origin",
            "caller",
            "callvalue",
            "no_callvalue",
            "calldatasize",
            "codesize",
            "gasprice",
            "returndatasize",
            "coinbase",
            "timestamp",
            "number",
            "prevrandao",
            "gaslimit",
            "chainid",
            "selfbalance",
            "basefee",
            "blobbasefee",
            "gas",
            "balance",
            "calldataload",
            "selector",
            "extcodesize",
            "extcodehash",
            "blockhash",
            "blobhash",
            "calldatacopy",
            "codecopy",
            "returndatacopy",
            "extcodecopy",
        ]
    );
}

#[test]
fn the_runtime_pairs_every_row_of_the_shim_table_in_order() {
    let rows: Vec<_> = natives::NATIVES.iter().map(|native| native.row).collect();
    let table: Vec<_> = evmove_word::shim::NATIVES.iter().collect();
    assert_eq!(rows, table);
}

#[test]
fn a_vm_built_with_the_table_publishes_the_shim_library() {
    // Publishing fails with MISSING_DEPENDENCY if a declared native is not in the table.
    let (_vm, _store) = common::vm_with_stdlib();
}
