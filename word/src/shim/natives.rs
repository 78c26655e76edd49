//! The native table: every native of the shim library, once ([`NATIVES`]), and the shim
//! library's Move functions that typed entries call ([`ABI_CALL`], [`U256_ZERO`]).
//!
//! The rule for the natives of EVM operations (`stdlib/sources/*.move` states it too): every
//! EVM operation that is not a stack, jump or constant is a native named after its lowercase
//! mnemonic (`prevrandao` for 0x44, `ret` for RETURN, `self_address` for ADDRESS: `return`
//! and `address` are Move keywords), each word operand passed as two u128 halves (`hi`, `lo`)
//! in the EVM's operand order, returning `(u128, u128)` when the operation pushes a word and
//! `bool` for the comparisons. The natives of `evmove::abi` take and return Move values.
//!
//! The natives of `evmove::gas` charge gas: transpiled code calls [`CHARGE`] at the start
//! of every straight-line section of EVM code with the section's static gas
//! ([`super::cost::static_gas`]), and [`CHARGE_EXP`] before every EXP (its price per byte
//! depends on the fork). The natives of EVM operations charge only what the static table leaves out:
//! their dynamic costs and the fork-priced static ones ([`super::cost::FORK_PRICED`]).
//!
//! Every native that reaches the host (memory, storage, environment, logs, halts, calls) has
//! a charged form, derived from its row ([`Native::charged_form`]): the same name in
//! `evmove::charged`, taking an encoded [`super::gate::Charge`] after its words, which it
//! charges first, exactly as [`CHARGE`] would (the fork's gate, then the gas), before doing
//! its work. The lowering calls it instead of a section's [`CHARGE`] followed by the native
//! (`evmove::lower::function::gas` says when that is exact): one native call fewer.

use revm_bytecode::opcode;

use std::sync::LazyLock;

use super::{
    module::{ABI, ARITH, CALL, CHARGED, ENV, GAS, HALT, LOG as LOGS, MEMORY, STORAGE, U256},
    MoveType, BYTES,
};

/// What a native takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Args {
    /// This many words, each as two u128 parameters (`hi`, `lo`), in the EVM's operand
    /// order.
    Words(usize),
    /// Move values of these types.
    Values(&'static [MoveType]),
}

/// What a native gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Results {
    /// Nothing.
    Nothing,
    /// A word, as `(hi, lo)`.
    Word,
    /// A word below 2^128 (a size, a selector), as its low half alone (`u128`): its high
    /// half is zero. One value where a word is two: the Move VM 0.3.2 keeps a native's one
    /// result inline and moves two to the heap.
    Narrow,
    /// A comparison's outcome.
    Bool,
    /// Move values of these types.
    Values(&'static [MoveType]),
}

/// A native of the shim library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Native {
    /// The Move module declaring it, at the shim library's address ([`super::module`]).
    pub module: &'static str,
    /// Its name in that module.
    pub name: &'static str,
    /// The EVM operation it performs, if it performs one.
    pub opcode: Option<u8>,
    /// How many type parameters it has (each without ability constraints).
    pub type_params: usize,
    /// What it takes.
    pub args: Args,
    /// What it gives back.
    pub result: Results,
    /// Whether it is a charged form: it takes an encoded charge of static gas (a `u64`)
    /// after its other arguments and charges it before its work.
    pub charged: bool,
}

impl Native {
    /// How many words it takes (0 for a native taking Move values).
    pub fn words_in(&self) -> usize {
        match self.args {
            Args::Words(words) => words,
            Args::Values(_) => 0,
        }
    }

    /// Its Move parameter types: two u128 per word, and the charge's `u64` last in a
    /// charged form.
    pub fn params(&self) -> Vec<MoveType> {
        let mut params = match self.args {
            Args::Words(words) => vec![MoveType::U128; 2 * words],
            Args::Values(types) => types.to_vec(),
        };
        if self.charged {
            params.push(MoveType::U64);
        }
        params
    }

    /// Whether it reaches the host (memory, storage, the environment, logs, halts, calls),
    /// rather than computing on words (`arith`), charging gas (`gas`) or serving typed
    /// entries (`abi`).
    pub fn reaches_host(&self) -> bool {
        self.charged || [MEMORY, STORAGE, ENV, LOGS, HALT, CALL].contains(&self.module)
    }

