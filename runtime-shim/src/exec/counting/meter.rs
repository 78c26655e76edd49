//! [`CountingMeter`]: a Move [`GasMeter`] that tallies every instruction the interpreter
//! charges into a transaction's [`Counter`] and charges it to the frame's own meter, so a
//! counting run spends gas, runs out of it and ends exactly as a plain run does.

use move_binary_format::errors::PartialVMResult;
use move_core_types::{
    gas_algebra::{InternalGas, NumArgs, NumBytes},
    language_storage::ModuleId,
};
use move_vm_types::{
    gas::{GasMeter, SimpleInstruction},
    views::{TypeView, ValueView},
};

use super::{counter::Counter, opcode::Opcode};

/// The frame's meter `M`, counting into a transaction's [`Counter`].
pub struct CountingMeter<'c, M> {
    inner: M,
    counter: &'c Counter,
}

impl<'c, M: GasMeter> CountingMeter<'c, M> {
    /// `inner`, counting into `counter`.
    pub fn new(inner: M, counter: &'c Counter) -> Self {
        Self { inner, counter }
    }

    /// Counts `opcode` if the inner meter charged it (an instruction that ran out of gas
    /// did not run).
    fn counted(&self, opcode: Opcode, charged: PartialVMResult<()>) -> PartialVMResult<()> {
        if charged.is_ok() {
            self.counter.instruction(opcode);
        }
        charged
    }

    /// Counts a call of `module::function`: a `Call` instruction, and a native or a Move
    /// function call.
    fn counted_call(
        &self,
        opcode: Opcode,
        module: &ModuleId,
        function: &str,
        charged: PartialVMResult<()>,
    ) -> PartialVMResult<()> {
        if charged.is_ok() {
            self.counter.call(module, function);
        }
        self.counted(opcode, charged)
    }
}

impl<M: GasMeter> GasMeter for CountingMeter<'_, M> {
    fn charge_simple_instr(&mut self, instr: SimpleInstruction) -> PartialVMResult<()> {
        let charged = self.inner.charge_simple_instr(instr);
        self.counted(instr.into(), charged)
    }

    fn charge_call(
        &mut self,
        module_id: &ModuleId,
        func_name: &str,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_call(module_id, func_name, args);
        self.counted_call(Opcode::Call, module_id, func_name, charged)
    }

    fn charge_call_generic(
        &mut self,
        module_id: &ModuleId,
        func_name: &str,
        ty_args: impl ExactSizeIterator<Item = impl TypeView>,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = (self.inner).charge_call_generic(module_id, func_name, ty_args, args);
        self.counted_call(Opcode::CallGeneric, module_id, func_name, charged)
    }

    fn charge_ld_const(&mut self, size: NumBytes) -> PartialVMResult<()> {
        let charged = self.inner.charge_ld_const(size);
        self.counted(Opcode::LdConst, charged)
    }

    fn charge_copy_loc(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_copy_loc(val);
        self.counted(Opcode::CopyLoc, charged)
    }

    fn charge_move_loc(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_move_loc(val);
        self.counted(Opcode::MoveLoc, charged)
    }

    fn charge_store_loc(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_store_loc(val);
        self.counted(Opcode::StLoc, charged)
    }

    fn charge_pack(
        &mut self,
        is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_pack(is_generic, args);
        self.counted(Opcode::Pack, charged)
    }

    fn charge_unpack(
        &mut self,
        is_generic: bool,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_unpack(is_generic, args);
        self.counted(Opcode::Unpack, charged)
    }

    fn charge_read_ref(&mut self, ref_val: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_read_ref(ref_val);
        self.counted(Opcode::ReadRef, charged)
    }

    fn charge_write_ref(&mut self, val: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_write_ref(val);
        self.counted(Opcode::WriteRef, charged)
    }

    fn charge_eq(&mut self, lhs: impl ValueView, rhs: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_eq(lhs, rhs);
        self.counted(Opcode::Eq, charged)
    }

    fn charge_neq(&mut self, lhs: impl ValueView, rhs: impl ValueView) -> PartialVMResult<()> {
        let charged = self.inner.charge_neq(lhs, rhs);
        self.counted(Opcode::Neq, charged)
    }

    fn charge_borrow_global(
        &mut self,
        is_mut: bool,
        is_generic: bool,
        ty: impl TypeView,
        is_success: bool,
    ) -> PartialVMResult<()> {
        let charged = (self.inner).charge_borrow_global(is_mut, is_generic, ty, is_success);
        let opcode = match is_mut {
            true => Opcode::MutBorrowGlobal,
            false => Opcode::ImmBorrowGlobal,
        };
        self.counted(opcode, charged)
    }

    fn charge_exists(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        exists: bool,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_exists(is_generic, ty, exists);
        self.counted(Opcode::Exists, charged)
    }

    fn charge_move_from(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        val: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_move_from(is_generic, ty, val);
        self.counted(Opcode::MoveFrom, charged)
    }

    fn charge_move_to(
        &mut self,
        is_generic: bool,
        ty: impl TypeView,
        val: impl ValueView,
        is_success: bool,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_move_to(is_generic, ty, val, is_success);
        self.counted(Opcode::MoveTo, charged)
    }

    fn charge_vec_pack<'a>(
        &mut self,
        ty: impl TypeView + 'a,
        args: impl ExactSizeIterator<Item = impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_pack(ty, args);
        self.counted(Opcode::VecPack, charged)
    }

    fn charge_vec_len(&mut self, ty: impl TypeView) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_len(ty);
        self.counted(Opcode::VecLen, charged)
    }

    fn charge_vec_borrow(
        &mut self,
        is_mut: bool,
        ty: impl TypeView,
        is_success: bool,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_borrow(is_mut, ty, is_success);
        let opcode = match is_mut {
            true => Opcode::VecMutBorrow,
            false => Opcode::VecImmBorrow,
        };
        self.counted(opcode, charged)
    }

    fn charge_vec_push_back(
        &mut self,
        ty: impl TypeView,
        val: impl ValueView,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_push_back(ty, val);
        self.counted(Opcode::VecPushBack, charged)
    }

    fn charge_vec_pop_back(
        &mut self,
        ty: impl TypeView,
        val: Option<impl ValueView>,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_pop_back(ty, val);
        self.counted(Opcode::VecPopBack, charged)
    }

    fn charge_vec_unpack(
        &mut self,
        ty: impl TypeView,
        expect_num_elements: NumArgs,
    ) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_unpack(ty, expect_num_elements);
        self.counted(Opcode::VecUnpack, charged)
    }

    fn charge_vec_swap(&mut self, ty: impl TypeView) -> PartialVMResult<()> {
        let charged = self.inner.charge_vec_swap(ty);
        self.counted(Opcode::VecSwap, charged)
    }

    /// Not an instruction: part of the global-storage one that loads the resource.
    fn charge_load_resource(&mut self, loaded: Option<NumBytes>) -> PartialVMResult<()> {
        self.inner.charge_load_resource(loaded)
    }

    /// Not an instruction: what a native reported, after it ran (counted at its `Call`).
    fn charge_native_function(&mut self, amount: InternalGas) -> PartialVMResult<()> {
        self.inner.charge_native_function(amount)
    }
}
