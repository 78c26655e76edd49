//! The shim library's natives as the lowering calls them: for each EVM operation, the Move
//! module and function of `stdlib/sources/` that performs it, with its shape.
//!
//! The rule (stated in `stdlib/sources/*.move`): every EVM operation that is not a stack,
//! jump or constant becomes a call of the native named after its lowercase mnemonic
//! (`prevrandao` for 0x44, `ret` for RETURN, `self_address` for ADDRESS), each word operand
//! passed as two u128 halves (`hi`, `lo`) in the EVM's operand order, returning
//! `(u128, u128)` when the operation pushes a word, and `bool` for the comparisons. A test in
//! `tests/` (`lowering_natives.rs`) checks this table against the
//! compiled shim library, so the two cannot drift apart.

use move_binary_format::file_format::SignatureToken;
use revm_bytecode::opcode::{self, OpCode};

/// What a native gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeResult {
    /// Nothing.
    Nothing,
    /// A word, as `(hi, lo)`.
    Word,
    /// A comparison's outcome.
    Bool,
}

/// A native of the shim library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Native {
    /// The Move module declaring it (at the shim library's address).
    pub module: &'static str,
    /// Its name.
    pub name: String,
    /// How many words it takes (each as two u128 parameters).
    pub words_in: usize,
    /// What it returns.
    pub result: NativeResult,
}

impl Native {
    /// Its Move parameter types: two u128 per word.
    pub fn params(&self) -> Vec<SignatureToken> {
        vec![SignatureToken::U128; 2 * self.words_in]
    }

    /// Its Move result types.
    pub fn returns(&self) -> Vec<SignatureToken> {
        match self.result {
            NativeResult::Nothing => vec![],
            NativeResult::Word => vec![SignatureToken::U128; 2],
            NativeResult::Bool => vec![SignatureToken::Bool],
        }
    }
}

/// The native performing `op`, or `None` for operations the IR never holds as operations
/// (stack, jumps, constants, JUMPDEST) and undefined opcodes.
pub fn native_for(op: OpCode) -> Option<Native> {
    let module = module_of(op.get())?;
    let name = match op.get() {
        opcode::RETURN => "ret".to_string(),
        // `address` is a Move keyword.
        opcode::ADDRESS => "self_address".to_string(),
        opcode::DIFFICULTY => "prevrandao".to_string(),
        _ => op.as_str().to_ascii_lowercase(),
    };
    let result = match op.get() {
        opcode::LT | opcode::GT | opcode::SLT | opcode::SGT | opcode::EQ | opcode::ISZERO => {
            NativeResult::Bool
        }
        _ if op.outputs() == 1 => NativeResult::Word,
        _ => NativeResult::Nothing,
    };
    Some(Native {
        module,
        name,
        words_in: usize::from(op.inputs()),
        result,
    })
}

/// Every native the lowering may call, each once (for the table test).
pub fn all() -> Vec<Native> {
    (0..=u8::MAX)
        .filter_map(OpCode::new)
        .filter_map(native_for)
        .collect()
}

fn module_of(op: u8) -> Option<&'static str> {
    Some(match op {
        opcode::ADD..=opcode::SIGNEXTEND | opcode::LT..=opcode::SAR => "arith",
        opcode::KECCAK256 | opcode::MLOAD | opcode::MSTORE | opcode::MSTORE8 => "memory",
        opcode::MSIZE | opcode::MCOPY => "memory",
        opcode::SLOAD | opcode::SSTORE | opcode::TLOAD | opcode::TSTORE => "storage",
        opcode::ADDRESS..=opcode::EXTCODEHASH | opcode::BLOCKHASH..=opcode::BLOBBASEFEE => "env",
        opcode::GAS => "env",
        opcode::LOG0..=opcode::LOG4 => "log",
        opcode::CREATE | opcode::CALL | opcode::CALLCODE | opcode::DELEGATECALL => "call",
        opcode::CREATE2 | opcode::STATICCALL => "call",
        opcode::STOP | opcode::RETURN | opcode::REVERT | opcode::INVALID => "halt",
        opcode::SELFDESTRUCT => "halt",
        _ => return None,
    })
}