    /// Its charged form (`evmove::charged::<name>`), if it reaches the host and is not one.
    pub fn charged_form(&self) -> Option<&'static Native> {
        let charged = |row: &&Native| row.charged && row.name == self.name;
        (!self.charged && self.reaches_host())
            .then(|| NATIVES.iter().find(charged))
            .flatten()
    }

    /// The native a charged form charges before (itself if it is not a charged form).
    pub fn uncharged(&'static self) -> &'static Native {
        let base = |row: &&Native| row.reaches_host() && !row.charged && row.name == self.name;
        match self.charged {
            true => NATIVES.iter().find(base).unwrap_or(self),
            false => self,
        }
    }

    /// Its Move result types.
    pub fn returns(&self) -> Vec<MoveType> {
        match self.result {
            Results::Nothing => vec![],
            Results::Word => vec![MoveType::U128; 2],
            Results::Narrow => vec![MoveType::U128],
            Results::Bool => vec![MoveType::Bool],
            Results::Values(types) => types.to_vec(),
        }
    }
}

/// The native performing EVM operation `opcode`, if there is one (none for stack, jump and
/// constant operations, JUMPDEST and undefined opcodes).
pub fn native_for(opcode: u8) -> Option<&'static Native> {
    (NATIVES.iter()).find(|native| native.opcode == Some(opcode) && !native.charged)
}

/// The native `module::name`, if there is one.
pub fn find(module: &str, name: &str) -> Option<&'static Native> {
    NATIVES
        .iter()
        .find(|native| native.module == module && native.name == name)
}

/// A native of EVM operation `opcode`, taking `words` words.
const fn op(
    module: &'static str,
    name: &'static str,
    opcode: u8,
    words: usize,
    result: Results,
) -> Native {
    Native {
        module,
        name,
        opcode: Some(opcode),
        type_params: 0,
        args: Args::Words(words),
        result,
        charged: false,
    }
}

/// A native of `evmove::abi`.
const fn abi(
    name: &'static str,
    type_params: usize,
    args: &'static [MoveType],
    result: &'static [MoveType],
) -> Native {
    Native {
        module: ABI,
        name,
        opcode: None,
        type_params,
        args: Args::Values(args),
        result: Results::Values(result),
        charged: false,
    }
}

use Results::{Bool as BOOL, Narrow as NARROW, Nothing as NOTHING, Word as WORD};

/// `address_to_word(a: address): (u128, u128)`: the word of an address, zero-extended.
pub const ADDRESS_TO_WORD: Native = abi(
    "address_to_word",
    0,
    &[MoveType::Address],
    &[MoveType::U128, MoveType::U128],
);
/// `to_bcs<T>(v: T): vector<u8>`: the BCS encoding of any Move value.
pub const TO_BCS: Native = abi("to_bcs", 1, &[MoveType::TypeParameter(0)], &[BYTES]);
/// `put_call(selector: u64, types: vector<u8>, args: vector<vector<u8>>): u64`: writes the
/// calldata of function `selector` with arguments of the ABI types whose tuple text
/// ([`super::abi_types::tuple_text`]) is `types` and whose Move values, BCS-encoded, are
/// `args`, at offset 0 of memory; its size.
pub const PUT_CALL: Native = abi(
    "put_call",
    0,
    &[MoveType::U64, BYTES, MoveType::Vector(&BYTES)],
    &[MoveType::U64],
);
/// `result_at<T>(types: vector<u8>, index: u64): T`: Move value `index` of the results of
/// the ABI types `types` in the return data.
pub const RESULT_AT: Native = abi(
    "result_at",
    1,
    &[BYTES, MoveType::U64],
    &[MoveType::TypeParameter(0)],
);

/// `charge(gas: u64)`: charges the frame `gas`, halting it out of gas if it has less left
/// (the static gas of a section of EVM code).
pub const CHARGE: Native = Native {
    module: GAS,
    name: "charge",
    opcode: None,
    type_params: 0,
    args: Args::Values(&[MoveType::U64]),
    result: Results::Nothing,
    charged: false,
};
/// `charge_exp(exponent_hi: u128, exponent_lo: u128)`: charges the frame EXP's dynamic gas
/// for `exponent` at the block's fork.
pub const CHARGE_EXP: Native = Native {
    module: GAS,
    name: "charge_exp",
    opcode: None,
    type_params: 0,
    args: Args::Words(1),
    result: Results::Nothing,
    charged: false,
};

