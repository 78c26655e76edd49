//! The runtime's gas model, and the Move [`GasMeter`] that enforces it.
//!
//! A transaction's `gas_limit` is one budget for the Move code of all its frames: each frame
//! runs under a [`FrameMeter`] over its own [`GasCell`] (what the frame may still spend),
//! and a call hands the callee a new cell holding the forwarded gas; what the callee used is
//! charged to the caller as the call native's cost. So an infinite loop ends as out of gas
//! (a failed frame), never as a hang, at any depth.
//!
//! # Differences from EVM gas
//!
//! - Every Move instruction costs [`MOVE_INSTRUCTION`] (1), whatever it is; the EVM's
//!   stack and jump opcodes have no cost of their own (they became Move instructions).
//! - Each native charges the EVM's static gas of its opcode, plus the EVM's dynamic parts
//!   where they bound work: memory growth (`3·words + words²/512`), copies (3 per word),
//!   KECCAK256 (6 per word), LOG (375 per topic, 8 per byte), the value-transfer and
//!   code-deposit costs of calls and creations, and what the callee used.
//! - No warm/cold access costs (EIP-2929): SLOAD, BALANCE, EXTCODE* and calls charge the
//!   warm price. SSTORE charges 20,000 when it makes a zero slot non-zero, else 2,900, and
//!   refunds nothing.
//! - No intrinsic gas (21,000, calldata bytes) and no fee: the sender pays no gas, and the
//!   coinbase receives nothing, so transactions do not all conflict on two accounts.
//! - Calls forward all but 1/64 of what is left (EIP-150), and a stipend of 2,300 with value;
//!   what the callee leaves of the stipend is not returned to the caller (revm returns it).
//! - GAS returns what the frame has left under this model.

use std::{cell::Cell, rc::Rc};

use move_binary_format::errors::{PartialVMError, PartialVMResult};
use move_core_types::{
    gas_algebra::{InternalGas, NumArgs, NumBytes},
    language_storage::ModuleId,
    vm_status::StatusCode,
};
use move_vm_types::{
    gas::{GasMeter, SimpleInstruction},
    views::{TypeView, ValueView},
};

/// What one Move instruction costs.
pub const MOVE_INSTRUCTION: u64 = 1;

/// The gas a frame has left, shared by its meter (which spends it) and its natives (which
/// read it for GAS, call forwarding and the memory limit).
pub type GasCell = Rc<Cell<u64>>;

/// A frame's Move gas meter.
pub struct FrameMeter {
    left: GasCell,
}

impl FrameMeter {
    /// A meter spending `left`.
    pub fn new(left: GasCell) -> Self {
        Self { left }
    }

    fn charge(&mut self, amount: u64) -> PartialVMResult<()> {
        let left = self.left.get();
        match left.checked_sub(amount) {
            Some(rest) => {
                self.left.set(rest);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(PartialVMError::new(StatusCode::OUT_OF_GAS))
            }
        }
    }
}

impl GasMeter for FrameMeter {
    fn charge_simple_instr(&mut self, _: SimpleInstruction) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_call(
        &mut self,
        _: &ModuleId,
        _: &str,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_call_generic(
        &mut self,
        _: &ModuleId,
        _: &str,
        _: impl ExactSizeIterator<Item = impl TypeView>,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_ld_const(&mut self, _: NumBytes) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_copy_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_move_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_store_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_pack(
        &mut self,
        _: bool,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_unpack(
        &mut self,
        _: bool,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_read_ref(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_write_ref(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_eq(&mut self, _: impl ValueView, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_neq(&mut self, _: impl ValueView, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_borrow_global(
        &mut self,
        _: bool,
        _: bool,
        _: impl TypeView,
        _: bool,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_exists(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_move_from(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_move_to(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: impl ValueView,
        _: bool,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_pack<'a>(
        &mut self,
        _: impl TypeView + 'a,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_len(&mut self, _: impl TypeView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_borrow(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_push_back(&mut self, _: impl TypeView, _: impl ValueView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_pop_back(
        &mut self,
        _: impl TypeView,
        _: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_unpack(&mut self, _: impl TypeView, _: NumArgs) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_vec_swap(&mut self, _: impl TypeView) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_load_resource(&mut self, _: Option<NumBytes>) -> PartialVMResult<()> {
        self.charge(MOVE_INSTRUCTION)
    }

    fn charge_native_function(&mut self, amount: InternalGas) -> PartialVMResult<()> {
        self.charge(amount.into())
    }
}

/// EVM gas constants the natives charge (see the module doc for what is left out).
pub mod cost {
    /// BASE: environment reads.
    pub const BASE: u64 = 2;
    /// VERYLOW: memory and calldata access.
    pub const VERY_LOW: u64 = 3;
    /// Per word copied (CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY, EXTCODECOPY).
    pub const COPY_WORD: u64 = 3;
    /// KECCAK256's base.
    pub const KECCAK: u64 = 30;
    /// KECCAK256 per word hashed.
    pub const KECCAK_WORD: u64 = 6;
    /// Account and slot reads, calls (the EIP-2929 warm price).
    pub const WARM_ACCESS: u64 = 100;
    /// BLOCKHASH.
    pub const BLOCKHASH: u64 = 20;
    /// SSTORE making a zero slot non-zero.
    pub const SSTORE_SET: u64 = 20_000;
    /// Any other SSTORE.
    pub const SSTORE_RESET: u64 = 2_900;
    /// LOG's base.
    pub const LOG: u64 = 375;
    /// LOG per topic.
    pub const LOG_TOPIC: u64 = 375;
    /// LOG per byte of data.
    pub const LOG_BYTE: u64 = 8;
    /// A call moving value.
    pub const CALL_VALUE: u64 = 9_000;
    /// The gas a callee receives for free with value.
    pub const CALL_STIPEND: u64 = 2_300;
    /// A call that creates its target account by sending it value.
    pub const NEW_ACCOUNT: u64 = 25_000;
    /// CREATE and CREATE2.
    pub const CREATE: u64 = 32_000;
    /// CREATE2 per word of initcode hashed.
    pub const CREATE2_WORD: u64 = 6;
    /// Initcode per word (EIP-3860).
    pub const INITCODE_WORD: u64 = 2;
    /// Per byte of code a creation deposits.
    pub const CODE_DEPOSIT_BYTE: u64 = 200;
    /// SELFDESTRUCT.
    pub const SELFDESTRUCT: u64 = 5_000;
}

/// All but one 64th of `left` (EIP-150): the most a call may forward.
pub fn all_but_one_64th(left: u64) -> u64 {
    left - left / 64
}

/// The number of 32-byte words covering `bytes` bytes.
pub fn words(bytes: u64) -> u64 {
    bytes.div_ceil(32)
}
