//! The Move [`GasMeter`] of a frame ([`FrameMeter`]): it charges the frame's gas what the
//! natives report and nothing per Move instruction. Transpiled code charges the EVM's static
//! gas itself, per straight-line section of EVM code, through `evmove::gas::charge` (a
//! native, so its amount arrives here): Move instructions are how the EVM's were compiled,
//! not a cost of their own. Termination does not need a per-instruction charge either:
//! every EVM loop passes a JUMP or JUMPI, whose section charges at least 8. The rest of the
//! gas model (what natives charge, forwarding) is the host's (`host::gas`).

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
        Ok(())
    }

    fn charge_call(
        &mut self,
        _: &ModuleId,
        _: &str,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_call_generic(
        &mut self,
        _: &ModuleId,
        _: &str,
        _: impl ExactSizeIterator<Item = impl TypeView>,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_ld_const(&mut self, _: NumBytes) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_copy_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_move_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_store_loc(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_pack(
        &mut self,
        _: bool,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_unpack(
        &mut self,
        _: bool,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_read_ref(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_write_ref(&mut self, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_eq(&mut self, _: impl ValueView, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_neq(&mut self, _: impl ValueView, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_borrow_global(
        &mut self,
        _: bool,
        _: bool,
        _: impl TypeView,
        _: bool,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_exists(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_move_from(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_move_to(
        &mut self,
        _: bool,
        _: impl TypeView,
        _: impl ValueView,
        _: bool,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_pack<'a>(
        &mut self,
        _: impl TypeView + 'a,
        _: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_len(&mut self, _: impl TypeView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_borrow(&mut self, _: bool, _: impl TypeView, _: bool) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_push_back(&mut self, _: impl TypeView, _: impl ValueView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_pop_back(
        &mut self,
        _: impl TypeView,
        _: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_unpack(&mut self, _: impl TypeView, _: NumArgs) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_vec_swap(&mut self, _: impl TypeView) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_load_resource(&mut self, _: Option<NumBytes>) -> PartialVMResult<()> {
        Ok(())
    }

    fn charge_native_function(&mut self, amount: InternalGas) -> PartialVMResult<()> {
        self.charge(amount.into())
    }
}