/// `gas_left(): u64`: the gas the frame has left, for code counting its static gas in a
/// Move local (`evmove::lower::function::counted` says where).
pub const GAS_LEFT: Native = Native {
    module: GAS,
    name: "gas_left",
    opcode: None,
    type_params: 0,
    args: Args::Values(&[]),
    result: Results::Values(&[MoveType::U64]),
    charged: false,
};
/// `fork(): u64`: the block's fork (revm's `SpecId` as a number), for code counting its
/// static gas in a Move local, which checks its sections' forks against it in place.
pub const FORK: Native = Native {
    module: GAS,
    name: "fork",
    opcode: None,
    type_params: 0,
    args: Args::Values(&[]),
    result: Results::Values(&[MoveType::U64]),
    charged: false,
};
/// `settle(left: u64)`: charges the frame down to `left` gas, what code counting its static
/// gas in a Move local since [`GAS_LEFT`] has left (never more than the frame has).
pub const SETTLE: Native = Native {
    module: GAS,
    name: "settle",
    opcode: None,
    type_params: 0,
    args: Args::Values(&[MoveType::U64]),
    result: Results::Nothing,
    charged: false,
};

/// `keccak_slot(key_hi, key_lo, slot_hi, slot_lo): (u128, u128)`: MSTORE of `key` at 0,
/// MSTORE of `slot` at 32, then KECCAK256 of memory 0..64 — a mapping's storage slot as
/// Solidity computes it, in one native instead of three. It writes memory and charges gas as
/// the three operations do (their dynamic costs; their static gas is the section's).
pub const KECCAK_SLOT: Native = Native {
    module: MEMORY,
    name: "keccak_slot",
    opcode: None,
    type_params: 0,
    args: Args::Words(2),
    result: Results::Word,
    charged: false,
};

/// `init_free_pointer()`: MSTORE of 0x80 at 0x40 — solc's free memory pointer, set where its
/// code starts — in a native taking nothing instead of four halves. It writes memory and
/// charges gas as the store does.
pub const INIT_FREE_POINTER: Native = Native {
    module: MEMORY,
    name: "init_free_pointer",
    opcode: None,
    type_params: 0,
    args: Args::Words(0),
    result: Results::Nothing,
    charged: false,
};

/// `keccak_key(key_hi, key_lo): (u128, u128)`: MSTORE of `key` at 0, then KECCAK256 of memory
/// 0..64 — a mapping's slot when the mapping's own slot is still at 32 from the last hash
/// (Solidity's second lookup in the same mapping), in one native instead of two. It writes
/// memory and charges gas as the two operations do.
pub const KECCAK_KEY: Native = Native {
    module: MEMORY,
    name: "keccak_key",
    opcode: None,
    type_params: 0,
    args: Args::Words(1),
    result: Results::Word,
    charged: false,
};

/// `ret_word(offset_hi, offset_lo, value_hi, value_lo)`: MSTORE of `value` at `offset`, then
/// RETURN of those 32 bytes — a function returning one word, in one native instead of two.
/// It writes memory and charges gas as the two operations do.
pub const RET_WORD: Native = Native {
    module: HALT,
    name: "ret_word",
    opcode: None,
    type_params: 0,
    args: Args::Words(2),
    result: Results::Nothing,
    charged: false,
};

/// `selector(): u128`: CALLDATALOAD of offset 0 shifted right by 224 bits — the function
/// selector, the input's first four bytes (zero past its end) — in one native taking
/// nothing and giving one value instead of a native taking a word and giving two, and a
/// shift.
pub const SELECTOR: Native = Native {
    module: ENV,
    name: "selector",
    opcode: None,
    type_params: 0,
    args: Args::Words(0),
    result: Results::Narrow,
    charged: false,
};

/// `no_callvalue(): bool`: ISZERO of CALLVALUE — a non-payable function's check that it was
/// sent no value — in one native giving one value instead of a word and a test.
pub const NO_CALLVALUE: Native = Native {
    module: ENV,
    name: "no_callvalue",
    opcode: None,
    type_params: 0,
    args: Args::Words(0),
    result: Results::Bool,
    charged: false,
};

