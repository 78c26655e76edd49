//! The Move [`GasMeter`] that charges a frame's Move instructions to its gas
//! ([`FrameMeter`]); the rest of the gas model (what natives charge, forwarding) is the
//! host's (`host::gas`, whose doc lists the differences from EVM gas).

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

use crate::host::gas::GasCell;

/// What one Move instruction costs: evmove's own unit, with no revm counterpart (a Move
/// instruction is not an EVM opcode; see `host::gas`).
pub const MOVE_INSTRUCTION: u64 = 1;

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
