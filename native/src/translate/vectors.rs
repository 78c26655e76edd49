//! The spill `vector<u128>` locals: references to them and to their elements, length, push
//! and pop, every index checked against the length and every push against the capacity.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};
use cranelift_frontend::Variable;
use evmove_runtime::natives::direct::Status;
use move_binary_format::{
    access::ModuleAccess,
    file_format::{Bytecode, SignatureIndex, SignatureToken},
};

use super::{not_compilable, Item, Local, Translator, PTR};
use crate::{types::Scalar, NotCompilable};

impl Translator<'_, '_> {
    /// A vector instruction (or a reference to a vector local).
    pub(super) fn vector(&mut self, instruction: &Bytecode) -> Result<(), NotCompilable> {
        use Bytecode as B;
        match instruction {
            B::MutBorrowLoc(local) | B::ImmBorrowLoc(local) => match self.local(*local)? {
                Local::Vector { .. } => self.stack.push(Item::VectorRef(*local as usize)),
                Local::Scalar(..) => return Err(not_compilable("a reference to a scalar")),
            },
            B::FreezeRef => match self.pop()? {
                reference @ Item::VectorRef(_) => self.stack.push(reference),
                _ => return Err(not_compilable("a reference outside the subset")),
            },
            B::VecPack(element, 0) => {
                self.vector_of_u128(*element)?;
                self.stack.push(Item::NewVector);
            }
            B::VecLen(element) => {
                self.vector_of_u128(*element)?;
                let (_, len, _) = self.pop_vector()?;
                let len = self.builder.use_var(len);
                self.stack.push(Item::Value(len, Scalar::U64));
            }
            B::VecImmBorrow(element) | B::VecMutBorrow(element) => {
                self.vector_of_u128(*element)?;
                let index = self.pop_scalar()?.0;
                let (local, len, _) = self.pop_vector()?;
                let len = self.builder.use_var(len);
                let outside =
                    (self.builder.ins()).icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
                self.stop_if(outside, Status::IndexOutOfBounds);
                self.stack.push(Item::ElementRef(local, index));
            }
            B::ReadRef => match self.pop()? {
                Item::ElementRef(local, index) => {
                    let address = self.element_address(local, index)?;
                    let value =
                        (self.builder.ins()).load(types::I128, MemFlagsData::trusted(), address, 0);
                    self.stack.push(Item::Value(value, Scalar::U128));
                }
                _ => return Err(not_compilable("a read outside the subset")),
            },
            B::WriteRef => match (self.pop()?, self.pop_scalar()?) {
                (Item::ElementRef(local, index), (value, Scalar::U128)) => {
                    let address = self.element_address(local, index)?;
                    (self.builder.ins()).store(MemFlagsData::trusted(), value, address, 0);
                }
                _ => return Err(not_compilable("a write outside the subset")),
            },
            B::VecPushBack(element) => {
                self.vector_of_u128(*element)?;
                let value = self.pop_scalar()?.0;
                let (local, len_var, capacity) = self.pop_vector()?;
                let len = self.builder.use_var(len_var);
                // Unreachable by `vector_capacity`; kept as a check, not a trust.
                let full = (self.builder.ins()).icmp_imm_u(
                    IntCC::UnsignedGreaterThanOrEqual,
                    len,
                    i64::from(capacity),
                );
                self.stop_if(full, Status::Misdeclared);
                let address = self.element_address(local, len)?;
                (self.builder.ins()).store(MemFlagsData::trusted(), value, address, 0);
                let len = self.builder.ins().iadd_imm_u(len, 1);
                self.builder.def_var(len_var, len);
            }
            B::VecPopBack(element) => {
                self.vector_of_u128(*element)?;
                let (local, len_var, _) = self.pop_vector()?;
                let len = self.builder.use_var(len_var);
                let empty = self.builder.ins().icmp_imm_u(IntCC::Equal, len, 0);
                self.stop_if(empty, Status::PopEmpty);
                let len = self.builder.ins().iadd_imm_s(len, -1);
                self.builder.def_var(len_var, len);
                let address = self.element_address(local, len)?;
                let value =
                    (self.builder.ins()).load(types::I128, MemFlagsData::trusted(), address, 0);
                self.stack.push(Item::Value(value, Scalar::U128));
            }
            other => return Err(not_compilable(format!("{other:?}"))),
        }
        Ok(())
    }

    pub(super) fn element_address(
        &mut self,
        local: usize,
        index: Value,
    ) -> Result<Value, NotCompilable> {
        let Some(Local::Vector { slot, .. }) = self.locals.get(local).copied() else {
            return Err(not_compilable("a vector reference to a scalar"));
        };
        let base = self.builder.ins().stack_addr(PTR, slot, 0);
        let offset = self.builder.ins().ishl_imm_u(index, 4);
        Ok(self.builder.ins().iadd(base, offset))
    }

    pub(super) fn vector_of_u128(&self, element: SignatureIndex) -> Result<(), NotCompilable> {
        match &self.env.module.signature_at(element).0[..] {
            [SignatureToken::U128] => Ok(()),
            _ => Err(not_compilable("a vector of something other than u128")),
        }
    }

    pub(super) fn pop_vector(&mut self) -> Result<(usize, Variable, u32), NotCompilable> {
        match self.pop()? {
            Item::VectorRef(local) => match self.locals.get(local) {
                Some(&Local::Vector { len, capacity, .. }) => Ok((local, len, capacity)),
                _ => Err(not_compilable("a vector reference to a scalar")),
            },
            _ => Err(not_compilable("a vector operation without a vector")),
        }
    }
}