/// `log<n>_word(offset_hi, offset_lo, value_hi, value_lo, topics...)`: MSTORE of `value` at
/// `offset`, then LOG`n` of those 32 bytes with the topics — an event with one word of data,
/// in one native instead of two. It writes memory and charges gas as the two operations do.
const fn log_word(name: &'static str, topics: usize) -> Native {
    Native {
        module: LOGS,
        name,
        opcode: None,
        type_params: 0,
        args: Args::Words(2 + topics),
        result: Results::Nothing,
        charged: false,
    }
}

/// `log0_word` to `log4_word`, by their number of topics.
pub const LOG_WORD: [Native; 5] = [
    log_word("log0_word", 0),
    log_word("log1_word", 1),
    log_word("log2_word", 2),
    log_word("log3_word", 3),
    log_word("log4_word", 4),
];

/// The natives that perform several EVM operations at once (the lowering emits them for
/// sequences it recognises).
pub const FUSED: &[Native] = &[
    INIT_FREE_POINTER,
    NO_CALLVALUE,
    SELECTOR,
    KECCAK_SLOT,
    KECCAK_KEY,
    RET_WORD,
    LOG_WORD[0],
    LOG_WORD[1],
    LOG_WORD[2],
    LOG_WORD[3],
    LOG_WORD[4],
];

/// Every native of the shim library, each once: the rows written here ([`ROWS`]), then the
/// charged form of each that reaches the host, derived from it.
pub static NATIVES: LazyLock<Vec<Native>> = LazyLock::new(|| {
    let charged = ROWS
        .iter()
        .filter(|row| row.reaches_host())
        .map(|row| Native {
            module: CHARGED,
            charged: true,
            ..*row
        });
    ROWS.iter().copied().chain(charged).collect()
});

/// The natives of the shim library but the charged forms.
#[rustfmt::skip]
const ROWS: &[Native] = &[
    // evmove::arith
    op(ARITH, "add", opcode::ADD, 2, WORD),
    op(ARITH, "sub", opcode::SUB, 2, WORD),
    op(ARITH, "mul", opcode::MUL, 2, WORD),
    op(ARITH, "div", opcode::DIV, 2, WORD),
    op(ARITH, "sdiv", opcode::SDIV, 2, WORD),
    op(ARITH, "mod", opcode::MOD, 2, WORD),
    op(ARITH, "smod", opcode::SMOD, 2, WORD),
    op(ARITH, "addmod", opcode::ADDMOD, 3, WORD),
    op(ARITH, "mulmod", opcode::MULMOD, 3, WORD),
    op(ARITH, "exp", opcode::EXP, 2, WORD),
    op(ARITH, "signextend", opcode::SIGNEXTEND, 2, WORD),
    op(ARITH, "lt", opcode::LT, 2, BOOL),
    op(ARITH, "gt", opcode::GT, 2, BOOL),
    op(ARITH, "slt", opcode::SLT, 2, BOOL),
    op(ARITH, "sgt", opcode::SGT, 2, BOOL),
    op(ARITH, "eq", opcode::EQ, 2, BOOL),
    op(ARITH, "iszero", opcode::ISZERO, 1, BOOL),
    op(ARITH, "and", opcode::AND, 2, WORD),
    op(ARITH, "or", opcode::OR, 2, WORD),
    op(ARITH, "xor", opcode::XOR, 2, WORD),
    op(ARITH, "not", opcode::NOT, 1, WORD),
    op(ARITH, "byte", opcode::BYTE, 2, WORD),
    op(ARITH, "shl", opcode::SHL, 2, WORD),
    op(ARITH, "shr", opcode::SHR, 2, WORD),
    op(ARITH, "sar", opcode::SAR, 2, WORD),
    op(ARITH, "clz", opcode::CLZ, 1, WORD),
    // evmove::memory
    op(MEMORY, "mload", opcode::MLOAD, 1, WORD),
    op(MEMORY, "mstore", opcode::MSTORE, 2, NOTHING),
    op(MEMORY, "mstore8", opcode::MSTORE8, 2, NOTHING),
    op(MEMORY, "msize", opcode::MSIZE, 0, NARROW),
    op(MEMORY, "mcopy", opcode::MCOPY, 3, NOTHING),
    op(MEMORY, "keccak256", opcode::KECCAK256, 2, WORD),
    INIT_FREE_POINTER,
    KECCAK_SLOT,
    KECCAK_KEY,
    // evmove::storage
    op(STORAGE, "sload", opcode::SLOAD, 1, WORD),
    op(STORAGE, "sstore", opcode::SSTORE, 2, NOTHING),
    op(STORAGE, "tload", opcode::TLOAD, 1, WORD),
    op(STORAGE, "tstore", opcode::TSTORE, 2, NOTHING),
    // evmove::env
    op(ENV, "self_address", opcode::ADDRESS, 0, WORD),
    op(ENV, "origin", opcode::ORIGIN, 0, WORD),
    op(ENV, "caller", opcode::CALLER, 0, WORD),
    op(ENV, "callvalue", opcode::CALLVALUE, 0, WORD),
    NO_CALLVALUE,
    op(ENV, "calldatasize", opcode::CALLDATASIZE, 0, NARROW),
    op(ENV, "codesize", opcode::CODESIZE, 0, NARROW),
    op(ENV, "gasprice", opcode::GASPRICE, 0, WORD),
    op(ENV, "returndatasize", opcode::RETURNDATASIZE, 0, NARROW),
    op(ENV, "coinbase", opcode::COINBASE, 0, WORD),
    op(ENV, "timestamp", opcode::TIMESTAMP, 0, WORD),
    op(ENV, "number", opcode::NUMBER, 0, WORD),
    op(ENV, "prevrandao", opcode::DIFFICULTY, 0, WORD),
    op(ENV, "gaslimit", opcode::GASLIMIT, 0, WORD),
    op(ENV, "chainid", opcode::CHAINID, 0, WORD),
    op(ENV, "selfbalance", opcode::SELFBALANCE, 0, WORD),
    op(ENV, "basefee", opcode::BASEFEE, 0, WORD),
    op(ENV, "blobbasefee", opcode::BLOBBASEFEE, 0, WORD),
    op(ENV, "gas", opcode::GAS, 0, WORD),
    op(ENV, "balance", opcode::BALANCE, 1, WORD),
    op(ENV, "calldataload", opcode::CALLDATALOAD, 1, WORD),
    SELECTOR,
    op(ENV, "extcodesize", opcode::EXTCODESIZE, 1, NARROW),
    op(ENV, "extcodehash", opcode::EXTCODEHASH, 1, WORD),
    op(ENV, "blockhash", opcode::BLOCKHASH, 1, WORD),
    op(ENV, "blobhash", opcode::BLOBHASH, 1, WORD),
    op(ENV, "calldatacopy", opcode::CALLDATACOPY, 3, NOTHING),
    op(ENV, "codecopy", opcode::CODECOPY, 3, NOTHING),
    op(ENV, "returndatacopy", opcode::RETURNDATACOPY, 3, NOTHING),
    op(ENV, "extcodecopy", opcode::EXTCODECOPY, 4, NOTHING),
    // evmove::log
    op(LOGS, "log0", opcode::LOG0, 2, NOTHING),
    op(LOGS, "log1", opcode::LOG1, 3, NOTHING),
    op(LOGS, "log2", opcode::LOG2, 4, NOTHING),
    op(LOGS, "log3", opcode::LOG3, 5, NOTHING),
    op(LOGS, "log4", opcode::LOG4, 6, NOTHING),
    LOG_WORD[0],
    LOG_WORD[1],
    LOG_WORD[2],
    LOG_WORD[3],
    LOG_WORD[4],
    // evmove::halt
    op(HALT, "stop", opcode::STOP, 0, NOTHING),
    op(HALT, "ret", opcode::RETURN, 2, NOTHING),
    op(HALT, "revert", opcode::REVERT, 2, NOTHING),
    op(HALT, "invalid", opcode::INVALID, 0, NOTHING),
    op(HALT, "selfdestruct", opcode::SELFDESTRUCT, 1, NOTHING),
    RET_WORD,
    // evmove::call
    op(CALL, "call", opcode::CALL, 7, WORD),
    op(CALL, "callcode", opcode::CALLCODE, 7, WORD),
    op(CALL, "delegatecall", opcode::DELEGATECALL, 6, WORD),
    op(CALL, "staticcall", opcode::STATICCALL, 6, WORD),
    op(CALL, "create", opcode::CREATE, 3, WORD),
    op(CALL, "create2", opcode::CREATE2, 4, WORD),
    // evmove::gas
    CHARGE,
    CHARGE_EXP,
    GAS_LEFT,
    FORK,
    SETTLE,
    // evmove::abi
    ADDRESS_TO_WORD,
    TO_BCS,
    PUT_CALL,
    RESULT_AT,
];

/// A Move function (with code) of the shim library that transpiled code calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoveFunction {
    /// Its module.
    pub module: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its parameter types.
    pub params: &'static [MoveType],
    /// Its result types.
    pub returns: &'static [MoveType],
}

/// `evmove::abi::call(contract: address, value: U256, size: u64)`: CALLs `contract` with the
/// calldata `put_call` wrote; aborts with [`super::AbortCode::Reverted`] if the call fails.
pub const ABI_CALL: MoveFunction = MoveFunction {
    module: ABI,
    name: "call",
    params: &[MoveType::Address, MoveType::U256, MoveType::U64],
    returns: &[],
};

/// `evmove::u256::zero(): U256`.
pub const U256_ZERO: MoveFunction = MoveFunction {
    module: U256,
    name: "zero",
    params: &[],
    returns: &[MoveType::U256],
};

/// Every Move function of the shim library transpiled code calls.
pub const MOVE_FUNCTIONS: &[MoveFunction] = &[ABI_CALL, U256_ZERO];

#[cfg(test)]
mod tests {
    use revm_bytecode::opcode::OpCode;

    use super::*;

    #[test]
    fn each_native_is_listed_once_and_each_operation_has_one_native() {
        for (i, native) in NATIVES.iter().enumerate() {
            let same = |other: &Native| (other.module, other.name) == (native.module, native.name);
            assert!(!NATIVES[..i].iter().any(same), "{} twice", native.name);
            if let Some(opcode) = native.opcode.filter(|_| !native.charged) {
                assert_eq!(native_for(opcode), Some(native), "{opcode:#x}");
            }
        }
    }

    /// An EVM operation's native takes its operands and pushes its result, as the EVM's
    /// opcode table says (a comparison's bool stands for the word it pushes).
    #[test]
    fn operation_natives_take_and_give_what_their_opcodes_do() {
        for native in NATIVES.iter() {
            let Some(op) = native.opcode.and_then(OpCode::new) else {
                assert!(
                    [ABI, GAS].contains(&native.module) || FUSED.contains(native.uncharged()),
                    "{} performs no operation",
                    native.name
                );
                continue;
            };
            assert_eq!(native.words_in(), usize::from(op.inputs()), "{op}");
            let pushes = matches!(
                native.result,
                Results::Word | Results::Narrow | Results::Bool
            );
            assert_eq!(pushes, op.outputs() == 1, "{op}");
            let name = match native.name {
                "ret" => "return",
                "self_address" => "address",
                "prevrandao" => "difficulty",
                name => name,
            };
            assert_eq!(name, op.as_str().to_ascii_lowercase(), "{op}");
        }
    }

    /// Each native reaching the host has one charged form, taking a `u64` after its own
    /// parameters and giving back what it does; no other native has one.
    #[test]
    fn each_host_native_has_a_charged_form_of_its_shape_plus_a_u64() {
        for native in NATIVES.iter().filter(|native| !native.charged) {
            let Some(charged) = native.charged_form() else {
                assert!(
                    [ARITH, GAS, ABI].contains(&native.module),
                    "{}",
                    native.name
                );
                continue;
            };
            let mut params = native.params();
            params.push(MoveType::U64);
            assert_eq!(
                (charged.params(), charged.returns()),
                (params, native.returns())
            );
            assert_eq!((charged.module, charged.uncharged()), (CHARGED, native));
        }
        let charged = NATIVES.iter().filter(|native| native.charged).count();
        assert_eq!(
            charged,
            ROWS.iter().filter(|row| row.reaches_host()).count()
        );
        assert_eq!(
            find(MEMORY, "mstore").and_then(Native::charged_form),
            find(CHARGED, "mstore")
        );
    }

    #[test]
    fn natives_of_operations_are_found_by_opcode_and_others_by_name() {
        assert_eq!(native_for(opcode::ADD).map(|n| n.name), Some("add"));
        assert_eq!(native_for(opcode::RETURN).map(|n| n.name), Some("ret"));
        assert_eq!(native_for(opcode::PUSH1), None);
        assert_eq!(native_for(opcode::JUMPDEST), None);
        assert_eq!(find(ABI, "to_bcs"), Some(&TO_BCS));
        assert_eq!(find(ARITH, "to_bcs"), None);
    }
}
